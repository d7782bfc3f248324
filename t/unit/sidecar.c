/* Unit tests for lib/sidecar: predicate, validation, variant hash, walks. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <unistd.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "tap.h"
#include "util/util.h"

/* The minimal sidecar of ktstr-sidecar(5), one line per member so tests can swap members. */
static const char minimal[] =
	"{\n"
	"\"test_name\": \"t\",\n"
	"\"topology\": \"1n1l1c1t\",\n"
	"\"scheduler\": \"eevdf\",\n"
	"\"metrics\": [],\n"
	"\"passed\": true,\n"
	"\"skipped\": false,\n"
	"\"stats\": {\"cgroups\": [], \"total_workers\": 0, \"total_cpus\": 0,"
	" \"total_migrations\": 0, \"worst_spread\": 0, \"worst_gap_ms\": 0, \"worst_gap_cpu\": 0,"
	" \"worst_migration_ratio\": 0, \"worst_p99_wake_latency_us\": 0,"
	" \"worst_median_wake_latency_us\": 0, \"worst_wake_latency_cv\": 0,"
	" \"total_iterations\": 0, \"worst_mean_run_delay_us\": 0, \"worst_run_delay_us\": 0,"
	" \"worst_page_locality\": 0, \"worst_cross_node_migration_ratio\": 0,"
	" \"worst_wake_latency_tail_ratio\": 0, \"worst_iterations_per_worker\": 0},\n"
	"\"stimulus_events\": [],\n"
	"\"work_type\": \"CpuSpin\",\n"
	"\"active_flags\": [],\n"
	"\"verifier_stats\": [],\n"
	"\"sysctls\": [],\n"
	"\"kargs\": [],\n"
	"\"timestamp\": \"\",\n"
	"\"run_id\": \"\"\n"
	"}";

static const char cgroup[] =
	"{\"num_workers\": 1, \"num_cpus\": 1, \"avg_off_cpu_pct\": 0, \"min_off_cpu_pct\": 0,"
	" \"max_off_cpu_pct\": 0, \"spread\": 0, \"max_gap_ms\": 0, \"max_gap_cpu\": 0,"
	" \"total_migrations\": 0, \"migration_ratio\": 0, \"p99_wake_latency_us\": 0,"
	" \"median_wake_latency_us\": 0, \"wake_latency_cv\": 0, \"total_iterations\": 0,"
	" \"mean_run_delay_us\": 0, \"worst_run_delay_us\": 0, \"page_locality\": 0,"
	" \"cross_node_migration_ratio\": 0, \"wake_latency_tail_ratio\": 0,"
	" \"iterations_per_worker\": 0}";

static const char monitor[] =
	"{\"total_samples\": 1, \"max_imbalance_ratio\": 1, \"max_local_dsq_depth\": 1,"
	" \"stall_detected\": false, \"avg_imbalance_ratio\": 1, \"avg_nr_running\": 1,"
	" \"avg_local_dsq_depth\": 1}";

static char errbuf[256];

/* "" when text is a valid sidecar, else the reader's message. */
static const char *
verdict(const char *text)
{
	struct json_doc doc;

	if (sidecar_parse(&doc, text, strlen(text), SIDECAR_G0, errbuf, sizeof errbuf) < 0)
		return errbuf;
	json_doc_free(&doc);
	return "";
}

/* minimal with the first occurrence of from replaced by to. */
static char *
edit(const char *from, const char *to)
{
	const char *at = strstr(minimal, from);

	if (at == NULL) {
		printf("# edit: '%s' not in the template\n", from);
		exit(1);
	}
	return easprintf("%.*s%s%s", (int)(at - minimal), minimal, to, at + strlen(from));
}

/* Add member (text "key": value) to the top-level object. */
static char *
with(const char *member)
{
	char *to = easprintf("\"run_id\": \"\",\n%s\n", member), *text;

	text = edit("\"run_id\": \"\"\n", to);
	free(to);
	return text;
}

static void
expect(char *text, const char *want, const char *what)
{
	const char *got = verdict(text);

	if (*want == '\0')
		is_str(got, "", "accepts %s", what);
	else if (!ok(strncmp(got, want, strlen(want)) == 0, "rejects %s", what))
		printf("#   got: '%s'\n#  want: '%s...'\n", got, want);
	free(text);
}

