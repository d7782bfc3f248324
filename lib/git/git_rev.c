/*
 * git_rev: revision expressions (stats.md §5.3) and the A..B walk.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_int.h"

#define AMBIG_MAX 16

static int
all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (git_hexval((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

/* 1 when id names a commit or a tag that peels to one. */
static int
committish(struct git_repo *repo, const struct git_oid *id)
{
	struct git_oid c;
	char saved[sizeof(repo->err)];
	int r;

	memcpy(saved, repo->err, sizeof(saved));
	r = git_peel(repo, id, GIT_OBJ_COMMIT, &c) == 0;
	memcpy(repo->err, saved, sizeof(saved));
	return r;
}

/*
 * An abbreviated id: unique among all objects, or, as git does in a
 * commit context, unique among those that are commits or peel to one.
 */
static int
abbrev(struct git_repo *repo, const char *hex, size_t n, struct git_oid *out)
{
	struct git_oid found[AMBIG_MAX];
	size_t nfound, i, ncommit = 0, pick = 0;

	if (git_odb_has_prefix(repo, hex, n, found, AMBIG_MAX, &nfound) < 0 || nfound == 0)
		return git_fail(repo, "'%.*s' names no object", (int)n, hex);
	if (nfound == 1) {
		*out = found[0];
		return 0;
	}
	for (i = 0; i < nfound; i++)
		if (committish(repo, &found[i])) {
			ncommit++;
			pick = i;
		}
	if (ncommit != 1 || nfound == AMBIG_MAX)
		return git_fail(repo, "short id '%.*s' is ambiguous", (int)n, hex);
	*out = found[pick];
	return 0;
}

/* A pseudo-ref such as HEAD, ORIG_HEAD, FETCH_HEAD: upper case and '_'. */
static int
pseudo_ref(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || strcmp(s + n - 4, "HEAD") != 0)
		return 0;
	for (; *s; s++)
		if (!isupper((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* The base of an expression: id, ref (rev-parse's dwim order), abbreviation. */
static int
resolve_base(struct git_repo *repo, const char *name, struct git_oid *out)
{
	static const char *rules[] = {"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s",
	                              "refs/remotes/%s/HEAD"};
	size_t n = strlen(name), i;

	if (n == repo->rawsz * 2 && all_hex(name, n))
		return git_hex_to_oid(repo, name, out);
	if (!strcmp(name, "@"))
		name = "HEAD";
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char ref[4096];

		if (i == 0 && !pseudo_ref(name) && strncmp(name, "refs/", 5) != 0)
			continue;
		if ((size_t)snprintf(ref, sizeof(ref), rules[i], name) >= sizeof(ref))
			return git_fail(repo, "name too long");
		if (git_resolve_ref(repo, ref, out) == 0)
			return 0;
	}
	if (n >= 4 && n <= repo->rawsz * 2 && all_hex(name, n))
		return abbrev(repo, name, n, out);
	return git_fail(repo, "'%s' does not name a revision", name);
}

static int
parse_num(const char **pp, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p)) {
		*out = 1;
		return 0;
	}
	while (isdigit((unsigned char)*p)) {
		if (v > 100000000ul)
			return -1;
		v = v * 10 + (unsigned long)(*p++ - '0');
	}
	*pp = p;
	*out = v;
	return 0;
}

int
git_rev_parse(struct git_repo *repo, const char *expr, struct git_oid *out)
{
	size_t blen = strcspn(expr, "~^");
	char *base;
	const char *s = expr + blen;
	struct git_oid cur;
	int r;

	if (blen == 0 || strchr(expr, ':') || strstr(expr, "@{"))
		return git_fail(repo, "unsupported revision '%s'", expr);
	base = estrndup(expr, blen);
	r = resolve_base(repo, base, &cur);
	free(base);
	if (r < 0)
		return -1;
	while (*s) {
		unsigned long k;
		struct git_commit c;

		if (!strcmp(s, "^!") && s[2] == '\0')
			break; /* X^! names X itself here (stats.md §5.3) */
		if (!strncmp(s, "^{commit}", 9) || !strncmp(s, "^{}", 3)) {
			if (git_peel(repo, &cur, GIT_OBJ_COMMIT, &cur) < 0)
				return -1;
			s += s[2] == '}' ? 3 : 9;
			continue;
		}
		if (*s != '~' && *s != '^')
			return git_fail(repo, "unsupported revision '%s'", expr);
		{
			int tilde = *s++ == '~';

			if (parse_num(&s, &k) < 0)
				return git_fail(repo, "bad number in '%s'", expr);
			if (git_peel(repo, &cur, GIT_OBJ_COMMIT, &cur) < 0)
				return -1;
			if (tilde) {
				for (; k; k--) {
					if (git_read_commit(repo, &cur, &c) < 0)
						return -1;
					if (!c.nparents) {
						git_commit_free(&c);
						return git_fail(repo, "'%s': not enough ancestors", expr);
					}
					cur = c.parents[0];
					git_commit_free(&c);
				}
			} else if (k) {
				if (git_read_commit(repo, &cur, &c) < 0)
					return -1;
				if (k > c.nparents) {
					git_commit_free(&c);
					return git_fail(repo, "'%s': no parent %lu", expr, k);
				}
				cur = c.parents[k - 1];
				git_commit_free(&c);
			}
		}
	}
	return git_peel(repo, &cur, GIT_OBJ_COMMIT, out);
}

/*
 * The walk: git's limit_list in miniature.  Commits are taken newest
 * first by committer time; uninteresting marks flow from A to every
 * ancestor already seen, and the walk stops once every queued commit is
 * uninteresting (with git's slop of a few extra rounds for clock skew).
 */
enum { SEEN = 1, UNINTERESTING = 2, PARSED = 4 };

struct node {
	struct git_oid id;
	int flags;
	int64_t time;
	size_t *parents; /* indexes into the node table */
	size_t nparents;
};

struct walker {
	struct git_repo *repo;
	struct node *nodes;
	size_t n, cap;
	size_t *hash; /* open addressing; index + 1, 0 = empty */
	size_t hcap;
	size_t *heap, nheap, heapcap;
};

static size_t
hslot(const struct walker *w, const struct git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (w->hcap - 1);
}

static size_t
node_get(struct walker *w, const struct git_oid *id)
{
	size_t i, k;

	if (2 * (w->n + 1) > w->hcap) {
		size_t ncap = w->hcap ? 2 * w->hcap : 1024;

		free(w->hash);
		w->hash = ecalloc(ncap, sizeof(*w->hash));
		w->hcap = ncap;
		for (k = 0; k < w->n; k++) {
			for (i = hslot(w, &w->nodes[k].id); w->hash[i]; i = (i + 1) & (w->hcap - 1))
				;
			w->hash[i] = k + 1;
		}
	}
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

static int
newer(const struct walker *w, size_t a, size_t b)
{
	return w->nodes[a].time > w->nodes[b].time;
}

static void
heap_push(struct walker *w, size_t k)
{
	size_t i;

	if (w->nheap == w->heapcap) {
		w->heapcap = w->heapcap ? 2 * w->heapcap : 256;
		w->heap = ereallocarray(w->heap, w->heapcap, sizeof(*w->heap));
	}
	i = w->nheap++;
	while (i && newer(w, k, w->heap[(i - 1) / 2])) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = k;
}

static size_t
heap_pop(struct walker *w)
{
	size_t top = w->heap[0], last = w->heap[--w->nheap], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= w->nheap)
			break;
		if (c + 1 < w->nheap && newer(w, w->heap[c + 1], w->heap[c]))
			c++;
		if (!newer(w, w->heap[c], last))
			break;
		w->heap[i] = w->heap[c];
		i = c;
	}
	if (w->nheap)
		w->heap[i] = last;
	return top;
}

