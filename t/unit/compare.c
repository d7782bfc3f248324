/*
 * Unit tests for lib/compare: filters, slicing and labels, the
 * regression decision, policies, averaging, --no-average, the passes,
 * the registries of every generation.
 */
#include <float.h>
#include <math.h>

#include "compare/compare.h"
#include "tap.h"
#include "util/util.h"

#define REG04 (&compare_registries[REGISTRY_04])
#define REG05 (&compare_registries[REGISTRY_05])
#define NEWEST (&compare_registries[REGISTRY_NEWEST])

static const struct metric *
M(const char *name)
{
	return compare_registry_find(REG04, name);
}

static void
decision(void)
{
	const struct metric *spread = M("worst_spread"), *iters = M("total_iterations");
	const struct metric *p99 = M("worst_p99_wake_latency_us"), *stall = M("stall_count");
	const struct metric *gap = M("worst_gap_ms");

	/* Example 1 */
	is_int(compare_verdict_decide(spread, 10, 15, 0.25), VERDICT_REGRESSION, "lower-better up, on abs gate");
	is_int(compare_verdict_decide(spread, 10, 14.9, 0.25), VERDICT_UNCHANGED, "below the abs gate");
	is_int(compare_verdict_decide(spread, 15, 10, 0.25), VERDICT_IMPROVEMENT, "lower-better down");
	is_int(compare_verdict_decide(spread, 20, 25, 0.25), VERDICT_REGRESSION, "exactly on the rel gate");
	is_int(compare_verdict_decide(spread, 20.01, 25.01, 0.25), VERDICT_UNCHANGED, "just below the rel gate");
	/* Example 2 */
	is_int(compare_verdict_decide(iters, 1000, 1150, 0.10), VERDICT_IMPROVEMENT, "higher-better up");
	is_int(compare_verdict_decide(iters, 1000, 850, 0.10), VERDICT_REGRESSION, "higher-better down");
	is_int(compare_verdict_decide(iters, 1000, 1150, 0.20), VERDICT_UNCHANGED, "--threshold 20 holds it");
	/* Example 3 */
	is_int(compare_verdict_decide(gap, 1000, 1600, 0.50), VERDICT_REGRESSION, "gap +60%% at 50%%");
	is_int(compare_verdict_decide(gap, 1000, 1600, 0.70), VERDICT_UNCHANGED, "gap +60%% at 70%%");
	is_int(compare_verdict_decide(gap, 1000, 1600, 0.0), VERDICT_REGRESSION, "threshold 0");
	/* Example 4 */
	is_int(compare_verdict_decide(p99, 100, 140, 0.25), VERDICT_UNCHANGED, "abs gate suppresses rel 40%%");
	is_int(compare_verdict_decide(p99, 0, 500, 0.25), VERDICT_REGRESSION, "zero baseline past abs gate");
	is_int(compare_verdict_decide(p99, 0, 40, 0.25), VERDICT_UNCHANGED, "zero baseline below abs gate");
	is_int(compare_verdict_decide(p99, 0, 0, 0.25), VERDICT_IGNORED, "both zero: ignored");
	is_int(compare_verdict_decide(p99, DBL_EPSILON / 2, -DBL_EPSILON / 2, 0), VERDICT_IGNORED,
	       "both below epsilon: ignored");
	/* Example 7 */
	is_int(compare_verdict_decide(stall, 0, 3, 0.5), VERDICT_REGRESSION, "stall_count 0 -> 3");
	is_int(compare_verdict_decide(stall, 0, 3, 10.0), VERDICT_REGRESSION, "--threshold 1000 cannot hold it");
	is_int(compare_verdict_decide(stall, 0, 3, 1e7), VERDICT_REGRESSION, "policy 1e9%% cannot hold it");
	is_int(compare_verdict_decide(stall, 0, 3, INFINITY), VERDICT_REGRESSION, "t = +inf: abs gate decides");
	is_int(compare_verdict_decide(stall, 0, 3, NAN), VERDICT_REGRESSION, "t = NaN: abs gate decides");
	is_int(compare_verdict_decide(stall, 3, 0, 0.5), VERDICT_IMPROVEMENT, "stall_count 3 -> 0");
	is_int(compare_verdict_decide(stall, 2, 5, INFINITY), VERDICT_UNCHANGED, "t = +inf: non-zero base unchanged");
	is_int(compare_verdict_decide(stall, 2, 5, NAN), VERDICT_REGRESSION, "t = NaN: rel < t never true");
	is_int(compare_verdict_decide(iters, 0, 500, 0.1), VERDICT_IMPROVEMENT, "higher-better from zero");
	is_int(compare_verdict_decide(iters, 500, 0, 0.1), VERDICT_REGRESSION, "higher-better to zero");
	is_int(compare_verdict_decide(spread, -10, -4, 0.25), VERDICT_REGRESSION, "negative baseline: |delta/a|");
}

static int
parse_policy(const char *text, struct policy *p, struct buf *err)
{
	buf_reset(err);
	return compare_policy_parse(p, text, strlen(text), err);
}

/* The text must fail to parse with a message containing want. */
static void
rejects(const char *text, const char *want)
{
	struct policy p;
	struct buf err = BUF_INIT;
	int rc = parse_policy(text, &p, &err);

	ok(rc < 0 && strstr(err.s, want) != NULL, "policy rejected with \"%s\": %s", want, err.s);
	buf_free(&err);
}

