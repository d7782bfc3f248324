/*
 * compare_stats: spread and significance of the compared metrics.
 */
#include <math.h>
#include <stdlib.h>

#include "compare_stats.h"

int
compare_group_sample(const struct group *g, const struct metric *m, struct sample *s)
{
	double *v = ereallocarray(NULL, g->nmembers ? g->nmembers : 1, sizeof *v), gated, run;
	size_t i, n = 0;

	for (i = 0; i < g->nmembers; i++)
		if (compare_row_clean(g->members[i]) && compare_metric_run(m, g->members[i], &v[n]))
			n++;
	compare_sample_stats(v, n, s);
	free(v);
	/* A value read past a gate (the tail ratio below its iterations) is no mean of the runs'. */
	if (!compare_metric_read(m, g->row, &gated) || !compare_metric_run(m, g->row, &run) ||
	    gated != run) {
		s->mean = s->sd = NAN;
		return -1;
	}
	return 0;
}

static void
attach(struct finding *f, double significance, struct result *res, size_t *untested)
{
	struct welch w;
	int a = compare_group_sample(f->a, f->metric, &f->sa);
	int b = compare_group_sample(f->b, f->metric, &f->sb);

	f->p = a == 0 && b == 0 && compare_welch_test(&f->sa, &f->sb, &w) == 0 ? w.p : NAN;
	if (significance <= 0 || (f->verdict != VERDICT_REGRESSION && f->verdict != VERDICT_IMPROVEMENT))
		return;
	if (isnan(f->p)) {
		++*untested;
		return;
	}
	if (f->p < significance)
		return;
	if (f->verdict == VERDICT_REGRESSION)
		res->regressions--;
	else
		res->improvements--;
	res->not_significant++;
	f->verdict = VERDICT_NOT_SIGNIFICANT;
}

size_t
compare_stats_attach(struct result *res, double significance)
{
	size_t i, untested = 0;

	for (i = 0; i < res->nall; i++)
		attach(&res->all[i], significance, res, &untested);
	/* The findings are the changes among all, in the same order. */
	res->nf = 0;
	for (i = 0; i < res->nall; i++)
		if (res->all[i].verdict != VERDICT_UNCHANGED)
			res->f[res->nf++] = res->all[i];
	return untested;
}
