/*
 * sidecar_check: is a parsed JSON document a sidecar upstream's serde
 * would accept (spec/sidecar.md §3–§5)?  The schema is data: one table
 * of fields per Rust struct, checked by a single walker, so a field rule
 * lives in exactly one place.  Messages use serde's wording.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json/json.h"
#include "json/json_serde.h"
#include "sidecar.h"
#include "util/util.h"

enum kind {
	K_STR,
	K_BOOL,
	K_U64,
	K_USIZE,
	K_U32,
	K_I64,
	K_I32,
	K_F64,
	K_STRUCT,
	K_SEQ,
	K_MAP,     /* string keys, last occurrence wins */
	K_CPU_MAP, /* decimal CPU-number keys */
	K_ENUM,
};

/* How a struct field may be absent or null (sidecar.md §1). */
enum presence {
	REQUIRED,  /* present and non-null */
	OPTIONAL,  /* Option<T>: absent or null means none */
	OMIT_EMPTY /* #[serde(default)] collection: absent is empty, null is wrong */
};

struct type;

struct field {
	const char *name;
	size_t len;
	const struct type *type;
	enum presence presence;
};

#define F(name, type, presence) {name, sizeof(name) - 1, type, presence}

struct variant {
	const char *name;
	const struct type *payload; /* NULL: unit variant */
};

struct type {
	enum kind kind;
	const char *name;             /* struct / enum name for messages */
	const struct field *fields;   /* K_STRUCT */
	size_t nfields;
	const struct type *elem;      /* K_SEQ element, K_MAP / K_CPU_MAP value */
	const struct variant *variants; /* K_ENUM */
	size_t nvariants;
};

static const struct type t_str = {.kind = K_STR};
static const struct type t_bool = {.kind = K_BOOL};
static const struct type t_u64 = {.kind = K_U64};
static const struct type t_usize = {.kind = K_USIZE};
static const struct type t_u32 = {.kind = K_U32};
static const struct type t_i64 = {.kind = K_I64};
static const struct type t_i32 = {.kind = K_I32};
static const struct type t_f64 = {.kind = K_F64};
static const struct type t_str_seq = {.kind = K_SEQ, .elem = &t_str};
static const struct type t_f64_map = {.kind = K_MAP, .elem = &t_f64};
static const struct type t_str_map = {.kind = K_MAP, .elem = &t_str};
static const struct type t_u64_map = {.kind = K_MAP, .elem = &t_u64};
static const struct type t_cpu_map = {.kind = K_CPU_MAP, .elem = &t_str};

/* The widest struct bounds the seen-set of check_struct. */
#define MAX_FIELDS 32

#define STRUCT(var, sname, table) \
	_Static_assert(sizeof(table) / sizeof(table[0]) <= MAX_FIELDS, sname " is too wide"); \
	static const struct type var = {.kind = K_STRUCT, .name = sname, .fields = table, \
	                                .nfields = sizeof(table) / sizeof(table[0])}
#define SEQ(var, of) static const struct type var = {.kind = K_SEQ, .elem = &of}
#define ENUM(var, ename, table) \
	static const struct type var = {.kind = K_ENUM, .name = ename, .variants = table, \
	                                .nvariants = sizeof(table) / sizeof(table[0])}

/* §5.2 */
static const struct field cgroup_fields[] = {
	F("num_workers", &t_usize, REQUIRED),
	F("num_cpus", &t_usize, REQUIRED),
	F("avg_off_cpu_pct", &t_f64, REQUIRED),
	F("min_off_cpu_pct", &t_f64, REQUIRED),
	F("max_off_cpu_pct", &t_f64, REQUIRED),
	F("spread", &t_f64, REQUIRED),
	F("max_gap_ms", &t_u64, REQUIRED),
	F("max_gap_cpu", &t_usize, REQUIRED),
	F("total_migrations", &t_u64, REQUIRED),
	F("migration_ratio", &t_f64, REQUIRED),
	F("p99_wake_latency_us", &t_f64, REQUIRED),
	F("median_wake_latency_us", &t_f64, REQUIRED),
	F("wake_latency_cv", &t_f64, REQUIRED),
	F("total_iterations", &t_u64, REQUIRED),
	F("mean_run_delay_us", &t_f64, REQUIRED),
	F("worst_run_delay_us", &t_f64, REQUIRED),
	F("page_locality", &t_f64, REQUIRED),
	F("cross_node_migration_ratio", &t_f64, REQUIRED),
	F("wake_latency_tail_ratio", &t_f64, REQUIRED),
	F("iterations_per_worker", &t_f64, REQUIRED),
	F("ext_metrics", &t_f64_map, OMIT_EMPTY),
};
STRUCT(t_cgroup, "CgroupStats", cgroup_fields);
SEQ(t_cgroup_seq, t_cgroup);

