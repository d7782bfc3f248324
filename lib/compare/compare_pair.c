/* compare_pair: the verdict of one metric, pairing keys and groups, the comparison (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/strlist.h"

enum verdict
compare_verdict_decide(const struct metric *m, double a, double b, double t)
{
	double delta, rel;

	if (fabs(a) < DBL_EPSILON && fabs(b) < DBL_EPSILON)
		return VERDICT_IGNORED;
	delta = b - a;
	/* A zero baseline is an infinite relative change (upstream: no change at all). */
	rel = fabs(a) > DBL_EPSILON ? fabs(delta / a) : INFINITY;
	if (fabs(delta) < m->default_abs || rel < t)
		return VERDICT_UNCHANGED;
	if (m->polarity == INFORMATIONAL)
		return VERDICT_INFORMATIONAL;
	if (m->polarity == LOWER_BETTER ? delta > 0 : delta < 0)
		return VERDICT_REGRESSION;
	return VERDICT_IMPROVEMENT;
}

/* ---- pairing keys and groups ---- */

static void
commit_part(struct buf *b, const char *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = strlen(v);
	/* One marker at most: "+mixed" already replaced a "-dirty". */
	if (str_has_suffix(v, "+mixed") || str_has_suffix(v, "-dirty"))
		n -= 6;
	buf_add(b, v, n);
}

/*
 * The pairing key of r, its elements each NUL-terminated: the work type
 * as the newest generation names it, so a 0.4.9 CpuSpin run pairs with
 * a SpinWait one; with display, as the pool names it (the TEST cell:
 * compare_rows_spell).
 */
static void
pairing_key(struct buf *b, const struct row *r, const struct slicing *sl, int display)
{
	size_t i;

	buf_puts(b, r->scenario);
	buf_putc(b, '\0');
	for (i = 0; i < sl->npair; i++) {
		const char *v;

		switch (sl->pair[i]) {
		case DIM_PROJECT_COMMIT:
			commit_part(b, r->commit);
			break;
		case DIM_KERNEL_COMMIT:
			commit_part(b, r->kernel_commit);
			break;
		case DIM_FLAGS: {
			const char **f = strv_sorted_copy(r->flags, r->nflags);
			strv_join(b, f, r->nflags, "|");
			free(f);
			break;
		}
		case DIM_WORK_TYPE:
			buf_puts(b, display ? r->work_type : sidecar_work_type_name(r->work_type));
			break;
		default:
			v = compare_row_dim(r, sl->pair[i]);
			if (v)
				buf_puts(b, v);
			break;
		}
		buf_putc(b, '\0');
	}
}

static void
identity(struct buf *b, const struct row *r)
{
	buf_printf(b, "%s %s %s %s ", r->scenario, r->topology, r->scheduler, r->work_type);
	strv_join(b, r->flags, r->nflags, ",");
}

/* Open addressing from pairing keys to the first group holding them. */
struct keymap {
	size_t *slot; /* group index + 1; 0 = empty */
	size_t cap;
};

static uint64_t
key_hash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211u;
	return h;
}

static void
keymap_init(struct keymap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n)
		m->cap *= 2;
	m->slot = ecalloc(m->cap, sizeof *m->slot);
}

/* The slot for key: holding the first group with it, or empty. */
static size_t *
keymap_find(const struct keymap *m, const struct group *g, const char *key, size_t n)
{
	size_t i = (size_t)key_hash(key, n) & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		size_t *s = &m->slot[i];
		const struct group *h;

		if (*s == 0)
			return s;
		h = &g[*s - 1];
		if (h->keylen == n && memcmp(h->key, key, n) == 0)
			return s;
	}
}

/* Index of the first group of s with this key, or -1. */
static long
keymap_get(const struct keymap *m, const struct side *s, const char *key, size_t n)
{
	size_t *slot = keymap_find(m, s->g, key, n);

	return *slot ? (long)(*slot - 1) : -1;
}

static void
keymap_build(struct keymap *m, const struct side *s)
{
	size_t i;

	keymap_init(m, s->n);
	for (i = 0; i < s->n; i++) {
		size_t *slot = keymap_find(m, s->g, s->g[i].key, s->g[i].keylen);
		if (*slot == 0)
			*slot = i + 1;
	}
}

