#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "json.h"
#include "revspec.h"
#include "serde.h"
#include "table.h"

const char *const dim_name[NDIMS] = {
	"kernel", "scheduler", "topology", "work-type",
	"project-commit", "kernel-commit", "run-source", "flags",
};

const char *const dim_option[NDIMS] = {
	"kernel", "scheduler", "topology", "work-type",
	"project-commit", "kernel-commit", "run-source", "flag",
};

/* ---- string lists ---- */

void
strlist_add(struct strlist *l, const char *s)
{
	l->v = ereallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = estrdup(s);
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted copy of v[0..n) (pointers only); caller frees the array. */
static const char **
sorted_copy(const char *const *v, size_t n)
{
	const char **s = ereallocarray(NULL, n ? n : 1, sizeof *s);

	if (n)
		memcpy(s, v, n * sizeof *s);
	if (n > 1)
		qsort(s, n, sizeof *s, cmp_str);
	return s;
}

static void
join(struct buf *b, const char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, sep);
		buf_puts(b, v[i]);
	}
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* ---- filters (§4.2) ---- */

/* Two non-empty all-digit segments joined by one '.'. */
static int
is_major_minor(const char *v)
{
	const char *p = v;
	size_t a = 0, b = 0;

	while (*p >= '0' && *p <= '9')
		p++, a++;
	if (a == 0 || *p++ != '.')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++, b++;
	return b > 0 && *p == '\0';
}

int
kernel_match(const char *want, const char *version)
{
	size_t n;

	if (version == NULL)
		return 0;
	if (strcmp(want, version) == 0)
		return 1;
	if (!is_major_minor(want))
		return 0;
	n = strlen(want);
	return strncmp(version, want, n) == 0 && version[n] == '.';
}

static int
any_equal(const struct strlist *l, const char *v)
{
	size_t i;

	if (v == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], v) == 0)
			return 1;
	return 0;
}

static const char *
row_dim(const struct row *r, enum dim d)
{
	switch (d) {
	case DIM_KERNEL:
		return r->kernel_version;
	case DIM_SCHEDULER:
		return r->scheduler;
	case DIM_TOPOLOGY:
		return r->topology;
	case DIM_WORK_TYPE:
		return r->work_type;
	case DIM_PROJECT_COMMIT:
		return r->commit;
	case DIM_KERNEL_COMMIT:
		return r->kernel_commit;
	case DIM_RUN_SOURCE:
		return r->run_source;
	case DIM_FLAGS:
	case NDIMS:
		break;
	}
	return NULL;
}

int
filter_match(const struct filter *f, const struct row *r)
{
	size_t d, i, j;

	for (d = 0; d < NDIMS; d++) {
		const struct strlist *l = f->dim[d];

		if (l->n == 0)
			continue;
		if (d == DIM_KERNEL) {
			for (i = 0; i < l->n; i++)
				if (kernel_match(l->v[i], r->kernel_version))
					break;
			if (i == l->n)
				return 0;
		} else if (d == DIM_FLAGS) {
			for (i = 0; i < l->n; i++) {
				for (j = 0; j < r->nflags; j++)
					if (strcmp(l->v[i], r->flags[j]) == 0)
						break;
				if (j == r->nflags)
					return 0;
			}
		} else if (!any_equal(l, row_dim(r, (enum dim)d))) {
			return 0;
		}
	}
	return 1;
}

void
commit_expand(const char *option, const char *value, int kernel, struct strlist *out)
{
	char **v = NULL;
	size_t n = 0, i;

	revspec_expand(option, kernel, value, &v, &n);
	for (i = 0; i < n; i++)
		strlist_add(out, v[i]);
	revspec_free(v, n);
}

void
filters_build(const struct strlist shared[NDIMS], const struct strlist a[NDIMS],
              const struct strlist b[NDIMS], struct filter side[2])
{
	size_t d;

	for (d = 0; d < NDIMS; d++) {
		side[0].dim[d] = a[d].n ? &a[d] : &shared[d];
		side[1].dim[d] = b[d].n ? &b[d] : &shared[d];
	}
}

/* ---- slicing, labels (§5.5) ---- */

