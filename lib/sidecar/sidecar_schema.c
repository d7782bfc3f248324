/*
 * sidecar_schema: the member lists of sidecar_schema.h turned into the
 * descriptors the checker, reader, writer and fold walk.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "sidecar_schema.h"

const char *const sidecar_gen_label[SIDECAR_NGEN] = {"G0", "G1", "G2"};
const char *const sidecar_gen_version[SIDECAR_NGEN] = {"0.4.9", "0.5.2", "newest"};

int
sidecar_gen_parse(const char *s)
{
	static const char *const alias[SIDECAR_NGEN] = {"0.4", "0.5", "newest"};

	for (int g = 0; g < SIDECAR_NGEN; g++)
		if (strcmp(s, sidecar_gen_label[g]) == 0 || strcmp(s, sidecar_gen_version[g]) == 0 ||
		    strcmp(s, alias[g]) == 0)
			return g;
	return -1;
}

/* ---- formulas of the derived members (G0 and G1 wrote them, later ones derive them) ---- */

static double
sc_formula_tail_ratio(const void *obj)
{
	const struct sidecar_cgroup *c = obj;

	return c->median_wake_latency_us > 0 ? c->p99_wake_latency_us / c->median_wake_latency_us
	                                     : 0.0;
}

static double
sc_formula_iterations_per_worker(const void *obj)
{
	const struct sidecar_cgroup *c = obj;

	return c->num_workers > 0 ? (double)c->total_iterations / (double)c->num_workers : 0.0;
}

static double
sc_formula_stuck(const void *obj)
{
	return ((const struct sidecar_monitor *)obj)->stuck_count > 0;
}

/* ---- types ---- */

#define SCALAR(token, k) static const struct sc_type ty_##token = {.kind = k}
SCALAR(STR, SC_K_STR);
SCALAR(BOOL, SC_K_BOOL);
SCALAR(U64, SC_K_U64);
SCALAR(USIZE, SC_K_USIZE);
SCALAR(U32, SC_K_U32);
SCALAR(U16, SC_K_U16);
SCALAR(I64, SC_K_I64);
SCALAR(I32, SC_K_I32);
SCALAR(F64, SC_K_F64);
SCALAR(OF64, SC_K_F64);
SCALAR(OBJ, SC_K_OBJECT);

#define SEQ(token, of) static const struct sc_type ty_##token = {.kind = SC_K_SEQ, .elem = &of}
#define MAP(token, of) static const struct sc_type ty_##token = {.kind = SC_K_MAP, .elem = &of}
SEQ(STRV, ty_STR);
SEQ(CPUSET, ty_USIZE);
SEQ(U64S, ty_U64);
SEQ(F64S, ty_F64);
MAP(EXT, ty_F64);
MAP(F64MAP, ty_F64);
MAP(STRMAP, ty_STR);
MAP(U64MAP, ty_U64);
SEQ(VCPUS, ty_U64MAP);
static const struct sc_type ty_CPUMAP = {.kind = SC_K_CPU_MAP, .elem = &ty_STR};

#define ENUM(token, ename, table)                                                       \
	static const struct sc_type ty_##token = {.kind = SC_K_ENUM, .name = ename,     \
	                                          .variants = table,                    \
	                                          .nvariants = sizeof table / sizeof table[0]}
#define ALL_GENS 7u

static const struct sc_variant polarity_variants[] = {
	{"HigherBetter", NULL, ALL_GENS},
	{"LowerBetter", NULL, ALL_GENS},
	{"TargetValue", &ty_F64, ALL_GENS},
	{"Unknown", NULL, ALL_GENS},
	{"Informational", NULL, 1u << SIDECAR_G2},
};
ENUM(POLARITY, "Polarity", polarity_variants);
static const struct sc_variant source_variants[] = {
	{"Json", NULL, ALL_GENS},
	{"LlmExtract", NULL, ALL_GENS},
};
ENUM(MSOURCE, "MetricSource", source_variants);
static const struct sc_variant stream_variants[] = {
	{"Stdout", NULL, ALL_GENS},
	{"Stderr", NULL, ALL_GENS},
	{"Synthesized", NULL, ALL_GENS},
};
ENUM(MSTREAM, "MetricStream", stream_variants);
static const struct sc_variant denom_variants[] = {
	[SIDECAR_WALL] = {"wall", NULL, 1u << SIDECAR_G2},
	[SIDECAR_CPU_SEC] = {"cpu_sec", NULL, 1u << SIDECAR_G2},
};
ENUM(DENOM, "ThroughputDenomination", denom_variants);

