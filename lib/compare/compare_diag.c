/* compare_diag: the zero-match message and the dirty-build warning (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/strlist.h"

static void
dirty_hints(struct buf *msg, const struct strlist *l, const struct compare_values *pool,
            enum dim d)
{
	const char *opt = compare_dim_option[d];
	size_t i;

	for (i = 0; i < l->n; i++) {
		char *dirty = easprintf("%s-dirty", l->v[i]);

		if (compare_values_has(pool, d, dirty))
			buf_printf(msg,
			           "\nhint: no rows match `--%s %s` but `%s` exists in the pool \u2014 "
			           "did you mean `--%s %s`?",
			           opt, l->v[i], dirty, opt, dirty);
		free(dirty);
	}
}

/* The values of l that no row has in dimension d, as "`a`, `b`"; their number. */
static size_t
missing_values(struct buf *out, const struct strlist *l, const struct compare_values *pool,
               enum dim d)
{
	size_t i, nmissing = 0;

	for (i = 0; i < l->n; i++)
		if (!compare_values_has(pool, d, l->v[i]))
			buf_printf(out, "%s`%s`", nmissing++ ? ", " : "", l->v[i]);
	return nmissing;
}

/* A hint naming the values of a filter of dimension d the pool does not have. */
static void
missing_hint(struct buf *msg, const struct filter *f, enum dim d,
             const struct compare_values *pool, const char *what, const char *tail)
{
	const struct compare_valueset *present = &pool->dim[d];
	struct buf missing = BUF_INIT;
	size_t k;

	if (f->dim[d]->n == 0)
		return;
	if (missing_values(&missing, f->dim[d], pool, d)) {
		buf_printf(msg, "\nhint: --%s %s not found in pool; distinct %s present: ",
		           compare_dim_option[d], missing.s, what);
		if (present->n == 0)
			buf_puts(msg, "(none \u2014 every row has `run_source: null`)");
		for (k = 0; k < present->n; k++)
			buf_printf(msg, "%s`%s`", k ? ", " : "", present->v[k]);
		buf_printf(msg, ".%s", tail);
	}
	buf_free(&missing);
}

void
compare_zero_match_message(struct buf *msg, char letter, const struct filter *f,
                           const struct compare_values *pool, const char *source)
{
	buf_printf(msg,
	           "%c side filter matched 0 sidecars in pool (%zu pooled from %s). Check the "
	           "per-side filters or confirm the runs exist with `ktstr-rundir --list`.",
	           letter, pool->n, source);
	dirty_hints(msg, f->dim[DIM_PROJECT_COMMIT], pool, DIM_PROJECT_COMMIT);
	dirty_hints(msg, f->dim[DIM_KERNEL_COMMIT], pool, DIM_KERNEL_COMMIT);
	missing_hint(msg, f, DIM_RUN_SOURCE, pool, "values",
	             " Values are case-sensitive (`ci` \u2260 `CI`).");
	/* A budget-less run's value is "none", so every pooled row has one. */
	missing_hint(msg, f, DIM_CPU_BUDGET, pool, "budgets", "");
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
			if (c && str_has_suffix(c, "-dirty"))
				(*v)[k++] = c;
		}
	qsort(*v, k, sizeof **v, strv_cmp);
	*n = 0;
	for (i = 0; i < k; i++)
		if (*n == 0 || strcmp((*v)[*n - 1], (*v)[i]) != 0)
			(*v)[(*n)++] = (*v)[i];
}

void
compare_dirty_warning(struct buf *msg, const struct side *a, const struct side *b)
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