/* Equal as sets: sorted, duplicates removed. */
static int
same_set(const struct strlist *x, const struct strlist *y)
{
	const char **sx = sorted_copy((const char *const *)x->v, x->n);
	const char **sy = sorted_copy((const char *const *)y->v, y->n);
	size_t i = 0, j = 0;
	int same = 1;

	while (i < x->n || j < y->n) {
		const char *v;

		if (i == x->n || j == y->n || strcmp(sx[i], sy[j]) != 0) {
			same = 0;
			break;
		}
		v = sx[i];
		while (i < x->n && strcmp(sx[i], v) == 0)
			i++;
		while (j < y->n && strcmp(sy[j], v) == 0)
			j++;
	}
	free(sx);
	free(sy);
	return same;
}

void
slicing_find(const struct filter side[2], struct slicing *s)
{
	size_t d;

	s->nslice = s->npair = 0;
	for (d = 0; d < NDIMS; d++) {
		if (same_set(side[0].dim[d], side[1].dim[d]))
			s->pair[s->npair++] = (enum dim)d;
		else
			s->slice[s->nslice++] = (enum dim)d;
	}
}

char *
side_label(const struct filter *f, const struct slicing *s, char letter)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < s->nslice; i++) {
		const struct strlist *l = f->dim[s->slice[i]];

		if (i)
			buf_putc(&b, ':');
		if (l->n == 0 || l->n > 3) {
			buf_putc(&b, letter);
		} else {
			const char **v = sorted_copy((const char *const *)l->v, l->n);
			join(&b, v, l->n, "|");
			free(v);
		}
	}
	return buf_detach(&b);
}

/* ---- policy (§5.2) ---- */

/* "at line L column C" of a position inside text. */
static void
where(struct buf *err, const char *text, const char *at)
{
	unsigned long line = 1, col = 1;
	const char *p;

	for (p = text; p < at; p++) {
		if (*p == '\n')
			line++, col = 1;
		else
			col++;
	}
	buf_printf(err, " at line %lu column %lu", line, col);
}

static int
type_error(struct buf *err, const char *text, const struct json_value *v, const char *expected)
{
	/* Room for the longest plain f64, about 330 digits. */
	char what[512];

	serde_unexpected(v, what, sizeof what);
	buf_printf(err, "invalid type: %s, expected %s", what, expected);
	where(err, text, v->raw);
	return -1;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct policy_entry *)a)->name, ((const struct policy_entry *)b)->name);
}

static int
policy_set_default(struct policy *p, const char *text, const struct json_value *v, struct buf *err)
{
	if (v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_NUMBER)
		return type_error(err, text, v, "f64");
	p->has_default = 1;
	p->default_percent = v->u.num.d;
	return 0;
}

static int
policy_set_map(struct policy *p, const char *text, const struct json_value *v, struct buf *err)
{
	size_t i, j;

	if (v->type != JSON_OBJECT)
		return type_error(err, text, v, "a map");
	for (i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->value.type != JSON_NUMBER)
			return type_error(err, text, &m->value, "f64");
		/* A repeated key keeps its last value. */
		for (j = 0; j < p->nper; j++)
			if (strcmp(p->per[j].name, m->key) == 0)
				break;
		if (j == p->nper) {
			p->per = ereallocarray(p->per, p->nper + 1, sizeof *p->per);
			p->per[p->nper++].name = estrdup(m->key);
		}
		p->per[j].percent = m->value.u.num.d;
	}
	qsort(p->per, p->nper, sizeof *p->per, cmp_entry);
	return 0;
}