/* ---- member descriptors ---- */

#define SC_F_0 0
#define SC_F_CORE SC_CORE
#define SC_F_NAME SC_NAME
#define SC_F_CORE_NAME (SC_CORE | SC_NAME)

#define SC_CTY_STR SC_C_STR
#define SC_CTY_BOOL SC_C_BOOL
#define SC_CTY_U64 SC_C_UINT
#define SC_CTY_USIZE SC_C_UINT
#define SC_CTY_U32 SC_C_UINT
#define SC_CTY_U16 SC_C_UINT
#define SC_CTY_I64 SC_C_INT
#define SC_CTY_I32 SC_C_INT
#define SC_CTY_F64 SC_C_F64
#define SC_CTY_OF64 SC_C_OF64
#define SC_CTY_DENOM SC_C_DENOM
#define SC_CTY_STRV SC_C_STRV
#define SC_CTY_EXT SC_C_EXT
#define SC_CTY_CPUSET SC_C_U64V
#define SC_CTY_CGROUPS SC_C_CGROUPS
#define SC_CTY_STATS SC_C_STATS
#define SC_CTY_MONITOR SC_C_MONITOR
#define SC_CTY_EVENTS SC_C_EVENTS
#define SC_CTY_SCHEDSTAT SC_C_SCHEDSTAT
#define SC_CTY_HOST SC_C_CB
#define SC_CTY_PAYLOADS SC_C_PAYLOADS
#define SC_CTY_OBJ SC_C_NONE
#define SC_CTY_POLARITY SC_C_NONE
#define SC_CTY_MSOURCE SC_C_NONE
#define SC_CTY_MSTREAM SC_C_NONE
#define SC_CTY_METRICS SC_C_NONE
#define SC_CTY_VCPUS SC_C_NONE
#define SC_CTY_STRMAP SC_C_NONE
#define SC_CTY_CPUMAP SC_C_NONE
#define SC_CTY_HEAP SC_C_NONE
#define SC_CTY_F64MAP SC_C_NONE
#define SC_CTY_PHASECGS SC_C_NONE
#define SC_CTY_U64S SC_C_NONE
#define SC_CTY_F64S SC_C_NONE
#define SC_CTY_PROGSTATS SC_C_NONE
#define SC_CTY_STIMULI SC_C_NONE
#define SC_CTY_VERIFIER SC_C_NONE
#define SC_CTY_KVM SC_C_NONE
#define SC_CTY_PHASES SC_C_NONE
#define SC_CTY_PERFDELTAS SC_C_NONE

#define SC_OFF_S(st, name) offsetof(st, name)
#define SC_OFF_SUM SC_OFF_S
#define SC_OFF_MAX SC_OFF_S
#define SC_OFF_MINNZ SC_OFF_S
#define SC_OFF_ATMAX SC_OFF_S
#define SC_OFF_N(st, name) 0
#define SC_OFF_D(st, name) 0

#define SC_FROM_S(arg) NULL
#define SC_FROM_N(arg) NULL
#define SC_FROM_D(arg) NULL
#define SC_FROM_SUM(arg) #arg
#define SC_FROM_MAX(arg) #arg
#define SC_FROM_MINNZ(arg) #arg
#define SC_FROM_ATMAX(arg) #arg

#define SC_FORMULA_S(arg) NULL
#define SC_FORMULA_N(arg) NULL
#define SC_FORMULA_D(arg) sc_formula_##arg
#define SC_FORMULA_SUM(arg) NULL
#define SC_FORMULA_MAX(arg) NULL
#define SC_FORMULA_MINNZ(arg) NULL
#define SC_FORMULA_ATMAX(arg) NULL

