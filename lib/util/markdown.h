/*
 * markdown: GitHub-flavoured Markdown for reports a pull-request
 * comment or a CI job summary shows: text that renders as itself in a
 * table cell, pipe tables, fenced code blocks.  Nothing written here
 * holds an escape sequence or a raw control character.
 */
#ifndef KTSTR_MARKDOWN_H
#define KTSTR_MARKDOWN_H

#include <stddef.h>

#include "table.h"
#include "util.h"

/*
 * s as inline text: ASCII punctuation that Markdown or HTML would read
 * (\ ` * _ [ ] < > | ~ & ! #) backslash-escaped, a newline as <br>, a
 * tab as a space, other control characters as a visible \xNN, and a
 * byte that starts no well-formed UTF-8 sequence as U+FFFD.
 */
void md_text(struct buf *b, const char *s);

/* t as a pipe table: the header row, the delimiter row, the body; every cell through md_text. */
void md_table(struct buf *out, const struct table *t);

/*
 * text[0..len) as a fenced code block, the fence longer than any run
 * of backticks inside; control characters but newline and tab as \xNN.
 */
void md_code_block(struct buf *out, const char *text, size_t len);

#endif
