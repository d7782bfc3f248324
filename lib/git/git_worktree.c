/*
 * git_worktree: the index against the work tree, as `git diff` sees it.
 *
 * Each entry's stat data first.  Only when that leaves the verdict open
 * (the data differs, or the entry is racily clean: changed in the second
 * the index was written) are a regular file's attributes looked up, and
 * then its content hashed, converted as git would convert it on add.
 * The attributes are needed even where nothing gets hashed: a new size
 * settles the verdict alone only when no conversion could explain it.  An
 * entry with a symlink or a non-directory among its leading components
 * is not in the work tree (git's has_symlink_leading_path).
 *
 * Entries are looked up relative to a descriptor of their directory,
 * each component opened once without following symlinks, so a sorted
 * index costs one short lookup per entry.  As git's preload-index, large
 * indexes are spread over threads; all stop at the first difference.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_convert.h"
#include "git_int.h"

/*
 * git's preload-index policy: a thread per 500 entries, at most 20,
 * whatever the CPU count; stat() mostly waits on the dentry cache and
 * the disk, so more threads than CPUs still pay.
 */
#define ENTRIES_PER_THREAD 500
#define MAX_THREADS 20
#define BLOCK 256 /* entries handed to a thread at a time */

struct leg2 {
	struct git_repo *repo;
	const struct git_index *ix;
	struct git_attrs *attrs;
	int wtfd;
	atomic_size_t next;
	atomic_int dirty;
};

/*
 * The directories leading to the previous entry, one descriptor per
 * component: fd[k] is the directory after k + 1 components, which end at
 * end[k] in prefix.  broken: a length of prefix whose last component
 * could not be opened as a directory (0: none).
 */
struct dirstack {
	int root;
	int *fd;
	size_t *end, n, cap, broken;
	struct buf prefix;
};

/* Where an entry is: a directory descriptor (-1: not there) and its last component. */
struct where {
	int fd;
	const char *name;
};

static void
pop_to(struct dirstack *ds, size_t k)
{
	while (ds->n > k)
		close(ds->fd[--ds->n]);
	ds->prefix.len = k ? ds->end[k - 1] : 0;
	ds->broken = 0;
}

/* How many components of the open directories dir[0..len) starts with. */
static size_t
shared(const struct dirstack *ds, const char *dir, size_t len)
{
	size_t k = 0;

	while (k < ds->n && ds->end[k] <= len && (ds->end[k] == len || dir[ds->end[k]] == '/') &&
	       !memcmp(ds->prefix.s, dir, ds->end[k]))
		k++;
	return k;
}

/* Open dir[0..len) component by component from what is open already; 0, or -1. */
static int
descend(struct dirstack *ds, const char *dir, size_t len)
{
	size_t from = ds->n ? ds->end[ds->n - 1] + 1 : 0;

	while (from < len) {
		const char *slash = memchr(dir + from, '/', len - from);
		size_t to = slash ? (size_t)(slash - dir) : len, n = to - from;
		char comp[NAME_MAX + 1];
		int fd = -1;

		if (n && n <= NAME_MAX && !(n == 1 && dir[from] == '.') &&
		    !(n == 2 && dir[from] == '.' && dir[from + 1] == '.')) {
			memcpy(comp, dir + from, n);
			comp[n] = '\0';
			fd = openat(ds->n ? ds->fd[ds->n - 1] : ds->root, comp,
			            O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		ds->prefix.len = ds->n ? ds->end[ds->n - 1] : 0;
		buf_add(&ds->prefix, ds->prefix.len ? "/" : "", ds->prefix.len != 0);
		buf_add(&ds->prefix, dir + from, n);
		if (fd < 0) {
			ds->broken = ds->prefix.len;
			return -1;
		}
		if (ds->n == ds->cap) {
			ds->cap = ds->cap ? 2 * ds->cap : 16;
			ds->fd = ereallocarray(ds->fd, ds->cap, sizeof(*ds->fd));
			ds->end = ereallocarray(ds->end, ds->cap, sizeof(*ds->end));
		}
		ds->fd[ds->n] = fd;
		ds->end[ds->n++] = ds->prefix.len;
		from = to + 1;
	}
	return 0;
}

static void
locate(struct dirstack *ds, const char *path, struct where *at)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	at->name = slash ? slash + 1 : path;
	at->fd = -1;
	if (!*at->name || !strcmp(at->name, ".") || !strcmp(at->name, ".."))
		return;
	if (!len) {
		/* Top-level files come between directories: keep the directories open. */
		at->fd = ds->root;
		return;
	}
	if (ds->broken && len >= ds->broken && (len == ds->broken || path[ds->broken] == '/') &&
	    !memcmp(ds->prefix.s, path, ds->broken))
		return; /* under a component already found missing */
	if (!(ds->n && ds->end[ds->n - 1] == len && !memcmp(ds->prefix.s, path, len))) {
		pop_to(ds, shared(ds, path, len));
		if (descend(ds, path, len) < 0)
			return;
	}
	at->fd = ds->n ? ds->fd[ds->n - 1] : ds->root;
}

static void
dirstack_free(struct dirstack *ds)
{
	pop_to(ds, 0);
	free(ds->fd);
	free(ds->end);
	buf_free(&ds->prefix);
}

/* Whether the hash of an object, fed since git_hash_object_init, is want. */
static int
hash_is(struct git_hash_ctx *c, const struct git_oid *want)
{
	unsigned char out[GIT_HASH_MAX_SIZE];

	git_hash_final(c, out);
	return memcmp(out, want->id, git_hash_size(c->algo)) == 0;
}

static int
link_same(const struct leg2 *l, const struct where *at, const struct git_ientry *e)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(at->fd, at->name, target, sizeof(target));
	struct git_hash_ctx h;

	if (n < 0 || (size_t)n >= sizeof(target))
		return 0;
	git_hash_object_init(l->repo, &h, "blob", (size_t)n);
	git_hash_update(&h, target, (size_t)n);
	return hash_is(&h, &e->oid);
}

