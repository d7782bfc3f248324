/* markdown: escaping for table cells and code blocks. */
#include "tap.h"
#include "util/markdown.h"

static char *
text(const char *s)
{
	struct buf b = BUF_INIT;

	md_text(&b, s);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

static char *
block(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	md_code_block(&b, s, n);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

static void
check(char *got, const char *want, const char *what)
{
	is_str(got, want, "%s", what);
	free(got);
}

int
main(void)
{
	struct table t;
	struct buf b = BUF_INIT;
	const char *head[] = {"a|b", "c"}, *row[] = {"x", ""};

	check(text("plain words 1.5%"), "plain words 1.5%", "plain text is itself");
	check(text("a|b*c_d`e"), "a\\|b\\*c\\_d\\`e", "pipes and inline markup escaped");
	check(text("<b>&amp;[x](y)~!#\\"), "\\<b\\>\\&amp;\\[x\\](y)\\~\\!\\#\\\\", "HTML and links escaped");
	check(text("one\ntwo\tthree"), "one<br>two three", "newline as <br>, tab as a space");
	check(text("\x1b[31mred\x7f"), "\\x1b\\[31mred\\x7f", "escape and DEL visible, never raw");
	check(text("\xc2\x9b" "c1"), "\\x9bc1", "a C1 control visible");
	check(text("bad\xff\xc3 ok \xc3\xa9"), "bad\xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9",
	      "bad bytes as U+FFFD, good UTF-8 kept");
	check(block("x\n", 2), "```text\nx\n```\n", "a code block");
	check(block("a ```` b", 8), "`````text\na ```` b\n`````\n", "the fence outgrows the backticks inside");
	check(block("\x1b[0m\tz", 6), "```text\n\\x1b[0m\tz\n```\n", "control bytes but tab visible in a block");
	{
		char *all = text("\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e\x1a\x1b\x1f");
		ok(strpbrk(all, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e\x1a\x1b\x1f") == NULL,
		   "no raw control byte survives: %s", all);
		free(all);
	}
	table_init(&t, 2, head);
	table_add(&t, row);
	md_table(&b, &t);
	buf_putc(&b, '\0');
	is_str(b.s, "| a\\|b | c |\n| --- | --- |\n| x |  |\n", "a table: header, delimiter, an empty cell");
	table_free(&t);
	buf_free(&b);
	return done_testing();
}
