/* Unit tests for lib/util/table: rendering and the colour rule. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "util/table.h"
#include "util/util.h"

static void
render(void)
{
	const char *h[] = {"A", "BB"}, *r[] = {"xyz", "1"};
	const char *h1[] = {"", "UNIT"}, *r1[] = {"", "\xc2\xb5s"};
	const char *h2[] = {"V"}, *r2[] = {"REGRESSION"}, *r3[] = {"improvement"}, *r4[] = {"x"};
	struct table t;
	struct buf b = BUF_INIT;
	size_t row;

	table_init(&t, 2, h);
	table_render(&t, 0, &b);
	is_str(b.s, " A  BB ", "header only: one line, no newline");
	buf_reset(&b);
	table_add(&t, r);
	table_render(&t, 0, &b);
	is_str(b.s, " A    BB \n xyz  1  ", "a two-column table: padded cells, no borders");
	table_free(&t);

	buf_reset(&b);
	table_init(&t, 2, h1);
	table_add(&t, r1);
	table_render(&t, 0, &b);
	is_str(b.s, "    UNIT \n    \xc2\xb5s   ", "empty column is width 1; µs is two columns");
	table_free(&t);

	buf_reset(&b);
	table_init(&t, 1, h2);
	row = table_add(&t, r2);
	table_set_colour(&t, row, 0, COLOUR_RED);
	row = table_add(&t, r3);
	table_set_colour(&t, row, 0, COLOUR_GREEN);
	table_add(&t, r4);
	table_render(&t, 1, &b);
	is_str(b.s,
	       " V           \n\033[38;5;9m REGRESSION  \033[39m\n\033[38;5;10m improvement \033[39m\n"
	       " x           ",
	       "colour wraps the padded cell; widths from plain text");
	buf_reset(&b);
	table_render(&t, 0, &b);
	ok(strchr(b.s, '\033') == NULL, "colour off: no escape at all");
	table_free(&t);
	buf_free(&b);

	is_int(text_width("\xe2\x86\x92x\xcf\x83"), 3, "width counts code points");
}

static void
colour(void)
{
	enum colour_when w;

	ok(colour_parse("auto", &w) == 0 && w == COLOUR_AUTO, "auto");
	ok(colour_parse("always", &w) == 0 && w == COLOUR_ALWAYS, "always");
	ok(colour_parse("never", &w) == 0 && w == COLOUR_NEVER, "never");
	ok(colour_parse("yes", &w) < 0 && colour_parse("", &w) < 0, "anything else refused");
	setenv("NO_COLOR", "1", 1);
	ok(colour_enabled(COLOUR_ALWAYS, 1), "always beats NO_COLOR");
	ok(!colour_enabled(COLOUR_AUTO, 1), "auto: NO_COLOR turns it off");
	unsetenv("NO_COLOR");
	ok(!colour_enabled(COLOUR_NEVER, 1), "never");
	ok(colour_enabled(COLOUR_AUTO, 1) == isatty(1), "auto follows isatty");
}

int
main(void)
{
	render();
	colour();
	return done_testing();
}
