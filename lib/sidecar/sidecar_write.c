/* sidecar_write: the union sidecar, from the schema table (sidecar_write.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sidecar_write.h"
#include "util/util.h"

/* ---- which members, and how absent values are written ---- */

/* Does some generation make the member present (required or defaulted)? */
static int
present_somewhere(const struct sc_member *m)
{
	for (int g = 0; g < SIDECAR_NGEN; g++)
		if (m->rule[g] == SC_R_REQ || m->rule[g] == SC_R_DEF)
			return 1;
	return 0;
}

/* A member no generation writes when it has no value. */
static int
omitted_when_none(const struct sc_member *m)
{
	return !present_somewhere(m) && m->rule[SIDECAR_G2] == SC_R_OMIT;
}

static const void *
field(const struct sc_member *m, const void *obj)
{
	return (const char *)obj + m->offset;
}

static int
written(const struct sc_member *m, const void *obj)
{
	if (m->how == SC_HOW_N || m->how == SC_HOW_D)
		return !omitted_when_none(m) || m->how == SC_HOW_D;
	switch (m->ctype) {
	case SC_C_EVENTS:
	case SC_C_SCHEDSTAT:
		return *(const void *const *)field(m, obj) != NULL || !omitted_when_none(m);
	case SC_C_OF64:
		return !isnan(*(const double *)field(m, obj)) || !omitted_when_none(m);
	default:
		return 1;
	}
}

/* A member the suite never fills: the empty value of its type, or null where allowed. */
static void
write_empty(struct json_writer *w, const struct sc_member *m)
{
	if (!present_somewhere(m)) {
		jw_null(w);
		return;
	}
	switch (m->type->kind) {
	case SC_K_SEQ:
		jw_array_begin(w);
		jw_array_end(w);
		break;
	case SC_K_MAP:
	case SC_K_CPU_MAP:
	case SC_K_OBJECT:
		jw_object_begin(w);
		jw_object_end(w);
		break;
	case SC_K_BOOL:
		jw_bool(w, 0);
		break;
	case SC_K_STR:
		jw_string(w, "");
		break;
	case SC_K_F64:
		jw_double(w, 0.0);
		break;
	default:
		jw_uint(w, 0);
		break;
	}
}

/* ---- values ---- */

static void
strings(struct json_writer *w, const struct sidecar_strv *v)
{
	jw_array_begin(w);
	for (size_t i = 0; i < v->n; i++)
		jw_string(w, v->v[i]);
	jw_array_end(w);
}

static void
metric(struct json_writer *w, const struct sidecar_metric *m)
{
	static const char *const polarity[] = {"HigherBetter", "LowerBetter", "Unknown"};
	static const char *const source[] = {"Json", "LlmExtract"};
	static const char *const stream[] = {"Stdout", "Stderr", "Synthesized"};

	jw_object_begin(w);
	jw_key(w, "name");
	jw_string(w, m->name);
	jw_key(w, "value");
	jw_double(w, m->value);
	jw_key(w, "polarity");
	if (m->polarity == POLARITY_TARGET) {
		/* An externally tagged newtype variant: {"TargetValue": x}. */
		jw_object_begin(w);
		jw_key(w, "TargetValue");
		jw_double(w, m->target);
		jw_object_end(w);
	} else {
		jw_string(w, polarity[m->polarity]);
	}
	jw_key(w, "unit");
	jw_string(w, m->unit ? m->unit : "");
	jw_key(w, "source");
	jw_string(w, source[m->source]);
	jw_key(w, "stream");
	jw_string(w, stream[m->stream]);
	jw_object_end(w);
}

static void
payloads(struct json_writer *w, const struct sidecar_payloads *p)
{
	jw_array_begin(w);
	for (size_t i = 0; i < p->n; i++) {
		const struct sidecar_payload_metrics *pm = &p->v[i];

		jw_object_begin(w);
		jw_key(w, "payload_index");
		jw_uint(w, pm->payload_index);
		jw_key(w, "metrics");
		jw_array_begin(w);
		for (size_t j = 0; j < pm->n; j++)
			metric(w, &pm->metrics[j]);
		jw_array_end(w);
		jw_key(w, "exit_code");
		jw_int(w, pm->exit_code);
		jw_object_end(w);
	}
	jw_array_end(w);
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sidecar_kv *)a)->name, ((const struct sidecar_kv *)b)->name);
}

/*
 * Was a roll-up the newest generation keeps in ext_metrics measured?  It
 * writes one only then: 0 is what a scenario without the measurement
 * folds to, and the tail ratio means nothing under 100 iterations.
 */
static int
measured(const struct sidecar_stats *s, const struct sc_member *m)
{
	double v = sidecar_member_value(m, s);

	if (m == &sidecar_type_stats->members[SC_IDX_STATS_worst_wake_latency_tail_ratio] &&
	    s->total_iterations < 100)
		return 0;
	return v > 0;
}

