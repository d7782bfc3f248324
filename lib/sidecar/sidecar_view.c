/* sidecar_view: a sidecar of any generation, read as the newest one (sidecar_view.h). */
#include <math.h>
#include <string.h>

#include "sidecar_view.h"

/*
 * Work types renamed between generations.  Only this one: 0.4.9's
 * IoSync was retired for three different block-IO workloads, so it is
 * kept as it is and pairs with none of them.
 */
static const struct {
	const char *old, *now;
} work_type_renames[] = {
	{"CpuSpin", "SpinWait"},
};

const char *
sidecar_work_type_renamed(size_t i)
{
	return i < sizeof work_type_renames / sizeof work_type_renames[0] ? work_type_renames[i].old : NULL;
}

const char *
sidecar_work_type_name(const char *name)
{
	for (size_t i = 0; i < sizeof work_type_renames / sizeof work_type_renames[0]; i++)
		if (strcmp(name, work_type_renames[i].old) == 0)
			return work_type_renames[i].now;
	return name;
}

static void
store(const struct sc_member *m, const struct json_value *v, void *out)
{
	char *p = (char *)out + m->offset;

	switch (m->ctype) {
	case SC_C_STR:
		if (v->type == JSON_STRING)
			*(const char **)p = v->u.str.s;
		break;
	case SC_C_BOOL:
		if (v->type == JSON_BOOL)
			*(int *)p = v->u.boolean;
		break;
	case SC_C_UINT:
		if (v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_U64))
			*(uint64_t *)p = v->u.num.u;
		break;
	case SC_C_INT:
		if (v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_I64))
			*(int64_t *)p = v->u.num.i;
		break;
	case SC_C_F64:
	case SC_C_OF64:
		if (v->type == JSON_NUMBER && isfinite(v->u.num.d))
			*(double *)p = v->u.num.d;
		break;
	case SC_C_DENOM:
		if (v->type == JSON_STRING &&
		    strcmp(v->u.str.s, m->type->variants[SIDECAR_CPU_SEC].name) == 0)
			*(enum sidecar_denom *)p = SIDECAR_CPU_SEC;
		break;
	default:
		break; /* collections and nested structs: their readers' job */
	}
}

/*
 * The scalar members of t found in obj, into the C struct out: strings
 * point into the document; out's present bits say what was found.
 */
static void
sidecar_decode(const struct sc_type *t, const struct json_value *obj, void *out)
{
	uint64_t *present = (uint64_t *)((char *)out + t->present);

	/* Absent and null read as sidecar_clear leaves them. */
	sidecar_clear(t, out);
	if (obj == NULL || obj->type != JSON_OBJECT)
		return;
	for (size_t i = 0, next = 0; i < obj->u.obj.n; i++) {
		const struct json_member *jm = &obj->u.obj.members[i];
		const struct sc_member *m = sidecar_member_near(t, jm->key, jm->keylen, next);
		size_t k;

		if (m == NULL)
			continue;
		k = (size_t)(m - t->members);
		next = k + 1;
		if (*present >> k & 1)
			continue; /* the checker refused repeats; the first one wins */
		*present |= (uint64_t)1 << k;
		if (m->how != SC_HOW_N && m->how != SC_HOW_D && jm->value.type != JSON_NULL)
			store(m, &jm->value, out);
	}
}

static const struct json_value *
object(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_OBJECT ? v : NULL;
}

static int
json_true(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_BOOL && v->u.boolean;
}

/*
 * The newest generation whose members obj carries: a member only later
 * generations have, or the absence of one only earlier ones required.
 */
static enum sidecar_gen
newest_gen(const struct sc_type *t, uint64_t present)
{
	enum sidecar_gen gen = SIDECAR_G0;

	for (size_t k = 0; k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k];
		enum sidecar_gen since = sidecar_member_since(m);

		if ((present >> k & 1) && since < SIDECAR_NGEN && since > gen)
			gen = since;
		if (!(present >> k & 1) && m->rule[SIDECAR_G0] == SC_R_REQ &&
		    m->rule[SIDECAR_G1] == SC_R_NO && gen < SIDECAR_G1)
			gen = SIDECAR_G1;
	}
	return gen;
}

static enum sidecar_gen
max_gen(enum sidecar_gen a, enum sidecar_gen b)
{
	return a > b ? a : b;
}

/* Members the newest generation has that this file's generation spelled differently. */
static void
upgrade_monitor(struct sidecar_monitor *m, const struct json_value *obj)
{
	if (!SIDECAR_HAS(m, MONITOR, stuck_count))
		m->stuck_count = json_true(obj, "stuck_detected") || json_true(obj, "stall_detected");
}

void
sidecar_view_read(struct sidecar_view *v, const struct json_value *root)
{
	const struct json_value *stats, *mon, *cg, *f;

	memset(v, 0, sizeof *v);
	sidecar_decode(sidecar_type_result, root, &v->r);
	v->gen = newest_gen(sidecar_type_result, v->r.present);
	v->work_type = v->r.work_type ? sidecar_work_type_name(v->r.work_type) : "";
	if ((f = json_get(root, "active_flags")) && f->type == JSON_ARRAY)
		v->flags = f;

	stats = object(root, "stats");
	sidecar_decode(sidecar_type_stats, stats, &v->stats);
	v->r.stats = &v->stats;
	v->gen = max_gen(v->gen, newest_gen(sidecar_type_stats, v->stats.present));
	v->ext = stats ? object(stats, "ext_metrics") : NULL;
	if (stats && (cg = json_get(stats, "cgroups")) && cg->type == JSON_ARRAY && cg->u.arr.n) {
		struct sidecar_cgroup c = {0};

		sidecar_decode(sidecar_type_cgroup, &cg->u.arr.items[0], &c);
		v->gen = max_gen(v->gen, newest_gen(sidecar_type_cgroup, c.present));
	}

	if ((mon = object(root, "monitor")) != NULL) {
		sidecar_decode(sidecar_type_monitor, mon, &v->monitor);
		v->gen = max_gen(v->gen, newest_gen(sidecar_type_monitor, v->monitor.present));
		upgrade_monitor(&v->monitor, mon);
		sidecar_decode(sidecar_type_events, object(mon, "event_deltas"), &v->events);
		sidecar_decode(sidecar_type_schedstat, object(mon, "schedstat_deltas"), &v->schedstat);
		if (v->events.present)
			v->monitor.event_deltas = &v->events;
		if (v->schedstat.present)
			v->monitor.schedstat_deltas = &v->schedstat;
		v->r.monitor = &v->monitor;
	}
}
