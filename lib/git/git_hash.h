/*
 * git_hash: the object id hash, SHA-1 or SHA-256 (FIPS 180-4), behind
 * one context in the manner of libgit2's git_hash_ctx: the algorithm
 * is chosen once, at git_hash_init, and every later call follows it.
 */
#ifndef KTSTR_GIT_HASH_H
#define KTSTR_GIT_HASH_H

#include <stddef.h>
#include <stdint.h>

enum git_hash_algo {
	GIT_HASH_SHA1,   /* 20-byte ids, git's default */
	GIT_HASH_SHA256, /* 32-byte ids, extensions.objectFormat=sha256 */
};

#define GIT_HASH_MAX_SIZE 32

/*
 * Both algorithms are Merkle-Damgard over 64-byte blocks with the same
 * padding, so only the chaining state differs between them.
 */
struct git_hash_ctx {
	enum git_hash_algo algo;
	union {
		uint32_t sha1[5];
		uint32_t sha256[8];
	} state;
	uint64_t len;          /* bytes fed so far */
	unsigned char buf[64]; /* the partial block */
	void (*block)(uint32_t *h, const unsigned char *block); /* the algorithm's, for this CPU */
};

void git_hash_init(struct git_hash_ctx *c, enum git_hash_algo algo);
void git_hash_update(struct git_hash_ctx *c, const void *data, size_t n);
/* Writes git_hash_size(c->algo) bytes to out. */
void git_hash_final(struct git_hash_ctx *c, unsigned char *out);
size_t git_hash_size(enum git_hash_algo algo);

/* The compression functions and initial values (sha1.c, sha256.c). */
extern const uint32_t git_sha1_iv[5], git_sha256_iv[8];
void git_sha1_block(uint32_t h[5], const unsigned char *block);
void git_sha256_block(uint32_t h[8], const unsigned char *block);
/* SHA-1 on the x86 SHA extensions (sha1_x86.c), where git_sha1_x86_usable() says the CPU has them. */
int git_sha1_x86_usable(void);
void git_sha1_block_x86(uint32_t h[5], const unsigned char *block);

#endif
