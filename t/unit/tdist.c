/*
 * lib/compare/compare_tdist: sample statistics, Student's t tail against published
 * critical values and closed forms, Welch's test on hand-computed
 * examples, and the degenerate inputs ktstr-compare can meet.
 */
#include <math.h>

#include "compare/compare_tdist.h"
#include "tap.h"
#include "util/util.h"

static int
near(double got, double want, double tol, const char *what)
{
	int cond = fabs(got - want) <= tol;

	ok(cond, "%s", what);
	if (!cond)
		printf("#   got: %.17g\n#  want: %.17g (tolerance %g)\n", got, want, tol);
	return cond;
}

static void
test_sample(void)
{
	static const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	static const double same[] = {3.25, 3.25, 3.25, 3.25};
	static const double big[] = {1e308, 1e308, 1e308};
	double bad[] = {1, NAN, 3};
	struct sample s;

	/* Sum of squared deviations from the mean 5 is 32, so s^2 = 32/7. */
	compare_sample_stats(x, LEN(x), &s);
	is_int(s.n, 8, "sample: n");
	near(s.mean, 5, 1e-15, "sample: mean");
	near(s.sd, sqrt(32.0 / 7), 1e-15, "sample: sd uses n - 1");
	near(compare_cv_percent(&s), 100 * sqrt(32.0 / 7) / 5, 1e-12, "cv: 100 sd / |mean|");

	compare_sample_stats(same, LEN(same), &s);
	ok(s.mean == 3.25 && s.sd == 0, "sample: identical values have sd exactly 0");
	is_int(compare_cv_percent(&s) == 0, 1, "cv: 0 for identical values");

	compare_sample_stats(x, 1, &s);
	ok(s.mean == 2 && isnan(s.sd), "sample: one value has a mean but no sd");
	ok(isnan(compare_cv_percent(&s)), "cv: NaN without an sd");

	compare_sample_stats(x, 0, &s);
	ok(s.n == 0 && isnan(s.mean) && isnan(s.sd), "sample: empty has no mean");

	compare_sample_stats(bad, LEN(bad), &s);
	ok(isnan(s.mean) && isnan(s.sd), "sample: a NaN value poisons both");

	/* Welford's update needs no sum, so 3e308 never appears. */
	compare_sample_stats(big, LEN(big), &s);
	ok(s.mean == 1e308 && s.sd == 0, "sample: values near DBL_MAX do not overflow");

	s.mean = 0;
	s.sd = 1;
	ok(isnan(compare_cv_percent(&s)), "cv: NaN for a zero mean");
	s.mean = -4;
	near(compare_cv_percent(&s), 25, 0, "cv: uses |mean|");
}

static void
test_betainc(void)
{
	near(compare_betainc(1, 1, 0.3), 0.3, 1e-15, "compare_betainc: I_x(1,1) = x");
	near(compare_betainc(2.5, 1, 0.4), pow(0.4, 2.5), 1e-15, "compare_betainc: I_x(a,1) = x^a");
	near(compare_betainc(1, 3, 0.2), 1 - pow(0.8, 3), 1e-15, "compare_betainc: I_x(1,b) = 1-(1-x)^b");
	near(compare_betainc(7, 7, 0.5), 0.5, 4e-15, "compare_betainc: I_1/2(a,a) = 1/2");
	near(compare_betainc(3, 4, 0.35) + compare_betainc(4, 3, 0.65), 1, 1e-15, "compare_betainc: symmetry");
	ok(compare_betainc(2, 3, 0) == 0 && compare_betainc(2, 3, 1) == 1, "compare_betainc: ends of [0,1]");
	ok(isnan(compare_betainc(0, 1, 0.5)) && isnan(compare_betainc(1, -1, 0.5)) &&
	       isnan(compare_betainc(1, 1, 1.5)) && isnan(compare_betainc(1, 1, NAN)) &&
	       isnan(compare_betainc(INFINITY, 1, 0.5)),
	   "compare_betainc: NaN outside the domain");
}