static void
test_candidates(void)
{
	static const struct {
		const char *name;
		int yes;
	} v[] = {
		{"cgroup_steady-54681f0c50f97573.ktstr.json", 1},
		{"a.ktstr.b.json", 1},
		{".ktstr.json", 1},
		{"..ktstr.json", 1},
		{"ktstr.json", 0},
		{"x.ktstr.JSON", 0},
		{"x.KTSTR.json", 0},
		{"run.ktstr.log", 0},
		{"notes.json", 0},
		{"t.ktstr.json.bak", 0},
		{".json", 0},
		{"t.ktstr.", 0},
		{"x.ktstr.json.tmp", 0},
		{".t.ktstr.json.1.0.tmp", 0},
		{"\xff.ktstr.json", 0},
		{"é.ktstr.json", 1},
	};

	for (size_t i = 0; i < LEN(v); i++)
		is_int(sidecar_is_candidate(v[i].name), v[i].yes, "candidate '%s'", v[i].name);
}

static void
test_validation(void)
{
	is_str(verdict(minimal), "", "the minimal sidecar of ktstr-sidecar(5) is valid");

	/* Top level. */
	expect(edit("\"run_id\": \"\"\n", "\"runid\": \"\"\n"), "missing field `run_id`",
	       "a missing required key");
	expect(edit("\"run_id\": \"\"\n", "\"run_id\": null\n"),
	       "invalid type: null, expected a string", "null in a required string");
	expect(edit("\"passed\": true", "\"passed\": 1"), "invalid type: integer `1`, expected a boolean",
	       "a number for a bool");
	expect(with("\"passed\": false"), "duplicate field `passed`", "a duplicate known key");
	expect(with("\"x\": 1, \"x\": {\"deep\": [1, 2, null]}"), "", "repeated unknown keys");
	expect(with("\"source\": \"ci\""), "", "the legacy source key");
	expect(with("\"run_source\": null, \"kernel_version\": null, \"host\": null, \"monitor\": null,"
	            " \"kvm_stats\": null, \"cleanup_duration_ms\": null, \"payload\": null,"
	            " \"scheduler_commit\": null, \"project_commit\": null, \"kernel_commit\": null"),
	       "", "every nullable key null");
	expect(with("\"run_source\": 3"), "invalid type: integer `3`, expected a string",
	       "a number in a nullable string");
	expect(with("\"x\": \"\\ud800\""), "", "a lone surrogate in an unknown value");
	expect(edit("\"test_name\": \"t\"", "\"test_name\": \"\\ud800\""), "lone surrogate",
	       "a lone surrogate in a typed string");
	expect(edit("\"test_name\": \"t\"", "\"test_name\": \"\\ud83d\\ude00\""), "",
	       "a surrogate pair in a typed string");
	expect(edit("\"active_flags\": []", "\"active_flags\": [\"llc\", 1]"),
	       "invalid type: integer `1`, expected a string", "a number among the flags");
	expect(edit("\"metrics\": []", "\"metrics\": {}"), "invalid type: map, expected a sequence",
	       "an object for an array");
	expect(edit("\"stats\": {", "\"stats\": [], \"x\": {"), "invalid type: sequence, expected struct ScenarioStats",
	       "an array for a struct");

	/* Integer slots. */
	expect(with("\"cleanup_duration_ms\": 18446744073709551615"), "", "u64 max");
	expect(with("\"cleanup_duration_ms\": 18446744073709551616"),
	       "invalid type: floating point", "a u64 literal past its range");
	expect(with("\"cleanup_duration_ms\": 4.0"), "invalid type: floating point `4.0`, expected u64",
	       "4.0 in a u64");
	expect(with("\"cleanup_duration_ms\": 4e0"), "invalid type: floating point", "4e0 in a u64");
	expect(with("\"cleanup_duration_ms\": -1"), "invalid value: integer `-1`, expected u64",
	       "a negative u64");
	expect(with("\"cleanup_duration_ms\": -0"), "invalid type: floating point `-0.0`",
	       "-0 in a u64 (serde reads it as a float)");
	expect(edit("\"total_workers\": 0", "\"total_workers\": 1.5"),
	       "invalid type: floating point `1.5`, expected usize", "a fraction in a usize");
	expect(edit("\"worst_gap_ms\": 0", "\"worst_gap_ms\": null"), "invalid type: null, expected u64",
	       "null in a required u64");
	expect(edit("\"verifier_stats\": []", "\"verifier_stats\": [{\"name\": \"p\", \"verified_insns\": 4294967295}]"),
	       "", "u32 max");
	expect(edit("\"verifier_stats\": []", "\"verifier_stats\": [{\"name\": \"p\", \"verified_insns\": 4294967296}]"),
	       "invalid value: integer `4294967296`, expected u32", "a u32 past its range");
	expect(edit("\"verifier_stats\": []", "\"verifier_stats\": [{\"name\": \"p\"}]"),
	       "missing field `verified_insns`", "a verifier entry without its count");

	/* f64 slots. */
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": null"), "invalid type: null, expected f64",
	       "null in an f64");
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": -0.0"), "", "-0.0 in an f64");
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": 1e+300"), "", "1e+300 in an f64");
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": 1e400"), "number out of range",
	       "1e400 in an f64");
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": \"1\""),
	       "invalid type: string \"1\", expected f64", "a string in an f64");
	expect(edit("\"worst_spread\": 0", "\"worst_spread\": 0, \"worst_spread\": 1"),
	       "duplicate field `worst_spread`", "a duplicate key in a nested struct");

	/* Nested structs. */
	char *cg = easprintf("\"cgroups\": [%s]", cgroup);
	expect(edit("\"cgroups\": []", cg), "", "a complete cgroup");
	free(cg);
	cg = easprintf("\"cgroups\": [%.*s}]", (int)strlen(cgroup) - 29, cgroup);
	expect(edit("\"cgroups\": []", cg), "missing field `iterations_per_worker`", "a cgroup short of a key");
	free(cg);
	expect(edit("\"worst_iterations_per_worker\": 0", "\"worst_iterations_per_worker\": 0, \"ext_metrics\": {\"a\": 1, \"a\": 2.5}"),
	       "", "a repeated key in ext_metrics (last wins)");
	expect(edit("\"worst_iterations_per_worker\": 0", "\"worst_iterations_per_worker\": 0, \"ext_metrics\": null"),
	       "invalid type: null, expected a map", "null ext_metrics");
	expect(edit("\"worst_iterations_per_worker\": 0", "\"worst_iterations_per_worker\": 0, \"ext_metrics\": {\"a\": null}"),
	       "invalid type: null, expected f64", "null in ext_metrics");
	expect(edit("\"worst_iterations_per_worker\": 0", "\"worst_iterations_per_worker\": 0, \"ext_metrics\": {\"\\udc00\": 1}"),
	       "lone surrogate", "a lone surrogate in a map key");

	char *mon = easprintf("\"monitor\": %s", monitor);
	expect(with(mon), "", "a monitor summary");
	free(mon);
	mon = easprintf("\"monitor\": %.*s, \"max_local_dsq_depth\": 2}", (int)strlen(monitor) - 1, monitor);
	expect(with(mon), "duplicate field `max_local_dsq_depth`", "a duplicate in the monitor");
	free(mon);
	mon = easprintf("\"monitor\": %.*s, \"prog_stats_deltas\": []}", (int)strlen(monitor) - 1, monitor);
	expect(with(mon), "", "empty prog_stats_deltas");
	free(mon);
	mon = easprintf("\"monitor\": %.*s, \"event_deltas\": {\"total_fallback\": 1}}", (int)strlen(monitor) - 1, monitor);
	expect(with(mon), "missing field `fallback_rate`", "incomplete event_deltas");
	free(mon);
	mon = easprintf("\"monitor\": %.*s, \"schedstat_deltas\": null}", (int)strlen(monitor) - 1, monitor);
	expect(with(mon), "", "null schedstat_deltas");
	free(mon);

	expect(with("\"stimulus_events\": [{\"elapsed_ms\": 0, \"label\": \"StepStart[0]\"}]"),
	       "duplicate field `stimulus_events`", "stimulus_events given twice");
	expect(edit("\"stimulus_events\": []", "\"stimulus_events\": [{\"elapsed_ms\": 0, \"label\": \"L\","
	                                       " \"total_iterations\": null}]"),
	       "", "a stimulus event with null counters");
	expect(edit("\"stimulus_events\": []", "\"stimulus_events\": [{\"label\": \"L\"}]"),
	       "missing field `elapsed_ms`", "a stimulus event without its time");

	expect(with("\"kvm_stats\": {\"per_vcpu\": [{}, {\"exits\": 3, \"exits\": 4}]}"), "",
	       "kvm stats with an empty vCPU and a repeated stat");
	expect(with("\"kvm_stats\": {}"), "missing field `per_vcpu`", "kvm stats without per_vcpu");
	expect(with("\"kvm_stats\": {\"per_vcpu\": [{\"exits\": -3}]}"),
	       "invalid value: integer `-3`, expected u64", "a negative KVM stat");

	/* Host. */
	expect(with("\"host\": {}"), "", "an empty host");
	expect(with("\"host\": {\"cpufreq_governor\": {\"0\": \"performance\", \"10\": \"powersave\","
	            " \"10\": \"performance\"}, \"sched_tunables\": {}}"),
	       "", "decimal cpufreq keys, a repeated one");
	expect(with("\"host\": {\"cpufreq_governor\": {\"01\": \"performance\"}}"), "invalid value",
	       "a cpufreq key with a leading zero");
	expect(with("\"host\": {\"cpufreq_governor\": {\"x\": \"performance\"}}"), "invalid value",
	       "a cpufreq key that is not a number");
	expect(with("\"host\": {\"cpufreq_governor\": {\"-1\": \"performance\"}}"), "invalid value",
	       "a negative cpufreq key");
	expect(with("\"host\": {\"cpufreq_governor\": {\"0\": 1}}"),
	       "invalid type: integer `1`, expected a string", "a number for a governor");
	expect(with("\"host\": {\"online_cpus\": null, \"arch\": null, \"heap_state\": {\"narenas\": 4}}"),
	       "", "null host members and a heap state");
	expect(with("\"host\": {\"heap_state\": {\"narenas\": 4.5}}"),
	       "invalid type: floating point `4.5`, expected usize", "a fractional narenas");
	expect(with("\"host\": {\"arch\": \"x\", \"arch\": \"y\"}"), "duplicate field `arch`",
	       "a duplicate host key");
	expect(with("\"host\": []"), "invalid type: sequence, expected struct HostContext",
	       "an array for the host");

	/* Enums. */
	static const struct {
		const char *polarity, *source, *stream, *want;
	} en[] = {
		{"\"HigherBetter\"", "\"Json\"", "\"Stdout\"", ""},
		{"{\"TargetValue\": 32.0}", "\"LlmExtract\"", "\"Stderr\"", ""},
		{"{\"LowerBetter\": null}", "{\"Json\": null}", "{\"Synthesized\": null}", ""},
		{"\"Unknown\"", "\"Json\"", "\"Synthesized\"", ""},
		{"\"TargetValue\"", "\"Json\"", "\"Stdout\"", "invalid type: unit variant"},
		{"{\"TargetValue\": null}", "\"Json\"", "\"Stdout\"", "invalid type: null, expected f64"},
		{"\"higherbetter\"", "\"Json\"", "\"Stdout\"", "unknown variant `higherbetter`"},
		{"{}", "\"Json\"", "\"Stdout\"", "invalid value: map, expected map with a single key"},
		{"{\"Unknown\": null, \"LowerBetter\": null}", "\"Json\"", "\"Stdout\"",
		 "invalid value: map"},
		{"{\"LowerBetter\": 1}", "\"Json\"", "\"Stdout\"", "invalid type: integer `1`, expected unit"},
		{"1", "\"Json\"", "\"Stdout\"", "invalid type: integer `1`, expected enum Polarity"},
		{"\"Unknown\"", "\"json\"", "\"Stdout\"", "unknown variant `json`"},
		{"\"Unknown\"", "\"Json\"", "\"stdout\"", "unknown variant `stdout`"},
		{"\"Unknown\"", "\"Json\"", "null", "invalid type: null, expected enum MetricStream"},
	};
	for (size_t i = 0; i < LEN(en); i++) {
		char *m = easprintf("\"metrics\": [{\"payload_index\": 0, \"exit_code\": -1, \"metrics\":"
		                    " [{\"name\": \"n\", \"value\": 1, \"polarity\": %s, \"unit\": \"\","
		                    " \"source\": %s, \"stream\": %s}]}]",
		                    en[i].polarity, en[i].source, en[i].stream);
		expect(edit("\"metrics\": []", m), en[i].want, "a metric with these enum spellings");
		printf("#   (%s, %s, %s)\n", en[i].polarity, en[i].source, en[i].stream);
		free(m);
	}
	expect(edit("\"metrics\": []", "\"metrics\": [{\"payload_index\": 0, \"metrics\": [],"
	                               " \"exit_code\": 2147483648}]"),
	       "invalid value: integer `2147483648`, expected i32", "an exit code past i32");

	/* Syntax and the top level. */
	ok(strncmp(verdict(""), "EOF while parsing a value", 25) == 0, "an empty document: %s", errbuf);
	ok(strncmp(verdict("\xef\xbb\xbf{}"), "expected value at line 1 column 1", 33) == 0,
	   "a BOM is not skipped: %s", errbuf);
	is_str(verdict("[]"), "invalid type: sequence, expected struct SidecarResult at line 1 column 2",
	       "an array at the top level");
	is_str(verdict("{}"), "missing field `test_name` at line 1 column 2",
	       "missing fields carry a position");
	char *trail = easprintf("%s x", minimal);
	ok(strncmp(verdict(trail), "trailing characters", 19) == 0, "trailing bytes: %s", errbuf);
	free(trail);
	char *ws = easprintf(" \t\r\n%s\n\n", minimal);
	is_str(verdict(ws), "", "whitespace around the document");
	free(ws);
}