/*
 * The file hashed as it is, in pieces: most files need no conversion.
 * Reads ask for a byte more than stat said is left, so that a short
 * read, which for a regular file means its end, saves the read that
 * would only return 0; more bytes than that are a changed file.
 */
static int
stream_same(const struct leg2 *l, int fd, const struct git_ientry *e, const struct stat *st)
{
	unsigned char buf[65536];
	struct git_hash_ctx h;
	size_t total = 0, size = (size_t)st->st_size;
	ssize_t n;

	git_hash_object_init(l->repo, &h, "blob", size);
	for (;;) {
		size_t want = size - total < sizeof(buf) ? size - total + 1 : sizeof(buf);

		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || total + (size_t)n > size)
			return 0;
		total += (size_t)n;
		git_hash_update(&h, buf, (size_t)n);
		if (n == 0 || (size_t)n < want)
			break;
	}
	return total == size && hash_is(&h, &e->oid);
}

/*
 * A work tree file opened to be read, without the access time: a probe
 * that only reads should not make the kernel write every inode it
 * hashes (after a touch, relatime would).  Only the file's owner may ask
 * that; anyone else opens plainly.  O_NONBLOCK: something that is not a
 * regular file must not hold the scan up before fstat shows what it is.
 */
static int
open_file(const struct where *at)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
	int fd = openat(at->fd, at->name, flags | O_NOATIME);

	return fd < 0 && errno == EPERM ? openat(at->fd, at->name, flags) : fd;
}

/*
 * Does the file's content, as git would add it, hash to e's id?  fd is
 * the file opened already, or -1.  Read errors count as "no".
 */
static int
content_same(const struct leg2 *l, const struct where *at, int fd, const struct git_ientry *e,
             const struct stat *st, const struct git_conv *cv)
{
	struct buf b = BUF_INIT;
	int own = -1, same;

	if (S_ISLNK(st->st_mode))
		return link_same(l, at, e);
	/* git refuses to hash it whatever it holds (git_conv_matches): no need to read it */
	if (cv->filter && cv->filter->required)
		return 0;
	if (fd < 0 && (fd = own = open_file(at)) < 0)
		return 0;
	if ((e->mode & GIT_MODE_TYPE) == GIT_MODE_LINK || (cv->eol == GIT_CONV_NONE && !cv->ident)) {
		same = stream_same(l, fd, e, st);
	} else {
		same = read_fd(fd, &b, 0) == 0 && git_conv_matches(l->repo, cv, b.s ? b.s : "", b.len, &e->oid);
		buf_free(&b);
	}
	if (own >= 0)
		close(own);
	return same;
}

/* Whether the stat data says the entry may have changed (git's ie_match_stat). */
static int
stat_changed(const struct git_repo *repo, const struct git_index *ix, const struct git_ientry *e,
             const struct stat *st)
{
	if (e->mtime_s != (uint32_t)st->st_mtim.tv_sec || (uint32_t)st->st_size != e->size)
		return 1;
	/* Nanoseconds count as git built with USE_NSEC counts them: a change is never missed. */
	if (repo->checkstat &&
	    (e->mtime_ns != (uint32_t)st->st_mtim.tv_nsec || e->ino != (uint32_t)st->st_ino ||
	     e->uid != (uint32_t)st->st_uid || e->gid != (uint32_t)st->st_gid ||
	     (repo->trustctime && (e->ctime_s != (uint32_t)st->st_ctim.tv_sec ||
	                           e->ctime_ns != (uint32_t)st->st_ctim.tv_nsec))))
		return 1;
	/* Racily clean: modified in the same tick the index was written. */
	return ix->mtime_s && (ix->mtime_s < (int64_t)e->mtime_s ||
	                       (ix->mtime_s == (int64_t)e->mtime_s && ix->mtime_ns <= (long)e->mtime_ns));
}

