/* git_bytes: the big-endian words of git's binary formats and of SHA-1/SHA-256. */
#ifndef KTSTR_GIT_BYTES_H
#define KTSTR_GIT_BYTES_H

#include <stdint.h>

static inline uint32_t
git_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
git_be64(const unsigned char *p)
{
	return (uint64_t)git_be32(p) << 32 | git_be32(p + 4);
}

static inline void
git_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

#endif
