/*
 * compare_output: --json, --tsv and --svg.
 *
 * All three describe every compared metric of every compared pair,
 * unchanged ones included (the table lists only the changes), in the
 * table's order.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare_chart.h"
#include "compare_output.h"
#include "json/json.h"

static const char *const verdict_word[] = {
	[VERDICT_IGNORED] = "ignored",
	[VERDICT_UNCHANGED] = "unchanged",
	[VERDICT_REGRESSION] = "regression",
	[VERDICT_IMPROVEMENT] = "improvement",
	[VERDICT_NOT_SIGNIFICANT] = "not-significant",
	[VERDICT_INFORMATIONAL] = "informational",
};

double
compare_finding_percent(const struct finding *f)
{
	if (fabs(f->va) <= DBL_EPSILON)
		return f->delta > 0 ? INFINITY : -INFINITY;
	return f->delta / fabs(f->va) * 100;
}

static void
jw_number_or_null(struct json_writer *w, double v)
{
	if (isfinite(v))
		jw_double(w, v);
	else
		jw_null(w);
}

static void
json_side(struct json_writer *w, const char *name, double v, const struct sample *s)
{
	char key[16];

	jw_key(w, name);
	jw_double(w, v);
	snprintf(key, sizeof key, "%s_n", name);
	jw_key(w, key);
	jw_uint(w, s->n);
	snprintf(key, sizeof key, "%s_stddev", name);
	jw_key(w, key);
	jw_number_or_null(w, s->n > 1 ? s->sd : NAN);
}

static void
json_row(struct json_writer *w, const struct finding *f, struct buf *test)
{
	const struct metric *m = f->metric;

	buf_reset(test);
	compare_group_path(test, f->b);
	jw_reset(w);
	jw_object_begin(w);
	jw_key(w, "type");
	jw_string(w, "metric");
	jw_key(w, "test");
	jw_stringn(w, test->s, test->len);
	jw_key(w, "metric");
	jw_string(w, m->name);
	jw_key(w, "unit");
	jw_string(w, m->unit);
	json_side(w, "a", f->va, &f->sa);
	json_side(w, "b", f->vb, &f->sb);
	jw_key(w, "delta");
	jw_double(w, f->delta);
	/* JSON has no infinity: a change from a zero baseline is null. */
	jw_key(w, "percent");
	jw_number_or_null(w, compare_finding_percent(f));
	jw_key(w, "p");
	jw_number_or_null(w, f->p);
	jw_key(w, "verdict");
	jw_string(w, verdict_word[f->verdict]);
	jw_object_end(w);
}

static void
json_counter(struct json_writer *w, const char *key, size_t v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

static void
json_summary(struct json_writer *w, const struct report *r, double significance)
{
	const struct slicing *sl = r->slicing;
	const struct result *res = r->res;
	size_t i;

	jw_reset(w);
	jw_object_begin(w);
	jw_key(w, "type");
	jw_string(w, "summary");
	jw_key(w, "slicing");
	jw_array_begin(w);
	for (i = 0; i < sl->nslice; i++)
		jw_string(w, compare_dim_name[sl->slice[i]]);
	jw_array_end(w);
	jw_key(w, "pairing");
	jw_array_begin(w);
	jw_string(w, "scenario");
	for (i = 0; i < sl->npair; i++)
		jw_string(w, compare_dim_name[sl->pair[i]]);
	jw_array_end(w);
	jw_key(w, "a");
	jw_string(w, r->label[0]);
	jw_key(w, "b");
	jw_string(w, r->label[1]);
	json_counter(w, "a_runs", r->side[0]->nrows);
	json_counter(w, "b_runs", r->side[1]->nrows);
	jw_key(w, "averaged");
	jw_bool(w, r->average);
	jw_key(w, "significance");
	jw_number_or_null(w, significance > 0 ? significance : NAN);
	json_counter(w, "regressions", res->regressions);
	json_counter(w, "improvements", res->improvements);
	if (r->reg->id == REGISTRY_NEWEST)
		json_counter(w, "informational", res->informational);
	json_counter(w, "unchanged", res->unchanged);
	json_counter(w, "not_significant", res->not_significant);
	json_counter(w, "skipped_failed", res->skipped_failed);
	json_counter(w, "new_in_b", res->new_in_b);
	json_counter(w, "removed_from_a", res->removed_from_a);
	if (r->reg->id == REGISTRY_NEWEST) {
		json_counter(w, "one_sided", res->one_sided);
		json_counter(w, "denomination_differs", res->denomination);
	}
	jw_object_end(w);
}

void
compare_json(struct buf *out, const struct report *r, double significance)
{
	struct json_writer w;
	struct buf test = BUF_INIT;
	size_t i;

	jw_init(&w, 0);
	for (i = 0; i < r->res->nall; i++) {
		json_row(&w, &r->res->all[i], &test);
		buf_add(out, w.s, w.len);
		buf_putc(out, '\n');
	}
	json_summary(&w, r, significance);
	buf_add(out, w.s, w.len);
	buf_putc(out, '\n');
	jw_free(&w);
	buf_free(&test);
}

/* A TSV field: backslash, tab, newline and carriage return escaped. */
static void
tsv_text(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_putc(b, s[i]);
		}
}