/*
 * The hash of 0.5.2 and later (ktstr-sidecar(5), FILE NAME): three
 * values pinned in upstream's tests, the three newest-generation fixtures
 * (165 bytes of input for the last), and one whose lists must be sorted.
 */
static void
json_hash_vectors(void)
{
	static char *slice[] = {"sysctl.kernel.sched_cfs_bandwidth_slice_us=1000"}, *nosmt[] = {"nosmt"};
	static char *unsorted_sysctls[] = {"sysctl.b=2", "sysctl.a=1"};
	static char *unsorted_kargs[] = {"nosmt", "isolcpus=2"};
	static const struct {
		const char *topology, *scheduler, *payload, *work_type;
		char **sysctls, **kargs;
		size_t nsysctls, nkargs;
		const char *want;
	} v[] = {
		{"1n2l4c1t", "scx-ktstr", NULL, "SpinWait", slice, nosmt, 1, 1, "5a5b5775a01a425f"},
		{"1n1l1c1t", "eevdf", NULL, "", NULL, NULL, 0, 0, "36ceceea5c2beda7"},
		{"1n1l1c1t", "eevdf", NULL, "SpinWait", NULL, NULL, 0, 0, "16b754f538ba41fd"},
		{"1n2l2c1t", "eevdf", NULL, "SpinWait", NULL, NULL, 0, 0, "9ae94dc0bc46fd51"},
		{"2n4l4c2t", "scx_lavd", NULL, "SpinWait", NULL, NULL, 0, 0, "04a90818e0f59314"},
		{"1n1l2c1t", "scx-ktstr", NULL, "SpinWait", slice, nosmt, 1, 1, "584d14e685dfa532"},
		{"1n2l2c1t", "scx_rusty", "fio", "SpinWait", unsorted_sysctls, unsorted_kargs, 2, 2,
		 "f3739087dc42eb1c"},
	};
	char *flags[] = {"llc", "steal"}, hex[17];

	for (size_t i = 0; i < LEN(v); i++) {
		snprintf(hex, sizeof hex, "%016" PRIx64,
		         sidecar_variant_hash_json(v[i].topology, v[i].scheduler, v[i].payload,
		                                   v[i].work_type, NULL, 0, v[i].sysctls, v[i].nsysctls,
		                                   v[i].kargs, v[i].nkargs));
		is_str(hex, v[i].want, "JSON variant hash vector %zu", i + 1);
	}
	/* Flags add the seventh key of the 0.5.x form, which sorts first. */
	snprintf(hex, sizeof hex, "%016" PRIx64,
	         sidecar_variant_hash_json("1n2l2c1t", "eevdf", NULL, "SpinWait", flags, 2, NULL, 0,
	                                   NULL, 0));
	ok(strcmp(hex, "9ae94dc0bc46fd51") != 0, "flags change the JSON hash");
	is_str(hex, "a3ea35a3fa378f70", "the flagged form hashes {\"active_flags\":[\"llc\",\"steal\"],...}");
}

