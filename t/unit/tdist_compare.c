/*
 * compare_stats and compare_output on hand-made sides: the runs behind each
 * compared value, Welch's p-value, what --significance moves between
 * the counters, the findings rebuilt in order, and the percentage of a
 * zero baseline.
 */
#include <math.h>

#include "compare/compare.h"
#include "compare/compare_output.h"
#include "compare/compare_stats.h"
#include "tap.h"
#include "util/util.h"

static struct strlist none[NDIMS];

static struct row
mkrow(const char *scenario, const char *kernel, double spread, double gap, double p99)
{
	struct row r;

	memset(&r, 0, sizeof r);
	r.scenario = scenario;
	r.topology = "1n1l2c1t";
	r.work_type = "CpuSpin";
	r.scheduler = "scx_rusty";
	r.kernel_version = kernel;
	r.commit = "aaaaaaa";
	r.run_source = "local";
	r.passed = 1;
	r.f[M_SPREAD] = spread;
	r.f[M_GAP_MS] = gap;
	r.f[M_P99_WAKE] = p99;
	r.fmask = (1u << NMETRICS) - 1;
	return r;
}

static void
side_of(struct side *s, struct row *rows, size_t n, const struct slicing *sl, int average)
{
	struct filter f;
	size_t d;

	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &none[d];
	compare_side_select(s, rows, n, &f);
	compare_side_group(s, sl, average, &compare_registries[REGISTRY_04]);
}

static struct slicing
kernel_slice(void)
{
	struct slicing s = {.nslice = 1, .npair = 7};
	size_t d;

	s.slice[0] = DIM_KERNEL;
	for (d = 1; d < NDIMS; d++)
		s.pair[d - 1] = (enum dim)d;
	return s;
}

/*
 * Two tests, three runs per side:
 *   clear: spread 10 12 14 -> 20 22 24 (p = 0.0036), a regression;
 *          gap 100 110 120 -> 101 111 121, unchanged;
 *   noisy: spread 10 30 14 -> 20 40 24 (p = 0.3116), past the gates;
 *          p99 0 0 0 -> 500 520 480, from a zero baseline: A has no
 *          variance, so df = 2 and p = 1 - t / sqrt(2 + t^2) = 0.00053.
 */
static struct row A[6], B[6];

static void
pool(void)
{
	static const double sa[2][3] = {{10, 12, 14}, {10, 30, 14}};
	static const double sb[2][3] = {{20, 22, 24}, {20, 40, 24}};
	static const double gap[3] = {100, 110, 120}, p99[3] = {500, 520, 480};
	size_t i;

	for (i = 0; i < 3; i++) {
		A[i] = mkrow("clear", "6.14.2", sa[0][i], gap[i], 0);
		B[i] = mkrow("clear", "6.15.0", sb[0][i], gap[i] + 1, 0);
		A[3 + i] = mkrow("noisy", "6.14.2", sa[1][i], 0, 0);
		B[3 + i] = mkrow("noisy", "6.15.0", sb[1][i], 0, p99[i]);
	}
}

static void
compare(struct side s[2], struct result *res, int average)
{
	struct slicing sl = kernel_slice();
	struct policy p;

	memset(&p, 0, sizeof p);
	side_of(&s[0], A, LEN(A), &sl, average);
	side_of(&s[1], B, LEN(B), &sl, average);
	compare_sides(&s[0], &s[1], NULL, &p, &compare_registries[REGISTRY_04], res);
}

static void
release(struct side s[2], struct result *res)
{
	compare_result_free(res);
	compare_side_free(&s[0]);
	compare_side_free(&s[1]);
}

