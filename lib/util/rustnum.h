/* rustnum: numbers printed as Rust prints them, so tables match upstream's bytes. */
#ifndef KTSTR_RUSTNUM_H
#define KTSTR_RUSTNUM_H

#include "util.h"

/*
 * Rust's Display of an f64: the shortest round-trip decimal without
 * exponent and without a trailing ".0" (5, 0.25, -0.0000001,
 * -1000000000000000000000, -inf, NaN).
 */
void format_plain(struct buf *b, double d);

#endif
