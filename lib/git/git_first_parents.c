/*
 * git_first_parents: a branch's own history, first parents only (git.h).
 */
#include <stdlib.h>
#include <string.h>

#include "git_int.h"

struct range {
	struct git_oid *v;
	size_t n;
};

static int
collect(const struct git_oid *id, void *arg)
{
	struct range *x = arg;

	if ((x->n & (x->n - 1)) == 0)
		x->v = ereallocarray(x->v, x->n ? 2 * x->n : 1, sizeof(*x->v));
	x->v[x->n++] = *id;
	return 0;
}

static int
oid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct git_oid));
}

int
git_first_parents(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
                  int (*fn)(const struct git_oid *id, void *arg), void *arg)
{
	struct range in = {NULL, 0}; /* with a: the commits of a..b */
	struct git_oid cur = *b;
	int r;

	if (a) {
		if (git_rev_walk(repo, a, b, collect, &in) < 0)
			return -1;
		if (in.n)
			qsort(in.v, in.n, sizeof(*in.v), oid_cmp);
	}
	for (;;) {
		struct git_commit c;
		size_t nparents;

		if (a && (!in.n || !bsearch(&cur, in.v, in.n, sizeof(*in.v), oid_cmp))) {
			r = 0;
			break;
		}
		if (git_read_commit(repo, &cur, &c) < 0) {
			r = -1;
			break;
		}
		r = fn(&cur, arg);
		nparents = c.nparents;
		if (nparents)
			cur = c.parents[0];
		if (r == 0 && c.shallow)
			r = 1;
		git_commit_free(&c);
		if (r != 0 || nparents == 0)
			break;
	}
	free(in.v);
	return r;
}