int
policy_parse(struct policy *p, const char *text, size_t len, struct buf *err)
{
	struct json_doc doc = {0};
	struct json_error jerr;
	const struct json_value *root;
	int rc = -1;
	size_t i, j;

	memset(p, 0, sizeof *p);
	if (json_parse(&doc, text, len, 0, &jerr) < 0) {
		char msg[256];
		json_error_string(&jerr, msg, sizeof msg);
		buf_puts(err, msg);
		goto out;
	}
	root = doc.root;
	if (root->type == JSON_ARRAY) {
		if (root->u.arr.n > 2) {
			buf_printf(err, "invalid length %zu, expected struct ComparisonPolicy with 2 elements",
			           root->u.arr.n);
			where(err, text, root->raw + root->rawlen - 1);
			goto out;
		}
		if (root->u.arr.n > 0 && policy_set_default(p, text, &root->u.arr.items[0], err) < 0)
			goto out;
		if (root->u.arr.n > 1 && policy_set_map(p, text, &root->u.arr.items[1], err) < 0)
			goto out;
		rc = 0;
		goto out;
	}
	if (root->type != JSON_OBJECT) {
		type_error(err, text, root, "struct ComparisonPolicy");
		goto out;
	}
	for (i = 0; i < root->u.obj.n; i++) {
		const struct json_member *m = &root->u.obj.members[i];
		int r;

		for (j = 0; j < i; j++)
			if (strcmp(root->u.obj.members[j].key, m->key) == 0)
				break;
		if (j < i) {
			buf_printf(err, "duplicate field `%s`", m->key);
			where(err, text, m->rawkey);
			goto out;
		}
		if (strcmp(m->key, "default_percent") == 0) {
			r = policy_set_default(p, text, &m->value, err);
		} else if (strcmp(m->key, "per_metric_percent") == 0) {
			r = policy_set_map(p, text, &m->value, err);
		} else {
			buf_printf(err, "unknown field `%s`, expected `default_percent` or `per_metric_percent`",
			           m->key);
			where(err, text, m->rawkey);
			r = -1;
		}
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	json_doc_free(&doc);
	if (rc < 0)
		policy_free(p);
	return rc;
}

int
policy_validate(const struct policy *p, struct buf *err)
{
	size_t i;

	if (p->has_default && p->default_percent < 0) {
		buf_puts(err, "ComparisonPolicy: default_percent must be non-negative; got ");
		format_plain(err, p->default_percent);
		buf_puts(err, ". Thresholds are absolute-value comparisons \u2014 a negative value "
		              "would invert the dual-gate logic and silently classify every delta "
		              "as significant.");
		return -1;
	}
	for (i = 0; i < p->nper; i++) {
		if (metric_def(p->per[i].name) == NULL) {
			size_t k;

			buf_printf(err,
			           "ComparisonPolicy: per_metric_percent contains unknown metric `%s`. "
			           "A typo in the key would silently fall through to default_percent. "
			           "Registered metrics: ",
			           p->per[i].name);
			for (k = 0; k < NMETRICS; k++)
				buf_printf(err, "%s%s", k ? ", " : "", metrics[k].name);
			return -1;
		}
		if (p->per[i].percent < 0) {
			buf_printf(err, "ComparisonPolicy: per_metric_percent[\"%s\"] must be non-negative; got ",
			           p->per[i].name);
			format_plain(err, p->per[i].percent);
			return -1;
		}
	}
	return 0;
}

double
policy_threshold(const struct policy *p, const struct metric *m)
{
	size_t lo = 0, hi = p->nper;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->per[mid].name, m->name);

		if (c == 0)
			return p->per[mid].percent / 100;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p->has_default)
		return p->default_percent / 100;
	return m->default_rel;
}

void
policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->nper; i++)
		free(p->per[i].name);
	free(p->per);
	memset(p, 0, sizeof *p);
}

int
parse_rust_float(const char *s, double *out)
{
	const char *p = s;
	size_t digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (strcasecmp(p, "nan") == 0) {
		*out = NAN;
		return 0;
	}
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0')
		return -1;
	/* An overflowing literal is infinity, as Rust reads it. */
	json_strtod(s, strlen(s), out);
	return 0;
}

/* ---- the decision (§5.10) ---- */

enum verdict
verdict_decide(const struct metric *m, double a, double b, double t)
{
	double delta, rel;

	if (fabs(a) < DBL_EPSILON && fabs(b) < DBL_EPSILON)
		return VERDICT_IGNORED;
	delta = b - a;
	/* A zero baseline is an infinite relative change (fixed quirk §13.6). */
	rel = fabs(a) > DBL_EPSILON ? fabs(delta / a) : INFINITY;
	if (fabs(delta) < m->default_abs || rel < t)
		return VERDICT_UNCHANGED;
	if (m->polarity == LOWER_BETTER ? delta > 0 : delta < 0)
		return VERDICT_REGRESSION;
	return VERDICT_IMPROVEMENT;
}

/* ---- pairing keys and groups (§5.8) ---- */

static void
commit_part(struct buf *b, const char *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = strlen(v);
	/* One marker at most: "+mixed" already replaced a "-dirty". */
	if (has_suffix(v, "+mixed") || has_suffix(v, "-dirty"))
		n -= 6;
	buf_add(b, v, n);
}

