/*
 * table: the borderless column tables every program prints, and the
 * colour rule.  A cell is a space, its text left-aligned to the
 * column's width (the widest cell, in code points), a space; no borders,
 * no separators, no trimming, so every line starts and ends with a
 * space.  Colour wraps a whole padded cell; with colour off no escape
 * is written at all.
 */
#ifndef KTSTR_TABLE_H
#define KTSTR_TABLE_H

#include <stddef.h>

#include "text.h"
#include "util.h"

enum colour { COLOUR_NONE, COLOUR_RED, COLOUR_GREEN };

/* --color=WHEN */
enum colour_when { COLOUR_AUTO, COLOUR_ALWAYS, COLOUR_NEVER };

struct table {
	size_t ncols;
	size_t nrows;        /* body rows; the header is row 0 of cells */
	char **cells;        /* (nrows + 1) * ncols, owned */
	enum colour *colour; /* per cell, same layout */
};

/* The header row's cells are copied. */
void table_init(struct table *t, size_t ncols, const char *const *header);
void table_free(struct table *t);
/* Appends a body row (cells copied); returns its index from 0. */
size_t table_add(struct table *t, const char *const *cells);
void table_set_colour(struct table *t, size_t row, size_t col, enum colour c);
/*
 * Appends the rendered lines joined by '\n', without a final newline,
 * each cell escaped for a terminal (text.h).  With colour false no
 * escape sequence is written at all.
 */
void table_render(const struct table *t, int colour, struct buf *out);

/* "auto", "always", "never" -> 0 and *when; else -1. */
int colour_parse(const char *s, enum colour_when *when);
/*
 * Does this run write colour to fd?  always, never, or auto: fd is a
 * terminal and NO_COLOR is unset or empty.
 */
int colour_enabled(enum colour_when when, int fd);

#endif
