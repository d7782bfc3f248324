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

/* ".{name}.tmp.{pid}.{n}" in path's directory; caller frees. */
static char *
staging_name(const char *path, unsigned n)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path + 1) : 0;

	return easprintf("%.*s.%s.tmp.%ld.%u", dirlen, path, name, (long)getpid(), n);
}

/* All of data to fd, then close it; -1 with the first failure's errno. */
static int
write_close(int fd, const void *data, size_t len)
{
	int e;

	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* A device, a FIFO or a terminal is written where it is: nothing replaces it. */
static int
write_in_place(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

	return fd < 0 ? -1 : write_close(fd, data, len);
}

int
file_publish(const char *path, const void *data, size_t len)
{
	struct stat st;
	char *tmp = NULL;
	unsigned n;
	int fd = -1, e;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		return write_in_place(path, data, len);
	}
	for (n = 0; n < 100 && fd < 0; n++) {
		free(tmp);
		tmp = staging_name(path, n);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST) {
			free(tmp);
			return -1;
		}
	}
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (write_close(fd, data, len) < 0 || rename(tmp, path) < 0) {
		e = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}
