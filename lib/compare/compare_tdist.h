/*
 * compare_tdist: the few statistics ktstr-compare needs beyond upstream
 * (--spread, --significance): sample mean and standard deviation, the
 * coefficient of variation, and Welch's unequal-variance t-test with
 * its two-sided p-value from Student's t distribution.  libc and -lm
 * only.
 */
#ifndef KTSTR_TDIST_H
#define KTSTR_TDIST_H

#include <stddef.h>

#include "util/util.h"

/* Welch's test is only run with at least this many values per side. */
#define WELCH_MIN_N 3

struct sample {
	size_t n;
	double mean;
	double sd; /* sample standard deviation (n - 1); NaN when n < 2 */
};

/*
 * Mean and sample standard deviation of x[0..n).  n = 0 gives a NaN
 * mean; a non-finite value makes both NaN.
 */
void compare_sample_stats(const double *x, size_t n, struct sample *s);

/* 100 * sd / |mean|: NaN when the mean is 0 or either is not finite. */
double compare_cv_percent(const struct sample *s);

struct welch {
	double t;  /* (mean_b - mean_a) / standard error */
	double df; /* Welch-Satterthwaite degrees of freedom */
	double p;  /* two-sided p-value */
};

/*
 * Welch's t-test of b against a.  Returns -1 (and fills nothing) when
 * either side has fewer than WELCH_MIN_N values or a non-finite mean or
 * standard deviation.  When both sides have zero variance there is no
 * noise to weigh the difference against: equal means give t = 0 and
 * p = 1, different means t = +-inf and p = 0; df is NaN then.
 */
int compare_welch_test(const struct sample *a, const struct sample *b, struct welch *w);

/*
 * P(|T| >= |t|) for Student's t with df > 0 degrees of freedom: 1 at
 * t = 0, 0 at t = +-inf, NaN for a NaN argument or df <= 0.
 */
double compare_t_two_sided(double t, double df);

/*
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1; NaN outside that domain.
 */
double compare_betainc(double a, double b, double x);

/*
 * The text forms ktstr-compare prints.  compare_format_p: "0.0123", "<0.0001"
 * below that, "-" for NaN (no p-value).  compare_format_cv: the coefficient of
 * variation "±12.9%", "±0.0%" for equal values, "±inf%" for a spread
 * around a zero mean, "-" with fewer than two values.
 */
void compare_format_p(struct buf *b, double p);
void compare_format_cv(struct buf *b, const struct sample *s);

#endif
