/*
 * metrics: the metric registries (ktstr-compare(1), Metrics) and the row
 * every sidecar becomes.  A row is a small value object: its strings,
 * typed fields and ext_metrics are its own once detached, so a pool of
 * any size costs its rows, never their documents.
 */
#ifndef KTSTR_METRICS_H
#define KTSTR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "sidecar/sidecar_schema.h"
#include "sidecar/sidecar_view.h"
#include "util/rustnum.h" /* format_plain, which the metric tables print with */
#include "util/util.h"

/*
 * The row's typed fields, in the order of 0.4.9's registry (whose
 * metric i reads field i).  The newer registries read some of them and
 * keep everything else in ext_metrics.
 */
enum metric_id {
	M_SPREAD,
	M_GAP_MS,
	M_MIGRATIONS,
	M_MIGRATION_RATIO,
	M_IMBALANCE,
	M_DSQ_DEPTH,
	M_STALLS,
	M_FALLBACK,
	M_KEEP_LAST,
	M_P99_WAKE,
	M_MEDIAN_WAKE,
	M_WAKE_CV,
	M_ITERATIONS,
	M_MEAN_RUN_DELAY,
	M_RUN_DELAY,
	M_TAIL_RATIO,
	M_ITER_PER_WORKER,
	M_PAGE_LOCALITY,
	M_CROSS_NODE,
	NMETRICS
};

/* Informational: shown, never a regression or an improvement. */
enum polarity { LOWER_BETTER, HIGHER_BETTER, INFORMATIONAL };

/* How a metric's values fold across runs (the newest registry; 0.4.9's has none). */
enum metric_kind {
	KIND_NONE,
	KIND_COUNTER,
	KIND_GAUGE_AVG,
	KIND_GAUGE_LAST,
	KIND_PEAK,
	KIND_PER_PHASE_DELTA_SUM,
	KIND_RATE,                 /* arg: numerator, denominator metric */
	KIND_DISTRIBUTION,         /* arg: sample source, reduction */
	KIND_WORST_LOWEST,         /* arg: per-cgroup numerator, denominator */
	KIND_TAIL_RATIO,
	KIND_WORST_CROSS_NODE,
	KIND_PER_PHASE,
	KIND_PER_RUN_DISTRIBUTION,
};

/* struct metric's flags. */
#define METRIC_INTEGER 1u     /* the typed field holds integral values: averaging rounds */
#define METRIC_EXT_FIRST 2u   /* stats.ext_metrics first, the typed 0.4.9/0.5.2 member second */
#define METRIC_SUPPRESSED 4u  /* a rate's component: kept, never compared */
#define METRIC_PHASE 8u       /* only in stats.phases: never read from a run */
#define METRIC_DENOMINATED 16u /* a throughput rate: compared only at equal throughput_denomination */

struct metric {
	const char *name;
	enum polarity polarity;
	enum metric_kind kind;
	const char *arg[2];
	double default_abs; /* gate on |delta|, in the metric's unit */
	double default_rel; /* gate on |delta / a|, a fraction */
	const char *unit;
	const char *column; /* --analyze's column name (0.4.9's registry) */
	signed char field;  /* the typed row field it reads, -1 for none */
	unsigned char flags;
};

/* 0.4.9's registry, indexed by field: the one --analyze and the typed fields follow. */
extern const struct metric compare_metrics[NMETRICS];

enum registry_id { REGISTRY_04, REGISTRY_05, REGISTRY_NEWEST, NREGISTRIES };

/* A registry: the gates of one upstream generation. */
struct registry {
	enum registry_id id;
	const char *name; /* "0.4", "0.5", "newest" */
	const struct metric *m;
	size_t n;
};

extern const struct registry compare_registries[NREGISTRIES];

/* The registry named "0.4", "0.5" or "newest"; NULL for any other name. */
const struct registry *compare_registry_named(const char *name);
/* The registry of the runs of a generation: 0.4.9's, 0.5.2's or the newest. */
const struct registry *compare_registry_of(enum sidecar_gen gen);
/*
 * Exact, case-sensitive lookup; stall_count and stuck_count, one
 * metric's old and new names, each find it.  NULL when not registered.
 */
