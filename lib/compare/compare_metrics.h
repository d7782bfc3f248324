/*
 * metrics: the metric registry of spec/stats.md §3 and the row every
 * sidecar becomes (§2).  A row's metric fields are indexed by the
 * registry: field i is what metric i reads.
 */
#ifndef KTSTR_METRICS_H
#define KTSTR_METRICS_H

#include <stddef.h>

#include "json/json.h"
#include "sidecar/sidecar_view.h"
#include "util/rustnum.h" /* format_plain, which the metric tables print with */
#include "util/util.h"

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

enum polarity { LOWER_BETTER, HIGHER_BETTER };

struct metric {
	const char *name;
	enum polarity polarity;
	double default_abs; /* gate on |delta|, in the metric's unit */
	double default_rel; /* gate on |delta / a|, a fraction */
	const char *unit;
	const char *column; /* analysis column name (§2 brackets) */
	int integer;        /* row field is an integer: averaging rounds */
};

extern const struct metric compare_metrics[NMETRICS];

/* Exact, case-sensitive lookup; NULL when name is not registered. */
const struct metric *compare_metric_def(const char *name);

/* §3 step 1: metric #16 reads as absent below this many iterations. */
#define TAIL_RATIO_MIN_ITERATIONS 100

struct ext_metric {
	const char *name;
	double value;
};

/*
 * A GauntletRow.  Strings point into the sidecar's JSON document (or,
 * for the "+mixed" commits of an aggregate, into own[]); NULL is None.
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
	double f[NMETRICS]; /* finite; integer fields hold integral values */
	unsigned fmask;     /* bit i: f[i] was read (the file has the member) */
	struct ext_metric *ext;
	size_t next;
	const struct json_value *sidecar; /* the source object; NULL once detached */
	char *own[2];   /* the "+mixed" commits of an aggregate */
	char *strings;  /* every string of a detached row */
};

/*
 * §2: the row of one sidecar object.  archive applies the override of
 * §1.5 (run_source reads "archive").  Members a validated sidecar must
 * have are read defensively: a missing or mistyped one reads as None
 * or 0.
 */
void compare_row_from_json(struct row *r, const struct json_value *obj, int archive);
void compare_row_free(struct row *r);

/* A real pass whose metrics may be compared (not skipped, inconclusive or an inverted failure). */
int compare_row_clean(const struct row *r);

/*
 * Copy every string the row points to into memory it owns, so the
 * sidecar's document can be freed (a pool of any size then costs only
 * its rows).
 */
void compare_row_detach(struct row *r);

/* The ext_metrics entry named name, or NULL. */
const struct ext_metric *compare_row_ext(const struct row *r, const char *name);
struct ext_metric *compare_ext_find(struct ext_metric *v, size_t n, const char *name);

/*
 * §3 read(metric, row): 1 and *v when present, 0 when absent (the
 * comparison then uses 0.0).
 */
int compare_metric_read(const struct metric *m, const struct row *r, double *v);
/* One run's value of m without the iteration gate, for the statistics over runs. */
int compare_metric_run(const struct metric *m, const struct row *r, double *v);

#endif