static void
test_hash(void)
{
	char *flags2[] = {"llc", "steal"};
	char *sysctl[] = {"sysctl.kernel.sched_cfs_bandwidth_slice_us=1000"};
	char *karg[] = {"nosmt"};
	char *sorted[] = {"zeta", "no-ctrl", "steal", "alpha", "llc", "reject-pin", "borrow", "rebal", "llc"};
	const char *want[] = {"llc", "llc", "borrow", "steal", "rebal", "reject-pin", "no-ctrl", "alpha", "zeta"};
	char *name;

	char hex[17];

	snprintf(hex, sizeof hex, "%016" PRIx64,
	         sidecar_variant_hash("1n1l1c1t", "eevdf", NULL, "CpuSpin", NULL, 0, NULL, 0, NULL, 0));
	is_str(hex, "55f6b9881e152f8c", "variant hash vector 1");
	snprintf(hex, sizeof hex, "%016" PRIx64,
	         sidecar_variant_hash("1n2l4c1t", "scx-ktstr", NULL, "CpuSpin", flags2, 2, sysctl, 1,
	                              karg, 1));
	is_str(hex, "bc0f38005915a09f", "variant hash vector 2");
	snprintf(hex, sizeof hex, "%016" PRIx64,
	         sidecar_variant_hash("1n1l1c1t", "eevdf", NULL, "", NULL, 0, NULL, 0, NULL, 0));
	is_str(hex, "1b61394511b42e01", "variant hash vector 3");
	json_hash_vectors();
	is_str((name = sidecar_file_name("t", 0x55f6b9881e152f8cULL)), "t-55f6b9881e152f8c.ktstr.json",
	       "file name of the minimal sidecar");
	free(name);
	is_str((name = sidecar_file_name("x", 0xabcULL)), "x-0000000000000abc.ktstr.json",
	       "hash zero-padded to 16 digits");
	free(name);

	sidecar_sort_flags(sorted, LEN(sorted));
	for (size_t i = 0; i < LEN(sorted); i++)
		is_str(sorted[i], want[i], "canonical flag order, position %zu", i);
}

