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

static const char *const kind_name[] = {
	[KIND_NONE] = "",
	[KIND_COUNTER] = "Counter",
	[KIND_GAUGE_AVG] = "Gauge",
	[KIND_GAUGE_LAST] = "Gauge",
	[KIND_PEAK] = "Peak",
	[KIND_PER_PHASE_DELTA_SUM] = "PerPhaseDeltaSum",
	[KIND_RATE] = "Rate",
	[KIND_DISTRIBUTION] = "Distribution",
	[KIND_WORST_LOWEST] = "WorstLowest",
	[KIND_TAIL_RATIO] = "WakeLatencyTailRatio",
	[KIND_WORST_CROSS_NODE] = "WorstCrossNodeRatio",
	[KIND_PER_PHASE] = "PerPhase",
	[KIND_PER_RUN_DISTRIBUTION] = "PerRunDistribution",
};

/* The names of a kind's two arguments, as upstream serializes them. */
static const char *const *
kind_args(enum metric_kind k)
{
	static const char *const fraction[] = {"numerator", "denominator"};
	static const char *const sample[] = {"source", "reduction"};

	return k == KIND_DISTRIBUTION ? sample : fraction;
}

/* A kind as upstream's JSON has it: "Counter", {"Gauge": "Last"}, {"Rate": {...}}. */
static void
kind_json(struct json_writer *w, const struct metric *m)
{
	if (m->kind == KIND_GAUGE_AVG || m->kind == KIND_GAUGE_LAST) {
		jw_object_begin(w);
		jw_key(w, "Gauge");
		jw_string(w, m->kind == KIND_GAUGE_AVG ? "Avg" : "Last");
		jw_object_end(w);
	} else if (m->arg[0]) {
		const char *const *arg = kind_args(m->kind);

		jw_object_begin(w);
		jw_key(w, kind_name[m->kind]);
		jw_object_begin(w);
		for (size_t i = 0; i < 2; i++) {
			jw_key(w, arg[i]);
			jw_string(w, m->arg[i]);
		}
		jw_object_end(w);
		jw_object_end(w);
	} else {
		jw_string(w, kind_name[m->kind]);
	}
}

/* A kind as ktstr-compare(1) writes it: "Gauge(Last)", "Rate(a/b)", "Distribution(s,r)". */
static void
kind_text(struct buf *b, const struct metric *m)
{
	buf_puts(b, kind_name[m->kind]);
	if (m->kind == KIND_GAUGE_AVG || m->kind == KIND_GAUGE_LAST)
		buf_puts(b, m->kind == KIND_GAUGE_AVG ? "(Avg)" : "(Last)");
	else if (m->arg[0])
		buf_printf(b, "(%s%c%s)", m->arg[0], m->kind == KIND_DISTRIBUTION ? ',' : '/', m->arg[1]);
}

