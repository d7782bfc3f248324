/*
 * git_dirty: the dirty probe, and the project commit string built on it
 * ("abc1234" or "abc1234-dirty", as ktstr-rundir(1) describes).
 *
 * Leg 1 compares HEAD's tree with the index, skipping every subtree
 * whose cache-tree entry is valid and names the same tree (so a clean
 * index with a valid cache tree reads no tree at all).  Leg 2 compares
 * the index with the working tree the way git status does: stat data
 * first, content hashed only when the stat data differs or the entry is
 * racily clean.  Large indexes are scanned by several threads, which all
 * stop at the first difference.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_int.h"

#define TREE_MAXDEPTH 4096
/*
 * git's preload-index policy: a thread per 500 entries, at most 20,
 * whatever the CPU count; stat() mostly waits on the dentry cache and
 * the disk, so more threads than CPUs still pay.
 */
#define ENTRIES_PER_THREAD 500
#define MAX_THREADS 20
#define BLOCK 256 /* entries handed to a thread at a time */

#define M_TYPE 0170000
#define M_DIR 0040000
#define M_REG 0100000
#define M_LNK 0120000
#define M_GITLINK 0160000

/* The mode git records for a tree entry (git's canon_mode). */
static uint32_t
canon_mode(uint32_t m)
{
	switch (m & M_TYPE) {
	case M_REG:
		return M_REG | (m & 0100 ? 0755 : 0644);
	case M_LNK:
	case M_DIR:
		return m & M_TYPE;
	default:
		return M_GITLINK;
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
		return (e->mode & M_TYPE) != M_DIR || !git_oid_eq(w->repo, &e->oid, &te->oid);
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
		if (te.mode == M_DIR) {
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

struct leg2 {
	struct git_repo *repo;
	const struct git_index *ix;
	int wtfd;
	atomic_size_t next;
	atomic_int dirty;
};

/*
 * Where an entry is looked up: a descriptor of its directory and its
 * last component.  One path component per lookup instead of all of
 * them saves most of the kernel's path walk for a sorted index.
 */
struct where {
	int fd;
	const char *name;
};

/* Per-thread cache of the directory of the previous entry. */
struct dircache {
	int fd; /* -1: none */
	size_t len;
	char path[PATH_MAX];
};

static void
locate(const struct leg2 *l, struct dircache *dc, const char *path, struct where *at)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	at->fd = l->wtfd;
	at->name = path;
	if (!slash || len >= sizeof(dc->path))
		return;
	if (dc->fd < 0 || dc->len != len || memcmp(dc->path, path, len) != 0) {
		if (dc->fd >= 0)
			close(dc->fd);
		memcpy(dc->path, path, len);
		dc->path[len] = '\0';
		dc->len = len;
		dc->fd = openat(l->wtfd, dc->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	/* A missing directory: the full path gives the same failure. */
	if (dc->fd >= 0) {
		at->fd = dc->fd;
		at->name = slash + 1;
	}
}

/* Whether the hash of an object, fed since git_hash_object_init, is want. */
static int
hash_is(struct git_hash_ctx *c, const struct git_oid *want)
{
	unsigned char out[GIT_HASH_MAX_SIZE];

	git_hash_final(c, out);
	return memcmp(out, want->id, git_hash_size(c->algo)) == 0;
}

/*
 * core.autocrlf: git stores text files with CRLF turned into LF.  Text
 * is git's guess (convert.c): no NUL, no lone CR, few control bytes.
 * Whether the blob with those LFs is e's id.
 */
static int
crlf_same(const struct leg2 *l, const struct where *at, const struct git_ientry *e,
          const struct stat *st)
{
	struct buf b = BUF_INIT;
	struct git_hash_ctx h;
	size_t i, crlf = 0, printable = 0, other = 0, from = 0;
	int fd = openat(at->fd, at->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), same = 0;

	if (fd < 0)
		return 0;
	if (read_fd(fd, &b, (size_t)st->st_size + 1) < 0) {
		close(fd);
		buf_free(&b);
		return 0;
	}
	close(fd);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.s[i];

		if (c == '\r') {
			if (i + 1 == b.len || b.s[i + 1] != '\n')
				goto out; /* a lone CR: binary */
			crlf++;
		} else if (c == 0) {
			goto out;
		} else if (c == 127 || (c < 32 && c != '\b' && c != '\t' && c != '\n' && c != 033 &&
		                        c != '\f')) {
			other++;
		} else if (c != '\n') {
			printable++;
		}
	}
	if (!crlf || (printable >> 7) < other)
		goto out;
	git_hash_object_init(l->repo, &h, "blob", b.len - crlf);
	for (i = 0; i < b.len; i++)
		if (b.s[i] == '\r') {
			git_hash_update(&h, b.s + from, i - from);
			from = i + 1;
		}
	git_hash_update(&h, b.s + from, b.len - from);
	same = hash_is(&h, &e->oid);
out:
	buf_free(&b);
	return same;
}

/* Does the content at path hash to e's id?  Read errors count as "no". */
static int
content_same(const struct leg2 *l, const struct where *at, const struct git_ientry *e,
             const struct stat *st)
{
	struct git_hash_ctx h;

	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(at->fd, at->name, target, sizeof(target));

		if (n < 0 || (size_t)n >= sizeof(target))
			return 0;
		git_hash_object_init(l->repo, &h, "blob", (size_t)n);
		git_hash_update(&h, target, (size_t)n);
		return hash_is(&h, &e->oid);
	} else {
		unsigned char buf[65536];
		size_t total = 0;
		ssize_t n;
		int fd = openat(at->fd, at->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd < 0)
			return 0;
		git_hash_object_init(l->repo, &h, "blob", (size_t)st->st_size);
		while ((n = read(fd, buf, sizeof(buf))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				close(fd);
				return 0;
			}
			total += (size_t)n;
			git_hash_update(&h, buf, (size_t)n);
		}
		close(fd);
		if (total == (size_t)st->st_size && hash_is(&h, &e->oid))
			return 1;
		return l->repo->autocrlf && crlf_same(l, at, e, st);
	}
}

/* 1 when the entry differs from the working tree (git status's verdict). */
static int
entry_dirty(const struct leg2 *l, const struct where *at, const struct git_ientry *e)
{
	const struct git_repo *repo = l->repo;
	const struct git_index *ix = l->ix;
	uint32_t type = e->mode & M_TYPE;
	struct stat st;
	int changed = 0;

	if (GIT_IE_STAGE(e) || (e->xflags & GIT_IE_INTENT_TO_ADD))
		return 1;
	if ((e->xflags & GIT_IE_SKIP_WORKTREE) || (e->flags & GIT_IE_VALID) || type == M_GITLINK ||
	    type == M_DIR)
		return 0;
	if (fstatat(at->fd, at->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 1; /* deleted, or an error item: both dirty */
	if (type == M_REG) {
		if (!S_ISREG(st.st_mode))
			return 1;
		if (repo->filemode && ((st.st_mode & 0100) != 0) != ((e->mode & 0100) != 0))
			return 1;
	} else if (type == M_LNK) {
		if (!S_ISLNK(st.st_mode) && !(S_ISREG(st.st_mode) && !repo->symlinks))
			return 1;
	} else {
		return 1;
	}
	if ((uint32_t)st.st_size != e->size) {
		/*
		 * Size 0 is what read-tree and racy-git smudging record; with
		 * autocrlf a CRLF worktree file differs in size from its blob.
		 */
		if (e->size != 0 && !repo->autocrlf)
			return 1;
		changed = 1;
	}
	if (e->mtime_s != (uint32_t)st.st_mtim.tv_sec)
		changed = 1;
	if (repo->checkstat) {
		if (e->mtime_ns != (uint32_t)st.st_mtim.tv_nsec || e->ino != (uint32_t)st.st_ino ||
		    e->uid != (uint32_t)st.st_uid || e->gid != (uint32_t)st.st_gid)
			changed = 1;
		if (repo->trustctime && (e->ctime_s != (uint32_t)st.st_ctim.tv_sec ||
		                         e->ctime_ns != (uint32_t)st.st_ctim.tv_nsec))
			changed = 1;
	}
	/* Racily clean: modified in the same tick the index was written. */
	if (!changed && ix->mtime_s &&
	    (ix->mtime_s < (int64_t)e->mtime_s ||
	     (ix->mtime_s == (int64_t)e->mtime_s && ix->mtime_ns <= (long)e->mtime_ns)))
		changed = 1;
	return changed && !content_same(l, at, e, &st);
}

static void *
scan(void *arg)
{
	struct leg2 *l = arg;
	size_t n = l->ix->n;
	struct dircache dc;
	struct where at;

	dc.fd = -1;
	while (!atomic_load_explicit(&l->dirty, memory_order_relaxed)) {
		size_t i = atomic_fetch_add(&l->next, BLOCK), end;

		if (i >= n)
			break;
		end = n - i < BLOCK ? n : i + BLOCK;
		for (; i < end; i++) {
			const struct git_ientry *e = &l->ix->e[i];

			locate(l, &dc, e->path, &at);
			if (entry_dirty(l, &at, e)) {
				atomic_store(&l->dirty, 1);
				break;
			}
		}
	}
	if (dc.fd >= 0)
		close(dc.fd);
	return NULL;
}

static int
worktree_dirty(struct git_repo *repo, const struct git_index *ix)
{
	struct leg2 l;
	pthread_t tid[MAX_THREADS];
	size_t nthreads = ix->n / ENTRIES_PER_THREAD, started = 0, i;

	l.repo = repo;
	l.ix = ix;
	l.wtfd = open(repo->worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l.wtfd < 0)
		return 0; /* no work tree to compare: only the index leg counts */
	atomic_init(&l.next, 0);
	atomic_init(&l.dirty, 0);
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&tid[started], NULL, scan, &l) == 0)
			started++;
	scan(&l);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	close(l.wtfd);
	return atomic_load(&l.dirty);
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
		r = worktree_dirty(repo, &ix);
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
