/* host_json: the host context read from and written as JSON. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "host.h"
#include "host_int.h"
#include "json/json_serde.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
bad_type(char *err, size_t errlen, const struct json_value *v, const char *expected,
         const char *at, const char *at2)
{
	char what[96];

	serde_unexpected(v, what, sizeof(what));
	return fail(err, errlen, "invalid type: %s, expected %s at `%s%s%s`", what, expected, at,
	            at2 ? "." : "", at2 ? at2 : "");
}

static int
read_str(struct host_str *dst, const struct json_value *v, char *err, size_t errlen,
         const char *at, const char *at2)
{
	if (v->type != JSON_STRING)
		return bad_type(err, errlen, v, "a string", at, at2);
	if (v->u.str.lone_surrogate)
		return fail(err, errlen, "lone surrogate in a string at `%s%s%s`", at, at2 ? "." : "",
		            at2 ? at2 : "");
	host_str_set(dst, v->u.str.s, v->u.str.len);
	return 0;
}

static int
read_u64(struct host_u64 *dst, const struct json_value *v, char *err, size_t errlen,
         const char *at, const char *at2)
{
	if (v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_U64)) {
		host_u64_set(dst, v->u.num.u);
		return 0;
	}
	if (v->type == JSON_NUMBER && serde_is_int(v))
		return fail(err, errlen, "invalid value: integer `%" PRId64 "`, expected u64 at `%s%s%s`",
		            v->u.num.i, at, at2 ? "." : "", at2 ? at2 : "");
	return bad_type(err, errlen, v, "u64", at, at2);
}

/* serde_json's integer map keys: plain digits, no sign, no leading zero. */
static int
canonical_cpu(const char *s, size_t n, uint64_t *cpu)
{
	if (n == 0 || (n > 1 && s[0] == '0') || s[0] == '+')
		return -1;
	return host_parse_unsigned(s, n, cpu);
}

/*
 * Map semantics for a JSON object read into an array: sort by key and
 * keep the last of equal keys.  Sorting pointers into the array by
 * (key, address) makes input order the tie-break, as qsort is not stable.
 */
static int
cmp_tunable_ptr(const void *pa, const void *pb)
{
	const struct host_tunable *a = *(const struct host_tunable *const *)pa;
	const struct host_tunable *b = *(const struct host_tunable *const *)pb;
	int c = host_str_cmp(&a->name, &b->name);

	return c ? c : (a > b) - (a < b);
}

static void
dedup_tunables(struct host_context *hc)
{
	size_t n = hc->ntunables, out = 0;
	struct host_tunable **pv = ereallocarray(NULL, n ? n : 1, sizeof(*pv));
	struct host_tunable *v = ereallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		pv[i] = &hc->sched_tunables[i];
	qsort(pv, n, sizeof(*pv), cmp_tunable_ptr);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && host_str_eq(&pv[i]->name, &pv[i + 1]->name)) {
			host_str_free(&pv[i]->name);
			host_str_free(&pv[i]->value);
			continue;
		}
		v[out++] = *pv[i];
	}
	free(pv);
	free(hc->sched_tunables);
	hc->sched_tunables = v;
	hc->ntunables = out;
}

static int
cmp_governor_ptr(const void *pa, const void *pb)
{
	const struct host_governor *a = *(const struct host_governor *const *)pa;
	const struct host_governor *b = *(const struct host_governor *const *)pb;

	if (a->cpu != b->cpu)
		return (a->cpu > b->cpu) - (a->cpu < b->cpu);
	return (a > b) - (a < b);
}

static void
dedup_governors(struct host_context *hc)
{
	size_t n = hc->ngovernors, out = 0;
	struct host_governor **pv = ereallocarray(NULL, n ? n : 1, sizeof(*pv));
	struct host_governor *v = ereallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		pv[i] = &hc->cpufreq_governor[i];
	qsort(pv, n, sizeof(*pv), cmp_governor_ptr);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && pv[i]->cpu == pv[i + 1]->cpu) {
			host_str_free(&pv[i]->governor);
			continue;
		}
		v[out++] = *pv[i];
	}
	free(pv);
	free(hc->cpufreq_governor);
	hc->cpufreq_governor = v;
	hc->ngovernors = out;
}

static int
read_tunables(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "a map", "sched_tunables", NULL);
	hc->has_sched_tunables = 1;
	hc->sched_tunables = ecalloc(v->u.obj.n ? v->u.obj.n : 1, sizeof(*hc->sched_tunables));
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		struct host_tunable *t = &hc->sched_tunables[hc->ntunables];

		if (m->key_lone_surrogate)
			return fail(err, errlen, "lone surrogate in a key at `sched_tunables`");
		if (read_str(&t->value, &m->value, err, errlen, "sched_tunables", m->key) < 0)
			return -1;
		host_str_set(&t->name, m->key, m->keylen);
		hc->ntunables++;
	}
	dedup_tunables(hc);
	return 0;
}

static int
read_governors(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	if (v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "a map", "cpufreq_governor", NULL);
	hc->cpufreq_governor = ecalloc(v->u.obj.n ? v->u.obj.n : 1, sizeof(*hc->cpufreq_governor));
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		struct host_governor *g = &hc->cpufreq_governor[hc->ngovernors];

		if (canonical_cpu(m->key, m->keylen, &g->cpu) < 0)
			return fail(err, errlen, "invalid cpu number \"%.*s\" at `cpufreq_governor`",
			            m->keylen > 32 ? 32 : (int)m->keylen, m->key);
		if (read_str(&g->governor, &m->value, err, errlen, "cpufreq_governor", m->key) < 0)
			return -1;
		hc->ngovernors++;
	}
	dedup_governors(hc);
	return 0;
}