const struct metric *compare_registry_find(const struct registry *reg, const char *name);
/* The metric's other name (stall_count, stuck_count), or NULL. */
const char *compare_metric_alias(const char *name);
/* A metric a comparison judges: not a rate's component, not per phase only. */
int compare_metric_compared(const struct metric *m);

/* The tail ratio reads as absent below this many iterations. */
#define TAIL_RATIO_MIN_ITERATIONS 100

struct ext_metric {
	const char *name;
	double value;
};

/* struct row's carries: members that make a dimension appear. */
#define ROW_CARRIES_CPU_BUDGET 1u
#define ROW_CARRIES_FLAGS 2u

/* struct row's denom for an aggregate of both denominations. */
#define ROW_DENOM_MIXED (-1)

/*
 * A GauntletRow.  Strings point into the sidecar's JSON document until
 * compare_row_detach (or, for the "+mixed" commits of an aggregate,
 * into own[]); NULL is None.
 */
struct row {
	const char *scenario, *topology, *work_type, *scheduler;
	const char *kernel_version, *commit, *kernel_commit, *run_source;
	const char **flags; /* active_flags as stored */
	size_t nflags;
	/* The verdict: skipped wins, then inconclusive, then passed (compare_row_clean). */
	int passed, skipped, inconclusive;
	int expected_failure; /* a failure inverted into a pass: never compared */
	enum sidecar_gen gen; /* the newest generation whose members the file carries */
	unsigned carries;     /* ROW_CARRIES_* */
	char budget[11];      /* the cpu-budget dimension: CPUs in decimal, "none" (absent or 0) */
	int denom;            /* enum sidecar_denom, or ROW_DENOM_MIXED */
	double f[NMETRICS];   /* finite; integer fields hold integral values */
	unsigned fmask;       /* bit i: f[i] was read (the file has the member) */
	struct ext_metric *ext; /* sorted by name, names unique */
	size_t next;
	const struct json_value *sidecar; /* the source object; NULL once detached */
	char *own[2];   /* the "+mixed" commits of an aggregate */
	char *strings;  /* every string of a detached row */
};

/*
 * The row of one sidecar object of any generation.  archive makes
 * run_source read "archive" (an explicit root).  Members a file lacks
 * read as ktstr-sidecar(5) says; the monitor members the newest
 * registry reads from ext_metrics are taken from the monitor when the
 * file's map lacks them.
 */
void compare_row_from_json(struct row *r, const struct json_value *obj, int archive);
void compare_row_free(struct row *r);

/* The cpu-budget value of a budget: decimal, "none" for 0. */
void compare_budget_name(char out[11], uint32_t budget);

/* A real pass whose metrics may be compared (not skipped, inconclusive or an inverted failure). */
int compare_row_clean(const struct row *r);

/*
 * Copy every string the row points to into memory it owns, so the
 * sidecar's document can be freed.
 */
void compare_row_detach(struct row *r);
/*
 * The work types of rows as a pool whose newest run is of generation
 * newest names them: from 0.5.2 on, as the newest generation does
 * (CpuSpin is SpinWait), so that one workload is one name in every
 * table; a pool of 0.4.9 runs keeps 0.4.9's names.
 */
void compare_rows_spell(struct row *rows, size_t n, enum sidecar_gen newest);

/* The ext_metrics entry named name, or NULL. */
const struct ext_metric *compare_row_ext(const struct row *r, const char *name);
/* Sort v by name, keeping the last of each name; returns the new length. */
size_t compare_ext_sort(struct ext_metric *v, size_t n);

/*
 * A metric's value in a row: 1 and *v when present, 0 when absent.
 * The tail ratio's typed field reads as absent below
 * TAIL_RATIO_MIN_ITERATIONS iterations.
 */
int compare_metric_read(const struct metric *m, const struct row *r, double *v);
/* One run's value of m without the iteration gate, for the statistics over runs. */
int compare_metric_run(const struct metric *m, const struct row *r, double *v);

#endif
