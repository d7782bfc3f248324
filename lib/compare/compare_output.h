/*
 * compare_output: a comparison for other programs and for people who
 * like pictures: --json (one object per compared metric, then a
 * summary), --tsv (the same columns, tab-separated) and --svg (the chart
 * of compare_chart).
 * The layouts are specified in ktstr-compare(1).
 */
#ifndef KTSTR_CMPOUT_H
#define KTSTR_CMPOUT_H

#include "compare.h"
#include "util/util.h"

/*
 * The relative change of a compared metric in percent, +-inf from a
 * zero baseline (ktstr-compare(1), Verdicts).
 */
double compare_finding_percent(const struct finding *f);

/* A relative change as the outputs print it: "+12.34%", "+inf%". */
void compare_format_percent(struct buf *b, double p);

/* significance is --significance's P, or 0 when not given. */
void compare_json(struct buf *out, const struct report *r, double significance);
void compare_tsv(struct buf *out, const struct report *r);
void compare_svg(struct buf *out, const struct report *r);

#endif