static int
read_heap(struct host_heap *h, const struct json_value *v, char *err, size_t errlen)
{
	unsigned seen = 0;

	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "struct HostHeapState", "heap_state", NULL);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		for (size_t f = 0; f < LEN(host_heap_fields); f++) {
			if (strcmp(m->key, host_heap_fields[f].key) != 0 || m->keylen != strlen(m->key))
				continue;
			if (seen & 1u << f)
				return fail(err, errlen, "duplicate field `%s` at `heap_state`", m->key);
			seen |= 1u << f;
			if (m->value.type != JSON_NULL &&
			    read_u64((struct host_u64 *)((char *)h + host_heap_fields[f].off), &m->value, err,
			             errlen, "heap_state", m->key) < 0)
				return -1;
		}
	}
	return 0;
}

static int
read_field(struct host_context *hc, const struct host_field *f, const struct json_value *v, char *err,
           size_t errlen)
{
	if (v->type == JSON_NULL && f->kind != K_GOVERNORS)
		return 0;
	switch (f->kind) {
	case K_STR:
		return read_str((struct host_str *)((char *)hc + f->off), v, err, errlen, f->key, NULL);
	case K_U64:
		return read_u64((struct host_u64 *)((char *)hc + f->off), v, err, errlen, f->key, NULL);
	case K_TUNABLES: return read_tunables(hc, v, err, errlen);
	case K_GOVERNORS: return read_governors(hc, v, err, errlen);
	case K_HEAP:
		hc->has_heap_state = 1;
		return read_heap(&hc->heap_state, v, err, errlen);
	}
	return 0;
}

int
host_from_json(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	uint32_t seen = 0;

	memset(hc, 0, sizeof(*hc));
	if (v->type != JSON_OBJECT) {
		bad_type(err, errlen, v, "struct HostContext", "host", NULL);
		return -1;
	}
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->keylen != strlen(m->key))
			continue;
		for (size_t f = 0; f < LEN(host_fields); f++) {
			if (strcmp(m->key, host_fields[f].key) != 0)
				continue;
			if (seen & 1u << f) {
				fail(err, errlen, "duplicate field `%s`", m->key);
				goto fail;
			}
			seen |= 1u << f;
			if (read_field(hc, &host_fields[f], &m->value, err, errlen) < 0)
				goto fail;
		}
	}
	return 0;
fail:
	host_free(hc);
	return -1;
}

int
host_from_sidecar(struct host_context *hc, const struct json_value *sidecar, char *err,
                  size_t errlen)
{
	const struct json_value *h = json_get(sidecar, "host");

	memset(hc, 0, sizeof(*hc));
	if (!h || h->type == JSON_NULL)
		return 0;
	return host_from_json(hc, h, err, errlen) < 0 ? -1 : 1;
}

/* ---- writing JSON ---- */

static void
write_heap(struct json_writer *w, const struct host_heap *h)
{
	jw_object_begin(w);
	for (size_t f = 0; f < LEN(host_heap_fields); f++) {
		const struct host_u64 *u = (const struct host_u64 *)((const char *)h + host_heap_fields[f].off);

		if (u->set) {
			jw_key(w, host_heap_fields[f].key);
			jw_uint(w, u->v);
		}
	}
	jw_object_end(w);
}

void
host_write_json(struct json_writer *w, const struct host_context *hc)
{
	jw_object_begin(w);
	for (size_t f = 0; f < LEN(host_fields); f++) {
		const void *p = (const char *)hc + host_fields[f].off;

		switch (host_fields[f].kind) {
		case K_STR:
			if (((const struct host_str *)p)->s) {
				jw_key(w, host_fields[f].key);
				jw_stringn(w, ((const struct host_str *)p)->s, ((const struct host_str *)p)->len);
			}
			break;
		case K_U64:
			if (((const struct host_u64 *)p)->set) {
				jw_key(w, host_fields[f].key);
				jw_uint(w, ((const struct host_u64 *)p)->v);
			}
			break;
		case K_TUNABLES:
			if (!hc->has_sched_tunables)
				break;
			jw_key(w, host_fields[f].key);
			jw_object_begin(w);
			for (size_t i = 0; i < hc->ntunables; i++) {
				jw_keyn(w, hc->sched_tunables[i].name.s, hc->sched_tunables[i].name.len);
				jw_stringn(w, hc->sched_tunables[i].value.s, hc->sched_tunables[i].value.len);
			}
			jw_object_end(w);
			break;
		case K_GOVERNORS:
			if (hc->ngovernors == 0)
				break;
			jw_key(w, host_fields[f].key);
			jw_object_begin(w);
			for (size_t i = 0; i < hc->ngovernors; i++) {
				char cpu[24];

				snprintf(cpu, sizeof(cpu), "%" PRIu64, hc->cpufreq_governor[i].cpu);
				jw_key(w, cpu);
				jw_stringn(w, hc->cpufreq_governor[i].governor.s,
				           hc->cpufreq_governor[i].governor.len);
			}
			jw_object_end(w);
			break;
		case K_HEAP:
			if (hc->has_heap_state) {
				jw_key(w, host_fields[f].key);
				write_heap(w, &hc->heap_state);
			}
			break;
		}
	}
	jw_object_end(w);
}
