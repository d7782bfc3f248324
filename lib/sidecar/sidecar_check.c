/*
 * sidecar_check: would upstream's serde accept this JSON document as a
 * sidecar of a given generation, or can a reader use it at all
 * (ktstr-sidecar(5))?  The schema is the member lists of
 * sidecar_schema.h, walked by one checker, so a rule lives in exactly one
 * place.  Messages use serde's wording.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/json_serde.h"
#include "sidecar.h"
#include "sidecar_schema.h"
#include "util/util.h"

struct check {
	char *err;
	size_t errlen;
	const char *where; /* end of the offending bytes, for a position */
	unsigned gen;      /* SIDECAR_G0..G2, or SIDECAR_ANY */
};

static int
fail(struct check *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct check *c, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	c->where = where;
	return -1;
}

static const char *
end_of(const struct json_value *v)
{
	return v->raw + v->rawlen;
}

static void
expected(const struct sc_type *t, char *dst, size_t size)
{
	static const char *const names[] = {
		[SC_K_STR] = "a string", [SC_K_BOOL] = "a boolean", [SC_K_U64] = "u64",
		[SC_K_USIZE] = "usize",  [SC_K_U32] = "u32",        [SC_K_U16] = "u16",
		[SC_K_I64] = "i64",      [SC_K_I32] = "i32",        [SC_K_F64] = "f64",
		[SC_K_SEQ] = "a sequence", [SC_K_MAP] = "a map",    [SC_K_CPU_MAP] = "a map",
		[SC_K_OBJECT] = "a map",
	};

	if (t->kind == SC_K_STRUCT)
		snprintf(dst, size, "struct %s", t->name);
	else if (t->kind == SC_K_ENUM)
		snprintf(dst, size, "enum %s", t->name);
	else
		snprintf(dst, size, "%s", names[t->kind]);
}

static int
wrong_type(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	char u[128], e[64];

	serde_unexpected(v, u, sizeof u);
	expected(t, e, sizeof e);
	return fail(c, end_of(v), "invalid type: %s, expected %s", u, e);
}

static int
out_of_range(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	char e[64];

	expected(t, e, sizeof e);
	return fail(c, end_of(v), "invalid value: integer `%.*s`, expected %s", (int)v->rawlen,
	            v->raw, e);
}

static int
lone_surrogate(struct check *c, const char *where)
{
	return fail(c, where, "lone surrogate in hex escape");
}

static int check(struct check *c, const struct sc_type *t, const struct json_value *v);

static uint64_t
unsigned_max(enum sc_kind k)
{
	return k == SC_K_U16 ? UINT16_MAX : k == SC_K_U32 ? UINT32_MAX : UINT64_MAX;
}

/* Does the integer (flags, u, i as the reader keeps them) fit integer kind k? */
static int
int_fits(enum sc_kind k, unsigned flags, uint64_t u, int64_t i)
{
	switch (k) {
	case SC_K_U16:
	case SC_K_U32:
	case SC_K_U64:
	case SC_K_USIZE:
		return (flags & JSON_NUM_U64) && u <= unsigned_max(k);
	case SC_K_I64:
		return (flags & JSON_NUM_I64) != 0;
	default: /* SC_K_I32 */
		return (flags & JSON_NUM_I64) && i >= INT32_MIN && i <= INT32_MAX;
	}
}

static int
check_int(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	if (v->type != JSON_NUMBER || !serde_is_int(v))
		return wrong_type(c, t, v);
	if (!int_fits(t->kind, v->u.num.flags, v->u.num.u, v->u.num.i))
		return out_of_range(c, t, v);
	return 0;
}

/*
 * A name that becomes an identity or a path component is cut at its
 * first NUL by every C string consumer, so two different names would
 * pair as one: refuse it.
 */
static int
check_name(struct check *c, const struct sc_member *f, const struct json_value *v)
{
	if (v->type == JSON_STRING && memchr(v->u.str.s, '\0', v->u.str.len) != NULL)
		return fail(c, end_of(v), "invalid value: NUL byte in field `%s`, expected a string without NUL",
		            f->name);
	if (v->type == JSON_ARRAY)
		for (size_t i = 0; i < v->u.arr.n; i++)
			if (check_name(c, f, &v->u.arr.items[i]) < 0)
				return -1;
	return 0;
}

/* Member k of a struct met (once: serde refuses a repeat), seen its bit set. */
static int
mark_seen(struct check *c, uint64_t *seen, size_t k, const struct sc_member *f, const char *where)
{
	if (*seen >> k & 1)
		return fail(c, where, "duplicate field `%s`", f->name);
	*seen |= (uint64_t)1 << k;
	return 0;
}

