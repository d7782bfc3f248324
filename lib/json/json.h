/*
 * json.h: a strict RFC 8259 JSON reader and writer in one header.
 *
 * Define JSON_IMPLEMENTATION in exactly one C file before including it
 * (lib/json.c does, for libktstr.a).
 *
 * Reader: json_parse() builds a tree in an arena owned by a json_doc.
 * Every value remembers its bytes in the source (raw, rawlen), so a
 * document can be re-emitted compactly with its original spellings
 * (json_write_raw).  Numbers keep their exact integer value when the
 * literal has no fraction or exponent and fits 64 bits, and a correctly
 * rounded double always (read in the C locale whatever the process's
 * locale).  Invalid UTF-8 anywhere is an error; a \u escape holding a
 * lone surrogate is kept (as its 3-byte WTF-8 form) and flagged, so a
 * caller can accept it in free-form data and reject it where a real
 * string is needed.  Errors carry a byte offset, line and column.
 *
 * Writer: a json_writer appends to its own buffer, compact or
 * pretty-printed exactly as serde_json's to_string_pretty (two-space
 * indent, "key": value, [] and {} inline when empty).  Doubles are
 * written with the shortest digits that round-trip, in serde's layout
 * (json_format_double); non-finite doubles are written as 0.0.
 */
#ifndef KTSTR_JSON_H
#define KTSTR_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_DEFAULT_MAX_DEPTH 512

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* json_number.flags */
enum {
	JSON_NUM_INT = 1, /* literal has no fraction and no exponent */
	JSON_NUM_I64 = 2, /* ... and its value fits int64_t (in .i) */
	JSON_NUM_U64 = 4, /* ... and its value fits uint64_t (in .u) */
};

struct json_member;

struct json_value {
	enum json_type type;
	const char *raw; /* the value's source bytes: token, or whole container */
	size_t rawlen;
	union {
		int boolean;
		struct {
			unsigned flags;
			int64_t i;
			uint64_t u;
			double d; /* always set, correctly rounded */
		} num;
		struct {
			char *s; /* decoded, NUL-terminated (may hold NUL bytes) */
			size_t len;
			int lone_surrogate; /* a \u escape held an unpaired surrogate */
		} str;
		struct {
			struct json_value *items;
			size_t n;
		} arr;
		struct {
			struct json_member *members; /* in source order, duplicates kept */
			size_t n;
		} obj;
	} u;
};

struct json_member {
	const char *key; /* decoded, NUL-terminated */
	size_t keylen;
	const char *rawkey; /* the key token, quotes included */
	size_t rawkeylen;
	int key_lone_surrogate;
	struct json_value value;
};

struct json_error {
	size_t offset;      /* byte offset of the problem */
	unsigned long line; /* 1-based */
	unsigned long col;  /* 1-based, in bytes */
	char msg[128];      /* serde_json's wording where there is one */
};

struct json_arena_chunk;

struct json_doc {
	struct json_value *root;
	struct json_arena_chunk *chunks; /* private */
};

/*
 * Parse src[0..len) as one JSON text (whitespace around it allowed).
 * doc must start zeroed (struct json_doc doc = {0}), or freed by
 * json_doc_free() since its last use: it owns the arena the tree lives
 * in.  max_depth 0 means JSON_DEFAULT_MAX_DEPTH.  On success returns 0
 * and doc->root; the tree points into src, which must outlive doc.  On
 * failure returns -1 and fills err (if non-NULL).  Either way call
 * json_doc_free(doc) afterwards.
 */
int json_parse(struct json_doc *doc, const char *src, size_t len, unsigned max_depth,
               struct json_error *err);
void json_doc_free(struct json_doc *doc);

/* "... at line L column C" into dst, as serde_json prints errors. */
void json_error_string(const struct json_error *err, char *dst, size_t size);

/* First / last member named key of an object (NULL if none or not an object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
const struct json_value *json_get_last(const struct json_value *obj, const char *key);
/* How many members of obj are named key. */
size_t json_count(const struct json_value *obj, const char *key);
/* Member of an object or element of an array by index (NULL if out of range). */
const struct json_value *json_index(const struct json_value *v, size_t i);

/* "null", "boolean", "number", "string", "array", "object". */
const char *json_type_name(enum json_type t);

/*
 * Writer.  All calls append to w->s; w->len bytes are valid (and
 * NUL-terminated).  Keys and values are checked for nothing: the caller
 * drives the structure (begin/end pairs, a key before each member value).
 */
