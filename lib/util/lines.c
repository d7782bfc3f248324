/* lines: a file one line at a time (lines.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"
#include "util.h"

/* A pipe hands over at most its buffer per read; a file can give more. */
#define LINES_CHUNK (256 * 1024)

void
lines_init(struct lines *l, int fd, int keep)
{
	memset(l, 0, sizeof *l);
	l->fd = fd;
	l->keep = keep;
}

void
lines_limit(struct lines *l, size_t max)
{
	l->max = max;
}

/* Is more held than lines_limit allows?  Then EFBIG. */
static int
over(struct lines *l, size_t held)
{
	if (l->max == 0 || held <= l->max)
		return 0;
	errno = l->err = EFBIG;
	return 1;
}

void
lines_init_text(struct lines *l, const char *text, size_t len)
{
	memset(l, 0, sizeof *l);
	l->fd = -1;
	l->buf = (char *)text;
	l->len = len;
	l->eof = 1;
}

void
lines_free(struct lines *l)
{
	if (l->fd >= 0)
		free(l->buf);
	memset(l, 0, sizeof *l);
	l->fd = -1;
}

/*
 * Read more after what the buffer holds, first dropping the lines
 * handed out unless they are kept.  Returns 0 (at the end: l->eof), or
 * -1 with errno set.
 */
static int
fill(struct lines *l, size_t want)
{
	ssize_t r;

	if (!l->keep && l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->len - l->pos);
		l->len -= l->pos;
		l->scan -= l->pos;
		l->pos = 0;
	}
	if (l->cap - l->len < want + 1) {
		size_t cap = l->cap ? l->cap : want + 1;

		while (cap - l->len < want + 1) {
			if (cap > SIZE_MAX / 2) {
				errno = l->err = EFBIG;
				return -1;
			}
			cap *= 2;
		}
		l->buf = erealloc(l->buf, cap);
		l->cap = cap;
	}
	do
		r = read(l->fd, l->buf + l->len, l->cap - l->len - 1);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		l->err = errno;
		return -1;
	}
	if (r == 0)
		l->eof = 1;
	l->len += (size_t)r;
	return 0;
}

int
lines_next(struct lines *l, const char **line, size_t *n)
{
	for (;;) {
		char *nl = NULL;

		if (l->scan < l->len)
			nl = memchr(l->buf + l->scan, '\n', l->len - l->scan);
		if (nl != NULL) {
			*line = l->buf + l->pos;
			*n = (size_t)(nl - *line);
			l->pos = l->scan = (size_t)(nl - l->buf) + 1;
			return 1;
		}
		l->scan = l->len;
		if (l->eof) {
			if (l->pos == l->len)
				return 0;
			*line = l->buf + l->pos;
			*n = l->len - l->pos;
			l->pos = l->len;
			return 1;
		}
		if (l->err) {
			errno = l->err;
			return -1;
		}
		if (over(l, l->keep ? l->len : l->len - l->pos) || fill(l, LINES_CHUNK) < 0)
			return -1;
	}
}

int
lines_block(struct lines *l, char **buf, size_t *cap, size_t *n, size_t want)
{
	char *nl = NULL, *mine;
	size_t end, tail, mycap;

	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->len - l->pos);
		l->len -= l->pos;
		l->pos = l->scan = 0;
	}
	while (!l->eof && (l->len < want || (nl = memrchr(l->buf, '\n', l->len)) == NULL)) {
		/* A failed read: the whole lines before it first, the error at the next call. */
		if (l->err || fill(l, want) < 0) {
			if (l->len == 0 || (nl = memrchr(l->buf, '\n', l->len)) == NULL) {
				errno = l->err;
				return -1;
			}
			break;
		}
	}
	if (l->len == 0)
		return 0;
	end = l->eof ? l->len : (size_t)(nl - l->buf) + 1;
	tail = l->len - end;
	mine = *buf;
	mycap = *cap;
	if (mycap < tail + 1) {
		mycap = tail + 1;
		mine = erealloc(mine, mycap);
	}
	memcpy(mine, l->buf + end, tail);
	*buf = l->buf;
	*cap = l->cap;
	*n = end;
	l->buf = mine;
	l->cap = mycap;
	l->len = tail;
	l->scan = 0;
	return 1;
}

void
lines_rewind(struct lines *l)
{
	l->pos = l->scan = 0;
	l->keep = 0;
}

int
lines_rest(struct lines *l, char **text, size_t *n)
{
	struct stat st;

	/*
	 * A regular file of known size is read in one go, or refused before
	 * it is, and not probed for growth, as read_fd reads one.
	 */
	if (!l->eof && l->fd >= 0 && fstat(l->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if (over(l, (uintmax_t)st.st_size < SIZE_MAX ? (size_t)st.st_size : SIZE_MAX) ||
		    ((uintmax_t)st.st_size < SIZE_MAX / 2 && (size_t)st.st_size > l->len &&
		     fill(l, (size_t)st.st_size - l->len) < 0))
			return -1;
		if ((uintmax_t)l->len >= (uintmax_t)st.st_size)
			l->eof = 1;
	}
	while (!l->eof)
		if (over(l, l->len) || fill(l, LINES_CHUNK) < 0)
			return -1;
	if (l->buf == NULL)
		l->buf = emalloc(1);
	l->buf[l->len] = '\0';
	*text = l->buf;
	*n = l->len;
	l->buf = NULL;
	l->cap = l->len = l->pos = l->scan = 0;
	return 0;
}
