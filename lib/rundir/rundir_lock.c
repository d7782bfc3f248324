/*
 * rundir_lock: the files around a run directory (doc/runs.md, The lock,
 * Pre-clear, Run identity): the flock sentinel, the run marker, pre-clear.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"
#include "rundir_int.h"
#include "sidecar/sidecar.h"
#include "util/util.h"

/* ---- Files ------------------------------------------------------------- */

int
rundir_mkdir_p(const char *dir)
{
	char *p = estrdup(dir), *s = p;
	struct stat st;
	int rc = 0;

	for (;;) {
		while (*s == '/')
			s++;
		s += strcspn(s, "/");
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		if (c == '\0') {
			if (stat(p, &st) < 0) {
				rc = -1;
			} else if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				rc = -1;
			}
			break;
		}
		*s = c;
	}
	free(p);
	return rc;
}

static char *
locks_file(const char *dir, const char *ext)
{
	char *leaf = rundir_leaf(dir), *copy, *slash, *out;

	if (leaf == NULL)
		return NULL;
	copy = estrdup(dir);
	for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL)
		out = easprintf(".locks/%s.%s", leaf, ext);
	else if (slash == copy)
		out = easprintf("/.locks/%s.%s", leaf, ext);
	else {
		*slash = '\0';
		out = easprintf("%s/.locks/%s.%s", copy, leaf, ext);
	}
	free(copy);
	free(leaf);
	return out;
}

char *
rundir_lock_path(const char *dir)
{
	return locks_file(dir, "lock");
}

char *
rundir_marker_path(const char *dir)
{
	return locks_file(dir, "run");
}

const char *
rundir_fs_refused(unsigned long f_type, const char **reason)
{
	static const char smb[] = "the SMB client maps flock to byte-range locks that other "
	                          "clients may not honour";
	static const struct {
		unsigned long magic;
		const char *name;
		const char *reason;
	} fs[] = {
		{0x6969, "NFS", "flock is emulated with byte-range locks over the network, "
		                "which can be lost or ignored across clients"},
		{0xFF534D42, "CIFS/SMB", smb},
		{0xFE534D42, "CIFS/SMB", smb},
		{0x00C36400, "CephFS", "flock is arbitrated by the metadata server and does not "
		                       "survive client failures"},
		{0x6B414653, "AFS", "AFS does not enforce flock between clients"},
		{0x65735546, "FUSE", "a FUSE filesystem may implement flock only on this machine, "
		                     "or not at all"},
	};

	for (size_t i = 0; i < LEN(fs); i++)
		if (fs[i].magic == (f_type & 0xffffffffUL)) {
			if (reason)
				*reason = fs[i].reason;
			return fs[i].name;
		}
	return NULL;
}

/* For the timeout error: "  pid=N cmd=..." lines of /proc/locks holders of the lock open as fd. */
static void
lock_holders(int fd, struct buf *out)
{
	struct buf locks = BUF_INIT;
	char id[96];
	struct stat st;
	size_t count = 0;

	if (fstat(fd, &st) == 0 && read_file("/proc/locks", &locks, 0) == 0 && locks.len > 0) {
		snprintf(id, sizeof(id), "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
		         (unsigned long)st.st_ino);
		for (char *line = locks.s, *next; line && *line; line = next) {
			char *tok[8], *save = NULL, cpath[64];
			struct buf cmd = BUF_INIT;
			int nt = 0;

			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			for (char *t = strtok_r(line, " ", &save); t && nt < 8; t = strtok_r(NULL, " ", &save))
				tok[nt++] = t;
			/* "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END"; "->" lines wait */
			if (nt < 6 || strcmp(tok[1], "FLOCK") != 0 || strcmp(tok[5], id) != 0)
				continue;
			snprintf(cpath, sizeof(cpath), "/proc/%s/cmdline", tok[4]);
			if (count++)
				buf_putc(out, '\n');
			buf_printf(out, "  pid=%s cmd=", tok[4]);
			if (read_file(cpath, &cmd, 1u << 16) == 0 && cmd.len > 0) {
				size_t n = cmd.len, chars = 0, i;

				for (i = 0; i < n; i++)
					if (cmd.s[i] == '\0')
						cmd.s[i] = ' ';
				while (n > 0 && rundir_ascii_space(cmd.s[n - 1]))
					n--;
				for (i = 0; i < n; i++) {
					if ((cmd.s[i] & 0xc0) != 0x80 && ++chars > 100)
						break;
				}
				buf_add(out, cmd.s, i);
				if (i < n)
					buf_puts(out, "\xe2\x80\xa6");
				if (n == 0)
					buf_puts(out, "<cmdline unavailable>");
			} else {
				buf_puts(out, "<cmdline unavailable>");
			}
			buf_free(&cmd);
		}
	}
	if (count == 0)
		buf_puts(out, "<none recorded>");
	buf_free(&locks);
}

