/*
 * git_convert: the clean direction of git's content conversion.
 *
 * The text attribute (else the legacy crlf one) says: set, text; unset,
 * binary; "auto", guess; "input", text.  eol=lf or eol=crlf makes a file
 * text (guessed, under text=auto).  A file no attribute decides follows
 * core.autocrlf: true or input guess, false leaves it binary.  Text has
 * every CR before an LF removed; a guessed file counts as text when it
 * has no NUL and no lone CR and few control bytes, and then has every CR
 * removed, unless the index holds it with CRLF (then it is kept as is;
 * comparing both forms with the blob gives the same verdict without
 * reading the index's blob).  core.eol only matters on checkout.
 */
#include <string.h>

#include "git_convert.h"

/* git's crlf_action before the configuration resolves "undecided". */
enum crlf { CRLF_UNDECIDED, CRLF_BINARY, CRLF_TEXT, CRLF_AUTO };

static enum crlf
crlf_of(const struct git_attr_value *v)
{
	if (v->state == GIT_ATTR_SET)
		return CRLF_TEXT;
	if (v->state == GIT_ATTR_UNSET)
		return CRLF_BINARY;
	if (v->state == GIT_ATTR_VALUE && !strcmp(v->value, "input"))
		return CRLF_TEXT;
	if (v->state == GIT_ATTR_VALUE && !strcmp(v->value, "auto"))
		return CRLF_AUTO;
	return CRLF_UNDECIDED;
}

void
git_conv_for(struct git_repo *repo, struct git_attrs *attrs, struct git_attr_cursor *cur,
             const char *path, struct git_conv *cv)
{
	struct git_attr_value v[GIT_ATTR_NWANT];
	enum crlf c;
	size_t i;

	git_attr_check(attrs, cur, path, v);
	c = crlf_of(&v[GIT_ATTR_TEXT]);
	if (c == CRLF_UNDECIDED)
		c = crlf_of(&v[GIT_ATTR_CRLF]);
	if (c != CRLF_BINARY && c != CRLF_AUTO && v[GIT_ATTR_EOL].state == GIT_ATTR_VALUE &&
	    (!strcmp(v[GIT_ATTR_EOL].value, "lf") || !strcmp(v[GIT_ATTR_EOL].value, "crlf")))
		c = CRLF_TEXT;
	if (c == CRLF_UNDECIDED)
		c = repo->autocrlf == GIT_AUTOCRLF_FALSE ? CRLF_BINARY : CRLF_AUTO;
	cv->eol = c == CRLF_TEXT ? GIT_CONV_TEXT : c == CRLF_AUTO ? GIT_CONV_AUTO : GIT_CONV_NONE;
	cv->ident = v[GIT_ATTR_IDENT].state == GIT_ATTR_SET;
	cv->filter = NULL;
	if (v[GIT_ATTR_FILTER].state == GIT_ATTR_VALUE)
		for (i = 0; i < repo->nfilters; i++)
			if (!strcmp(repo->filters[i].name, v[GIT_ATTR_FILTER].value))
				cv->filter = &repo->filters[i];
}

int
git_conv_any(const struct git_conv *cv)
{
	return cv->eol != GIT_CONV_NONE || cv->ident || cv->filter;
}

struct text_stat {
	size_t nul, lonecr, crlf, printable, nonprintable;
};

/* git's gather_stats: CRLF pairs, lone CRs, NULs, printable against control bytes. */
static void
gather(const unsigned char *p, size_t n, struct text_stat *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\r') {
			if (i + 1 < n && p[i + 1] == '\n')
				s->crlf++, i++;
			else
				s->lonecr++;
		} else if (c == '\n') {
			continue;
		} else if (c == 127) {
			s->nonprintable++;
		} else if (c >= 32 || c == '\b' || c == '\t' || c == 033 || c == '\f') {
			s->printable++;
		} else {
			s->nul += c == 0;
			s->nonprintable++;
		}
	}
	/* A DOS end-of-file mark at the very end is no sign of binary. */
	if (n && p[n - 1] == 032)
		s->nonprintable--;
}

static int
looks_binary(const struct text_stat *s)
{
	return s->lonecr || s->nul || (s->printable >> 7) < s->nonprintable;
}

/* CR removed before LF (text), or everywhere (a guessed text, which has no lone CR). */
static void
strip_cr(const char *p, size_t n, int every, struct buf *out)
{
	size_t i;

	buf_grow(out, n);
	for (i = 0; i < n; i++)
		if (p[i] != '\r' || (!every && (i + 1 == n || p[i + 1] != '\n')))
			out->s[out->len++] = p[i];
	out->s[out->len] = '\0';
}

/* git's ident_to_git: "$Id:" up to the next '$' on the same line becomes "$Id$". */
static void
ident_collapse(const char *p, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *d = memchr(p + i, '$', n - i), *close;

		if (!d) {
			buf_add(out, p + i, n - i);
			break;
		}
		buf_add(out, p + i, (size_t)(d - (p + i)) + 1);
		i = (size_t)(d - p) + 1;
		if (n - i > 3 && !memcmp(p + i, "Id:", 3) &&
		    (close = memchr(p + i + 3, '$', n - i - 3)) && !memchr(p + i + 3, '\n', (size_t)(close - (p + i + 3)))) {
			buf_add(out, "Id$", 3);
			i = (size_t)(close - p) + 1;
		}
	}
	buf_puts(out, "");
}

/* Whether data (after ident, when cv asks for it) is the blob want. */
static int
blob_is(struct git_repo *repo, const struct git_conv *cv, const char *data, size_t len,
        const struct git_oid *want)
{
	struct buf id = BUF_INIT;
	struct git_oid got;

	if (cv->ident && memmem(data, len, "$Id", 3)) {
		ident_collapse(data, len, &id);
		data = id.s, len = id.len;
	}
	git_hash_object(repo, "blob", data, len, &got);
	buf_free(&id);
	return git_oid_eq(repo, &got, want);
}

int
git_conv_matches(struct git_repo *repo, const struct git_conv *cv, const char *data, size_t len,
                 const struct git_oid *want)
{
	struct text_stat st;
	struct buf text = BUF_INIT;
	int same;

	if (cv->filter && cv->filter->required)
		return 0;
	if (cv->eol == GIT_CONV_NONE || !len)
		return blob_is(repo, cv, data, len, want);
	gather((const unsigned char *)data, len, &st);
	if (!st.crlf || (cv->eol == GIT_CONV_AUTO && looks_binary(&st)))
		return blob_is(repo, cv, data, len, want);
	/* A guessed text the index holds with CRLF is kept as it is. */
	if (cv->eol == GIT_CONV_AUTO && blob_is(repo, cv, data, len, want))
		return 1;
	strip_cr(data, len, cv->eol == GIT_CONV_AUTO, &text);
	same = blob_is(repo, cv, text.s, text.len, want);
	buf_free(&text);
	return same;
}
