/*
 * file: reading inputs that may be hostile (a FIFO, a device, a file
 * without end) and creating files that nothing already in place (a
 * planted symlink, a file of the same name) can redirect.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void
pipe_widen(int fd)
{
	/* Not asking whether fd is a pipe: the answer is the EBADF this gets otherwise. */
	(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

int
read_fd(int fd, struct buf *b, size_t max)
{
	size_t start = b->len, want = 0;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		/*
		 * A regular file whose size is known is read in one read(2)
		 * and not probed for growth; procfs and sysfs say 0 and are
		 * read to the end.
		 */
		if (S_ISREG(st.st_mode) && st.st_size > 0) {
			if ((max && (uintmax_t)st.st_size > max) || (uintmax_t)st.st_size >= SIZE_MAX / 2) {
				errno = EFBIG;
				return -1;
			}
			want = (size_t)st.st_size;
			buf_grow(b, want);
		}
	}
	while (want == 0 || b->len - start < want) {
		if (want == 0)
			buf_grow(b, 65536);
		n = read(fd, b->s + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (max && b->len - start > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	buf_grow(b, 0);
	b->s[b->len] = '\0';
	return 0;
fail:
	b->len = start;
	b->s[b->len] = '\0';
	return -1;
}

int
openat_nofollow(int dfd, const char *name, int flags, unsigned mode)
{
	struct stat st;
	int fd, e;

	do
		fd = openat(dfd, name, flags | O_NOFOLLOW, mode);
	while (fd < 0 && errno == EINTR);
	/* ELOOP is also a loop further up: say "symlink" only for one here. */
	e = errno;
	if (fd < 0 && (e == ELOOP || (e == ENOTDIR && (flags & O_DIRECTORY))) &&
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		e = ESYMLINK;
	errno = e;
	return fd;
}

int
open_input_at(int dfd, const char *name, unsigned flags)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer that never comes. */
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (flags & READ_FIFO ? 0 : O_NONBLOCK);
	struct stat st;
	int fd, e;

	if (flags & READ_NOFOLLOW)
		fd = openat_nofollow(dfd, name, oflags, 0);
	else
		do
			fd = openat(dfd, name, oflags);
		while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		e = errno;
	else if (S_ISDIR(st.st_mode))
		e = EISDIR;
	else if (!S_ISREG(st.st_mode) && !(S_ISFIFO(st.st_mode) && (flags & READ_FIFO)))
		e = ENOTREGULAR;
	else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

int
read_file_at(int dfd, const char *name, struct buf *b, size_t max, unsigned flags)
{
	int fd = open_input_at(dfd, name, flags), rc, saved;

	if (fd < 0)
		return -1;
	rc = read_fd(fd, b, max);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
read_file(const char *path, struct buf *b, size_t max)
{
	return read_file_at(AT_FDCWD, path, b, max, 0);
}

int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) { /* no progress and no reason: do not spin */
			errno = EIO;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

char *
read_value(const char *path, size_t max)
{
	struct buf b = BUF_INIT;

	if (read_file(path, &b, max) < 0) {
		buf_free(&b);
		return NULL;
	}
	while (b.len > 0 && isspace((unsigned char)b.s[b.len - 1]))
		b.s[--b.len] = '\0';
	return buf_detach(&b);
}

uint32_t
random_u32(void)
{
	static uint32_t counter;
	struct timespec ts;
	uint32_t r;
	int fd;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		ssize_t got = read(fd, &r, sizeof(r));

		close(fd);
		if (got == (ssize_t)sizeof(r))
			return r;
	}
	/* No entropy at all: the clock, and a counter so two calls differ. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec) ^
	       (++counter * 0x9e3779b9u);
}

/* Enough tries that only a directory full of our names exhausts them. */
#define TEMP_TRIES 100

/* temp_create_at with the open flags (besides the creating ones) and mode given. */
static int
temp_open_at(int dfd, const char *prefix, int flags, unsigned mode, char *name, size_t size)
{
	for (int i = 0; i < TEMP_TRIES; i++) {
		int fd, n = snprintf(name, size, "%s.%ld.%08lx.tmp", prefix, (long)getpid(),
		                     (unsigned long)random_u32());

		if (n < 0 || (size_t)n >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || (errno != EEXIST && errno != EINTR))
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int
temp_create_at(int dfd, const char *prefix, char *name, size_t size)
{
	return temp_open_at(dfd, prefix, O_WRONLY, 0666, name, size);
}

const char *
temp_dir(void)
{
	const char *env = getenv("TMPDIR");

	return env && *env ? env : "/tmp";
}

int
temp_create(const char *prefix, char **path)
{
	char name[TEMP_NAME_MAX];
	int dfd, fd, e;

	*path = NULL;
	if ((dfd = open(temp_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	fd = temp_open_at(dfd, prefix, O_RDWR, 0600, name, sizeof(name));
	e = errno;
	close(dfd);
	if (fd >= 0)
		*path = path_join(temp_dir(), name);
	errno = e;
	return fd;
}

int
file_replace_at(int dfd, const char *name, const char *prefix, const void *data, size_t len)
{
	char tmp[TEMP_NAME_MAX];
	int fd = temp_create_at(dfd, prefix, tmp, sizeof(tmp)), e;

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || renameat(dfd, tmp, dfd, name) < 0) {
		e = errno;
		goto fail;
	}
	return 0;
fail:
	unlinkat(dfd, tmp, 0);
	errno = e;
	return -1;
}

int
dir_open(const char *path)
{
	/* A trailing slash would make the kernel follow a symlink after all. */
	size_t n = strlen(path);
	char *p;
	int fd, e;

	while (n > 1 && path[n - 1] == '/')
		n--;
	p = estrndup(path, n);
	fd = openat_nofollow(AT_FDCWD, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	e = errno;
	free(p);
	errno = e;
	return fd;
}
