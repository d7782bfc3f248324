/*
 * svg: a self-contained SVG chart of a comparison, one horizontal bar
 * per compared (group, metric) showing the relative change, coloured by
 * verdict, over a band that marks the metric's relative gate.
 *
 * The document stands alone (no script, no external font or style
 * sheet), so it can be opened in a browser, embedded in a page or
 * converted by any SVG renderer.  Every bar is a <rect class="bar
 * VERDICT">; tests and scripts count them with the selector rect.bar.
 */
#ifndef KTSTR_SVG_H
#define KTSTR_SVG_H

#include <stddef.h>

#include "util/util.h"

enum svg_verdict {
	SVG_UNCHANGED,
	SVG_REGRESSION,
	SVG_IMPROVEMENT,
	SVG_NOT_SIGNIFICANT, /* past the gates, but the t-test did not confirm it */
	SVG_NVERDICTS
};

/* Class names and fill colours, indexed by enum svg_verdict. */
extern const char *const compare_chart_verdict_class[SVG_NVERDICTS];
extern const char *const compare_chart_verdict_fill[SVG_NVERDICTS];

struct svg_bar {
	const char *group;  /* heading; consecutive bars of one group share it */
	const char *metric; /* the bar's label */
	double percent;     /* (b - a) / |a| in percent; +-inf from a zero baseline */
	double gate;        /* the relative gate in percent, drawn as +-gate */
	enum svg_verdict verdict;
	const char *note;   /* shown after the percentage (e.g. "11.00 → 20.00"), or NULL */
};

struct svg_chart {
	const char *title;
	const struct svg_bar *bar;
	size_t n;
};

/*
 * Appends the whole document.  Text is UTF-8; bytes that are not, and
 * characters XML 1.0 does not allow, are written as U+FFFD.
 */
void compare_chart_render(struct buf *out, const struct svg_chart *c);

#endif