static void
pairing_key(struct buf *b, const struct row *r, const struct slicing *sl)
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
			const char **f = sorted_copy(r->flags, r->nflags);
			join(b, f, r->nflags, "|");
			free(f);
			break;
		}
		default:
			v = row_dim(r, sl->pair[i]);
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
	join(b, r->flags, r->nflags, ",");
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
side_select(struct side *s, const struct row *rows, size_t n, const struct filter *f)
{
	size_t i;

	memset(s, 0, sizeof *s);
	s->rows = ereallocarray(NULL, n ? n : 1, sizeof *s->rows);
	for (i = 0; i < n; i++)
		if (filter_match(f, &rows[i]))
			s->rows[s->nrows++] = &rows[i];
}

static int
clean(const struct row *r)
{
	return r->passed && !r->skipped;
}

/* §5.8 commit aggregation: base+mixed when dirty and clean values meet. */
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
		if (has_suffix(v, "-dirty"))
			dirty = 1;
		else
			plain = 1;
	}
	v = kernel ? g->members[0]->kernel_commit : g->members[0]->commit;
	if (!(dirty && plain))
		return v;
	*own = has_suffix(first, "-dirty") ? easprintf("%.*s+mixed", (int)(strlen(first) - 6), first)
	                                   : easprintf("%s+mixed", first);
	return *own;
}

static void
aggregate(struct group *g)
{
	struct row *a = &g->agg;
	const struct row *first = g->members[0];
	double sum[NMETRICS] = {0}, d;
	size_t *count = NULL, i, k;
	int any_failed = 0, any_skipped = 0;

	memset(a, 0, sizeof *a);
	a->scenario = first->scenario;
	a->topology = first->topology;
	a->work_type = first->work_type;
	a->scheduler = first->scheduler;
	a->kernel_version = first->kernel_version;
	a->run_source = first->run_source;
	a->flags = ereallocarray(NULL, first->nflags ? first->nflags : 1, sizeof *a->flags);
	if (first->nflags)
		memcpy(a->flags, first->flags, first->nflags * sizeof *a->flags);
	a->nflags = first->nflags;
	a->commit = mixed_commit(g, 0, &a->own[0]);
	a->kernel_commit = mixed_commit(g, 1, &a->own[1]);

	for (i = 0; i < g->nmembers; i++) {
		const struct row *r = g->members[i];

		if (r->skipped) {
			any_skipped = 1;
			continue;
		}
		if (!r->passed) {
			any_failed = 1;
			continue;
		}
		for (k = 0; k < NMETRICS; k++)
			sum[k] += r->f[k];
		for (k = 0; k < r->next; k++) {
			struct ext_metric *e = ext_find(a->ext, a->next, r->ext[k].name);
			if (e == NULL) {
				a->ext = ereallocarray(a->ext, a->next + 1, sizeof *a->ext);
				count = ereallocarray(count, a->next + 1, sizeof *count);
				e = &a->ext[a->next];
				e->name = r->ext[k].name;
				e->value = 0;
				count[a->next++] = 0;
			}
			e->value += r->ext[k].value;
			count[e - a->ext]++;
		}
	}
	a->passed = !any_failed && !any_skipped && g->passes > 0;
	a->skipped = any_skipped;
	d = g->passes > 0 ? (double)g->passes : 1.0;
	for (k = 0; k < NMETRICS; k++) {
		double v = sum[k] / d;
		if (metrics[k].integer)
			v = round(v);
		if (k == M_DSQ_DEPTH)
			v = v < 0 ? 0 : v > 4294967295.0 ? 4294967295.0 : v;
		a->f[k] = v;
	}
	for (k = 0; k < a->next; k++)
		a->ext[k].value /= (double)count[k];
	free(count);
}

void
side_group(struct side *s, const struct slicing *sl, int average)
{
	struct buf key = BUF_INIT;
	struct keymap m;
	size_t i;

	s->g = ecalloc(s->nrows ? s->nrows : 1, sizeof *s->g);
	keymap_init(&m, s->nrows);
	for (i = 0; i < s->nrows; i++) {
		struct group *g;
		size_t *slot;

		buf_reset(&key);
		pairing_key(&key, s->rows[i], sl);
		slot = average ? keymap_find(&m, s->g, key.s, key.len) : NULL;
		if (slot && *slot) {
			g = &s->g[*slot - 1];
		} else {
			g = &s->g[s->n++];
			g->key = emalloc(key.len);
			memcpy(g->key, key.s, key.len);
			g->keylen = key.len;
			if (slot)
				*slot = s->n;
		}
		g->members = ereallocarray(g->members, g->nmembers + 1, sizeof *g->members);
		g->members[g->nmembers++] = s->rows[i];
		g->passes += clean(s->rows[i]);
	}
	for (i = 0; i < s->n; i++) {
		struct group *g = &s->g[i];
		struct buf id = BUF_INIT;

		if (average) {
			aggregate(g);
			g->row = &g->agg;
		} else {
			g->row = g->members[0];
		}
		identity(&id, g->row);
		g->ident = buf_detach(&id);
	}
	free(m.slot);
	buf_free(&key);
}

