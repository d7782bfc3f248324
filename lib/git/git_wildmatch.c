/*
 * git_wildmatch: the glob patterns of gitattributes(5) and of
 * git-config(1)'s conditional includes, with the meaning git's
 * wildmatch gives them.
 *
 * '?' is one character, '*' any run, "[...]" a class ('!' or '^'
 * negates; ranges, backslash escapes and [:alpha:]-style names), a
 * backslash makes the next character literal.  With GIT_WM_PATHNAME
 * none of these matches a '/', except a double star standing for whole
 * path components (at the start before a '/', between two, or after the
 * last at the end), which matches any number of directories, none
 * included.
 *
 * The matcher backtracks only over stars.  A failure that ran out of
 * text (NO_TEXT) cannot turn into a match by giving an earlier star
 * more text, and one that met a '/' a single star cannot pass (SLASH)
 * can only be helped by an enclosing "**": both stop the enclosing
 * loops early.  Double stars can still try every way of sharing the
 * directories out between them, so a pattern with more than one run of
 * stars remembers which (pattern, text) positions failed, which bounds
 * the work by their product.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "git_wildmatch.h"

enum { NO_MATCH, MATCH, NO_TEXT, SLASH };

/* A memo larger than this is not kept: such patterns and paths are not real ones. */
#define MEMO_MAX ((size_t)4 << 20)

struct wm {
	const char *pat, *text; /* the starts */
	unsigned flags;
	unsigned char *memo; /* per (pattern, text) position of a star run: result + 1, or 0 */
	size_t tlen;
};

static unsigned char
fold(unsigned char c, unsigned flags)
{
	return (flags & GIT_WM_CASEFOLD) ? (unsigned char)tolower(c) : c;
}

/* "[:name:]" at *pp (just past "[:"): whether c is in it; -1 for an unknown name. */
static int
named_class(const char **pp, unsigned char c, unsigned flags)
{
	static const struct {
		const char *name;
		int (*is)(int);
	} classes[] = {
		{"alnum", isalnum}, {"alpha", isalpha}, {"blank", isblank}, {"cntrl", iscntrl},
		{"digit", isdigit}, {"graph", isgraph}, {"lower", islower}, {"print", isprint},
		{"punct", ispunct}, {"space", isspace}, {"upper", isupper}, {"xdigit", isxdigit},
	};
	const char *end = strstr(*pp, ":]");
	size_t i, n;

	if (!end)
		return -1;
	n = (size_t)(end - *pp);
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (strlen(classes[i].name) != n || memcmp(classes[i].name, *pp, n) != 0)
			continue;
		*pp = end + 2;
		if (classes[i].is(c))
			return 1;
		/* Case-insensitive: upper and lower stand for each other. */
		return (flags & GIT_WM_CASEFOLD) && (classes[i].is == isupper || classes[i].is == islower) &&
		       isalpha(c);
	}
	return -1;
}

/* The class at *pp (just past '['): 1 when c is in it, 0 not, -1 malformed. */
static int
bracket(const char **pp, unsigned char c, unsigned flags)
{
	const char *p = *pp;
	int negated = 0, in = 0, first = 1;
	unsigned char lc = fold(c, flags);

	if (*p == '!' || *p == '^') {
		negated = 1;
		p++;
	}
	for (; first || *p != ']'; first = 0) {
		unsigned char lo, hi;

		if (!*p)
			return -1;
		if (p[0] == '[' && p[1] == ':') {
			const char *q = p + 2;
			int r = named_class(&q, c, flags);

			if (r < 0)
				return -1;
			in |= r;
			p = q;
			continue;
		}
		if (*p == '\\' && !*++p)
			return -1;
		lo = hi = (unsigned char)*p++;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && !*++p)
				return -1;
			hi = (unsigned char)*p++;
		}
		if ((c >= lo && c <= hi) || (lc >= fold(lo, flags) && lc <= fold(hi, flags)) ||
		    ((flags & GIT_WM_CASEFOLD) && toupper(c) >= lo && toupper(c) <= hi))
			in = 1;
	}
	*pp = p + 1;
	return in != negated;
}

static int match(struct wm *w, const char *p, const char *text);
static int stars_at(struct wm *w, const char *p, const char *text);

/* stars_at, remembered. */
static int
stars(struct wm *w, const char *p, const char *text)
{
	size_t k;
	int r;

	if (!w->memo)
		return stars_at(w, p, text);
	k = (size_t)(p - w->pat) * (w->tlen + 1) + (size_t)(text - w->text);
	if (w->memo[k])
		return w->memo[k] - 1;
	r = stars_at(w, p, text);
	w->memo[k] = (unsigned char)(r + 1);
	return r;
}

/* A run of stars at p (the first star) matching a prefix of text, then the rest. */
static int
stars_at(struct wm *w, const char *p, const char *text)
{
	const char *first = p, *start = w->pat;
	unsigned flags = w->flags;
	int any_slash = !(flags & GIT_WM_PATHNAME), r;

	while (*p == '*')
		p++;
	if ((flags & GIT_WM_PATHNAME) && p - first >= 2 && (first == start || first[-1] == '/') &&
	    (*p == '\0' || *p == '/')) {
		/* "**" as a whole component; "**" + "/" may also stand for no directory at all. */
		if (*p == '/' && match(w, p + 1, text) == MATCH)
			return MATCH;
		any_slash = 1;
	}
	if (*p == '\0')
		return any_slash || !strchr(text, '/') ? MATCH : NO_MATCH;
	for (;; text++) {
		r = match(w, p, text);
		if (r == MATCH || r == NO_TEXT || (r == SLASH && !any_slash))
			return r;
		if (!*text)
			return NO_TEXT;
		if (!any_slash && *text == '/')
			return SLASH;
	}
}

static int
match(struct wm *w, const char *p, const char *text)
{
	unsigned flags = w->flags;

	for (; *p; p++, text++) {
		unsigned char t = (unsigned char)*text;
		int r;

		if (*p == '*')
			return stars(w, p, text);
		if (!t)
			return NO_TEXT;
		switch (*p) {
		case '?':
			if ((flags & GIT_WM_PATHNAME) && t == '/')
				return NO_MATCH;
			break;
		case '[':
			p++;
			r = bracket(&p, t, flags);
			if (r < 0)
				return NO_TEXT; /* a malformed class matches nothing */
			if (!r || ((flags & GIT_WM_PATHNAME) && t == '/'))
				return NO_MATCH;
			p--;
			break;
		case '\\':
			if (!p[1])
				return NO_MATCH;
			p++;
			/* fall through */
		default:
			if (fold((unsigned char)*p, flags) != fold(t, flags))
				return NO_MATCH;
		}
	}
	return *text ? NO_MATCH : MATCH;
}

/* Whether p has two runs of stars or more (escaped ones aside). */
static int
several_star_runs(const char *p)
{
	int runs = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' && p[1] != '*')
			runs++;
	}
	return runs > 1;
}

int
git_wildmatch(const char *pattern, const char *text, unsigned flags)
{
	struct wm w = {pattern, text, flags, NULL, strlen(text)};
	size_t cells = (strlen(pattern) + 1) * (w.tlen + 1);
	int r;

	if (several_star_runs(pattern) && cells <= MEMO_MAX)
		w.memo = calloc(cells, 1);
	r = match(&w, pattern, text);
	free(w.memo);
	return r == MATCH;
}
