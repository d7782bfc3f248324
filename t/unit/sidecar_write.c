/*
 * Unit tests for lib/sidecar/sidecar_write: the union object of every
 * generation, byte for byte as serde_json lays it out; the scenario fold.
 */
#include <math.h>
#include <string.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "sidecar/sidecar_write.h"
#include "tap.h"
#include "util/util.h"

static const char *
fixture(const char *name, struct buf *b)
{
	const char *top = getenv("KTSTR_TOP");
	char *path = easprintf("%s/t/fixtures/%s", top ? top : ".", name);

	if (read_file(path, b, 0) < 0)
		die("cannot read %s:", path);
	free(path);
	return b->s;
}

/* The host callback: a parsed host object written back in the writer's layout. */
static void
host_value(struct json_writer *w, const void *ctx)
{
	jw_value(w, ctx);
}

static struct sidecar_cgroup
cgroup(const char *name, uint64_t *cpus, double off[4], uint64_t gap, uint64_t gapcpu,
       uint64_t migrations, double ratio, double wake[3], uint64_t iterations, uint64_t cpu_ns,
       double delay[2])
{
	struct sidecar_cgroup c;

	sidecar_clear(sidecar_type_cgroup, &c);
	c.cgroup_name = name;
	c.num_workers = 4;
	c.cpus_used = (struct sidecar_u64v){cpus, 2};
	c.num_cpus = 2;
	c.avg_off_cpu_pct = off[0];
	c.min_off_cpu_pct = off[1];
	c.max_off_cpu_pct = off[2];
	c.spread = off[3];
	c.max_gap_ms = gap;
	c.max_gap_cpu = gapcpu;
	c.total_migrations = migrations;
	c.migration_ratio = ratio;
	c.p99_wake_latency_us = wake[0];
	c.median_wake_latency_us = wake[1];
	c.wake_latency_cv = wake[2];
	c.wake_measured = 1;
	c.total_iterations = iterations;
	c.total_cpu_time_ns = cpu_ns;
	c.mean_run_delay_us = delay[0];
	c.worst_run_delay_us = delay[1];
	c.run_delay_measured = 1;
	return c;
}

/*
 * The shared union fixture (the newest sidecar plus what 0.4.9 and 0.5.2
 * require) from its parts: the two cgroups folded by the schema, its
 * ext_metrics, a monitor, and the newest top-level members.
 */
