/* text: untrusted strings for a terminal (text.h). */
#include <stdarg.h>
#include <string.h>

#include "text.h"
#include "utf8.h"
#include "util.h"

int
text_is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/*
 * How much of s[0..n) is shown as it is; at s[*bad] (when *bad < n)
 * starts a unit to escape, *badlen bytes long (a whole control
 * character, or one stray byte).
 */
static size_t
clean_span(const char *s, size_t n, unsigned flags, size_t *badlen)
{
	size_t i = 0, len;
	uint32_t c;

	while (i < n) {
		len = utf8_decode(s + i, n - i, &c);
		if (len == 0) {
			*badlen = 1;
			return i;
		}
		if (text_is_control(c) && !(c == '\n' && (flags & TEXT_KEEP_NEWLINE))) {
			*badlen = len;
			return i;
		}
		i += len;
	}
	*badlen = 0;
	return n;
}

void
text_escape(struct buf *b, const char *s, size_t n, unsigned flags)
{
	size_t i = 0, span, bad;

	while (i < n) {
		span = clean_span(s + i, n - i, flags, &bad);
		buf_add(b, s + i, span);
		i += span;
		for (size_t k = 0; k < bad; k++)
			buf_printf(b, "\\x%02x", (unsigned char)s[i++]);
	}
}

void
text_fwrite(FILE *f, const char *s, size_t n, unsigned flags)
{
	size_t i = 0, span, bad;

	while (i < n) {
		span = clean_span(s + i, n - i, flags, &bad);
		fwrite(s + i, 1, span, f);
		i += span;
		for (size_t k = 0; k < bad; k++)
			fprintf(f, "\\x%02x", (unsigned char)s[i++]);
	}
}

void
text_puts(struct buf *b, const char *s)
{
	if (s)
		text_escape(b, s, strlen(s), 0);
}

void
text_printf(struct buf *b, const char *fmt, ...)
{
	struct buf raw = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	text_escape(b, raw.s, raw.len, 0);
	buf_free(&raw);
}

size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void
pad_right(struct buf *b, const char *s, size_t width)
{
	size_t start = b->len, w;

	text_puts(b, s);
	w = text_width(b->s ? b->s + start : "");
	for (; w < width; w++)
		buf_putc(b, ' ');
}
