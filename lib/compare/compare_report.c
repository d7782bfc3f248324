/* compare_report: the comparison table, summary and per-group counts (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/table.h"
#include "util/text.h"

struct tally {
	const struct row *row;
	int side;
	size_t passes, total;
	size_t seq;
};

static int
cmp_flags(const struct row *x, const struct row *y)
{
	size_t i;

	for (i = 0; i < x->nflags && i < y->nflags; i++) {
		int c = strcmp(x->flags[i], y->flags[i]);
		if (c)
			return c;
	}
	return (x->nflags > y->nflags) - (x->nflags < y->nflags);
}

static int
cmp_tuple(const struct row *x, const struct row *y)
{
	int c;

	if ((c = strcmp(x->scenario, y->scenario)) != 0)
		return c;
	if ((c = strcmp(x->topology, y->topology)) != 0)
		return c;
	if ((c = strcmp(sidecar_work_type_name(x->work_type), sidecar_work_type_name(y->work_type))) != 0)
		return c;
	return cmp_flags(x, y);
}

static int
cmp_tally(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;
	int c = cmp_tuple(x->row, y->row);

	if (c)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void
pass_counts(struct buf *out, const struct report *r)
{
	size_t n = r->side[0]->n + r->side[1]->n, i, j, k = 0;
	struct tally *t = ereallocarray(NULL, n ? n : 1, sizeof *t);

	for (i = 0; i < 2; i++)
		for (j = 0; j < r->side[i]->n; j++) {
			const struct group *g = &r->side[i]->g[j];
			t[k] = (struct tally){g->row, (int)i, g->passes, g->nmembers, k};
			k++;
		}
	qsort(t, n, sizeof *t, cmp_tally);
	buf_puts(out, "\nper-group pass counts (passes_observed/total_observed):\n");
	for (i = 0; i < n; i = j) {
		const struct tally *last[2] = {NULL, NULL};

		/* Within a side the later group replaces the earlier. */
		for (j = i; j < n && cmp_tuple(t[i].row, t[j].row) == 0; j++)
			last[t[j].side] = &t[j];
		text_printf(out, "  %s/%s/%s:", t[i].row->scenario, t[i].row->topology,
		            t[i].row->work_type);
		for (k = 0; k < 2; k++) {
			text_printf(out, " %s=", r->label[k]);
			if (last[k])
				buf_printf(out, "%zu/%zu", last[k]->passes, last[k]->total);
			else
				buf_putc(out, '-');
		}
		buf_putc(out, '\n');
	}
	free(t);
}

void
compare_group_path(struct buf *b, const struct group *g)
{
	size_t k;

	for (k = 0; k < g->shownlen; k++)
		buf_putc(b, g->shown[k] ? g->shown[k] : '/');
	/* The last element's terminator is no separator. */
	if (g->shownlen)
		b->s[--b->len] = '\0';
}

/* TEST, METRIC, two sides of value, ±% and n, DELTA, P, VERDICT. */
#define REPORT_MAX_COLUMNS 11

const char *
compare_verdict_cell(enum verdict v)
{
	static const char *const cell[] = {
		[VERDICT_IGNORED] = "",
		[VERDICT_UNCHANGED] = "unchanged",
		[VERDICT_REGRESSION] = "REGRESSION",
		[VERDICT_IMPROVEMENT] = "improvement",
		[VERDICT_NOT_SIGNIFICANT] = "not significant",
		[VERDICT_INFORMATIONAL] = "informational",
	};

	return cell[v];
}

/* --spread's two cells for one side: "±12.9%" and the number of runs. */
static void
spread_cells(struct buf *cv, char *n, size_t size, const struct sample *s)
{
	buf_reset(cv);
	compare_format_cv(cv, s);
	snprintf(n, size, "%zu", s->n);
}

/* The lines before the table: what slices, what pairs, what was averaged. */
static void
render_heading(struct buf *out, const struct report *r)
{
	const struct slicing *sl = r->slicing;
	size_t i;

	buf_puts(out, "slicing dimensions: ");
	for (i = 0; i < sl->nslice; i++)
		buf_printf(out, "%s%s", i ? ", " : "", compare_dim_name[sl->slice[i]]);
	buf_puts(out, "\npairing on: scenario");
	for (i = 0; i < sl->npair; i++)
		buf_printf(out, ", %s", compare_dim_name[sl->pair[i]]);
	buf_putc(out, '\n');
	if (r->average) {
		text_printf(out, "averaged across %zu runs (%s) and %zu runs (%s)", r->side[0]->nrows,
		            r->label[0], r->side[1]->nrows, r->label[1]);
		buf_putc(out, '\n');
	}
}