static void
policies(void)
{
	struct policy p;
	struct buf err = BUF_INIT;
	const struct metric *gap = M("worst_gap_ms"), *spread = M("worst_spread");

	memset(&p, 0, sizeof p);
	ok(compare_policy_threshold(&p, gap) == 0.50, "empty policy: registry rel");
	ok(parse_policy("{\"per_metric_percent\":{\"worst_gap_ms\":70}}", &p, &err) == 0 &&
	       compare_policy_threshold(&p, gap) == 0.70 && compare_policy_threshold(&p, spread) == 0.25,
	   "per_metric overrides one metric only");
	compare_policy_free(&p);
	ok(parse_policy("{\"default_percent\":70}", &p, &err) == 0 && compare_policy_threshold(&p, gap) == 0.70 &&
	       compare_policy_threshold(&p, spread) == 0.70,
	   "default_percent applies to all");
	compare_policy_free(&p);
	ok(parse_policy("{\"default_percent\":70,\"per_metric_percent\":{\"worst_gap_ms\":55}}", &p,
	                &err) == 0 &&
	       compare_policy_threshold(&p, gap) == 0.55 && compare_policy_threshold(&p, spread) == 0.70,
	   "per_metric beats default_percent");
	compare_policy_free(&p);
	ok(parse_policy("{\"default_percent\":null}", &p, &err) == 0 && !p.has_default &&
	       compare_policy_threshold(&p, gap) == 0.5,
	   "null default_percent is unset");
	compare_policy_free(&p);
	ok(parse_policy("{}", &p, &err) == 0, "{} is valid");
	compare_policy_free(&p);
	ok(parse_policy("[10, {\"worst_spread\": 5}]", &p, &err) == 0 &&
	       compare_policy_threshold(&p, spread) == 0.05 && compare_policy_threshold(&p, gap) == 0.10,
	   "positional array form");
	compare_policy_free(&p);
	ok(parse_policy("[]", &p, &err) == 0 && !p.has_default, "empty array form");
	compare_policy_free(&p);
	ok(parse_policy("{\"per_metric_percent\":{\"worst_spread\":1,\"worst_spread\":9}}", &p,
	                &err) == 0 &&
	       compare_policy_threshold(&p, spread) == 0.09,
	   "repeated per-metric key keeps the last");
	compare_policy_free(&p);

	rejects("{\"default_percent\":1,\n \"default_percent\":2}",
	        "duplicate field `default_percent` at line 2 column 2");
	rejects("{\"threshold\":5}", "unknown field `threshold`");
	rejects("{\"default_percent\":\"5\"}",
	        "invalid type: string \"5\", expected f64 at line 1 column 20");
	rejects("{\"per_metric_percent\":null}", "expected a map");
	rejects("{\"per_metric_percent\":{\"worst_spread\":null}}", "invalid type: null, expected f64");
	rejects("5", "expected struct ComparisonPolicy");
	rejects("[1, {}, 3]", "invalid length 3");
	rejects("", "line 1");
	rejects("{\n  \"default_percent\": 5,\n}", "at line 3 column");

	parse_policy("{\"default_percent\":-5}", &p, &err);
	buf_reset(&err);
	ok(compare_policy_validate(&p, REG04, &err) < 0 &&
	       strcmp(err.s, "ComparisonPolicy: default_percent must be non-negative; got -5. "
	                     "Thresholds are absolute-value comparisons \xe2\x80\x94 a negative value "
	                     "would invert the dual-gate logic and silently classify every delta as "
	                     "significant.") == 0,
	   "negative default_percent");
	compare_policy_free(&p);
	parse_policy("{\"per_metric_percent\":{\"zzz\":-1,\"wrost_gap_ms\":70}}", &p, &err);
	buf_reset(&err);
	ok(compare_policy_validate(&p, REG04, &err) < 0 &&
	       strncmp(err.s, "ComparisonPolicy: per_metric_percent contains unknown metric "
	                      "`wrost_gap_ms`. A typo in the key would silently fall through to "
	                      "default_percent. Registered metrics: worst_spread, worst_gap_ms, ",
	               170) == 0 &&
	       strstr(err.s, ", worst_cross_node_migration_ratio") + 34 == err.s + err.len,
	   "unknown metric named, sorted keys first");
	compare_policy_free(&p);
	parse_policy("{\"per_metric_percent\":{\"worst_spread\":-2.5}}", &p, &err);
	buf_reset(&err);
	ok(compare_policy_validate(&p, REG04, &err) < 0 &&
	       strcmp(err.s, "ComparisonPolicy: per_metric_percent[\"worst_spread\"] must be "
	                     "non-negative; got -2.5") == 0,
	   "negative per-metric value");
	compare_policy_free(&p);
	parse_policy("{\"default_percent\":-0.0,\"per_metric_percent\":{\"worst_spread\":0}}", &p, &err);
	buf_reset(&err);
	ok(compare_policy_validate(&p, REG04, &err) == 0, "-0.0 and 0 pass validation");
	compare_policy_free(&p);
	buf_free(&err);
}

static void
floats(void)
{
	static const char *const good[] = {"10", "+10", ".5", "5.", "1e1", "-10", "1E-3", "inf",
	                                   "-Infinity", "NaN", "0"};
	static const char *const bad[] = {"", " 10", "10 ", "0x10", ".", "e5", "1e", "1.2.3", "abc",
	                                  "+", "10%"};
	size_t i;
	double d;

	for (i = 0; i < LEN(good); i++)
		ok(compare_parse_rust_float(good[i], &d) == 0, "float '%s' accepted", good[i]);
	for (i = 0; i < LEN(bad); i++)
		ok(compare_parse_rust_float(bad[i], &d) < 0, "float '%s' rejected", bad[i]);
	compare_parse_rust_float("5.", &d);
	ok(d == 5.0, "5. reads 5");
	compare_parse_rust_float("-inf", &d);
	ok(isinf(d) && d < 0, "-inf reads -inf");
}