static void
test_t_tables(void)
{
	/*
	 * Two-sided critical values as printed in t tables (three
	 * decimals), then to nine decimals; the p-value moves by about
	 * 2e-5 per 0.001 of t here.
	 */
	near(compare_t_two_sided(2.228, 10), 0.05, 1e-4, "t table: 2.228, df 10 -> 0.05");
	near(compare_t_two_sided(2.086, 20), 0.05, 1e-4, "t table: 2.086, df 20 -> 0.05");
	near(compare_t_two_sided(3.169, 10), 0.01, 1e-4, "t table: 3.169, df 10 -> 0.01");
	near(compare_t_two_sided(1.812, 10), 0.10, 1e-4, "t table: 1.812, df 10 -> 0.10");
	near(compare_t_two_sided(2.228138852, 10), 0.05, 1e-9, "t: 2.228138852, df 10");
	near(compare_t_two_sided(2.085963447, 20), 0.05, 1e-9, "t: 2.085963447, df 20");
	near(compare_t_two_sided(3.169272673, 10), 0.01, 1e-9, "t: 3.169272673, df 10");
	near(compare_t_two_sided(1.812461123, 10), 0.10, 1e-9, "t: 1.812461123, df 10");
	near(compare_t_two_sided(12.706204736, 1), 0.05, 1e-9, "t: 12.706, df 1");
	near(compare_t_two_sided(-2.228138852, 10), 0.05, 1e-9, "t: sign does not matter");
}

static void
test_t_closed_forms(void)
{
	static const double ts[] = {0.01, 0.5, 1, 3, 40, 1e6};
	size_t i;
	char what[64];

	/* df 1 is Cauchy; df 2 has an elementary tail too. */
	for (i = 0; i < LEN(ts); i++) {
		double t = ts[i];

		snprintf(what, sizeof(what), "t: df 1 is Cauchy at t = %g", t);
		near(compare_t_two_sided(t, 1), 1 - 2 / M_PI * atan(t), 1e-13, what);
		snprintf(what, sizeof(what), "t: df 2 closed form at t = %g", t);
		near(compare_t_two_sided(t, 2), 1 - t / sqrt(2 + t * t), 1e-13, what);
	}
}

static void
test_t_normal(void)
{
	double z = 1.959963984540054; /* the normal 97.5 % quantile */
	double phi = exp(-z * z / 2) / sqrt(2 * M_PI);

	/*
	 * For large df the tail exceeds the normal one by
	 * phi(z) (z^3 + z) / (2 df) + O(1/df^2).
	 */
	near(compare_t_two_sided(z, 1e5), 0.05 + phi * (z * z * z + z) / 2e5, 1e-9,
	     "t: df 1e5 is normal plus the 1/df term");
	near(compare_t_two_sided(z, 5e6), 0.05, 1e-7, "t: df 5e6 from the fraction");
	near(compare_t_two_sided(z, 5e8), 0.05, 1e-9, "t: df 5e8 is normal");
	near(compare_t_two_sided(z, INFINITY), 0.05, 1e-12, "t: infinite df is normal");
	near(compare_t_two_sided(1.5, 0.99e7), compare_t_two_sided(1.5, 1.01e7), 1e-7,
	     "t: no step where the normal takes over");
	near(compare_t_two_sided(2.575829303548901, 1e12), 0.01, 1e-12, "t: normal 99.5 % quantile");
}

static void
test_t_edges(void)
{
	ok(compare_t_two_sided(0, 5) == 1, "t: p = 1 at t = 0");
	ok(compare_t_two_sided(INFINITY, 5) == 0 && compare_t_two_sided(-INFINITY, 5) == 0, "t: p = 0 at +-inf");
	ok(compare_t_two_sided(1e-300, 3) == 1, "t: a vanishing t gives 1");
	ok(compare_t_two_sided(1e200, 3) == 0, "t: a huge t gives 0 without overflow");
	ok(isnan(compare_t_two_sided(NAN, 5)), "t: NaN t");
	ok(isnan(compare_t_two_sided(1, 0)) && isnan(compare_t_two_sided(1, -3)) && isnan(compare_t_two_sided(1, NAN)),
	   "t: df must be positive");
	ok(compare_t_two_sided(1e-8, 4) <= 1 && compare_t_two_sided(1e-8, 4) > 0.999999, "t: p never exceeds 1");
}

