#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metric_lines.h"
#include "util/utf8.h"

#define MAX_FIELDS 4

static int
blank(char c)
{
	/* '\r' too, so a file written with CRLF line ends reads the same. */
	return c == ' ' || c == '\t' || c == '\r';
}

/* A decimal number strtod reads whole and finite: no hex, inf or nan. */
static int
parse_value(const char *s, double *out)
{
	char *end;

	if (s[strspn(s, "0123456789+-.eE")] != '\0' || strpbrk(s, "0123456789") == NULL)
		return -1;
	*out = strtod(s, &end);
	if (*end != '\0' || end == s || !isfinite(*out))
		return -1;
	return 0;
}

static int
polarity_word(const char *s, enum metric_polarity *p)
{
	if (strcmp(s, "higher") == 0)
		*p = POLARITY_HIGHER;
	else if (strcmp(s, "lower") == 0)
		*p = POLARITY_LOWER;
	else
		return 0;
	return 1;
}

/*
 * One line (NUL-terminated copy, modified in place).  0 and the metric
 * in *m, 1 when the line is ignorable, or -1 with the reason in *why.
 */
static int
parse_line(char *line, size_t len, struct sidecar_metric *m, const char **why)
{
	char *f[MAX_FIELDS + 1], *p = line;
	size_t nf = 0;
	enum metric_polarity pol = POLARITY_UNKNOWN;

	if (!utf8_valid(line, len)) {
		*why = "line is not valid UTF-8";
		return -1;
	}
	while (blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 1;
	while (*p != '\0') {
		if (nf == MAX_FIELDS) {
			*why = "too many fields (expected NAME VALUE [UNIT] [higher|lower])";
			return -1;
		}
		f[nf++] = p;
		while (*p != '\0' && !blank(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
		while (blank(*p))
			p++;
	}
	if (nf < 2) {
		*why = "missing value (expected NAME VALUE [UNIT] [higher|lower])";
		return -1;
	}
	if (strcmp(f[0], METRIC_WALL_TIME) == 0) {
		*why = "the name " METRIC_WALL_TIME " is reserved for ktstr-test's own measurement";
		return -1;
	}
	if (parse_value(f[1], &m->value) < 0) {
		*why = "value is not a finite decimal number";
		return -1;
	}
	m->unit = "";
	if (nf == 3 && !polarity_word(f[2], &pol))
		m->unit = f[2];
	if (nf == 4) {
		m->unit = f[2];
		if (!polarity_word(f[3], &pol)) {
			*why = "the fourth field must be 'higher' or 'lower'";
			return -1;
		}
	}
	m->name = estrdup(f[0]);
	m->unit = estrdup(m->unit);
	m->polarity = pol;
	m->target = 0;
	m->source = SOURCE_JSON;
	m->stream = STREAM_STDOUT;
	return 0;
}

size_t
metric_lines_parse(const char *text, size_t len, const char *file, struct metric_lines *out,
                   struct buf *errs)
{
	size_t bad = 0, lineno = 0;

	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - text) - off : len - off;
		char *line = estrndup(text + off, n);
		struct sidecar_metric m;
		const char *why = NULL;
		int rc;

		lineno++;
		/* estrndup stops at a NUL byte: check the original bytes. */
		if (memchr(text + off, '\0', n) != NULL) {
			rc = -1;
			why = "NUL byte in line";
		} else {
			rc = parse_line(line, n, &m, &why);
		}
		if (rc == 0) {
			out->v = ereallocarray(out->v, out->n + 1, sizeof(*out->v));
			out->v[out->n++] = m;
		} else if (rc < 0) {
			buf_printf(errs, "%s:%zu: %s\n", file, lineno, why);
			bad++;
		}
		free(line);
		off += n + (nl != NULL);
	}
	return bad;
}

void
metric_lines_free(struct metric_lines *ml)
{
	for (size_t i = 0; i < ml->n; i++) {
		free((char *)ml->v[i].name);
		free((char *)ml->v[i].unit);
	}
	free(ml->v);
	ml->v = NULL;
	ml->n = 0;
}

/*
 * Read by name, so a test may also replace the file (write elsewhere,
 * then rename).  O_NONBLOCK: a FIFO put there is never waited on.
 * 0; -1 with errno set; -2 when it is not a regular file.
 */
static int
read_regular(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc = -1, e;
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == 0)
		rc = S_ISREG(st.st_mode) ? read_fd(fd, b, METRIC_LINES_MAX) : -2;
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

size_t
metric_lines_read(const char *path, const char *file, struct metric_lines *out, struct buf *errs)
{
	struct buf text = BUF_INIT;
	char ebuf[128];
	size_t bad = 0;
	int rc;

	if ((rc = read_regular(path, &text)) == -2) {
		buf_printf(errs, "%s is not a regular file\n", file);
		bad = 1;
	} else if (rc < 0) {
		buf_printf(errs, "cannot read %s: %s\n", file, os_error(errno, ebuf, sizeof(ebuf)));
		bad = 1;
	} else if (text.len > 0) {
		bad = metric_lines_parse(text.s, text.len, file, out, errs);
	}
	buf_free(&text);
	return bad;
}