static void
kernels(void)
{
	ok(compare_kernel_match("6.14", "6.14.2"), "6.14 matches 6.14.2");
	ok(compare_kernel_match("6.14", "6.14"), "6.14 matches 6.14");
	ok(!compare_kernel_match("6.1", "6.10.0"), "6.1 does not match 6.10.0");
	ok(!compare_kernel_match("6.14", "6.14-rc3"), "6.14 does not match 6.14-rc3");
	ok(compare_kernel_match("6.14.2", "6.14.2"), "three segments: exact");
	ok(!compare_kernel_match("6.14.2", "6.14.2.1"), "three segments never prefix");
	ok(!compare_kernel_match("6", "6.14.2"), "one segment: exact only");
	ok(!compare_kernel_match("6.14.", "6.14.2"), "trailing dot: exact only");
	ok(compare_kernel_match("6.15-rc3", "6.15-rc3"), "rc: exact");
	ok(!compare_kernel_match("6.14", NULL), "None never matches");
	ok(!compare_kernel_match("a.b", "a.b.c"), "non-digit segments: exact only");
}

/* Rows built in memory. */
static struct row
mkrow(const char *scenario, const char *kernel, const char *commit, const char *sched,
      double spread)
{
	struct row r;

	memset(&r, 0, sizeof r);
	r.scenario = scenario;
	r.topology = "1n1l2c1t";
	r.work_type = "CpuSpin";
	r.scheduler = sched;
	r.kernel_version = kernel;
	r.commit = commit;
	r.run_source = "local";
	r.passed = 1;
	r.f[M_SPREAD] = spread;
	r.fmask = (1u << NMETRICS) - 1;
	compare_budget_name(r.budget, 0);
	return r;
}

static struct strlist L0[NDIMS], LA[NDIMS], LB[NDIMS];

static void
reset_lists(void)
{
	size_t d;

	for (d = 0; d < NDIMS; d++) {
		strlist_free(&L0[d]);
		strlist_free(&LA[d]);
		strlist_free(&LB[d]);
	}
}

