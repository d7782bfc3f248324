/*
 * git_walk: the commit graph walkers share (git_walk.h).
 */
#include <stdlib.h>
#include <string.h>

#include "git_walk.h"

void
git_walk_init(struct git_walk *w, struct git_repo *repo)
{
	memset(w, 0, sizeof(*w));
	w->repo = repo;
}

void
git_walk_free(struct git_walk *w)
{
	size_t k;

	for (k = 0; k < w->n; k++)
		free(w->nodes[k].parents);
	free(w->nodes);
	free(w->hash);
	free(w->heap);
	memset(w, 0, sizeof(*w));
}

static size_t
hslot(const struct git_walk *w, const struct git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (w->hcap - 1);
}

static void
rehash(struct git_walk *w)
{
	size_t ncap = w->hcap ? 2 * w->hcap : 1024, i, k;

	free(w->hash);
	w->hash = ecalloc(ncap, sizeof(*w->hash));
	w->hcap = ncap;
	for (k = 0; k < w->n; k++) {
		for (i = hslot(w, &w->nodes[k].id); w->hash[i]; i = (i + 1) & (w->hcap - 1))
			;
		w->hash[i] = k + 1;
	}
}

size_t
git_walk_node(struct git_walk *w, const struct git_oid *id)
{
	size_t i;

	if (2 * (w->n + 1) > w->hcap)
		rehash(w);
	for (i = hslot(w, id); w->hash[i]; i = (i + 1) & (w->hcap - 1))
		if (git_oid_eq(w->repo, &w->nodes[w->hash[i] - 1].id, id))
			return w->hash[i] - 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->nodes = ereallocarray(w->nodes, w->cap, sizeof(*w->nodes));
	}
	memset(&w->nodes[w->n], 0, sizeof(w->nodes[w->n]));
	w->nodes[w->n].id = *id;
	w->hash[i] = w->n + 1;
	return w->n++;
}

int
git_walk_parse(struct git_walk *w, size_t k)
{
	struct git_commit c;
	size_t i;

	if (w->nodes[k].parsed)
		return 0;
	if (git_read_commit(w->repo, &w->nodes[k].id, &c) < 0)
		return -1;
	w->nodes[k].parsed = 1;
	w->nodes[k].shallow = c.shallow;
	w->nodes[k].time = c.time;
	w->nodes[k].parents = ereallocarray(NULL, c.nparents ? c.nparents : 1, sizeof(size_t));
	w->nodes[k].nparents = c.nparents;
	for (i = 0; i < c.nparents; i++) {
		size_t p = git_walk_node(w, &c.parents[i]); /* may move w->nodes */

		w->nodes[k].parents[i] = p;
	}
	git_commit_free(&c);
	return 0;
}

/* a leaves the queue before b: newer, or as old and queued earlier. */
static int
before(const struct git_walk *w, const struct git_walk_queued *a, const struct git_walk_queued *b)
{
	int64_t ta = w->nodes[a->node].time, tb = w->nodes[b->node].time;

	return ta != tb ? ta > tb : a->seq < b->seq;
}

void
git_walk_push(struct git_walk *w, size_t k)
{
	struct git_walk_queued q = {k, w->seq++};
	size_t i;

	if (w->nheap == w->heapcap) {
		w->heapcap = w->heapcap ? 2 * w->heapcap : 256;
		w->heap = ereallocarray(w->heap, w->heapcap, sizeof(*w->heap));
	}
	i = w->nheap++;
	while (i && before(w, &q, &w->heap[(i - 1) / 2])) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = q;
}

size_t
git_walk_pop(struct git_walk *w)
{
	size_t top = w->heap[0].node, i = 0;
	struct git_walk_queued last = w->heap[--w->nheap];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && before(w, &w->heap[c + 1], &w->heap[c]))
			c++;
		if (!before(w, &w->heap[c], &last))
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (w->nheap)
		w->heap[i] = last;
	return top;
}

int
git_walk_all_queued(const struct git_walk *w, unsigned flag)
{
	size_t i;

	for (i = 0; i < w->nheap; i++)
		if (!(w->nodes[w->heap[i].node].flags & flag))
			return 0;
	return 1;
}
