/*
 * git_oid: what every other file of lib/git uses and nothing here
 * needs from them: the failure reason, the object format, object ids
 * in hex, object hashing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "git_int.h"

int
git_fail(struct git_repo *repo, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(repo->err, sizeof(repo->err), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
git_error(const struct git_repo *repo)
{
	return repo->err;
}

void
git_set_format(struct git_repo *repo, enum git_hash_algo algo)
{
	repo->algo = algo;
	repo->rawsz = git_hash_size(algo);
}

size_t
git_rawsz(const struct git_repo *repo)
{
	return repo->rawsz;
}

int
git_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
git_hex_to_oid(const struct git_repo *repo, const char *hex, struct git_oid *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < repo->rawsz; i++) {
		int hi = git_hexval((unsigned char)hex[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = git_hexval((unsigned char)hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		out->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

char *
git_oid_hex(const struct git_repo *repo, const struct git_oid *id, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < repo->rawsz; i++) {
		hex[2 * i] = digits[id->id[i] >> 4];
		hex[2 * i + 1] = digits[id->id[i] & 15];
	}
	hex[2 * i] = '\0';
	return hex;
}

int
git_oid_eq(const struct git_repo *repo, const struct git_oid *a, const struct git_oid *b)
{
	return memcmp(a->id, b->id, repo->rawsz) == 0;
}

void
git_hash_object_init(const struct git_repo *repo, struct git_hash_ctx *c, const char *type,
                     size_t len)
{
	char hdr[64];
	int n = snprintf(hdr, sizeof(hdr), "%s %zu", type, len) + 1;

	git_hash_init(c, repo->algo);
	git_hash_update(c, hdr, (size_t)n);
}

void
git_hash_object(const struct git_repo *repo, const char *type, const void *data, size_t len,
                struct git_oid *out)
{
	struct git_hash_ctx c;

	git_hash_object_init(repo, &c, type, len);
	git_hash_update(&c, data, len);
	memset(out, 0, sizeof(*out));
	git_hash_final(&c, out->id);
}
