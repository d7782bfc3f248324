/*
 * The required members of each upstream generation, written down here
 * apart from lib/sidecar's schema table, so that what ktstr-test writes
 * is checked against a second reading of upstream's structs.
 *
 *   generations.t                  TAP: the checker against the fixtures
 *   generations.t GEN FILE...      check files as GEN (G0, G1, G2) requires;
 *                                  exit 1 on a defect, each one printed
 *
 * Kind codes: s string, u unsigned integer, i integer, f number, b
 * boolean, a array, o object, x string or object (an enum); a trailing
 * '?' allows null or absence, '-' absence only.  G2 also checks the file
 * name against the newest variant hash (a file with flags may carry the
 * 0.5 form that hashed them too); every generation wants no trailing
 * newline (serde_json writes none).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "tap.h"
#include "util/util.h"

struct spec {
	const char *name, *kind;
};

#define END {NULL, NULL}

/* SidecarResult */
static const struct spec top0[] = {
	{"test_name", "s"}, {"topology", "s"}, {"scheduler", "s"}, {"scheduler_commit", "s?"},
	{"project_commit", "s?"}, {"payload", "s?"}, {"metrics", "a"}, {"passed", "b"},
	{"skipped", "b"}, {"stats", "o"}, {"monitor", "o?"}, {"stimulus_events", "a"},
	{"work_type", "s"}, {"active_flags", "a"}, {"verifier_stats", "a"}, {"kvm_stats", "o?"},
	{"sysctls", "a"}, {"kargs", "a"}, {"kernel_version", "s?"}, {"kernel_commit", "s?"},
	{"timestamp", "s"}, {"run_id", "s"}, {"host", "o?"}, {"cleanup_duration_ms", "u?"},
	{"run_source", "s?"}, END,
};
static const struct spec top1[] = {
	{"test_name", "s"}, {"topology", "s"}, {"scheduler", "s"}, {"scheduler_commit", "s?"},
	{"project_commit", "s?"}, {"payload", "s?"}, {"metrics", "a"}, {"passed", "b"},
	{"skipped", "b"}, {"stats", "o"}, {"monitor", "o?"}, {"stimulus_events", "a"},
	{"work_type", "s"}, {"verifier_stats", "a"}, {"kvm_stats", "o?"}, {"sysctls", "a"},
	{"kargs", "a"}, {"kernel_version", "s?"}, {"kernel_commit", "s?"}, {"timestamp", "s"},
	{"run_id", "s"}, {"host", "o?"}, {"cleanup_duration_ms", "u?"}, {"run_source", "s?"}, END,
};
static const struct spec top2[] = {
	{"test_name", "s"}, {"topology", "s"}, {"scheduler", "s"}, {"scheduler_commit", "s?"},
	{"resolve_source", "s?"}, {"project_commit", "s?"}, {"payload", "s?"}, {"metrics", "a"},
	{"passed", "b"}, {"skipped", "b"}, {"inconclusive", "b"}, {"expected_failure", "b"},
	{"stats", "o"}, {"monitor", "o?"}, {"periodic_fired", "u"}, {"periodic_target", "u"},
	{"vcpus", "u"}, {"cpu_budget", "u"}, {"host_dilation", "f?"},
	{"throughput_denomination", "s-"}, {"stimulus_events", "a"}, {"work_type", "s"},
	{"verifier_stats", "a"}, {"kvm_stats", "o?"}, {"sysctls", "a"}, {"kargs", "a"},
	{"kernel_version", "s?"}, {"kernel_commit", "s?"}, {"timestamp", "s"}, {"run_id", "s"},
	{"host", "o?"}, {"cleanup_duration_ms", "u?"}, {"run_source", "s?"},
	{"perf_delta_assertions", "a"}, END,
};

