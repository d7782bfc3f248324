/* strlist: a growable list of owned strings, and helpers for arrays of strings. */
#ifndef KTSTR_STRLIST_H
#define KTSTR_STRLIST_H

#include <stddef.h>

#include "util.h"

struct strlist {
	char **v;
	size_t n;
};

void strlist_add(struct strlist *l, const char *s); /* adds a copy */
void strlist_free(struct strlist *l);

/* qsort comparator for an array of const char *. */
int strv_cmp(const void *a, const void *b);
/* A sorted copy of v[0..n) (the pointers only); the caller frees the array. */
const char **strv_sorted_copy(const char *const *v, size_t n);
/* v[0..n) joined by sep, appended to b. */
void strv_join(struct buf *b, const char *const *v, size_t n, const char *sep);

int str_has_suffix(const char *s, const char *suffix);

#endif
