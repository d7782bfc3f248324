/*
 * json.h: a strict RFC 8259 JSON reader and writer in one header.
 *
 * Define JSON_IMPLEMENTATION in exactly one C file before including it
 * (lib/json/json.c does, for libktstr.a), and link with -lpthread where
 * libc keeps pthread_once apart.  A document or a cursor is one thread's
 * at a time; different ones may be read on different threads.
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
 * doc must start zeroed (struct json_doc doc = {0}), or freed or cleared
 * since its last use: it owns the arena the tree lives
 * in.  max_depth 0 means JSON_DEFAULT_MAX_DEPTH.  On success returns 0
 * and doc->root; the tree points into src, which must outlive doc.  On
 * failure returns -1 and fills err (if non-NULL).  Either way call
 * json_doc_free(doc) (or json_doc_clear) afterwards.
 */
int json_parse(struct json_doc *doc, const char *src, size_t len, unsigned max_depth,
               struct json_error *err);
void json_doc_free(struct json_doc *doc);
/*
 * Drop the tree but keep the arena's memory for the next json_parse
 * into doc: one document after another (the lines of a stream) then
 * costs no allocation once the arena has grown to the largest.
 */
void json_doc_clear(struct json_doc *doc);
/* n bytes (16-aligned) that live as long as doc's tree, for a caller building one. */
void *json_doc_alloc(struct json_doc *doc, size_t n);

/*
 * Pull reader.  A cursor walks the text one value at a time and checks
 * the grammar, the strings and the numbers exactly as json_parse does
 * (same errors, same positions), but builds nothing: the caller takes
 * the members it wants as they pass and skips the rest, which
 * json_cursor_skip() still checks.  json_parse builds its tree with one.
 *
 * An item is one value: a scalar whole, or a container that has just
 * opened (its elements follow, then json_cursor_next() returns 0 where
 * it closes).  Strings and keys are views: into the text when the token
 * holds no escape, else into the cursor's own buffers; either way
 * decoded, not NUL-terminated, and valid until the next call on the
 * cursor.
 */
struct json_item {
	enum json_type type;
	const char *raw; /* the value's first byte */
	size_t rawlen;   /* a scalar's token length; 1 for a container */
	const char *key; /* an object member's key, decoded; NULL in an array */
	size_t keylen;
	const char *rawkey; /* the key token, quotes included */
	size_t rawkeylen;
	int key_lone_surrogate;
	union {
		int boolean;
		struct {
			unsigned flags; /* JSON_NUM_*, and i, u as in struct json_value */
			int64_t i;
			uint64_t u;
			/* private: the decimal form json_item_double() rounds */
			uint64_t sig;
			long exp10;
			unsigned char neg, fast;
		} num;
		struct {
			const char *s;
			size_t len;
			int lone_surrogate;
		} str;
	} u;
};

struct json_cursor {
	/* private */
	const unsigned char *src, *p, *end;
	struct json_error *err;
	unsigned depth, max_depth;
	int state;
	int obj; /* the innermost open container is an object */
	unsigned char kinds_small[JSON_DEFAULT_MAX_DEPTH / 8]; /* bit per open container: object */
	unsigned char *kinds_big; /* when max_depth needs more */
	unsigned char *buf[2];    /* decoded keys, decoded strings */
	size_t cap[2];
};

/*
 * Start reading src[0..len); max_depth 0 means JSON_DEFAULT_MAX_DEPTH;
 * the first error is written to err (if non-NULL).  Free with
 * json_cursor_free().  json_cursor_reset() starts over on another text
 * and keeps the cursor's memory.
 */
void json_cursor_init(struct json_cursor *c, const char *src, size_t len, unsigned max_depth,
                      struct json_error *err);
void json_cursor_reset(struct json_cursor *c, const char *src, size_t len);
void json_cursor_free(struct json_cursor *c);
/*
 * The next value: the text's one value at first, then the next element
 * of the innermost open container.  Returns 1 with *it filled, 0 when
 * that container closes here (or, at the top, once the value has been
 * read), -1 on an error (then every later call fails too).
 */
int json_cursor_next(struct json_cursor *c, struct json_item *it);
/*
 * json_cursor_next for a reader that expects the next member to be
 * named key[0..n) (printable ASCII but '"' and '\\'): returns 2 instead
 * of 1 when it is, having matched the key without scanning it.
 */
int json_cursor_next_key(struct json_cursor *c, struct json_item *it, const char *key, size_t n);
/*
 * Read the rest of the innermost open container (nothing at the top)
 * without building anything; the next call reads what follows it.
 * Returns 0, or -1 on an error in what was skipped.
 */
