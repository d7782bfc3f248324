/*
 * text: untrusted strings on their way to a terminal.  A test, run,
 * scheduler or host name comes from a file anyone could have written;
 * printed raw, an escape sequence in it could set the window title,
 * clear the screen or hide a line.  Every text output (tables, reports,
 * messages) passes such strings through text_escape: each byte of a
 * control character (C0, DEL, the C1 range U+0080-U+009F) and each byte
 * that is not part of well-formed UTF-8 is written as \xHH.  JSON and
 * TSV outputs have escaping rules of their own and do not use this.
 */
#ifndef KTSTR_TEXT_H
#define KTSTR_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum { TEXT_KEEP_NEWLINE = 1 }; /* a message's own line breaks stay */

/* Is code point c a control character (Unicode general category Cc)? */
int text_is_control(uint32_t c);

/* s[0..n), escaped, appended to b or written to f. */
void text_escape(struct buf *b, const char *s, size_t n, unsigned flags);
void text_fwrite(FILE *f, const char *s, size_t n, unsigned flags);
/* text_escape of a string; NULL appends nothing. */
void text_puts(struct buf *b, const char *s);
/*
 * buf_printf with all it writes escaped, so "%s" may be any string: the
 * format itself holds no control character (end lines with buf_putc).
 */
void text_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Display width of a UTF-8 string: its code points. */
size_t text_width(const char *s);
/* Appends s escaped, left-justified in width columns (never truncated). */
void pad_right(struct buf *b, const char *s, size_t width);

#endif
