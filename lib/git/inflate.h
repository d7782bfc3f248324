/* inflate: RFC 1950 (zlib) / RFC 1951 (deflate) decoder for git objects. */
#ifndef KTSTR_INFLATE_H
#define KTSTR_INFLATE_H

#include <stddef.h>

#include "util/util.h"

/*
 * Decode one zlib stream starting at src (srclen bytes available; the
 * stream may end earlier, as in a pack) and append the data to out.
 * At most max bytes are produced; a longer stream is an error.  On
 * success returns 0 and sets *used to the bytes of src consumed,
 * trailer included.  On failure returns -1, leaves out as it was, and
 * writes a reason with the byte offset into src to err.
 */
int git_inflate(const unsigned char *src, size_t srclen, struct buf *out, size_t max, size_t *used,
            char *err, size_t errlen);

#endif
