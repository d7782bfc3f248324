/* Unit tests for lib/util/text: untrusted strings for a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "util/table.h"
#include "util/text.h"
#include "util/util.h"

static const char *
esc(struct buf *b, const char *s, size_t n, unsigned flags)
{
	buf_reset(b);
	text_escape(b, s, n, flags);
	return b->s ? b->s : "";
}

static void
escaping(void)
{
	struct buf b = BUF_INIT;

	is_str(esc(&b, "plain \xc2\xb5s \xe2\x86\x92", 13, 0), "plain \xc2\xb5s \xe2\x86\x92",
	       "printable text, multibyte included, is left alone");
	is_str(esc(&b, "x\033]0;PWNED\a\033[2J", 15, 0), "x\\x1b]0;PWNED\\x07\\x1b[2J",
	       "OSC and CSI sequences cannot reach the terminal");
	is_str(esc(&b, "a\tb\nc\rd\x7f", 8, 0), "a\\x09b\\x0ac\\x0dd\\x7f",
	       "tab, newline, carriage return and DEL too");
	is_str(esc(&b, "a\nb", 3, TEXT_KEEP_NEWLINE), "a\nb", "a message keeps its line breaks");
	is_str(esc(&b, "a\0b", 3, 0), "a\\x00b", "NUL shows");
	is_str(esc(&b, "\xc2\x9b" "31m", 5, 0), "\\xc2\\x9b31m",
	       "a C1 control (the 8-bit CSI) is escaped byte by byte");
	is_str(esc(&b, "\xff\xe2\x86", 3, 0), "\\xff\\xe2\\x86", "invalid UTF-8, a truncated sequence too");
	is_str(esc(&b, "\xed\xa0\x80", 3, 0), "\\xed\\xa0\\x80", "a surrogate is invalid UTF-8");
	buf_reset(&b);
	text_printf(&b, "%s=%d", "k\033", 5);
	is_str(b.s, "k\\x1b=5", "text_printf escapes what it formats");
	buf_reset(&b);
	text_puts(&b, NULL);
	ok(b.len == 0, "text_puts of NULL adds nothing");
	ok(text_is_control(0x1b) && text_is_control(0x7f) && text_is_control(0x9f) &&
	       !text_is_control(0xa0) && !text_is_control(' '),
	   "controls are C0, DEL and C1");
	buf_free(&b);
}

static void
to_file(void)
{
	char path[] = "/tmp/ktstr-text-XXXXXX", got[64] = "";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;

	if (!ok(f != NULL, "a temporary file"))
		return;
	text_fwrite(f, "m\033[2J\nx", 7, TEXT_KEEP_NEWLINE);
	rewind(f);
	got[fread(got, 1, sizeof got - 1, f)] = '\0';
	is_str(got, "m\\x1b[2J\nx", "text_fwrite escapes as text_escape does");
	fclose(f);
	unlink(path);
}

static void
widths(void)
{
	const char *h[] = {"N", "V"}, *r[] = {"a\033b", "1"};
	struct table t;
	struct buf b = BUF_INIT;

	table_init(&t, 2, h);
	table_add(&t, r);
	table_render(&t, 0, &b);
	is_str(b.s, " N       V \n a\\x1bb  1 ", "a table's cells are escaped, widths those shown");
	table_free(&t);
	buf_reset(&b);
	pad_right(&b, "\033", 6);
	is_str(b.s, "\\x1b  ", "pad_right pads what it shows");
	buf_free(&b);
}

int
main(void)
{
	escaping();
	to_file();
	widths();
	return done_testing();
}
