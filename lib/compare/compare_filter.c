/* compare_filter: side filters, the dimensions A and B slice on, side labels (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_commits.h"
#include "util/strlist.h"

const char *const compare_dim_name[NDIMS] = {
	"kernel", "scheduler", "topology", "work-type",
	"project-commit", "kernel-commit", "run-source", "cpu-budget", "flags",
};

const char *const compare_dim_option[NDIMS] = {
	"kernel", "scheduler", "topology", "work-type",
	"project-commit", "kernel-commit", "run-source", "cpu-budget", "flag",
};

const char *
compare_budget_value(const char *value, char out[11])
{
	uint64_t n = 0;

	if (strcmp(value, "none") != 0 && parse_u64(value, UINT32_MAX, &n) < 0)
		return NULL;
	compare_budget_name(out, (uint32_t)n);
	return out;
}

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
compare_kernel_match(const char *want, const char *version)
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

const char *
compare_row_dim(const struct row *r, enum dim d)
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
	case DIM_CPU_BUDGET:
		return r->budget;
	case DIM_FLAGS:
	case NDIMS:
		break;
	}
	return NULL;
}

/*
 * What a filter points at for a dimension whose values stood for
 * nothing: told apart from an empty list (no constraint) by its address.
 */
static const struct strlist no_value = {NULL, 0};

int
compare_filter_match(const struct filter *f, const struct row *r)
{
	size_t d, i, j;

	for (d = 0; d < NDIMS; d++) {
		const struct strlist *l = f->dim[d];

		if (l == &no_value)
			return 0;
		if (l->n == 0)
			continue;
		if (d == DIM_KERNEL) {
			for (i = 0; i < l->n; i++)
				if (compare_kernel_match(l->v[i], r->kernel_version))
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
		} else if (d == DIM_WORK_TYPE) {
			const char *wt = sidecar_work_type_name(r->work_type);

			for (i = 0; i < l->n; i++)
				if (strcmp(sidecar_work_type_name(l->v[i]), wt) == 0)
					break;
			if (i == l->n)
				return 0;
		} else if (!any_equal(l, compare_row_dim(r, (enum dim)d))) {
			return 0;
		}
	}
	return 1;
}

void
compare_commit_expand(const char *option, const char *value, int kernel, struct strlist *out)
{
	char **v = NULL;
	size_t n = 0, i;

	compare_commits_expand(option, kernel, value, &v, &n);
	for (i = 0; i < n; i++)
		strlist_add(out, v[i]);
	compare_commits_free(v, n);
}

void
compare_commits_expand_lists(struct strlist lists[3][NDIMS], unsigned empty[3])
{
	static const char *const prefix[3] = {"", "a-", "b-"};
	static const enum dim dims[2] = {DIM_PROJECT_COMMIT, DIM_KERNEL_COMMIT};

	for (size_t s = 0; s < 3; s++) {
		empty[s] = 0;
		for (size_t d = 0; d < LEN(dims); d++) {
			struct strlist *l = &lists[s][dims[d]], out = {NULL, 0};
			char *option = easprintf("%s%s", prefix[s], compare_dim_option[dims[d]]);

			for (size_t i = 0; i < l->n; i++)
				compare_commit_expand(option, l->v[i], dims[d] == DIM_KERNEL_COMMIT, &out);
			if (l->n > 0 && out.n == 0)
				empty[s] |= 1u << dims[d];
			strlist_free(l);
			*l = out;
			free(option);
		}
	}
}

/* The list side s (1: A, 2: B) filters dimension d on. */
static const struct strlist *
chosen(const struct strlist shared[NDIMS], const struct strlist mine[NDIMS], size_t s, size_t d,
       const unsigned empty[3])
{
	unsigned bit = 1u << d;

	if (empty && (empty[s] & bit))
		return &no_value;
	if (mine[d].n)
		return &mine[d];
	return empty && (empty[0] & bit) ? &no_value : &shared[d];
}

void
compare_filters_build(const struct strlist shared[NDIMS], const struct strlist a[NDIMS],
                      const struct strlist b[NDIMS], const unsigned empty[3],
                      struct filter side[2])
{
	for (size_t d = 0; d < NDIMS; d++) {
		side[0].dim[d] = chosen(shared, a, 1, d, empty);
		side[1].dim[d] = chosen(shared, b, 2, d, empty);
	}
}

/* ---- slicing, labels ---- */

/* Equal as sets: sorted, duplicates removed. */
static int
same_set(const struct strlist *x, const struct strlist *y)
{
	const char **sx = strv_sorted_copy((const char *const *)x->v, x->n);
	const char **sy = strv_sorted_copy((const char *const *)y->v, y->n);
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
compare_slicing_find(const struct filter side[2], struct slicing *s)
{
	size_t d;

	s->nslice = s->npair = 0;
	for (d = 0; d < NDIMS; d++) {
		const struct strlist *a = side[0].dim[d], *b = side[1].dim[d];

		/* What matches nothing equals only itself. */
		if ((a == &no_value) == (b == &no_value) && same_set(a, b))
			s->pair[s->npair++] = (enum dim)d;
		else
			s->slice[s->nslice++] = (enum dim)d;
	}
}

int
compare_dim_carried(enum dim d, unsigned carries)
{
	if (d == DIM_CPU_BUDGET)
		return (carries & ROW_CARRIES_CPU_BUDGET) != 0;
	if (d == DIM_FLAGS)
		return (carries & ROW_CARRIES_FLAGS) != 0;
	return 1;
}

void
compare_slicing_prune(struct slicing *s, unsigned carries)
{
	size_t i, k = 0;

	for (i = 0; i < s->npair; i++)
		if (compare_dim_carried(s->pair[i], carries))
			s->pair[k++] = s->pair[i];
	s->npair = k;
}

char *
compare_side_label(const struct filter *f, const struct slicing *s, char letter)
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
			const char **v = strv_sorted_copy((const char *const *)l->v, l->n);
			strv_join(&b, v, l->n, "|");
			free(v);
		}
	}
	return buf_detach(&b);
}