/* ScenarioStats */
#define ROLLUPS                                                                              \
	{"worst_p99_wake_latency_us", "f"}, {"worst_median_wake_latency_us", "f"},           \
	{"worst_wake_latency_cv", "f"}, {"worst_mean_run_delay_us", "f"},                    \
	{"worst_run_delay_us", "f"}, {"worst_page_locality", "f"},                           \
	{"worst_cross_node_migration_ratio", "f"}, {"worst_wake_latency_tail_ratio", "f"},   \
	{"worst_iterations_per_worker", "f"}
#define STATS_CORE                                                                          \
	{"cgroups", "a"}, {"total_workers", "u"}, {"total_cpus", "u"},                      \
	{"total_migrations", "u"}, {"worst_spread", "f"}, {"worst_gap_ms", "u"},            \
	{"worst_gap_cpu", "u"}, {"worst_migration_ratio", "f"}, {"total_iterations", "u"}
static const struct spec stats01[] = {STATS_CORE, ROLLUPS, {"ext_metrics", "o-"}, END};
static const struct spec stats2[] = {STATS_CORE, {"ext_metrics", "o"}, {"phases", "a-"}, END};

/* CgroupStats */
#define CGROUP_CORE                                                                          \
	{"num_workers", "u"}, {"num_cpus", "u"}, {"max_gap_ms", "u"}, {"max_gap_cpu", "u"},  \
	{"total_migrations", "u"}, {"migration_ratio", "f"}, {"p99_wake_latency_us", "f"},   \
	{"median_wake_latency_us", "f"}, {"wake_latency_cv", "f"}, {"total_iterations", "u"}, \
	{"mean_run_delay_us", "f"}, {"worst_run_delay_us", "f"}, {"page_locality", "f"},     \
	{"cross_node_migration_ratio", "f"}
#define OFF_CPU(k) {"avg_off_cpu_pct", k}, {"min_off_cpu_pct", k}, {"max_off_cpu_pct", k}, {"spread", k}
static const struct spec cgroup0[] = {
	CGROUP_CORE, OFF_CPU("f"), {"wake_latency_tail_ratio", "f"}, {"iterations_per_worker", "f"},
	{"ext_metrics", "o-"}, END,
};
static const struct spec cgroup1[] = {CGROUP_CORE, OFF_CPU("f"), {"ext_metrics", "o-"}, END};
static const struct spec cgroup2[] = {
	CGROUP_CORE, OFF_CPU("f?"), {"cgroup_name", "s"}, {"cpus_used", "a"},
	{"wake_measured", "b"}, {"median_timer_latency_us", "f"}, {"p99_timer_latency_us", "f"},
	{"p999_timer_latency_us", "f"}, {"worst_timer_latency_us", "f"}, {"timer_measured", "b"},
	{"total_cpu_time_ns", "u"}, {"run_delay_measured", "b"}, {"taobench_whole", "o?"},
	{"ext_metrics", "o"}, END,
};

/* MonitorSummary */
#define MONITOR_CORE                                                                       \
	{"total_samples", "u"}, {"max_imbalance_ratio", "f"}, {"max_local_dsq_depth", "u"}, \
	{"avg_imbalance_ratio", "f"}, {"avg_nr_running", "f"}, {"avg_local_dsq_depth", "f"}, \
	{"event_deltas", "o?"}, {"schedstat_deltas", "o?"}, {"prog_stats_deltas", "a?"}
static const struct spec monitor0[] = {MONITOR_CORE, {"stall_detected", "b"}, END};
static const struct spec monitor1[] = {MONITOR_CORE, {"stuck_detected", "b"}, END};
static const struct spec monitor2[] = {
	MONITOR_CORE, {"stuck_count", "u"}, {"avg_irq_util", "f?"}, {"max_avg_irq_util", "f?"},
	{"psi_irq_full_avg10", "f?"}, {"total_irq_pressure_us", "f?"}, END,
};

