/*
 * history output: the report, --json and --markdown (compare_history.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare_history.h"
#include "compare_output.h"
#include "json/json.h"
#include "util/markdown.h"
#include "util/table.h"

static const char *const header[] = {"TEST", "METRIC", "COMMIT", "BEFORE", "AFTER", "DELTA", "P", "VERDICT"};

static const char *
verdict_text(enum verdict v)
{
	return v == VERDICT_REGRESSION ? "REGRESSION" : v == VERDICT_IMPROVEMENT ? "improvement" : "below the gate";
}

/* The table of the change points, verdicts coloured. */
static void
changes_table(struct table *t, const struct history *h, const struct history_result *r)
{
	struct buf test = BUF_INIT, cell[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};

	table_init(t, LEN(header), header);
	for (size_t i = 0; i < r->nc; i++) {
		const struct history_change *c = &r->c[i];
		const struct history_series *s = &r->series[c->series];
		const char *cells[LEN(header)];
		size_t row, k;

		buf_reset(&test);
		compare_group_path(&test, s->g);
		for (k = 0; k < 4; k++)
			buf_reset(&cell[k]);
		buf_printf(&cell[0], "%.2f (n=%zu)", c->before, c->n_before);
		buf_printf(&cell[1], "%.2f (n=%zu)", c->after, c->n_after);
		compare_format_percent(&cell[2], compare_history_percent(c));
		compare_format_p(&cell[3], c->p);
		cells[0] = test.s;
		cells[1] = s->metric->name;
		cells[2] = h->hex[s->pt[c->at].commit];
		cells[3] = cell[0].s;
		cells[4] = cell[1].s;
		cells[5] = cell[2].s;
		cells[6] = cell[3].s;
		cells[7] = verdict_text(c->verdict);
		row = table_add(t, cells);
		if (c->verdict != VERDICT_UNCHANGED)
			table_set_colour(t, row, LEN(header) - 1,
			                 c->verdict == VERDICT_REGRESSION ? COLOUR_RED : COLOUR_GREEN);
	}
	buf_free(&test);
	for (size_t k = 0; k < 4; k++)
		buf_free(&cell[k]);
}

static void
heading(struct buf *out, const struct history *h, const struct history_result *r, const struct cp_params *cp)
{
	buf_printf(out, "history: %s: %zu of %zu commits have runs; %zu tests, %zu series tested\n", h->what,
	           r->commits, h->n, r->tests, r->tested);
	if (h->shallow && h->n)
		buf_printf(out, "the history is shallow: it ends at %s\n", h->hex[0]);
	buf_printf(out,
	           "change points by E-divisive means: significance %g, %u permutations, segments of %zu "
	           "commits or more\n",
	           cp->significance, cp->permutations, cp->min_segment);
}

static void
summary(struct buf *out, const struct history_result *r)
{
	buf_printf(out, "%zu change points: %zu regressions, %zu improvements, %zu below the gate", r->nc,
	           r->regressions, r->improvements, r->below);
}

void
compare_history_render(struct buf *out, const struct history *h, const struct history_result *r,
                       const struct cp_params *cp, int colour)
{
	struct table t;

	heading(out, h, r, cp);
	changes_table(&t, h, r);
	table_render(&t, colour, out);
	table_free(&t);
	buf_puts(out, "\n\nsummary: ");
	summary(out, r);
	buf_putc(out, '\n');
}

static void
number_or_null(struct json_writer *w, double v)
{
	if (isfinite(v))
		jw_double(w, v);
	else
		jw_null(w);
}

void
compare_history_json(struct buf *out, const struct history *h, const struct history_result *r)
{
	static const char *const word[] = {[VERDICT_REGRESSION] = "regression",
	                                   [VERDICT_IMPROVEMENT] = "improvement",
	                                   [VERDICT_UNCHANGED] = "unchanged"};
	struct json_writer w;
	struct buf test = BUF_INIT;

	jw_init(&w, 0);
	for (size_t i = 0; i < r->nc; i++) {
		const struct history_change *c = &r->c[i];
		const struct history_series *s = &r->series[c->series];

		buf_reset(&test);
		compare_group_path(&test, s->g);
		jw_reset(&w);
		jw_object_begin(&w);
		jw_key(&w, "test");
		jw_stringn(&w, test.s, test.len);
		jw_key(&w, "metric");
		jw_string(&w, s->metric->name);
		jw_key(&w, "commit");
		jw_string(&w, h->hex[s->pt[c->at].commit]);
		jw_key(&w, "before");
		jw_double(&w, c->before);
		jw_key(&w, "after");
		jw_double(&w, c->after);
		jw_key(&w, "n_before");
		jw_uint(&w, c->n_before);
		jw_key(&w, "n_after");
		jw_uint(&w, c->n_after);
		/* JSON has no infinity: a change from a zero mean is null. */
		jw_key(&w, "delta_pct");
		number_or_null(&w, compare_history_percent(c));
		jw_key(&w, "p");
		jw_double(&w, c->p);
		jw_key(&w, "verdict");
		jw_string(&w, word[c->verdict]);
		jw_object_end(&w);
		buf_add(out, w.s, w.len);
		buf_putc(out, '\n');
	}
	jw_free(&w);
	buf_free(&test);
}

/* The quiet series: test, metric, points, mean of every run. */
static void
quiet_table(struct table *t, const struct history_result *r)
{
	static const char *const qheader[] = {"TEST", "METRIC", "COMMITS", "MEAN"};
	struct buf test = BUF_INIT;

	table_init(t, LEN(qheader), qheader);
	for (size_t i = 0; i < r->nquiet; i++) {
		const struct history_series *s = &r->quiet[i];
		char npt[24], mean[64];
		const char *cells[4];
		size_t n = 0;
		double sum = 0;

		for (size_t k = 0; k < s->npt; k++) {
			sum += s->pt[k].mean * (double)s->pt[k].n;
			n += s->pt[k].n;
		}
		buf_reset(&test);
		compare_group_path(&test, s->g);
		snprintf(npt, sizeof npt, "%zu", s->npt);
		snprintf(mean, sizeof mean, "%.2f (n=%zu)", n ? sum / (double)n : 0.0, n);
		cells[0] = test.s;
		cells[1] = s->metric->name;
		cells[2] = npt;
		cells[3] = mean;
		table_add(t, cells);
	}
	buf_free(&test);
}

void
compare_history_markdown(struct buf *out, const struct history *h, const struct history_result *r,
                         const struct cp_params *cp)
{
	struct buf line = BUF_INIT;
	struct table t;

	buf_puts(out, "**");
	summary(&line, r);
	md_text(out, line.s);
	buf_puts(out, "** in ");
	buf_reset(&line);
	buf_printf(&line, "%s (%zu of %zu commits have runs; E-divisive means, significance %g, %u permutations)",
	           h->what, r->commits, h->n, cp->significance, cp->permutations);
	md_text(out, line.s);
	buf_puts(out, "\n\n");
	if (r->nc) {
		changes_table(&t, h, r);
		md_table(out, &t);
		table_free(&t);
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "No metric changed.\n\n");
	}
	if (r->nquiet) {
		buf_printf(out, "<details><summary>%zu series without a change</summary>\n\n", r->nquiet);
		quiet_table(&t, r);
		md_table(out, &t);
		table_free(&t);
		buf_puts(out, "\n</details>\n");
	}
	buf_free(&line);
}
