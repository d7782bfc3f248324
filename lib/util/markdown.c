/*
 * markdown: escaped text, pipe tables and code blocks (markdown.h).
 */
#include <string.h>

#include "markdown.h"
#include "text.h"
#include "utf8.h"

/* The code point at s[0..avail), U+FFFD for a bad byte; its length. */
static size_t
next(const char *s, size_t avail, uint32_t *c)
{
	size_t len = utf8_decode(s, avail, c);

	if (len == 0) {
		*c = 0xfffd;
		len = 1;
	}
	return len;
}

static void
visible(struct buf *b, uint32_t c)
{
	buf_printf(b, "\\x%02x", (unsigned)c);
}

void
md_text(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	uint32_t c;

	while (i < n) {
		i += next(s + i, n - i, &c);
		if (c == '\n')
			buf_puts(b, "<br>");
		else if (c == '\t')
			buf_putc(b, ' ');
		else if (text_is_control(c))
			visible(b, c);
		else if (c < 0x80 && strchr("\\`*_[]<>|~&!#", (int)c))
			buf_printf(b, "\\%c", (char)c);
		else
			utf8_encode(b, c);
	}
}

static void
md_row(struct buf *out, const struct table *t, size_t row)
{
	size_t k;

	buf_putc(out, '|');
	for (k = 0; k < t->ncols; k++) {
		buf_putc(out, ' ');
		md_text(out, t->cells[row * t->ncols + k]);
		buf_puts(out, " |");
	}
	buf_putc(out, '\n');
}

void
md_table(struct buf *out, const struct table *t)
{
	size_t r, k;

	md_row(out, t, 0);
	buf_putc(out, '|');
	for (k = 0; k < t->ncols; k++)
		buf_puts(out, " --- |");
	buf_putc(out, '\n');
	for (r = 1; r <= t->nrows; r++)
		md_row(out, t, r);
}

void
md_code_block(struct buf *out, const char *text, size_t len)
{
	size_t i = 0, run = 0, longest = 0, fence;
	uint32_t c;

	for (i = 0; i < len; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest < 3 ? 3 : longest + 1;
	for (i = 0; i < fence; i++)
		buf_putc(out, '`');
	buf_puts(out, "text\n");
	for (i = 0; i < len;) {
		i += next(text + i, len - i, &c);
		if (text_is_control(c) && c != '\n' && c != '\t')
			visible(out, c);
		else
			utf8_encode(out, c);
	}
	if (len && text[len - 1] != '\n')
		buf_putc(out, '\n');
	for (i = 0; i < fence; i++)
		buf_putc(out, '`');
	buf_putc(out, '\n');
}
