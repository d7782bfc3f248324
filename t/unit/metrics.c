/* Unit tests for lib/compare/compare_metrics: the registries, sidecar -> row, compare_metric_read. */
#include <math.h>

#include "compare/compare_metrics.h"
#include "tap.h"
#include "util/util.h"

#define REG04 (&compare_registries[REGISTRY_04])

/* The minimal sidecar of the end-to-end example (t0300), with holes to fill. */
static const char tmpl[] =
	"{\"test_name\":\"steady\",\"topology\":\"1n1l2c1t\",\"scheduler\":\"scx_rusty\","
	"\"scheduler_commit\":null,\"project_commit\":%s,\"payload\":null,"
	"\"metrics\":[],\"passed\":true,\"skipped\":false,"
	"\"stats\":{\"cgroups\":[],\"total_workers\":2,\"total_cpus\":2,\"total_migrations\":7,"
	"\"worst_spread\":10.5,\"worst_gap_ms\":100,\"worst_gap_cpu\":0,"
	"\"worst_migration_ratio\":0.25,\"worst_p99_wake_latency_us\":61.5,"
	"\"worst_median_wake_latency_us\":10.5,\"worst_wake_latency_cv\":0.66,"
	"\"total_iterations\":%s,\"worst_mean_run_delay_us\":28.4,"
	"\"worst_run_delay_us\":702.0,\"worst_page_locality\":0.9,"
	"\"worst_cross_node_migration_ratio\":0.125,"
	"\"worst_wake_latency_tail_ratio\":5.85,\"worst_iterations_per_worker\":475.5%s},"
	"\"monitor\":%s,\"stimulus_events\":[],\"work_type\":\"CpuSpin\","
	"\"active_flags\":[\"steal\",\"llc\"],\"verifier_stats\":[],\"kvm_stats\":null,\"sysctls\":[],"
	"\"kargs\":[],\"kernel_version\":\"6.14.2\",\"kernel_commit\":null,"
	"\"timestamp\":\"2025-01-01T00:00:00Z\",\"run_id\":\"r\","
	"\"host\":null,\"cleanup_duration_ms\":null,\"run_source\":\"local\"}";

static const char monitor[] =
	"{\"total_samples\":4,\"max_imbalance_ratio\":2.5,\"max_local_dsq_depth\":8,"
	"\"stall_detected\":true,\"avg_imbalance_ratio\":1.0,\"avg_nr_running\":1.0,"
	"\"avg_local_dsq_depth\":1.0,\"event_deltas\":{\"total_fallback\":15,"
	"\"total_dispatch_keep_last\":2210}}";

struct fixture {
	char *text;
	struct json_doc doc;
	struct row row;
};

static void
load(struct fixture *fx, const char *commit, const char *iters, const char *ext, const char *mon,
     int archive)
{
	struct json_error err;

	fx->text = easprintf(tmpl, commit, iters, ext, mon);
	fx->doc = (struct json_doc){0};
	if (json_parse(&fx->doc, fx->text, strlen(fx->text), 0, &err) < 0) {
		printf("# template does not parse: %s\n", err.msg);
		exit(1);
	}
	compare_row_from_json(&fx->row, fx->doc.root, archive);
}

static void
unload(struct fixture *fx)
{
	compare_row_free(&fx->row);
	json_doc_free(&fx->doc);
	free(fx->text);
}