static void
slicing(void)
{
	struct filter f[2];
	struct slicing s;
	char *la, *lb;
	const char *flags[] = {"llc", "steal"};
	struct row r = mkrow("x", "6.14.2", "abc", "scx_rusty", 0);

	reset_lists();
	compare_filters_build(L0, LA, LB, NULL, f);
	compare_slicing_find(f, &s);
	is_int(s.nslice, 0, "no flags: no slicing dimension");
	is_int(s.npair, 9, "all nine pair");
	compare_slicing_prune(&s, ROW_CARRIES_FLAGS);
	ok(s.npair == 8 && s.pair[6] == DIM_RUN_SOURCE && s.pair[7] == DIM_FLAGS,
	   "a pool without cpu_budget does not pair on it");
	compare_slicing_prune(&s, 0);
	ok(s.npair == 7 && s.pair[6] == DIM_RUN_SOURCE, "nor without active_flags: 0.5.2's seven");

	strlist_add(&L0[DIM_KERNEL], "6.14");
	strlist_add(&LA[DIM_KERNEL], "6.13");
	compare_filters_build(L0, LA, LB, NULL, f);
	ok(f[0].dim[DIM_KERNEL] == &LA[DIM_KERNEL] && f[1].dim[DIM_KERNEL] == &L0[DIM_KERNEL],
	   "more specific replaces");
	compare_slicing_find(f, &s);
	ok(s.nslice == 1 && s.slice[0] == DIM_KERNEL, "kernel slices");
	la = compare_side_label(&f[0], &s, 'A');
	lb = compare_side_label(&f[1], &s, 'B');
	is_str(la, "6.13", "label A");
	is_str(lb, "6.14", "label B");
	free(la), free(lb);

	reset_lists();
	strlist_add(&LA[DIM_KERNEL], "6.14");
	strlist_add(&LA[DIM_KERNEL], "6.15");
	strlist_add(&LB[DIM_KERNEL], "6.15");
	strlist_add(&LB[DIM_KERNEL], "6.14");
	strlist_add(&LB[DIM_KERNEL], "6.14");
	compare_filters_build(L0, LA, LB, NULL, f);
	compare_slicing_find(f, &s);
	is_int(s.nslice, 0, "same sets in another order and with duplicates: no slice");

	strlist_add(&LB[DIM_SCHEDULER], "scx_rusty");
	strlist_add(&LA[DIM_SCHEDULER], "scx_lavd");
	strlist_add(&LB[DIM_FLAGS], "llc");
	compare_filters_build(L0, LA, LB, NULL, f);
	compare_slicing_find(f, &s);
	ok(s.nslice == 2 && s.slice[0] == DIM_SCHEDULER && s.slice[1] == DIM_FLAGS,
	   "two slicing dimensions in canonical order");
	ok(s.npair == 7 && s.pair[0] == DIM_KERNEL && s.pair[5] == DIM_RUN_SOURCE &&
	       s.pair[6] == DIM_CPU_BUDGET,
	   "the rest pair, canonical order");
	compare_slicing_prune(&s, 0);
	ok(s.nslice == 2 && s.slice[1] == DIM_FLAGS, "a dimension a filter slices on stays");
	la = compare_side_label(&f[0], &s, 'A');
	lb = compare_side_label(&f[1], &s, 'B');
	is_str(la, "scx_lavd:A", "empty list labels as the letter");
	is_str(lb, "scx_rusty:llc", "parts joined by ':'");
	free(la), free(lb);

	reset_lists();
	strlist_add(&LA[DIM_KERNEL], "6.14");
	strlist_add(&LA[DIM_KERNEL], "6.14");
	strlist_add(&LA[DIM_KERNEL], "6.12");
	strlist_add(&LB[DIM_KERNEL], "1");
	strlist_add(&LB[DIM_KERNEL], "2");
	strlist_add(&LB[DIM_KERNEL], "3");
	strlist_add(&LB[DIM_KERNEL], "4");
	compare_filters_build(L0, LA, LB, NULL, f);
	compare_slicing_find(f, &s);
	la = compare_side_label(&f[0], &s, 'A');
	lb = compare_side_label(&f[1], &s, 'B');
	is_str(la, "6.12|6.14|6.14", "sorted, duplicates kept");
	is_str(lb, "B", "more than three values: the letter");
	free(la), free(lb);

	/* A commit expression that stood for nothing selects nothing (HEAD..HEAD). */
	{
		unsigned empty[3] = {0, 1u << DIM_PROJECT_COMMIT, 0};

		reset_lists();
		strlist_add(&LB[DIM_PROJECT_COMMIT], "abc");
		compare_filters_build(L0, LA, LB, empty, f);
		ok(!compare_filter_match(&f[0], &r) && compare_filter_match(&f[1], &r),
		   "an expression that expanded to nothing matches no row; the other side's does");
		compare_slicing_find(f, &s);
		ok(s.nslice == 1 && s.slice[0] == DIM_PROJECT_COMMIT, "and slices against a value");
		strlist_free(&LB[DIM_PROJECT_COMMIT]);
		compare_filters_build(L0, LA, LB, empty, f);
		compare_slicing_find(f, &s);
		ok(s.nslice == 1 && s.slice[0] == DIM_PROJECT_COMMIT,
		   "nothing is not the same as no constraint");
		empty[0] = empty[1];
		empty[1] = 0;
		compare_filters_build(L0, LA, LB, empty, f);
		ok(!compare_filter_match(&f[0], &r) && !compare_filter_match(&f[1], &r),
		   "a shared one that stood for nothing: neither side matches");
		compare_slicing_find(f, &s);
		is_int(s.nslice, 0, "and both sides pair on it");
	}

	reset_lists();
	strlist_add(&L0[DIM_FLAGS], "llc");
	strlist_add(&L0[DIM_FLAGS], "steal");
	compare_filters_build(L0, LA, LB, NULL, f);
	ok(!compare_filter_match(&f[0], &r), "flags AND: row without flags fails");
	r.flags = flags;
	r.nflags = 2;
	ok(compare_filter_match(&f[0], &r), "row with both flags matches");
	r.nflags = 1;
	ok(!compare_filter_match(&f[0], &r), "row with one of two fails");
	strlist_free(&L0[DIM_FLAGS]);
	strlist_add(&L0[DIM_PROJECT_COMMIT], "abc");
	strlist_add(&L0[DIM_PROJECT_COMMIT], "def");
	ok(compare_filter_match(&f[0], &r), "commit OR over values");
	r.commit = "abc-dirty";
	ok(!compare_filter_match(&f[0], &r), "-dirty is part of the value");
	r.commit = NULL;
	ok(!compare_filter_match(&f[0], &r), "None never matches a commit");
	reset_lists();
}

static void
group_side(struct side *s, struct row *rows, size_t n, const struct slicing *sl, int average)
{
	struct filter f;
	size_t d;

	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &L0[d];
	compare_side_select(s, rows, n, &f);
	compare_side_group(s, sl, average, REG04);
}

static struct slicing
kernel_slice(void)
{
	struct slicing s = {.nslice = 1, .npair = NDIMS - 1};

	s.slice[0] = DIM_KERNEL;
	for (size_t d = 1; d < NDIMS; d++)
		s.pair[d - 1] = (enum dim)d;
	/* A pool of 0.4.9 runs. */
	compare_slicing_prune(&s, ROW_CARRIES_FLAGS);
	return s;
}

/* A row counts only when it passed and nothing overrides that. */
static void
clean_rows(void)
{
	struct row r = mkrow("steady", "6.14.2", "aaaaaaa", "scx_rusty", 10);

	ok(compare_row_clean(&r), "passed: clean");
	r.inconclusive = 1;
	ok(!compare_row_clean(&r), "inconclusive beats passed");
	r.inconclusive = 0;
	r.skipped = 1;
	ok(!compare_row_clean(&r), "skipped beats passed");
	r.skipped = 0;
	r.expected_failure = 1;
	ok(!compare_row_clean(&r), "an expected failure is not clean");
	r.expected_failure = 0;
	r.passed = 0;
	ok(!compare_row_clean(&r), "failed: not clean");
}

