/* compare_list: --list-metrics and --list-values (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "json/json.h"
#include "util/rustnum.h"
#include "util/table.h"
#include "util/text.h"

void
compare_list_metrics(struct buf *out, int json)
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
			jw_string(&w, compare_metrics[i].name);
			jw_key(&w, "polarity");
			jw_string(&w, compare_metrics[i].polarity == LOWER_BETTER ? "LowerBetter" : "HigherBetter");
			jw_key(&w, "default_abs");
			jw_double(&w, compare_metrics[i].default_abs);
			jw_key(&w, "default_rel");
			jw_double(&w, compare_metrics[i].default_rel);
			jw_key(&w, "display_unit");
			jw_string(&w, compare_metrics[i].unit);
			jw_object_end(&w);
		}
		jw_array_end(&w);
		/* No newline after the closing bracket, as upstream. */
		buf_add(out, w.s, w.len);
		jw_free(&w);
		return;
	}
	table_init(&t, 5, header);
	for (i = 0; i < NMETRICS; i++) {
		struct buf abs = BUF_INIT, rel = BUF_INIT;
		const char *cells[5];

		format_plain(&abs, compare_metrics[i].default_abs);
		format_plain(&rel, compare_metrics[i].default_rel);
		cells[0] = compare_metrics[i].name;
		cells[1] = compare_metrics[i].polarity == LOWER_BETTER ? "lower" : "higher";
		cells[2] = abs.s;
		cells[3] = rel.s;
		cells[4] = compare_metrics[i].unit;
		table_add(&t, cells);
		buf_free(&abs);
		buf_free(&rel);
	}
	table_render(&t, 0, out);
	buf_putc(out, '\n');
	table_free(&t);
}

/* ---- --list-values ---- */

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
compare_list_values(struct buf *out, const struct row *rows, size_t n, int json)
{
	/* Text order; JSON sorts the keys. */
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
			for (k = 0; k < set[i].n; k++) {
				buf_puts(out, "  ");
				text_puts(out, set[i].v[k] ? set[i].v[k] : "unknown");
				buf_putc(out, '\n');
			}
			buf_putc(out, '\n');
		}
	}
	for (i = 0; i < 8; i++)
		free(set[i].v);
}