/* A lock on a filesystem whose flock cannot be trusted is refused: -1 with why in err, else 0. */
static int
refuse_fs(int fd, const char *path, struct buf *err)
{
	const char *fs, *reason;
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0 || (fs = rundir_fs_refused((unsigned long)sf.f_type, &reason)) == NULL)
		return 0;
	buf_printf(err,
	           "%s: filesystem %s is not supported for ktstr lockfiles (%s). "
	           "Move the lockfile path to a local filesystem (tmpfs, ext4, xfs, "
	           "btrfs, f2fs, bcachefs).",
	           path, fs, reason);
	return -1;
}

/*
 * The lock file, created if need be, never through a symlink: a planted
 * link would make ktstr-test create or lock a file wherever it points.
 */
static int
open_lock(int locks, const char *name, const char *path, struct buf *err)
{
	int fd = openat_nofollow(locks, name, O_CREAT | O_RDWR | O_NONBLOCK | O_CLOEXEC, 0666);
	struct stat st;
	char e[128];

	if (fd < 0) {
		buf_printf(err, "open %s: %s", path, os_error(errno, e, sizeof(e)));
		return -1;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		buf_printf(err, "open %s: %s", path, error_text(ENOTREGULAR));
		close(fd);
		return -1;
	}
	return fd;
}

static void
timed_out(const char *dir, const char *path, int fd, unsigned timeout_ms, struct buf *err)
{
	char *leaf = rundir_leaf(dir);

	if (timeout_ms % 1000 == 0)
		buf_printf(err, "flock LOCK_EX on run-dir %s timed out after %us", dir, timeout_ms / 1000);
	else
		buf_printf(err, "flock LOCK_EX on run-dir %s timed out after %ums", dir, timeout_ms);
	buf_printf(err, " (lockfile %s, holders: ", path);
	lock_holders(fd, err);
	buf_printf(err,
	           "). Another test process is writing sidecars to the same "
	           "{kernel}-{project_commit} directory (%s): wait for it to finish "
	           "or kill it, then retry.",
	           leaf ? leaf : dir);
	free(leaf);
}

int
rundir_lock(const char *dir, unsigned timeout_ms, struct rundir_held *h, struct buf *err)
{
	char *path = rundir_lock_path(dir), *locks, *name, e[128];
	uint64_t start = monotonic_ns();

	h->lock = h->locks = -1;
	h->leaf = rundir_leaf(dir);
	if (path == NULL || h->leaf == NULL) {
		buf_printf(err, "run-dir %s has no parent directory or no name to lock", dir);
		free(path);
		rundir_unlock(h);
		return -1;
	}
	locks = estrndup(path, strrchr(path, '/') - path);
	name = easprintf("%s.lock", h->leaf);
	if (rundir_mkdir_p(locks) < 0 || (h->locks = dir_open(locks)) < 0) {
		buf_printf(err, "create lock subdirectory %s: %s", locks, os_error(errno, e, sizeof(e)));
		goto fail;
	}
	if (refuse_fs(h->locks, path, err) < 0)
		goto fail;
	for (;;) {
		int fd = open_lock(h->locks, name, path, err), saved;

		if (fd < 0)
			goto fail;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			h->lock = fd;
			break;
		}
		saved = errno;
		if (saved != EINTR && saved != EWOULDBLOCK)
			buf_printf(err, "flock %s: %s", path, os_error(saved, e, sizeof(e)));
		else if (saved == EWOULDBLOCK && monotonic_ns() - start >= timeout_ms * 1000000ull)
			timed_out(dir, path, fd, timeout_ms, err);
		else
			saved = 0; /* busy or interrupted: try again */
		close(fd);
		if (saved != 0)
			goto fail;
		nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
	}
	free(name);
	free(locks);
	free(path);
	return 0;
