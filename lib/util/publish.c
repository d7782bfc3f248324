/*
 * publish: staged and renamed files (publish.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish.h"
#include "util.h"

/* A device, a FIFO or a terminal is written where it is: nothing replaces it. */
static int
write_in_place(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* The directory of path to stage in, opened; AT_FDCWD for a bare name. */
static int
open_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*name = slash ? slash + 1 : path;
	if (slash == NULL)
		return AT_FDCWD;
	dir = estrndup(path, slash == path ? 1 : (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

int
file_publish(const char *path, const void *data, size_t len)
{
	struct stat st, to;
	const char *name;
	int dfd, rc, e;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		if (stat(path, &to) == 0 && !S_ISREG(to.st_mode) && !S_ISDIR(to.st_mode))
			return write_in_place(path, data, len);
		errno = ESYMLINK; /* a symlink to a file, a directory or nothing */
		return -1;
	}
	if ((dfd = open_parent(path, &name)) < 0 && dfd != AT_FDCWD)
		return -1;
	rc = file_replace_at(dfd, name, ".ktstr-publish", data, len);
	e = errno;
	if (dfd >= 0)
		close(dfd);
	errno = e;
	return rc;
}