struct json_writer {
	char *s;
	size_t len;
	size_t cap;
	int pretty;
	unsigned depth;
	unsigned cap_depth;
	size_t *count; /* children written so far, per open container */
	int after_key;
};

void jw_init(struct json_writer *w, int pretty);
void jw_free(struct json_writer *w);
void jw_reset(struct json_writer *w); /* empty the buffer, keep the memory */
void jw_object_begin(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_begin(struct json_writer *w);
void jw_array_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_keyn(struct json_writer *w, const char *key, size_t n);
void jw_string(struct json_writer *w, const char *s);
void jw_stringn(struct json_writer *w, const char *s, size_t n);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_double(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, int v);
void jw_null(struct json_writer *w);
/* An already encoded JSON value, copied verbatim. */
void jw_raw(struct json_writer *w, const char *text, size_t n);
/* A parsed value, re-encoded by this writer (canonical spellings). */
void jw_value(struct json_writer *w, const struct json_value *v);
/* A raw key token (quotes included) as the next member's key. */
void jw_rawkey(struct json_writer *w, const char *rawkey, size_t n);
/*
 * A parsed value re-emitted compactly with its original token spellings
 * (strings keep their escapes, numbers their digits); only the
 * whitespace between tokens goes.  Honours pretty mode for layout.
 */
void jw_value_raw(struct json_writer *w, const struct json_value *v);

/* Append s[0..n) as a JSON string literal (quotes, escapes) to a writer. */
void jw_append(struct json_writer *w, const char *p, size_t n);

/*
 * serde_json's spelling of a double: shortest round-trip digits,
 * positional for exponents -5..15 ("3.0", "0.00001"), else "1e+16",
 * "2.5e-7".  Non-finite values give "0.0".  dst needs 32 bytes.
 * Returns the length.
 */
size_t json_format_double(double d, char *dst);

/*
 * Length of the well-formed UTF-8 sequence at p (1 for ASCII), at most
 * avail bytes; 0 when p starts an overlong, surrogate, out-of-range or
 * truncated sequence.  avail must be at least 1.
 */
size_t json_utf8_seq(const char *p, size_t avail);

/* Decimal string to double, correctly rounded, C locale; 0 or -1 (overflow). */
int json_strtod(const char *s, size_t n, double *out);

#endif /* KTSTR_JSON_H */

#ifdef JSON_IMPLEMENTATION
#ifndef KTSTR_JSON_IMPLEMENTED
#define KTSTR_JSON_IMPLEMENTED

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
json__xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/* ---- arena ---- */

struct json_arena_chunk {
	struct json_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

static void *
json__alloc(struct json_doc *doc, size_t n)
{
	struct json_arena_chunk *c = doc->chunks;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = json__xrealloc(NULL, sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

void
json_doc_free(struct json_doc *doc)
{
	struct json_arena_chunk *c, *next;

	for (c = doc->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	doc->chunks = NULL;
	doc->root = NULL;
}

/* ---- numbers ---- */

static locale_t
json__c_locale(void)
{
	static locale_t loc;

	if (loc == (locale_t)0)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

int
json_strtod(const char *s, size_t n, double *out)
{
	char small[64], *tmp = small, *end;
	locale_t loc = json__c_locale(), old = (locale_t)0;
	int saved = errno, rc = 0;
	double d;

	if (n >= sizeof small)
		tmp = json__xrealloc(NULL, n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (loc != (locale_t)0)
		old = uselocale(loc);
	errno = 0;
	d = strtod(tmp, &end);
	if (errno == ERANGE && isinf(d))
		rc = -1;
	if (old != (locale_t)0)
		uselocale(old);
	errno = saved;
	if (tmp != small)
		free(tmp);
	*out = d;
	return rc;
}

size_t
json_format_double(double d, char *dst)
{
	char digits[40], *p = dst;
	int prec, exp10, nd, i;
	locale_t loc, old = (locale_t)0;

	if (!isfinite(d))
		d = 0.0;
	if (d == 0.0)
		return (size_t)sprintf(dst, signbit(d) ? "-0.0" : "0.0");
	if (d < 0) {
		*p++ = '-';
		d = -d;
	}
	loc = json__c_locale();
	if (loc != (locale_t)0)
		old = uselocale(loc);
	/* Fewest significant digits that read back as the same double. */
	for (prec = 0; prec < 17; prec++) {
		double back;
		snprintf(digits, sizeof digits, "%.*e", prec, d);
		back = strtod(digits, NULL);
		if (back == d)
			break;
	}
	if (old != (locale_t)0)
		uselocale(old);
	/* digits is "D[.DDD]e[+-]XX": split into a digit string and exponent. */
	{
		char mant[24];
		char *e = strchr(digits, 'e');
		nd = 0;
		for (char *q = digits; q < e; q++)
			if (*q != '.')
				mant[nd++] = *q;
		while (nd > 1 && mant[nd - 1] == '0')
			nd--;
		mant[nd] = '\0';
		exp10 = atoi(e + 1);
		if (exp10 >= -5 && exp10 <= 15) {
			if (exp10 < 0) {
				*p++ = '0';
				*p++ = '.';
				for (i = -1; i > exp10; i--)
					*p++ = '0';
				memcpy(p, mant, (size_t)nd);
				p += nd;
			} else {
				for (i = 0; i <= exp10; i++)
					*p++ = i < nd ? mant[i] : '0';
				*p++ = '.';
				if (nd > exp10 + 1) {
					memcpy(p, mant + exp10 + 1, (size_t)(nd - exp10 - 1));
					p += nd - exp10 - 1;
				} else {
					*p++ = '0';
				}
			}
		} else {
			*p++ = mant[0];
			if (nd > 1) {
				*p++ = '.';
				memcpy(p, mant + 1, (size_t)(nd - 1));
				p += nd - 1;
			}
			p += sprintf(p, "e%c%d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
		}
	}
	*p = '\0';
	return (size_t)(p - dst);
}

/* ---- reader ---- */

struct json__parser {
	const unsigned char *src, *p, *end;
	struct json_doc *doc;
	struct json_error *err;
	unsigned depth, max_depth;
	int failed;
	/* scratch stacks for the children of open containers */
	struct json_value *vals;
	size_t nvals, capvals;
	struct json_member *mems;
	size_t nmems, capmems;
};

static void
json__fail_at(struct json__parser *ps, const unsigned char *at, const char *msg)
{
	struct json_error *e = ps->err;
	const unsigned char *q;

	if (ps->failed)
		return;
	ps->failed = 1;
	if (e == NULL)
		return;
	if (at > ps->end)
		at = ps->end;
	e->offset = (size_t)(at - ps->src);
	e->line = 1;
	e->col = 1;
	for (q = ps->src; q < at; q++) {
		if (*q == '\n') {
			e->line++;
			e->col = 1;
		} else {
			e->col++;
		}
	}
	snprintf(e->msg, sizeof e->msg, "%s", msg);
}

/*
 * Byte classes for the two hot loops: JSON whitespace, and string bytes
 * that need no attention (ASCII, not a quote, backslash or control).
 */
enum { JSON__WS = 1, JSON__PLAIN = 2 };
static const unsigned char json__class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	3, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline void
json__skip_ws(struct json__parser *ps)
{
	/* Pretty-printed input indents with runs of spaces: skip 8 at a time. */
	static const unsigned char spaces[8] = "        ";

	if (ps->p < ps->end && !(json__class[*ps->p] & JSON__WS))
		return;
	while (ps->end - ps->p >= 8 && memcmp(ps->p, spaces, 8) == 0)
		ps->p += 8;
	while (ps->p < ps->end && (json__class[*ps->p] & JSON__WS))
		ps->p++;
}

static int json__value(struct json__parser *ps, struct json_value *v, const char *ctx);

static int
json__hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static size_t
json__put_utf8(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
json_utf8_seq(const char *str, size_t avail)
{
	const unsigned char *p = (const unsigned char *)str;
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (avail < len)
		return 0;
	/* Second-byte ranges exclude overlongs, surrogates and > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * A string token at ps->p (the opening quote).  Decodes into the arena;
 * the decoded form is never longer than the token.
 */
static int
json__string(struct json__parser *ps, char **out, size_t *outlen, int *lone)
{
	const unsigned char *p = ps->p + 1, *end = ps->end, *run;
	unsigned char *dst, *o;

	*lone = 0;
	/* Fast scan: most strings have no escapes and are ASCII. */
	run = p;
	while (p < end && (json__class[*p] & JSON__PLAIN))
		p++;
	if (p < end && *p == '"') {
		size_t n = (size_t)(p - run);
		dst = json__alloc(ps->doc, n + 1);
		memcpy(dst, run, n);
		dst[n] = '\0';
		*out = (char *)dst;
		*outlen = n;
		ps->p = p + 1;
		return 0;
	}
	/* Bound the decoded size by the token's: no escape decodes longer. */
	{
		const unsigned char *q = p;
		while (q < end && *q != '"')
			q += *q == '\\' ? 2 : 1;
		if (q > end)
			q = end;
		dst = o = json__alloc(ps->doc, (size_t)(q - run) + 1);
	}
	memcpy(o, run, (size_t)(p - run));
	o += p - run;
	for (;;) {
		unsigned c;
		if (p >= end) {
			json__fail_at(ps, end, "EOF while parsing a string");
			return -1;
		}
		c = *p;
		if (c == '"') {
			p++;
			break;
		}
		if (c < 0x20) {
			json__fail_at(ps, p, "control character (\\u0000-\\u001F) found while parsing a string");
			return -1;
		}
		if (c >= 0x80) {
			size_t n = json_utf8_seq((const char *)p, (size_t)(end - p));
			if (n == 0) {
				json__fail_at(ps, p, "invalid UTF-8 in string");
				return -1;
			}
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		if (c != '\\') {
			*o++ = (unsigned char)c;
			p++;
			continue;
		}
		if (end - p < 2) {
			json__fail_at(ps, end, "EOF while parsing a string");
			return -1;
		}
		switch (p[1]) {
		case '"': *o++ = '"'; p += 2; continue;
		case '\\': *o++ = '\\'; p += 2; continue;
		case '/': *o++ = '/'; p += 2; continue;
		case 'b': *o++ = '\b'; p += 2; continue;
		case 'f': *o++ = '\f'; p += 2; continue;
		case 'n': *o++ = '\n'; p += 2; continue;
		case 'r': *o++ = '\r'; p += 2; continue;
		case 't': *o++ = '\t'; p += 2; continue;
		case 'u': break;
		default:
			json__fail_at(ps, p + 1, "invalid escape");
			return -1;
		}
		{
			unsigned cp, lo;
			if (end - p < 6) {
				json__fail_at(ps, end, "EOF while parsing a string");
				return -1;
			}
			if (json__hex4(p + 2, &cp) < 0) {
				json__fail_at(ps, p + 2, "invalid escape");
				return -1;
			}
			p += 6;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && json__hex4(p + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				*lone = 1;
			}
			o += json__put_utf8(o, cp);
		}
	}
	*o = '\0';
	*out = (char *)dst;
	*outlen = (size_t)(o - dst);
	ps->p = p;
	return 0;
}

/*
 * Numbers.  Integer literals that fit 64 bits are kept exactly.  For
 * the double, Clinger's fast path covers what sidecars hold: with at
 * most 15 significant digits and a decimal exponent within +-22, both
 * the digits and the power of ten are exact doubles, so one division
 * or multiplication rounds correctly.  Everything else goes to strtod.
 */
static const double json__pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int
json__number(struct json__parser *ps, struct json_value *v)
{
	const unsigned char *p = ps->p, *start = p, *end = ps->end;
	int neg = 0, isint = 1, overflow = 0, fast = 1, sigdigits = 0;
	int fracdigits = 0, expneg = 0;
	uint64_t mag = 0, sig = 0;
	long exp10 = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end) {
		json__fail_at(ps, p, "EOF while parsing a value");
		return -1;
	}
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9') {
			unsigned d = *p - '0';
			if (mag > (UINT64_MAX - d) / 10)
				overflow = 1;
			else
				mag = mag * 10 + d;
			if (sigdigits < 15)
				sig = sig * 10 + d, sigdigits++;
			else
				fast = 0;
			p++;
		}
	} else {
		json__fail_at(ps, p, "invalid number");
		return -1;
	}
	if (p < end && *p == '.') {
		isint = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			json__fail_at(ps, p, p >= end ? "EOF while parsing a value" : "invalid number");
			return -1;
		}
		while (p < end && *p >= '0' && *p <= '9') {
			unsigned d = *p - '0';
			if (sig != 0 || d != 0) {
				if (sigdigits < 15)
					sig = sig * 10 + d, sigdigits++;
				else
					fast = 0;
			}
			fracdigits++;
			p++;
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		isint = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			expneg = *p++ == '-';
		if (p >= end || *p < '0' || *p > '9') {
			json__fail_at(ps, p, p >= end ? "EOF while parsing a value" : "invalid number");
			return -1;
		}
		while (p < end && *p >= '0' && *p <= '9') {
			if (exp10 < 100000)
				exp10 = exp10 * 10 + (*p - '0');
			p++;
		}
	}
	v->type = JSON_NUMBER;
	v->u.num.flags = 0;
	v->u.num.i = 0;
	v->u.num.u = 0;
	if (isint && !overflow && (!neg || mag <= (uint64_t)INT64_MAX + 1)) {
		v->u.num.flags = JSON_NUM_INT;
		if (!neg) {
			v->u.num.flags |= JSON_NUM_U64;
			v->u.num.u = mag;
			if (mag <= INT64_MAX) {
				v->u.num.flags |= JSON_NUM_I64;
				v->u.num.i = (int64_t)mag;
			}
			v->u.num.d = (double)mag;
		} else {
			v->u.num.flags |= JSON_NUM_I64;
			v->u.num.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
			v->u.num.d = mag == 0 ? -0.0 : (double)v->u.num.i;
		}
	} else {
		long e = (expneg ? -exp10 : exp10) - fracdigits;
		if (isint)
			v->u.num.flags = JSON_NUM_INT;
		if (fast && sig == 0) {
			v->u.num.d = neg ? -0.0 : 0.0;
		} else if (fast && e >= -22 && e <= 22) {
			double d = (double)sig;
			d = e < 0 ? d / json__pow10[-e] : d * json__pow10[e];
			v->u.num.d = neg ? -d : d;
		} else if (json_strtod((const char *)start, (size_t)(p - start), &v->u.num.d) < 0) {
			json__fail_at(ps, start, "number out of range");
			return -1;
		}
	}
	ps->p = p;
	return 0;
}

static int
json__literal(struct json__parser *ps, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ps->p + i >= ps->end) {
			json__fail_at(ps, ps->end, "EOF while parsing a value");
			return -1;
		}
		if (ps->p[i] != (unsigned char)word[i]) {
			json__fail_at(ps, ps->p + i, "expected ident");
			return -1;
		}
	}
	ps->p += n;
	return 0;
}

static struct json_value *
json__push_val(struct json__parser *ps)
{
	if (ps->nvals == ps->capvals) {
		ps->capvals = ps->capvals ? ps->capvals * 2 : 64;
		ps->vals = json__xrealloc(ps->vals, ps->capvals * sizeof *ps->vals);
	}
	return &ps->vals[ps->nvals++];
}

static struct json_member *
json__push_mem(struct json__parser *ps)
{
	if (ps->nmems == ps->capmems) {
		ps->capmems = ps->capmems ? ps->capmems * 2 : 64;
		ps->mems = json__xrealloc(ps->mems, ps->capmems * sizeof *ps->mems);
	}
	return &ps->mems[ps->nmems++];
}

/*
 * After a container element: 1 when the container closes, 0 when a
 * comma announces another element, -1 on error.
 */
static int
json__after_element(struct json__parser *ps, char close, const char *eof_msg,
                    const char *expect_msg)
{
	json__skip_ws(ps);
	if (ps->p >= ps->end) {
		json__fail_at(ps, ps->end, eof_msg);
		return -1;
	}
	if (*ps->p == close) {
		ps->p++;
		return 1;
	}
	if (*ps->p != ',') {
		json__fail_at(ps, ps->p, expect_msg);
		return -1;
	}
	ps->p++;
	json__skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		json__fail_at(ps, ps->p, "trailing comma");
		return -1;
	}
	return 0;
}

static int
json__array(struct json__parser *ps, struct json_value *v)
{
	size_t base = ps->nvals, n;
	struct json_value tmp;
	int rc;

	ps->p++; /* [ */
	json__skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		goto done;
	}
	for (;;) {
		if (json__value(ps, &tmp, "a list") < 0)
			return -1;
		*json__push_val(ps) = tmp;
		rc = json__after_element(ps, ']', "EOF while parsing a list", "expected `,` or `]`");
		if (rc < 0)
			return -1;
		if (rc > 0)
			break;
	}
done:
	n = ps->nvals - base;
	v->type = JSON_ARRAY;
	v->u.arr.n = n;
	v->u.arr.items = NULL;
	if (n) {
		v->u.arr.items = json__alloc(ps->doc, n * sizeof *v->u.arr.items);
		memcpy(v->u.arr.items, ps->vals + base, n * sizeof *v->u.arr.items);
	}
	ps->nvals = base;
	return 0;
}

static int
json__object(struct json__parser *ps, struct json_value *v)
{
	size_t base = ps->nmems, n;
	struct json_member m;
	int rc;

	ps->p++; /* { */
	json__skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		goto done;
	}
	for (;;) {
		char *key;
		const unsigned char *kstart;
		if (ps->p >= ps->end) {
			json__fail_at(ps, ps->end, "EOF while parsing an object");
			return -1;
		}
		if (*ps->p != '"') {
			json__fail_at(ps, ps->p, "key must be a string");
			return -1;
		}
		kstart = ps->p;
		if (json__string(ps, &key, &m.keylen, &m.key_lone_surrogate) < 0)
			return -1;
		m.key = key;
		m.rawkey = (const char *)kstart;
		m.rawkeylen = (size_t)(ps->p - kstart);
		json__skip_ws(ps);
		if (ps->p >= ps->end) {
			json__fail_at(ps, ps->end, "EOF while parsing an object");
			return -1;
		}
		if (*ps->p != ':') {
			json__fail_at(ps, ps->p, "expected `:`");
			return -1;
		}
		ps->p++;
		if (json__value(ps, &m.value, "an object") < 0)
			return -1;
		*json__push_mem(ps) = m;
		rc = json__after_element(ps, '}', "EOF while parsing an object", "expected `,` or `}`");
		if (rc < 0)
			return -1;
		if (rc > 0)
			break;
	}
done:
	n = ps->nmems - base;
	v->type = JSON_OBJECT;
	v->u.obj.n = n;
	v->u.obj.members = NULL;
	if (n) {
		v->u.obj.members = json__alloc(ps->doc, n * sizeof *v->u.obj.members);
		memcpy(v->u.obj.members, ps->mems + base, n * sizeof *v->u.obj.members);
	}
	ps->nmems = base;
	return 0;
}

static int
json__value(struct json__parser *ps, struct json_value *v, const char *ctx)
{
	const unsigned char *start;
	int rc;

	json__skip_ws(ps);
	if (ps->p >= ps->end) {
		char msg[64];
		snprintf(msg, sizeof msg, "EOF while parsing %s", ctx);
		json__fail_at(ps, ps->end, msg);
		return -1;
	}
	start = ps->p;
	switch (*ps->p) {
	case '{':
	case '[':
		if (ps->depth >= ps->max_depth) {
			json__fail_at(ps, ps->p, "recursion limit exceeded");
			return -1;
		}
		ps->depth++;
		rc = *ps->p == '{' ? json__object(ps, v) : json__array(ps, v);
		ps->depth--;
		break;
	case '"': {
		char *s;
		rc = json__string(ps, &s, &v->u.str.len, &v->u.str.lone_surrogate);
		v->type = JSON_STRING;
		v->u.str.s = s;
		break;
	}
	case 't':
		rc = json__literal(ps, "true", 4);
		v->type = JSON_BOOL;
		v->u.boolean = 1;
		break;
	case 'f':
		rc = json__literal(ps, "false", 5);
		v->type = JSON_BOOL;
		v->u.boolean = 0;
		break;
	case 'n':
		rc = json__literal(ps, "null", 4);
		v->type = JSON_NULL;
		break;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			rc = json__number(ps, v);
		} else {
			json__fail_at(ps, ps->p, "expected value");
			rc = -1;
		}
	}
	if (rc < 0)
		return -1;
	v->raw = (const char *)start;
	v->rawlen = (size_t)(ps->p - start);
	return 0;
}

int
json_parse(struct json_doc *doc, const char *src, size_t len, unsigned max_depth,
           struct json_error *err)
{
	struct json__parser ps;
	struct json_value *root;
	int rc = -1;

	memset(&ps, 0, sizeof ps);
	ps.src = ps.p = (const unsigned char *)src;
	ps.end = ps.src + len;
	ps.doc = doc;
	ps.err = err;
	ps.max_depth = max_depth ? max_depth : JSON_DEFAULT_MAX_DEPTH;
	doc->root = NULL;
	root = json__alloc(doc, sizeof *root);
	if (json__value(&ps, root, "a value") == 0) {
		json__skip_ws(&ps);
		if (ps.p != ps.end)
			json__fail_at(&ps, ps.p, "trailing characters");
		else
			rc = 0;
	}
	free(ps.vals);
	free(ps.mems);
	if (rc == 0)
		doc->root = root;
	return rc;
}

void
json_error_string(const struct json_error *err, char *dst, size_t size)
{
	snprintf(dst, size, "%s at line %lu column %lu", err->msg, err->line, err->col);
}

const struct json_value *
json_get(const struct json_value *obj, const char *key)
{
	size_t klen;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	klen = strlen(key);
	for (size_t i = 0; i < obj->u.obj.n; i++) {
		const struct json_member *m = &obj->u.obj.members[i];
		if (m->keylen == klen && memcmp(m->key, key, klen) == 0)
			return &m->value;
	}
	return NULL;
}

const struct json_value *
json_get_last(const struct json_value *obj, const char *key)
{
	size_t klen;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	klen = strlen(key);
	for (size_t i = obj->u.obj.n; i-- > 0;) {
		const struct json_member *m = &obj->u.obj.members[i];
		if (m->keylen == klen && memcmp(m->key, key, klen) == 0)
			return &m->value;
	}
	return NULL;
}

size_t
json_count(const struct json_value *obj, const char *key)
{
	size_t klen, n = 0;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return 0;
	klen = strlen(key);
	for (size_t i = 0; i < obj->u.obj.n; i++) {
		const struct json_member *m = &obj->u.obj.members[i];
		if (m->keylen == klen && memcmp(m->key, key, klen) == 0)
			n++;
	}
	return n;
}

const struct json_value *
json_index(const struct json_value *v, size_t i)
{
	if (v == NULL)
		return NULL;
	if (v->type == JSON_ARRAY)
		return i < v->u.arr.n ? &v->u.arr.items[i] : NULL;
	if (v->type == JSON_OBJECT)
		return i < v->u.obj.n ? &v->u.obj.members[i].value : NULL;
	return NULL;
}

const char *
json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "boolean";
	case JSON_NUMBER: return "number";
	case JSON_STRING: return "string";
	case JSON_ARRAY: return "array";
	case JSON_OBJECT: return "object";
	}
	return "value";
}