/* Shortest round-trip digits, as in --json; an empty field for none. */
static void
tsv_number(struct buf *b, double v)
{
	char tmp[32];

	if (isfinite(v))
		buf_add(b, tmp, json_format_double(v, tmp));
}

void
compare_format_percent(struct buf *b, double p)
{
	if (isinf(p))
		buf_puts(b, p > 0 ? "+inf%" : "-inf%");
	else
		buf_printf(b, "%+.2f%%", p);
}

void
compare_tsv(struct buf *out, const struct report *r)
{
	struct buf test = BUF_INIT;
	size_t i;

	buf_puts(out, "test\tmetric\tunit\ta\ta_n\ta_stddev\tb\tb_n\tb_stddev\tdelta\tpercent\tp\tverdict\n");
	for (i = 0; i < r->res->nall; i++) {
		const struct finding *f = &r->res->all[i];

		buf_reset(&test);
		compare_group_path(&test, f->b);
		tsv_text(out, test.s, test.len);
		buf_printf(out, "\t%s\t%s\t", f->metric->name, f->metric->unit);
		tsv_number(out, f->va);
		buf_printf(out, "\t%zu\t", f->sa.n);
		tsv_number(out, f->sa.n > 1 ? f->sa.sd : NAN);
		buf_putc(out, '\t');
		tsv_number(out, f->vb);
		buf_printf(out, "\t%zu\t", f->sb.n);
		tsv_number(out, f->sb.n > 1 ? f->sb.sd : NAN);
		buf_putc(out, '\t');
		tsv_number(out, f->delta);
		buf_putc(out, '\t');
		compare_format_percent(out, compare_finding_percent(f));
		buf_putc(out, '\t');
		tsv_number(out, f->p);
		buf_printf(out, "\t%s\n", verdict_word[f->verdict]);
	}
	buf_free(&test);
}

static enum svg_verdict
svg_verdict_of(enum verdict v)
{
	switch (v) {
	case VERDICT_REGRESSION: return SVG_REGRESSION;
	case VERDICT_IMPROVEMENT: return SVG_IMPROVEMENT;
	case VERDICT_NOT_SIGNIFICANT: return SVG_NOT_SIGNIFICANT;
	default: return SVG_UNCHANGED;
	}
}

void
compare_svg(struct buf *out, const struct report *r)
{
	const struct result *res = r->res;
	struct svg_bar *bar = ereallocarray(NULL, res->nall ? res->nall : 1, sizeof *bar);
	char **text = ereallocarray(NULL, res->nall ? res->nall * 2 : 1, sizeof *text);
	struct svg_chart c;
	struct buf b = BUF_INIT;
	char *title;
	size_t i;

	for (i = 0; i < res->nall; i++) {
		const struct finding *f = &res->all[i];
		const struct metric *m = f->metric;

		buf_reset(&b);
		compare_group_path(&b, f->b);
		text[2 * i] = estrdup(b.s ? b.s : "");
		buf_reset(&b);
		buf_printf(&b, "%.2f → %.2f%s%s", f->va, f->vb, *m->unit ? " " : "", m->unit);
		if (!isnan(f->p)) {
			/* "p=0.0123", or "p<0.0001" from compare_format_p's "<0.0001". */
			buf_puts(&b, f->p < 0.0001 ? ", p" : ", p=");
			compare_format_p(&b, f->p);
		}
		text[2 * i + 1] = estrdup(b.s);
		bar[i] = (struct svg_bar){text[2 * i], m->name, compare_finding_percent(f), f->threshold * 100,
		                          svg_verdict_of(f->verdict), text[2 * i + 1]};
	}
	title = easprintf("ktstr-compare: %s → %s", r->label[0], r->label[1]);
	c = (struct svg_chart){title, bar, res->nall};
	compare_chart_render(out, &c);
	for (i = 0; i < 2 * res->nall; i++)
		free(text[i]);
	free(text);
	free(bar);
	free(title);
	buf_free(&b);
}