void
side_free(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		row_free(&s->g[i].agg);
		free(s->g[i].members);
		free(s->g[i].key);
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
key_quote(struct buf *b, const char *key, size_t keylen)
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
side_check_unique(const struct side *s, char letter, struct buf *err)
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
			key_quote(err, v[i]->key, v[i]->keylen);
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

/* ---- comparison (§5.9) ---- */

static int
substr_match(const char *substr, const struct group *g)
{
	return strstr(g->ident, substr) != NULL;
}

void
compare_sides(const struct side *a, const struct side *b, const char *substr,
              const struct policy *p, struct result *res)
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
		/* A pair is kept if either side matches (fixed quirk §13.5). */
		if (substr && !substr_match(substr, gb) && !(ga && substr_match(substr, ga)))
			continue;
		if (ga == NULL) {
			res->new_in_b++;
			continue;
		}
		if (!ga->row->passed || ga->row->skipped || !gb->row->passed || gb->row->skipped) {
			res->skipped_failed++;
			continue;
		}
		for (k = 0; k < NMETRICS; k++) {
			const struct metric *m = &metrics[k];
			double va = 0, vb = 0, t = policy_threshold(p, m);
			enum verdict v;
			struct finding *f;

			metric_read(m, ga->row, &va);
			metric_read(m, gb->row, &vb);
			v = verdict_decide(m, va, vb, t);
			if (v == VERDICT_IGNORED)
				continue;
			/* Grow by doubling: a pool of 10k pairs must not be quadratic. */
			if ((res->nall & (res->nall - 1)) == 0)
				res->all = ereallocarray(res->all, res->nall ? res->nall * 2 : 1, sizeof *res->all);
			f = &res->all[res->nall++];
			*f = (struct finding){ga, gb, (enum metric_id)k, va, vb, vb - va, v, t,
			                      {0, NAN, NAN}, {0, NAN, NAN}, NAN};
			if (v == VERDICT_UNCHANGED) {
				res->unchanged++;
				continue;
			}
			if (v == VERDICT_REGRESSION)
				res->regressions++;
			else
				res->improvements++;
			res->f = ereallocarray(res->f, res->nf + 1, sizeof *res->f);
			res->f[res->nf++] = *f;
		}
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
result_free(struct result *res)
{
	free(res->f);
	free(res->all);
	memset(res, 0, sizeof *res);
}

/* ---- diagnostics (§5.6, §5.7) ---- */

static int
pool_has(const struct row *rows, size_t n, int kernel, const char *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *c = kernel ? rows[i].kernel_commit : rows[i].commit;
		if (c && strcmp(c, v) == 0)
			return 1;
	}
	return 0;
}

static void
dirty_hints(struct buf *msg, const struct strlist *l, const struct row *rows, size_t n,
            int kernel)
{
	const char *opt = kernel ? "--kernel-commit" : "--project-commit";
	size_t i;

	for (i = 0; i < l->n; i++) {
		char *dirty = easprintf("%s-dirty", l->v[i]);

		if (pool_has(rows, n, kernel, dirty))
			buf_printf(msg,
			           "\nhint: no rows match `%s %s` but `%s` exists in the pool \u2014 "
			           "did you mean `%s %s`?",
			           opt, l->v[i], dirty, opt, dirty);
		free(dirty);
	}
}

/* Distinct non-None values of a string column, sorted. */
static const char **
distinct(const struct row *rows, size_t n, enum dim d, size_t *count)
{
	const char **v = ereallocarray(NULL, n ? n : 1, sizeof *v);
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (row_dim(&rows[i], d))
			v[k++] = row_dim(&rows[i], d);
	qsort(v, k, sizeof *v, cmp_str);
	*count = 0;
	for (i = 0; i < k; i++)
		if (*count == 0 || strcmp(v[*count - 1], v[i]) != 0)
			v[(*count)++] = v[i];
	return v;
}

