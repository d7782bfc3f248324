/* sha1: SHA-1 (FIPS 180-4 §6.1), the default git object id. */
#include <string.h>

#include "sha.h"

static uint32_t
rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 20; i++) {
		t = rol(a, 5) + ((b & c) | (~b & d)) + e + w[i] + 0x5a827999;
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	for (; i < 40; i++) {
		t = rol(a, 5) + (b ^ c ^ d) + e + w[i] + 0x6ed9eba1;
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	for (; i < 60; i++) {
		t = rol(a, 5) + ((b & c) | (b & d) | (c & d)) + e + w[i] + 0x8f1bbcdc;
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	for (; i < 80; i++) {
		t = rol(a, 5) + (b ^ c ^ d) + e + w[i] + 0xca62c1d6;
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void
sha1_init(struct sha1_ctx *c)
{
	static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t used = c->len % 64;

	c->len += n;
	if (used) {
		size_t take = 64 - used < n ? 64 - used : n;

		memcpy(c->buf + used, p, take);
		p += take, n -= take;
		if (used + take < 64)
			return;
		sha1_block(c->h, c->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		sha1_block(c->h, p);
	memcpy(c->buf, p, n);
}

void
sha1_final(struct sha1_ctx *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = {0x80};
	size_t padn = 64 - (c->len + 8) % 64;
	int i;

	for (i = 0; i < 8; i++)
		pad[padn + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, pad, padn + 8);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}
