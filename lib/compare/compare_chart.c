/*
 * svg: the comparison chart.
 *
 *	title
 *	legend
 *	                 -50%     -25%      0      +25%     +50%
 *	group key                                |
 *	      metric     [   band  ####|####  ]  |    +81.82%  11.00 → 20.00
 *
 * All text is monospace, so widths can be computed here from the
 * number of characters (every common monospace face advances about
 * 0.6 em) and nothing overflows the canvas.  The axis is symmetric around zero and scaled to the
 * largest finite change or gate; a change from a zero baseline (+-inf)
 * runs to the end of the axis and says "+inf%".
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "compare_chart.h"
#include "util/utf8.h"
#include "util/xml.h"

const char *const compare_chart_verdict_class[SVG_NVERDICTS] = {
	[SVG_UNCHANGED] = "unchanged",
	[SVG_REGRESSION] = "regression",
	[SVG_IMPROVEMENT] = "improvement",
	[SVG_NOT_SIGNIFICANT] = "not-significant",
};

const char *const compare_chart_verdict_fill[SVG_NVERDICTS] = {
	[SVG_UNCHANGED] = "#9e9e9e",
	[SVG_REGRESSION] = "#d62728",
	[SVG_IMPROVEMENT] = "#2ca02c",
	[SVG_NOT_SIGNIFICANT] = "#ff7f0e",
};

static const char *const legend_text[SVG_NVERDICTS] = {
	[SVG_REGRESSION] = "regression",
	[SVG_IMPROVEMENT] = "improvement",
	[SVG_UNCHANGED] = "unchanged",
	[SVG_NOT_SIGNIFICANT] = "not significant",
};

#define FONT 12       /* px, labels */
#define TITLE_FONT 14 /* px */
#define ADVANCE 0.61  /* monospace advance per em, a little above DejaVu's 0.602 */
#define MARGIN 16
#define ROW 20        /* height of a bar's row */
#define HEAD 22       /* height of a group heading */
#define BAR 12        /* bar thickness */
#define PLOT 480      /* axis length */
#define GAP 12        /* between columns */
#define GATE_FILL "#e4e4e4"
#define AXIS_STROKE "#555555"
#define GRID_STROKE "#d0d0d0"
#define FOOTNOTE "bar: relative change of B against A; band: the metric's relative gate"

/*
 * One character of s (NUL-terminated): its length and code point, or 1
 * and U+FFFD for a byte that starts no well-formed sequence.
 */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t len = utf8_decode((const char *)s, strnlen((const char *)s, 4), cp);

	if (len == 0) {
		*cp = 0xfffd;
		len = 1;
	}
	return len;
}

static void
put_text(struct buf *b, const char *s)
{
	xml_text(b, s, strlen(s), 0);
}

/* Characters put_text writes for s (each bad byte is one U+FFFD). */
static size_t
chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c;

	while (*p) {
		p += utf8_next(p, &c);
		n++;
	}
	return n;
}

static double
text_px(const char *s, double font)
{
	return (double)chars(s) * font * ADVANCE;
}

/* "+81.82%", "-0.50%", "+inf%" (a rise from zero), "n/a" for NaN. */
static void
format_percent(struct buf *b, double p)
{
	if (isnan(p))
		buf_puts(b, "n/a");
	else if (isinf(p))
		buf_puts(b, p > 0 ? "+inf%" : "-inf%");
	else
		buf_printf(b, "%+.2f%%", p);
}

/*
 * The smallest round number >= x > 0: a step of the 1-1.2-1.5-2-...
 * series times a power of ten, so the axis is never much longer than
 * the longest bar.
 */
static double
nice_ceil(double x)
{
	static const double step[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	double e = pow(10, floor(log10(x)));
	size_t i;

	for (i = 0; i < LEN(step) - 1; i++)
		if (x <= step[i] * e)
			break;
	return step[i] * e;
}

/* The half-width of the axis in percent: every finite change and gate fits. */
static double
axis_limit(const struct svg_chart *c)
{
	double lim = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (isfinite(c->bar[i].percent) && fabs(c->bar[i].percent) > lim)
			lim = fabs(c->bar[i].percent);
		if (isfinite(c->bar[i].gate) && fabs(c->bar[i].gate) > lim)
			lim = fabs(c->bar[i].gate);
	}
	/* Headroom, so that the longest finite bar stops short of +-inf's. */
	return lim > 0 ? nice_ceil(lim * 1.05) : 1;
}

