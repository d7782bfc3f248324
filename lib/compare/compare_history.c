/*
 * history: the commits of a first-parent history, and the change points
 * of every (test, metric) series along them (compare_history.h).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_history.h"
#include "git/git.h"

struct collect {
	struct git_repo *repo;
	struct history *h;
	size_t cap;
};

static int
add_commit(const struct git_oid *id, void *arg)
{
	struct collect *c = arg;
	char hex[GIT_MAX_HEXSZ + 1];

	if (c->h->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->h->hex = ereallocarray(c->h->hex, c->cap, sizeof(*c->h->hex));
	}
	snprintf(c->h->hex[c->h->n++], sizeof(*c->h->hex), "%.7s", git_oid_hex(c->repo, id, hex));
	return 0;
}

static int
count_commit(const struct git_oid *id, void *arg)
{
	(void)id;
	++*(size_t *)arg;
	return 0;
}

/* range into the commits it names: b, and a when it is A..B (a_set). */
static int
parse_range(struct git_repo *repo, const char *range, struct git_oid *a, int *a_set, struct git_oid *b,
            struct buf *err)
{
	const char *dots = range ? strstr(range, "..") : NULL;
	char *aexpr = NULL, *bexpr;
	int rc = -1;

	*a_set = dots != NULL;
	if (dots && (dots[2] == '.' || strstr(dots + 2, ".."))) {
		buf_printf(err, "--history: '%s' is not a range A..B", range);
		return -1;
	}
	if (dots) {
		aexpr = dots == range ? estrdup("HEAD") : estrndup(range, (size_t)(dots - range));
		bexpr = estrdup(dots[2] ? dots + 2 : "HEAD");
	} else {
		bexpr = estrdup(range ? range : "HEAD");
	}
	if (aexpr && git_rev_parse(repo, aexpr, a) < 0)
		buf_printf(err, "--history: cannot resolve '%s': %s", aexpr, git_error(repo));
	else if (git_rev_parse(repo, bexpr, b) < 0)
		buf_printf(err, "--history: cannot resolve '%s': %s", bexpr, git_error(repo));
	else
		rc = 0;
	free(aexpr);
	free(bexpr);
	return rc;
}

int
compare_history_commits(const char *dir, const char *range, struct history *h, struct buf *err)
{
	struct git_repo *repo;
	struct git_oid a, b;
	struct collect c = {NULL, h, 0};
	size_t i, inrange = 0;
	char e[512];
	int a_set, r, rc = -1;

	memset(h, 0, sizeof *h);
	if ((repo = git_open(dir, 1, e, sizeof e)) == NULL) {
		buf_printf(err, "--history: no git repository: %s", e);
		return -1;
	}
	c.repo = repo;
	if (parse_range(repo, range, &a, &a_set, &b, err) < 0)
		goto out;
	if ((r = git_first_parents(repo, NULL, &b, add_commit, &c)) < 0 ||
	    (a_set && git_first_parents(repo, &a, &b, count_commit, &inrange) < 0)) {
		buf_printf(err, "--history: %s", git_error(repo));
		goto out;
	}
	h->shallow = r == 1;
	if (!a_set)
		inrange = h->n;
	/* Oldest first; the range is the newest inrange commits. */
	for (i = 0; i < h->n / 2; i++) {
		char t[8];

		memcpy(t, h->hex[i], sizeof t);
		memcpy(h->hex[i], h->hex[h->n - 1 - i], sizeof t);
		memcpy(h->hex[h->n - 1 - i], t, sizeof t);
	}
	h->in_range = ecalloc(h->n ? h->n : 1, 1);
	for (i = h->n - inrange; i < h->n; i++)
		h->in_range[i] = 1;
	if (range)
		snprintf(h->what, sizeof h->what, "the first-parent history of %.200s", range);
	else
		snprintf(h->what, sizeof h->what, "HEAD's first-parent history");
	rc = 0;
out:
	git_close(repo);
	return rc;
}