/* ---- writer ---- */

static void
json__reserve(struct json_writer *w, size_t extra)
{
	size_t need = w->len + extra + 1, cap;

	if (need <= w->cap)
		return;
	cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	w->s = json__xrealloc(w->s, cap);
	w->cap = cap;
}

static void
json__put(struct json_writer *w, const char *p, size_t n)
{
	json__reserve(w, n);
	memcpy(w->s + w->len, p, n);
	w->len += n;
	w->s[w->len] = '\0';
}

void
jw_init(struct json_writer *w, int pretty)
{
	memset(w, 0, sizeof *w);
	w->pretty = pretty;
	json__reserve(w, 0);
	w->s[0] = '\0';
}

void
jw_free(struct json_writer *w)
{
	free(w->s);
	free(w->count);
	memset(w, 0, sizeof *w);
}

void
jw_reset(struct json_writer *w)
{
	w->len = 0;
	w->depth = 0;
	w->after_key = 0;
	if (w->s)
		w->s[0] = '\0';
}

static void
json__newline(struct json_writer *w, unsigned depth)
{
	json__reserve(w, 1 + 2 * (size_t)depth);
	w->s[w->len++] = '\n';
	for (unsigned i = 0; i < depth; i++) {
		w->s[w->len++] = ' ';
		w->s[w->len++] = ' ';
	}
	w->s[w->len] = '\0';
}

