/*
 * compare: the A/B comparison of ktstr-compare(1) (filters, slicing and
 * pairing, averaging, verdicts, the report), --list-metrics and
 * --list-values.  Rows come from compare_metrics; reading the pool is
 * the caller's job.
 */
#ifndef KTSTR_COMPARE_H
#define KTSTR_COMPARE_H

#include <stddef.h>

#include "compare_metrics.h"
#include "compare_tdist.h"
#include "util/strlist.h"
#include "util/util.h"

/*
 * The dimensions in the order every output lists them: 0.5.2's seven,
 * then two that exist only where some sidecar of the pool carries their
 * member (cpu_budget, active_flags).
 */
enum dim {
	DIM_KERNEL,
	DIM_SCHEDULER,
	DIM_TOPOLOGY,
	DIM_WORK_TYPE,
	DIM_PROJECT_COMMIT,
	DIM_KERNEL_COMMIT,
	DIM_RUN_SOURCE,
	DIM_CPU_BUDGET,
	DIM_FLAGS,
	NDIMS
};

extern const char *const compare_dim_name[NDIMS];   /* as printed: "work-type", "flags" */
extern const char *const compare_dim_option[NDIMS]; /* option suffix: "work-type", "flag" */

/*
 * A --cpu-budget value as the dimension spells it: a decimal u32,
 * 0 and "none" being "none".  NULL when value is neither.
 */
const char *compare_budget_value(const char *value, char out[11]);

/*
 * One side's filter: a list per dimension, empty = no constraint.  Values
 * of one dimension are alternatives (flags: all must be present);
 * dimensions combine with AND.
 */
struct filter {
	const struct strlist *dim[NDIMS];
};

/* Kernel value match: "6.14" is a prefix of "6.14.2", not of "6.140". */
int compare_kernel_match(const char *want, const char *version);
int compare_filter_match(const struct filter *f, const struct row *r);
/* The value of dimension d in r (NULL for None, and for flags, which are a list). */
const char *compare_row_dim(const struct row *r, enum dim d);

/*
 * The filter values one commit option value stands for (a revision
 * expression resolved to abbreviated ids, else the value), appended
 * to out.  option is the option name without dashes ("a-project-commit");
 * kernel selects the kernel repository.
 */
void compare_commit_expand(const char *option, const char *value, int kernel, struct strlist *out);

/*
 * The commit options of the shared, A and B lists (lists[0..2]), each
 * value replaced in place by the values it stands for.  empty[s] gets
 * bit 1u << d for each commit dimension d of list s whose values were
 * given but stand for nothing at all (a range such as HEAD..HEAD): that
 * filter selects no row, where a list never given selects every row.
 */
void compare_commits_expand_lists(struct strlist lists[3][NDIMS], unsigned empty[3]);

/*
 * Side filters from the shared lists and the per-side ones ("more
 * specific replaces").  The filters point into the lists, or, for a
 * dimension empty (may be NULL) marks, at a list that matches no row.
 */
void compare_filters_build(const struct strlist shared[NDIMS], const struct strlist a[NDIMS],
                           const struct strlist b[NDIMS], const unsigned empty[3],
                           struct filter side[2]);

/* The slicing dimensions (A and B value sets differ) and the pairing ones (the rest). */
struct slicing {
	enum dim slice[NDIMS];
	size_t nslice;
	enum dim pair[NDIMS];
	size_t npair;
};

void compare_slicing_find(const struct filter side[2], struct slicing *s);
/*
 * Drop from the pairing dimensions the ones no sidecar of the pool
 * carries (carries: the pool's ROW_CARRIES_* bits), so a pool of one
 * generation pairs as that generation did.
 */
void compare_slicing_prune(struct slicing *s, unsigned carries);
/* Is dimension d one at all in a pool whose rows carry carries?  Only cpu-budget and flags may not be. */
int compare_dim_carried(enum dim d, unsigned carries);
/* A side's column label from its slicing values; letter is 'A' or 'B'.  Caller frees. */
char *compare_side_label(const struct filter *f, const struct slicing *s, char letter);