/* §5.1 */
static const struct field stats_fields[] = {
	F("cgroups", &t_cgroup_seq, REQUIRED),
	F("total_workers", &t_usize, REQUIRED),
	F("total_cpus", &t_usize, REQUIRED),
	F("total_migrations", &t_u64, REQUIRED),
	F("worst_spread", &t_f64, REQUIRED),
	F("worst_gap_ms", &t_u64, REQUIRED),
	F("worst_gap_cpu", &t_usize, REQUIRED),
	F("worst_migration_ratio", &t_f64, REQUIRED),
	F("worst_p99_wake_latency_us", &t_f64, REQUIRED),
	F("worst_median_wake_latency_us", &t_f64, REQUIRED),
	F("worst_wake_latency_cv", &t_f64, REQUIRED),
	F("total_iterations", &t_u64, REQUIRED),
	F("worst_mean_run_delay_us", &t_f64, REQUIRED),
	F("worst_run_delay_us", &t_f64, REQUIRED),
	F("worst_page_locality", &t_f64, REQUIRED),
	F("worst_cross_node_migration_ratio", &t_f64, REQUIRED),
	F("worst_wake_latency_tail_ratio", &t_f64, REQUIRED),
	F("worst_iterations_per_worker", &t_f64, REQUIRED),
	F("ext_metrics", &t_f64_map, OMIT_EMPTY),
};
STRUCT(t_stats, "ScenarioStats", stats_fields);

/* §5.4 */
static const struct field event_fields[] = {
	F("total_fallback", &t_i64, REQUIRED),
	F("fallback_rate", &t_f64, REQUIRED),
	F("max_fallback_burst", &t_i64, REQUIRED),
	F("total_dispatch_offline", &t_i64, REQUIRED),
	F("total_dispatch_keep_last", &t_i64, REQUIRED),
	F("keep_last_rate", &t_f64, REQUIRED),
	F("total_enq_skip_exiting", &t_i64, REQUIRED),
	F("total_enq_skip_migration_disabled", &t_i64, REQUIRED),
	F("total_reenq_immed", &t_i64, REQUIRED),
	F("total_reenq_local_repeat", &t_i64, REQUIRED),
	F("total_refill_slice_dfl", &t_i64, REQUIRED),
	F("total_bypass_duration", &t_i64, REQUIRED),
	F("total_bypass_dispatch", &t_i64, REQUIRED),
	F("total_bypass_activate", &t_i64, REQUIRED),
	F("total_insert_not_owned", &t_i64, REQUIRED),
	F("total_sub_bypass_dispatch", &t_i64, REQUIRED),
};
STRUCT(t_events, "ScxEventDeltas", event_fields);

/* §5.5 */
static const struct field schedstat_fields[] = {
	F("total_run_delay", &t_u64, REQUIRED),
	F("run_delay_rate", &t_f64, REQUIRED),
	F("total_pcount", &t_u64, REQUIRED),
	F("total_sched_count", &t_u64, REQUIRED),
	F("sched_count_rate", &t_f64, REQUIRED),
	F("total_yld_count", &t_u64, REQUIRED),
	F("total_sched_goidle", &t_u64, REQUIRED),
	F("total_ttwu_count", &t_u64, REQUIRED),
	F("total_ttwu_local", &t_u64, REQUIRED),
};
STRUCT(t_schedstat, "SchedstatDeltas", schedstat_fields);

/* §5.5.1 */
static const struct field progstat_fields[] = {
	F("name", &t_str, REQUIRED),
	F("cnt", &t_u64, REQUIRED),
	F("nsecs", &t_u64, REQUIRED),
	F("nsecs_per_call", &t_f64, REQUIRED),
};
STRUCT(t_progstat, "ProgStatsDelta", progstat_fields);
SEQ(t_progstat_seq, t_progstat);

