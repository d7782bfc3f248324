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

static int
check_int(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	unsigned f;

	if (v->type != JSON_NUMBER || !serde_is_int(v))
		return wrong_type(c, t, v);
	f = v->u.num.flags;
	switch (t->kind) {
	case SC_K_U16:
	case SC_K_U32:
	case SC_K_U64:
	case SC_K_USIZE:
		if (!(f & JSON_NUM_U64) || v->u.num.u > unsigned_max(t->kind))
			return out_of_range(c, t, v);
		break;
	case SC_K_I64:
		if (!(f & JSON_NUM_I64))
			return out_of_range(c, t, v);
		break;
	default: /* SC_K_I32 */
		if (!(f & JSON_NUM_I64) || v->u.num.i < INT32_MIN || v->u.num.i > INT32_MAX)
			return out_of_range(c, t, v);
		break;
	}
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

/* The member of t matching m, looking after the last hit first: members usually come in order. */
static size_t
find_member(const struct sc_type *t, const struct json_member *m, size_t next)
{
	for (size_t j = 0; j < t->nmembers; j++) {
		size_t k = next + j < t->nmembers ? next + j : next + j - t->nmembers;

		if (t->members[k].len == m->keylen && memcmp(t->members[k].name, m->key, m->keylen) == 0)
			return k;
	}
	return t->nmembers;
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
		if ((k = find_member(t, m, next)) == t->nmembers)
			continue; /* unknown keys are ignored, values and repeats alike */
		f = &t->members[k];
		rule = f->rule[c->gen];
		if (rule == SC_R_NO || rule == SC_R_EXT)
			continue; /* not a member of this generation: an unknown key */
		next = k + 1 < t->nmembers ? k + 1 : 0;
		if (seen >> k & 1)
			return fail(c, m->rawkey + m->rawkeylen, "duplicate field `%s`", f->name);
		seen |= (uint64_t)1 << k;
		if (m->value.type == JSON_NULL && (rule == SC_R_OPT || rule == SC_R_OMIT))
			continue;
		if (check(c, f->type, &m->value) < 0)
			return -1;
		if ((f->flags & SC_NAME) && check_name(c, f, &m->value) < 0)
			return -1;
	}
	for (size_t k = 0; k < t->nmembers; k++)
		if (!(seen >> k & 1) && t->members[k].rule[c->gen] == SC_R_REQ)
			return fail(c, end_of(v), "missing field `%s`", t->members[k].name);
	return 0;
}

/* serde_json reads an integer map key from the key string: plain decimal. */
static int
decimal_key(const struct json_member *m)
{
	uint64_t u;

	return memchr(m->key, '\0', m->keylen) == NULL &&
	       !(m->keylen > 1 && m->key[0] == '0') && parse_u64(m->key, UINT64_MAX, &u) == 0;
}

static int
check_map(struct check *c, const struct sc_type *t, const struct json_value *v)
{
	if (v->type != JSON_OBJECT)
		return wrong_type(c, t, v);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->key_lone_surrogate)
			return lone_surrogate(c, m->rawkey + m->rawkeylen);
		if (t->kind == SC_K_CPU_MAP && !decimal_key(m))
			return fail(c, m->rawkey + m->rawkeylen,
			            "invalid value: string %.*s, expected a decimal CPU number",
			            (int)(m->rawkeylen > 64 ? 64 : m->rawkeylen), m->rawkey);
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