void
compare_side_select(struct side *s, const struct row *rows, size_t n, const struct filter *f)
{
	size_t i;

	memset(s, 0, sizeof *s);
	s->rows = ereallocarray(NULL, n ? n : 1, sizeof *s->rows);
	for (i = 0; i < n; i++)
		if (compare_filter_match(f, &rows[i]))
			s->rows[s->nrows++] = &rows[i];
}

/*
 * A group's commit: base+mixed when dirty and clean values meet; the
 * pairing key strips "+mixed" as it strips "-dirty", so such groups
 * still pair (upstream's do not).
 */
static const char *
mixed_commit(const struct group *g, int kernel, char **own)
{
	const char *first = NULL, *v;
	int dirty = 0, plain = 0;
	size_t i;

	for (i = 0; i < g->nmembers; i++) {
		v = kernel ? g->members[i]->kernel_commit : g->members[i]->commit;
		if (v == NULL)
			continue;
		if (first == NULL)
			first = v;
		if (str_has_suffix(v, "-dirty"))
			dirty = 1;
		else
			plain = 1;
	}
	v = kernel ? g->members[0]->kernel_commit : g->members[0]->commit;
	if (!(dirty && plain))
		return v;
	*own = str_has_suffix(first, "-dirty") ? easprintf("%.*s+mixed", (int)(strlen(first) - 6), first)
	                                   : easprintf("%s+mixed", first);
	return *own;
}

/* A metric's values over a group's clean runs, folding as they arrive. */
struct fold {
	double sum, max;
	size_t n;
};

static void
fold_add(struct fold *f, double v)
{
	f->max = f->n == 0 || v > f->max ? v : f->max;
	f->sum += v;
	f->n++;
}

/*
 * How the newest registry folds a metric over runs: the largest value
 * of a peak or a worst case, none of a value per run, else the mean
 * (counters too: upstream sums them, which would make a side of three
 * runs triple one of one).  0.4.9 and 0.5.2 take the mean of everything.
 */
enum fold_rule { FOLD_MEAN, FOLD_MAX, FOLD_NONE };

static enum fold_rule
fold_rule(const struct metric *m, const struct registry *reg)
{
	if (m == NULL || reg->id != REGISTRY_NEWEST)
		return FOLD_MEAN;
	switch (m->kind) {
	case KIND_PEAK:
		return FOLD_MAX;
	case KIND_DISTRIBUTION:
		return strcmp(m->arg[1], "Worst") == 0 ? FOLD_MAX : FOLD_MEAN;
	case KIND_PER_RUN_DISTRIBUTION:
	case KIND_PER_PHASE:
		return FOLD_NONE;
	default:
		return FOLD_MEAN;
	}
}

static double
fold_value(const struct fold *f, enum fold_rule rule)
{
	return rule == FOLD_MAX ? f->max : f->sum / (double)f->n;
}

/* How each typed field folds: as the registry's metric that reads it. */
static void
field_rules(const struct registry *reg, enum fold_rule rule[NMETRICS])
{
	size_t i;

	for (i = 0; i < NMETRICS; i++)
		rule[i] = FOLD_MEAN;
	for (i = 0; i < reg->n; i++)
		if (reg->m[i].field >= 0)
			rule[reg->m[i].field] = fold_rule(&reg->m[i], reg);
}

static void
fold_fields(struct row *a, const struct group *g, const enum fold_rule rule[NMETRICS])
{
	struct fold f[NMETRICS] = {{0, 0, 0}};
	size_t i, k;

	for (i = 0; i < g->nmembers; i++) {
		const struct row *r = g->members[i];

		if (!compare_row_clean(r))
			continue;
		for (k = 0; k < NMETRICS; k++)
			if (r->fmask >> k & 1)
				fold_add(&f[k], r->f[k]);
	}
	for (k = 0; k < NMETRICS; k++) {
		double v = 0;

		if (f[k].n == 0 && g->passes > 0)
			continue;
		/* A group without a pass keeps zeros: it is never compared. */
		if (f[k].n)
			v = fold_value(&f[k], rule[k]);
		if (compare_metrics[k].flags & METRIC_INTEGER)
			v = round(v);
		if (k == M_DSQ_DEPTH)
			v = v < 0 ? 0 : v > 4294967295.0 ? 4294967295.0 : v;
		a->f[k] = v;
		a->fmask |= 1u << k;
	}
}