/* Separator and indentation before a value (or a key) in the current container. */
static void
json__before(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth - 1]++ > 0)
		json__put(w, ",", 1);
	if (w->pretty)
		json__newline(w, w->depth);
}

static void
json__open(struct json_writer *w, char c)
{
	json__before(w);
	json__put(w, &c, 1);
	if (w->depth == w->cap_depth) {
		w->cap_depth = w->cap_depth ? w->cap_depth * 2 : 16;
		w->count = json__xrealloc(w->count, w->cap_depth * sizeof *w->count);
	}
	w->count[w->depth++] = 0;
}

static void
json__close(struct json_writer *w, char c)
{
	if (w->depth == 0)
		return;
	w->depth--;
	if (w->pretty && w->count[w->depth] > 0)
		json__newline(w, w->depth);
	json__put(w, &c, 1);
}

void jw_object_begin(struct json_writer *w) { json__open(w, '{'); }
void jw_object_end(struct json_writer *w) { json__close(w, '}'); }
void jw_array_begin(struct json_writer *w) { json__open(w, '['); }
void jw_array_end(struct json_writer *w) { json__close(w, ']'); }

void
jw_append(struct json_writer *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;

	json__reserve(w, n + 2);
	w->s[w->len++] = '"';
	while (p < end) {
		char esc[7];
		size_t elen = 2;
		run = p;
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		json__put(w, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		esc[0] = '\\';
		switch (*p) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			elen = 6;
		}
		json__put(w, esc, elen);
		p++;
	}
	json__put(w, "\"", 1);
}