/*
 * ext_metrics, sorted by name; for ScenarioStats with the measured
 * roll-ups the newest generation keeps there (an entry of the same name
 * wins).
 */
static void
ext_map(struct json_writer *w, const struct sidecar_ext *e, const struct sc_type *t, const void *obj)
{
	struct sidecar_kv *v = ereallocarray(NULL, e->n + t->nmembers + 1, sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++)
		if (isfinite(e->v[i].value))
			v[n++] = e->v[i];
	for (size_t k = 0; t == sidecar_type_stats && k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k];

		if (m->rule[SIDECAR_G2] == SC_R_EXT && measured(obj, m) &&
		    sidecar_ext_get(e, m->name) == NULL)
			v[n++] = (struct sidecar_kv){(char *)m->name, sidecar_member_value(m, obj)};
	}
	qsort(v, n, sizeof *v, kv_cmp);
	jw_object_begin(w);
	for (size_t i = 0; i < n; i++) {
		jw_key(w, v[i].name);
		jw_double(w, v[i].value);
	}
	jw_object_end(w);
	free(v);
}

static void write_struct(struct json_writer *w, const struct sc_type *t, const void *obj);

static const struct sidecar_stats zero_stats;

static void
write_stored(struct json_writer *w, const struct sc_type *t, const struct sc_member *m,
             const void *obj)
{
	const void *p = field(m, obj);

	switch (m->ctype) {
	case SC_C_STR:
		if (*(const char *const *)p)
			jw_string(w, *(const char *const *)p);
		else if (present_somewhere(m))
			jw_string(w, "");
		else
			jw_null(w);
		break;
	case SC_C_BOOL:
		jw_bool(w, *(const int *)p);
		break;
	case SC_C_UINT:
		jw_uint(w, *(const uint64_t *)p);
		break;
	case SC_C_INT:
		jw_int(w, *(const int64_t *)p);
		break;
	case SC_C_F64:
		jw_double(w, *(const double *)p);
		break;
	case SC_C_OF64:
		/* An older generation's reader needs a number where the newest allows null. */
		if (!isnan(*(const double *)p))
			jw_double(w, *(const double *)p);
		else if (present_somewhere(m))
			jw_double(w, 0.0);
		else
			jw_null(w);
		break;
	case SC_C_DENOM:
		jw_string(w, m->type->variants[*(const enum sidecar_denom *)p].name);
		break;
	case SC_C_STRV:
		strings(w, p);
		break;
	case SC_C_EXT:
		ext_map(w, p, t, obj);
		break;
	case SC_C_U64V:
		jw_array_begin(w);
		for (size_t i = 0; i < ((const struct sidecar_u64v *)p)->n; i++)
			jw_uint(w, ((const struct sidecar_u64v *)p)->v[i]);
		jw_array_end(w);
		break;
	case SC_C_CGROUPS:
		jw_array_begin(w);
		for (size_t i = 0; i < ((const struct sidecar_cgroups *)p)->n; i++)
			write_struct(w, sidecar_type_cgroup, &((const struct sidecar_cgroups *)p)->v[i]);
		jw_array_end(w);
		break;
	case SC_C_STATS:
		write_struct(w, sidecar_type_stats,
		             *(const void *const *)p ? *(const void *const *)p : &zero_stats);
		break;
	case SC_C_MONITOR:
	case SC_C_EVENTS:
	case SC_C_SCHEDSTAT:
		if (*(const void *const *)p == NULL)
			jw_null(w);
		else
			write_struct(w, m->type, *(const void *const *)p);
		break;
	case SC_C_CB:
		if (((const struct sidecar_cb *)p)->fn)
			((const struct sidecar_cb *)p)->fn(w, ((const struct sidecar_cb *)p)->ctx);
		else
			jw_null(w);
		break;
	case SC_C_PAYLOADS:
		payloads(w, p);
		break;
	case SC_C_NONE:
		write_empty(w, m);
		break;
	}
}

static void
write_struct(struct json_writer *w, const struct sc_type *t, const void *obj)
{
	jw_object_begin(w);
	for (size_t k = 0; k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k];

		if (!written(m, obj))
			continue;
		jw_keyn(w, m->name, m->len);
		if (m->how == SC_HOW_N)
			write_empty(w, m);
		else if (m->how == SC_HOW_D && m->type->kind == SC_K_BOOL)
			jw_bool(w, m->formula(obj) != 0);
		else if (m->how == SC_HOW_D)
			jw_double(w, m->formula(obj));
		else
			write_stored(w, t, m, obj);
	}
	jw_object_end(w);
}

void
sidecar_write_json(struct json_writer *w, const struct sidecar_result *r)
{
	write_struct(w, sidecar_type_result, r);
}

/* ---- the scenario fold ---- */

static uint64_t *
uint_at(const struct sc_member *m, void *obj)
{
	return (uint64_t *)((char *)obj + m->offset);
}

static double *
double_at(const struct sc_member *m, void *obj)
{
	return (double *)((char *)obj + m->offset);
}