static int
cmp_ext_name(const void *x, const void *y)
{
	return strcmp(((const struct ext_metric *)x)->name, ((const struct ext_metric *)y)->name);
}

/*
 * A rate of the newest registry, recomputed from its folded components
 * (never a mean of ratios); 0 when a component is missing or the
 * denominator is 0.
 */
static int
rate_value(const struct row *a, const struct metric *m, double *v)
{
	const struct ext_metric *num = compare_row_ext(a, m->arg[0]);
	const struct ext_metric *den = compare_row_ext(a, m->arg[1]);

	if (num == NULL || den == NULL || den->value == 0)
		return 0;
	*v = num->value / den->value;
	return 1;
}

static void
fold_ext(struct row *a, const struct group *g, const struct registry *reg)
{
	struct ext_metric *all = NULL;
	size_t n = 0, runs = 0, i, j, k;

	for (i = 0; i < g->nmembers; i++) {
		const struct row *r = g->members[i];

		if (!compare_row_clean(r) || r->next == 0)
			continue;
		all = ereallocarray(all, n + r->next, sizeof *all);
		memcpy(all + n, r->ext, r->next * sizeof *all);
		n += r->next;
		runs++;
	}
	if (n == 0)
		return;
	qsort(all, n, sizeof *all, cmp_ext_name);
	a->ext = ereallocarray(NULL, n, sizeof *a->ext);
	for (i = 0; i < n; i = j) {
		const struct metric *m = compare_registry_find(reg, all[i].name);
		enum fold_rule rule = fold_rule(m, reg);
		struct fold f = {0, 0, 0};

		for (j = i; j < n && strcmp(all[j].name, all[i].name) == 0; j++)
			fold_add(&f, all[j].value);
		if (rule == FOLD_NONE && f.n > 1)
			continue;
		a->ext[a->next++] = (struct ext_metric){all[i].name, fold_value(&f, rule)};
	}
	/* Rates last, over their folded components; one run's stays as its file has it. */
	for (k = 0; reg->id == REGISTRY_NEWEST && runs > 1 && k < a->next; k++) {
		const struct metric *m = compare_registry_find(reg, a->ext[k].name);

		if (m && m->kind == KIND_RATE)
			rate_value(a, m, &a->ext[k].value);
	}
	free(all);
}

/* The row's denomination, or ROW_DENOM_MIXED when the group holds both. */
static int
group_denom(const struct group *g)
{
	for (size_t i = 1; i < g->nmembers; i++)
		if (g->members[i]->denom != g->members[0]->denom)
			return ROW_DENOM_MIXED;
	return g->members[0]->denom;
}

static void
aggregate(struct group *g, const struct registry *reg, const enum fold_rule rule[NMETRICS])
{
	struct row *a = &g->agg;
	const struct row *first = g->members[0];
	int any_failed = 0, any_skipped = 0;
	size_t i;

	memset(a, 0, sizeof *a);
	a->scenario = first->scenario;
	a->topology = first->topology;
	a->work_type = first->work_type;
	a->scheduler = first->scheduler;
	a->kernel_version = first->kernel_version;
	a->run_source = first->run_source;
	a->gen = first->gen;
	a->carries = first->carries;
	memcpy(a->budget, first->budget, sizeof a->budget);
	a->denom = group_denom(g);
	a->flags = ereallocarray(NULL, first->nflags ? first->nflags : 1, sizeof *a->flags);
	if (first->nflags)
		memcpy(a->flags, first->flags, first->nflags * sizeof *a->flags);
	a->nflags = first->nflags;
	a->commit = mixed_commit(g, 0, &a->own[0]);
	a->kernel_commit = mixed_commit(g, 1, &a->own[1]);
	for (i = 0; i < g->nmembers; i++) {
		if (g->members[i]->skipped)
			any_skipped = 1;
		else if (!compare_row_clean(g->members[i]))
			any_failed = 1;
	}
	a->passed = !any_failed && !any_skipped && g->passes > 0;
	a->skipped = any_skipped;
	fold_fields(a, g, rule);
	fold_ext(a, g, reg);
}