void
compare_history_free(struct history *h)
{
	free(h->hex);
	free(h->in_range);
	memset(h, 0, sizeof *h);
}

/* A 7-hex id and its place in the history, for the lookup. */
struct place {
	const char *hex;
	size_t at;
};

static int
place_cmp(const void *a, const void *b)
{
	return strcmp(((const struct place *)a)->hex, ((const struct place *)b)->hex);
}

/* The history index of a run's project commit; -1 when none (a dirty tree, another branch). */
static long
lookup(const struct place *v, size_t n, const char *commit)
{
	struct place key = {commit, 0}, *hit;

	if (commit == NULL || n == 0)
		return -1;
	hit = bsearch(&key, v, n, sizeof *v, place_cmp);
	return hit ? (long)hit->at : -1;
}

/* Per-commit sums of one metric over a test's clean runs, and the points they make. */
struct scratch {
	double *sum;      /* per commit, zero between calls */
	size_t *cnt;
	size_t *touched;  /* the commits a call filled */
	long *pos;        /* per member: its commit's index, or -1 */
	double *means;
};

static int
size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* The points of metric k; the work follows the test's runs, not the history's length. */
static size_t
points(const struct group *g, const struct metric *m, struct scratch *w, struct history_point **out)
{
	size_t i, n = 0;

	for (i = 0; i < g->nmembers; i++) {
		double v;

		if (w->pos[i] < 0 || !compare_metric_read(m, g->members[i], &v))
			continue;
		if (w->cnt[w->pos[i]]++ == 0)
			w->touched[n++] = (size_t)w->pos[i];
		w->sum[w->pos[i]] += v;
	}
	if (n)
		qsort(w->touched, n, sizeof *w->touched, size_cmp);
	*out = ereallocarray(NULL, n ? n : 1, sizeof **out);
	for (i = 0; i < n; i++) {
		size_t c = w->touched[i];

		(*out)[i] = (struct history_point){c, w->sum[c] / (double)w->cnt[c], w->cnt[c]};
		w->sum[c] = 0;
		w->cnt[c] = 0;
	}
	return n;
}

static int
all_zero(const struct history_point *pt, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fabs(pt[i].mean) >= DBL_EPSILON)
			return 0;
	return 1;
}

/* The runs' mean over pt[lo..hi) and their number. */
static double
segment_mean(const struct history_point *pt, size_t lo, size_t hi, size_t *n)
{
	double sum = 0;
	size_t i;

	*n = 0;
	for (i = lo; i < hi; i++) {
		sum += pt[i].mean * (double)pt[i].n;
		*n += pt[i].n;
	}
	return *n ? sum / (double)*n : NAN;
}

static void
add_change(struct history_result *res, size_t series, const struct change_point *cps, size_t j,
           size_t ncp, const struct policy *p)
{
	struct history_series *s = &res->series[series];
	const struct metric *m = s->metric;
	size_t at = cps[j].index, lo = j ? cps[j - 1].index : 0, hi = j + 1 < ncp ? cps[j + 1].index : s->npt;
	struct history_change *c;

	res->c = ereallocarray(res->c, res->nc + 1, sizeof *res->c);
	c = &res->c[res->nc++];
	c->series = series;
	c->at = at;
	c->before = segment_mean(s->pt, lo, at, &c->n_before);
	c->after = segment_mean(s->pt, at, hi, &c->n_after);
	c->p = cps[j].p;
	c->verdict = compare_verdict_decide(m, c->before, c->after, compare_policy_threshold(p, m));
	if (c->verdict == VERDICT_REGRESSION)
		res->regressions++;
	else if (c->verdict == VERDICT_IMPROVEMENT)
		res->improvements++;
	else {
		c->verdict = VERDICT_UNCHANGED;
		res->below++;
	}
}