static void
registry(void)
{
	static const char *const names[NMETRICS] = {
		"worst_spread", "worst_gap_ms", "total_migrations", "worst_migration_ratio",
		"max_imbalance_ratio", "max_dsq_depth", "stall_count", "total_fallback",
		"total_keep_last", "worst_p99_wake_latency_us", "worst_median_wake_latency_us",
		"worst_wake_latency_cv", "total_iterations", "worst_mean_run_delay_us",
		"worst_run_delay_us", "worst_wake_latency_tail_ratio", "worst_iterations_per_worker",
		"worst_page_locality", "worst_cross_node_migration_ratio",
	};
	size_t i;

	for (i = 0; i < NMETRICS; i++)
		is_str(compare_metrics[i].name, names[i], "registry #%zu is %s", i + 1, names[i]);
	ok(compare_registry_find(REG04, "worst_gap_ms") == &compare_metrics[M_GAP_MS], "lookup by name");
	ok(compare_registry_find(REG04, "Worst_gap_ms") == NULL, "lookup is case-sensitive");
	ok(compare_registry_find(REG04, "worst_gap") == NULL, "lookup is exact");
	ok(compare_metrics[M_ITERATIONS].polarity == HIGHER_BETTER &&
	       compare_metrics[M_ITER_PER_WORKER].polarity == HIGHER_BETTER &&
	       compare_metrics[M_PAGE_LOCALITY].polarity == HIGHER_BETTER,
	   "the three higher-is-better metrics");
	is_str(compare_metrics[M_P99_WAKE].unit, "\xc2\xb5s", "µs is U+00B5 + s");
}

/* The registries of 0.5.2 and the newest against 0.4.9's (ktstr-compare(1), Metrics). */
static void
registries(void)
{
	const struct registry *r05 = compare_registry_named("0.5"), *nw = compare_registry_named("newest");
	size_t i, info = 0, ext_first = 0, suppressed = 0, phase = 0, denominated = 0;

	ok(compare_registry_named("0.4") == REG04 && compare_registry_named("0.4.9") == NULL &&
	       compare_registry_named("auto") == NULL,
	   "registries by name");
	ok(compare_registry_of(SIDECAR_G0) == REG04 && compare_registry_of(SIDECAR_G1) == r05 &&
	       compare_registry_of(SIDECAR_G2) == nw,
	   "a generation's registry");
	is_int(r05->n, 19, "0.5.2: 19 metrics");
	for (i = 0; i < NMETRICS; i++)
		ok(r05->m[i].field == (signed char)i && r05->m[i].default_abs == compare_metrics[i].default_abs &&
		       r05->m[i].default_rel == compare_metrics[i].default_rel &&
		       r05->m[i].polarity == compare_metrics[i].polarity && r05->m[i].kind != KIND_NONE &&
		       (i == M_STALLS || strcmp(r05->m[i].name, compare_metrics[i].name) == 0),
		   "0.5.2 #%zu: 0.4.9's gates, with a kind", i + 1);
	is_str(r05->m[M_STALLS].name, "stuck_count", "0.5.2 renamed stall_count");
	ok(compare_registry_find(REG04, "stuck_count") == &compare_metrics[M_STALLS] &&
	       compare_registry_find(r05, "stall_count") == &r05->m[M_STALLS],
	   "the old and the new name find one metric");
	is_int(nw->n, 172, "newest: 172 metrics");
	for (i = 0; i < nw->n; i++) {
		info += nw->m[i].polarity == INFORMATIONAL;
		ext_first += (nw->m[i].flags & METRIC_EXT_FIRST) != 0;
		suppressed += (nw->m[i].flags & METRIC_SUPPRESSED) != 0;
		phase += (nw->m[i].flags & METRIC_PHASE) != 0;
		denominated += (nw->m[i].flags & METRIC_DENOMINATED) != 0;
		ok(compare_registry_find(nw, nw->m[i].name) == &nw->m[i], "newest #%zu found: %s", i + 1,
		   nw->m[i].name);
		if (nw->m[i].kind == KIND_RATE)
			ok(compare_registry_find(nw, nw->m[i].arg[0]) && compare_registry_find(nw, nw->m[i].arg[1]),
			   "%s: both components registered", nw->m[i].name);
	}
	is_int(info, 41, "newest: 41 informational");
	is_int(ext_first, 9, "newest: the nine roll-ups read ext_metrics first");
	is_int(suppressed, 12, "newest: 12 suppressed rate components");
	is_int(phase, 49, "newest: 49 per-phase metrics");
	is_int(denominated, 5, "newest: 5 throughput rates");
	ok(compare_registry_find(nw, "total_migrations")->default_abs == 2 &&
	       compare_registry_find(nw, "total_iterations")->default_abs == 2,
	   "newest gates: total_migrations and total_iterations abs 2");
	ok(compare_registry_find(nw, "worst_p99_wake_latency_us")->field == M_P99_WAKE,
	   "a roll-up's typed fallback");
	ok(!compare_metric_compared(compare_registry_find(nw, "total_taobench_ops")) &&
	       !compare_metric_compared(compare_registry_find(nw, "wakeup_p50_latency_us")) &&
	       compare_metric_compared(compare_registry_find(nw, "total_run_delay")),
	   "suppressed and per-phase metrics are not compared");
	ok(compare_metric_alias("stall_count") && strcmp(compare_metric_alias("stuck_count"), "stall_count") == 0 &&
	       compare_metric_alias("worst_spread") == NULL,
	   "aliases");
}