/* The first member generation c->gen requires that seen lacks, as serde names it. */
static int
missing_required(struct check *c, const struct sc_type *t, uint64_t seen, const char *where)
{
	for (size_t k = 0; k < t->nmembers; k++)
		if (!(seen >> k & 1) && t->members[k].rule[c->gen] == SC_R_REQ)
			return fail(c, where, "missing field `%s`", t->members[k].name);
	return 0;
}

/* The index in t of the member named key, t->nmembers when none; next is where to look first. */
static size_t
find_member(const struct sc_type *t, const char *key, size_t keylen, size_t next)
{
	const struct sc_member *m = sidecar_member_near(t, key, keylen, next);

	return m ? (size_t)(m - t->members) : t->nmembers;
}

static int
check_struct(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	uint64_t seen = 0;
	size_t next = 0;

	if (v->type != JSON_OBJECT)
		return wrong_type(c, t, v);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		const struct sc_member *f;
		size_t k;
		unsigned rule;

		if (m->key_lone_surrogate)
			return lone_surrogate(c, m->rawkey + m->rawkeylen);
		if ((k = find_member(t, m->key, m->keylen, next)) == t->nmembers)
			continue; /* unknown keys are ignored, values and repeats alike */
		f = &t->members[k];
		rule = f->rule[c->gen];
		if (rule == SC_R_NO || rule == SC_R_EXT)
			continue; /* not a member of this generation: an unknown key */
		next = k + 1 < t->nmembers ? k + 1 : 0;
		if (mark_seen(c, &seen, k, f, m->rawkey + m->rawkeylen) < 0)
			return -1;
		if (m->value.type == JSON_NULL && (rule == SC_R_OPT || rule == SC_R_OMIT))
			continue;
		if (check(c, f->type, &m->value) < 0)
			return -1;
		if ((f->flags & SC_NAME) && check_name(c, f, &m->value) < 0)
			return -1;
	}
	return missing_required(c, t, seen, end_of(v));
}

/* serde_json reads an integer map key from the key string: plain decimal. */
static int
decimal_key(const char *key, size_t keylen)
{
	char digits[24];
	uint64_t u;

	/* A decimal u64 has at most 20 digits: a longer key is not one. */
	if (keylen == 0 || keylen >= sizeof digits || memchr(key, '\0', keylen) != NULL)
		return 0;
	memcpy(digits, key, keylen);
	digits[keylen] = '\0';
	return !(keylen > 1 && key[0] == '0') && parse_u64(digits, UINT64_MAX, &u) == 0;
}

/* A key of map type t: a real string, and a decimal number for a CPU map. */
static int
check_map_key(struct check *c, const struct sc_type *t, const char *key, size_t keylen,
              const char *rawkey, size_t rawkeylen, int lone)
{
	if (lone)
		return lone_surrogate(c, rawkey + rawkeylen);
	if (t->kind == SC_K_CPU_MAP && !decimal_key(key, keylen))
		return fail(c, rawkey + rawkeylen,
		            "invalid value: string %.*s, expected a decimal CPU number",
		            (int)(rawkeylen > 64 ? 64 : rawkeylen), rawkey);
	return 0;
}

static int
check_map(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	if (v->type != JSON_OBJECT)
		return wrong_type(c, t, v);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (check_map_key(c, t, m->key, m->keylen, m->rawkey, m->rawkeylen,
		                  m->key_lone_surrogate) < 0)
			return -1;
		/* Every value is checked: serde deserializes each before the last wins. */
		if (check(c, t->elem, &m->value) < 0)
			return -1;
	}
	return 0;
}

/* Does generation c->gen have variant k (the reading rule: does any)? */
static int
has_variant(const struct check *c, const struct sc_variant *k)
{
	return c->gen == SIDECAR_ANY ? k->gens != 0 : (k->gens >> c->gen & 1);
}

static int
unknown_variant(struct check *c, const struct sc_type *t, const struct json_value *v,
                const char *name, size_t len)
{
	struct buf b = BUF_INIT;
	int rc;

	for (size_t i = 0; i < t->nvariants; i++)
		if (has_variant(c, &t->variants[i]))
			buf_printf(&b, "%s`%s`", b.len ? ", " : "", t->variants[i].name);
	rc = fail(c, end_of(v), "unknown variant `%.*s`, expected one of %s",
	          (int)(len > 64 ? 64 : len), name, b.s);
	buf_free(&b);
	return rc;
}

