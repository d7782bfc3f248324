/*
 * compare_values: the distinct values of every dimension over the rows
 * of a pool, gathered as the rows are read (compare.h).  A dimension has
 * a few dozen values where a pool has tens of thousands of rows, so a
 * sorted array searched by halves is all a set needs.
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/* Where s is, or would go, in the sorted set. */
static size_t
find(const struct compare_valueset *set, const char *s, int *found)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->v[mid], s);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static void
add(struct compare_valueset *set, const char *s)
{
	size_t at;
	int found;

	if (s == NULL) {
		set->none = 1;
		return;
	}
	at = find(set, s, &found);
	if (found)
		return;
	if (set->n == set->cap) {
		set->cap = set->cap ? 2 * set->cap : 8;
		set->v = ereallocarray(set->v, set->cap, sizeof *set->v);
	}
	memmove(set->v + at + 1, set->v + at, (set->n - at) * sizeof *set->v);
	set->v[at] = estrdup(s);
	set->n++;
}

void
compare_values_add(struct compare_values *v, const struct row *r)
{
	for (size_t d = 0; d < NDIMS; d++)
		if (d != DIM_FLAGS)
			add(&v->dim[d], compare_row_dim(r, (enum dim)d));
	for (size_t k = 0; k < r->nflags; k++)
		add(&v->dim[DIM_FLAGS], r->flags[k]);
	v->carries |= r->carries;
	if (r->gen > v->newest)
		v->newest = r->gen;
	v->n++;
}

int
compare_values_has(const struct compare_values *v, enum dim d, const char *s)
{
	int found;

	find(&v->dim[d], s, &found);
	return found;
}

void
compare_values_spell(struct compare_values *v)
{
	struct compare_valueset *set = &v->dim[DIM_WORK_TYPE];
	const char *old;
	size_t i, at;
	int found;

	if (v->newest == SIDECAR_G0)
		return;
	for (i = 0; (old = sidecar_work_type_renamed(i)) != NULL; i++) {
		at = find(set, old, &found);
		if (!found)
			continue;
		free(set->v[at]);
		memmove(set->v + at, set->v + at + 1, (set->n - at - 1) * sizeof *set->v);
		set->n--;
		add(set, sidecar_work_type_name(old));
	}
}

void
compare_values_free(struct compare_values *v)
{
	for (size_t d = 0; d < NDIMS; d++) {
		for (size_t k = 0; k < v->dim[d].n; k++)
			free(v->dim[d].v[k]);
		free(v->dim[d].v);
	}
	memset(v, 0, sizeof *v);
}
