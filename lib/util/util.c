#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text.h"
#include "utf8.h"
#include "util.h"

const char *progname = "ktstr";

void
setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

void
vwarning(const char *fmt, va_list ap)
{
	int saved = errno, len;
	size_t n = strlen(fmt);
	char small[1024], *msg = small;
	va_list aq;

	/* No e*alloc here: die("out of memory") comes through this function. */
	va_copy(aq, ap);
	len = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (len < 0)
		len = 0;
	else if ((size_t)len >= sizeof(small) && (msg = malloc((size_t)len + 1)) != NULL)
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
	else if ((size_t)len >= sizeof(small))
		msg = small, len = sizeof(small) - 1;
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	/* A message quotes names and file contents: none reaches the terminal raw. */
	text_fwrite(stderr, msg, (size_t)len, TEXT_KEEP_NEWLINE);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", error_text(saved));
	fputc('\n', stderr);
	if (msg != small)
		free(msg);
	errno = saved;
}

void
warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarning(fmt, ap);
	va_end(ap);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarning(fmt, ap);
	va_end(ap);
	exit(EXIT_ERROR);
}

const char *
error_text(int err)
{
	if (err == ENOTREGULAR)
		return "not a regular file";
	if (err == ESYMLINK)
		return "it is a symbolic link (refused)";
	return strerror(err);
}

const char *
os_error(int err, char *dst, size_t size)
{
	/* Our own codes are no OS's: no number to cite. */
	if (err >= ENOTREGULAR)
		snprintf(dst, size, "%s", error_text(err));
	else
		snprintf(dst, size, "%s (os error %d)", strerror(err), err);
	return dst;
}

void *
emalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
erealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

void *
ereallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		die("out of memory");
	return erealloc(p, n * size);
}

char *
estrdup(const char *s)
{
	return estrndup(s, strlen(s));
}

char *
estrndup(const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	p = emalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
easprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - b->len - 1)
		die("out of memory");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->s = erealloc(b->s, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("vsnprintf:");
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b)
{
	char *s;

	if (b->s == NULL)
		buf_grow(b, 0), b->s[0] = '\0';
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

char *
path_join(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (b[0] == '/' || n == 0)
		return estrdup(b);
	if (a[n - 1] == '/')
		return easprintf("%s%s", a, b);
	return easprintf("%s/%s", a, b);
}

int
path_component_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i = 0, len;
	uint32_t c;

	if (n == 0 || n > max || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	while (i < n) {
		if ((len = utf8_decode(s + i, n - i, &c)) == 0 || c == '/' || text_is_control(c))
			return 0;
		i += len;
	}
	return 1;
}

char *
path_basename(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == end) /* "/" or "" */
		return estrndup(path, end);
	return estrndup(path + start, end - start);
}

int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	if (*p != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag, limit;
	int neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (parse_u64(s, limit, &mag) < 0)
		return -1;
	if (neg)
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	if (*out < min || *out > max) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

int64_t
num_arg(const char *name, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (parse_i64(s, min, max, &v) < 0) {
		if (errno == ERANGE)
			die("invalid %s '%s': must be between %lld and %lld", name, s,
			    (long long)min, (long long)max);
		die("invalid %s '%s': not a number", name, s);
	}
	return v;
}

/* Decode s into code points (a stray byte counts as one character). */
static size_t
codepoints(const char *s, uint32_t **out)
{
	size_t n = strlen(s), k = 0, i = 0, len;
	uint32_t *v = ereallocarray(NULL, n + 1, sizeof *v);

	while (i < n) {
		len = utf8_decode(s + i, n - i, &v[k]);
		if (len == 0) {
			v[k] = (unsigned char)s[i];
			len = 1;
		}
		k++;
		i += len;
	}
	*out = v;
	return k;
}

static size_t
levenshtein(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t *row = ereallocarray(NULL, nb + 1, sizeof *row), d;

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	d = row[nb];
	free(row);
	return d;
}

size_t
edit_distance(const char *a, const char *b)
{
	uint32_t *ca, *cb;
	size_t na = codepoints(a, &ca), nb = codepoints(b, &cb), d;

	d = levenshtein(ca, na, cb, nb);
	free(ca);
	free(cb);
	return d;
}

uint64_t
monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
stdout_status(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warning("write error on standard output:");
		return EXIT_ERROR;
	}
	return status;
}