static void
list_metrics_json(struct buf *out, const struct registry *reg)
{
	static const char *const polarity[] = {"LowerBetter", "HigherBetter", "Informational"};
	struct json_writer w;

	jw_init(&w, 1);
	jw_array_begin(&w);
	for (size_t i = 0; i < reg->n; i++) {
		const struct metric *m = &reg->m[i];

		jw_object_begin(&w);
		jw_key(&w, "name");
		jw_string(&w, m->name);
		jw_key(&w, "polarity");
		jw_string(&w, polarity[m->polarity]);
		if (m->kind != KIND_NONE) {
			jw_key(&w, "kind");
			kind_json(&w, m);
		}
		jw_key(&w, "default_abs");
		jw_double(&w, m->default_abs);
		jw_key(&w, "default_rel");
		jw_double(&w, m->default_rel);
		jw_key(&w, "display_unit");
		jw_string(&w, m->unit);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	/* No newline after the closing bracket, as upstream. */
	buf_add(out, w.s, w.len);
	jw_free(&w);
}

/*
 * The table: 0.4.9's and 0.5.2's columns; the newest registry's adds
 * KIND, since its kinds decide how runs average.
 */
void
compare_list_metrics(struct buf *out, const struct registry *reg, int json)
{
	static const char *const header[] = {"NAME", "POLARITY", "KIND", "DEFAULT_ABS", "DEFAULT_REL", "UNIT"};
	static const char *const header_old[] = {"NAME", "POLARITY", "DEFAULT_ABS", "DEFAULT_REL", "UNIT"};
	static const char *const polarity[] = {"lower", "higher", "informational"};
	int kinds = reg->id == REGISTRY_NEWEST;
	struct buf abs = BUF_INIT, rel = BUF_INIT, kind = BUF_INIT;
	struct table t;

	if (json) {
		list_metrics_json(out, reg);
		return;
	}
	table_init(&t, kinds ? LEN(header) : LEN(header_old), kinds ? header : header_old);
	for (size_t i = 0; i < reg->n; i++) {
		const struct metric *m = &reg->m[i];
		const char *cells[LEN(header)];
		size_t c = 0;

		buf_reset(&abs);
		buf_reset(&rel);
		buf_reset(&kind);
		format_plain(&abs, m->default_abs);
		format_plain(&rel, m->default_rel);
		kind_text(&kind, m);
		cells[c++] = m->name;
		cells[c++] = polarity[m->polarity];
		if (kinds)
			cells[c++] = kind.s;
		cells[c++] = abs.s;
		cells[c++] = rel.s;
		cells[c++] = m->unit;
		table_add(&t, cells);
	}
	table_render(&t, 0, out);
	buf_putc(out, '\n');
	table_free(&t);
	buf_free(&abs);
	buf_free(&rel);
	buf_free(&kind);
}

/* ---- --list-values ---- */

/* The dimensions in --list-values' order, with their keys. */
static const struct {
	enum dim dim;
	const char *key;
} listed[] = {
	{DIM_KERNEL, "kernel"},
	{DIM_PROJECT_COMMIT, "commit"},
	{DIM_KERNEL_COMMIT, "kernel_commit"},
	{DIM_RUN_SOURCE, "source"},
	{DIM_CPU_BUDGET, "cpu_budget"},
	{DIM_SCHEDULER, "scheduler"},
	{DIM_TOPOLOGY, "topology"},
	{DIM_WORK_TYPE, "work_type"},
	{DIM_FLAGS, "flags"},
};

enum { VS_KERNEL, VS_COMMIT, VS_KERNEL_COMMIT, VS_SOURCE, VS_CPU_BUDGET, VS_SCHEDULER, VS_TOPOLOGY,
       VS_WORK_TYPE, VS_FLAGS, NVS };

/* A dimension's values as listed: None (NULL) first, then byte-wise. */
struct valueset {
	const char *key;
	const char **v;
	size_t n;
};

static void
valueset_of(struct valueset *s, const char *key, const struct compare_valueset *set)
{
	size_t k = 0;

	s->key = key;
	s->v = ereallocarray(NULL, set->n + 1, sizeof *s->v);
	if (set->none)
		s->v[k++] = NULL;
	for (size_t i = 0; i < set->n; i++)
		s->v[k++] = set->v[i];
	s->n = k;
}

void
compare_list_values(struct buf *out, const struct compare_values *pool, int json)
{
	/* Text order; JSON sorts the keys. */
	struct valueset set[NVS];
	static const int json_order[NVS] = {VS_COMMIT, VS_CPU_BUDGET, VS_FLAGS, VS_KERNEL,
	                                    VS_KERNEL_COMMIT, VS_SCHEDULER, VS_SOURCE, VS_TOPOLOGY,
	                                    VS_WORK_TYPE};
	unsigned carries = pool->carries;
	int shown[NVS];
	size_t i, k;

	_Static_assert(sizeof listed / sizeof listed[0] == NVS, "a key for every listed dimension");
	for (i = 0; i < NVS; i++) {
		valueset_of(&set[i], listed[i].key, &pool->dim[listed[i].dim]);
		shown[i] = compare_dim_carried(listed[i].dim, carries);
	}
	if (json) {
		struct json_writer w;

		jw_init(&w, 1);
		jw_object_begin(&w);
		for (i = 0; i < NVS; i++) {
			const struct valueset *s = &set[json_order[i]];

			if (!shown[json_order[i]])
				continue;
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
		for (i = 0; i < NVS; i++) {
			if (!shown[i])
				continue;
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
	for (i = 0; i < NVS; i++)
		free(set[i].v);
}