static int
check_enum(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	const struct json_value *payload = NULL;
	const char *name;
	size_t len, k;

	if (v->type == JSON_STRING) {
		if (v->u.str.lone_surrogate)
			return lone_surrogate(c, end_of(v));
		name = v->u.str.s;
		len = v->u.str.len;
	} else if (v->type == JSON_OBJECT) {
		if (v->u.obj.n != 1)
			return fail(c, end_of(v), "invalid value: map, expected map with a single key");
		if (v->u.obj.members[0].key_lone_surrogate)
			return lone_surrogate(c, v->u.obj.members[0].rawkey + v->u.obj.members[0].rawkeylen);
		name = v->u.obj.members[0].key;
		len = v->u.obj.members[0].keylen;
		payload = &v->u.obj.members[0].value;
	} else {
		return wrong_type(c, t, v);
	}
	for (k = 0; k < t->nvariants; k++)
		if (has_variant(c, &t->variants[k]) && strlen(t->variants[k].name) == len &&
		    memcmp(t->variants[k].name, name, len) == 0)
			break;
	if (k == t->nvariants)
		return unknown_variant(c, t, v, name, len);
	if (t->variants[k].payload == NULL) {
		/* A unit variant in map form carries exactly null. */
		if (payload && payload->type != JSON_NULL) {
			char u[128];

			serde_unexpected(payload, u, sizeof u);
			return fail(c, end_of(payload), "invalid type: %s, expected unit", u);
		}
		return 0;
	}
	if (payload == NULL)
		return fail(c, end_of(v), "invalid type: unit variant, expected newtype variant");
	return check(c, t->variants[k].payload, payload);
}

static int
check(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	switch (t->kind) {
	case SC_K_STR:
		if (v->type != JSON_STRING)
			return wrong_type(c, t, v);
		if (v->u.str.lone_surrogate)
			return lone_surrogate(c, end_of(v));
		return 0;
	case SC_K_BOOL:
		return v->type == JSON_BOOL ? 0 : wrong_type(c, t, v);
	case SC_K_F64:
		/* Every JSON number fits: the reader already refused overflow. */
		return v->type == JSON_NUMBER ? 0 : wrong_type(c, t, v);
	case SC_K_U64:
	case SC_K_USIZE:
	case SC_K_U32:
	case SC_K_U16:
	case SC_K_I64:
	case SC_K_I32:
		return check_int(c, t, v);
	case SC_K_STRUCT:
		return check_struct(c, t, v);
	case SC_K_SEQ:
		if (v->type != JSON_ARRAY)
			return wrong_type(c, t, v);
		for (size_t i = 0; i < v->u.arr.n; i++)
			if (check(c, t->elem, &v->u.arr.items[i]) < 0)
				return -1;
		return 0;
	case SC_K_MAP:
	case SC_K_CPU_MAP:
		return check_map(c, t, v);
	case SC_K_ENUM:
		return check_enum(c, t, v);
	case SC_K_OBJECT:
		return v->type == JSON_OBJECT ? 0 : wrong_type(c, t, v);
	}
	return 0;
}

/*
 * The top level must be an object: upstream's serde would also take the
 * members positionally in an array, which no writer produces.
 */
int
sidecar_check(const struct json_value *root, unsigned gen, char *err, size_t errlen,
              const char **where)
{
	struct check c = {err, errlen, NULL, gen};
	int rc = check(&c, sidecar_type_result, root);

	if (where)
		*where = c.where;
	return rc;
}

/* ---- checking as the text is read ---- */

/*
 * The checks above made by a cursor as it reads the text, in the order
 * check() makes them on the tree, so the first failure is the same one.
 * Only what the suite models is built: the members with a C side in
 * sidecar_schema.h (the structs among them pruned the same way) and, at
 * the top, the stream's reserved members.  Every other member is checked
 * as it passes and leaves a null, so that it still counts as present.
 */
struct pass {
	struct check c;
	struct json_cursor *cur;
	struct json_doc *doc;
	/* the members and elements of the pruned containers still open */
	struct json_member *mems;
	size_t nmems, capmems;
	struct json_value *vals;
	size_t nvals, capvals;
};

static int pass_value(struct pass *p, const struct sc_type *t, const struct sc_member *f,
                      const struct json_item *it, struct json_value *out);