void
compare_side_group(struct side *s, const struct slicing *sl, int average, const struct registry *reg)
{
	struct buf key = BUF_INIT, shown = BUF_INIT;
	enum fold_rule rule[NMETRICS];
	struct keymap m;
	size_t i;

	field_rules(reg, rule);
	s->g = ecalloc(s->nrows ? s->nrows : 1, sizeof *s->g);
	keymap_init(&m, s->nrows);
	for (i = 0; i < s->nrows; i++) {
		struct group *g;
		size_t *slot;

		buf_reset(&key);
		pairing_key(&key, s->rows[i], sl, 0);
		slot = average ? keymap_find(&m, s->g, key.s, key.len) : NULL;
		if (slot && *slot) {
			g = &s->g[*slot - 1];
		} else {
			g = &s->g[s->n++];
			g->key = emalloc(key.len);
			memcpy(g->key, key.s, key.len);
			g->keylen = key.len;
			buf_reset(&shown);
			pairing_key(&shown, s->rows[i], sl, 1);
			g->shown = emalloc(shown.len);
			memcpy(g->shown, shown.s, shown.len);
			g->shownlen = shown.len;
			if (slot)
				*slot = s->n;
		}
		g->members = ereallocarray(g->members, g->nmembers + 1, sizeof *g->members);
		g->members[g->nmembers++] = s->rows[i];
		g->passes += compare_row_clean(s->rows[i]);
	}
	for (i = 0; i < s->n; i++) {
		struct group *g = &s->g[i];
		struct buf id = BUF_INIT;

		if (average) {
			aggregate(g, reg, rule);
			g->row = &g->agg;
		} else {
			g->row = g->members[0];
		}
		identity(&id, g->row);
		g->ident = buf_detach(&id);
	}
	free(m.slot);
	buf_free(&key);
	buf_free(&shown);
}

void
compare_side_free(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		compare_row_free(&s->g[i].agg);
		free(s->g[i].members);
		free(s->g[i].key);
		free(s->g[i].shown);
		free(s->g[i].ident);
	}
	free(s->g);
	free(s->rows);
	memset(s, 0, sizeof *s);
}

