#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_metrics.h"
#include "sidecar/sidecar_schema.h"
#include "sidecar/sidecar_view.h"

/* Order is observable (list-metrics, findings within a test): §3. */
const struct metric compare_metrics[NMETRICS] = {
	[M_SPREAD] = {"worst_spread", LOWER_BETTER, 5.0, 0.25, "%", "spread", 0},
	[M_GAP_MS] = {"worst_gap_ms", LOWER_BETTER, 500.0, 0.50, "ms", "gap_ms", 1},
	[M_MIGRATIONS] = {"total_migrations", LOWER_BETTER, 10.0, 0.30, "", "migrations", 1},
	[M_MIGRATION_RATIO] = {"worst_migration_ratio", LOWER_BETTER, 0.05, 0.20, "",
	                       "migration_ratio", 0},
	[M_IMBALANCE] = {"max_imbalance_ratio", LOWER_BETTER, 1.0, 0.25, "x", "imbalance", 0},
	[M_DSQ_DEPTH] = {"max_dsq_depth", LOWER_BETTER, 10.0, 0.50, "", "dsq_depth", 1},
	[M_STALLS] = {"stall_count", LOWER_BETTER, 1.0, 0.50, "", "stalls", 1},
	[M_FALLBACK] = {"total_fallback", LOWER_BETTER, 5.0, 0.30, "", "fallback", 1},
	[M_KEEP_LAST] = {"total_keep_last", LOWER_BETTER, 5.0, 0.30, "", "keep_last", 1},
	[M_P99_WAKE] = {"worst_p99_wake_latency_us", LOWER_BETTER, 50.0, 0.25, "\u00b5s",
	                "worst_p99_wake_latency_us", 0},
	[M_MEDIAN_WAKE] = {"worst_median_wake_latency_us", LOWER_BETTER, 20.0, 0.25, "\u00b5s",
	                   "worst_median_wake_latency_us", 0},
	[M_WAKE_CV] = {"worst_wake_latency_cv", LOWER_BETTER, 0.10, 0.25, "",
	               "worst_wake_latency_cv", 0},
	[M_ITERATIONS] = {"total_iterations", HIGHER_BETTER, 100.0, 0.10, "", "total_iterations",
	                  1},
	[M_MEAN_RUN_DELAY] = {"worst_mean_run_delay_us", LOWER_BETTER, 50.0, 0.25, "\u00b5s",
	                      "worst_mean_run_delay_us", 0},
	[M_RUN_DELAY] = {"worst_run_delay_us", LOWER_BETTER, 100.0, 0.50, "\u00b5s",
	                 "worst_run_delay_us", 0},
	[M_TAIL_RATIO] = {"worst_wake_latency_tail_ratio", LOWER_BETTER, 0.5, 0.25, "x",
	                  "worst_wake_latency_tail_ratio", 0},
	[M_ITER_PER_WORKER] = {"worst_iterations_per_worker", HIGHER_BETTER, 10.0, 0.10, "",
	                       "worst_iterations_per_worker", 0},
	[M_PAGE_LOCALITY] = {"worst_page_locality", HIGHER_BETTER, 0.05, 0.10, "",
	                     "page_locality", 0},
	[M_CROSS_NODE] = {"worst_cross_node_migration_ratio", LOWER_BETTER, 0.05, 0.20, "",
	                  "cross_node_migration_ratio", 0},
};

/*
 * Where each row field comes from, by member index in the schema:
 * ScenarioStats unless the monitor or its event deltas.  The typed
 * roll-ups the newest generation keeps in ext_metrics are present only
 * when the file has them.
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

const struct metric *
compare_metric_def(const char *name)
{
	size_t i;

	for (i = 0; i < NMETRICS; i++)
		if (strcmp(compare_metrics[i].name, name) == 0)
			return &compare_metrics[i];
	return NULL;
}

struct ext_metric *
compare_ext_find(struct ext_metric *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

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

static void
read_ext(struct row *r, const struct json_value *ext)
{
	size_t i;

	if (ext == NULL || ext->u.obj.n == 0)
		return;
	r->ext = ereallocarray(NULL, ext->u.obj.n, sizeof *r->ext);
	for (i = 0; i < ext->u.obj.n; i++) {
		const struct json_member *m = &ext->u.obj.members[i];
		struct ext_metric *e;

		if (m->value.type != JSON_NUMBER || !isfinite(m->value.u.num.d) ||
		    strcmp(m->key, "__walk_json_leaves_truncated") == 0)
			continue;
		/* A repeated key keeps its last value, as a map would. */
		e = compare_ext_find(r->ext, r->next, m->key);
		if (e == NULL)
			e = &r->ext[r->next++];
		e->name = m->key;
		e->value = m->value.u.num.d;
	}
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
	r->work_type = v.r.work_type ? v.r.work_type : ""; /* as stored; pairing maps it */
	r->scheduler = v.r.scheduler ? v.r.scheduler : "";
	r->kernel_version = v.r.kernel_version;
	r->commit = v.r.project_commit;
	r->kernel_commit = v.r.kernel_commit;
	r->run_source = archive ? "archive" : v.r.run_source;

	if ((flags = v.flags) != NULL && flags->u.arr.n > 0) {
		r->flags = ereallocarray(NULL, flags->u.arr.n, sizeof *r->flags);
		for (i = 0; i < flags->u.arr.n; i++)
			if (flags->u.arr.items[i].type == JSON_STRING)
				r->flags[r->nflags++] = flags->u.arr.items[i].u.str.s;
	}
	r->passed = v.r.passed;
	r->skipped = v.r.skipped;
	r->inconclusive = v.r.inconclusive;
	r->expected_failure = v.r.expected_failure;
	read_fields(r, &v);
	read_ext(r, v.ext);
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
	size_t i, k = 0;

	/* Offsets first: the block moves while it grows. */
	for (i = 0; i < LEN(str); i++)
		at[k++] = stash(&b, *str[i]);
	for (i = 0; i < r->nflags; i++)
		at[k++] = stash(&b, r->flags[i]);
	for (i = 0; i < r->next; i++)
		at[k++] = stash(&b, r->ext[i].name);
	r->strings = buf_detach(&b);
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

const struct ext_metric *
compare_row_ext(const struct row *r, const char *name)
{
	return compare_ext_find(r->ext, r->next, name);
}

int
compare_metric_run(const struct metric *m, const struct row *r, double *v)
{
	size_t i = (size_t)(m - compare_metrics);
	const struct ext_metric *e;

	if (r->fmask >> i & 1) {
		*v = r->f[i];
		return 1;
	}
	if ((e = compare_row_ext(r, m->name)) != NULL) {
		*v = e->value;
		return 1;
	}
	return 0;
}

int
compare_metric_read(const struct metric *m, const struct row *r, double *v)
{
	size_t i = (size_t)(m - compare_metrics);
	const struct ext_metric *e;

	if ((r->fmask >> i & 1) &&
	    (i != M_TAIL_RATIO || r->f[M_ITERATIONS] >= TAIL_RATIO_MIN_ITERATIONS)) {
		*v = r->f[i];
		return 1;
	}
	if ((e = compare_row_ext(r, m->name)) != NULL) {
		*v = e->value;
		return 1;
	}
	return 0;
}
