/* utf8: the one UTF-8 decoder and encoder of the library (json.h keeps its own to stay single-header). */
#ifndef KTSTR_UTF8_H
#define KTSTR_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * The well-formed sequence at s[0..avail): its length (1-4) with the
 * code point in *cp, or 0 when none starts there (a stray or truncated
 * byte, an overlong form, a surrogate, past U+10FFFF).
 */
size_t utf8_decode(const char *s, size_t avail, uint32_t *cp);

/* True when s[0..n) is well-formed UTF-8. */
int utf8_valid(const char *s, size_t n);

/* Code point c (at most U+10FFFF) as UTF-8, appended to b. */
void utf8_encode(struct buf *b, uint32_t c);

#endif