/* The structs every generation has alike. */
static const struct spec payload[] = {{"payload_index", "u"}, {"metrics", "a"}, {"exit_code", "i"}, END};
static const struct spec metric[] = {
	{"name", "s"}, {"value", "f"}, {"polarity", "x"}, {"unit", "s"}, {"source", "s"},
	{"stream", "s"}, END,
};
static const struct spec stimulus[] = {
	{"elapsed_ms", "u"}, {"label", "s"}, {"op_kind", "s?"}, {"detail", "s?"},
	{"total_iterations", "u?"}, END,
};
static const struct spec verifier[] = {{"name", "s"}, {"verified_insns", "u"}, END};
static const struct spec perf_delta[] = {
	{"metric", "s"}, {"direction", "x?"}, {"max_regression_pct", "f?"}, {"min_abs", "f?"},
	{"phase", "u?"}, END,
};

static const struct {
	const struct spec *top, *stats, *cgroup, *monitor;
	int informational; /* the Informational polarity */
} gens[] = {
	{top0, stats01, cgroup0, monitor0, 0},
	{top1, stats01, cgroup1, monitor1, 0},
	{top2, stats2, cgroup2, monitor2, 1},
};

static int
kind_ok(char k, const struct json_value *v)
{
	switch (k) {
	case 's':
		return v->type == JSON_STRING;
	case 'u':
		return v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_INT) &&
		       (v->u.num.flags & JSON_NUM_U64);
	case 'i':
		return v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_INT) &&
		       (v->u.num.flags & JSON_NUM_I64);
	case 'f':
		return v->type == JSON_NUMBER;
	case 'b':
		return v->type == JSON_BOOL;
	case 'a':
		return v->type == JSON_ARRAY;
	case 'o':
		return v->type == JSON_OBJECT;
	default: /* 'x' */
		return v->type == JSON_STRING || v->type == JSON_OBJECT;
	}
}

/* Appends one line per defect of obj against table; where names the place. */
static void
check(const struct json_value *obj, const struct spec *table, const char *where, struct buf *defects)
{
	if (obj->type != JSON_OBJECT) {
		buf_printf(defects, "%s: not an object\n", where);
		return;
	}
	for (const struct spec *s = table; s->name; s++) {
		const struct json_value *v = json_get(obj, s->name);
		char opt = s->kind[1];

		if (v == NULL) {
			if (!opt)
				buf_printf(defects, "%s: missing required member %s\n", where, s->name);
		} else if (v->type == JSON_NULL) {
			if (opt != '?')
				buf_printf(defects, "%s.%s: null not allowed\n", where, s->name);
		} else if (!kind_ok(s->kind[0], v)) {
			buf_printf(defects, "%s.%s: wrong JSON type %s\n", where, s->name,
			           json_type_name(v->type));
		}
	}
}

/* Each element of obj's array member key against table. */
static void
each(const struct json_value *obj, const char *key, const struct spec *table, const char *where,
     struct buf *defects)
{
	const struct json_value *a = json_get(obj, key);

	for (size_t i = 0; a && a->type == JSON_ARRAY && i < a->u.arr.n; i++) {
		char *w = easprintf("%s.%s[%zu]", where, key, i);

		check(&a->u.arr.items[i], table, w, defects);
		free(w);
	}
}

static void
polarities(const struct json_value *root, int informational, struct buf *defects)
{
	static const char *const known[] = {"HigherBetter", "LowerBetter", "Unknown", "Informational"};
	const struct json_value *pm = json_get(root, "metrics");

	for (size_t i = 0; pm && pm->type == JSON_ARRAY && i < pm->u.arr.n; i++) {
		const struct json_value *ms = json_get(&pm->u.arr.items[i], "metrics");

		for (size_t j = 0; ms && ms->type == JSON_ARRAY && j < ms->u.arr.n; j++) {
			const struct json_value *p = json_get(&ms->u.arr.items[j], "polarity");
			size_t k, n = informational ? 4 : 3;

			if (p == NULL || p->type != JSON_STRING)
				continue; /* {"TargetValue": x} */
			for (k = 0; k < n && strcmp(p->u.str.s, known[k]) != 0; k++)
				;
			if (k == n)
				buf_printf(defects, "$.metrics[%zu].metrics[%zu].polarity: unknown variant %s\n",
				           i, j, p->u.str.s);
		}
	}
}

