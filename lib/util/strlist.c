/* strlist: owned string lists and string-array helpers (strlist.h). */
#include <stdlib.h>
#include <string.h>

#include "strlist.h"
#include "util.h"

void
strlist_add(struct strlist *l, const char *s)
{
	l->v = ereallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = estrdup(s);
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
strv_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **
strv_sorted_copy(const char *const *v, size_t n)
{
	const char **s = ereallocarray(NULL, n ? n : 1, sizeof *s);

	if (n)
		memcpy(s, v, n * sizeof *s);
	if (n > 1)
		qsort(s, n, sizeof *s, strv_cmp);
	return s;
}

void
strv_join(struct buf *b, const char *const *v, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(b, sep);
		buf_puts(b, v[i]);
	}
}

int
str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}
