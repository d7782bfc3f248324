/* sha: SHA-1 and SHA-256 (FIPS 180-4), for git object ids. */
#ifndef KTSTR_SHA_H
#define KTSTR_SHA_H

#include <stddef.h>
#include <stdint.h>

struct sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t n);
void sha1_final(struct sha1_ctx *c, unsigned char out[20]);

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t n);
void sha256_final(struct sha256_ctx *c, unsigned char out[32]);

#endif