static void
averaging(void)
{
	struct slicing sl = kernel_slice();
	struct row rows[5];
	struct side s;
	struct buf err = BUF_INIT;

	rows[0] = mkrow("steady", "6.14.2", "aaaaaaa", "scx_rusty", 10);
	rows[0].f[M_GAP_MS] = 100;
	rows[0].f[M_ITERATIONS] = 1000;
	rows[1] = mkrow("steady", "6.14.2", "aaaaaaa-dirty", "scx_rusty", 12);
	rows[1].f[M_GAP_MS] = 101;
	rows[1].f[M_ITERATIONS] = 1000;
	rows[2] = mkrow("other", "6.14.2", "aaaaaaa", "scx_rusty", 1);
	rows[3] = mkrow("steady", "6.14.2", "aaaaaaa", "scx_rusty", 99);
	rows[3].passed = 0;
	rows[4] = mkrow("steady", "6.14.2", "aaaaaaa", "scx_rusty", 50);
	rows[4].skipped = 1;

	group_side(&s, rows, 2, &sl, 1);
	is_int(s.n, 1, "dirty and clean runs of one commit average together");
	ok(s.g[0].row->f[M_SPREAD] == 11.0, "double field: plain mean");
	ok(s.g[0].row->f[M_GAP_MS] == 101, "integer field: round(100.5) = 101");
	is_str(s.g[0].row->commit, "aaaaaaa+mixed", "mixed commit marked");
	ok(s.g[0].nmembers == 2 && s.g[0].passes == 2, "n per side kept");
	ok(s.g[0].members[1]->f[M_SPREAD] == 12, "per-trial values kept");
	compare_side_free(&s);

	group_side(&s, rows, 4, &sl, 1);
	is_int(s.n, 2, "groups in order of first appearance");
	is_str(s.g[1].row->scenario, "other", "second group");
	ok(!s.g[0].row->passed, "a failed contributor fails the group");
	ok(s.g[0].row->f[M_SPREAD] == 11.0, "failed contributor excluded from the sums");
	ok(s.g[0].nmembers == 3 && s.g[0].passes == 2, "total 3, passes 2");
	compare_side_free(&s);

	group_side(&s, rows + 3, 2, &sl, 1);
	ok(s.g[0].row->skipped && !s.g[0].row->passed, "skipped contributor: skipped, not passed");
	ok(s.g[0].row->f[M_SPREAD] == 0, "no clean contributor: every metric 0");
	compare_side_free(&s);

	group_side(&s, rows, 3, &sl, 0);
	is_int(s.n, 3, "--no-average keeps every row");
	buf_reset(&err);
	ok(compare_side_check_unique(&s, 'A', &err) < 0 &&
	       strcmp(err.s, "--no-average: side A has 2 sidecars with the same pairing key "
	                     "[\"steady\", \"scx_rusty\", \"1n1l2c1t\", \"CpuSpin\", \"aaaaaaa\", \"\", "
	                     "\"local\", \"\"]. Either drop --no-average to average them, or add "
	                     "another --a-X filter to disambiguate.") == 0,
	   "--no-average collision message");
	compare_side_free(&s);

	/* The smallest duplicated key is reported, with its count. */
	rows[0].scenario = rows[1].scenario = rows[3].scenario = "zeta";
	rows[2].scenario = rows[4].scenario = "alpha";
	group_side(&s, rows, 5, &sl, 0);
	buf_reset(&err);
	ok(compare_side_check_unique(&s, 'B', &err) < 0 && strstr(err.s, "side B has 2 sidecars") &&
	       strstr(err.s, "[\"alpha\"") && strstr(err.s, "--b-X"),
	   "smallest duplicated key: %s", err.s);
	compare_side_free(&s);
	group_side(&s, rows, 3, &sl, 0);
	buf_reset(&err);
	ok(compare_side_check_unique(&s, 'B', &err) < 0 && strstr(err.s, "side B has 2 sidecars") &&
	       strstr(err.s, "[\"zeta\""),
	   "the only duplicate");
	compare_side_free(&s);
	group_side(&s, rows + 1, 2, &sl, 0);
	ok(compare_side_check_unique(&s, 'A', &err) == 0, "distinct keys pass");
	compare_side_free(&s);
	buf_free(&err);
}

static void
ext_average(void)
{
	struct slicing sl = kernel_slice();
	struct row rows[3];
	struct ext_metric e0[] = {{"worst_wake_latency_tail_ratio", 2}, {"x", 10}};
	struct ext_metric e1[] = {{"x", 20}};
	struct side s;
	double v;

	rows[0] = mkrow("t", "6.14", "c", "s", 0);
	rows[1] = mkrow("t", "6.14", "c", "s", 0);
	rows[2] = mkrow("t", "6.14", "c", "s", 0);
	rows[0].ext = e0, rows[0].next = 2;
	rows[1].ext = e1, rows[1].next = 1;
	rows[0].f[M_ITERATIONS] = 50;
	rows[1].f[M_ITERATIONS] = 250;
	rows[0].f[M_TAIL_RATIO] = 4;
	rows[1].f[M_TAIL_RATIO] = 6;
	group_side(&s, rows, 3, &sl, 1);
	ok(compare_row_ext(s.g[0].row, "x")->value == 15, "ext key averaged over rows that have it");
	ok(compare_row_ext(s.g[0].row, "worst_wake_latency_tail_ratio")->value == 2, "ext key in one row");
	ok(s.g[0].row->f[M_ITERATIONS] == 100, "iterations: rounded mean of three");
	ok(compare_metric_read(M("worst_wake_latency_tail_ratio"), s.g[0].row, &v) &&
	       fabs(v - 10.0 / 3) < 1e-12,
	   "aggregate at 100 iterations reads the plain mean tail ratio");
	compare_side_free(&s);
}

