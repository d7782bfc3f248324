/*
 * git_dirty: the dirty probe, and the project commit string built on it
 * ("abc1234" or "abc1234-dirty", as ktstr-rundir(1) describes).
 *
 * Leg 1 compares HEAD's tree with the index, skipping every subtree
 * whose cache-tree entry is valid and names the same tree (so a clean
 * index with a valid cache tree reads no tree at all).  Leg 2 compares
 * the index with the work tree (git_worktree.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_int.h"

#define TREE_MAXDEPTH 4096

/* The mode git records for a tree entry (git's canon_mode). */
static uint32_t
canon_mode(uint32_t m)
{
	switch (m & GIT_MODE_TYPE) {
	case GIT_MODE_REG:
		return GIT_MODE_REG | (m & 0100 ? 0755 : 0644);
	case GIT_MODE_LINK:
	case GIT_MODE_DIR:
		return m & GIT_MODE_TYPE;
	default:
		return GIT_MODE_GITLINK;
	}
}

struct leg1 {
	struct git_repo *repo;
	const struct git_index *ix;
	size_t pos;
	struct buf path;
};

static const struct git_ctree *
ctree_child(const struct git_ctree *t, const char *name, size_t n)
{
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < t->nsub; i++)
		if (strlen(t->sub[i].name) == n && !memcmp(t->sub[i].name, name, n))
			return &t->sub[i];
	return NULL;
}

static int
has_prefix(const struct git_ientry *e, const char *pre, size_t n)
{
	return e->pathlen > n && !memcmp(e->path, pre, n);
}

/* One tree entry: "mode name\0" and the raw id. */
struct tentry {
	uint32_t mode; /* canonical */
	const char *name;
	size_t namelen;
	struct git_oid oid;
};

/* The entry at *pp of the tree data[0..end); *pp moves past it. */
static int
tree_entry(struct git_repo *repo, const unsigned char *data, const unsigned char **pp,
           const unsigned char *end, struct tentry *te)
{
	const unsigned char *p = *pp, *sp = memchr(p, ' ', (size_t)(end - p)), *nul, *q;
	uint32_t mode = 0;

	nul = sp ? memchr(sp, '\0', (size_t)(end - sp)) : NULL;
	if (!nul || sp == p || nul == sp + 1 || (size_t)(end - nul - 1) < repo->rawsz)
		return git_fail(repo, "malformed tree at offset %zu", (size_t)(p - data));
	for (q = p; q < sp; q++) {
		if (*q < '0' || *q > '7' || mode > 0177777)
			return git_fail(repo, "bad tree entry mode at offset %zu", (size_t)(q - data));
		mode = mode << 3 | (uint32_t)(*q - '0');
	}
	te->mode = canon_mode(mode);
	te->name = (const char *)sp + 1;
	te->namelen = (size_t)(nul - sp - 1);
	memset(&te->oid, 0, sizeof(te->oid));
	memcpy(te->oid.id, nul + 1, repo->rawsz);
	*pp = nul + 1 + repo->rawsz;
	return 0;
}

static int walk(struct leg1 *w, const struct git_oid *tree, const struct git_ctree *ct, int depth);

/*
 * A subtree (w->path is "dir/"): a sparse-index directory entry stands
 * for all of it; a valid cache-tree entry naming the same tree covers
 * its entries without reading it; otherwise it is walked.
 */
static int
subtree_dirty(struct leg1 *w, const struct tentry *te, const struct git_ctree *ct, int depth)
{
	const struct git_index *ix = w->ix;
	const struct git_ctree *sub = ctree_child(ct, te->name, te->namelen);
	const struct git_ientry *e = w->pos < ix->n ? &ix->e[w->pos] : NULL;
	size_t plen = w->path.len, count;

	if (e && e->pathlen == plen && !memcmp(e->path, w->path.s, plen)) {
		w->pos++;
		return (e->mode & GIT_MODE_TYPE) != GIT_MODE_DIR || !git_oid_eq(w->repo, &e->oid, &te->oid);
	}
	if (sub && sub->count > 0 && git_oid_eq(w->repo, &sub->oid, &te->oid) &&
	    (count = (size_t)sub->count) <= ix->n - w->pos &&
	    has_prefix(&ix->e[w->pos], w->path.s, plen) &&
	    has_prefix(&ix->e[w->pos + count - 1], w->path.s, plen) &&
	    (w->pos + count == ix->n || !has_prefix(&ix->e[w->pos + count], w->path.s, plen))) {
		w->pos += count;
		return 0;
	}
	return walk(w, &te->oid, sub, depth + 1);
}