/*
 * A scalar item as a value for check() alone: the string is the
 * cursor's view (neither NUL-terminated nor kept), the double is not
 * rounded.  check() reads neither; a failure's message may, so a failure
 * is checked again on the value built whole.
 */
static void
glance(const struct json_item *it, struct json_value *v)
{
	v->type = it->type;
	v->raw = it->raw;
	v->rawlen = it->rawlen;
	if (it->type == JSON_BOOL) {
		v->u.boolean = it->u.boolean;
	} else if (it->type == JSON_NUMBER) {
		v->u.num.flags = it->u.num.flags;
		v->u.num.i = it->u.num.i;
		v->u.num.u = it->u.num.u;
		v->u.num.d = 0.0;
	} else if (it->type == JSON_STRING) {
		v->u.str.s = (char *)it->u.str.s;
		v->u.str.len = it->u.str.len;
		v->u.str.lone_surrogate = it->u.str.lone_surrogate;
	}
}

static int
scalar(enum sc_kind k)
{
	switch (k) {
	case SC_K_STR:
	case SC_K_BOOL:
	case SC_K_U64:
	case SC_K_USIZE:
	case SC_K_U32:
	case SC_K_U16:
	case SC_K_I64:
	case SC_K_I32:
	case SC_K_F64:
		return 1;
	default:
		return 0;
	}
}

/*
 * The common cases check_value() accepts, decided on the item itself: a
 * number where a double goes, an integer that fits, a plain string, a
 * boolean.  Anything else is left to check_value().
 */
static int
plainly(const struct sc_type *t, const struct sc_member *f, const struct json_item *it)
{
	if (!scalar(t->kind))
		return 0;
	switch (t->kind) {
	case SC_K_F64:
		return it->type == JSON_NUMBER;
	case SC_K_BOOL:
		return it->type == JSON_BOOL;
	case SC_K_STR:
		return it->type == JSON_STRING && !it->u.str.lone_surrogate &&
		       !(f && (f->flags & SC_NAME));
	default:
		/* serde reads "-0" as a float: leave any minus sign to check_int. */
		return it->type == JSON_NUMBER && (it->u.num.flags & JSON_NUM_INT) &&
		       it->raw[0] != '-' && int_fits(t->kind, it->u.num.flags, it->u.num.u, it->u.num.i);
	}
}

/* check() on a value, and the name check that member f adds to it. */
static int
check_value(struct pass *p, const struct sc_type *t, const struct sc_member *f,
            const struct json_value *v)
{
	if (check(&p->c, t, v) < 0)
		return -1;
	return f && (f->flags & SC_NAME) ? check_name(&p->c, f, v) : 0;
}

static int
skip_value(struct pass *p, const struct json_item *it)
{
	return it->type == JSON_ARRAY || it->type == JSON_OBJECT ? json_cursor_skip(p->cur) : 0;
}

static void
push_member(struct pass *p, const char *key, const struct json_item *it, const struct json_value *v)
{
	if (p->nmems == p->capmems) {
		p->capmems = p->capmems ? p->capmems * 2 : 64;
		p->mems = ereallocarray(p->mems, p->capmems, sizeof *p->mems);
	}
	p->mems[p->nmems++] = (struct json_member){key, it->keylen, it->rawkey, it->rawkeylen,
	                                           it->key_lone_surrogate, *v};
}

static void
push_value(struct pass *p, const struct json_value *v)
{
	if (p->nvals == p->capvals) {
		p->capvals = p->capvals ? p->capvals * 2 : 64;
		p->vals = ereallocarray(p->vals, p->capvals, sizeof *p->vals);
	}
	p->vals[p->nvals++] = *v;
}

/* The open container of item it, closed here: its pruned children off the stacks. */
static void
close_container(struct pass *p, const struct json_item *it, size_t base, struct json_value *out)
{
	size_t n = (it->type == JSON_OBJECT ? p->nmems : p->nvals) - base;
	size_t size = it->type == JSON_OBJECT ? sizeof *p->mems : sizeof *p->vals;
	void *kids = n ? json_doc_alloc(p->doc, n * size) : NULL;

	out->type = it->type;
	out->raw = it->raw;
	out->rawlen = (size_t)(json_cursor_pos(p->cur) - it->raw);
	if (it->type == JSON_OBJECT) {
		if (n)
			memcpy(kids, p->mems + base, n * size);
		out->u.obj.members = kids;
		out->u.obj.n = n;
		p->nmems = base;
	} else {
		if (n)
			memcpy(kids, p->vals + base, n * size);
		out->u.arr.items = kids;
		out->u.arr.n = n;
		p->nvals = base;
	}
}