void
zero_match_message(struct buf *msg, char letter, const struct filter *f,
                   const struct row *rows, size_t n, const char *source)
{
	const struct strlist *rs = f->dim[DIM_RUN_SOURCE];
	size_t i, k;

	buf_printf(msg,
	           "%c side filter matched 0 sidecars in pool (%zu pooled from %s). Check the "
	           "per-side filters or confirm the runs exist with `ktstr-rundir --list`.",
	           letter, n, source);
	dirty_hints(msg, f->dim[DIM_PROJECT_COMMIT], rows, n, 0);
	dirty_hints(msg, f->dim[DIM_KERNEL_COMMIT], rows, n, 1);
	if (rs->n) {
		size_t npresent, nmissing = 0;
		const char **present = distinct(rows, n, DIM_RUN_SOURCE, &npresent);
		struct buf missing = BUF_INIT;

		for (i = 0; i < rs->n; i++) {
			for (k = 0; k < npresent; k++)
				if (strcmp(present[k], rs->v[i]) == 0)
					break;
			if (k == npresent)
				buf_printf(&missing, "%s`%s`", nmissing++ ? ", " : "", rs->v[i]);
		}
		if (nmissing) {
			buf_printf(msg, "\nhint: --run-source %s not found in pool; distinct values present: ",
			           missing.s);
			if (npresent == 0)
				buf_puts(msg, "(none \u2014 every row has `run_source: null`)");
			for (k = 0; k < npresent; k++)
				buf_printf(msg, "%s`%s`", k ? ", " : "", present[k]);
			buf_puts(msg, ". Values are case-sensitive (`ci` \u2260 `CI`).");
		}
		buf_free(&missing);
		free(present);
	}
	if (f->dim[DIM_PROJECT_COMMIT]->n || f->dim[DIM_KERNEL_COMMIT]->n)
		buf_puts(msg, "\nhint: run `ktstr-compare --list-values` to see every distinct commit "
		              "value present in the pool \u2014 the specific value the filter expected "
		              "may not have a sidecar yet, or may differ from what was recorded by "
		              "`ktstr-rundir --commit` / `ktstr-rundir --kernel-commit`.");
}

static void
dirty_values(const struct side *a, const struct side *b, int kernel, const char ***v, size_t *n)
{
	const struct side *s[2] = {a, b};
	size_t i, j, k = 0;

	*v = ereallocarray(NULL, a->nrows + b->nrows + 1, sizeof **v);
	for (i = 0; i < 2; i++)
		for (j = 0; j < s[i]->nrows; j++) {
			const char *c = kernel ? s[i]->rows[j]->kernel_commit : s[i]->rows[j]->commit;
			if (c && has_suffix(c, "-dirty"))
				(*v)[k++] = c;
		}
	qsort(*v, k, sizeof **v, cmp_str);
	*n = 0;
	for (i = 0; i < k; i++)
		if (*n == 0 || strcmp((*v)[*n - 1], (*v)[i]) != 0)
			(*v)[(*n)++] = (*v)[i];
}

void
dirty_warning(struct buf *msg, const struct side *a, const struct side *b)
{
	const char **kv, **pv;
	size_t nk, np, i;

	dirty_values(a, b, 1, &kv, &nk);
	dirty_values(a, b, 0, &pv, &np);
	if (nk + np > 0) {
		buf_puts(msg, "warning: comparison includes dirty builds:");
		for (i = 0; i < nk; i++)
			buf_printf(msg, "\n  - kernel source: %s (working tree may have changed since this run)",
			           kv[i]);
		for (i = 0; i < np; i++)
			buf_printf(msg, "\n  - project: %s (working tree may have changed since this run)",
			           pv[i]);
		buf_puts(msg, "\n  Dirty runs overwrite previous results with the same HEAD."
		              "\n  Commit changes for reproducible-ish comparisons.");
	}
	free(kv);
	free(pv);
}