static int
parse_node(struct walker *w, size_t k)
{
	struct git_commit c;
	size_t i;

	if (w->nodes[k].flags & PARSED)
		return 0;
	if (git_read_commit(w->repo, &w->nodes[k].id, &c) < 0)
		return -1;
	w->nodes[k].flags |= PARSED;
	w->nodes[k].time = c.time;
	w->nodes[k].parents = ereallocarray(NULL, c.nparents ? c.nparents : 1, sizeof(size_t));
	w->nodes[k].nparents = c.nparents;
	for (i = 0; i < c.nparents; i++) {
		size_t p = node_get(w, &c.parents[i]); /* may move w->nodes */

		w->nodes[k].parents[i] = p;
	}
	git_commit_free(&c);
	return 0;
}

/* Mark k's known ancestors uninteresting (iteratively: histories are deep). */
static void
mark_uninteresting(struct walker *w, size_t k)
{
	size_t cap = 64, n = 0, i, *stack = ereallocarray(NULL, cap, sizeof(*stack));

	stack[n++] = k;
	while (n) {
		struct node *nd = &w->nodes[stack[--n]];

		if (!(nd->flags & PARSED))
			continue;
		for (i = 0; i < nd->nparents; i++) {
			struct node *p = &w->nodes[nd->parents[i]];

			if (p->flags & UNINTERESTING)
				continue;
			p->flags |= UNINTERESTING;
			if (n == cap) {
				cap *= 2;
				stack = ereallocarray(stack, cap, sizeof(*stack));
			}
			stack[n++] = nd->parents[i];
		}
	}
	free(stack);
}

static int
all_uninteresting(const struct walker *w)
{
	size_t i;

	for (i = 0; i < w->nheap; i++)
		if (!(w->nodes[w->heap[i]].flags & UNINTERESTING))
			return 0;
	return 1;
}

int
git_rev_walk(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
             int (*fn)(const struct git_oid *id, void *arg), void *arg)
{
	struct walker w;
	size_t k, i;
	int r = 0, slop = 5;

	memset(&w, 0, sizeof(w));
	w.repo = repo;
	k = node_get(&w, a);
	w.nodes[k].flags |= SEEN | UNINTERESTING;
	if (parse_node(&w, k) < 0)
		goto fail;
	heap_push(&w, k);
	k = node_get(&w, b);
	if (!(w.nodes[k].flags & SEEN)) {
		w.nodes[k].flags |= SEEN;
		if (parse_node(&w, k) < 0)
			goto fail;
		heap_push(&w, k);
	}
	while (w.nheap) {
		size_t c = heap_pop(&w);

		if (w.nodes[c].flags & UNINTERESTING)
			mark_uninteresting(&w, c);
		for (i = 0; i < w.nodes[c].nparents; i++) {
			size_t p = w.nodes[c].parents[i];

			if (w.nodes[p].flags & SEEN)
				continue;
			w.nodes[p].flags |= SEEN;
			if (parse_node(&w, p) < 0)
				goto fail;
			heap_push(&w, p);
		}
		if (!all_uninteresting(&w))
			slop = 5;
		else if (--slop <= 0)
			break;
	}
	for (k = 0; k < w.n && r == 0; k++)
		if ((w.nodes[k].flags & (SEEN | UNINTERESTING)) == SEEN)
			r = fn(&w.nodes[k].id, arg);
	goto out;
fail:
	r = -1;
out:
	for (k = 0; k < w.n; k++)
		free(w.nodes[k].parents);
	free(w.nodes);
	free(w.hash);
	free(w.heap);
	return r;
}