static void
strings_of(const struct json_value *a, struct json_writer *w)
{
	char **v = ereallocarray(NULL, a->u.arr.n + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < a->u.arr.n; i++)
		if (a->u.arr.items[i].type == JSON_STRING)
			v[n++] = a->u.arr.items[i].u.str.s;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_string(w, v[i]);
	jw_array_end(w);
	free(v);
}

/*
 * The newest variant hash's input, built here from the members; with
 * flags, the seven-key form of the 0.5 versions that still had them.
 */
static uint64_t
newest_hash(const struct json_value *root, int with_flags)
{
	static const char *const keys[] = {"active_flags", "kargs", "payload", "scheduler",
	                                   "sysctls", "topology", "work_type"};
	struct json_writer w;
	uint64_t h;

	jw_init(&w, 0);
	jw_object_begin(&w);
	for (size_t i = !with_flags; i < LEN(keys); i++) {
		if (i == 0) {
			const struct json_value *f = json_get(root, "active_flags");

			jw_key(&w, keys[0]);
			jw_array_begin(&w);
			for (size_t k = 0; f && f->type == JSON_ARRAY && k < f->u.arr.n; k++)
				jw_string(&w, f->u.arr.items[k].u.str.s);
			jw_array_end(&w);
			continue;
		}
		const struct json_value *v = json_get(root, keys[i]);

		jw_key(&w, keys[i]);
		if (v && v->type == JSON_ARRAY)
			strings_of(v, &w);
		else if (v && v->type == JSON_STRING)
			jw_string(&w, v->u.str.s);
		else
			jw_null(&w);
	}
	jw_object_end(&w);
	h = sidecar_siphash13(0, 0, w.s, w.len);
	jw_free(&w);
	return h;
}

/* Every defect of the sidecar text as generation g requires it, one line each. */
static void
defects_of(const char *path, const char *text, size_t len, int g, struct buf *d)
{
	struct json_doc doc = {0};
	const struct json_value *root, *st, *mon, *cg;

	if (json_parse(&doc, text, len, 0, NULL) < 0) {
		buf_puts(d, "not JSON\n");
		json_doc_free(&doc);
		return;
	}
	root = doc.root;
	check(root, gens[g].top, "$", d);
	if ((st = json_get(root, "stats")) && st->type == JSON_OBJECT) {
		check(st, gens[g].stats, "$.stats", d);
		each(st, "cgroups", gens[g].cgroup, "$.stats", d);
		(void)cg;
	}
	if ((mon = json_get(root, "monitor")) && mon->type == JSON_OBJECT)
		check(mon, gens[g].monitor, "$.monitor", d);
	each(root, "metrics", payload, "$", d);
	for (size_t i = 0; (cg = json_get(root, "metrics")) && cg->type == JSON_ARRAY && i < cg->u.arr.n; i++) {
		char *w = easprintf("$.metrics[%zu]", i);

		each(&cg->u.arr.items[i], "metrics", metric, w, d);
		free(w);
	}
	polarities(root, gens[g].informational, d);
	each(root, "stimulus_events", stimulus, "$", d);
	each(root, "verifier_stats", verifier, "$", d);
	if (g == 2) {
		const struct json_value *tn = json_get(root, "test_name"), *f = json_get(root, "active_flags");
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		const char *name = tn && tn->type == JSON_STRING ? tn->u.str.s : "";
		int flags = f && f->type == JSON_ARRAY && f->u.arr.n > 0;
		char *want = easprintf("%s-%016" PRIx64 ".ktstr.json", name, newest_hash(root, 0));
		char *flagged = easprintf("%s-%016" PRIx64 ".ktstr.json", name, newest_hash(root, 1));

		each(root, "perf_delta_assertions", perf_delta, "$", d);
		if (strcmp(base, want) != 0 && !(flags && strcmp(base, flagged) == 0))
			buf_printf(d, "file name %s, the newest variant hash gives %s\n", base, want);
		free(want);
		free(flagged);
	}
	if (len > 0 && text[len - 1] == '\n')
		buf_puts(d, "trailing newline (upstream writes none)\n");
	json_doc_free(&doc);
}