static void
derive(void)
{
	struct fixture fx;
	double v;

	load(&fx, "\"abc1234\"", "1000", "", monitor, 0);
	is_str(fx.row.scenario, "steady", "scenario from test_name");
	is_str(fx.row.commit, "abc1234", "commit from project_commit");
	ok(fx.row.kernel_commit == NULL, "null kernel_commit is None");
	is_str(fx.row.run_source, "local", "run_source as stored");
	is_int(fx.row.nflags, 2, "flags kept");
	is_str(fx.row.flags[0], "steal", "flags in stored order");
	ok(fx.row.passed && !fx.row.skipped, "passed, not skipped");
	ok(fx.row.f[M_SPREAD] == 10.5, "spread");
	ok(fx.row.f[M_GAP_MS] == 100, "gap_ms");
	ok(fx.row.f[M_MIGRATIONS] == 7, "migrations");
	ok(fx.row.f[M_MIGRATION_RATIO] == 0.25, "migration ratio");
	ok(fx.row.f[M_IMBALANCE] == 2.5, "imbalance from monitor");
	ok(fx.row.f[M_DSQ_DEPTH] == 8, "dsq depth from monitor");
	ok(fx.row.f[M_STALLS] == 1, "stall_detected true -> 1");
	ok(fx.row.f[M_FALLBACK] == 15, "fallback from event_deltas");
	ok(fx.row.f[M_KEEP_LAST] == 2210, "keep_last from event_deltas");
	ok(fx.row.f[M_P99_WAKE] == 61.5 && fx.row.f[M_MEDIAN_WAKE] == 10.5 &&
	       fx.row.f[M_WAKE_CV] == 0.66,
	   "wake latency fields");
	ok(fx.row.f[M_ITERATIONS] == 1000, "total_iterations");
	ok(fx.row.f[M_MEAN_RUN_DELAY] == 28.4 && fx.row.f[M_RUN_DELAY] == 702.0, "run delays");
	ok(fx.row.f[M_TAIL_RATIO] == 5.85, "tail ratio");
	ok(fx.row.f[M_ITER_PER_WORKER] == 475.5, "iterations per worker");
	ok(fx.row.f[M_PAGE_LOCALITY] == 0.9, "page locality");
	ok(fx.row.f[M_CROSS_NODE] == 0.125, "cross-node migration ratio");
	ok(compare_metric_read(&compare_metrics[M_TAIL_RATIO], &fx.row, &v) && v == 5.85,
	   "tail ratio read at 1000 iterations");
	ok(fx.row.carries == ROW_CARRIES_FLAGS && strcmp(fx.row.budget, "none") == 0,
	   "0.4.9: active_flags carried, no budget");
	ok(fx.row.gen == SIDECAR_G0 && fx.row.denom == SIDECAR_WALL, "0.4.9, wall-clock throughput");
	ok(compare_row_ext(&fx.row, "avg_nr_running") && compare_row_ext(&fx.row, "avg_nr_running")->value == 1.0,
	   "the monitor's avg_nr_running read as the newest registry reads it");
	ok(compare_row_ext(&fx.row, "total_run_delay") == NULL, "no schedstat deltas: none of theirs");
	unload(&fx);

	load(&fx, "null", "1000", "", "null", 1);
	ok(fx.row.commit == NULL, "null project_commit is None");
	is_str(fx.row.run_source, "archive", "archive override");
	ok(fx.row.f[M_IMBALANCE] == 0 && fx.row.f[M_DSQ_DEPTH] == 0 && fx.row.f[M_STALLS] == 0 &&
	       fx.row.f[M_FALLBACK] == 0 && fx.row.f[M_KEEP_LAST] == 0,
	   "no monitor: monitor fields 0");
	unload(&fx);

	load(&fx, "null", "1000", "",
	     "{\"max_imbalance_ratio\":1.0,\"max_local_dsq_depth\":1,\"stall_detected\":false,"
	     "\"event_deltas\":null}",
	     0);
	ok(fx.row.f[M_STALLS] == 0 && fx.row.f[M_FALLBACK] == 0, "no event_deltas: counts 0");
	unload(&fx);
}

