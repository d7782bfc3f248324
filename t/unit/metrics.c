/* Unit tests for lib/compare/compare_metrics: the registry, sidecar -> row, compare_metric_read. */
#include <math.h>

#include "compare/compare_metrics.h"
#include "tap.h"
#include "util/util.h"

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
	ok(compare_metric_def("worst_gap_ms") == &compare_metrics[M_GAP_MS], "compare_metric_def finds by name");
	ok(compare_metric_def("Worst_gap_ms") == NULL, "compare_metric_def is case-sensitive");
	ok(compare_metric_def("worst_gap") == NULL, "compare_metric_def is exact");
	ok(compare_metrics[M_ITERATIONS].polarity == HIGHER_BETTER &&
	       compare_metrics[M_ITER_PER_WORKER].polarity == HIGHER_BETTER &&
	       compare_metrics[M_PAGE_LOCALITY].polarity == HIGHER_BETTER,
	   "the three higher-is-better metrics");
	is_str(compare_metrics[M_P99_WAKE].unit, "\xc2\xb5s", "µs is U+00B5 + s");
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
	is_int(fx.row.next, 2, "the truncation marker is dropped");
	ok(compare_row_ext(&fx.row, "__walk_json_leaves_truncated") == NULL, "marker not readable");
	unload(&fx);
}

static void
non_finite(void)
{
	struct fixture fx;
	struct json_value *stats;

	/* JSON cannot carry NaN; a value made non-finite in the tree stands in. */
	fx.text = easprintf(tmpl, "null", "1000", ",\"ext_metrics\":{\"a\":1,\"b\":2}", "null");
	fx.doc = (struct json_doc){0};
	json_parse(&fx.doc, fx.text, strlen(fx.text), 0, NULL);
	stats = (struct json_value *)json_get(fx.doc.root, "stats");
	((struct json_value *)json_get(stats, "worst_spread"))->u.num.d = NAN;
	((struct json_value *)json_get(stats, "worst_p99_wake_latency_us"))->u.num.d = INFINITY;
	((struct json_value *)json_get(json_get(stats, "ext_metrics"), "a"))->u.num.d = -INFINITY;
	compare_row_from_json(&fx.row, fx.doc.root, 0);
	ok(fx.row.f[M_SPREAD] == 0, "NaN spread becomes 0");
	ok(fx.row.f[M_P99_WAKE] == 0, "infinite latency becomes 0");
	ok(compare_row_ext(&fx.row, "a") == NULL && compare_row_ext(&fx.row, "b") != NULL,
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
	derive();
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