static void
welch_of(const double *a, size_t na, const double *b, size_t nb, struct welch *w, int *rc)
{
	struct sample sa, sb;

	compare_sample_stats(a, na, &sa);
	compare_sample_stats(b, nb, &sb);
	*rc = compare_welch_test(&sa, &sb, w);
}

static void
test_welch(void)
{
	static const double a1[] = {10, 12, 14}, b1[] = {15, 16, 17, 18};
	static const double a2[] = {1, 2, 3, 4, 5}, b2[] = {2, 4, 6};
	struct welch w;
	int rc;

	/*
	 * A = {10, 12, 14}: mean 12, squared deviations 4 + 0 + 4 = 8,
	 * s^2 = 8/2 = 4, s^2/n = 4/3.
	 * B = {15, 16, 17, 18}: mean 16.5, squared deviations
	 * 2.25 + 0.25 + 0.25 + 2.25 = 5, s^2 = 5/3, s^2/n = 5/12.
	 * se^2 = 4/3 + 5/12 = 7/4, t = 4.5 / sqrt(7/4) = 3.4016802571.
	 * df = (7/4)^2 / ((4/3)^2/2 + (5/12)^2/3)
	 *    = (49/16) / (8/9 + 25/432) = (49/16) / (409/432) = 1323/409
	 *    = 3.2347188264.
	 * p = 0.0378150822 (Simpson's rule on the t density, 2e5 steps).
	 */
	welch_of(a1, LEN(a1), b1, LEN(b1), &w, &rc);
	is_int(rc, 0, "welch 1: computed");
	near(w.t, 4.5 / sqrt(7.0 / 4), 1e-12, "welch 1: t = 4.5 / sqrt(7/4)");
	near(w.df, 1323.0 / 409, 1e-12, "welch 1: df = 1323/409");
	near(w.p, 0.0378150822, 1e-9, "welch 1: p");

	/*
	 * A = {1, 2, 3, 4, 5}: mean 3, squared deviations 10, s^2 = 10/4
	 * = 2.5, s^2/n = 0.5.  B = {2, 4, 6}: mean 4, squared deviations
	 * 8, s^2 = 4, s^2/n = 4/3.  se^2 = 1/2 + 4/3 = 11/6,
	 * t = 1 / sqrt(11/6) = 0.7385489459.
	 * df = (11/6)^2 / ((1/2)^2/4 + (4/3)^2/2)
	 *    = (121/36) / (1/16 + 8/9) = (121/36) / (137/144) = 484/137
	 *    = 3.5328467153.
	 * p = 0.5062141717 (Simpson's rule as above).
	 */
	welch_of(a2, LEN(a2), b2, LEN(b2), &w, &rc);
	is_int(rc, 0, "welch 2: computed");
	near(w.t, 1 / sqrt(11.0 / 6), 1e-12, "welch 2: t = 1 / sqrt(11/6)");
	near(w.df, 484.0 / 137, 1e-12, "welch 2: df = 484/137");
	near(w.p, 0.5062141717, 1e-9, "welch 2: p");

	/* Swapping the sides flips t and keeps p. */
	welch_of(b2, LEN(b2), a2, LEN(a2), &w, &rc);
	ok(rc == 0 && fabs(w.t + 1 / sqrt(11.0 / 6)) < 1e-12 && fabs(w.p - 0.5062141717) < 1e-9,
	   "welch: b against a mirrors t");
}

