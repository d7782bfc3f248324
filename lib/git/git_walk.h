/*
 * git_walk: the commit graph in memory, for the walks of lib/git (the
 * A..B range, merge bases, first-parent history).  Nodes are found by
 * id and parsed on demand; the queue hands out the newest committer
 * date first, commits of equal date in the order they were queued, as
 * git's own priority queue does.  Not an API outside lib/git.
 */
#ifndef KTSTR_GIT_WALK_H
#define KTSTR_GIT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "git_int.h"

struct git_walk_node {
	struct git_oid id;
	unsigned flags;  /* the walk's own marks */
	int parsed;
	int shallow;     /* a shallow clone's boundary: its parents were cut off */
	int64_t time;    /* committer date */
	size_t *parents; /* indexes into the node table */
	size_t nparents;
};

struct git_walk {
	struct git_repo *repo;
	struct git_walk_node *nodes;
	size_t n, cap;
	size_t *hash; /* open addressing; index + 1, 0 = empty */
	size_t hcap;
	struct git_walk_queued {
		size_t node;
		uint64_t seq;
	} *heap;
	size_t nheap, heapcap;
	uint64_t seq;
};

void git_walk_init(struct git_walk *w, struct git_repo *repo);
void git_walk_free(struct git_walk *w);

/* The node of id, added unparsed when new.  Node pointers move when one is added. */
size_t git_walk_node(struct git_walk *w, const struct git_oid *id);

/* Read node k's commit once: time, parents, shallow.  0, or -1 (reason in repo). */
int git_walk_parse(struct git_walk *w, size_t k);

/* The queue; k must be parsed (its date orders it). */
void git_walk_push(struct git_walk *w, size_t k);
size_t git_walk_pop(struct git_walk *w);
/* 1 when every queued node carries flag (an empty queue too). */
int git_walk_all_queued(const struct git_walk *w, unsigned flag);

#endif