static void
test_attach(void)
{
	struct side s[2];
	struct result res;
	const struct finding *f;

	compare(s, &res, 1);
	is_int(res.nall, 4, "all: every compared metric, unchanged too");
	is_int(res.nf, 3, "findings: the three changes");
	ok(res.all[0].verdict == VERDICT_REGRESSION && res.all[1].verdict == VERDICT_UNCHANGED &&
	       res.all[2].verdict == VERDICT_REGRESSION && res.all[3].verdict == VERDICT_REGRESSION,
	   "all: verdicts in pair and registry order");
	ok(isnan(res.all[0].p) && res.all[0].sa.n == 0, "before compare_stats_attach: no runs, no p");

	is_int(compare_stats_attach(&res, 0), 0, "no --significance: nothing untested to report");
	f = &res.all[0];
	ok(f->sa.n == 3 && f->sa.mean == 12 && f->sa.sd == 2 && f->sb.mean == 22 && f->sb.sd == 2,
	   "clear spread: n, mean and sd of each side's runs");
	ok(fabs(f->p - 0.0036022326) < 1e-9, "clear spread: Welch's p (df 4)");
	ok(fabs(res.all[2].p - 0.3115606735) < 1e-9, "noisy spread: Welch's p");
	ok(res.all[3].sa.sd == 0 && res.all[3].sb.sd == 20 &&
	       fabs(res.all[3].p - (1 - 500 / sqrt(400.0 / 3) / sqrt(2 + 1875))) < 1e-12,
	   "zero baseline: one constant side, df 2");
	is_int(res.regressions, 3, "no --significance: verdicts stand");
	ok(res.f[0].p == res.all[0].p && res.f[2].p == res.all[3].p,
	   "findings carry the statistics too");
	release(s, &res);

	compare(s, &res, 1);
	is_int(compare_stats_attach(&res, 0.05), 0, "--significance with three runs: every change tested");
	is_int(res.regressions, 2, "--significance 0.05: two regressions left");
	is_int(res.not_significant, 1, "--significance 0.05: one not significant");
	is_int(res.unchanged, 1, "--significance leaves unchanged alone");
	is_int(res.nf, 3, "the not-significant change stays in the table");
	ok(res.f[0].metric == &compare_metrics[M_SPREAD] && res.f[0].verdict == VERDICT_REGRESSION &&
	       res.f[1].metric == &compare_metrics[M_SPREAD] && res.f[1].verdict == VERDICT_NOT_SIGNIFICANT &&
	       res.f[2].metric == &compare_metrics[M_P99_WAKE] && res.f[2].verdict == VERDICT_REGRESSION,
	   "findings rebuilt in order with their new verdicts");
	release(s, &res);

	compare(s, &res, 1);
	compare_stats_attach(&res, 0.001);
	ok(res.regressions == 1 && res.not_significant == 2 && res.f[0].verdict == VERDICT_NOT_SIGNIFICANT,
	   "--significance 0.001: only the zero-baseline change is confirmed");
	release(s, &res);
}

static void
test_untested(void)
{
	struct side s[2];
	struct result res;

	/* --no-average, every row its own test: one run each, no t-test. */
	A[1].scenario = B[1].scenario = "x";
	A[2].scenario = B[2].scenario = "y";
	A[4].scenario = B[4].scenario = "u";
	A[5].scenario = B[5].scenario = "v";
	compare(s, &res, 0);
	is_int(res.nf, 9, "one run per row: nine changes");
	is_int(compare_stats_attach(&res, 0.05), 9, "  none of them tested");
	ok(res.regressions == res.nf && res.not_significant == 0 && isnan(res.f[0].p) &&
	       res.f[0].sa.n == 1 && isnan(res.f[0].sa.sd),
	   "untested changes keep the gates' verdict");
	release(s, &res);
	pool();
}

static void
test_tail_ratio(void)
{
	struct row r[3];
	struct side s;
	struct slicing sl = kernel_slice();
	struct sample smp;
	size_t i;

	for (i = 0; i < 3; i++) {
		r[i] = mkrow("t", "6.14.2", 0, 0, 0);
		r[i].f[M_TAIL_RATIO] = 2.0 + (double)i;
		r[i].f[M_ITERATIONS] = 99;
	}
	side_of(&s, r, LEN(r), &sl, 1);
	is_int(compare_group_sample(&s.g[0], &compare_metrics[M_TAIL_RATIO], &smp), -1,
	       "tail ratio below the iteration gate: the runs are not what was compared");
	ok(smp.n == 3 && isnan(smp.sd), "  but n is still the number of runs");
	is_int(compare_group_sample(&s.g[0], &compare_metrics[M_SPREAD], &smp), 0, "other metrics: the runs' values");
	compare_side_free(&s);
	for (i = 0; i < 3; i++)
		r[i].f[M_ITERATIONS] = 100;
	side_of(&s, r, LEN(r), &sl, 1);
	ok(compare_group_sample(&s.g[0], &compare_metrics[M_TAIL_RATIO], &smp) == 0 && smp.mean == 3 && smp.sd == 1,
	   "tail ratio at the gate: the runs' values");
	compare_side_free(&s);
}

static void
test_percent(void)
{
	struct finding f;

	memset(&f, 0, sizeof f);
	f.va = 10;
	f.vb = 15;
	f.delta = 5;
	ok(compare_finding_percent(&f) == 50, "percent: 100 delta / |a|");
	f.va = -10;
	f.vb = -5;
	ok(compare_finding_percent(&f) == 50, "percent: of |a| for a negative baseline");
	f.va = 0;
	f.vb = 3;
	f.delta = 3;
	ok(compare_finding_percent(&f) == INFINITY, "percent: +inf from a zero baseline");
	f.vb = -3;
	f.delta = -3;
	ok(compare_finding_percent(&f) == -INFINITY, "percent: -inf going down from zero");
}

int
main(void)
{
	pool();
	test_attach();
	test_untested();
	test_tail_ratio();
	test_percent();
	return done_testing();
}