static void
passes(void)
{
	struct slicing sl = kernel_slice();
	struct policy p = {0};
	struct row a[4], b[4];
	struct side sa, sb;
	struct result res;
	struct filter f;
	size_t d;

	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &L0[d];
	a[0] = mkrow("one", "6.14", "c", "scx_rusty", 10);
	a[1] = mkrow("two", "6.14", "c", "scx_rusty", 10);
	a[2] = mkrow("lost", "6.14", "c", "scx_rusty", 10);
	a[3] = mkrow("bad", "6.14", "c", "scx_rusty", 10);
	b[0] = mkrow("one", "6.15", "c-dirty", "scx_rusty", 20);
	b[1] = mkrow("two", "6.15", "c", "scx_rusty", 10.5);
	b[2] = mkrow("fresh", "6.15", "c", "scx_rusty", 10);
	b[3] = mkrow("bad", "6.15", "c", "scx_rusty", 10);
	b[3].passed = 0;
	b[0].f[M_STALLS] = 1;
	compare_side_select(&sa, a, 4, &f);
	compare_side_select(&sb, b, 4, &f);
	compare_side_group(&sa, &sl, 1, REG04);
	compare_side_group(&sb, &sl, 1, REG04);
	compare_sides(&sa, &sb, NULL, &p, REG04, &res);
	ok(res.nf == 2 && res.f[0].metric == &compare_metrics[M_SPREAD] &&
	       res.f[1].metric == &compare_metrics[M_STALLS],
	   "findings in registry order; dirty pairs with clean");
	ok(res.regressions == 2 && res.improvements == 0 && res.unchanged == 1,
	   "2 regressions, 1 unchanged");
	ok(res.skipped_failed == 1, "failed pair skipped");
	ok(res.new_in_b == 1 && res.removed_from_a == 1, "one new, one removed");
	compare_result_free(&res);

	compare_sides(&sa, &sb, "one", &p, REG04, &res);
	ok(res.nf == 2 && res.new_in_b == 0 && res.removed_from_a == 0, "-E keeps matching pairs only");
	compare_result_free(&res);
	compare_sides(&sa, &sb, "fresh", &p, REG04, &res);
	ok(res.nf == 0 && res.new_in_b == 1 && res.removed_from_a == 0, "-E on an unpaired B row");
	compare_result_free(&res);
	compare_sides(&sa, &sb, "lost", &p, REG04, &res);
	ok(res.new_in_b == 0 && res.removed_from_a == 1, "-E on an unpaired A row");
	compare_result_free(&res);
	compare_sides(&sa, &sb, "", &p, REG04, &res);
	ok(res.nf == 2 && res.new_in_b == 1 && res.removed_from_a == 1, "-E \"\" matches everything");
	compare_result_free(&res);
	compare_side_free(&sa);
	compare_side_free(&sb);

	/* On a scheduler slice -E matches a pair through either side. */
	sl = (struct slicing){.nslice = 1, .npair = 0};
	sl.slice[0] = DIM_SCHEDULER;
	for (d = 0; d < NDIMS; d++)
		if (d != DIM_SCHEDULER)
			sl.pair[sl.npair++] = (enum dim)d;
	a[0] = mkrow("one", "6.14", "c", "scx_rusty", 10);
	a[1] = mkrow("lonely", "6.14", "c", "scx_rusty", 10);
	b[0] = mkrow("one", "6.14", "c", "scx_lavd", 20);
	b[1] = mkrow("fresh", "6.14", "c", "scx_lavd", 20);
	compare_side_select(&sa, a, 2, &f);
	compare_side_select(&sb, b, 2, &f);
	compare_side_group(&sa, &sl, 1, REG04);
	compare_side_group(&sb, &sl, 1, REG04);
	compare_sides(&sa, &sb, "scx_rusty", &p, REG04, &res);
	ok(res.nf == 1 && res.removed_from_a == 1 && res.new_in_b == 0,
	   "-E scx_rusty compares the pair through its A side");
	compare_result_free(&res);
	compare_sides(&sa, &sb, "scx_lavd", &p, REG04, &res);
	ok(res.nf == 1 && res.removed_from_a == 0 && res.new_in_b == 1,
	   "-E scx_lavd compares the same pair");
	compare_result_free(&res);
	compare_side_free(&sa);
	compare_side_free(&sb);
}

