/* Unit tests for lib/sidecar_write: upstream's bytes, field by field. */
#include <string.h>

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

static void
minimal(void)
{
	struct sidecar_out s = {
		.test_name = "t", .topology = "1n1l1c1t", .scheduler = "eevdf",
		.passed = 1, .work_type = "CpuSpin", .timestamp = "", .run_id = "",
	};
	struct json_writer w;
	struct buf want = BUF_INIT;

	jw_init(&w, 1);
	sidecar_write_json(&w, &s);
	is_str(w.s, fixture("sidecar-minimal.json", &want),
	       "the minimal record is byte-identical to upstream's (ktstr-sidecar(5), EXAMPLES)");
	jw_free(&w);
	buf_free(&want);
}

static void
host_object(struct json_writer *w, const void *ctx)
{
	jw_object_begin(w);
	jw_key(w, "arch");
	jw_string(w, ctx);
	jw_object_end(w);
}

static void
populated(void)
{
	static const struct sidecar_metric m[] = {
		{"jobs.0.read.iops", 5123.5, POLARITY_HIGHER, 0, "iops", SOURCE_JSON, STREAM_STDOUT},
		{"lat", 3.0, POLARITY_TARGET, 2.5, "", SOURCE_LLM_EXTRACT, STREAM_STDERR},
	};
	static const struct sidecar_payload_metrics pm[] = {{0, m, 2, 0}, {1, NULL, 0, -1}};
	static char *flags[] = {"llc", "steal"}, *sysctls[] = {"sysctl.a=1"}, *kargs[] = {"nosmt"};
	struct sidecar_out s = {
		.test_name = "cg", .topology = "1n2l4c1t", .scheduler = "scx_x",
		.project_commit = "abc1234-dirty", .payload = "fio", .metrics = pm, .nmetrics = 2,
		.passed = 0, .skipped = 0, .work_type = "Mixed", .active_flags = flags, .nflags = 2,
		.sysctls = sysctls, .nsysctls = 1, .kargs = kargs, .nkargs = 1,
		.kernel_version = "6.14.2", .kernel_commit = "e5f6a7b",
		.timestamp = "2026-11-26T07:00:00Z", .run_id = "20261126T070000Z-3",
		.write_host = host_object, .host_ctx = "x86_64", .run_source = "ci",
	};
	struct json_writer w;
	const char *want =
		"{\n  \"test_name\": \"cg\",\n  \"topology\": \"1n2l4c1t\",\n  \"scheduler\": \"scx_x\",\n"
		"  \"scheduler_commit\": null,\n  \"project_commit\": \"abc1234-dirty\",\n"
		"  \"payload\": \"fio\",\n  \"metrics\": [\n    {\n      \"payload_index\": 0,\n"
		"      \"metrics\": [\n        {\n          \"name\": \"jobs.0.read.iops\",\n"
		"          \"value\": 5123.5,\n          \"polarity\": \"HigherBetter\",\n"
		"          \"unit\": \"iops\",\n          \"source\": \"Json\",\n"
		"          \"stream\": \"Stdout\"\n        },\n        {\n          \"name\": \"lat\",\n"
		"          \"value\": 3.0,\n          \"polarity\": {\n            \"TargetValue\": 2.5\n"
		"          },\n          \"unit\": \"\",\n          \"source\": \"LlmExtract\",\n"
		"          \"stream\": \"Stderr\"\n        }\n      ],\n      \"exit_code\": 0\n    },\n"
		"    {\n      \"payload_index\": 1,\n      \"metrics\": [],\n      \"exit_code\": -1\n"
		"    }\n  ],\n  \"passed\": false,\n  \"skipped\": false,\n";
	const char *tail =
		"  \"monitor\": null,\n  \"stimulus_events\": [],\n  \"work_type\": \"Mixed\",\n"
		"  \"active_flags\": [\n    \"llc\",\n    \"steal\"\n  ],\n  \"verifier_stats\": [],\n"
		"  \"kvm_stats\": null,\n  \"sysctls\": [\n    \"sysctl.a=1\"\n  ],\n"
		"  \"kargs\": [\n    \"nosmt\"\n  ],\n  \"kernel_version\": \"6.14.2\",\n"
		"  \"kernel_commit\": \"e5f6a7b\",\n  \"timestamp\": \"2026-11-26T07:00:00Z\",\n"
		"  \"run_id\": \"20261126T070000Z-3\",\n  \"host\": {\n    \"arch\": \"x86_64\"\n  },\n"
		"  \"cleanup_duration_ms\": null,\n  \"run_source\": \"ci\"\n}";
	const char *stats;
	struct json_doc doc = {0};

	jw_init(&w, 1);
	sidecar_write_json(&w, &s);
	ok(strncmp(w.s, want, strlen(want)) == 0, "head: metrics, TargetValue, nullable strings");
	stats = strstr(w.s, "  \"stats\": {\n    \"cgroups\": [],\n    \"total_workers\": 0,");
	ok(stats != NULL, "stats defaults to the zeroed ScenarioStats");
	ok(strstr(w.s, tail) != NULL && strcmp(w.s + w.len - strlen(tail), tail) == 0,
	   "tail: flags, sysctls, kargs, host callback, run_source");
	ok(json_parse(&doc, w.s, w.len, 0, NULL) == 0, "the output is valid JSON");
	json_doc_free(&doc);
	jw_free(&w);
}

static void
monitor_object(struct json_writer *w, const void *ctx)
{
	jw_object_begin(w);
	jw_key(w, "total_samples");
	jw_uint(w, *(const unsigned *)ctx);
	jw_object_end(w);
}

static void
monitor(void)
{
	static const unsigned samples = 20;
	struct sidecar_out s = {
		.test_name = "t", .topology = "1n1l1c1t", .scheduler = "eevdf", .passed = 1,
		.work_type = "CpuSpin", .timestamp = "", .run_id = "",
		.write_monitor = monitor_object, .monitor_ctx = &samples,
	};
	struct json_writer w;

	jw_init(&w, 1);
	sidecar_write_json(&w, &s);
	ok(strstr(w.s, "  },\n  \"monitor\": {\n    \"total_samples\": 20\n  },\n"
	              "  \"stimulus_events\": [],\n") != NULL,
	   "the monitor callback writes the member between stats and stimulus_events");
	jw_free(&w);
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
	minimal();
	populated();
	monitor();
	stamps();
	return done_testing();
}
