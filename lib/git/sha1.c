/* sha1: SHA-1 (FIPS 180-4 §6.1), the default git object id. */
#include <string.h>

#include "sha.h"
#include "sha_md.h"

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
	sha_md_update(c->h, &c->len, c->buf, sha1_block, data, n);
}

void
sha1_final(struct sha1_ctx *c, unsigned char out[20])
{
	sha_md_final(c->h, &c->len, c->buf, sha1_block, out, 5);
}
