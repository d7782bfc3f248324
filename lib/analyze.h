/*
 * analyze: the report of one run (spec/stats.md §11, upstream's bare
 * `cargo ktstr stats`): outliers and per-dimension summaries over the
 * rows, then the verifier, callback-profile and KVM sections read from
 * the sidecars themselves.
 */
#ifndef KTSTR_ANALYZE_H
#define KTSTR_ANALYZE_H

#include <stddef.h>

#include "metrics.h"
#include "util.h"

/* Appends the whole report; rows in walk order, n > 0. */
void analyze(struct buf *out, const struct row *rows, size_t n);

#endif
