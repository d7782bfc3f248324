/*
 * git_merge_base: the merge bases of two commits, as git merge-base
 * --all finds them: paint the graph down from both sides in committer
 * date order, collect the commits both reach first, then drop any of
 * them that is an ancestor of another.
 */
#include <stdlib.h>
#include <string.h>

#include "git_walk.h"

enum { P1 = 1, P2 = 2, STALE = 4, RESULT = 8 };

/*
 * A boundary commit whose cut-off parents the walk would still follow:
 * the answer depends on history the repository does not have.
 */
static int
shallow_stop(struct git_walk *w, size_t c)
{
	char hex[GIT_MAX_HEXSZ + 1];

	git_oid_hex(w->repo, &w->nodes[c].id, hex);
	return git_fail(w->repo,
	                "the history is shallow: commit %.7s has no parents in this clone, so the "
	                "merge base cannot be found (fetch more history, e.g. git fetch --unshallow)",
	                hex);
}

static void
add(size_t **v, size_t *n, size_t k)
{
	*v = ereallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = k;
}

/*
 * git's paint_down_to_common: one is painted P1, each of twos P2; a
 * commit both reach is a candidate and makes its ancestors stale.  The
 * candidates are appended to *res in the order found.
 */
static int
paint(struct git_walk *w, size_t one, const size_t *twos, size_t ntwos, size_t **res, size_t *nres)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		w->nodes[i].flags = 0;
	w->nheap = 0;
	w->nodes[one].flags |= P1;
	git_walk_push(w, one);
	for (i = 0; i < ntwos; i++) {
		if (w->nodes[twos[i]].flags & P2)
			continue;
		w->nodes[twos[i]].flags |= P2;
		git_walk_push(w, twos[i]);
	}
	while (!git_walk_all_queued(w, STALE)) {
		size_t c = git_walk_pop(w);
		unsigned flags = w->nodes[c].flags & (P1 | P2 | STALE);

		if (flags == (P1 | P2)) {
			if (!(w->nodes[c].flags & RESULT)) {
				w->nodes[c].flags |= RESULT;
				add(res, nres, c);
			}
			flags |= STALE;
		}
		if (w->nodes[c].shallow && !(flags & STALE))
			return shallow_stop(w, c);
		for (i = 0; i < w->nodes[c].nparents; i++) {
			size_t p = w->nodes[c].parents[i];

			if ((w->nodes[p].flags & flags) == flags)
				continue;
			if (git_walk_parse(w, p) < 0)
				return -1;
			w->nodes[p].flags |= flags;
			git_walk_push(w, p);
		}
	}
	return 0;
}

/* git's remove_redundant: drop each candidate another one reaches. */
static int
remove_redundant(struct git_walk *w, size_t *cand, size_t *ncand)
{
	size_t n = *ncand, i, j, k, nothers, *others = ereallocarray(NULL, n, sizeof(*others));
	size_t *scratch = NULL, nscratch;
	char *redundant = ecalloc(n, 1);
	int rc = -1;

	for (i = 0; i < n; i++) {
		if (redundant[i])
			continue;
		for (j = nothers = 0; j < n; j++)
			if (j != i && !redundant[j])
				others[nothers++] = cand[j];
		nscratch = 0;
		if (paint(w, cand[i], others, nothers, &scratch, &nscratch) < 0)
			goto out;
		if (w->nodes[cand[i]].flags & P2)
			redundant[i] = 1;
		for (j = 0; j < n; j++)
			if (j != i && (w->nodes[cand[j]].flags & P1))
				redundant[j] = 1;
	}
	for (i = k = 0; i < n; i++)
		if (!redundant[i])
			cand[k++] = cand[i];
	*ncand = k;
	rc = 0;
out:
	free(scratch);
	free(redundant);
	free(others);
	return rc;
}

/* Newest committer date first; equal dates keep the order found. */
static void
sort_by_date(const struct git_walk *w, size_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		size_t k = v[i];

		for (j = i; j > 0 && w->nodes[v[j - 1]].time < w->nodes[k].time; j--)
			v[j] = v[j - 1];
		v[j] = k;
	}
}

int
git_merge_bases(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
                struct git_oid **bases, size_t *nbases)
{
	struct git_walk w;
	size_t one, two, *cand = NULL, ncand = 0, i, k;
	int rc = -1;

	*bases = NULL;
	*nbases = 0;
	git_walk_init(&w, repo);
	one = git_walk_node(&w, a);
	two = git_walk_node(&w, b);
	if (git_walk_parse(&w, one) < 0 || git_walk_parse(&w, two) < 0)
		goto out;
	if (one == two) {
		add(&cand, &ncand, one);
	} else {
		if (paint(&w, one, &two, 1, &cand, &ncand) < 0)
			goto out;
		/* A candidate found early can be stale by the end: it is below another. */
		for (i = k = 0; i < ncand; i++)
			if (!(w.nodes[cand[i]].flags & STALE))
				cand[k++] = cand[i];
		ncand = k;
		sort_by_date(&w, cand, ncand);
		if (ncand > 1 && remove_redundant(&w, cand, &ncand) < 0)
			goto out;
	}
	*bases = ereallocarray(NULL, ncand ? ncand : 1, sizeof(**bases));
	for (i = 0; i < ncand; i++)
		(*bases)[i] = w.nodes[cand[i]].id;
	*nbases = ncand;
	rc = 0;
out:
	free(cand);
	git_walk_free(&w);
	return rc;
}