/* Optional where any generation allows none, else defaulted. */
#define SC_NONE_OK(r) ((r) == SC_R_OPT || (r) == SC_R_OMIT)
#define SC_READ_RULE(f, a, b, c)                                                        \
	((f) & SC_CORE ? SC_R_REQ : SC_NONE_OK(a) || SC_NONE_OK(b) || SC_NONE_OK(c) ? SC_R_OPT \
	                                                                            : SC_R_DEF)

#define SC_DESC(st, name, type, g0, g1, g2, flags, how, arg)                                 \
	{#name,                                                                              \
	 sizeof #name - 1,                                                                   \
	 &ty_##type,                                                                         \
	 SC_CTY_##type,                                                                      \
	 {SC_R_##g0, SC_R_##g1, SC_R_##g2, SC_READ_RULE(SC_F_##flags, SC_R_##g0, SC_R_##g1, SC_R_##g2)}, \
	 SC_F_##flags,                                                                       \
	 SC_HOW_##how,                                                                       \
	 SC_OFF_##how(st, name),                                                             \
	 SC_FROM_##how(arg),                                                                 \
	 SC_FORMULA_##how(arg)},

/* Lists without a C struct: every member is N, so the struct is never used. */
struct sc_none {
	char unused;
};

#define D_NONE(...) SC_DESC(struct sc_none, __VA_ARGS__)
#define D_RESULT(...) SC_DESC(struct sidecar_result, __VA_ARGS__)
#define D_STATS(...) SC_DESC(struct sidecar_stats, __VA_ARGS__)
#define D_CGROUP(...) SC_DESC(struct sidecar_cgroup, __VA_ARGS__)
#define D_MONITOR(...) SC_DESC(struct sidecar_monitor, __VA_ARGS__)
#define D_EVENTS(...) SC_DESC(struct sidecar_events, __VA_ARGS__)
#define D_SCHEDSTAT(...) SC_DESC(struct sidecar_schedstat, __VA_ARGS__)

#define STRUCT(token, sname, list, desc)                                               \
	static const struct sc_member token##_members[] = {list(desc)};                 \
	static const struct sc_type ty_##token = {.kind = SC_K_STRUCT, .name = sname,   \
	                                          .members = token##_members,          \
	                                          .nmembers = sizeof token##_members /  \
	                                                      sizeof token##_members[0]}
#define STRUCT_SEQ(token, seqtoken, sname, list, desc) \
	STRUCT(token, sname, list, desc);              \
	SEQ(seqtoken, ty_##token)
/* A struct with a C side, whose present mask a reader fills. */
#define STRUCT_C(token, sname, list, desc, ctype)                                      \
	static const struct sc_member token##_members[] = {list(desc)};                 \
	static const struct sc_type ty_##token = {.kind = SC_K_STRUCT, .name = sname,   \
	                                          .members = token##_members,          \
	                                          .nmembers = sizeof token##_members /  \
	                                                      sizeof token##_members[0], \
	                                          .present = offsetof(ctype, present),  \
	                                          .size = sizeof(ctype)}

STRUCT_SEQ(METRIC, METRICS, "Metric", SIDECAR_METRIC_MEMBERS, D_NONE);
STRUCT_SEQ(PAYLOAD, PAYLOADS, "PayloadMetrics", SIDECAR_PAYLOAD_MEMBERS, D_NONE);
STRUCT_SEQ(STIMULUS, STIMULI, "StimulusEvent", SIDECAR_STIMULUS_MEMBERS, D_NONE);
STRUCT_SEQ(VERIFIERSTAT, VERIFIER, "ProgVerifierStats", SIDECAR_VERIFIER_MEMBERS, D_NONE);
STRUCT(KVM, "KvmStatsTotals", SIDECAR_KVM_MEMBERS, D_NONE);
STRUCT(HEAP, "HostHeapState", SIDECAR_HEAP_MEMBERS, D_NONE);
STRUCT(HOST, "HostContext", SIDECAR_HOST_MEMBERS, D_NONE);
STRUCT_SEQ(PROGSTAT, PROGSTATS, "ProgStatsDelta", SIDECAR_PROGSTAT_MEMBERS, D_NONE);
STRUCT_C(EVENTS, "ScxEventDeltas", SIDECAR_EVENTS_MEMBERS, D_EVENTS, struct sidecar_events);
STRUCT_C(SCHEDSTAT, "SchedstatDeltas", SIDECAR_SCHEDSTAT_MEMBERS, D_SCHEDSTAT,
         struct sidecar_schedstat);
STRUCT_C(MONITOR, "MonitorSummary", SIDECAR_MONITOR_MEMBERS, D_MONITOR, struct sidecar_monitor);
STRUCT(PHASECG, "PhaseCgroupStats", SIDECAR_PHASECG_MEMBERS, D_NONE);
MAP(PHASECGS, ty_PHASECG);
STRUCT_SEQ(PHASE, PHASES, "PhaseBucket", SIDECAR_PHASE_MEMBERS, D_NONE);
STRUCT_C(CGROUP, "CgroupStats", SIDECAR_CGROUP_MEMBERS, D_CGROUP, struct sidecar_cgroup);
SEQ(CGROUPS, ty_CGROUP);
STRUCT_C(STATS, "ScenarioStats", SIDECAR_STATS_MEMBERS, D_STATS, struct sidecar_stats);
STRUCT_SEQ(PERFDELTA, PERFDELTAS, "PerfDeltaAssertionRecord", SIDECAR_PERFDELTA_MEMBERS, D_NONE);
STRUCT_C(RESULT, "SidecarResult", SIDECAR_RESULT_MEMBERS, D_RESULT, struct sidecar_result);

const struct sc_type *const sidecar_type_result = &ty_RESULT;
const struct sc_type *const sidecar_type_stats = &ty_STATS;
const struct sc_type *const sidecar_type_cgroup = &ty_CGROUP;
const struct sc_type *const sidecar_type_monitor = &ty_MONITOR;
const struct sc_type *const sidecar_type_events = &ty_EVENTS;
const struct sc_type *const sidecar_type_schedstat = &ty_SCHEDSTAT;

const struct sc_member *
sidecar_member(const struct sc_type *t, const char *name, size_t n)
{
	return sidecar_member_near(t, name, n, 0);
}

const struct sc_member *
sidecar_member_near(const struct sc_type *t, const char *name, size_t n, size_t from)
{
	for (size_t j = 0; j < t->nmembers; j++) {
		size_t k = from + j < t->nmembers ? from + j : from + j - t->nmembers;

		if (t->members[k].len == n && memcmp(t->members[k].name, name, n) == 0)
			return &t->members[k];
	}
	return NULL;
}

enum sidecar_gen
sidecar_member_since(const struct sc_member *m)
{
	int g;

	for (g = 0; g < SIDECAR_NGEN; g++)
		if (m->rule[g] != SC_R_NO && m->rule[g] != SC_R_EXT)
			break;
	return (enum sidecar_gen)g;
}

void
sidecar_clear(const struct sc_type *t, void *obj)
{
	memset(obj, 0, t->size);
	for (size_t k = 0; k < t->nmembers; k++)
		if (t->members[k].ctype == SC_C_OF64 && t->members[k].how != SC_HOW_N &&
		    t->members[k].how != SC_HOW_D)
			*(double *)((char *)obj + t->members[k].offset) = NAN;
}

double
sidecar_member_value(const struct sc_member *m, const void *obj)
{
	const char *p = (const char *)obj + m->offset;

	if (m->how == SC_HOW_D)
		return m->formula(obj);
	if (m->how == SC_HOW_N)
		return 0.0;
	switch (m->ctype) {
	case SC_C_BOOL:
		return *(const int *)p;
	case SC_C_UINT:
		return (double)*(const uint64_t *)p;
	case SC_C_INT:
		return (double)*(const int64_t *)p;
	case SC_C_F64:
	case SC_C_OF64:
		return *(const double *)p;
	default:
		return 0.0;
	}
}