void
jw_keyn(struct json_writer *w, const char *key, size_t n)
{
	json__before(w);
	jw_append(w, key, n);
	json__put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = 1;
}

void jw_key(struct json_writer *w, const char *key) { jw_keyn(w, key, strlen(key)); }

void
jw_rawkey(struct json_writer *w, const char *rawkey, size_t n)
{
	json__before(w);
	json__put(w, rawkey, n);
	json__put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = 1;
}

void
jw_stringn(struct json_writer *w, const char *s, size_t n)
{
	json__before(w);
	jw_append(w, s, n);
}

void jw_string(struct json_writer *w, const char *s) { jw_stringn(w, s, strlen(s)); }

void
jw_int(struct json_writer *w, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);

	json__before(w);
	json__put(w, tmp, (size_t)n);
}

void
jw_uint(struct json_writer *w, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);

	json__before(w);
	json__put(w, tmp, (size_t)n);
}

void
jw_double(struct json_writer *w, double v)
{
	char tmp[32];
	size_t n = json_format_double(v, tmp);

	json__before(w);
	json__put(w, tmp, n);
}

void
jw_bool(struct json_writer *w, int v)
{
	json__before(w);
	json__put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jw_null(struct json_writer *w)
{
	json__before(w);
	json__put(w, "null", 4);
}

void
jw_raw(struct json_writer *w, const char *text, size_t n)
{
	json__before(w);
	json__put(w, text, n);
}

void
jw_value(struct json_writer *w, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL: jw_null(w); break;
	case JSON_BOOL: jw_bool(w, v->u.boolean); break;
	case JSON_NUMBER:
		if (v->u.num.flags & JSON_NUM_I64)
			jw_int(w, v->u.num.i);
		else if (v->u.num.flags & JSON_NUM_U64)
			jw_uint(w, v->u.num.u);
		else
			jw_double(w, v->u.num.d);
		break;
	case JSON_STRING: jw_stringn(w, v->u.str.s, v->u.str.len); break;
	case JSON_ARRAY:
		jw_array_begin(w);
		for (size_t i = 0; i < v->u.arr.n; i++)
			jw_value(w, &v->u.arr.items[i]);
		jw_array_end(w);
		break;
	case JSON_OBJECT:
		jw_object_begin(w);
		for (size_t i = 0; i < v->u.obj.n; i++) {
			jw_keyn(w, v->u.obj.members[i].key, v->u.obj.members[i].keylen);
			jw_value(w, &v->u.obj.members[i].value);
		}
		jw_object_end(w);
		break;
	}
}