/* The table's columns; the extra ones of ktstr-compare(1) only when asked for. */
static size_t
table_header(const struct report *r, const char *header[REPORT_MAX_COLUMNS])
{
	size_t nc = 0;

	header[nc++] = "TEST";
	header[nc++] = "METRIC";
	for (size_t i = 0; i < 2; i++) {
		header[nc++] = r->label[i];
		if (r->spread) {
			header[nc++] = "±%";
			header[nc++] = "n";
		}
	}
	header[nc++] = "DELTA";
	if (r->pvalues)
		header[nc++] = "P";
	header[nc++] = "VERDICT";
	return nc;
}

/* Scratch space for one row's cells. */
struct row_cells {
	struct buf test, cv[2], pv;
	char v[2][64], n[2][24];
};

/* One finding's row, its verdict coloured. */
static void
table_finding(struct table *t, const struct report *r, const struct finding *f,
              struct row_cells *rc)
{
	const struct metric *m = f->metric;
	const char *cells[REPORT_MAX_COLUMNS];
	char *delta;
	size_t row, k, c = 0;

	buf_reset(&rc->test);
	compare_group_path(&rc->test, f->b);
	snprintf(rc->v[0], sizeof rc->v[0], "%.2f", f->va);
	snprintf(rc->v[1], sizeof rc->v[1], "%.2f", f->vb);
	delta = easprintf("%+.2f%s", f->delta, m->unit);
	cells[c++] = rc->test.s;
	cells[c++] = m->name;
	for (k = 0; k < 2; k++) {
		cells[c++] = rc->v[k];
		if (r->spread) {
			spread_cells(&rc->cv[k], rc->n[k], sizeof rc->n[k], k ? &f->sb : &f->sa);
			cells[c++] = rc->cv[k].s;
			cells[c++] = rc->n[k];
		}
	}
	cells[c++] = delta;
	if (r->pvalues) {
		buf_reset(&rc->pv);
		compare_format_p(&rc->pv, f->p);
		cells[c++] = rc->pv.s;
	}
	cells[c++] = compare_verdict_cell(f->verdict);
	row = table_add(t, cells);
	if (f->verdict == VERDICT_REGRESSION || f->verdict == VERDICT_IMPROVEMENT)
		table_set_colour(t, row, c - 1,
		                 f->verdict == VERDICT_REGRESSION ? COLOUR_RED : COLOUR_GREEN);
	free(delta);
}

void
compare_summary_counts(struct buf *out, const struct report *r)
{
	const struct result *res = r->res;

	buf_printf(out, "%zu regressions, %zu improvements, ", res->regressions, res->improvements);
	if (r->reg->id == REGISTRY_NEWEST)
		buf_printf(out, "%zu informational, ", res->informational);
	buf_printf(out, "%zu unchanged", res->unchanged);
	if (r->pvalues)
		buf_printf(out, ", %zu not significant", res->not_significant);
}

void
compare_summary_notes(struct buf *out, const struct report *r, const char *indent)
{
	const struct result *res = r->res;

	if (res->one_sided)
		buf_printf(out, "%s%zu metric(s) measured on one side only: not compared\n", indent,
		           res->one_sided);
	if (res->denomination)
		buf_printf(out, "%s%zu metric(s) not compared: the throughput denomination differs\n",
		           indent, res->denomination);
}

/* The lines after the table: the counts, the unpaired rows, the hosts. */
static void
render_summary(struct buf *out, const struct report *r)
{
	const struct result *res = r->res;

	buf_puts(out, "\n\nsummary: ");
	compare_summary_counts(out, r);
	buf_putc(out, '\n');
	compare_summary_notes(out, r, "  ");
	if (res->skipped_failed)
		buf_printf(out,
		           "  %zu pairing-key row pair(s) skipped because one or both sides failed\n",
		           res->skipped_failed);
	if (r->average)
		pass_counts(out, r);
	if (res->new_in_b) {
		text_printf(out, "  %zu row(s) new in '%s' (no matching key in '%s')", res->new_in_b,
		            r->label[1], r->label[0]);
		buf_putc(out, '\n');
	}
	if (res->removed_from_a) {
		text_printf(out, "  %zu row(s) removed from '%s' (no matching key in '%s')",
		            res->removed_from_a, r->label[0], r->label[1]);
		buf_putc(out, '\n');
	}
	if (r->host_section)
		buf_puts(out, r->host_section);
}

void
compare_findings_table(struct table *t, const struct report *r, const struct finding *f, size_t n)
{
	const char *header[REPORT_MAX_COLUMNS];
	struct row_cells rc = {BUF_INIT, {BUF_INIT, BUF_INIT}, BUF_INIT, {""}, {""}};

	table_init(t, table_header(r, header), header);
	for (size_t i = 0; i < n; i++)
		table_finding(t, r, &f[i], &rc);
	buf_free(&rc.test);
	buf_free(&rc.cv[0]);
	buf_free(&rc.cv[1]);
	buf_free(&rc.pv);
}

void
compare_report_render(struct buf *out, const struct report *r)
{
	struct table t;

	render_heading(out, r);
	compare_findings_table(&t, r, r->res->f, r->res->nf);
	table_render(&t, r->colour, out);
	table_free(&t);
	render_summary(out, r);
}
