/*
 * Unit tests for lib/sidecar's schema table, its checker per generation
 * and the reading rule, and the view of any generation as the newest.
 */
#include <math.h>
#include <string.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "sidecar/sidecar_schema.h"
#include "sidecar/sidecar_view.h"
#include "tap.h"
#include "util/util.h"

/* How many members generation g has in t (an EXT member is not one). */
static size_t
members_in(const struct sc_type *t, int g)
{
	size_t n = 0;

	for (size_t k = 0; k < t->nmembers; k++)
		n += t->members[k].rule[g] != SC_R_NO && t->members[k].rule[g] != SC_R_EXT;
	return n;
}

static void
counts(void)
{
	static const struct {
		const struct sc_type *const *t;
		const char *name;
		size_t n[SIDECAR_NGEN];
	} want[] = {
		{&sidecar_type_result, "SidecarResult", {25, 24, 34}},
		{&sidecar_type_stats, "ScenarioStats", {19, 19, 11}},
		{&sidecar_type_cgroup, "CgroupStats", {21, 19, 30}},
		{&sidecar_type_monitor, "MonitorSummary", {10, 10, 14}},
	};

	for (size_t i = 0; i < LEN(want); i++)
		for (int g = 0; g < SIDECAR_NGEN; g++)
			is_int(members_in(*want[i].t, g), want[i].n[g], "%s has %zu members in %s",
			       want[i].name, want[i].n[g], sidecar_gen_label[g]);
	is_int(sidecar_gen_parse("G1"), SIDECAR_G1, "G1 parses");
	is_int(sidecar_gen_parse("0.4.9"), SIDECAR_G0, "0.4.9 parses");
	is_int(sidecar_gen_parse("0.5"), SIDECAR_G1, "0.5 parses");
	is_int(sidecar_gen_parse("newest"), SIDECAR_G2, "newest parses");
	is_int(sidecar_gen_parse("G3"), -1, "G3 does not");
}

/* The smallest file the reading rule takes: the core members only. */
static const char core[] =
	"{\"test_name\": \"t\", \"topology\": \"1n1l1c1t\", \"scheduler\": \"eevdf\","
	" \"work_type\": \"CpuSpin\", \"passed\": true, \"skipped\": false,"
	" \"stats\": {\"cgroups\": [], \"total_workers\": 0, \"total_cpus\": 0,"
	" \"total_migrations\": 0, \"worst_gap_ms\": 0, \"worst_gap_cpu\": 0,"
	" \"total_iterations\": 0, \"worst_spread\": 0, \"worst_migration_ratio\": 0}%s}";

static char err[256];

/* "" when text passes generation gen's check, else the message. */
static const char *
check(const char *text, unsigned gen)
{
	struct json_doc doc = {0};

	if (sidecar_parse(&doc, text, strlen(text), gen, err, sizeof err) < 0)
		return err;
	json_doc_free(&doc);
	return "";
}

/* core with extra top-level members (", ..." or ""). */
static const char *
with(const char *extra, unsigned gen)
{
	char *text = easprintf(core, extra);
	const char *r = check(text, gen);

	free(text);
	return r;
}

static void
reading_rule(void)
{
	is_str(with("", SIDECAR_ANY), "", "the core members are enough to read a file");
	is_str(with("", SIDECAR_G0), "missing field `worst_p99_wake_latency_us` at line 1 column 316",
	       "0.4.9 requires more");
	is_str(with(", \"vcpus\": \"4\"", SIDECAR_ANY),
	       "invalid type: string \"4\", expected u32 at line 1 column 330",
	       "a member present with the wrong kind is refused");
	is_str(with(", \"vcpus\": 4294967296", SIDECAR_ANY),
	       "invalid value: integer `4294967296`, expected u32 at line 1 column 337",
	       "a u32 past its range is refused");
	is_str(with(", \"inconclusive\": null", SIDECAR_ANY),
	       "invalid type: null, expected a boolean at line 1 column 338",
	       "null where no generation allows it is refused");
	is_str(with(", \"resolve_source\": null, \"host_dilation\": null", SIDECAR_ANY), "",
	       "null where one does is accepted");
	is_str(with(", \"throughput_denomination\": \"gpu_sec\"", SIDECAR_ANY),
	       "unknown variant `gpu_sec`, expected one of `wall`, `cpu_sec` at line 1 column 354",
	       "an unknown denomination is refused");
	is_str(with(", \"active_flags\": [\"llc\"], \"timestamp\": \"\"", SIDECAR_ANY), "",
	       "members of old generations are still read");
	is_str(check("{\"test_name\": \"t\"}", SIDECAR_ANY), "missing field `topology` at line 1 column 18",
	       "a missing core member names itself");
	is_str(with(", \"test_name\": \"x\"", SIDECAR_ANY), "duplicate field `test_name` at line 1 column 329",
	       "a repeated member is refused");
	is_str(with(", \"stuck_detected\": 5", SIDECAR_ANY), "",
	       "a member of a nested struct at the top level is just unknown");
}