int json_cursor_skip(struct json_cursor *c);
/*
 * Read whatever remains of the text (the value, if not read yet, and
 * every open container) and check that only whitespace follows.
 * Returns 0 when the whole text is valid JSON, -1 at its first error.
 */
int json_cursor_end(struct json_cursor *c);
/* Just past the last byte read: after a 0 from json_cursor_next, where the container closed. */
const char *json_cursor_pos(const struct json_cursor *c);
/* The number item's value as a double, correctly rounded (json_value's u.num.d). */
double json_item_double(const struct json_item *it);
/*
 * The whole value of item it, just read from c, built as json_parse
 * builds it into doc's arena: a container's elements are read from c up
 * to its close.  doc is as json_parse wants it, or already holds trees
 * of this text, which then share its arena; doc->root is left alone.
 * Returns 0, or -1 on an error (c's).
 */
int json_cursor_value(struct json_cursor *c, struct json_doc *doc, const struct json_item *it,
                      struct json_value *out);

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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
		/*
		 * Small first, then each chunk twice the last (up to 1 MiB): a
		 * small tree, many of which may be held at once, costs little,
		 * and a large one few chunks.
		 */
		size_t cap = c == NULL ? 8192 : c->cap < 1048576 ? 2 * c->cap : c->cap;

		if (cap < n)
			cap = n;
		c = json__xrealloc(NULL, sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

void *
json_doc_alloc(struct json_doc *doc, size_t n)
{
	return json__alloc(doc, n);
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

void
json_doc_clear(struct json_doc *doc)
{
	struct json_arena_chunk *c = doc->chunks;
	size_t cap = 0;

	if (c != NULL && c->next != NULL) {
		/* Several chunks: one of their total size holds the next tree whole. */
		for (; c; c = c->next)
			cap += c->cap;
		json_doc_free(doc);
		c = json__xrealloc(NULL, sizeof *c + cap);
		c->cap = cap;
		c->next = NULL;
		doc->chunks = c;
	}
	if (c != NULL)
		c->used = 0;
	doc->root = NULL;
}

/* ---- numbers ---- */

static locale_t json__c_loc;

static void
json__make_c_locale(void)
{
	json__c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Made once, whichever thread reads a number first. */
static locale_t
json__c_locale(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, json__make_c_locale);
	return json__c_loc;
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

enum { JSON__START, JSON__FIRST, JSON__AFTER, JSON__DONE, JSON__FAILED };

static void
json__fail_at(struct json_cursor *c, const unsigned char *at, const char *msg)
{
	struct json_error *e = c->err;
	const unsigned char *q;

	if (c->state == JSON__FAILED)
		return;
	c->state = JSON__FAILED;
	if (e == NULL)
		return;
	if (at > c->end)
		at = c->end;
	e->offset = (size_t)(at - c->src);
	e->line = 1;
	e->col = 1;
	for (q = c->src; q < at; q++) {
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

/* The whitespace at p, skipped. */
static const unsigned char *
json__ws_run(const unsigned char *p, const unsigned char *end)
{
	/* Pretty-printed input indents with runs of spaces: skip 8 at a time. */
	static const unsigned char spaces[8] = "        ";

	while (end - p >= 8 && memcmp(p, spaces, 8) == 0)
		p += 8;
	while (p < end && (json__class[*p] & JSON__WS))
		p++;
	return p;
}

/* Whitespace from p on; a stream's lines have none, so one compare decides. */
static inline const unsigned char *
json__ws(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p <= ' ' ? json__ws_run(p, end) : p;
}

/*
 * The first byte at or after p that a string must look at: a quote, a
 * backslash, a control character or a non-ASCII byte.  Sixteen bytes at
 * a time with SSE2 (where a signed compare with 0x20 catches both the
 * controls and the bytes above 0x7f), else eight with plain arithmetic
 * where the byte order allows: there each test can flag only bytes
 * above the lowest true hit (a borrow runs upward), so the lowest flag
 * is exact.
 */
static inline const unsigned char *
json__plain_run(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
		                           _mm_cmplt_epi8(v, space));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);

		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;

		while (end - p >= 8) {
			uint64_t w, q, b, m;

			memcpy(&w, p, 8);
			q = w ^ (ones * '"');
			b = w ^ (ones * '\\');
			m = ((q - ones) | (b - ones) | (w - ones * 0x20) | w) & high;
			if (m != 0)
				return p + (__builtin_ctzll(m) >> 3);
			p += 8;
		}
	}
#endif
	while (p < end && (json__class[*p] & JSON__PLAIN))
		p++;
	return p;
}

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
 * The escape at p (the backslash), written to o.  Returns the bytes of
 * input it took, 0 on an error (reported).
 */
static size_t
json__escape(struct json_cursor *c, const unsigned char *p, unsigned char **o, int *lone)
{
	static const char name[] = "\"\\/bfnrt", code[] = "\"\\/\b\f\n\r\t";
	const unsigned char *end = c->end;
	unsigned cp, lo;

	if (end - p < 2) {
		json__fail_at(c, end, "EOF while parsing a string");
		return 0;
	}
	if (p[1] != 'u') {
		const char *k = memchr(name, p[1], sizeof name - 1);

		if (k == NULL) {
			json__fail_at(c, p + 1, "invalid escape");
			return 0;
		}
		*(*o)++ = (unsigned char)code[k - name];
		return 2;
	}
	if (end - p < 6) {
		json__fail_at(c, end, "EOF while parsing a string");
		return 0;
	}
	if (json__hex4(p + 2, &cp) < 0) {
		json__fail_at(c, p + 2, "invalid escape");
		return 0;
	}
	if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
	    json__hex4(p + 8, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
		*o += json__put_utf8(*o, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
		return 12;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		*lone = 1;
	*o += json__put_utf8(*o, cp);
	return 6;
}

/*
 * The rest of a string token whose first special byte is at p: escapes
 * move the decoding into buffer slot, which the token's length bounds
 * (no escape decodes longer than itself).  Returns the byte after the
 * closing quote, NULL on an error.
 */
static const unsigned char *
json__string_slow(struct json_cursor *c, const unsigned char *run, const unsigned char *p, int slot,
                  const char **out, size_t *outlen, int *lone)
{
	const unsigned char *end = c->end;
	unsigned char *dst = NULL, *o = NULL;

	for (;;) {
		size_t n;

		if (p >= end) {
			json__fail_at(c, end, "EOF while parsing a string");
			return NULL;
		}
		if (*p == '"')
			break;
		if (*p < 0x20) {
			json__fail_at(c, p, "control character (\\u0000-\\u001F) found while parsing a string");
			return NULL;
		}
		if (*p >= 0x80) {
			if ((n = json_utf8_seq((const char *)p, (size_t)(end - p))) == 0) {
				json__fail_at(c, p, "invalid UTF-8 in string");
				return NULL;
			}
			if (o != NULL) {
				memcpy(o, p, n);
				o += n;
			}
			p += n;
		} else {
			/* A backslash. */
			if (o == NULL) {
				const unsigned char *q = p;
				size_t need;

				while (q < end && *q != '"')
					q += *q == '\\' ? 2 : 1;
				need = (size_t)((q < end ? q : end) - run) + 1;
				if (c->cap[slot] < need) {
					c->cap[slot] = need > 256 ? need : 256;
					c->buf[slot] = json__xrealloc(c->buf[slot], c->cap[slot]);
				}
				dst = o = c->buf[slot];
				memcpy(o, run, (size_t)(p - run));
				o += p - run;
			}
			if ((n = json__escape(c, p, &o, lone)) == 0)
				return NULL;
			p += n;
		}
		{
			const unsigned char *q = json__plain_run(p, end);

			if (o != NULL) {
				memcpy(o, p, (size_t)(q - p));
				o += q - p;
			}
			p = q;
		}
	}
	if (o == NULL) {
		*out = (const char *)run;
		*outlen = (size_t)(p - run);
	} else {
		*out = (const char *)dst;
		*outlen = (size_t)(o - dst);
	}
	return p + 1;
}

/*
 * The string token at p (the opening quote).  A token without escapes
 * is its own decoded form, so *out points into the text.
 */
static inline const unsigned char *
json__string(struct json_cursor *c, const unsigned char *p, int slot, const char **out,
             size_t *outlen, int *lone)
{
	const unsigned char *run = p + 1, *q = json__plain_run(run, c->end);

	*lone = 0;
	if (q < c->end && *q == '"') {
		*out = (const char *)run;
		*outlen = (size_t)(q - run);
		return q + 1;
	}
	return json__string_slow(c, run, q, slot, out, outlen, lone);
}

/*
 * Numbers.  Integer literals that fit 64 bits are kept exactly.  For
 * the double, Clinger's fast path covers what sidecars hold: with at
 * most 15 significant digits and a decimal exponent within +-22, both
 * the digits and the power of ten are exact doubles, so one division
 * or multiplication rounds correctly.  Everything else goes to strtod.
 * The reader itself only needs to know that the value is finite, which
 * a literal below 1e308 is whatever the rounding.
 */
static const double json__pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The number's double takes strtod. */
static inline int
json__num_slow(const struct json_item *it)
{
	const long e = it->u.num.exp10;

	return !(it->u.num.flags & (JSON_NUM_I64 | JSON_NUM_U64)) &&
	       !(it->u.num.fast && (it->u.num.sig == 0 || (e >= -22 && e <= 22)));
}

double
json_item_double(const struct json_item *it)
{
	const long e = it->u.num.exp10;
	unsigned f = it->u.num.flags;
	double d;

	if (it->type != JSON_NUMBER)
		return 0.0;
	if (f & JSON_NUM_U64)
		return (double)it->u.num.u;
	if (f & JSON_NUM_I64)
		return it->u.num.i == 0 ? -0.0 : (double)it->u.num.i;
	if (!json__num_slow(it)) {
		if (it->u.num.sig == 0)
			return it->u.num.neg ? -0.0 : 0.0;
		d = (double)it->u.num.sig;
		d = e < 0 ? d / json__pow10[-e] : d * json__pow10[e];
		return it->u.num.neg ? -d : d;
	}
	json_strtod(it->raw, it->rawlen, &d);
	return d;
}

static inline int
json__digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && (unsigned)(*p - '0') <= 9;
}

/*
 * The fraction's digits at p: leading zeros of a zero number are not
 * significant, and past 15 significant digits the double needs strtod.
 */
static const unsigned char *
json__fraction(const unsigned char *p, const unsigned char *end, uint64_t *sig, int *sigdigits,
               long *fracdigits, int *fast)
{
	const unsigned char *start = p, *run;

	if (*sig == 0)
		while (p < end && *p == '0')
			p++;
	run = p;
	while (json__digit(p, end)) {
		if (p - run < 15 - *sigdigits)
			*sig = *sig * 10 + (*p - '0');
		p++;
	}
	if (p - run > 15 - *sigdigits)
		*fast = 0;
	*sigdigits += (int)(p - run);
	*fracdigits = p - start;
	return p;
}

/* A number's item once its value is known; the double is json_item_double's. */
static void
json__number_item(struct json_item *it, uint64_t mag, int neg, int isint, int overflow)
{
	it->u.num.flags = 0;
	it->u.num.i = 0;
	it->u.num.u = 0;
	it->u.num.neg = (unsigned char)neg;
	if (!isint)
		return;
	it->u.num.flags = JSON_NUM_INT;
	if (overflow)
		return;
	if (!neg) {
		it->u.num.flags |= JSON_NUM_U64;
		it->u.num.u = mag;
		if (mag <= INT64_MAX) {
			it->u.num.flags |= JSON_NUM_I64;
			it->u.num.i = (int64_t)mag;
		}
	} else if (mag <= (uint64_t)INT64_MAX + 1) {
		it->u.num.flags |= JSON_NUM_I64;
		it->u.num.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	}
}

/*
 * The rest of a number whose integer part digits..p is read (mag its
 * value, modulo 2^64): the fraction, the exponent, the range.
 */
static const unsigned char *
json__number_rest(struct json_cursor *c, struct json_item *it, const unsigned char *digits,
                  const unsigned char *p, uint64_t mag, int neg)
{
	static const char u64max[] = "18446744073709551615";
	const unsigned char *start = (const unsigned char *)it->raw, *end = c->end;
	long intdigits = *digits == '0' ? 0 : p - digits, exp10 = 0, fracdigits = 0;
	int isint = 1, overflow = 0, fast = 1, sigdigits = 0, expneg = 0;
	uint64_t sig = 0;

	/* Wrapping is harmless: past 19 digits only the spelling decides. */
	if (intdigits > 19)
		overflow = intdigits > 20 || memcmp(digits, u64max, 20) > 0;
	if (intdigits <= 15) {
		sig = mag;
		sigdigits = (int)intdigits;
	} else {
		fast = 0;
		sigdigits = 15;
	}
	if (p < end && *p == '.') {
		isint = 0;
		p++;
		if (!json__digit(p, end)) {
			json__fail_at(c, p, p >= end ? "EOF while parsing a value" : "invalid number");
			return NULL;
		}
		p = json__fraction(p, end, &sig, &sigdigits, &fracdigits, &fast);
	}
	if (p < end && (*p | 0x20) == 'e') {
		isint = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			expneg = *p++ == '-';
		if (!json__digit(p, end)) {
			json__fail_at(c, p, p >= end ? "EOF while parsing a value" : "invalid number");
			return NULL;
		}
		for (; json__digit(p, end); p++)
			if (exp10 < 100000)
				exp10 = exp10 * 10 + (*p - '0');
	}
	if (expneg)
		exp10 = -exp10;
	it->rawlen = (size_t)(p - start);
	it->u.num.sig = sig;
	it->u.num.fast = (unsigned char)fast;
	it->u.num.exp10 = exp10 - fracdigits;
	json__number_item(it, mag, neg, isint, overflow);
	if (json__num_slow(it) && intdigits + exp10 > 308) {
		double d;

		if (json_strtod((const char *)start, (size_t)(p - start), &d) < 0) {
			json__fail_at(c, start, "number out of range");
			return NULL;
		}
	}
	return p;
}

/*
 * The number token at p; fills it, returns its end (NULL on an error).
 * An integer of up to 19 digits, most of what a sidecar holds, is done
 * here.
 */
static const unsigned char *
json__number(struct json_cursor *c, const unsigned char *p, struct json_item *it)
{
	const unsigned char *end = c->end, *digits;
	int neg = *p == '-';
	uint64_t mag = 0;

	it->type = JSON_NUMBER;
	it->raw = (const char *)p;
	p += neg;
	digits = p;
	if (p < end && *p == '0') {
		p++;
	} else if (p < end && (unsigned)(*p - '1') <= 8) {
		for (; json__digit(p, end); p++)
			mag = mag * 10 + (*p - '0');
	} else {
		json__fail_at(c, p, p >= end ? "EOF while parsing a value" : "invalid number");
		return NULL;
	}
	if ((p < end && (*p == '.' || (*p | 0x20) == 'e')) || p - digits > 19)
		return json__number_rest(c, it, digits, p, mag, neg);
	it->rawlen = (size_t)(p - (const unsigned char *)it->raw);
	it->u.num.sig = mag;
	it->u.num.fast = p - digits <= 15;
	it->u.num.exp10 = 0;
	json__number_item(it, mag, neg, 1, 0);
	return p;
}

static const unsigned char *
json__literal(struct json_cursor *c, const unsigned char *p, const char *word, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p + i >= c->end) {
			json__fail_at(c, c->end, "EOF while parsing a value");
			return NULL;
		}
		if (p[i] != (unsigned char)word[i]) {
			json__fail_at(c, p + i, "expected ident");
			return NULL;
		}
	}
	return p + n;
}

static int
json__fail(struct json_cursor *c, const unsigned char *at, const char *msg)
{
	json__fail_at(c, at, msg);
	return -1;
}

static int
json__fail_eof(struct json_cursor *c, const char *ctx)
{
	char msg[64];

	snprintf(msg, sizeof msg, "EOF while parsing %s", ctx);
	return json__fail(c, c->end, msg);
}

static inline unsigned char *
json__kinds(struct json_cursor *c)
{
	return c->kinds_big ? c->kinds_big : c->kinds_small;
}

/* A container opens at p. */
static int
json__push(struct json_cursor *c, const unsigned char *p, struct json_item *it)
{
	unsigned char *kinds = json__kinds(c), bit = (unsigned char)(1u << (c->depth & 7));

	if (c->depth >= c->max_depth)
		return json__fail(c, p, "recursion limit exceeded");
	c->obj = *p == '{';
	it->type = c->obj ? JSON_OBJECT : JSON_ARRAY;
	it->rawlen = 1;
	if (c->obj)
		kinds[c->depth >> 3] |= bit;
	else
		kinds[c->depth >> 3] &= (unsigned char)~bit;
	c->depth++;
	c->p = p + 1;
	c->state = JSON__FIRST;
	return 1;
}

/* The innermost container closes at p. */
static inline int
json__pop(struct json_cursor *c, const unsigned char *p)
{
	unsigned d;

	c->p = p + 1;
	if (--c->depth == 0) {
		c->obj = 0;
		c->state = JSON__DONE;
		return 0;
	}
	d = c->depth - 1;
	c->obj = json__kinds(c)[d >> 3] >> (d & 7) & 1;
	c->state = JSON__AFTER;
	return 0;
}

static inline void
json__no_key(struct json_item *it)
{
	it->key = it->rawkey = NULL;
	it->keylen = it->rawkeylen = 0;
	it->key_lone_surrogate = 0;
}

/*
 * The key and colon of a member at p; returns the byte after the colon.
 * A key the caller expects (plain bytes: no quote, backslash, control or
 * non-ASCII byte, so the token is valid as it stands) is taken by one
 * comparison, and *hit says so.
 */
static inline const unsigned char *
json__key(struct json_cursor *c, const unsigned char *p, struct json_item *it, const char *expect,
          size_t n, int *hit)
{
	const unsigned char *end = c->end;

	if (p >= end) {
		json__fail_at(c, end, "EOF while parsing an object");
		return NULL;
	}
	if (*p != '"') {
		/* Only a comma leads here to a '}': the first member's is the close. */
		json__fail_at(c, p, *p == '}' ? "trailing comma" : "key must be a string");
		return NULL;
	}
	it->rawkey = (const char *)p;
	if (expect != NULL && (size_t)(end - p) > n + 1 && p[n + 1] == '"' &&
	    memcmp(p + 1, expect, n) == 0) {
		it->key = (const char *)p + 1;
		it->keylen = n;
		it->key_lone_surrogate = 0;
		p += n + 2;
		*hit = 1;
	} else if ((p = json__string(c, p, 0, &it->key, &it->keylen, &it->key_lone_surrogate)) == NULL) {
		return NULL;
	}
	it->rawkeylen = (size_t)(p - (const unsigned char *)it->rawkey);
	if (p < end && *p == ':')
		return p + 1;
	p = json__ws(p, end);
	if (p >= end) {
		json__fail_at(c, end, "EOF while parsing an object");
		return NULL;
	}
	if (*p != ':') {
		json__fail_at(c, p, "expected `:`");
		return NULL;
	}
	return p + 1;
}

/* After an element: a comma, or the close of its container. */
static int
json__after(struct json_cursor *c, const unsigned char **pp)
{
	const unsigned char *p = json__ws(*pp, c->end), *end = c->end;
	unsigned char close = c->obj ? '}' : ']';

	if (p < end && *p == ',') {
		*pp = json__ws(p + 1, end);
		return 1;
	}
	if (p < end && *p == close)
		return json__pop(c, p);
	if (p >= end)
		return json__fail(c, end, c->obj ? "EOF while parsing an object"
		                                 : "EOF while parsing a list");
	return json__fail(c, p, c->obj ? "expected `,` or `}`" : "expected `,` or `]`");
}

/* The scalar at p that is not a string: a literal or a number. */
static const unsigned char *
json__other(struct json_cursor *c, const unsigned char *p, struct json_item *it)
{
	switch (*p) {
	case 't':
		it->type = JSON_BOOL;
		it->u.boolean = 1;
		return json__literal(c, p, "true", 4);
	case 'f':
		it->type = JSON_BOOL;
		it->u.boolean = 0;
		return json__literal(c, p, "false", 5);
	case 'n':
		it->type = JSON_NULL;
		return json__literal(c, p, "null", 4);
	}
	if (*p != '-' && (unsigned)(*p - '0') > 9) {
		/* In a list only a comma leads to a ']': the first element's is the close. */
		json__fail_at(c, p, *p == ']' && c->depth && !c->obj ? "trailing comma" : "expected value");
		return NULL;
	}
	return json__number(c, p, it);
}

/*
 * One function for the grammar, its common path straight through: a
 * compact stream line is a run of comma, key, colon, scalar.  Returns
 * json_cursor_next's answers, and 2 for 1 when the key was expect.
 */
static inline int
json__next(struct json_cursor *c, struct json_item *it, const char *expect, size_t n)
{
	const unsigned char *p = c->p, *end = c->end;
	const char *ctx;
	int rc, hit = 0;

	if (c->state == JSON__AFTER) {
		/* The common case, a comma and the next element, inline. */
		if (p < end && *p == ',')
			p = json__ws(p + 1, end);
		else if ((rc = json__after(c, &p)) <= 0)
			return rc;
	} else if (c->state == JSON__FIRST) {
		p = json__ws(p, end);
		if (p < end && *p == (c->obj ? '}' : ']'))
			return json__pop(c, p);
	} else if (c->state == JSON__START) {
		json__no_key(it);
		ctx = "a value";
		goto value;
	} else {
		return c->state == JSON__DONE ? 0 : -1;
	}
	if (c->obj) {
		if ((p = json__key(c, p, it, expect, n, &hit)) == NULL)
			return -1;
		ctx = "an object";
	} else {
		json__no_key(it);
		ctx = "a list";
	}
value:
	p = json__ws(p, end);
	if (p >= end)
		return json__fail_eof(c, ctx);
	it->raw = (const char *)p;
	if (*p == '"') {
		it->type = JSON_STRING;
		p = json__string(c, p, 1, &it->u.str.s, &it->u.str.len, &it->u.str.lone_surrogate);
	} else if (*p == '{' || *p == '[') {
		/* An error must stay negative: a hit would lift -1 to "closed". */
		rc = json__push(c, p, it);
		return rc < 0 ? rc : rc + hit;
	} else {
		p = json__other(c, p, it);
	}
	if (p == NULL)
		return -1;
	it->rawlen = (size_t)(p - (const unsigned char *)it->raw);
	c->p = p;
	c->state = c->depth ? JSON__AFTER : JSON__DONE;
	return 1 + hit;
}

int
json_cursor_next(struct json_cursor *c, struct json_item *it)
{
	return json__next(c, it, NULL, 0);
}

int
json_cursor_next_key(struct json_cursor *c, struct json_item *it, const char *key, size_t n)
{
	return json__next(c, it, key, n);
}

int
json_cursor_skip(struct json_cursor *c)
{
	struct json_item it;
	unsigned floor;

	if (c->state == JSON__FAILED)
		return -1;
	if (c->depth == 0)
		return 0;
	floor = c->depth - 1;
	while (c->depth > floor)
		if (json_cursor_next(c, &it) < 0)
			return -1;
	return 0;
}

int
json_cursor_end(struct json_cursor *c)
{
	struct json_item it;

	if (c->state == JSON__START && json_cursor_next(c, &it) < 0)
		return -1;
	while (c->depth > 0)
		if (json_cursor_skip(c) < 0)
			return -1;
	if (c->state == JSON__FAILED)
		return -1;
	c->p = json__ws(c->p, c->end);
	if (c->p != c->end) {
		json__fail_at(c, c->p, "trailing characters");
		return -1;
	}
	return 0;
}

const char *
json_cursor_pos(const struct json_cursor *c)
{
	return (const char *)c->p;
}

void
json_cursor_init(struct json_cursor *c, const char *src, size_t len, unsigned max_depth,
                 struct json_error *err)
{
	memset(c, 0, sizeof *c);
	c->max_depth = max_depth ? max_depth : JSON_DEFAULT_MAX_DEPTH;
	if (c->max_depth > 8 * sizeof c->kinds_small)
		c->kinds_big = json__xrealloc(NULL, (c->max_depth + 7) / 8);
	c->err = err;
	json_cursor_reset(c, src, len);
}

void
json_cursor_reset(struct json_cursor *c, const char *src, size_t len)
{
	c->src = c->p = (const unsigned char *)src;
	c->end = c->src + len;
	c->depth = 0;
	c->obj = 0;
	c->state = JSON__START;
}

void
json_cursor_free(struct json_cursor *c)
{
	free(c->kinds_big);
	free(c->buf[0]);
	free(c->buf[1]);
	memset(c, 0, sizeof *c);
}

/* ---- the tree ---- */

/*
 * A cursor's items copied into a document's arena.  The children of
 * open containers wait on two stacks until their container closes and
 * its size is known.
 */
struct json__builder {
	struct json_cursor *c;
	struct json_doc *doc;
	struct json_value *vals;
	size_t nvals, capvals;
	struct json_member *mems;
	size_t nmems, capmems;
};

static const char *
json__copy_string(struct json_doc *doc, const char *s, size_t n)
{
	char *dst = json__alloc(doc, n + 1);

	memcpy(dst, s, n);
	dst[n] = '\0';
	return dst;
}

static int json__build_container(struct json__builder *b, struct json_value *v,
                                 const struct json_item *it);

/* A scalar item as a value; a container's elements are read by the caller. */
static void
json__build_scalar(struct json__builder *b, struct json_value *v, const struct json_item *it)
{
	v->type = it->type;
	v->raw = it->raw;
	v->rawlen = it->rawlen;
	switch (it->type) {
	case JSON_BOOL:
		v->u.boolean = it->u.boolean;
		break;
	case JSON_NUMBER:
		v->u.num.flags = it->u.num.flags;
		v->u.num.i = it->u.num.i;
		v->u.num.u = it->u.num.u;
		v->u.num.d = json_item_double(it);
		break;
	case JSON_STRING:
		v->u.str.s = (char *)json__copy_string(b->doc, it->u.str.s, it->u.str.len);
		v->u.str.len = it->u.str.len;
		v->u.str.lone_surrogate = it->u.str.lone_surrogate;
		break;
	default:
		break;
	}
}

static int
json__build(struct json__builder *b, struct json_value *v, const struct json_item *it)
{
	if (it->type == JSON_ARRAY || it->type == JSON_OBJECT)
		return json__build_container(b, v, it);
	json__build_scalar(b, v, it);
	return 0;
}

/*
 * A child that is a scalar is written straight to its stack slot; one
 * that is a container is built aside first, since its own children may
 * move the stack.
 */
static int
json__build_array(struct json__builder *b, struct json_value *v)
{
	size_t base = b->nvals, n;
	struct json_item it;
	int rc;

	while ((rc = json_cursor_next(b->c, &it)) > 0) {
		struct json_value tmp;

		if (it.type == JSON_ARRAY || it.type == JSON_OBJECT) {
			if (json__build_container(b, &tmp, &it) < 0)
				return -1;
		}
		if (b->nvals == b->capvals) {
			b->capvals = b->capvals ? b->capvals * 2 : 64;
			b->vals = json__xrealloc(b->vals, b->capvals * sizeof *b->vals);
		}
		if (it.type == JSON_ARRAY || it.type == JSON_OBJECT)
			b->vals[b->nvals++] = tmp;
		else
			json__build_scalar(b, &b->vals[b->nvals++], &it);
	}
	if (rc < 0)
		return -1;
	n = b->nvals - base;
	v->u.arr.n = n;
	v->u.arr.items = NULL;
	if (n) {
		v->u.arr.items = json__alloc(b->doc, n * sizeof *v->u.arr.items);
		memcpy(v->u.arr.items, b->vals + base, n * sizeof *v->u.arr.items);
	}
	b->nvals = base;
	return 0;
}

static int
json__build_object(struct json__builder *b, struct json_value *v)
{
	size_t base = b->nmems, n;
	struct json_item it;
	int rc;

	while ((rc = json_cursor_next(b->c, &it)) > 0) {
		struct json_value tmp;
		struct json_member *m;
		const char *key;

		/* The key first: a container value reuses the cursor's key buffer. */
		key = json__copy_string(b->doc, it.key, it.keylen);
		if (it.type == JSON_ARRAY || it.type == JSON_OBJECT) {
			if (json__build_container(b, &tmp, &it) < 0)
				return -1;
		}
		if (b->nmems == b->capmems) {
			b->capmems = b->capmems ? b->capmems * 2 : 64;
			b->mems = json__xrealloc(b->mems, b->capmems * sizeof *b->mems);
		}
		m = &b->mems[b->nmems++];
		m->key = key;
		m->keylen = it.keylen;
		m->rawkey = it.rawkey;
		m->rawkeylen = it.rawkeylen;
		m->key_lone_surrogate = it.key_lone_surrogate;
		if (it.type == JSON_ARRAY || it.type == JSON_OBJECT)
			m->value = tmp;
		else
			json__build_scalar(b, &m->value, &it);
	}
	if (rc < 0)
		return -1;
	n = b->nmems - base;
	v->u.obj.n = n;
	v->u.obj.members = NULL;
	if (n) {
		v->u.obj.members = json__alloc(b->doc, n * sizeof *v->u.obj.members);
		memcpy(v->u.obj.members, b->mems + base, n * sizeof *v->u.obj.members);
	}
	b->nmems = base;
	return 0;
}

static int
json__build_container(struct json__builder *b, struct json_value *v, const struct json_item *it)
{
	int rc;

	v->type = it->type;
	v->raw = it->raw;
	rc = it->type == JSON_ARRAY ? json__build_array(b, v) : json__build_object(b, v);
	v->rawlen = (size_t)(json_cursor_pos(b->c) - it->raw);
	return rc;
}

int
json_cursor_value(struct json_cursor *c, struct json_doc *doc, const struct json_item *it,
                  struct json_value *out)
{
	struct json__builder b;
	int rc;

	memset(&b, 0, sizeof b);
	b.c = c;
	b.doc = doc;
	rc = json__build(&b, out, it);
	free(b.vals);
	free(b.mems);
	return rc;
}

int
json_parse(struct json_doc *doc, const char *src, size_t len, unsigned max_depth,
           struct json_error *err)
{
	struct json_cursor c;
	struct json_value *root;
	struct json_item it;
	int rc = -1;

	json_cursor_init(&c, src, len, max_depth, err);
	doc->root = NULL;
	root = json__alloc(doc, sizeof *root);
	if (json_cursor_next(&c, &it) > 0 && json_cursor_value(&c, doc, &it, root) == 0 &&
	    json_cursor_end(&c) == 0)
		rc = 0;
	json_cursor_free(&c);
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