static char *
copy_key(struct pass *p, const struct json_item *it)
{
	char *key = json_doc_alloc(p->doc, it->keylen + 1);

	memcpy(key, it->key, it->keylen);
	key[it->keylen] = '\0';
	return key;
}

/* The null a member leaves in a pruned struct: skipped, but spanning its value. */
static int
placeholder(struct pass *p, const struct json_item *m, struct json_value *v)
{
	if (skip_value(p, m) < 0)
		return -1;
	*v = (struct json_value){.type = JSON_NULL, .raw = m->raw,
	                         .rawlen = (size_t)(json_cursor_pos(p->cur) - m->raw)};
	return 0;
}

/*
 * A member outside generation gen's schema (f NULL: outside every one):
 * never checked, as check_struct() ignores it.  A pruned struct keeps a
 * modelled one (a view reads it whatever the generation) and, at the
 * top, the stream's reserved ones; another known one leaves a null.
 */
static int
pass_unknown(struct pass *p, const struct sc_type *t, const struct sc_member *f,
             const struct json_item *m, int pruning)
{
	int reserved = f == NULL && t == sidecar_type_result && m->keylen > 0 && m->key[0] == '_';
	struct json_value v;
	char *key;

	if (!pruning || (f == NULL && !reserved))
		return skip_value(p, m);
	key = copy_key(p, m);
	if (reserved || f->ctype != SC_C_NONE ? json_cursor_value(p->cur, p->doc, m, &v) < 0
	                                      : placeholder(p, m, &v) < 0)
		return -1;
	push_member(p, key, m, &v);
	return 0;
}

static int
none_allowed(unsigned rule)
{
	return rule == SC_R_OPT || rule == SC_R_OMIT;
}

/* check_struct() as the members pass; out, when set, gets the pruned object. */
static int
pass_struct(struct pass *p, const struct sc_type *t, const struct json_item *it,
            struct json_value *out)
{
	size_t base = p->nmems, next = 0, k;
	uint64_t seen = 0;
	struct json_item m;
	int rc;

	/* Members come in their struct's order: the one after the last is matched as it is read. */
	while ((rc = json_cursor_next_key(p->cur, &m, t->members[next].name, t->members[next].len)) > 0) {
		const struct sc_member *f = NULL;
		unsigned rule = SC_R_NO;
		struct json_value v;
		char *key;

		if (m.key_lone_surrogate)
			return lone_surrogate(&p->c, m.rawkey + m.rawkeylen);
		if ((k = rc == 2 ? next : find_member(t, m.key, m.keylen, next)) < t->nmembers) {
			f = &t->members[k];
			rule = f->rule[p->c.gen];
		}
		if (rule == SC_R_NO || rule == SC_R_EXT) {
			if (pass_unknown(p, t, f, &m, out != NULL) < 0)
				return -1;
			continue;
		}
		next = k + 1 < t->nmembers ? k + 1 : 0;
		if (mark_seen(&p->c, &seen, k, f, m.rawkey + m.rawkeylen) < 0)
			return -1;
		/* Most members: a scalar checked on the item, nothing built unless kept. */
		if (plainly(f->type, f, &m)) {
			if (out == NULL)
				continue;
			key = copy_key(p, &m);
			if (f->ctype == SC_C_NONE)
				v = (struct json_value){.type = JSON_NULL, .raw = m.raw, .rawlen = m.rawlen};
			else
				json_cursor_value(p->cur, p->doc, &m, &v);
			push_member(p, key, &m, &v);
			continue;
		}
		/* The key first: the value's own keys reuse the cursor's buffer. */
		key = out ? copy_key(p, &m) : NULL;
		if (m.type == JSON_NULL && none_allowed(rule)) {
			if (!out)
				continue;
			glance(&m, &v);
		} else if (out && f->ctype != SC_C_NONE) {
			if (pass_value(p, f->type, f, &m, &v) < 0)
				return -1;
		} else {
			if (pass_value(p, f->type, f, &m, NULL) < 0)
				return -1;
			if (!out)
				continue;
			/* Checked whole; in the pruned struct, a null in its place. */
			v = (struct json_value){.type = JSON_NULL, .raw = m.raw,
			                        .rawlen = (size_t)(json_cursor_pos(p->cur) - m.raw)};
		}
		push_member(p, key, &m, &v);
	}
	if (rc < 0)
		return -1;
	if (missing_required(&p->c, t, seen, json_cursor_pos(p->cur)) < 0)
		return -1;
	if (out)
		close_container(p, it, base, out);
	return 0;
}