fail:
	free(name);
	free(locks);
	free(path);
	rundir_unlock(h);
	return -1;
}

void
rundir_unlock(struct rundir_held *h)
{
	if (h->lock >= 0)
		close(h->lock);
	if (h->locks >= 0)
		close(h->locks);
	free(h->leaf);
	h->lock = h->locks = -1;
	h->leaf = NULL;
}

/*
 * A writer's leftover: ours, ".ktstr.json.tmp.{pid}.{random}.tmp" (and the
 * older ".{name}.ktstr.json.{pid}.{n}.tmp"), or upstream 0.5.2's and
 * later's "{name}.ktstr.json.tmp.{pid}.{run_id}".
 */
static int
stale_temp(const char *name)
{
	size_t n = strlen(name);

	return strstr(name, ".ktstr.json.tmp.") != NULL ||
	       (name[0] == '.' && strstr(name, ".ktstr.json.") != NULL && n >= 4 &&
	        strcmp(name + n - 4, ".tmp") == 0);
}

void
rundir_preclear(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* Relative to the descriptor: a path swapped meanwhile cannot redirect a delete. */
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if ((sidecar_is_candidate(de->d_name) || stale_temp(de->d_name)) &&
		    fstatat(dirfd, de->d_name, &st, 0) == 0 && S_ISREG(st.st_mode))
			unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

char *
rundir_leaf(const char *dir)
{
	char *leaf = path_basename(dir);

	if (*leaf == '\0' || strcmp(leaf, "/") == 0 || strcmp(leaf, ".") == 0 ||
	    strcmp(leaf, "..") == 0) {
		free(leaf);
		return NULL;
	}
	return leaf;
}

/* ---- The run marker ------------------------------------------------------- */

void
rundir_marker_free(struct rundir_marker *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->lines[i]);
	m->n = 0;
}

/* The marker's name in .locks/. */
static char *
marker_name(const struct rundir_held *h)
{
	return easprintf("%s.run", h->leaf);
}

/*
 * 0 (a missing marker holds no token), or -1 with errno set; a marker
 * that is a symlink (ESYMLINK) or not a regular file cannot be read.
 */
int
rundir_marker_read(const struct rundir_held *h, struct rundir_marker *m)
{
	struct buf b = BUF_INIT;
	char *name = marker_name(h);
	int rc;

	m->n = 0;
	rc = read_file_at(h->locks, name, &b, RUNDIR_SMALL_FILE_MAX, READ_NOFOLLOW);
	free(name);
	if (rc < 0) {
		int e = errno;

		buf_free(&b);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	for (size_t i = 0; i < b.len && m->n < RUNDIR_MARKER_LINES;) {
		char *nl = memchr(b.s + i, '\n', b.len - i);
		size_t end = nl ? (size_t)(nl - b.s) : b.len;

		if (end > i)
			m->lines[m->n++] = estrndup(b.s + i, end - i);
		i = end + 1;
	}
	buf_free(&b);
	return 0;
}

/* New content: token, then the old lines without it, 9 in all; atomic. */
int
rundir_marker_replace(const struct rundir_held *h, const char *path, const char *token,
                      const struct rundir_marker *old, struct buf *err)
{
	char *name = marker_name(h), e[128];
	struct buf b = BUF_INIT;
	size_t lines = 1;
	int rc = 0;

	buf_printf(&b, "%s\n", token);
	for (size_t i = 0; i < old->n && lines < RUNDIR_MARKER_LINES; i++)
		if (strcmp(old->lines[i], token) != 0) {
			buf_printf(&b, "%s\n", old->lines[i]);
			lines++;
		}
	if (file_replace_at(h->locks, name, ".run", b.s, b.len) < 0) {
		buf_printf(err, "write run marker %s: %s", path, os_error(errno, e, sizeof(e)));
		rc = -1;
	}
	buf_free(&b);
	free(name);
	return rc;
}