/* upstream's ComparisonPolicy (--threshold or --policy FILE), in percent. */
struct policy_entry {
	char *name;
	double percent;
};

struct policy {
	int has_default;
	double default_percent;
	struct policy_entry *per; /* sorted by name, one entry per name */
	size_t nper;
};

/* A policy names each metric at most once: a larger file is no policy. */
#define COMPARE_POLICY_MAX ((size_t)1 << 20)

/*
 * Parses a policy file's text.  On failure appends a one-line parser
 * message (with "at line L column C" where it points somewhere) to err
 * and returns -1.
 */
int compare_policy_parse(struct policy *p, const char *text, size_t len, struct buf *err);
/*
 * No negative percentage, no metric the registry lacks (stall_count and
 * stuck_count name one metric); the first failure's message goes to
 * err, -1.  reg NULL checks the percentages only.
 */
int compare_policy_validate(const struct policy *p, const struct registry *reg, struct buf *err);
/* The relative threshold of m, a fraction. */
double compare_policy_threshold(const struct policy *p, const struct metric *m);
void compare_policy_free(struct policy *p);

/* Rust's float literal syntax for --threshold: 0, or -1 when s is not one. */
int compare_parse_rust_float(const char *s, double *out);

enum verdict {
	VERDICT_IGNORED,
	VERDICT_UNCHANGED,
	VERDICT_REGRESSION,
	VERDICT_IMPROVEMENT,
	VERDICT_NOT_SIGNIFICANT, /* past the gates, but p >= --significance (compare_stats) */
	VERDICT_INFORMATIONAL,   /* past the gates in a metric that is shown, never gated */
};

/*
 * The verdict for one metric of one pair (ktstr-compare(1), Verdicts):
 * a change past both the absolute gate and the relative threshold t (a
 * fraction), judged by polarity.
 */
enum verdict compare_verdict_decide(const struct metric *m, double a, double b, double t);

/*
 * One side after averaging: groups of rows sharing a pairing key (one row
 * per group with --no-average).  Every group keeps its contributors, so
 * per-side n and per-trial values stay available.
 */
struct group {
	struct row agg;      /* the averaged row (unused with --no-average) */
	const struct row *row; /* what is compared: &agg or the single row */
	const struct row **members;
	size_t nmembers;     /* total_observed */
	size_t passes;       /* passes_observed */
	char *key;           /* pairing key: elements, each NUL-terminated */
	size_t keylen;
	char *shown;         /* the same elements as the first member's file spells them */
	size_t shownlen;
	char *ident;         /* -E's joined identity string */
};

struct side {
	const struct row **rows; /* typed-filter matches in pool order */
	size_t nrows;
	struct group *g;
	size_t n;
};

/* The rows of a pool a filter selects. */
void compare_side_select(struct side *s, const struct row *rows, size_t n, const struct filter *f);
/*
 * Group (average) or keep every row.  Averaging folds as reg's
 * generation did: the mean of every metric, or under the newest
 * registry by kind (ktstr-compare(1), Averaging).
 */
void compare_side_group(struct side *s, const struct slicing *sl, int average,
                        const struct registry *reg);
void compare_side_free(struct side *s);

/*
 * --no-average: 0 when no pairing key repeats, else -1 with the fatal
 * message (no program prefix) in err.
 */
int compare_side_check_unique(const struct side *s, char letter, struct buf *err);

/* The pairing key as the --no-average error shows it: ["a", "b"]. */
void compare_key_quote(struct buf *b, const char *key, size_t keylen);

/* One compared metric of one pair. */
struct finding {
	const struct group *a, *b;
	const struct metric *metric;
	double va, vb, delta;
	enum verdict verdict;
	double threshold;     /* the relative gate t, a fraction */
	struct sample sa, sb; /* the runs behind va and vb; set by compare_stats */
	double p;             /* Welch's p-value, NaN when not computed; likewise */
};