static void
names(void)
{
	char *text = easprintf(core, "");
	char *nul = strstr(text, "\"t\"");

	/* "t" becomes "t\u0000x": two names that a C string would cut alike. */
	memmove(nul + 9, nul + 2, strlen(nul + 2) + 1);
	memcpy(nul + 2, "\\u0000x", 7);
	is_str(check(text, SIDECAR_ANY),
	       "invalid value: NUL byte in field `test_name`, expected a string without NUL at line 1 column 24",
	       "a NUL in the test name is refused");
	free(text);
	is_str(with(", \"active_flags\": [\"l\\u0000c\"]", SIDECAR_ANY),
	       "invalid value: NUL byte in field `active_flags`, expected a string without NUL at line 1 column 345",
	       "a NUL in a flag is refused");
	is_str(with(", \"payload\": \"a\\u0000b\"", SIDECAR_ANY), "", "a NUL in the payload is kept");
}

/* A fixture's text with its "metrics": [] holding one Informational metric. */
static char *
informational(const char *fixture)
{
	static const char metric[] =
		"\"metrics\": [{\"payload_index\": 0, \"exit_code\": 0, \"metrics\": [{\"name\": \"x\","
		" \"value\": 1, \"polarity\": \"Informational\", \"unit\": \"\", \"source\": \"Json\","
		" \"stream\": \"Stdout\"}]}]";
	const char *top = getenv("KTSTR_TOP");
	char *path = easprintf("%s/t/fixtures/%s", top ? top : ".", fixture), *at, *text;
	struct buf b = BUF_INIT;

	if (read_file(path, &b, 0) < 0 || (at = strstr(b.s, "\"metrics\": []")) == NULL)
		die("cannot read %s:", path);
	text = easprintf("%.*s%s%s", (int)(at - b.s), b.s, metric, at + strlen("\"metrics\": []"));
	buf_free(&b);
	free(path);
	return text;
}

static void
enums(void)
{
	char *g0 = informational("sidecar-minimal.json");
	char *g2 = informational("generations/g2/6.14.2-abc1234/cgroup_steady-9ae94dc0bc46fd51.ktstr.json");

	is_str(check(g0, SIDECAR_ANY), "", "Informational reads");
	is_str(check(g2, SIDECAR_G2), "", "the newest generation has it");
	is_str(check(g0, SIDECAR_G0),
	       "unknown variant `Informational`, expected one of `HigherBetter`, `LowerBetter`, "
	       "`TargetValue`, `Unknown` at line 8 column 116",
	       "0.4.9 does not know it");
	free(g0);
	free(g2);
}

static void
view_of(const char *text, struct sidecar_view *v, struct json_doc *doc)
{
	memset(doc, 0, sizeof *doc);
	if (json_parse(doc, text, strlen(text), 0, NULL) < 0)
		die("test sidecar does not parse: %s", text);
	sidecar_view_read(v, doc->root);
}

