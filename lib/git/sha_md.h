/*
 * sha_md: the Merkle-Damgard framing SHA-1 and SHA-256 share (64-byte
 * blocks, padding, a 64-bit big-endian bit count, big-endian output
 * words), so that each file holds only its compression function.  Not
 * part of the API.
 */
#ifndef KTSTR_SHA_MD_H
#define KTSTR_SHA_MD_H

#include <stddef.h>
#include <stdint.h>

typedef void sha_block_fn(uint32_t *h, const unsigned char *block);

/* Feed n bytes: len counts every byte so far, buf holds a partial block. */
void sha_md_update(uint32_t *h, uint64_t *len, unsigned char buf[64], sha_block_fn *block,
                   const void *data, size_t n);
/* Pad, then write the nwords state words to out, big-endian. */
void sha_md_final(uint32_t *h, uint64_t *len, unsigned char buf[64], sha_block_fn *block,
                  unsigned char *out, int nwords);

#endif
