/*
 * history svg: each changed series as a line over the commits that
 * have runs, the mean of every segment, and a vertical line at each
 * change point (class "change" and its verdict), labelled with the
 * commit (compare_history.h).  The document stands alone, as the
 * comparison's chart does.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare_chart.h"
#include "compare_history.h"
#include "util/xml.h"

#define WIDTH 720
#define MARGIN 16
#define LEFT 72  /* room for the value labels */
#define PANEL 200
#define PLOT_TOP 40
#define PLOT_HEIGHT 130
#define FONT 12

static void
text(struct buf *b, double x, double y, const char *anchor, const char *s)
{
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	xml_text(b, s, strlen(s), 0);
	buf_puts(b, "</text>\n");
}

/* The verdict class of change point k of series i: from the reported change, or context. */
static const char *
change_class(const struct history_result *r, size_t i, size_t at)
{
	for (size_t k = 0; k < r->nc; k++)
		if (r->c[k].series == i && r->c[k].at == at)
			return r->c[k].verdict == VERDICT_REGRESSION    ? "regression"
			       : r->c[k].verdict == VERDICT_IMPROVEMENT ? "improvement"
			                                                : "unchanged";
	return "context";
}

static const char *
stroke(const char *cls)
{
	return !strcmp(cls, "regression")    ? compare_chart_verdict_fill[SVG_REGRESSION]
	       : !strcmp(cls, "improvement") ? compare_chart_verdict_fill[SVG_IMPROVEMENT]
	                                     : compare_chart_verdict_fill[SVG_UNCHANGED];
}

struct frame {
	double top, lo, hi, step;
};

static double
fx(const struct frame *f, size_t i)
{
	return LEFT + f->step * (double)i;
}

static double
fy(const struct frame *f, double v)
{
	return f->top + PLOT_TOP + PLOT_HEIGHT * (f->hi - v) / (f->hi - f->lo);
}

static void
panel(struct buf *b, const struct history *h, const struct history_result *r, size_t i, double top)
{
	const struct history_series *s = &r->series[i];
	struct frame f = {top, INFINITY, -INFINITY, 0};
	struct buf title = BUF_INIT;
	char num[64];
	size_t k, seg;

	for (k = 0; k < s->npt; k++) {
		f.lo = fmin(f.lo, s->pt[k].mean);
		f.hi = fmax(f.hi, s->pt[k].mean);
	}
	if (f.hi - f.lo < 1e-12 * fmax(1, fabs(f.hi)))
		f.hi = f.lo + 1;
	f.lo -= (f.hi - f.lo) * 0.1;
	f.hi += (f.hi - f.lo) * 0.1;
	f.step = s->npt > 1 ? (WIDTH - LEFT - MARGIN) / (double)(s->npt - 1) : 0;
	compare_group_path(&title, s->g);
	buf_printf(&title, " \xe2\x80\x94 %s", s->metric->name);
	buf_printf(b, "<g class=\"series\">\n");
	text(b, MARGIN, top + 20, "start", title.s);
	buf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#d0d0d0\"/>\n",
	           LEFT, top + PLOT_TOP, WIDTH - LEFT - MARGIN, PLOT_HEIGHT);
	snprintf(num, sizeof num, "%.2f", f.hi);
	text(b, LEFT - 6, fy(&f, f.hi) + 4, "end", num);
	snprintf(num, sizeof num, "%.2f", f.lo);
	text(b, LEFT - 6, fy(&f, f.lo), "end", num);
	/* The segments' means, between the change points. */
	for (seg = 0; seg <= s->ncp; seg++) {
		size_t lo = seg ? s->cp[seg - 1] : 0, hi = seg < s->ncp ? s->cp[seg] : s->npt, n = 0;
		double sum = 0;

		for (k = lo; k < hi; k++) {
			sum += s->pt[k].mean * (double)s->pt[k].n;
			n += s->pt[k].n;
		}
		buf_printf(b, "<line class=\"mean\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
		              "stroke-dasharray=\"4 3\"/>\n",
		           fx(&f, lo), fy(&f, sum / (double)n), fx(&f, hi - 1), fy(&f, sum / (double)n));
	}
	buf_puts(b, "<polyline fill=\"none\" stroke=\"#1f77b4\" points=\"");
	for (k = 0; k < s->npt; k++)
		buf_printf(b, "%s%.1f,%.1f", k ? " " : "", fx(&f, k), fy(&f, s->pt[k].mean));
	buf_puts(b, "\"/>\n");
	for (k = 0; k < s->npt; k++)
		buf_printf(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>\n", fx(&f, k),
		           fy(&f, s->pt[k].mean));
	for (k = 0; k < s->ncp; k++) {
		size_t at = s->cp[k];
		const char *cls = change_class(r, i, at);
		double x = (fx(&f, at - 1) + fx(&f, at)) / 2;

		buf_printf(b, "<line class=\"change %s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		              "stroke-width=\"2\"/>\n",
		           cls, x, top + PLOT_TOP, x, top + PLOT_TOP + PLOT_HEIGHT, stroke(cls));
		text(b, x, top + PLOT_TOP - 4, "middle", h->hex[s->pt[at].commit]);
	}
	text(b, LEFT, top + PLOT_TOP + PLOT_HEIGHT + 16, "start", h->hex[s->pt[0].commit]);
	text(b, WIDTH - MARGIN, top + PLOT_TOP + PLOT_HEIGHT + 16, "end", h->hex[s->pt[s->npt - 1].commit]);
	buf_puts(b, "</g>\n");
	buf_free(&title);
}

void
compare_history_svg(struct buf *out, const struct history *h, const struct history_result *r)
{
	double height = 2 * MARGIN + 24 + PANEL * (double)(r->nseries ? r->nseries : 1);
	struct buf title = BUF_INIT;

	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
	           "font-family=\"monospace\" font-size=\"%d\">\n",
	           WIDTH, height, WIDTH, height, FONT);
	buf_printf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	buf_printf(&title, "ktstr-compare --history: %zu change points in %s", r->nc, h->what);
	text(out, MARGIN, MARGIN + 12, "start", title.s);
	if (r->nseries == 0)
		text(out, MARGIN, MARGIN + 40, "start", "no change point");
	for (size_t i = 0; i < r->nseries; i++)
		panel(out, h, r, i, MARGIN + 24 + PANEL * (double)i);
	buf_puts(out, "</svg>\n");
	buf_free(&title);
}