/* Test one series; keep it with its changes in the range, or among the quiet ones. */
static void
test_series(struct history_result *res, const struct group *g, const struct metric *k, struct history_point *pt,
            size_t npt, const struct history *h, const struct policy *p, const struct cp_params *cp,
            double *means)
{
	struct change_point *cps;
	struct history_series *s;
	size_t ncp, i, inrange = 0;

	for (i = 0; i < npt; i++)
		means[i] = pt[i].mean;
	ncp = compare_changepoints(means, npt, cp, &cps);
	for (i = 0; i < ncp; i++)
		inrange += h->in_range[pt[cps[i].index].commit];
	if (inrange) {
		res->series = ereallocarray(res->series, res->nseries + 1, sizeof *res->series);
		s = &res->series[res->nseries++];
	} else {
		res->quiet = ereallocarray(res->quiet, res->nquiet + 1, sizeof *res->quiet);
		s = &res->quiet[res->nquiet++];
	}
	*s = (struct history_series){g, k, pt, npt, ereallocarray(NULL, ncp ? ncp : 1, sizeof(size_t)), ncp};
	for (i = 0; i < ncp; i++)
		s->cp[i] = cps[i].index;
	for (i = 0; inrange && i < ncp; i++)
		if (h->in_range[pt[cps[i].index].commit])
			add_change(res, res->nseries - 1, cps, i, ncp, p);
	free(cps);
}

void
compare_history_find(const struct side *s, const struct history *h, const struct policy *p,
                     const struct registry *reg, const struct cp_params *cp, const char *substr, struct history_result *res)
{
	struct place *map = ereallocarray(NULL, h->n ? h->n : 1, sizeof *map);
	unsigned char *seen = ecalloc(h->n ? h->n : 1, 1);
	struct scratch w;
	size_t i, j, k;

	memset(res, 0, sizeof *res);
	for (i = 0; i < h->n; i++)
		map[i] = (struct place){h->hex[i], i};
	qsort(map, h->n, sizeof *map, place_cmp);
	w.sum = ecalloc(h->n ? h->n : 1, sizeof *w.sum);
	w.cnt = ecalloc(h->n ? h->n : 1, sizeof *w.cnt);
	w.touched = ereallocarray(NULL, h->n ? h->n : 1, sizeof *w.touched);
	w.means = ereallocarray(NULL, h->n ? h->n : 1, sizeof *w.means);
	w.pos = NULL;
	for (i = 0; i < s->n; i++) {
		const struct group *g = &s->g[i];

		if (substr && !strstr(g->ident, substr))
			continue;
		res->tests++;
		w.pos = ereallocarray(w.pos, g->nmembers ? g->nmembers : 1, sizeof *w.pos);
		for (j = 0; j < g->nmembers; j++) {
			const struct row *r = g->members[j];

			w.pos[j] = r->passed && !r->skipped ? lookup(map, h->n, r->commit) : -1;
			if (w.pos[j] >= 0)
				seen[w.pos[j]] = 1;
		}
		for (k = 0; k < reg->n; k++) {
			const struct metric *m = &reg->m[k];
			struct history_point *pt;
			size_t npt;

			if (!compare_metric_compared(m))
				continue;
			npt = points(g, m, &w, &pt);

			/* Too short to split, or a metric this test never measured (all 0). */
			if (npt < 2 * cp->min_segment || all_zero(pt, npt)) {
				free(pt);
				continue;
			}
			res->tested++;
			test_series(res, g, m, pt, npt, h, p, cp, w.means);
		}
	}
	for (i = 0; i < h->n; i++)
		res->commits += seen[i];
	free(w.sum);
	free(w.cnt);
	free(w.touched);
	free(w.means);
	free(w.pos);
	free(seen);
	free(map);
}

static void
series_free(struct history_series *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].pt);
		free(v[i].cp);
	}
	free(v);
}

void
compare_history_result_free(struct history_result *res)
{
	series_free(res->series, res->nseries);
	series_free(res->quiet, res->nquiet);
	free(res->c);
	memset(res, 0, sizeof *res);
}

double
compare_history_percent(const struct history_change *c)
{
	if (fabs(c->before) <= DBL_EPSILON)
		return c->after > c->before ? INFINITY : -INFINITY;
	return (c->after - c->before) / fabs(c->before) * 100;
}