/* Strings of a JSON array member, as a vector. */
static size_t
strings(const struct sidecar *sc, const char *key, char ***out)
{
	const struct json_value *a = sidecar_get(sc, key);
	size_t n = a ? a->u.arr.n : 0;

	*out = ereallocarray(NULL, n ? n : 1, sizeof **out);
	for (size_t i = 0; i < n; i++)
		(*out)[i] = a->u.arr.items[i].u.str.s;
	return n;
}

static void
test_fixture_names(const struct sidecar_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct sidecar *sc = set->v[i];
		char **f, **s, **k, *name, *base = path_basename(sc->path);
		size_t nf = strings(sc, "active_flags", &f), ns = strings(sc, "sysctls", &s),
		       nk = strings(sc, "kargs", &k);
		uint64_t h = sidecar_variant_hash(sidecar_str(sc, "topology"), sidecar_str(sc, "scheduler"),
		                                  sidecar_str(sc, "payload"), sidecar_str(sc, "work_type"),
		                                  f, nf, s, ns, k, nk);

		name = sidecar_file_name(sidecar_str(sc, "test_name"), h);
		is_str(name, base, "fixture name is its variant hash: %s", sc->path);
		free(name);
		free(base);
		free(f);
		free(s);
		free(k);
	}
}

static void
test_walks(const char *root)
{
	static const char *const order[] = {
		"6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json",
		"6.14-abc1234/cgroup_steady-e76ee826182544b1.ktstr.json",
		"6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json",
		"6.14-abc1234/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json",
		"6.14-abc1234/numa_spread-0c40d85a5019dd4d.ktstr.json",
		"6.14-abc1234/gauntlet-job-3/cgroup_steady-074da016e9dfc526.ktstr.json",
		"6.14-abc1234/gauntlet-job-3/cgroup_steady-9af5ff3a35993979.ktstr.json",
		"6.14-abc1234-dirty/cgroup_steady-158d5b4cb04a5b42.ktstr.json",
		"6.14-abc1234-dirty/cgroup_steady-e76ee826182544b1.ktstr.json",
		"6.14-abc1234-dirty/fio_randread-e9a8f9ab8d1ca062.ktstr.json",
		"7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json",
		"7.0-def5678/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json",
		"7.0-def5678/schbench_latency-ead14fb7efa0ecbd.ktstr.json",
		"7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json",
		"7.0-def5678/.scratch/cgroup_steady-158d5b4cb04a5b42.ktstr.json",
	};
	static const struct {
		const char *run;
		long walked;
		size_t valid, errs;
	} runs[] = {
		{"6.14-abc1234", 7, 7, 0},
		{"6.14-abc1234-dirty", 4, 3, 1},
		{"7.0-def5678", 5, 5, 0},
		{".locks", 0, 0, 0},
	};
	struct sidecar_set set = {0};
	char **names, *s;
	long n;

	is_int(sidecar_walk_pool(root, 0, SIDECAR_QUIET, &set), 16, "the pool walks 16 candidates");
	is_int(set.n, 15, "15 of them are valid");
	is_int(set.nerrs, 1, "one fails");
	if (set.nerrs == 1) {
		ok(strstr(set.errs[0].path, "6.14-abc1234-dirty/pipe_pingpong-1f65a7a7963ff767.ktstr.json") != NULL,
		   "the truncated file is the failure");
		is_int(set.errs[0].io, 0, "as a parse error");
		ok(strstr(set.errs[0].error, " at line ") != NULL, "with a position: %s", set.errs[0].error);
		ok(set.errs[0].enriched == NULL, "not enriched");
	}
	for (size_t i = 0; i < set.n && i < LEN(order); i++) {
		char *want = path_join(root, order[i]);
		char *run = estrndup(order[i], strcspn(order[i], "/"));

		is_str(set.v[i]->path, want, "walk order %zu", i);
		is_str(set.v[i]->run, run, "run of %zu", i);
		ok(!set.v[i]->archive, "not archived");
		free(want);
		free(run);
	}
	test_fixture_names(&set);
	sidecar_set_free(&set);

	for (size_t i = 0; i < LEN(runs); i++) {
		char *dir = path_join(root, runs[i].run);

		is_int(sidecar_walk_run(dir, runs[i].run, 1, SIDECAR_QUIET, &set), runs[i].walked,
		       "%s: candidates", runs[i].run);
		is_int(set.n, runs[i].valid, "%s: valid", runs[i].run);
		is_int(set.nerrs, runs[i].errs, "%s: failures", runs[i].run);
		if (set.n)
			is_str(sidecar_run_source(set.v[0]), "archive", "%s: the archive override", runs[i].run);
		sidecar_set_free(&set);
		free(dir);
	}
	s = path_join(root, "no-such-run");
	is_int(sidecar_walk_run(s, NULL, 0, 0, &set), -1, "a missing run cannot be listed");
	free(s);

	n = sidecar_list_runs(root, &names);
	is_int(n, 3, "three run directories");
	if (n == 3) {
		is_str(names[0], "6.14-abc1234", "run 0");
		is_str(names[1], "6.14-abc1234-dirty", "run 1");
		is_str(names[2], "7.0-def5678", "run 2");
	}
	sidecar_free_names(names, n > 0 ? (size_t)n : 0);

	s = path_join(root, "6.14-abc1234");
	is_int(sidecar_dir_has_candidate(s), 1, "a run directory has candidates");
	free(s);
	is_int(sidecar_dir_has_candidate(root), 0, "the root has none directly");

	is_str((s = sidecar_suggest_run(root, "6.14-abc123")), "6.14-abc1234", "did you mean");
	free(s);
	is_str((s = sidecar_suggest_run(root, "7.1-def5678")), "7.0-def5678", "did you mean, once more");
	free(s);
	is_str((s = sidecar_suggest_run(root, "zzzzzzzzzzzzzzzzzzzzz")), NULL, "no suggestion when far");
	free(s);
	is_str((s = sidecar_suggest_run(root, ".lock")), NULL, "dot directories are not suggested");
	free(s);
	s = sidecar_run_not_found("R", "x");
	is_str(s, "run 'x' not found under R. Run `ktstr-rundir --list` to enumerate available run keys.",
	       "not-found message without a suggestion");
	free(s);
}