/* Axis tick label: "+25%", "0", "-0.5%". */
static void
format_tick(struct buf *b, double v)
{
	if (v == 0)
		buf_puts(b, "0");
	else
		buf_printf(b, "%+g%%", v);
}

struct layout {
	double label_w;  /* metric label column */
	double pct_w;    /* percentage column, right-aligned */
	double note_w;   /* note column */
	double plot_x;   /* left end of the axis */
	double zero_x;
	double lim;
	double width, height;
	double top;      /* first row */
	double bottom;   /* below the last row */
};

static double
x_of(const struct layout *l, double p)
{
	if (p > l->lim)
		p = l->lim;
	if (p < -l->lim)
		p = -l->lim;
	return l->zero_x + p / l->lim * (PLOT / 2.0);
}

static int
new_group(const struct svg_chart *c, size_t i)
{
	return i == 0 || strcmp(c->bar[i].group, c->bar[i - 1].group) != 0;
}

static const char *
note_of(const struct svg_bar *bar)
{
	return bar->note ? bar->note : "";
}

static void
plan(struct layout *l, const struct svg_chart *c)
{
	struct buf pct = BUF_INIT;
	double w, legend_w = 0, y;
	size_t i;

	l->label_w = l->pct_w = l->note_w = 0;
	y = 0;
	for (i = 0; i < c->n; i++) {
		if (new_group(c, i))
			y += HEAD;
		y += ROW;
		w = text_px(c->bar[i].metric, FONT);
		if (w > l->label_w)
			l->label_w = w;
		buf_reset(&pct);
		format_percent(&pct, c->bar[i].percent);
		w = text_px(pct.s, FONT);
		if (w > l->pct_w)
			l->pct_w = w;
		w = text_px(note_of(&c->bar[i]), FONT);
		if (w > l->note_w)
			l->note_w = w;
	}
	buf_free(&pct);
	if (c->n == 0)
		y = ROW;
	l->lim = axis_limit(c);
	l->plot_x = MARGIN + l->label_w + GAP;
	l->zero_x = l->plot_x + PLOT / 2.0;
	l->top = MARGIN + 70;
	l->width = l->plot_x + PLOT + GAP + l->pct_w + GAP + l->note_w + MARGIN;
	/* Headings and the title run across the columns; make room for them. */
	for (i = 0; i < c->n; i++) {
		w = MARGIN + text_px(c->bar[i].group, FONT) + MARGIN;
		if (new_group(c, i) && w > l->width)
			l->width = w;
	}
	w = MARGIN + text_px(c->title, TITLE_FONT) + MARGIN;
	if (w > l->width)
		l->width = w;
	w = MARGIN + text_px(FOOTNOTE, FONT) + MARGIN;
	if (w > l->width)
		l->width = w;
	for (i = 0; i < SVG_NVERDICTS; i++)
		legend_w += 18 + text_px(legend_text[i], FONT) + 18;
	legend_w += 18 + text_px("relative gate", FONT);
	if (MARGIN + legend_w + MARGIN > l->width)
		l->width = MARGIN + legend_w + MARGIN;
	l->width = ceil(l->width);
	l->bottom = l->top + y;
	l->height = l->bottom + 36;
}

static void
legend(struct buf *b)
{
	static const enum svg_verdict order[] = {
		SVG_REGRESSION, SVG_IMPROVEMENT, SVG_UNCHANGED, SVG_NOT_SIGNIFICANT,
	};
	double x = MARGIN, y = MARGIN + 28;
	size_t i;

	buf_puts(b, "<g class=\"legend\">\n");
	for (i = 0; i < LEN(order); i++) {
		buf_printf(b, "<rect class=\"key %s\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>",
		           compare_chart_verdict_class[order[i]], x, y, compare_chart_verdict_fill[order[i]]);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x + 18, y + 10,
		           legend_text[order[i]]);
		x += 18 + text_px(legend_text[order[i]], FONT) + 18;
	}
	buf_printf(b, "<rect class=\"key gate\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"%s\"/>",
	           x, y, GATE_FILL, GRID_STROKE);
	buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">relative gate</text>\n", x + 18, y + 10);
	buf_puts(b, "</g>\n");
}

