/* sha_md: the block framing of SHA-1 and SHA-256 (FIPS 180-4 §5.1.1, §5.2.1). */
#include <string.h>

#include "sha_md.h"

void
sha_md_update(uint32_t *h, uint64_t *len, unsigned char buf[64], sha_block_fn *block,
              const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t used = *len % 64;

	*len += n;
	if (used) {
		size_t take = 64 - used < n ? 64 - used : n;

		memcpy(buf + used, p, take);
		p += take, n -= take;
		if (used + take < 64)
			return;
		block(h, buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(h, p);
	memcpy(buf, p, n);
}

void
sha_md_final(uint32_t *h, uint64_t *len, unsigned char buf[64], sha_block_fn *block,
             unsigned char *out, int nwords)
{
	uint64_t bits = *len * 8;
	unsigned char pad[72] = {0x80};
	size_t padn = 64 - (*len + 8) % 64;
	int i;

	for (i = 0; i < 8; i++)
		pad[padn + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_md_update(h, len, buf, block, pad, padn + 8);
	for (i = 0; i < nwords; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}