static void
test_streams(void)
{
	char path[] = "/tmp/ktstr-sidecar-unit.XXXXXX";
	struct sidecar_set set = {0};
	int fd = mkstemp(path);
	char *oneline = estrdup(minimal), *text;

	for (char *p = oneline; *p; p++)
		if (*p == '\n')
			*p = ' ';
	text = easprintf("\n{\"_path\":\"a/b.ktstr.json\",\"_run\":\"r1\",\"_archive\":true,%s\n\n"
	                 "{\"x\":1}\n%s\n",
	                 oneline + 1, oneline);
	if (!ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "temporary stream"))
		return;
	close(fd);
	is_int(sidecar_read_file(path, SIDECAR_QUIET, &set), 0, "a stream reads");
	is_int(set.n, 2, "two valid lines");
	is_int(set.nerrs, 1, "one bad line");
	if (set.n == 2 && set.nerrs == 1) {
		is_str(set.v[0]->path, "a/b.ktstr.json", "_path is honoured");
		is_str(set.v[0]->run, "r1", "_run is honoured");
		is_int(set.v[0]->archive, 1, "_archive is honoured");
		is_int(set.v[0]->line, 2, "line number");
		is_str(set.v[1]->path, path, "no _path: the file's name");
		ok(set.v[1]->run == NULL && !set.v[1]->archive, "no _run, no _archive");
		is_int(set.v[1]->line, 5, "line number");
		char *want = easprintf("%s:4", path);
		is_str(set.errs[0].path, want, "bad line named with its number");
		free(want);
	}
	sidecar_set_free(&set);

	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, minimal, strlen(minimal)) == (ssize_t)strlen(minimal), "a pretty sidecar");
	close(fd);
	is_int(sidecar_read_file(path, SIDECAR_QUIET, &set), 0, "one document reads");
	is_int(set.n, 1, "as one sidecar");
	sidecar_set_free(&set);

	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, "{\"a\": 1}\n", 9) == 9, "one line that is not a sidecar");
	close(fd);
	sidecar_read_file(path, SIDECAR_QUIET, &set);
	ok(set.n == 0 && set.nerrs == 1, "is one failed document");
	if (set.nerrs == 1)
		is_str(set.errs[0].path, path, "named without a line number");
	sidecar_set_free(&set);

	/* Found by t/fuzz/json.c: a NUL byte inside a later line of a stream. */
	static const char nul[] = "{\"a\": 1}\n\"x\0yyyyyyyyyyyy\n";
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, nul, sizeof nul - 1) == (ssize_t)sizeof nul - 1, "a stream with a NUL byte");
	close(fd);
	sidecar_read_file(path, SIDECAR_QUIET, &set);
	ok(set.n == 0 && set.nerrs == 2, "two failed lines, read within bounds");
	sidecar_set_free(&set);

	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, "\n \n", 3) == 3, "a blank file");
	close(fd);
	is_int(sidecar_read_file(path, SIDECAR_QUIET, &set), 0, "a blank file reads");
	ok(set.n == 0 && set.nerrs == 0, "as nothing");
	sidecar_set_free(&set);

	fd = open(path, O_WRONLY | O_TRUNC);
	ok(write(fd, "{\"a\":\n\xff}", 8) == 8, "invalid UTF-8");
	close(fd);
	sidecar_read_file(path, SIDECAR_QUIET, &set);
	ok(set.nerrs == 1 && set.errs[0].io, "invalid UTF-8 is a read failure");
	if (set.nerrs == 1)
		is_str(set.errs[0].error, "stream did not contain valid UTF-8", "with Rust's message");
	sidecar_set_free(&set);
	unlink(path);

	is_int(sidecar_read_file(path, SIDECAR_QUIET, &set), -1, "a missing file");
	if (set.nerrs == 1)
		is_str(set.errs[0].error, "No such file or directory (os error 2)", "io error rendering");
	sidecar_set_free(&set);
	free(oneline);
	free(text);
}