static void
render(void)
{
	struct slicing sl = kernel_slice();
	struct policy p = {0};
	struct row a[3], b[1];
	struct side sa, sb;
	struct result res;
	struct report rep;
	struct buf out = BUF_INIT;
	struct filter f;
	size_t d;

	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &L0[d];
	/* Two A groups share (scenario, topology, work_type, flags): the later wins. */
	a[0] = mkrow("t", "6.14", "c1", "s", 10);
	a[1] = mkrow("t", "6.14", "c2", "s", 10);
	a[2] = mkrow("t", "6.14", "c2", "s", 10);
	a[2].passed = 0;
	b[0] = mkrow("t", "6.15", "c1", "s", 20);
	compare_side_select(&sa, a, 3, &f);
	compare_side_select(&sb, b, 1, &f);
	compare_side_group(&sa, &sl, 1, REG04);
	compare_side_group(&sb, &sl, 1, REG04);
	compare_sides(&sa, &sb, NULL, &p, REG04, &res);
	rep = (struct report){REG04, &sl, {"6.14", "6.15"}, 1, 0, {&sa, &sb}, &res, "", 0, 0};
	compare_report_render(&out, &rep);
	is_str(out.s,
	       "slicing dimensions: kernel\n"
	       "pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, "
	       "run-source, flags\n"
	       "averaged across 3 runs (6.14) and 1 runs (6.15)\n"
	       " TEST                             METRIC        6.14   6.15   DELTA    VERDICT    \n"
	       " t/s/1n1l2c1t/CpuSpin/c1//local/  worst_spread  10.00  20.00  +10.00%  REGRESSION \n"
	       "\n"
	       "summary: 1 regressions, 0 improvements, 0 unchanged\n"
	       "\n"
	       "per-group pass counts (passes_observed/total_observed):\n"
	       "  t/1n1l2c1t/CpuSpin: 6.14=1/2 6.15=1/1\n"
	       "  1 row(s) removed from '6.14' (no matching key in '6.15')\n",
	       "report: the later group of a side replaces the earlier in the pass counts");
	compare_result_free(&res);
	compare_side_free(&sa);
	compare_side_free(&sb);
	buf_free(&out);
}

/* The newest registry: folding by kind, one-sided metrics, informational ones, denominations. */
static void
newest(void)
{
	struct slicing sl = kernel_slice();
	struct policy p = {0};
	struct ext_metric ea[2][5] = {
		{{"iterations_per_cpu_sec", 99}, {"total_cpu_time_sec", 1}, {"total_hardirqs", 10},
		 {"total_iterations_pooled", 10}, {"wakeup_p50_latency_us_whole", 5}},
		{{"iterations_per_cpu_sec", 99}, {"total_cpu_time_sec", 3}, {"total_hardirqs", 30},
		 {"total_iterations_pooled", 50}, {"wakeup_p50_latency_us_whole", 7}},
	};
	struct ext_metric eb[] = {{"iteration_rate", 5}, {"total_hardirqs", 500}};
	struct row a[2], b[1];
	struct side sa, sb;
	struct result res;
	struct filter f;
	const struct ext_metric *e;
	double v;
	size_t d, i;

	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &L0[d];
	for (i = 0; i < 2; i++) {
		a[i] = mkrow("t", "6.14", "c", "s", 10);
		a[i].ext = ea[i];
		a[i].next = LEN(ea[i]);
		a[i].f[M_GAP_MS] = i ? 300 : 100;
		a[i].f[M_MIGRATIONS] = i ? 301 : 100;
		a[i].denom = SIDECAR_CPU_SEC;
	}
	a[1].denom = SIDECAR_WALL;
	b[0] = mkrow("t", "6.15", "c", "s", 10);
	b[0].ext = eb;
	b[0].next = LEN(eb);
	b[0].f[M_GAP_MS] = 300;
	b[0].f[M_MIGRATIONS] = 200;
	b[0].denom = SIDECAR_CPU_SEC;
	compare_side_select(&sa, a, 2, &f);
	compare_side_select(&sb, b, 1, &f);
	compare_side_group(&sa, &sl, 1, NEWEST);
	compare_side_group(&sb, &sl, 1, NEWEST);
	ok(sa.g[0].row->f[M_GAP_MS] == 300, "a peak folds to its largest run");
	ok(sa.g[0].row->f[M_MIGRATIONS] == 201, "a counter folds to the mean, rounded (not the sum)");
	ok((e = compare_row_ext(sa.g[0].row, "iterations_per_cpu_sec")) && e->value == 60.0 / 4,
	   "a rate is recomputed from its folded components, not averaged");
	ok(compare_row_ext(sa.g[0].row, "wakeup_p50_latency_us_whole") == NULL,
	   "a per-run distribution is not averaged over runs");
	ok(sa.g[0].row->denom == ROW_DENOM_MIXED, "two denominations in one group");
	compare_sides(&sa, &sb, NULL, &p, NEWEST, &res);
	ok(res.informational == 1 && res.nf == 1 && res.f[0].verdict == VERDICT_INFORMATIONAL &&
	       strcmp(res.f[0].metric->name, "total_hardirqs") == 0,
	   "an informational change is shown and counted apart");
	ok(res.regressions == 0 && res.improvements == 0, "and is neither regression nor improvement");
	/* A has three metrics B lacks, B has iteration_rate: one-sided, before any denomination. */
	is_int(res.one_sided, 4, "metrics on one side only: counted, not compared");
	is_int(res.denomination, 0, "no rate on both sides");
	compare_result_free(&res);
	compare_side_free(&sa);
	compare_side_free(&sb);

	/* The same group under 0.4.9's registry: everything averaged, nothing recomputed. */
	compare_side_select(&sa, a, 2, &f);
	compare_side_group(&sa, &sl, 1, REG04);
	ok(sa.g[0].row->f[M_GAP_MS] == 200, "0.4.9: a peak averages");
	ok((e = compare_row_ext(sa.g[0].row, "iterations_per_cpu_sec")) && e->value == 99,
	   "0.4.9: a rate averages");
	ok(compare_row_ext(sa.g[0].row, "wakeup_p50_latency_us_whole") != NULL, "0.4.9: kept");
	compare_side_free(&sa);

	/* One run a side: its own values, the throughput rate not compared across denominations. */
	a[1].ext = eb;
	a[1].next = LEN(eb);
	a[1].scenario = "u";
	b[0].scenario = "u";
	b[0].denom = SIDECAR_CPU_SEC;
	compare_side_select(&sa, a + 1, 1, &f);
	compare_side_select(&sb, b, 1, &f);
	compare_side_group(&sa, &sl, 1, NEWEST);
	compare_side_group(&sb, &sl, 1, NEWEST);
	ok(compare_metric_read(compare_registry_find(NEWEST, "iteration_rate"), sa.g[0].row, &v) && v == 5,
	   "one run's rate as its file has it");
	compare_sides(&sa, &sb, NULL, &p, NEWEST, &res);
	is_int(res.denomination, 1, "wall against CPU-second: the rate is not compared");
	is_int(res.nall, 4, "the rest is: spread, gap, migrations, hardirqs");
	compare_result_free(&res);
	compare_side_free(&sa);
	compare_side_free(&sb);
}