static void
views(void)
{
	struct sidecar_view v;
	struct json_doc doc;
	char *text;

	text = easprintf(core, ", \"active_flags\": [], \"monitor\": {\"total_samples\": 1,"
	                       " \"stall_detected\": true}");
	view_of(text, &v, &doc);
	is_int(v.gen, SIDECAR_G0, "active_flags and stall_detected: 0.4.9");
	is_int(v.monitor.stuck_count, 1, "stall_detected reads as one stuck sample");
	is_str(v.work_type, "SpinWait", "CpuSpin reads as SpinWait");
	ok(v.r.passed && !v.r.skipped && !v.r.inconclusive, "passed; inconclusive, absent, reads false");
	ok(isnan(v.r.host_dilation) && v.r.cpu_budget == 0 && !SIDECAR_HAS(&v.r, RESULT, cpu_budget),
	   "absent newest members read as none");
	json_doc_free(&doc);
	free(text);

	text = easprintf(core, ", \"monitor\": {\"stuck_detected\": false}");
	view_of(text, &v, &doc);
	is_int(v.gen, SIDECAR_G1, "no active_flags, stuck_detected: 0.5.2");
	is_int(v.monitor.stuck_count, 0, "stuck_detected false reads as none");
	json_doc_free(&doc);
	free(text);

	text = easprintf(core, ", \"inconclusive\": true, \"cpu_budget\": 4, \"vcpus\": 8,"
	                       " \"throughput_denomination\": \"cpu_sec\","
	                       " \"monitor\": {\"stuck_count\": 7, \"stall_detected\": false}");
	text[strlen(text) - 1] = '}';
	view_of(text, &v, &doc);
	is_int(v.gen, SIDECAR_G2, "inconclusive: the newest");
	ok(v.r.inconclusive && v.r.passed, "inconclusive read beside passed");
	is_int(v.r.cpu_budget, 4, "the budget");
	is_int(v.r.throughput_denomination, SIDECAR_CPU_SEC, "the denomination");
	is_int(v.monitor.stuck_count, 7, "stuck_count wins over the old booleans");
	json_doc_free(&doc);
	free(text);

	text = easprintf(core, ", \"inconclusive\": true");
	strstr(text, "\"skipped\": false")[11] = 't';
	memcpy(strstr(text, "\"skipped\": t"), "\"skipped\": true ", 16);
	view_of(text, &v, &doc);
	ok(v.r.skipped && v.r.inconclusive && v.r.passed, "skipped read beside inconclusive and passed");
	json_doc_free(&doc);
	free(text);

	is_str(sidecar_work_type_name("IoSync"), "IoSync", "IoSync is a different workload: not renamed");
	is_str(sidecar_work_type_name("SpinWait"), "SpinWait", "a newest name stays");
}

/* The derived members of old generations and the member values. */
static void
derived(void)
{
	struct sidecar_cgroup c = {.num_workers = 4, .total_iterations = 10, .p99_wake_latency_us = 90,
	                           .median_wake_latency_us = 30};
	struct sidecar_monitor m = {.stuck_count = 2};
	const struct sc_member *tail = sidecar_member(sidecar_type_cgroup, "wake_latency_tail_ratio", 23);
	const struct sc_member *ipw = sidecar_member(sidecar_type_cgroup, "iterations_per_worker", 21);
	const struct sc_member *stall = sidecar_member(sidecar_type_monitor, "stall_detected", 14);

	ok(tail && tail->how == SC_HOW_D, "the tail ratio is derived");
	ok(tail && sidecar_member_value(tail, &c) == 3.0, "p99 / median");
	ok(ipw && sidecar_member_value(ipw, &c) == 2.5, "iterations / workers");
	c.median_wake_latency_us = 0;
	c.num_workers = 0;
	ok(tail && sidecar_member_value(tail, &c) == 0.0, "no median: 0, as 0.4.9 wrote it");
	ok(ipw && sidecar_member_value(ipw, &c) == 0.0, "no workers: 0");
	ok(stall && sidecar_member_value(stall, &m) == 1.0, "stall_detected: stuck_count > 0");
	is_int(sidecar_member_since(sidecar_member(sidecar_type_result, "cpu_budget", 10)), SIDECAR_G2,
	       "cpu_budget is a newest member");
	is_int(sidecar_member_since(sidecar_member(sidecar_type_stats, "worst_p99_wake_latency_us", 25)),
	       SIDECAR_G0, "the roll-ups date from 0.4.9");
}

int
main(void)
{
	counts();
	reading_rule();
	names();
	enums();
	views();
	derived();
	return done_testing();
}