/* §5.3 */
static const struct field monitor_fields[] = {
	F("total_samples", &t_usize, REQUIRED),
	F("max_imbalance_ratio", &t_f64, REQUIRED),
	F("max_local_dsq_depth", &t_u32, REQUIRED),
	F("stall_detected", &t_bool, REQUIRED),
	F("avg_imbalance_ratio", &t_f64, REQUIRED),
	F("avg_nr_running", &t_f64, REQUIRED),
	F("avg_local_dsq_depth", &t_f64, REQUIRED),
	F("event_deltas", &t_events, OPTIONAL),
	F("schedstat_deltas", &t_schedstat, OPTIONAL),
	F("prog_stats_deltas", &t_progstat_seq, OPTIONAL),
};
STRUCT(t_monitor, "MonitorSummary", monitor_fields);

/* §5.6 */
static const struct field stimulus_fields[] = {
	F("elapsed_ms", &t_u64, REQUIRED),
	F("label", &t_str, REQUIRED),
	F("op_kind", &t_str, OPTIONAL),
	F("detail", &t_str, OPTIONAL),
	F("total_iterations", &t_u64, OPTIONAL),
};
STRUCT(t_stimulus, "StimulusEvent", stimulus_fields);
SEQ(t_stimulus_seq, t_stimulus);

/* §5.8 */
static const struct variant polarity_variants[] = {
	{"HigherBetter", NULL},
	{"LowerBetter", NULL},
	{"TargetValue", &t_f64},
	{"Unknown", NULL},
};
ENUM(t_polarity, "Polarity", polarity_variants);
static const struct variant source_variants[] = {
	{"Json", NULL},
	{"LlmExtract", NULL},
};
ENUM(t_source, "MetricSource", source_variants);
static const struct variant stream_variants[] = {
	{"Stdout", NULL},
	{"Stderr", NULL},
	{"Synthesized", NULL},
};
ENUM(t_stream, "MetricStream", stream_variants);

/* §5.7.1 */
static const struct field metric_fields[] = {
	F("name", &t_str, REQUIRED),
	F("value", &t_f64, REQUIRED),
	F("polarity", &t_polarity, REQUIRED),
	F("unit", &t_str, REQUIRED),
	F("source", &t_source, REQUIRED),
	F("stream", &t_stream, REQUIRED),
};
STRUCT(t_metric, "Metric", metric_fields);
SEQ(t_metric_seq, t_metric);

/* §5.7 */
static const struct field payload_fields[] = {
	F("payload_index", &t_usize, REQUIRED),
	F("metrics", &t_metric_seq, REQUIRED),
	F("exit_code", &t_i32, REQUIRED),
};
STRUCT(t_payload, "PayloadMetrics", payload_fields);
SEQ(t_payload_seq, t_payload);

/* §5.9 */
static const struct field verifier_fields[] = {
	F("name", &t_str, REQUIRED),
	F("verified_insns", &t_u32, REQUIRED),
};
STRUCT(t_verifier, "ProgVerifierStats", verifier_fields);
SEQ(t_verifier_seq, t_verifier);

/* §5.10 */
SEQ(t_vcpu_seq, t_u64_map);
static const struct field kvm_fields[] = {
	F("per_vcpu", &t_vcpu_seq, REQUIRED),
};
STRUCT(t_kvm, "KvmStatsTotals", kvm_fields);

/* §5.11 */
static const struct field heap_fields[] = {
	F("active_bytes", &t_u64, OPTIONAL),
	F("allocated_bytes", &t_u64, OPTIONAL),
	F("resident_bytes", &t_u64, OPTIONAL),
	F("mapped_bytes", &t_u64, OPTIONAL),
	F("narenas", &t_usize, OPTIONAL),
};
STRUCT(t_heap, "HostHeapState", heap_fields);

static const struct field host_fields[] = {
	F("cpu_model", &t_str, OPTIONAL),
	F("cpu_vendor", &t_str, OPTIONAL),
	F("total_memory_kb", &t_u64, OPTIONAL),
	F("hugepages_total", &t_u64, OPTIONAL),
	F("hugepages_free", &t_u64, OPTIONAL),
	F("hugepages_size_kb", &t_u64, OPTIONAL),
	F("thp_enabled", &t_str, OPTIONAL),
	F("thp_defrag", &t_str, OPTIONAL),
	F("sched_tunables", &t_str_map, OPTIONAL),
	F("online_cpus", &t_usize, OPTIONAL),
	F("numa_nodes", &t_usize, OPTIONAL),
	F("cpufreq_governor", &t_cpu_map, OMIT_EMPTY),
	F("kernel_name", &t_str, OPTIONAL),
	F("kernel_release", &t_str, OPTIONAL),
	F("arch", &t_str, OPTIONAL),
	F("kernel_cmdline", &t_str, OPTIONAL),
	F("heap_state", &t_heap, OPTIONAL),
};
STRUCT(t_host, "HostContext", host_fields);