static void
axis(struct buf *b, const struct layout *l)
{
	static const double frac[] = {-1, -0.5, 0, 0.5, 1};
	struct buf t = BUF_INIT;
	size_t i;

	buf_puts(b, "<g class=\"axis\">\n");
	for (i = 0; i < LEN(frac); i++) {
		double v = frac[i] * l->lim, x = x_of(l, v);

		buf_reset(&t);
		format_tick(&t, v);
		buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
		           x, l->top - 4, x, l->bottom, v == 0 ? AXIS_STROKE : GRID_STROKE);
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
		           x, l->top - 8, t.s);
	}
	buf_puts(b, "</g>\n");
	buf_free(&t);
}

static void
one_bar(struct buf *b, const struct layout *l, const struct svg_bar *bar, double y)
{
	struct buf pct = BUF_INIT;
	double p = isnan(bar->percent) ? 0 : bar->percent;
	double x0 = x_of(l, 0), x1 = x_of(l, p), left = fmin(x0, x1), w = fabs(x1 - x0);
	enum svg_verdict v = bar->verdict < SVG_NVERDICTS ? bar->verdict : SVG_UNCHANGED;

	if (!isnan(bar->gate) && bar->gate > 0) {
		double g0 = x_of(l, -fabs(bar->gate)), g1 = x_of(l, fabs(bar->gate));

		buf_printf(b, "<rect class=\"gate\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
		           g0, y, g1 - g0, ROW, GATE_FILL);
	}
	buf_printf(b, "<text class=\"metric\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
	           l->plot_x - GAP, y + 14);
	put_text(b, bar->metric);
	buf_puts(b, "</text>\n");
	/* Even "no change" gets a sliver, so every bar can be seen and hovered. */
	if (w < 1) {
		w = 1;
		left = x0 - 0.5;
	}
	buf_printf(b, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
	           compare_chart_verdict_class[v], left, y + (ROW - BAR) / 2.0, w, BAR, compare_chart_verdict_fill[v]);
	format_percent(&pct, bar->percent);
	buf_puts(b, "<title>");
	put_text(b, bar->group);
	buf_puts(b, " ");
	put_text(b, bar->metric);
	buf_printf(b, ": %s", pct.s);
	if (*note_of(bar)) {
		buf_puts(b, ", ");
		put_text(b, note_of(bar));
	}
	buf_printf(b, " (%s)</title></rect>\n", legend_text[v]);
	buf_printf(b, "<text class=\"percent\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
	           l->plot_x + PLOT + GAP + l->pct_w, y + 14, pct.s);
	if (*note_of(bar)) {
		buf_printf(b, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\">",
		           l->plot_x + PLOT + GAP + l->pct_w + GAP, y + 14);
		put_text(b, note_of(bar));
		buf_puts(b, "</text>\n");
	}
	buf_free(&pct);
}

void
compare_chart_render(struct buf *b, const struct svg_chart *c)
{
	struct layout l;
	double y;
	size_t i;

	plan(&l, c);
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	              "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
	              "font-size=\"%d\">\n",
	           l.width, l.height, l.width, l.height, FONT);
	buf_puts(b, "<title>");
	put_text(b, c->title);
	buf_puts(b, "</title>\n");
	buf_puts(b, "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
	buf_printf(b, "<text class=\"title\" x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\">",
	           MARGIN, MARGIN + 12, TITLE_FONT);
	put_text(b, c->title);
	buf_puts(b, "</text>\n");
	legend(b);
	axis(b, &l);

	y = l.top;
	for (i = 0; i < c->n; i++) {
		if (new_group(c, i)) {
			/* The heading covers the axis lines, so it reads as a title. */
			buf_printf(b, "<rect class=\"heading\" x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%d\" fill=\"#ffffff\"/>\n",
			           y + 2, l.width, HEAD - 2);
			buf_printf(b, "<text class=\"group\" x=\"%d\" y=\"%.1f\" font-weight=\"bold\">",
			           MARGIN, y + 16);
			put_text(b, c->bar[i].group);
			buf_puts(b, "</text>\n");
			y += HEAD;
		}
		one_bar(b, &l, &c->bar[i], y);
		y += ROW;
	}
	if (c->n == 0)
		buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no compared metrics</text>\n",
		           l.zero_x, y + 14);
	buf_printf(b, "<text class=\"footnote\" x=\"%d\" y=\"%.1f\" fill=\"#555555\">",
	           MARGIN, l.height - MARGIN + 4);
	put_text(b, FOOTNOTE);
	buf_puts(b, "</text>\n");
	buf_puts(b, "</svg>\n");
}
