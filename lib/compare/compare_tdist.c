/*
 * compare_tdist: sample statistics, Welch's t-test and Student's t tail.
 *
 * The two-sided tail of Student's t with v degrees of freedom is a
 * regularized incomplete beta function:
 *
 *	P(|T| >= t) = I_x(v/2, 1/2),  x = v / (v + t^2)
 *
 * and I_x(a, b) is evaluated from its continued fraction
 *
 *	I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...)))
 *
 *	d(2m+1) = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))
 *	d(2m)   =  m(b-m) x / ((a+2m-1)(a+2m))
 *
 * with the modified Lentz method.  The fraction converges quickly for
 * x < (a+1)/(a+b+2); above that point the symmetry
 * I_x(a, b) = 1 - I_(1-x)(b, a) brings x back below it.
 */
#include <float.h>
#include <math.h>

#include "compare_tdist.h"

/* Lentz's guard against a zero denominator. */
#define TINY 1e-300
/*
 * Near the convergence boundary the fraction needs O(sqrt(max(a, b)))
 * terms; with a <= DF_NORMAL / 2 that stays far below this bound.
 */
#define MAX_TERMS 100000
/*
 * Beyond this many degrees of freedom the two-sided tail differs from
 * the normal one by phi(t) (t^3 + t) / (2 df) < 4e-8, while the
 * rounding of lgamma(df/2) (about 1e8 here) costs the fraction as much
 * and grows with df.  Welch's df never exceeds n_a + n_b - 2, so only
 * a pool of millions of runs gets here.
 */
#define DF_NORMAL 1e7

void
compare_sample_stats(const double *x, size_t n, struct sample *s)
{
	double mean = 0, m2 = 0;
	size_t i;

	/* Welford's update: no running sum to overflow or cancel. */
	for (i = 0; i < n; i++) {
		double d = x[i] - mean;

		mean += d / (double)(i + 1);
		m2 += d * (x[i] - mean);
	}
	s->n = n;
	s->mean = n > 0 ? mean : NAN;
	s->sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
	if (!isfinite(s->mean) || (n > 1 && !isfinite(s->sd)))
		s->mean = s->sd = NAN;
}

double
compare_cv_percent(const struct sample *s)
{
	if (!isfinite(s->mean) || !isfinite(s->sd) || s->mean == 0)
		return NAN;
	return 100 * s->sd / fabs(s->mean);
}

/* d(k) of the continued fraction for I_x(a, b), k >= 1. */
static double
cf_term(double a, double b, double x, unsigned k)
{
	double m = (double)(k / 2);

	if (k % 2)
		return -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
	return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
}

/* 1 + d1 / (1 + d2 / (1 + ...)) by the modified Lentz method. */
static double
cf_value(double a, double b, double x)
{
	double f = 1, c = 1, d = 0;
	unsigned k;

	for (k = 1; k <= MAX_TERMS; k++) {
		double t = cf_term(a, b, x, k), delta;

		d = 1 + t * d;
		if (fabs(d) < TINY)
			d = TINY;
		c = 1 + t / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1 / d;
		delta = c * d;
		f *= delta;
		if (fabs(delta - 1) < DBL_EPSILON)
			break;
	}
	return f;
}

/* I_x(a, b) straight from the fraction; y = 1 - x. */
static double
ibeta_cf(double a, double b, double x, double y)
{
	double lx = x < 0.5 ? log(x) : log1p(-y);
	double ly = y < 0.5 ? log(y) : log1p(-x);
	double front = exp(a * lx + b * ly - (lgamma(a) + lgamma(b) - lgamma(a + b)));

	return front / (a * cf_value(a, b, x));
}

/*
 * I_x(a, b) with y = 1 - x supplied by the caller, who can often form
 * it without the cancellation of 1 - x.  0 < x < 1.
 */
static double
ibeta(double a, double b, double x, double y)
{
	if (x < (a + 1) / (a + b + 2))
		return ibeta_cf(a, b, x, y);
	return 1 - ibeta_cf(b, a, y, x);
}

double
compare_betainc(double a, double b, double x)
{
	if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || isinf(a) || isinf(b))
		return NAN;
	if (x == 0 || x == 1)
		return x;
	return ibeta(a, b, x, 1 - x);
}

double
compare_t_two_sided(double t, double df)
{
	double q;

	if (isnan(t) || !(df > 0))
		return NAN;
	t = fabs(t);
	if (t == 0)
		return 1;
	if (isinf(t))
		return 0;
	if (df > DF_NORMAL)
		return erfc(t / sqrt(2));
	/* x = df / (df + t^2) and 1 - x, without forming t^2. */
	q = df / t / t;
	if (q == 0)
		return 0;
	if (isinf(q))
		return 1;
	return ibeta(df / 2, 0.5, q / (1 + q), 1 / (1 + q));
}

int
compare_welch_test(const struct sample *a, const struct sample *b, struct welch *w)
{
	double va, vb, se2, ra, rb, diff;

	if (a->n < WELCH_MIN_N || b->n < WELCH_MIN_N)
		return -1;
	if (!isfinite(a->mean) || !isfinite(a->sd) || !isfinite(b->mean) || !isfinite(b->sd))
		return -1;
	diff = b->mean - a->mean;
	va = a->sd * a->sd / (double)a->n;
	vb = b->sd * b->sd / (double)b->n;
	se2 = va + vb;
	if (se2 == 0) {
		w->t = diff == 0 ? 0 : copysign(INFINITY, diff);
		w->df = NAN;
		w->p = diff == 0 ? 1 : 0;
		return 0;
	}
	w->t = diff / sqrt(se2);
	/*
	 * Welch-Satterthwaite, written with each side's share of the
	 * variance so that tiny or huge variances neither underflow nor
	 * overflow when squared: df = se2^2 / (va^2/(na-1) + vb^2/(nb-1)).
	 */
	ra = va / se2;
	rb = vb / se2;
	w->df = 1 / (ra * ra / (double)(a->n - 1) + rb * rb / (double)(b->n - 1));
	w->p = compare_t_two_sided(w->t, w->df);
	return 0;
}

void
compare_format_p(struct buf *b, double p)
{
	if (isnan(p))
		buf_putc(b, '-');
	else if (p < 0.0001)
		buf_puts(b, "<0.0001");
	else
		buf_printf(b, "%.4f", p);
}

void
compare_format_cv(struct buf *b, const struct sample *s)
{
	if (s->n < 2 || isnan(s->sd))
		buf_putc(b, '-');
	else if (s->sd == 0)
		buf_puts(b, "±0.0%");
	else if (s->mean == 0)
		buf_puts(b, "±inf%");
	else
		buf_printf(b, "±%.1f%%", compare_cv_percent(s));
}
