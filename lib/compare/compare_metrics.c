/* compare_metrics: the row of a sidecar of any generation, and reading a metric from it. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_metrics.h"
#include "sidecar/sidecar_schema.h"
#include "sidecar/sidecar_view.h"

/*
 * Where each typed field comes from, by member index in the schema:
 * ScenarioStats unless the monitor or its event deltas.  The roll-ups
 * the newest generation keeps in ext_metrics are present only when the
 * file has them.
 */
enum source { FROM_STATS, FROM_MONITOR, FROM_EVENTS };

static const struct {
	unsigned char source;
	unsigned char member;
} field_source[NMETRICS] = {
	[M_SPREAD] = {FROM_STATS, SC_IDX_STATS_worst_spread},
	[M_GAP_MS] = {FROM_STATS, SC_IDX_STATS_worst_gap_ms},
	[M_MIGRATIONS] = {FROM_STATS, SC_IDX_STATS_total_migrations},
	[M_MIGRATION_RATIO] = {FROM_STATS, SC_IDX_STATS_worst_migration_ratio},
	[M_IMBALANCE] = {FROM_MONITOR, SC_IDX_MONITOR_max_imbalance_ratio},
	[M_DSQ_DEPTH] = {FROM_MONITOR, SC_IDX_MONITOR_max_local_dsq_depth},
	[M_STALLS] = {FROM_MONITOR, SC_IDX_MONITOR_stuck_count},
	[M_FALLBACK] = {FROM_EVENTS, SC_IDX_EVENTS_total_fallback},
	[M_KEEP_LAST] = {FROM_EVENTS, SC_IDX_EVENTS_total_dispatch_keep_last},
	[M_P99_WAKE] = {FROM_STATS, SC_IDX_STATS_worst_p99_wake_latency_us},
	[M_MEDIAN_WAKE] = {FROM_STATS, SC_IDX_STATS_worst_median_wake_latency_us},
	[M_WAKE_CV] = {FROM_STATS, SC_IDX_STATS_worst_wake_latency_cv},
	[M_ITERATIONS] = {FROM_STATS, SC_IDX_STATS_total_iterations},
	[M_MEAN_RUN_DELAY] = {FROM_STATS, SC_IDX_STATS_worst_mean_run_delay_us},
	[M_RUN_DELAY] = {FROM_STATS, SC_IDX_STATS_worst_run_delay_us},
	[M_TAIL_RATIO] = {FROM_STATS, SC_IDX_STATS_worst_wake_latency_tail_ratio},
	[M_ITER_PER_WORKER] = {FROM_STATS, SC_IDX_STATS_worst_iterations_per_worker},
	[M_PAGE_LOCALITY] = {FROM_STATS, SC_IDX_STATS_worst_page_locality},
	[M_CROSS_NODE] = {FROM_STATS, SC_IDX_STATS_worst_cross_node_migration_ratio},
};

/*
 * Monitor members the newest registry reads from ext_metrics, where
 * upstream's row takes them when the file's map lacks them: so a run of
 * any generation with a monitor has them.
 */
static const struct {
	const char *name;
	unsigned char schedstat; /* from monitor.schedstat_deltas, else the monitor */
	unsigned char member;
} monitor_ext[] = {
	{"avg_nr_running", 0, SC_IDX_MONITOR_avg_nr_running},
	{"psi_irq_full_avg10", 0, SC_IDX_MONITOR_psi_irq_full_avg10},
	{"total_irq_pressure_us", 0, SC_IDX_MONITOR_total_irq_pressure_us},
	{"total_run_delay", 1, SC_IDX_SCHEDSTAT_total_run_delay},
	{"total_pcount", 1, SC_IDX_SCHEDSTAT_total_pcount},
	{"total_sched_count", 1, SC_IDX_SCHEDSTAT_total_sched_count},
	{"total_yld_count", 1, SC_IDX_SCHEDSTAT_total_yld_count},
	{"total_sched_goidle", 1, SC_IDX_SCHEDSTAT_total_sched_goidle},
	{"total_ttwu_count", 1, SC_IDX_SCHEDSTAT_total_ttwu_count},
	{"total_ttwu_local", 1, SC_IDX_SCHEDSTAT_total_ttwu_local},
};

/* The typed fields; a monitor's and its event deltas' read as 0 when the file has none. */
static void
read_fields(struct row *r, const struct sidecar_view *v)
{
	for (size_t i = 0; i < NMETRICS; i++) {
		const struct sc_member *m;
		const void *obj;

		switch (field_source[i].source) {
		case FROM_STATS:
			m = &sidecar_type_stats->members[field_source[i].member];
			obj = &v->stats;
			if (!(v->stats.present >> field_source[i].member & 1))
				continue;
			break;
		case FROM_MONITOR:
			m = &sidecar_type_monitor->members[field_source[i].member];
			obj = &v->monitor;
			break;
		default:
			m = &sidecar_type_events->members[field_source[i].member];
			obj = &v->events;
			break;
		}
		r->f[i] = sidecar_member_value(m, obj);
		r->fmask |= 1u << i;
	}
}