static void
union_object(void)
{
	static uint64_t cpus0[] = {0, 1}, cpus1[] = {2, 3};
	static const struct {
		const char *name;
		double value;
	} ext[] = {
		{"iterations_per_cpu_sec", 184492.342606}, {"total_cpu_time_sec", 19.588888888},
		{"total_iterations_pooled", 3614000.0}, {"worst_iterations_per_cpu_sec", 184713.359623},
		{"worst_iterations_per_worker", 448500.0}, {"worst_mean_run_delay_us", 34.5},
		{"worst_median_wake_latency_us", 11.75}, {"worst_p99_wake_latency_us", 83.0},
		{"worst_run_delay_us", 910.0}, {"worst_wake_latency_cv", 0.81},
		{"worst_wake_latency_tail_ratio", 7.0},
	};
	struct sidecar_cgroup c0 = cgroup("cg_0", cpus0, (double[]){12.0, 10.5, 14.0, 3.5}, 14, 1, 212,
	                                  0.00011648351648351648, (double[]){84.0, 12.0, 0.83},
	                                  1820000, 9876543210, (double[]){35.25, 910.0});
	struct sidecar_cgroup c1 = cgroup("cg_1", cpus1, (double[]){13.75, 11.0, 16.25, 5.25}, 11, 3,
	                                  187, 0.00010423634336677815, (double[]){79.0, 11.5, 0.79},
	                                  1794000, 9712345678, (double[]){33.75, 870.0});
	struct sidecar_stats st = {0};
	struct sidecar_monitor mon;
	struct sidecar_result r;
	struct buf want = BUF_INIT;
	struct json_doc doc = {0};
	struct json_writer w;
	char *at;

	sidecar_stats_add(&st, &c0);
	sidecar_stats_add(&st, &c1);
	for (size_t i = 0; i < LEN(ext); i++)
		sidecar_ext_set(&st.ext_metrics, ext[i].name, ext[i].value);
	sidecar_clear(sidecar_type_monitor, &mon);
	mon.total_samples = 40;
	mon.max_imbalance_ratio = 1.25;
	mon.max_local_dsq_depth = 3;
	mon.avg_imbalance_ratio = 1.0625;
	mon.avg_nr_running = 2.03125;
	mon.avg_local_dsq_depth = 0.75;

	fixture("generations/union/cgroup_steady-9ae94dc0bc46fd51.ktstr.json", &want);
	if (json_parse(&doc, want.s, want.len, 0, NULL) < 0)
		die("the union fixture does not parse");
	sidecar_clear(sidecar_type_result, &r);
	r.test_name = "cgroup_steady";
	r.topology = "1n2l2c1t";
	r.scheduler = "eevdf";
	r.project_commit = "abc1234";
	r.passed = 1;
	r.stats = &st;
	r.monitor = &mon;
	r.vcpus = 4;
	r.cpu_budget = 4;
	r.host_dilation = 1.0213;
	r.throughput_denomination = SIDECAR_CPU_SEC;
	r.work_type = "SpinWait";
	r.kernel_version = "6.14.2";
	r.kernel_commit = "e5f6a7b";
	r.timestamp = "2026-07-04T21:41:43Z";
	r.run_id = "20260704T214102Z-0";
	r.host = (struct sidecar_cb){host_value, json_get(doc.root, "host")};
	r.run_source = "local";

	jw_init(&w, 1);
	sidecar_write_json(&w, &r);
	/* The suite never records a cleanup time. */
	at = strstr(want.s, "\"cleanup_duration_ms\": 183");
	ok(at != NULL, "the fixture records a cleanup time");
	at = at ? easprintf("%.*s\"cleanup_duration_ms\": null%s", (int)(at - want.s), want.s,
	                    at + strlen("\"cleanup_duration_ms\": 183"))
	        : estrdup(want.s);
	is_str(w.s, at, "the union object, byte for byte: every generation's members");
	free(at);
	for (unsigned g = 0; g <= SIDECAR_ANY; g++) {
		struct json_doc again = {0};
		char err[256];

		ok(sidecar_parse(&again, w.s, w.len, g, err, sizeof err) == 0, "%s reads it",
		   g < SIDECAR_NGEN ? sidecar_gen_label[g] : "the reading rule");
		json_doc_free(&again);
	}
	is_int(st.total_workers, 8, "fold: workers summed");
	ok(st.worst_spread == 5.25 && st.worst_gap_ms == 14 && st.worst_gap_cpu == 1,
	   "fold: the worst spread and gap, and the gap's CPU");
	ok(st.worst_iterations_per_worker == 448500.0 && st.worst_wake_latency_tail_ratio == 7.0,
	   "fold: the derived cgroup ratios, lowest non-zero and maximum");
	json_doc_free(&doc);
	jw_free(&w);
	buf_free(&want);
	sidecar_stats_free(&st);
}

static void
defaults(void)
{
	struct sidecar_result r;
	struct json_writer w;

	sidecar_clear(sidecar_type_result, &r);
	r.test_name = "t";
	r.topology = "1n1l1c1t";
	r.scheduler = "eevdf";
	r.skipped = 1;
	r.work_type = "SpinWait";
	r.timestamp = r.run_id = "";
	jw_init(&w, 1);
	sidecar_write_json(&w, &r);
	ok(strstr(w.s, "\n  \"passed\": false,\n  \"skipped\": true,\n  \"inconclusive\": false,\n") != NULL,
	   "a skip is not a pass");
	ok(strstr(w.s, "\"worst_iterations_per_worker\": 0.0,\n    \"ext_metrics\": {},\n    \"phases\": []\n  },\n"
	               "  \"monitor\": null,\n") != NULL,
	   "no statistics: the all-default ScenarioStats, ext_metrics and phases empty");
	ok(strstr(w.s, "\"cpu_budget\": 0,\n  \"throughput_denomination\": \"wall\",\n") != NULL,
	   "no host_dilation when there is none; the denomination's default");
	ok(strstr(w.s, "\"kvm_stats\": null,") && strstr(w.s, "\"cleanup_duration_ms\": null,") &&
	   strstr(w.s, "\"perf_delta_assertions\": []\n}"),
	   "members the suite never fills: null or empty");
	jw_free(&w);
}