static void
test_welch_degenerate(void)
{
	static const double five[] = {5, 5, 5}, seven[] = {7, 7, 7, 7};
	static const double x[] = {1, 2, 3}, y[] = {4, 5};
	double nan3[] = {1, NAN, 2};
	struct sample s1, s2;
	struct welch w;
	int rc;

	welch_of(five, LEN(five), five, LEN(five), &w, &rc);
	ok(rc == 0 && w.t == 0 && w.p == 1 && isnan(w.df),
	   "welch: identical constant samples: t 0, p 1, no df");

	welch_of(five, LEN(five), seven, LEN(seven), &w, &rc);
	ok(rc == 0 && w.t == INFINITY && w.p == 0 && isnan(w.df),
	   "welch: zero variance both sides, different means: p 0");
	welch_of(seven, LEN(seven), five, LEN(five), &w, &rc);
	ok(rc == 0 && w.t == -INFINITY && w.p == 0, "welch: and t keeps the sign");

	/* One constant side: the other side's variance alone decides. */
	welch_of(five, LEN(five), x, LEN(x), &w, &rc);
	ok(rc == 0 && fabs(w.t - (2 - 5) / sqrt(1.0 / 3)) < 1e-12 && fabs(w.df - 2) < 1e-12 &&
	       fabs(w.p - compare_t_two_sided(3 / sqrt(1.0 / 3), 2)) < 1e-15,
	   "welch: one zero-variance side");

	welch_of(x, LEN(x), x, LEN(x), &w, &rc);
	ok(rc == 0 && w.t == 0 && w.p == 1, "welch: identical samples: p 1");

	welch_of(x, LEN(x), y, LEN(y), &w, &rc);
	is_int(rc, -1, "welch: n = 2 on one side is not tested");
	welch_of(y, LEN(y), x, LEN(x), &w, &rc);
	is_int(rc, -1, "welch: n = 2 on the other side either");
	welch_of(x, 0, x, LEN(x), &w, &rc);
	is_int(rc, -1, "welch: an empty side");

	welch_of(nan3, LEN(nan3), x, LEN(x), &w, &rc);
	is_int(rc, -1, "welch: a NaN value is not tested");
	compare_sample_stats(x, LEN(x), &s1);
	s2 = s1;
	s2.sd = INFINITY;
	is_int(compare_welch_test(&s1, &s2, &w), -1, "welch: an infinite sd is not tested");
}

static void
test_format(void)
{
	static const double x[] = {10, 12}, same[] = {4, 4, 4}, zero[] = {-1, 1};
	struct buf b = BUF_INIT;
	struct sample s;

	compare_format_p(&b, 0.0123456);
	is_str(b.s, "0.0123", "compare_format_p: four decimals");
	buf_reset(&b);
	compare_format_p(&b, 0.00009);
	is_str(b.s, "<0.0001", "compare_format_p: tiny p");
	buf_reset(&b);
	compare_format_p(&b, 0);
	is_str(b.s, "<0.0001", "compare_format_p: p = 0");
	buf_reset(&b);
	compare_format_p(&b, 1);
	is_str(b.s, "1.0000", "compare_format_p: p = 1");
	buf_reset(&b);
	compare_format_p(&b, NAN);
	is_str(b.s, "-", "compare_format_p: no p-value");

	/* mean 11, sd sqrt(2): 12.856 % */
	compare_sample_stats(x, LEN(x), &s);
	buf_reset(&b);
	compare_format_cv(&b, &s);
	is_str(b.s, "±12.9%", "compare_format_cv: one decimal");
	compare_sample_stats(same, LEN(same), &s);
	buf_reset(&b);
	compare_format_cv(&b, &s);
	is_str(b.s, "±0.0%", "compare_format_cv: equal runs");
	compare_sample_stats(zero, LEN(zero), &s);
	buf_reset(&b);
	compare_format_cv(&b, &s);
	is_str(b.s, "±inf%", "compare_format_cv: spread around zero");
	compare_sample_stats(x, 1, &s);
	buf_reset(&b);
	compare_format_cv(&b, &s);
	is_str(b.s, "-", "compare_format_cv: one run");
	buf_free(&b);
}

int
main(void)
{
	test_sample();
	test_betainc();
	test_t_tables();
	test_t_closed_forms();
	test_t_normal();
	test_t_edges();
	test_welch();
	test_welch_degenerate();
	test_format();
	return done_testing();
}
