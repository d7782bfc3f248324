/*
 * git_hash: the framing SHA-1 and SHA-256 share (FIPS 180-4 §5.1.1: a
 * 0x80 byte, zeros, the 64-bit big-endian bit count; the state words
 * written big-endian), and the one table of what differs between them.
 */
#include <stdatomic.h>
#include <string.h>

#include "git_bytes.h"
#include "git_hash.h"

static const struct algo {
	size_t size; /* digest bytes: 4 per state word */
	const uint32_t *iv;
	void (*block)(uint32_t *h, const unsigned char *block);
} algos[] = {
	[GIT_HASH_SHA1] = {20, git_sha1_iv, git_sha1_block},
	[GIT_HASH_SHA256] = {32, git_sha256_iv, git_sha256_block},
};

static uint32_t *
words(struct git_hash_ctx *c)
{
	return c->algo == GIT_HASH_SHA256 ? c->state.sha256 : c->state.sha1;
}

size_t
git_hash_size(enum git_hash_algo algo)
{
	return algos[algo].size;
}

/* The SHA-1 function for this CPU, found once (CPUID is slow in a virtual machine). */
static void (*sha1_block(void))(uint32_t *, const unsigned char *)
{
	static atomic_int x86 = -1;
	int v = atomic_load_explicit(&x86, memory_order_relaxed);

	if (v < 0) {
		v = git_sha1_x86_usable();
		atomic_store_explicit(&x86, v, memory_order_relaxed);
	}
	return v ? git_sha1_block_x86 : git_sha1_block;
}

void
git_hash_init(struct git_hash_ctx *c, enum git_hash_algo algo)
{
	c->algo = algo;
	memcpy(words(c), algos[algo].iv, algos[algo].size);
	c->len = 0;
	c->block = algo == GIT_HASH_SHA1 ? sha1_block() : algos[algo].block;
}

void
git_hash_update(struct git_hash_ctx *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	void (*block)(uint32_t *, const unsigned char *) = c->block;
	uint32_t *h = words(c);
	size_t used = c->len % 64;

	c->len += n;
	if (used) {
		size_t take = 64 - used < n ? 64 - used : n;

		memcpy(c->buf + used, p, take);
		p += take, n -= take;
		if (used + take < 64)
			return;
		block(h, c->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(h, p);
	memcpy(c->buf, p, n);
}

void
git_hash_final(struct git_hash_ctx *c, unsigned char *out)
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = {0x80};
	size_t padn = 64 - (c->len + 8) % 64, i;
	const uint32_t *h = words(c);

	git_put_be32(pad + padn, (uint32_t)(bits >> 32));
	git_put_be32(pad + padn + 4, (uint32_t)bits);
	git_hash_update(c, pad, padn + 8);
	for (i = 0; i < algos[c->algo].size / 4; i++)
		git_put_be32(out + 4 * i, h[i]);
}
