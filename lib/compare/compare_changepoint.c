/*
 * changepoint: E-divisive means with a permutation test
 * (compare_changepoint.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare_changepoint.h"
#include "util/util.h"

/* SplitMix64 (Steele, Lea and Flood 2014): small, fast, and passes BigCrush. */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, bound), without modulo bias. */
static size_t
random_below(uint64_t *state, size_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound, r;

	do
		r = next_random(state);
	while (r >= limit);
	return (size_t)(r % bound);
}

static void
shuffle(double *v, size_t n, uint64_t *state)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = random_below(state, i);
		double t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

struct search {
	const struct cp_params *p;
	size_t minseg;
	double *cross, *within; /* best_split's sums: n and n + 1 of them */
	double *work;          /* the series being shuffled */
	size_t *bound;         /* segment starts, then n: nbound - 1 segments */
	size_t nbound;
};

/*
 * The best split of y[0..len) as Matteson and James search it: the
 * left side y[0..t) against a right side y[t..kappa) that may end
 * before the segment does (so a change that reverts further on is
 * found too).  Returns t (0 when the segment is too short to split)
 * and Q there.  O(len^2) time, O(len) space: kappa grows by one point
 * at a time, and for every t the sum across the two sides gains that
 * point's distances to y[0..t).
 */
static size_t
best_split(struct search *s, const double *y, size_t len, double *qbest)
{
	double *cross = s->cross, *within = s->within, best = -INFINITY;
	size_t minseg = s->minseg, t, j, at = 0;

	*qbest = -INFINITY;
	if (len < 2 * minseg)
		return 0;
	within[0] = 0;
	for (j = 0; j < len; j++) {
		double run = 0; /* the distances of y[j] to y[0..t) */
		size_t kappa = j + 1;

		for (t = 0; t < j; t++) {
			cross[t] += run;
			run += fabs(y[t] - y[j]);
		}
		cross[j] = run; /* y[j] alone on the right of t = j */
		within[kappa] = within[j] + run; /* the sum within y[0..kappa) */
		for (t = minseg; t + minseg <= kappa; t++) {
			double m = (double)t, k = (double)(kappa - t);
			double right = within[kappa] - within[t] - cross[t];
			double e = 2 * cross[t] / (m * k) - 2 * within[t] / (m * (m - 1)) -
			           2 * right / (k * (k - 1));
			double q = m * k / (m + k) * e;

			if (q > best) {
				best = q;
				at = t;
			}
		}
	}
	*qbest = best;
	return at;
}

/* The largest Q over every segment of y: where (an absolute index, 0 = none) and Q. */
static size_t
best_over_segments(struct search *s, const double *y, double *q)
{
	size_t i, where = 0;

	*q = -INFINITY;
	for (i = 0; i + 1 < s->nbound; i++) {
		double qs;
		size_t t = best_split(s, y + s->bound[i], s->bound[i + 1] - s->bound[i], &qs);

		if (t && qs > *q) {
			*q = qs;
			where = s->bound[i] + t;
		}
	}
	return where;
}

/* Two statistics the same but for rounding in a different summation order. */
static int
at_least(double q, double observed)
{
	return q >= observed - 1e-9 * fabs(observed);
}

/*
 * Distinct shuffles of the splittable segments (the product of their
 * lengths' factorials), or 0 when that exceeds limit.
 */
static uint64_t
shuffle_count(const struct search *s, uint64_t limit)
{
	uint64_t total = 1;
	size_t i, k;

	for (i = 0; i + 1 < s->nbound; i++) {
		size_t len = s->bound[i + 1] - s->bound[i];

		if (len < 2 * s->minseg)
			continue;
		for (k = 2; k <= len; k++) {
			if (total > limit / k)
				return 0;
			total *= k;
		}
	}
	return total;
}

