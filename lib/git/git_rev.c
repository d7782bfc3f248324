/*
 * git_rev: HEAD, revision expressions (the forms ktstr-compare(1) lists
 * for its commit options) and the A..B walk.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_walk.h"

#define AMBIG_MAX 16

int
git_head_oid(struct git_repo *repo, struct git_oid *out)
{
	struct git_oid id;

	if (git_resolve_ref(repo, "HEAD", &id) < 0)
		return -1;
	return git_peel(repo, &id, GIT_OBJ_COMMIT, out);
}

int
git_head(struct git_repo *repo, char hex[GIT_MAX_HEXSZ + 1])
{
	struct git_oid id;

	if (git_head_oid(repo, &id) < 0)
		return -1;
	git_oid_hex(repo, &id, hex);
	return 0;
}

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
			break; /* X^! names X itself: the commit, without its parents */
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
enum { SEEN = 1, UNINTERESTING = 2 };

/* Mark k's known ancestors uninteresting (iteratively: histories are deep). */
static void
mark_uninteresting(struct git_walk *w, size_t k)
{
	size_t cap = 64, n = 0, i, *stack = ereallocarray(NULL, cap, sizeof(*stack));

	stack[n++] = k;
	while (n) {
		struct git_walk_node *nd = &w->nodes[stack[--n]];

		if (!nd->parsed)
			continue;
		for (i = 0; i < nd->nparents; i++) {
			struct git_walk_node *p = &w->nodes[nd->parents[i]];

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

/* Queue node k once, parsed. */
static int
enqueue(struct git_walk *w, size_t k, unsigned flags)
{
	if (w->nodes[k].flags & SEEN)
		return 0;
	w->nodes[k].flags |= SEEN | flags;
	if (git_walk_parse(w, k) < 0)
		return -1;
	git_walk_push(w, k);
	return 0;
}

int
git_rev_walk(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
             int (*fn)(const struct git_oid *id, void *arg), void *arg)
{
	struct git_walk w;
	size_t k, i;
	int r = 0, slop = 5;

	git_walk_init(&w, repo);
	if (enqueue(&w, git_walk_node(&w, a), UNINTERESTING) < 0 ||
	    enqueue(&w, git_walk_node(&w, b), 0) < 0)
		goto fail;
	while (w.nheap) {
		size_t c = git_walk_pop(&w);

		if (w.nodes[c].flags & UNINTERESTING)
			mark_uninteresting(&w, c);
		for (i = 0; i < w.nodes[c].nparents; i++)
			if (enqueue(&w, w.nodes[c].parents[i], 0) < 0)
				goto fail;
		if (!git_walk_all_queued(&w, UNINTERESTING))
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
	git_walk_free(&w);
	return r;
}