/* The stat data of an entry's file against the entry: 1 differs, 0 same, -1 to be hashed. */
static int
stat_verdict(const struct leg2 *l, const struct git_ientry *e, const struct stat *st)
{
	const struct git_repo *repo = l->repo;
	uint32_t type = e->mode & GIT_MODE_TYPE;

	if (type == GIT_MODE_REG) {
		if (!S_ISREG(st->st_mode))
			return 1;
		if (repo->filemode && ((st->st_mode & 0100) != 0) != ((e->mode & 0100) != 0))
			return 1;
	} else if (type == GIT_MODE_LINK) {
		if (!S_ISLNK(st->st_mode) && !(S_ISREG(st->st_mode) && !repo->symlinks))
			return 1;
	} else {
		return 1;
	}
	return stat_changed(repo, l->ix, e, st) ? -1 : 0;
}

/*
 * A thread's run of entries that needed hashing.  After a few in a row
 * (a tree just checked out, or touched all over) a file is opened before
 * its stat data is read, from the open descriptor: one path lookup where
 * a stat and then an open would make two.  A file that turns out
 * unchanged ends the run.
 */
#define OPEN_FIRST_AFTER 8

struct scanner {
	unsigned hashed_run;
	struct git_attr_cursor attr; /* the attributes' directory this thread looked at last */
};

/* 1 when the entry differs from the work tree. */
static int
entry_dirty(const struct leg2 *l, struct scanner *sc, const struct where *at, const struct git_ientry *e)
{
	uint32_t type = e->mode & GIT_MODE_TYPE;
	struct git_conv cv = {GIT_CONV_NONE, 0, NULL};
	struct stat st;
	int fd = -1, r;

	if (GIT_IE_STAGE(e) || (e->xflags & GIT_IE_INTENT_TO_ADD))
		return 1;
	if ((e->xflags & GIT_IE_SKIP_WORKTREE) || (e->flags & GIT_IE_VALID) || type == GIT_MODE_GITLINK ||
	    type == GIT_MODE_DIR)
		return 0;
	if (at->fd < 0)
		return 1;
	if (type == GIT_MODE_REG && sc->hashed_run >= OPEN_FIRST_AFTER && (fd = open_file(at)) >= 0 &&
	    fstat(fd, &st) < 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0 && fstatat(at->fd, at->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 1; /* deleted, or an error item: both dirty */
	r = stat_verdict(l, e, &st);
	sc->hashed_run = r < 0 ? sc->hashed_run + 1 : 0;
	if (r < 0) {
		if (type == GIT_MODE_REG)
			git_conv_for(l->repo, l->attrs, &sc->attr, e->path, &cv);
		/*
		 * A new size is a change unless a conversion could explain it (or
		 * the index holds size 0, as read-tree and racy-git smudging write).
		 */
		r = ((uint32_t)st.st_size != e->size && e->size != 0 && !git_conv_any(&cv)) ||
		    !content_same(l, at, fd, e, &st, &cv);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static void *
scan(void *arg)
{
	struct leg2 *l = arg;
	size_t n = l->ix->n;
	struct dirstack ds = {l->wtfd, NULL, NULL, 0, 0, 0, BUF_INIT};
	struct scanner sc = {0, {NULL, 0}};
	struct where at;

	while (!atomic_load_explicit(&l->dirty, memory_order_relaxed)) {
		size_t i = atomic_fetch_add(&l->next, BLOCK), end;

		if (i >= n)
			break;
		end = n - i < BLOCK ? n : i + BLOCK;
		for (; i < end && !atomic_load_explicit(&l->dirty, memory_order_relaxed); i++) {
			const struct git_ientry *e = &l->ix->e[i];

			locate(&ds, e->path, &at);
			if (entry_dirty(l, &sc, &at, e)) {
				atomic_store(&l->dirty, 1);
				break;
			}
		}
	}
	dirstack_free(&ds);
	return NULL;
}

int
git_worktree_dirty(struct git_repo *repo, const struct git_index *ix)
{
	struct leg2 l;
	pthread_t tid[MAX_THREADS];
	size_t nthreads = ix->n / ENTRIES_PER_THREAD, started = 0, i;

	l.repo = repo;
	l.ix = ix;
	l.wtfd = open(repo->worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l.wtfd < 0)
		return 0; /* no work tree to compare: only the index leg counts */
	l.attrs = git_attrs_new(repo, ix);
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
	git_attrs_free(l.attrs);
	close(l.wtfd);
	return atomic_load(&l.dirty);
}