/* An ext entry and where it came from: the later wins a repeated name. */
struct ext_entry {
	struct ext_metric e;
	size_t order;
};

static int
cmp_entry(const void *a, const void *b)
{
	const struct ext_entry *x = a, *y = b;
	int c = strcmp(x->e.name, y->e.name);

	if (c)
		return c;
	return (x->order > y->order) - (x->order < y->order);
}

size_t
compare_ext_sort(struct ext_metric *v, size_t n)
{
	struct ext_entry *t;
	size_t i, k = 0;

	if (n < 2)
		return n;
	t = ereallocarray(NULL, n, sizeof *t);
	for (i = 0; i < n; i++)
		t[i] = (struct ext_entry){v[i], i};
	qsort(t, n, sizeof *t, cmp_entry);
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(t[i].e.name, t[i + 1].e.name) == 0)
			continue;
		v[k++] = t[i].e;
	}
	free(t);
	return k;
}

/*
 * An ext_metrics entry some registry reads from a run: a row keeps no
 * other, so its size follows the registries, not the file.
 */
static int
ext_wanted(const char *name)
{
	const struct metric *m = compare_registry_find(&compare_registries[REGISTRY_NEWEST], name);

	return m != NULL && !(m->flags & METRIC_PHASE);
}

/* The finite numbers of stats.ext_metrics a registry reads, then the monitor members it lacks. */
static void
read_ext(struct row *r, const struct sidecar_view *v)
{
	const struct json_value *ext = v->ext;
	size_t n = ext ? ext->u.obj.n : 0, i, k = 0;

	r->ext = ereallocarray(NULL, n + LEN(monitor_ext), sizeof *r->ext);
	/* The monitor's first: a map entry of the same name comes later, so it wins. */
	for (i = 0; v->r.monitor && i < LEN(monitor_ext); i++) {
		const struct sc_type *t = monitor_ext[i].schedstat ? sidecar_type_schedstat : sidecar_type_monitor;
		const void *obj = monitor_ext[i].schedstat ? (const void *)&v->schedstat : (const void *)&v->monitor;
		uint64_t present = monitor_ext[i].schedstat ? v->schedstat.present : v->monitor.present;
		double d;

		if (!(present >> monitor_ext[i].member & 1))
			continue;
		d = sidecar_member_value(&t->members[monitor_ext[i].member], obj);
		if (isfinite(d))
			r->ext[k++] = (struct ext_metric){monitor_ext[i].name, d};
	}
	for (i = 0; i < n; i++) {
		const struct json_member *m = &ext->u.obj.members[i];

		if (m->value.type != JSON_NUMBER || !isfinite(m->value.u.num.d) || !ext_wanted(m->key))
			continue;
		r->ext[k++] = (struct ext_metric){m->key, m->value.u.num.d};
	}
	r->next = compare_ext_sort(r->ext, k);
	if (r->next == 0) {
		free(r->ext);
		r->ext = NULL;
	} else {
		r->ext = ereallocarray(r->ext, r->next, sizeof *r->ext);
	}
}

void
compare_budget_name(char out[11], uint32_t budget)
{
	if (budget == 0)
		memcpy(out, "none", 5);
	else
		snprintf(out, 11, "%" PRIu32, budget);
}

void
compare_row_from_json(struct row *r, const struct json_value *obj, int archive)
{
	struct sidecar_view v;
	const struct json_value *flags;
	size_t i;

	memset(r, 0, sizeof *r);
	sidecar_view_read(&v, obj);
	r->sidecar = obj;
	r->gen = v.gen;
	/* Required strings: keep every consumer free of NULL checks. */
	r->scenario = v.r.test_name ? v.r.test_name : "";
	r->topology = v.r.topology ? v.r.topology : "";
	r->work_type = v.r.work_type ? v.r.work_type : ""; /* as stored: compare_rows_spell */
	r->scheduler = v.r.scheduler ? v.r.scheduler : "";
	r->kernel_version = v.r.kernel_version;
	r->commit = v.r.project_commit;
	r->kernel_commit = v.r.kernel_commit;
	r->run_source = archive ? "archive" : v.r.run_source;

	if ((flags = v.flags) != NULL) {
		r->carries |= ROW_CARRIES_FLAGS;
		if (flags->u.arr.n > 0)
			r->flags = ereallocarray(NULL, flags->u.arr.n, sizeof *r->flags);
		for (i = 0; i < flags->u.arr.n; i++)
			if (flags->u.arr.items[i].type == JSON_STRING)
				r->flags[r->nflags++] = flags->u.arr.items[i].u.str.s;
	}
	if (SIDECAR_HAS(&v.r, RESULT, cpu_budget))
		r->carries |= ROW_CARRIES_CPU_BUDGET;
	compare_budget_name(r->budget, v.r.cpu_budget > UINT32_MAX ? UINT32_MAX : (uint32_t)v.r.cpu_budget);
	r->denom = v.r.throughput_denomination;
	r->passed = v.r.passed;
	r->skipped = v.r.skipped;
	r->inconclusive = v.r.inconclusive;
	r->expected_failure = v.r.expected_failure;
	read_fields(r, &v);
	read_ext(r, &v);
}

