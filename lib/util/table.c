#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

void
table_init(struct table *t, size_t ncols, const char *const *header)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
	t->colour = NULL;
	table_add(t, header);
}

void
table_free(struct table *t)
{
	size_t i, n = (t->nrows + 1) * t->ncols;

	for (i = 0; i < n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->colour);
	t->cells = NULL;
	t->colour = NULL;
	t->nrows = 0;
}

/* Rows live at index 1.. in cells[]; the header is index 0. */
size_t
table_add(struct table *t, const char *const *cells)
{
	size_t line = t->cells ? t->nrows + 1 : 0, i;

	t->cells = ereallocarray(t->cells, (line + 1) * t->ncols, sizeof *t->cells);
	t->colour = ereallocarray(t->colour, (line + 1) * t->ncols, sizeof *t->colour);
	for (i = 0; i < t->ncols; i++) {
		t->cells[line * t->ncols + i] = estrdup(cells[i]);
		t->colour[line * t->ncols + i] = COLOUR_NONE;
	}
	if (line > 0)
		t->nrows++;
	return line - 1;
}

void
table_set_colour(struct table *t, size_t row, size_t col, enum colour c)
{
	if (row < t->nrows && col < t->ncols)
		t->colour[(row + 1) * t->ncols + col] = c;
}

void
table_render(const struct table *t, int colour, struct buf *out)
{
	static const char *const sgr[] = {
		[COLOUR_RED] = "\033[38;5;9m",
		[COLOUR_GREEN] = "\033[38;5;10m",
	};
	size_t n = (t->nrows + 1) * t->ncols, *width = ecalloc(t->ncols, sizeof *width), i;
	char **shown = ereallocarray(NULL, n, sizeof *shown);

	/* Escaped for the terminal first, so the widths are those of what is printed. */
	for (i = 0; i < n; i++) {
		struct buf cell = BUF_INIT;
		size_t w;

		text_puts(&cell, t->cells[i]);
		shown[i] = buf_detach(&cell);
		if ((w = text_width(shown[i])) > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t col = 0; col < t->ncols; col++)
		if (width[col] == 0)
			width[col] = 1;
	for (i = 0; i < n; i++) {
		size_t col = i % t->ncols;
		enum colour c = t->colour[i];
		int on = colour && c != COLOUR_NONE;

		if (col == 0 && i > 0)
			buf_putc(out, '\n');
		/* The colour wraps the whole padded cell; widths come from the escaped text. */
		if (on)
			buf_puts(out, sgr[c]);
		buf_putc(out, ' ');
		buf_puts(out, shown[i]);
		for (size_t w = text_width(shown[i]); w < width[col]; w++)
			buf_putc(out, ' ');
		buf_putc(out, ' ');
		if (on)
			buf_puts(out, "\033[39m");
		free(shown[i]);
	}
	free(shown);
	free(width);
}

int
colour_parse(const char *s, enum colour_when *when)
{
	if (strcmp(s, "auto") == 0)
		*when = COLOUR_AUTO;
	else if (strcmp(s, "always") == 0)
		*when = COLOUR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*when = COLOUR_NEVER;
	else
		return -1;
	return 0;
}

int
colour_enabled(enum colour_when when, int fd)
{
	const char *nc;

	switch (when) {
	case COLOUR_ALWAYS:
		return 1;
	case COLOUR_NEVER:
		return 0;
	case COLOUR_AUTO:
		break;
	}
	nc = getenv("NO_COLOR");
	return isatty(fd) && (nc == NULL || *nc == '\0');
}