static int
defects_in(const char *path, int g, struct buf *d)
{
	struct buf text = BUF_INIT;

	if (read_file(path, &text, 0) < 0)
		die("cannot read %s:", path);
	buf_reset(d);
	defects_of(path, text.s, text.len, g, d);
	buf_free(&text);
	return d->len > 0;
}

static int
gen_of(const char *s)
{
	return strcmp(s, "G0") == 0 ? 0 : strcmp(s, "G1") == 0 ? 1 : strcmp(s, "G2") == 0 ? 2 : -1;
}

static int
check_files(int g, char **files, int n)
{
	struct buf d = BUF_INIT;
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int fail = defects_in(files[i], g, &d);

		printf("%s %s\n", fail ? "FAIL" : "OK  ", files[i]);
		if (fail)
			printf("%s", d.s);
		bad |= fail;
	}
	buf_free(&d);
	return bad;
}

/* The first defect of a fixture as g requires it ("" when none). */
static const char *
first_defect(const char *fixture, int g)
{
	static struct buf d;
	const char *top = getenv("KTSTR_TOP");
	char *path = easprintf("%s/t/fixtures/%s", top ? top : ".", fixture), *nl;

	defects_in(path, g, &d);
	free(path);
	if ((nl = d.s ? strchr(d.s, '\n') : NULL) != NULL)
		*nl = '\0';
	return d.s ? d.s : "";
}

static void
self_test(void)
{
	int g;

	static const char g0[] = "sidecars/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json";
	static const char g1[] = "generations/g1/6.15-1a2b3c4/cgroup_steady-9ae94dc0bc46fd51.ktstr.json";
	static const char g2[] = "generations/g2/6.14.2-abc1234/cgroup_steady-9ae94dc0bc46fd51.ktstr.json";
	static const char u[] = "generations/union/cgroup_steady-9ae94dc0bc46fd51.ktstr.json";

	is_str(first_defect(g0, 0), "", "a 0.4.9 fixture: what 0.4.9 requires");
	is_str(first_defect(g0, 1), "$.monitor: missing required member stuck_detected",
	       "0.5.2 wants stuck_detected");
	is_str(first_defect(g0, 2), "$: missing required member inconclusive",
	       "the newest wants its own members");
	is_str(first_defect(g1, 1), "", "a 0.5.2 fixture: what 0.5.2 requires");
	is_str(first_defect(g1, 0), "$: missing required member active_flags", "0.4.9 wants flags");
	is_str(first_defect(g2, 2), "", "a newest fixture, its name its hash");
	is_str(first_defect(g2, 0), "$: missing required member active_flags",
	       "0.4.9 refuses the newest shape");
	is_str(first_defect(g2, 1), "$.stats: missing required member worst_p99_wake_latency_us",
	       "0.5.2 wants the typed roll-ups");
	for (g = 0; g < 3; g++)
		ok(*first_defect(u, g) == '\0', "the union object is what G%d requires", g);
}

int
main(int argc, char *argv[])
{
	int g;

	if (argc > 1) {
		if (argc < 3 || (g = gen_of(argv[1])) < 0)
			die("usage: %s G0|G1|G2 FILE...", argv[0]);
		return check_files(g, argv + 2, argc - 2);
	}
	self_test();
	return done_testing();
}