static void
payload_metrics(void)
{
	static const struct sidecar_metric m[] = {
		{"jobs.0.read.iops", 5123.5, POLARITY_HIGHER, 0, "iops", SOURCE_JSON, STREAM_STDOUT},
		{"lat", 3.0, POLARITY_TARGET, 2.5, "", SOURCE_LLM_EXTRACT, STREAM_STDERR},
	};
	static const struct sidecar_payload_metrics pm[] = {{0, m, 2, 0}, {1, NULL, 0, -1}};
	static char *flags[] = {"llc", "steal"}, *sysctls[] = {"sysctl.a=1"};
	struct sidecar_result r;
	struct json_writer w;
	const char *want =
		"  \"payload\": \"fio\",\n  \"metrics\": [\n    {\n      \"payload_index\": 0,\n"
		"      \"metrics\": [\n        {\n          \"name\": \"jobs.0.read.iops\",\n"
		"          \"value\": 5123.5,\n          \"polarity\": \"HigherBetter\",\n"
		"          \"unit\": \"iops\",\n          \"source\": \"Json\",\n"
		"          \"stream\": \"Stdout\"\n        },\n        {\n          \"name\": \"lat\",\n"
		"          \"value\": 3.0,\n          \"polarity\": {\n            \"TargetValue\": 2.5\n"
		"          },\n          \"unit\": \"\",\n          \"source\": \"LlmExtract\",\n"
		"          \"stream\": \"Stderr\"\n        }\n      ],\n      \"exit_code\": 0\n    },\n"
		"    {\n      \"payload_index\": 1,\n      \"metrics\": [],\n      \"exit_code\": -1\n"
		"    }\n  ],\n";

	sidecar_clear(sidecar_type_result, &r);
	r.test_name = "cg";
	r.topology = "1n2l4c1t";
	r.scheduler = "scx_x";
	r.payload = "fio";
	r.metrics = (struct sidecar_payloads){pm, 2};
	r.work_type = "Mixed";
	r.active_flags = (struct sidecar_strv){flags, 2};
	r.sysctls = (struct sidecar_strv){sysctls, 1};
	r.timestamp = r.run_id = "";
	jw_init(&w, 1);
	sidecar_write_json(&w, &r);
	ok(strstr(w.s, want) != NULL, "payload metrics: TargetValue as a newtype variant");
	ok(strstr(w.s, "  \"work_type\": \"Mixed\",\n  \"active_flags\": [\n    \"llc\",\n    \"steal\"\n  ],\n") != NULL,
	   "active_flags right after work_type, where 0.4.9 wrote it");
	ok(strstr(w.s, "  \"sysctls\": [\n    \"sysctl.a=1\"\n  ],\n  \"kargs\": [],\n") != NULL,
	   "sysctls and kargs");
	jw_free(&w);
}

static void
ext(void)
{
	struct sidecar_ext e = {0};

	sidecar_ext_set(&e, "b", 2);
	sidecar_ext_set(&e, "a", 1);
	sidecar_ext_set(&e, "c", 3);
	sidecar_ext_set(&e, "a", 4);
	ok(e.n == 3 && strcmp(e.v[0].name, "a") == 0 && e.v[0].value == 4 &&
	   strcmp(e.v[2].name, "c") == 0, "ext_metrics stay sorted, a name once");
	ok(sidecar_ext_get(&e, "b")->value == 2 && sidecar_ext_get(&e, "d") == NULL, "lookup");
	sidecar_ext_free(&e);
}

static void
stamps(void)
{
	char ts[21], id1[48], id2[48];

	sidecar_timestamp(0, ts);
	is_str(ts, "1970-01-01T00:00:00Z", "timestamp is UTC, 20 characters");
	sidecar_timestamp(1764140400, ts);
	is_str(ts, "2025-11-26T07:00:00Z", "timestamp of a known instant");
	sidecar_next_run_id(id1);
	sidecar_next_run_id(id2);
	ok(strlen(id1) == 18 && id1[8] == 'T' && id1[15] == 'Z' && strcmp(id1 + 16, "-0") == 0,
	   "first run_id is {stamp}-0 (%s)", id1);
	ok(strncmp(id1, id2, 16) == 0 && strcmp(id2 + 16, "-1") == 0,
	   "the stamp is fixed per process and the counter increments (%s)", id2);
}

int
main(void)
{
	union_object();
	defaults();
	payload_metrics();
	ext();
	stamps();
	return done_testing();
}