/* The next permutation of v[0..n) in lexicographic order; 0 after the last (v sorted again). */
static int
next_permutation(size_t *v, size_t n)
{
	size_t i, j, t;

	if (n < 2)
		return 0;
	for (i = n - 1; i > 0 && v[i - 1] >= v[i]; i--)
		;
	if (i == 0) {
		for (j = n - 1; i < j; i++, j--)
			t = v[i], v[i] = v[j], v[j] = t;
		return 0;
	}
	for (j = n - 1; v[j] <= v[i - 1]; j--)
		;
	t = v[i - 1], v[i - 1] = v[j], v[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = v[i], v[i] = v[j], v[j] = t;
	return 1;
}

/* Every distinct shuffle, the identity included: the exact p-value. */
static double
p_exact(struct search *s, const double *x, size_t n, double observed)
{
	size_t *perm = ereallocarray(NULL, n, sizeof(*perm)), i, k;
	uint64_t count = 0, total = 0;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (;;) {
		double q;

		for (i = 0; i < n; i++)
			s->work[i] = x[perm[i]];
		best_over_segments(s, s->work, &q);
		count += at_least(q, observed);
		total++;
		/* An odometer: each splittable segment is a digit. */
		for (k = 0; k + 1 < s->nbound; k++) {
			size_t len = s->bound[k + 1] - s->bound[k];

			if (len >= 2 * s->minseg && next_permutation(perm + s->bound[k], len))
				break;
		}
		if (k + 1 >= s->nbound)
			break;
	}
	free(perm);
	return (double)count / (double)total;
}

/*
 * Random shuffles: p = (1 + shuffles at least as extreme) / (1 + R).
 * Once p must end at or above the significance level the answer is
 * known and the shuffling stops.
 */
static double
p_random(struct search *s, const double *x, size_t n, double observed, uint64_t *state)
{
	unsigned r, count = 0, total = s->p->permutations;
	size_t k;

	memcpy(s->work, x, n * sizeof(*x));
	for (r = 0; r < total; r++) {
		double q;

		for (k = 0; k + 1 < s->nbound; k++) {
			size_t len = s->bound[k + 1] - s->bound[k];

			if (len >= 2 * s->minseg)
				shuffle(s->work + s->bound[k], len, state);
		}
		best_over_segments(s, s->work, &q);
		if (at_least(q, observed) &&
		    (double)(++count + 1) >= s->p->significance * (double)(total + 1))
			break;
	}
	return (double)(count + 1) / (double)(total + 1);
}

static void
add_bound(struct search *s, size_t at)
{
	size_t i = s->nbound;

	while (i > 0 && s->bound[i - 1] > at) {
		s->bound[i] = s->bound[i - 1];
		i--;
	}
	s->bound[i] = at;
	s->nbound++;
}

size_t
compare_changepoints(const double *x, size_t n, const struct cp_params *p, struct change_point **out)
{
	struct search s = {p, p->min_segment < 2 ? 2 : p->min_segment, NULL, NULL, NULL, NULL, 0};
	uint64_t state = p->seed;
	size_t ncp = 0, i;

	*out = NULL;
	if (n < 2 * s.minseg)
		return 0;
	s.cross = ereallocarray(NULL, n, sizeof(double));
	s.within = ereallocarray(NULL, n + 1, sizeof(double));
	s.work = ereallocarray(NULL, n, sizeof(double));
	s.bound = ereallocarray(NULL, n + 1, sizeof(size_t));
	s.bound[0] = 0;
	s.bound[1] = n;
	s.nbound = 2;
	for (;;) {
		double q, pv;
		uint64_t exact;
		size_t at = best_over_segments(&s, x, &q);

		if (at == 0)
			break;
		exact = shuffle_count(&s, p->permutations);
		pv = exact ? p_exact(&s, x, n, q) : p_random(&s, x, n, q, &state);
		if (!(pv < p->significance))
			break;
		*out = ereallocarray(*out, ncp + 1, sizeof(**out));
		(*out)[ncp++] = (struct change_point){at, q, pv};
		add_bound(&s, at);
	}
	/* Found strongest first; reported in series order. */
	for (i = 1; i < ncp; i++) {
		struct change_point c = (*out)[i];
		size_t j;

		for (j = i; j > 0 && (*out)[j - 1].index > c.index; j--)
			(*out)[j] = (*out)[j - 1];
		(*out)[j] = c;
	}
	free(s.cross);
	free(s.within);
	free(s.work);
	free(s.bound);
	return ncp;
}
