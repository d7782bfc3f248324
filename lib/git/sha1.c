/* sha1: the SHA-1 compression function (FIPS 180-4 §6.1), git's default object id. */
#include "git_bytes.h"
#include "git_hash.h"

const uint32_t git_sha1_iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

static uint32_t
rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

void
git_sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = git_be32(p + 4 * i);
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