/* §4 */
static const struct field sidecar_fields[] = {
	F("test_name", &t_str, REQUIRED),
	F("topology", &t_str, REQUIRED),
	F("scheduler", &t_str, REQUIRED),
	F("scheduler_commit", &t_str, OPTIONAL),
	F("project_commit", &t_str, OPTIONAL),
	F("payload", &t_str, OPTIONAL),
	F("metrics", &t_payload_seq, REQUIRED),
	F("passed", &t_bool, REQUIRED),
	F("skipped", &t_bool, REQUIRED),
	F("stats", &t_stats, REQUIRED),
	F("monitor", &t_monitor, OPTIONAL),
	F("stimulus_events", &t_stimulus_seq, REQUIRED),
	F("work_type", &t_str, REQUIRED),
	F("active_flags", &t_str_seq, REQUIRED),
	F("verifier_stats", &t_verifier_seq, REQUIRED),
	F("kvm_stats", &t_kvm, OPTIONAL),
	F("sysctls", &t_str_seq, REQUIRED),
	F("kargs", &t_str_seq, REQUIRED),
	F("kernel_version", &t_str, OPTIONAL),
	F("kernel_commit", &t_str, OPTIONAL),
	F("timestamp", &t_str, REQUIRED),
	F("run_id", &t_str, REQUIRED),
	F("host", &t_host, OPTIONAL),
	F("cleanup_duration_ms", &t_u64, OPTIONAL),
	F("run_source", &t_str, OPTIONAL),
};
STRUCT(t_sidecar, "SidecarResult", sidecar_fields);

struct check {
	char *err;
	size_t errlen;
	const char *where; /* end of the offending bytes, for a position */
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
expected(const struct type *t, char *dst, size_t size)
{
	static const char *const names[] = {
		[K_STR] = "a string", [K_BOOL] = "a boolean", [K_U64] = "u64",
		[K_USIZE] = "usize",  [K_U32] = "u32",        [K_I64] = "i64",
		[K_I32] = "i32",      [K_F64] = "f64",        [K_SEQ] = "a sequence",
		[K_MAP] = "a map",    [K_CPU_MAP] = "a map",
	};

	if (t->kind == K_STRUCT)
		snprintf(dst, size, "struct %s", t->name);
	else if (t->kind == K_ENUM)
		snprintf(dst, size, "enum %s", t->name);
	else
		snprintf(dst, size, "%s", names[t->kind]);
}

static int
wrong_type(struct check *c, const struct type *t, const struct json_value *v)
{
	char u[128], e[64];

	serde_unexpected(v, u, sizeof u);
	expected(t, e, sizeof e);
	return fail(c, end_of(v), "invalid type: %s, expected %s", u, e);
}

static int
out_of_range(struct check *c, const struct type *t, const struct json_value *v)
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

static int check(struct check *c, const struct type *t, const struct json_value *v);

static int
check_int(struct check *c, const struct type *t, const struct json_value *v)
{
	unsigned f;

	if (v->type != JSON_NUMBER || !serde_is_int(v))
		return wrong_type(c, t, v);
	f = v->u.num.flags;
	switch (t->kind) {
	case K_U64:
	case K_USIZE:
		if (!(f & JSON_NUM_U64))
			return out_of_range(c, t, v);
		break;
	case K_U32:
		if (!(f & JSON_NUM_U64) || v->u.num.u > UINT32_MAX)
			return out_of_range(c, t, v);
		break;
	case K_I64:
		if (!(f & JSON_NUM_I64))
			return out_of_range(c, t, v);
		break;
	default: /* K_I32 */
		if (!(f & JSON_NUM_I64) || v->u.num.i < INT32_MIN || v->u.num.i > INT32_MAX)
			return out_of_range(c, t, v);
		break;
	}
	return 0;
}

static int
check_struct(struct check *c, const struct type *t, const struct json_value *v)
{
	unsigned char seen[MAX_FIELDS] = {0};
	size_t next = 0;

	if (v->type != JSON_OBJECT)
		return wrong_type(c, t, v);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		size_t j, k = 0;

		if (m->key_lone_surrogate)
			return lone_surrogate(c, m->rawkey + m->rawkeylen);
		/* Members usually come in declaration order: look after the last hit first. */
		for (j = 0; j < t->nfields; j++) {
			k = next + j < t->nfields ? next + j : next + j - t->nfields;
			if (t->fields[k].len == m->keylen &&
			    memcmp(t->fields[k].name, m->key, m->keylen) == 0)
				break;
		}
		if (j == t->nfields)
			continue; /* unknown keys are ignored, values and repeats alike */
		next = k + 1 < t->nfields ? k + 1 : 0;
		if (seen[k])
			return fail(c, m->rawkey + m->rawkeylen, "duplicate field `%s`",
			            t->fields[k].name);
		seen[k] = 1;
		if (m->value.type == JSON_NULL && t->fields[k].presence == OPTIONAL)
			continue;
		if (check(c, t->fields[k].type, &m->value) < 0)
			return -1;
	}
	for (size_t k = 0; k < t->nfields; k++)
		if (!seen[k] && t->fields[k].presence == REQUIRED)
			return fail(c, end_of(v), "missing field `%s`", t->fields[k].name);
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
check_map(struct check *c, const struct type *t, const struct json_value *v)
{
	if (v->type != JSON_OBJECT)
		return wrong_type(c, t, v);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->key_lone_surrogate)
			return lone_surrogate(c, m->rawkey + m->rawkeylen);
		if (t->kind == K_CPU_MAP && !decimal_key(m))
			return fail(c, m->rawkey + m->rawkeylen,
			            "invalid value: string %.*s, expected a decimal CPU number",
			            (int)(m->rawkeylen > 64 ? 64 : m->rawkeylen), m->rawkey);
		/* Every value is checked: serde deserializes each before the last wins. */
		if (check(c, t->elem, &m->value) < 0)
			return -1;
	}
	return 0;
}