/* A sequence's elements as they pass; out, when set, gets the pruned array. */
static int
pass_seq(struct pass *p, const struct sc_type *t, const struct json_item *it,
         struct json_value *out)
{
	size_t base = p->nvals;
	struct json_item e;
	int rc;

	while ((rc = json_cursor_next(p->cur, &e)) > 0) {
		struct json_value v;

		if (out == NULL && plainly(t->elem, NULL, &e))
			continue;
		if (pass_value(p, t->elem, NULL, &e, out ? &v : NULL) < 0)
			return -1;
		if (out)
			push_value(p, &v);
	}
	if (rc < 0)
		return -1;
	if (out)
		close_container(p, it, base, out);
	return 0;
}

/* check_map() as the members pass (maps are never pruned: a kept one is built). */
static int
pass_map(struct pass *p, const struct sc_type *t)
{
	struct json_item m;
	int rc;

	while ((rc = json_cursor_next(p->cur, &m)) > 0) {
		if (check_map_key(&p->c, t, m.key, m.keylen, m.rawkey, m.rawkeylen,
		                  m.key_lone_surrogate) < 0)
			return -1;
		if (!plainly(t->elem, NULL, &m) && pass_value(p, t->elem, NULL, &m, NULL) < 0)
			return -1;
	}
	return rc;
}

/* A struct with a C side, or a sequence of them: what a pruned tree walks into. */
static int
modelled(const struct sc_type *t)
{
	if (t->kind == SC_K_SEQ)
		t = t->elem;
	return t->kind == SC_K_STRUCT && t->present != 0;
}

/*
 * check() of item it as t, member f's value (NULL for an element), and
 * the value kept in out when out is set: a modelled struct pruned, any
 * other value whole.  Values of kinds the walk does not follow (maps,
 * enums) and values of the wrong kind are built to be checked.
 */
static int
pass_value(struct pass *p, const struct sc_type *t, const struct sc_member *f,
           const struct json_item *it, struct json_value *out)
{
	int container = it->type == JSON_ARRAY || it->type == JSON_OBJECT;
	struct json_value v;

	if (out && !(modelled(t) && (it->type == JSON_OBJECT) == (t->kind == SC_K_STRUCT) &&
	             container)) {
		if (json_cursor_value(p->cur, p->doc, it, out) < 0)
			return -1;
		return check_value(p, t, f, out);
	}
	if (t->kind == SC_K_STRUCT && it->type == JSON_OBJECT)
		return pass_struct(p, t, it, out);
	if ((t->kind == SC_K_MAP || t->kind == SC_K_CPU_MAP) && it->type == JSON_OBJECT)
		return pass_map(p, t);
	if (t->kind == SC_K_OBJECT && it->type == JSON_OBJECT)
		return json_cursor_skip(p->cur);
	/* A name check looks at a whole list after check() did. */
	if (t->kind == SC_K_SEQ && it->type == JSON_ARRAY && (out || !f || !(f->flags & SC_NAME)))
		return pass_seq(p, t, it, out);
	if (scalar(t->kind) && !container) {
		if (plainly(t, f, it))
			return 0;
		glance(it, &v);
		if (check_value(p, t, f, &v) == 0)
			return 0;
	}
	if (json_cursor_value(p->cur, p->doc, it, &v) < 0)
		return -1;
	return check_value(p, t, f, &v);
}

int
sidecar_check_text(struct json_doc *doc, const char *text, size_t len, unsigned gen, char *err,
                   size_t errlen, const char **where)
{
	struct json_cursor cur;
	struct json_error je;
	struct json_item it;
	struct pass p = {{err, errlen, NULL, gen}, &cur, doc, NULL, 0, 0, NULL, 0, 0};
	struct json_value *root = json_doc_alloc(doc, sizeof *root);
	int rc = -1;

	json_cursor_init(&cur, text, len, 0, &je);
	if (json_cursor_next(&cur, &it) > 0 && pass_value(&p, sidecar_type_result, NULL, &it, root) == 0)
		rc = 0;
	/* A JSON error anywhere comes first: json_parse finds it before any check is made. */
	if (json_cursor_end(&cur) < 0) {
		json_error_string(&je, err, errlen);
		p.c.where = NULL;
		rc = -1;
	}
	json_cursor_free(&cur);
	free(p.mems);
	free(p.vals);
	if (where)
		*where = p.c.where;
	if (rc == 0)
		doc->root = root;
	return rc;
}