/* ---- the report (§5.11) ---- */

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
	if ((c = strcmp(x->work_type, y->work_type)) != 0)
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
		buf_printf(out, "  %s/%s/%s:", t[i].row->scenario, t[i].row->topology,
		           t[i].row->work_type);
		for (k = 0; k < 2; k++) {
			buf_printf(out, " %s=", r->label[k]);
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
group_path(struct buf *b, const struct group *g)
{
	size_t k;

	for (k = 0; k < g->keylen; k++)
		buf_putc(b, g->key[k] ? g->key[k] : '/');
	/* The last element's terminator is no separator. */
	if (g->keylen)
		b->s[--b->len] = '\0';
}

static const char *const verdict_cell[] = {
	[VERDICT_REGRESSION] = "REGRESSION",
	[VERDICT_IMPROVEMENT] = "improvement",
	[VERDICT_NOT_SIGNIFICANT] = "not significant",
};

/* --spread's two cells for one side: "±12.9%" and the number of runs. */
static void
spread_cells(struct buf *cv, char *n, size_t size, const struct sample *s)
{
	buf_reset(cv);
	format_cv(cv, s);
	snprintf(n, size, "%zu", s->n);
}

void
report_render(struct buf *out, const struct report *r)
{
	const struct slicing *sl = r->slicing;
	const struct result *res = r->res;
	const char *header[11];
	struct table t;
	struct buf test = BUF_INIT, cv[2] = {BUF_INIT, BUF_INIT}, pv = BUF_INIT;
	size_t i, nc = 0;

	buf_puts(out, "slicing dimensions: ");
	for (i = 0; i < sl->nslice; i++)
		buf_printf(out, "%s%s", i ? ", " : "", dim_name[sl->slice[i]]);
	buf_puts(out, "\npairing on: scenario");
	for (i = 0; i < sl->npair; i++)
		buf_printf(out, ", %s", dim_name[sl->pair[i]]);
	buf_putc(out, '\n');
	if (r->average)
		buf_printf(out, "averaged across %zu runs (%s) and %zu runs (%s)\n", r->side[0]->nrows,
		           r->label[0], r->side[1]->nrows, r->label[1]);

	/* The extra columns of ktstr-compare(1) only when asked for. */
	header[nc++] = "TEST";
	header[nc++] = "METRIC";
	for (i = 0; i < 2; i++) {
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
	table_init(&t, nc, header);
	for (i = 0; i < res->nf; i++) {
		const struct finding *f = &res->f[i];
		const struct metric *m = &metrics[f->metric];
		char v[2][64], n[2][24], *delta;
		const char *cells[11];
		size_t row, k, c = 0;

		buf_reset(&test);
		group_path(&test, f->b);
		snprintf(v[0], sizeof v[0], "%.2f", f->va);
		snprintf(v[1], sizeof v[1], "%.2f", f->vb);
		delta = easprintf("%+.2f%s", f->delta, m->unit);
		cells[c++] = test.s;
		cells[c++] = m->name;
		for (k = 0; k < 2; k++) {
			cells[c++] = v[k];
			if (r->spread) {
				spread_cells(&cv[k], n[k], sizeof n[k], k ? &f->sb : &f->sa);
				cells[c++] = cv[k].s;
				cells[c++] = n[k];
			}
		}
		cells[c++] = delta;
		if (r->pvalues) {
			buf_reset(&pv);
			format_p(&pv, f->p);
			cells[c++] = pv.s;
		}
		cells[c++] = verdict_cell[f->verdict];
		row = table_add(&t, cells);
		if (f->verdict != VERDICT_NOT_SIGNIFICANT)
			table_set_colour(&t, row, c - 1,
			                 f->verdict == VERDICT_REGRESSION ? COLOUR_RED : COLOUR_GREEN);
		free(delta);
	}
	table_render(&t, r->colour, out);
	table_free(&t);
	buf_free(&test);
	buf_free(&cv[0]);
	buf_free(&cv[1]);
	buf_free(&pv);
	buf_printf(out, "\n\nsummary: %zu regressions, %zu improvements, %zu unchanged",
	           res->regressions, res->improvements, res->unchanged);
	if (r->pvalues)
		buf_printf(out, ", %zu not significant", res->not_significant);
	buf_putc(out, '\n');
	if (res->skipped_failed)
		buf_printf(out,
		           "  %zu pairing-key row pair(s) skipped because one or both sides failed\n",
		           res->skipped_failed);
	if (r->average)
		pass_counts(out, r);
	if (res->new_in_b)
		buf_printf(out, "  %zu row(s) new in '%s' (no matching key in '%s')\n", res->new_in_b,
		           r->label[1], r->label[0]);
	if (res->removed_from_a)
		buf_printf(out, "  %zu row(s) removed from '%s' (no matching key in '%s')\n",
		           res->removed_from_a, r->label[0], r->label[1]);
	if (r->host_section)
		buf_puts(out, r->host_section);
}

/* ---- --list-metrics (§8) ---- */

void
list_metrics(struct buf *out, int json)
{
	static const char *const header[] = {"NAME", "POLARITY", "DEFAULT_ABS", "DEFAULT_REL", "UNIT"};
	struct table t;
	size_t i;

	if (json) {
		struct json_writer w;

		jw_init(&w, 1);
		jw_array_begin(&w);
		for (i = 0; i < NMETRICS; i++) {
			jw_object_begin(&w);
			jw_key(&w, "name");
			jw_string(&w, metrics[i].name);
			jw_key(&w, "polarity");
			jw_string(&w, metrics[i].polarity == LOWER_BETTER ? "LowerBetter" : "HigherBetter");
			jw_key(&w, "default_abs");
			jw_double(&w, metrics[i].default_abs);
			jw_key(&w, "default_rel");
			jw_double(&w, metrics[i].default_rel);
			jw_key(&w, "display_unit");
			jw_string(&w, metrics[i].unit);
			jw_object_end(&w);
		}
		jw_array_end(&w);
		/* §8: no newline after the closing bracket. */
		buf_add(out, w.s, w.len);
		jw_free(&w);
		return;
	}
	table_init(&t, 5, header);
	for (i = 0; i < NMETRICS; i++) {
		struct buf abs = BUF_INIT, rel = BUF_INIT;
		const char *cells[5];

		format_plain(&abs, metrics[i].default_abs);
		format_plain(&rel, metrics[i].default_rel);
		cells[0] = metrics[i].name;
		cells[1] = metrics[i].polarity == LOWER_BETTER ? "lower" : "higher";
		cells[2] = abs.s;
		cells[3] = rel.s;
		cells[4] = metrics[i].unit;
		table_add(&t, cells);
		buf_free(&abs);
		buf_free(&rel);
	}
	table_render(&t, 0, out);
	buf_putc(out, '\n');
	table_free(&t);
}

/* ---- --list-values (§7) ---- */

/* NULL (None) first, then byte-wise. */
static int
cmp_opt_str(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	if (x == NULL || y == NULL)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

struct valueset {
	const char *key;
	const char **v;
	size_t n;
};

static void
valueset_add(struct valueset *s, const char *v)
{
	s->v = ereallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = v;
}

static void
valueset_finish(struct valueset *s)
{
	size_t i, k = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_opt_str);
	for (i = 0; i < s->n; i++)
		if (k == 0 || cmp_opt_str(&s->v[k - 1], &s->v[i]) != 0)
			s->v[k++] = s->v[i];
	s->n = k;
}

void
list_values(struct buf *out, const struct row *rows, size_t n, int json)
{
	/* Text order; JSON sorts the keys (§7). */
	struct valueset set[8] = {
		{"kernel", NULL, 0},    {"commit", NULL, 0},   {"kernel_commit", NULL, 0},
		{"source", NULL, 0},    {"scheduler", NULL, 0}, {"topology", NULL, 0},
		{"work_type", NULL, 0}, {"flags", NULL, 0},
	};
	static const int json_order[8] = {1, 7, 0, 2, 4, 3, 5, 6};
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		valueset_add(&set[0], r->kernel_version);
		valueset_add(&set[1], r->commit);
		valueset_add(&set[2], r->kernel_commit);
		valueset_add(&set[3], r->run_source);
		valueset_add(&set[4], r->scheduler);
		valueset_add(&set[5], r->topology);
		valueset_add(&set[6], r->work_type);
		for (k = 0; k < r->nflags; k++)
			valueset_add(&set[7], r->flags[k]);
	}
	for (i = 0; i < 8; i++)
		valueset_finish(&set[i]);
	if (json) {
		struct json_writer w;

		jw_init(&w, 1);
		jw_object_begin(&w);
		for (i = 0; i < 8; i++) {
			const struct valueset *s = &set[json_order[i]];

			jw_key(&w, s->key);
			jw_array_begin(&w);
			for (k = 0; k < s->n; k++) {
				if (s->v[k])
					jw_string(&w, s->v[k]);
				else
					jw_null(&w);
			}
			jw_array_end(&w);
		}
		jw_object_end(&w);
		buf_add(out, w.s, w.len);
		buf_putc(out, '\n');
		jw_free(&w);
	} else {
		for (i = 0; i < 8; i++) {
			buf_printf(out, "%s:\n", set[i].key);
			if (set[i].n == 0)
				buf_puts(out, "  (no sidecars in pool)\n");
			for (k = 0; k < set[i].n; k++)
				buf_printf(out, "  %s\n", set[i].v[k] ? set[i].v[k] : "unknown");
			buf_putc(out, '\n');
		}
	}
	for (i = 0; i < 8; i++)
		free(set[i].v);
}