static int
check_enum(struct check *c, const struct type *t, const struct json_value *v)
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
		if (strlen(t->variants[k].name) == len && memcmp(t->variants[k].name, name, len) == 0)
			break;
	if (k == t->nvariants) {
		struct buf b = BUF_INIT;
		int rc;

		for (size_t i = 0; i < t->nvariants; i++)
			buf_printf(&b, "%s`%s`", i ? ", " : "", t->variants[i].name);
		rc = fail(c, end_of(v), "unknown variant `%.*s`, expected one of %s",
		          (int)(len > 64 ? 64 : len), name, b.s);
		buf_free(&b);
		return rc;
	}
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
check(struct check *c, const struct type *t, const struct json_value *v)
{
	switch (t->kind) {
	case K_STR:
		if (v->type != JSON_STRING)
			return wrong_type(c, t, v);
		if (v->u.str.lone_surrogate)
			return lone_surrogate(c, end_of(v));
		return 0;
	case K_BOOL:
		return v->type == JSON_BOOL ? 0 : wrong_type(c, t, v);
	case K_F64:
		/* Every JSON number fits: the reader already refused overflow. */
		return v->type == JSON_NUMBER ? 0 : wrong_type(c, t, v);
	case K_U64:
	case K_USIZE:
	case K_U32:
	case K_I64:
	case K_I32:
		return check_int(c, t, v);
	case K_STRUCT:
		return check_struct(c, t, v);
	case K_SEQ:
		if (v->type != JSON_ARRAY)
			return wrong_type(c, t, v);
		for (size_t i = 0; i < v->u.arr.n; i++)
			if (check(c, t->elem, &v->u.arr.items[i]) < 0)
				return -1;
		return 0;
	case K_MAP:
	case K_CPU_MAP:
		return check_map(c, t, v);
	case K_ENUM:
		return check_enum(c, t, v);
	}
	return 0;
}

/*
 * The top level must be an object: upstream's serde would also take the
 * 25 fields positionally in an array, which no writer produces (§3).
 */
int
sidecar_check(const struct json_value *root, char *err, size_t errlen, const char **where)
{
	struct check c = {err, errlen, NULL};
	int rc = check(&c, &t_sidecar, root);

	if (where)
		*where = c.where;
	return rc;
}