static void
tail_gate(void)
{
	struct fixture fx;
	double v = -1;

	load(&fx, "null", "100", "", "null", 0);
	ok(compare_metric_read(&compare_metrics[M_TAIL_RATIO], &fx.row, &v) && v == 5.85,
	   "exactly 100 iterations: tail ratio read");
	unload(&fx);

	load(&fx, "null", "99", "", "null", 0);
	ok(!compare_metric_read(&compare_metrics[M_TAIL_RATIO], &fx.row, &v), "99 iterations: tail ratio absent");
	ok(compare_metric_read(&compare_metrics[M_SPREAD], &fx.row, &v) && v == 10.5, "other metrics still read");
	unload(&fx);

	load(&fx, "null", "50",
	     ",\"ext_metrics\":{\"worst_wake_latency_tail_ratio\":3.5,\"other\":1e300,"
	     "\"__walk_json_leaves_truncated\":1}",
	     "null", 0);
	ok(compare_metric_read(&compare_metrics[M_TAIL_RATIO], &fx.row, &v) && v == 3.5,
	   "below the gate: ext_metrics fallback");
	is_int(fx.row.next, 1, "the truncation marker and a name no registry reads are dropped");
	ok(compare_row_ext(&fx.row, "__walk_json_leaves_truncated") == NULL, "marker not readable");
	ok(compare_row_ext(&fx.row, "other") == NULL, "nor the unknown name");
	unload(&fx);
}