/*
 * Compact re-emission into space already reserved: the output is never
 * longer than the value's source text, which only loses whitespace.
 */
static char *
json__compact(char *o, const struct json_value *v)
{
	switch (v->type) {
	case JSON_ARRAY:
		*o++ = '[';
		for (size_t i = 0; i < v->u.arr.n; i++) {
			if (i)
				*o++ = ',';
			o = json__compact(o, &v->u.arr.items[i]);
		}
		*o++ = ']';
		return o;
	case JSON_OBJECT:
		*o++ = '{';
		for (size_t i = 0; i < v->u.obj.n; i++) {
			const struct json_member *m = &v->u.obj.members[i];
			if (i)
				*o++ = ',';
			memcpy(o, m->rawkey, m->rawkeylen);
			o += m->rawkeylen;
			*o++ = ':';
			o = json__compact(o, &m->value);
		}
		*o++ = '}';
		return o;
	default:
		memcpy(o, v->raw, v->rawlen);
		return o + v->rawlen;
	}
}

void
jw_value_raw(struct json_writer *w, const struct json_value *v)
{
	if (!w->pretty) {
		json__before(w);
		json__reserve(w, v->rawlen);
		w->len = (size_t)(json__compact(w->s + w->len, v) - w->s);
		w->s[w->len] = '\0';
		return;
	}
	switch (v->type) {
	case JSON_ARRAY:
		jw_array_begin(w);
		for (size_t i = 0; i < v->u.arr.n; i++)
			jw_value_raw(w, &v->u.arr.items[i]);
		jw_array_end(w);
		break;
	case JSON_OBJECT:
		jw_object_begin(w);
		for (size_t i = 0; i < v->u.obj.n; i++) {
			jw_rawkey(w, v->u.obj.members[i].rawkey, v->u.obj.members[i].rawkeylen);
			jw_value_raw(w, &v->u.obj.members[i].value);
		}
		jw_object_end(w);
		break;
	default:
		jw_raw(w, v->raw, v->rawlen);
	}
}

#endif /* KTSTR_JSON_IMPLEMENTED */
#endif /* JSON_IMPLEMENTATION */
