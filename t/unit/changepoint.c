/*
 * changepoint: E-divisive means on generated series.  The quality the
 * man page states: a 30% step in 12 points with ±10% noise is found at
 * the right point, and series of pure noise give false change points
 * at about the significance level.
 */
#include <math.h>
#include <stdlib.h>

#include "compare/compare_changepoint.h"
#include "tap.h"

/* The tests' own generator (a 64-bit LCG), apart from the detector's. */
static uint64_t lcg = 20140101;

static double
uniform(void)
{
	lcg = lcg * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return ((double)(lcg >> 11) + 0.5) / 9007199254740992.0;
}

static double
gaussian(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* level 100, a relative step from index at on (at = n: none), relative noise. */
static void
series(double *x, size_t n, size_t at, double step, double noise, int normal)
{
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = 100 * (1 + (normal ? noise * gaussian() : noise * (2 * uniform() - 1))) +
		       (i >= at ? 100 * step : 0);
}

static const struct cp_params defaults = CP_PARAMS_DEFAULT;

static void
step_found(void)
{
	double x[12];
	struct change_point *cp;
	size_t n, k, i, found = 0, right = 0, extra = 0, at;

	for (k = 0; k < 100; k++) {
		at = 4 + k % 5; /* every place that leaves 4 points on each side */
		series(x, 12, at, 0.3, 0.1, 0);
		n = compare_changepoints(x, 12, &defaults, &cp);
		for (i = 0; i < n; i++)
			right += cp[i].index == at;
		extra += n > 1 ? n - 1 : 0;
		if (k == 0) {
			is_int(n, 1, "a 30%% step after 4 of 12 points with ±10%% noise: one change point");
			is_int(n ? cp[0].index : 0, 4, "at the first point after the step");
			ok(n && cp[0].p < 0.01 && cp[0].p > 0, "with p below 0.01 (p = %g)", n ? cp[0].p : NAN);
		}
		free(cp);
	}
	is_int(right, 100, "the step is found at the right point in all 100 generated series");
	ok(extra <= 2, "false change points besides it: %zu (at most 2 of about 200 segments tested)", extra);

	/* Gaussian noise of 10% is harder: 12 points are near the test's resolution. */
	found = right = 0;
	for (k = 0; k < 200; k++) {
		series(x, 12, 6, 0.3, 0.1, 1);
		n = compare_changepoints(x, 12, &defaults, &cp);
		found += n > 0;
		right += n == 1 && cp[0].index == 6;
		free(cp);
	}
	ok(found >= 130 && right >= 110, "gaussian noise (sd 10%%): found in %zu of 200, at the right point in %zu",
	   found, right);
}

static void
noise(void)
{
	double x[20];
	struct change_point *cp;
	size_t k, false_points = 0, series_hit = 0;

	for (k = 0; k < 20; k++) {
		series(x, 20, 20, 0, 0.1, 1);
		false_points += compare_changepoints(x, 20, &defaults, &cp);
		free(cp);
	}
	ok(false_points <= 1, "20 pure-noise series of 20 points: %zu false change points (at most 1)",
	   false_points);
	false_points = 0;
	for (k = 0; k < 2000; k++) {
		size_t n;

		series(x, 20, 20, 0, 0.1, k & 1);
		n = compare_changepoints(x, 20, &defaults, &cp);
		false_points += n;
		series_hit += n > 0;
		free(cp);
	}
	printf("# 2000 noise series of 20 points: %zu with a false change point, %zu in all\n", series_hit,
	       false_points);
	ok(series_hit <= 2000 * 0.015, "false change points in at most 1.5%% of 2000 noise series (%zu)",
	   series_hit);
}

static void
exact(void)
{
	static const double x[6] = {1, 1, 1, 5, 5, 5};
	struct cp_params all = defaults;
	struct change_point *cp;
	size_t n;

	/*
	 * 6 points have 720 orderings, fewer than 999 shuffles: enumerated.
	 * The step's Q is matched by exactly the orderings that put the three
	 * 5s on one side (2 of the 20 ways to place them): p = 0.1.
	 */
	all.significance = 1;
	n = compare_changepoints(x, 6, &all, &cp);
	ok(n == 1 && cp[0].index == 3 && fabs(cp[0].p - 0.1) < 1e-12, "6 points: exact p of 0.1 at index 3 (%g)",
	   n ? cp[0].p : NAN);
	free(cp);
	is_int(compare_changepoints(x, 6, &defaults, &cp), 0, "which is not significant at 0.01");
	free(cp);
	is_int(compare_changepoints(x, 5, &all, &cp), 0, "5 points: no split leaves 3 on each side");
	free(cp);
}

static void
shapes(void)
{
	double x[24], y[24];
	struct change_point *cp, *cp2;
	size_t i, n, n2;

	for (i = 0; i < 24; i++)
		x[i] = 7;
	is_int(compare_changepoints(x, 24, &defaults, &cp), 0, "a constant series has no change point");
	free(cp);

	series(x, 24, 24, 0, 0.02, 0);
	for (i = 8; i < 16; i++)
		x[i] += 20;
	n = compare_changepoints(x, 24, &defaults, &cp);
	ok(n == 2 && cp[0].index == 8 && cp[1].index == 16, "up then down: change points at 8 and 16 (%zu found)",
	   n);
	n2 = compare_changepoints(x, 24, &defaults, &cp2);
	ok(n2 == n && (n == 0 || (cp2[0].p == cp[0].p && cp2[n - 1].p == cp[n - 1].p)),
	   "the same series gives the same p-values: the shuffles are seeded");
	free(cp);
	free(cp2);

	/* A step two points from the end: no split leaves 3 points on its far side. */
	series(y, 12, 12, 0, 0.01, 0);
	y[10] += 50;
	y[11] += 50;
	n = compare_changepoints(y, 12, &defaults, &cp);
	for (i = 0; i < n && cp[i].index >= 3 && cp[i].index <= 9; i++)
		;
	ok(i == n, "a step 2 points from the end: every change point leaves 3 points each side (%zu found)", n);
	free(cp);
}

int
main(void)
{
	step_found();
	noise();
	exact();
	shapes();
	return done_testing();
}