/* The newest generation: roll-ups in ext_metrics, a budget, the typed fallback of older files. */
static void
newest(void)
{
	static const char g2[] =
		"{\"test_name\":\"t\",\"topology\":\"1n1l2c1t\",\"scheduler\":\"s\","
		"\"passed\":true,\"skipped\":false,\"inconclusive\":false,\"expected_failure\":false,"
		"\"cpu_budget\":4,\"vcpus\":4,\"throughput_denomination\":\"cpu_sec\","
		"\"stats\":{\"cgroups\":[],\"total_workers\":2,\"total_cpus\":2,\"total_migrations\":7,"
		"\"worst_spread\":1.5,\"worst_gap_ms\":9,\"worst_gap_cpu\":0,\"worst_migration_ratio\":0.1,"
		"\"total_iterations\":50,\"ext_metrics\":{\"worst_p99_wake_latency_us\":240,"
		"\"avg_nr_running\":3,\"worst_wake_latency_tail_ratio\":2}},"
		"\"monitor\":{\"total_samples\":1,\"max_imbalance_ratio\":1,\"max_local_dsq_depth\":1,"
		"\"stuck_count\":2,\"avg_imbalance_ratio\":1,\"avg_nr_running\":9,"
		"\"avg_local_dsq_depth\":1,\"schedstat_deltas\":{\"total_run_delay\":5,\"total_pcount\":6,"
		"\"total_sched_count\":1,\"total_yld_count\":1,\"total_sched_goidle\":1,"
		"\"total_ttwu_count\":1,\"total_ttwu_local\":1}},\"work_type\":\"SpinWait\"}";
	const struct registry *nw = compare_registry_named("newest");
	struct json_doc doc = {0};
	struct row r;
	double v = 0;

	if (json_parse(&doc, g2, strlen(g2), 0, NULL) < 0) {
		printf("# the newest sidecar does not parse\n");
		exit(1);
	}
	compare_row_from_json(&r, doc.root, 0);
	ok(r.gen == SIDECAR_G2 && r.carries == ROW_CARRIES_CPU_BUDGET && strcmp(r.budget, "4") == 0 &&
	       r.denom == SIDECAR_CPU_SEC,
	   "newest: a budget, no active_flags, CPU-second throughput");
	ok(!(r.fmask >> M_P99_WAKE & 1), "no typed roll-up");
	ok(compare_metric_read(compare_registry_find(nw, "worst_p99_wake_latency_us"), &r, &v) && v == 240,
	   "newest registry: the roll-up from ext_metrics");
	ok(compare_metric_read(&compare_metrics[M_P99_WAKE], &r, &v) && v == 240,
	   "0.4.9's registry falls back to ext_metrics too");
	ok(compare_metric_read(compare_registry_find(nw, "worst_wake_latency_tail_ratio"), &r, &v) && v == 2,
	   "the tail ratio of ext_metrics has no gate of ours (the writer applied it)");
	ok(compare_metric_read(compare_registry_find(nw, "stuck_count"), &r, &v) && v == 2,
	   "stuck_count from the monitor");
	ok(compare_metric_read(compare_registry_find(nw, "avg_nr_running"), &r, &v) && v == 3,
	   "ext_metrics wins over the monitor member of the same name");
	ok(compare_metric_read(compare_registry_find(nw, "total_pcount"), &r, &v) && v == 6,
	   "a schedstat total the map lacks, from the monitor");
	ok(!compare_metric_read(compare_registry_find(nw, "worst_iterations_per_worker"), &r, &v),
	   "a roll-up neither place has is absent");
	ok(!compare_metric_read(compare_registry_find(nw, "wakeup_p50_latency_us"), &r, &v),
	   "a per-phase metric never reads from a run");
	compare_row_free(&r);
	json_doc_free(&doc);
}

static void
non_finite(void)
{
	struct fixture fx;
	struct json_value *stats;

	/* JSON cannot carry NaN; a value made non-finite in the tree stands in. */
	fx.text = easprintf(tmpl, "null", "1000", ",\"ext_metrics\":{\"avg_dsq_depth\":1,\"total_hardirqs\":2}", "null");
	fx.doc = (struct json_doc){0};
	json_parse(&fx.doc, fx.text, strlen(fx.text), 0, NULL);
	stats = (struct json_value *)json_get(fx.doc.root, "stats");
	((struct json_value *)json_get(stats, "worst_spread"))->u.num.d = NAN;
	((struct json_value *)json_get(stats, "worst_p99_wake_latency_us"))->u.num.d = INFINITY;
	((struct json_value *)json_get(json_get(stats, "ext_metrics"), "avg_dsq_depth"))->u.num.d = -INFINITY;
	compare_row_from_json(&fx.row, fx.doc.root, 0);
	ok(fx.row.f[M_SPREAD] == 0, "NaN spread becomes 0");
	ok(fx.row.f[M_P99_WAKE] == 0, "infinite latency becomes 0");
	ok(compare_row_ext(&fx.row, "avg_dsq_depth") == NULL && compare_row_ext(&fx.row, "total_hardirqs") != NULL,
	   "non-finite ext_metrics entry dropped");
	unload(&fx);
}

static void
plain(double d, const char *want)
{
	struct buf b = BUF_INIT;

	format_plain(&b, d);
	is_str(b.s, want, "format_plain %s", want);
	buf_free(&b);
}

int
main(void)
{
	registry();
	registries();
	derive();
	newest();
	tail_gate();
	non_finite();
	plain(5, "5");
	plain(0.25, "0.25");
	plain(500, "500");
	plain(-10, "-10");
	plain(-2.5, "-2.5");
	plain(-0.0000001, "-0.0000001");
	plain(-1e21, "-1000000000000000000000");
	plain(-INFINITY, "-inf");
	plain(0.1, "0.1");
	return done_testing();
}