static void
test_inputs(const char *root)
{
	struct sidecar_set set = {0};
	char *run = path_join(root, "7.0-def5678");
	char *file = path_join(root, "6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json");
	char *ops[] = {run, file, "/nonexistent/x.ktstr.json"};
	char *source, *want;

	sidecar_load_inputs(NULL, ops, LEN(ops), SIDECAR_QUIET, &set, &source);
	want = easprintf("%s, %s, /nonexistent/x.ktstr.json", run, file);
	is_str(source, want, "{source} names every input");
	is_int(set.n, 6, "a run directory operand and a file operand");
	if (set.n == 6) {
		is_str(set.v[0]->run, "7.0-def5678", "the run operand is named by its last component");
		is_str(sidecar_run_source(set.v[0]), "archive", "and is an explicit root");
		ok(set.v[5]->run == NULL, "a file has no run");
		is_str(sidecar_run_source(set.v[5]), "local", "and keeps its run_source");
	}
	is_int(set.nerrs, 1, "a missing operand is one failure");
	free(want);
	free(source);
	sidecar_set_free(&set);

	sidecar_load_inputs(root, NULL, 0, SIDECAR_QUIET, &set, &source);
	is_str(source, root, "--dir is the source");
	ok(set.n == 15 && set.nerrs == 1, "--dir reads the pool");
	is_str(set.n ? sidecar_run_source(set.v[0]) : NULL, "archive", "as an explicit root");
	free(source);
	sidecar_set_free(&set);
	free(run);
	free(file);
}

static void
test_runs_root(void)
{
	char *r;

	unsetenv("CARGO_TARGET_DIR");
	is_str((r = sidecar_runs_root()), "target/ktstr", "default runs root");
	free(r);
	setenv("CARGO_TARGET_DIR", "", 1);
	is_str((r = sidecar_runs_root()), "target/ktstr", "empty CARGO_TARGET_DIR");
	free(r);
	setenv("CARGO_TARGET_DIR", "/tmp/x/", 1);
	is_str((r = sidecar_runs_root()), "/tmp/x/ktstr", "no doubled slash");
	free(r);
	unsetenv("CARGO_TARGET_DIR");
}

int
main(void)
{
	const char *top = getenv("KTSTR_TOP");
	char *root = easprintf("%s/t/fixtures/sidecars", top ? top : ".");

	test_candidates();
	test_validation();
	test_hash();
	test_walks(root);
	test_streams();
	test_inputs(root);
	test_runs_root();
	free(root);
	return done_testing();
}