/* A blob, symlink or gitlink: the index's next entry, at stage 0, the same. */
static int
leaf_dirty(struct leg1 *w, const struct tentry *te)
{
	const struct git_index *ix = w->ix;
	const struct git_ientry *e = w->pos < ix->n ? &ix->e[w->pos++] : NULL;

	return !e || e->pathlen != w->path.len || memcmp(e->path, w->path.s, e->pathlen) ||
	       GIT_IE_STAGE(e) || (e->xflags & GIT_IE_INTENT_TO_ADD) || canon_mode(e->mode) != te->mode ||
	       !git_oid_eq(w->repo, &e->oid, &te->oid);
}

/* 1 dirty, 0 same, -1 error.  w->path holds the tree's prefix ("" or "dir/"). */
static int
walk(struct leg1 *w, const struct git_oid *tree, const struct git_ctree *ct, int depth)
{
	struct git_repo *repo = w->repo;
	unsigned char *data;
	size_t len, plen = w->path.len;
	enum git_obj_type t;
	const unsigned char *p, *end;
	int r = 0;

	if (depth > TREE_MAXDEPTH)
		return git_fail(repo, "trees nested too deep");
	if (git_read_object(repo, tree, &t, &data, &len) < 0)
		return -1;
	if (t != GIT_OBJ_TREE) {
		free(data);
		return git_fail(repo, "tree entry of '%s' is not a tree", w->path.s ? w->path.s : "");
	}
	for (p = data, end = data + len; p < end && r == 0;) {
		struct tentry te;

		if (tree_entry(repo, data, &p, end, &te) < 0) {
			r = -1;
			break;
		}
		w->path.len = plen;
		buf_add(&w->path, te.name, te.namelen);
		if (te.mode == GIT_MODE_DIR) {
			buf_putc(&w->path, '/');
			r = subtree_dirty(w, &te, ct, depth);
		} else {
			r = leaf_dirty(w, &te);
		}
	}
	w->path.len = plen;
	free(data);
	return r;
}

int
git_dirty(struct git_repo *repo)
{
	struct git_oid head, tree;
	struct git_index ix;
	int r;

	if (git_head_oid(repo, &head) < 0 || git_peel(repo, &head, GIT_OBJ_TREE, &tree) < 0)
		return 0;
	r = git_index_read(repo, &ix);
	if (r > 0)
		return 0; /* no index: neither leg has anything to compare */
	if (r < 0) {
		char why[sizeof(repo->err)];

		/* git refuses to work with such an index; nothing shows the tree clean. */
		snprintf(why, sizeof(why), "%s", repo->err);
		return git_fail(repo, "cannot read the index: %s", why);
	}
	if (ix.tree && ix.tree->count >= 0 && git_oid_eq(repo, &ix.tree->oid, &tree) &&
	    (size_t)ix.tree->count == ix.n) {
		r = 0;
	} else {
		struct leg1 w = {repo, &ix, 0, BUF_INIT};

		buf_puts(&w.path, "");
		r = walk(&w, &tree, ix.tree, 0);
		if (r == 0 && w.pos != ix.n)
			r = 1;
		buf_free(&w.path);
		if (r < 0)
			r = 1; /* an unreadable tree is an error item: dirty */
	}
	if (r == 0 && repo->worktree)
		r = git_worktree_dirty(repo, &ix);
	git_index_free(&ix);
	return r;
}

int
git_commit_string(const char *dir, int walk_up, char out[32])
{
	char err[256], hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo = git_open(dir, walk_up, err, sizeof(err));
	int dirty;

	if (!repo)
		return -1;
	if (git_head(repo, hex) < 0) {
		git_close(repo);
		return -1;
	}
	dirty = git_dirty(repo);
	snprintf(out, 32, "%.7s%s", hex, dirty ? "-dirty" : "");
	git_close(repo);
	return 0;
}