/* The cpu-budget value; stall_count in a policy for stuck_count. */
static void
budgets_and_aliases(void)
{
	char out[11];
	struct policy p;
	struct buf err = BUF_INIT;

	ok(compare_budget_value("4", out) && strcmp(out, "4") == 0, "budget 4");
	ok(compare_budget_value("0", out) && strcmp(out, "none") == 0, "budget 0 is none");
	ok(compare_budget_value("none", out) && strcmp(out, "none") == 0, "none");
	ok(compare_budget_value("007", out) && strcmp(out, "7") == 0, "leading zeros: decimal");
	ok(compare_budget_value("4294967295", out) && strcmp(out, "4294967295") == 0, "u32 max");
	ok(!compare_budget_value("4294967296", out), "past u32: refused");
	ok(!compare_budget_value("", out) && !compare_budget_value("-1", out) &&
	       !compare_budget_value("4 ", out) && !compare_budget_value("None", out),
	   "not a number: refused");

	ok(parse_policy("{\"per_metric_percent\":{\"stall_count\":70}}", &p, &err) == 0 &&
	       compare_policy_validate(&p, NEWEST, &err) == 0 && compare_policy_validate(&p, REG05, &err) == 0,
	   "stall_count is a metric of every registry");
	ok(compare_policy_threshold(&p, compare_registry_find(NEWEST, "stuck_count")) == 0.70,
	   "the old name sets the new metric's threshold");
	compare_policy_free(&p);
	ok(parse_policy("{\"per_metric_percent\":{\"stuck_count\":60,\"stall_count\":70}}", &p, &err) == 0 &&
	       compare_policy_threshold(&p, compare_registry_find(NEWEST, "stuck_count")) == 0.60 &&
	       compare_policy_threshold(&p, M("stall_count")) == 0.70,
	   "both names: each registry's own name wins");
	compare_policy_free(&p);
	ok(parse_policy("{\"per_metric_percent\":{\"avg_nr_running\":1}}", &p, &err) == 0 &&
	       compare_policy_validate(&p, NEWEST, &err) == 0 && compare_policy_validate(&p, REG04, &err) < 0,
	   "a newest-only metric is unknown to 0.4.9's registry");
	compare_policy_free(&p);
	buf_free(&err);
}

/* A pool's distinct values, gathered row by row without keeping the rows. */
static void
pool_values(void)
{
	static const char *const scheds[] = {"scx_lavd", "eevdf", "scx_lavd", "scx_bpfland", "eevdf"};
	const char *flags[] = {"llc", "borrow"};
	struct compare_values v = {0};
	struct row r;

	for (size_t i = 0; i < LEN(scheds); i++) {
		memset(&r, 0, sizeof r);
		r.scheduler = scheds[i];
		r.kernel_version = i == 2 ? NULL : "6.14.2";
		strcpy(r.budget, "none");
		r.flags = i == 1 ? flags : NULL;
		r.nflags = i == 1 ? 2 : 0;
		r.carries = i == 3 ? ROW_CARRIES_CPU_BUDGET : 0;
		compare_values_add(&v, &r);
	}
	ok(v.n == 5 && v.carries == ROW_CARRIES_CPU_BUDGET, "every row counted, carries or'ed");
	ok(v.dim[DIM_SCHEDULER].n == 3 && strcmp(v.dim[DIM_SCHEDULER].v[0], "eevdf") == 0 &&
	           strcmp(v.dim[DIM_SCHEDULER].v[1], "scx_bpfland") == 0 &&
	           strcmp(v.dim[DIM_SCHEDULER].v[2], "scx_lavd") == 0 && !v.dim[DIM_SCHEDULER].none,
	   "each value once, sorted byte-wise");
	ok(v.dim[DIM_KERNEL].n == 1 && v.dim[DIM_KERNEL].none, "None is told apart from the values");
	ok(v.dim[DIM_FLAGS].n == 2 && strcmp(v.dim[DIM_FLAGS].v[0], "borrow") == 0,
	   "every flag of every row");
	ok(compare_values_has(&v, DIM_SCHEDULER, "scx_bpfland") &&
	           !compare_values_has(&v, DIM_SCHEDULER, "scx_rusty") &&
	           compare_values_has(&v, DIM_CPU_BUDGET, "none"),
	   "membership");
	compare_values_free(&v);
	ok(v.n == 0 && v.dim[DIM_SCHEDULER].v == NULL, "freed empty");
}

int
main(void)
{
	decision();
	policies();
	floats();
	kernels();
	slicing();
	clean_rows();
	averaging();
	ext_average();
	passes();
	render();
	newest();
	budgets_and_aliases();
	reset_lists();
	pool_values();
	return done_testing();
}
