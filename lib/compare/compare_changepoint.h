/*
 * changepoint: where in a series its level moved, by E-divisive means
 * (Matteson and James, "A nonparametric approach for multiple change
 * point analysis of multivariate data", JASA 2014), the method the
 * change-point detectors of MongoDB's and Apache Otava's performance
 * CI use.  ktstr-compare --history runs it over each (test, metric)
 * series of a commit history.
 *
 * The energy statistic of a split of a segment at t,
 *
 *   Q(t) = m k / (m + k) * (2/(m k) S_xy - 1/C(m,2) S_xx - 1/C(k,2) S_yy),
 *
 * with m points left of t, k right of it and S the sums of |x_i - x_j|
 * across and within the two sides, is largest where the two sides
 * differ most in distribution.  The procedure is hierarchical: the
 * largest Q over every current segment proposes a change point; a
 * permutation test (the values shuffled within each segment, the
 * search repeated) gives its p-value; a change point below the
 * significance level is kept and the search goes on, the first one
 * that is not ends it.  Under the null hypothesis of no change the
 * permutation test is exact: the chance that a series without change
 * yields a change point is at most the significance level.
 *
 * The shuffles come from a fixed-seed generator restarted for every
 * series, so a series always gives the same answer.
 */
#ifndef KTSTR_CHANGEPOINT_H
#define KTSTR_CHANGEPOINT_H

#include <stddef.h>
#include <stdint.h>

struct cp_params {
	double significance;   /* a change point needs p below this */
	unsigned permutations; /* random shuffles per test, when enumerating would take more */
	size_t min_segment;    /* points on each side of a change point, at least */
	uint64_t seed;
};

/* The pinned defaults: significance 0.01, 999 permutations, segments of 3 points. */
#define CP_SIGNIFICANCE 0.01
#define CP_PERMUTATIONS 999u
#define CP_MIN_SEGMENT 3u
#define CP_SEED UINT64_C(0x6b74737472636d70) /* "ktstrcmp" */
#define CP_PARAMS_DEFAULT {CP_SIGNIFICANCE, CP_PERMUTATIONS, CP_MIN_SEGMENT, CP_SEED}

struct change_point {
	size_t index; /* the first point after the change */
	double q;     /* the energy statistic of the split */
	double p;     /* its permutation p-value */
};

/*
 * The change points of x[0..n) in increasing index order, into *out
 * (malloc'd, NULL when none); returns how many.  The values must be
 * finite.  When every distinct shuffle of the segments numbers no more
 * than the permutations asked for, all of them are enumerated and the
 * p-value is exact.
 */
size_t compare_changepoints(const double *x, size_t n, const struct cp_params *p,
                            struct change_point **out);

#endif
