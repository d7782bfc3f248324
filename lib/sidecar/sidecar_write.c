#include <stdio.h>
#include <string.h>

#include "sidecar_write.h"

static void
nullable_string(struct json_writer *w, const char *key, const char *value)
{
	jw_key(w, key);
	if (value)
		jw_string(w, value);
	else
		jw_null(w);
}

static void
string_array(struct json_writer *w, const char *key, char *const *v, size_t n)
{
	jw_key(w, key);
	jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_string(w, v[i]);
	jw_array_end(w);
}

static void
empty_array(struct json_writer *w, const char *key)
{
	string_array(w, key, NULL, 0);
}

static void
unit_variant(struct json_writer *w, const char *key, const char *name)
{
	jw_key(w, key);
	jw_string(w, name);
}

static void
metric(struct json_writer *w, const struct sidecar_metric *m)
{
	static const char *const polarity[] = {"HigherBetter", "LowerBetter", "Unknown"};
	static const char *const source[] = {"Json", "LlmExtract"};
	static const char *const stream[] = {"Stdout", "Stderr", "Synthesized"};

	jw_object_begin(w);
	jw_key(w, "name");
	jw_string(w, m->name);
	jw_key(w, "value");
	jw_double(w, m->value);
	jw_key(w, "polarity");
	if (m->polarity == POLARITY_TARGET) {
		/* An externally tagged newtype variant: {"TargetValue": x}. */
		jw_object_begin(w);
		jw_key(w, "TargetValue");
		jw_double(w, m->target);
		jw_object_end(w);
	} else {
		jw_string(w, polarity[m->polarity]);
	}
	jw_key(w, "unit");
	jw_string(w, m->unit ? m->unit : "");
	unit_variant(w, "source", source[m->source]);
	unit_variant(w, "stream", stream[m->stream]);
	jw_object_end(w);
}

void
sidecar_write_zero_stats(struct json_writer *w, const void *unused)
{
	/* ScenarioStats in declaration order; integer slots stay integers. */
	static const struct {
		const char *key;
		int integer;
	} fields[] = {
		{"total_workers", 1}, {"total_cpus", 1}, {"total_migrations", 1},
		{"worst_spread", 0}, {"worst_gap_ms", 1}, {"worst_gap_cpu", 1},
		{"worst_migration_ratio", 0}, {"worst_p99_wake_latency_us", 0},
		{"worst_median_wake_latency_us", 0}, {"worst_wake_latency_cv", 0},
		{"total_iterations", 1}, {"worst_mean_run_delay_us", 0}, {"worst_run_delay_us", 0},
		{"worst_page_locality", 0}, {"worst_cross_node_migration_ratio", 0},
		{"worst_wake_latency_tail_ratio", 0}, {"worst_iterations_per_worker", 0},
	};

	(void)unused;
	jw_object_begin(w);
	empty_array(w, "cgroups");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		jw_key(w, fields[i].key);
		if (fields[i].integer)
			jw_uint(w, 0);
		else
			jw_double(w, 0.0);
	}
	jw_object_end(w);
}

void
sidecar_write_json(struct json_writer *w, const struct sidecar_out *s)
{
	jw_object_begin(w);
	jw_key(w, "test_name");
	jw_string(w, s->test_name);
	jw_key(w, "topology");
	jw_string(w, s->topology);
	jw_key(w, "scheduler");
	jw_string(w, s->scheduler);
	nullable_string(w, "scheduler_commit", NULL);
	nullable_string(w, "project_commit", s->project_commit);
	nullable_string(w, "payload", s->payload);

	jw_key(w, "metrics");
	jw_array_begin(w);
	for (size_t i = 0; i < s->nmetrics; i++) {
		const struct sidecar_payload_metrics *pm = &s->metrics[i];
		jw_object_begin(w);
		jw_key(w, "payload_index");
		jw_uint(w, pm->payload_index);
		jw_key(w, "metrics");
		jw_array_begin(w);
		for (size_t j = 0; j < pm->n; j++)
			metric(w, &pm->metrics[j]);
		jw_array_end(w);
		jw_key(w, "exit_code");
		jw_int(w, pm->exit_code);
		jw_object_end(w);
	}
	jw_array_end(w);

	jw_key(w, "passed");
	jw_bool(w, s->passed);
	jw_key(w, "skipped");
	jw_bool(w, s->skipped);
	jw_key(w, "stats");
	(s->write_stats ? s->write_stats : sidecar_write_zero_stats)(w, s->stats_ctx);
	jw_key(w, "monitor");
	if (s->write_monitor)
		s->write_monitor(w, s->monitor_ctx);
	else
		jw_null(w);
	empty_array(w, "stimulus_events");
	jw_key(w, "work_type");
	jw_string(w, s->work_type);
	string_array(w, "active_flags", s->active_flags, s->nflags);
	empty_array(w, "verifier_stats");
	jw_key(w, "kvm_stats");
	jw_null(w);
	string_array(w, "sysctls", s->sysctls, s->nsysctls);
	string_array(w, "kargs", s->kargs, s->nkargs);
	nullable_string(w, "kernel_version", s->kernel_version);
	nullable_string(w, "kernel_commit", s->kernel_commit);
	jw_key(w, "timestamp");
	jw_string(w, s->timestamp);
	jw_key(w, "run_id");
	jw_string(w, s->run_id);
	jw_key(w, "host");
	if (s->write_host)
		s->write_host(w, s->host_ctx);
	else
		jw_null(w);
	jw_key(w, "cleanup_duration_ms");
	jw_null(w);
	nullable_string(w, "run_source", s->run_source);
	jw_object_end(w);
}

void
sidecar_timestamp(time_t t, char *dst)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(dst, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The process-start stamp of every run_id, and the sidecars counted so far. */
static char run_id_stamp[20];
static unsigned long long run_id_counter;

void
sidecar_run_id_start(void)
{
	struct tm tm;
	time_t now = time(NULL);

	if (run_id_stamp[0] != '\0')
		return;
	gmtime_r(&now, &tm);
	strftime(run_id_stamp, sizeof run_id_stamp, "%Y%m%dT%H%M%SZ", &tm);
}

void
sidecar_next_run_id(char *dst)
{
	sidecar_run_id_start();
	snprintf(dst, 48, "%s-%llu", run_id_stamp, run_id_counter++);
}