int
compare_row_clean(const struct row *r)
{
	return r->passed && !r->skipped && !r->inconclusive && !r->expected_failure;
}

void
compare_row_free(struct row *r)
{
	free(r->flags);
	free(r->ext);
	free(r->own[0]);
	free(r->own[1]);
	free(r->strings);
	memset(r, 0, sizeof *r);
}

/* Appends s to the block (NULL stays NULL); returns its offset + 1, 0 for NULL. */
static size_t
stash(struct buf *b, const char *s)
{
	size_t at = b->len + 1;

	if (s == NULL)
		return 0;
	buf_add(b, s, strlen(s) + 1);
	return at;
}

static const char *
unstash(const char *block, size_t at)
{
	return at ? block + at - 1 : NULL;
}

void
compare_row_detach(struct row *r)
{
	const char **str[] = {&r->scenario,       &r->topology, &r->work_type,     &r->scheduler,
	                      &r->kernel_version, &r->commit,   &r->kernel_commit, &r->run_source};
	struct buf b = BUF_INIT;
	size_t *at = ereallocarray(NULL, LEN(str) + r->nflags + r->next + 1, sizeof *at);
	size_t i, k = 0, len;

	/* Offsets first: the block moves while it grows. */
	for (i = 0; i < LEN(str); i++)
		at[k++] = stash(&b, *str[i]);
	for (i = 0; i < r->nflags; i++)
		at[k++] = stash(&b, r->flags[i]);
	for (i = 0; i < r->next; i++)
		at[k++] = stash(&b, r->ext[i].name);
	/* A pool holds many rows: no room to grow in any of them (the stashes end with a NUL). */
	len = b.len;
	r->strings = buf_detach(&b);
	if (len > 0)
		r->strings = erealloc(r->strings, len);
	k = 0;
	for (i = 0; i < LEN(str); i++)
		*str[i] = unstash(r->strings, at[k++]);
	for (i = 0; i < r->nflags; i++)
		r->flags[i] = unstash(r->strings, at[k++]);
	for (i = 0; i < r->next; i++)
		r->ext[i].name = unstash(r->strings, at[k++]);
	r->sidecar = NULL;
	free(at);
}

static int
cmp_name_ext(const void *name, const void *e)
{
	return strcmp(name, ((const struct ext_metric *)e)->name);
}

const struct ext_metric *
compare_row_ext(const struct row *r, const char *name)
{
	return r->next ? bsearch(name, r->ext, r->next, sizeof *r->ext, cmp_name_ext) : NULL;
}

static int
metric_value(const struct metric *m, const struct row *r, double *v, int gated)
{
	const struct ext_metric *e;
	int typed = m->field >= 0 && (r->fmask >> m->field & 1) &&
	            !(gated && m->field == M_TAIL_RATIO && r->f[M_ITERATIONS] < TAIL_RATIO_MIN_ITERATIONS);

	if (m->flags & METRIC_PHASE)
		return 0;
	if (typed && !(m->flags & METRIC_EXT_FIRST)) {
		*v = r->f[m->field];
		return 1;
	}
	if ((e = compare_row_ext(r, m->name)) != NULL) {
		*v = e->value;
		return 1;
	}
	if (typed)
		*v = r->f[m->field];
	return typed;
}

int
compare_metric_run(const struct metric *m, const struct row *r, double *v)
{
	return metric_value(m, r, v, 0);
}

int
compare_metric_read(const struct metric *m, const struct row *r, double *v)
{
	return metric_value(m, r, v, 1);
}

void
compare_rows_spell(struct row *rows, size_t n, enum sidecar_gen newest)
{
	if (newest == SIDECAR_G0)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i].work_type = sidecar_work_type_name(rows[i].work_type);
}