/* Fold v into member m of s; returns 1 when it raised m's maximum. */
static int
fold(const struct sc_member *m, struct sidecar_stats *s, double v, uint64_t u, int raised)
{
	int integer = m->ctype == SC_C_UINT;

	switch (m->how) {
	case SC_HOW_SUM:
		if (integer)
			*uint_at(m, s) += u;
		else
			*double_at(m, s) += v;
		return 0;
	case SC_HOW_MAX:
		if (integer ? u > *uint_at(m, s) : v > *double_at(m, s)) {
			if (integer)
				*uint_at(m, s) = u;
			else
				*double_at(m, s) = v;
			return 1;
		}
		return 0;
	case SC_HOW_ATMAX:
		if (raised) {
			if (integer)
				*uint_at(m, s) = u;
			else
				*double_at(m, s) = v;
		}
		return raised;
	case SC_HOW_MINNZ:
		if (v > 0 && (*double_at(m, s) == 0 || v < *double_at(m, s)))
			*double_at(m, s) = v;
		return 0;
	default:
		return 0;
	}
}

static void
copy_cgroup(struct sidecar_cgroup *dst, const struct sidecar_cgroup *src)
{
	*dst = *src;
	dst->cgroup_name = src->cgroup_name ? estrdup(src->cgroup_name) : NULL;
	dst->cpus_used.v = ereallocarray(NULL, src->cpus_used.n ? src->cpus_used.n : 1,
	                                 sizeof *dst->cpus_used.v);
	if (src->cpus_used.n)
		memcpy(dst->cpus_used.v, src->cpus_used.v, src->cpus_used.n * sizeof *dst->cpus_used.v);
	memset(&dst->ext_metrics, 0, sizeof dst->ext_metrics);
	for (size_t i = 0; i < src->ext_metrics.n; i++)
		sidecar_ext_set(&dst->ext_metrics, src->ext_metrics.v[i].name, src->ext_metrics.v[i].value);
}

void
sidecar_stats_add(struct sidecar_stats *s, const struct sidecar_cgroup *c)
{
	const struct sc_type *t = sidecar_type_stats;
	int raised = 0;

	for (size_t k = 0; k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k], *from;
		double v;

		if (m->from == NULL)
			continue;
		from = sidecar_member(sidecar_type_cgroup, m->from, strlen(m->from));
		v = sidecar_member_value(from, c);
		/* An off-CPU share nobody measured is none, not a value. */
		if (isnan(v))
			continue;
		raised = fold(m, s, v, from->ctype == SC_C_UINT ? *uint_at(from, (void *)c) : 0, raised);
	}
	s->cgroups.v = ereallocarray(s->cgroups.v, s->cgroups.n + 1, sizeof *s->cgroups.v);
	copy_cgroup(&s->cgroups.v[s->cgroups.n++], c);
}

void
sidecar_stats_free(struct sidecar_stats *s)
{
	for (size_t i = 0; i < s->cgroups.n; i++) {
		free((char *)s->cgroups.v[i].cgroup_name); /* the fold's copy */
		free(s->cgroups.v[i].cpus_used.v);
		sidecar_ext_free(&s->cgroups.v[i].ext_metrics);
	}
	free(s->cgroups.v);
	sidecar_ext_free(&s->ext_metrics);
	memset(s, 0, sizeof *s);
}

/* ---- ext_metrics ---- */

struct sidecar_kv *
sidecar_ext_get(const struct sidecar_ext *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0)
			return &e->v[i];
	return NULL;
}

void
sidecar_ext_set(struct sidecar_ext *e, const char *name, double v)
{
	struct sidecar_kv *kv = sidecar_ext_get(e, name);
	size_t i;

	if (kv) {
		kv->value = v;
		return;
	}
	for (i = 0; i < e->n && strcmp(e->v[i].name, name) < 0; i++)
		;
	e->v = ereallocarray(e->v, e->n + 1, sizeof *e->v);
	memmove(e->v + i + 1, e->v + i, (e->n - i) * sizeof *e->v);
	e->v[i] = (struct sidecar_kv){estrdup(name), v};
	e->n++;
}

void
sidecar_ext_free(struct sidecar_ext *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

/* ---- time stamps ---- */

void
sidecar_timestamp(time_t t, char *dst)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(dst, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The process-start stamp of every run_id, and the sidecars counted so far. */
static char run_id_stamp[20];
static unsigned long long run_id_counter;

void
sidecar_run_id_start(void)
{
	struct tm tm;
	time_t now = time(NULL);

	if (run_id_stamp[0] != '\0')
		return;
	gmtime_r(&now, &tm);
	strftime(run_id_stamp, sizeof run_id_stamp, "%Y%m%dT%H%M%SZ", &tm);
}

void
sidecar_next_run_id(char *dst)
{
	sidecar_run_id_start();
	snprintf(dst, 48, "%s-%llu", run_id_stamp, run_id_counter++);
}