static int
cmp_key(const struct group *x, const struct group *y)
{
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static int
cmp_group_key(const void *a, const void *b)
{
	return cmp_key(*(const struct group *const *)a, *(const struct group *const *)b);
}

void
compare_key_quote(struct buf *b, const char *key, size_t keylen)
{
	const char *p = key, *end = key + keylen;

	buf_putc(b, '[');
	while (p < end) {
		if (p != key)
			buf_puts(b, ", ");
		buf_putc(b, '"');
		for (; *p; p++) {
			unsigned char c = (unsigned char)*p;

			if (c == '"' || c == '\\')
				buf_printf(b, "\\%c", c);
			else if (c == '\n')
				buf_puts(b, "\\n");
			else if (c == '\r')
				buf_puts(b, "\\r");
			else if (c == '\t')
				buf_puts(b, "\\t");
			else if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\u{%x}", c);
			else
				buf_putc(b, (char)c);
		}
		buf_putc(b, '"');
		p++;
	}
	buf_putc(b, ']');
}

int
compare_side_check_unique(const struct side *s, char letter, struct buf *err)
{
	const struct group **v = ereallocarray(NULL, s->n ? s->n : 1, sizeof *v);
	size_t i, j;
	int rc = 0;

	for (i = 0; i < s->n; i++)
		v[i] = &s->g[i];
	qsort(v, s->n, sizeof *v, cmp_group_key);
	for (i = 0; i < s->n; i = j) {
		for (j = i + 1; j < s->n && cmp_key(v[i], v[j]) == 0; j++)
			;
		if (j - i > 1) {
			buf_printf(err, "--no-average: side %c has %zu sidecars with the same pairing key ",
			           letter, j - i);
			compare_key_quote(err, v[i]->shown, v[i]->shownlen);
			buf_printf(err,
			           ". Either drop --no-average to average them, or add another --%c-X "
			           "filter to disambiguate.",
			           letter - 'A' + 'a');
			rc = -1;
			break;
		}
	}
	free(v);
	return rc;
}

/* ---- comparison ---- */

static int
substr_match(const char *substr, const struct group *g)
{
	return strstr(g->ident, substr) != NULL;
}

/* One metric of a clean pair: a finding in res, or a count of why not. */
static void
judge(struct result *res, const struct group *ga, const struct group *gb, const struct metric *m,
      const struct policy *p, const struct registry *reg)
{
	double va = 0, vb = 0, t = compare_policy_threshold(p, m);
	int ha = compare_metric_read(m, ga->row, &va), hb = compare_metric_read(m, gb->row, &vb);
	enum verdict v;
	struct finding *f;

	/*
	 * The newest registry: a metric one side lacks was never measured
	 * there, so it is no change; older ones read it as 0, as they did.
	 */
	if (reg->id == REGISTRY_NEWEST && ha != hb) {
		res->one_sided++;
		return;
	}
	if ((m->flags & METRIC_DENOMINATED) && (ha || hb) &&
	    (ga->row->denom != gb->row->denom || ga->row->denom == ROW_DENOM_MIXED)) {
		res->denomination++;
		return;
	}
	v = compare_verdict_decide(m, va, vb, t);
	if (v == VERDICT_IGNORED)
		return;
	/* Grow by doubling: a pool of 10k pairs must not be quadratic. */
	if ((res->nall & (res->nall - 1)) == 0)
		res->all = ereallocarray(res->all, res->nall ? res->nall * 2 : 1, sizeof *res->all);
	f = &res->all[res->nall++];
	*f = (struct finding){ga, gb, m, va, vb, vb - va, v, t, {0, NAN, NAN}, {0, NAN, NAN}, NAN};
	if (v == VERDICT_UNCHANGED) {
		res->unchanged++;
		return;
	}
	if (v == VERDICT_REGRESSION)
		res->regressions++;
	else if (v == VERDICT_IMPROVEMENT)
		res->improvements++;
	else
		res->informational++;
	res->f = ereallocarray(res->f, res->nf + 1, sizeof *res->f);
	res->f[res->nf++] = *f;
}

void
compare_sides(const struct side *a, const struct side *b, const char *substr,
              const struct policy *p, const struct registry *reg, struct result *res)
{
	struct keymap ma, mb;
	size_t i, k;

	memset(res, 0, sizeof *res);
	keymap_build(&ma, a);
	keymap_build(&mb, b);
	for (i = 0; i < b->n; i++) {
		const struct group *gb = &b->g[i], *ga;
		long pi = keymap_get(&ma, a, gb->key, gb->keylen);

		ga = pi >= 0 ? &a->g[pi] : NULL;
		/* A pair is kept if either side matches (upstream tests only the row it iterates). */
		if (substr && !substr_match(substr, gb) && !(ga && substr_match(substr, ga)))
			continue;
		if (ga == NULL) {
			res->new_in_b++;
			continue;
		}
		if (!compare_row_clean(ga->row) || !compare_row_clean(gb->row)) {
			res->skipped_failed++;
			continue;
		}
		for (k = 0; k < reg->n; k++)
			if (compare_metric_compared(&reg->m[k]))
				judge(res, ga, gb, &reg->m[k], p, reg);
	}
	for (i = 0; i < a->n; i++) {
		const struct group *ga = &a->g[i];

		if (substr && !substr_match(substr, ga))
			continue;
		if (keymap_get(&mb, b, ga->key, ga->keylen) < 0)
			res->removed_from_a++;
	}
	free(ma.slot);
	free(mb.slot);
}

void
compare_result_free(struct result *res)
{
	free(res->f);
	free(res->all);
	memset(res, 0, sizeof *res);
}