struct result {
	struct finding *f;   /* the changes: the table's rows */
	size_t nf;
	struct finding *all; /* every compared metric, unchanged ones too */
	size_t nall;
	size_t regressions, improvements, unchanged, skipped_failed, new_in_b, removed_from_a;
	size_t not_significant;
	/* The newest registry only: */
	size_t informational;  /* changes past the gates in Informational metrics */
	size_t one_sided;      /* metrics one side of a pair has and the other lacks */
	size_t denomination;   /* throughput rates of pairs whose throughput_denomination differs */
};

/*
 * Pair B's groups with A's and judge every metric of reg; then count
 * A's groups no B group paired.  substr is -E's value or NULL.
 */
void compare_sides(const struct side *a, const struct side *b, const char *substr,
                   const struct policy *p, const struct registry *reg, struct result *res);
void compare_result_free(struct result *res);

/*
 * The distinct values of every dimension over a pool's rows, gathered as
 * the rows are read, so that what --list-values prints and what the
 * zero-match message cites need no row kept.
 */
struct compare_valueset {
	char **v;  /* the values other than None, sorted byte-wise, each once */
	size_t n, cap;
	int none;  /* some row had None */
};

struct compare_values {
	size_t n;          /* the rows added */
	unsigned carries;  /* their ROW_CARRIES_*, or'ed */
	enum sidecar_gen newest; /* the newest generation of any of them */
	struct compare_valueset dim[NDIMS]; /* DIM_FLAGS: every flag of every row */
};

void compare_values_add(struct compare_values *v, const struct row *r);
/* Did some row have value s (not None) in dimension d? */
int compare_values_has(const struct compare_values *v, enum dim d, const char *s);
/* Once every row is added: work types named as compare_rows_spell names them. */
void compare_values_spell(struct compare_values *v);
void compare_values_free(struct compare_values *v);

/*
 * The message for a side that selects nothing from the pool whose values
 * are pool, without the program prefix (hint lines after '\n').
 */
void compare_zero_match_message(struct buf *msg, char letter, const struct filter *f,
                                const struct compare_values *pool, const char *source);

/* The dirty-build warning body (empty when none), without the prefix. */
void compare_dirty_warning(struct buf *msg, const struct side *a, const struct side *b);

struct report {
	const struct registry *reg;
	const struct slicing *slicing;
	const char *label[2];
	int average;
	int colour;
	const struct side *side[2];
	const struct result *res;
	const char *host_section; /* the two sides' host delta, may be "" */
	int spread;  /* --spread: each side's CV and n beside its value */
	int pvalues; /* --significance: the P column and the not-significant count */
};

/* The TEST cell of a group: its pairing key elements joined by '/'. */
void compare_group_path(struct buf *b, const struct group *g);

/* The report on stdout (ktstr-compare(1), Output). */
void compare_report_render(struct buf *out, const struct report *r);

/*
 * The summary's counts, "R regressions, I improvements, U unchanged"
 * (the newest registry adds "F informational"), and the lines on the
 * metrics that were not compared, each after indent.
 */
void compare_summary_counts(struct buf *out, const struct report *r);
void compare_summary_notes(struct buf *out, const struct report *r, const char *indent);

/* The VERDICT cell of the table: "REGRESSION", "improvement", "unchanged", ... */
const char *compare_verdict_cell(enum verdict v);

/*
 * The table of findings f[0..n) with the report's columns (TEST, METRIC,
 * the sides, --spread's, DELTA, --significance's P, VERDICT), verdicts
 * coloured; t is initialised here, the caller frees it.
 */
struct table;
void compare_findings_table(struct table *t, const struct report *r, const struct finding *f, size_t n);

/*
 * --markdown: a summary line, the table of the changes, the unchanged
 * metrics collapsed in <details>, the notes and the host section.
 */
void compare_markdown(struct buf *out, const struct report *r);

/* --list-metrics: a registry's table, or pretty JSON without a final newline. */
void compare_list_metrics(struct buf *out, const struct registry *reg, int json);

/* --list-values, text or pretty JSON (keys sorted); cpu_budget and flags only where carried. */
void compare_list_values(struct buf *out, const struct compare_values *pool, int json);

#endif
