/*
 * history: ktstr-compare --history, where along a commit history each
 * test's metrics moved.  The runs are ordered along a branch's
 * first-parent history; each (test, metric) is a series with one point
 * per commit that has runs (the mean of its clean runs); E-divisive
 * means (compare_changepoint.h) finds the change points, and the
 * registry's gates say whether each is a regression, an improvement or
 * below the gate.
 */
#ifndef KTSTR_HISTORY_H
#define KTSTR_HISTORY_H

#include <stddef.h>

#include "compare.h"
#include "compare_changepoint.h"
#include "util/util.h"

/* The commits of a first-parent history, oldest first. */
struct history {
	char (*hex)[8];          /* the 7-hex ids sidecars record */
	unsigned char *in_range; /* the commit is one of the range's (A..B); else context before it */
	size_t n;
	int shallow;             /* the history ends at a shallow clone's boundary */
	char what[320];          /* "HEAD's first-parent history", "first-parent history of A..B" */
};

/*
 * The first-parent history of HEAD (range NULL), of REV, or of B for a
 * range A..B (A empty: HEAD..B; B empty: A..HEAD), in the repository
 * discovered from dir.  For a range the whole history of B is kept, the
 * commits before the range as context, so a change at the range's
 * first commit has a baseline; in_range marks the range's own.  0, or
 * -1 with a one-line reason in err.
 */
int compare_history_commits(const char *dir, const char *range, struct history *h, struct buf *err);
void compare_history_free(struct history *h);

/* One point of a series: a commit with runs. */
struct history_point {
	size_t commit; /* index into the history */
	double mean;   /* of the metric over the commit's clean runs */
	size_t n;
};

/* A (test, metric) series with at least one change point reported. */
struct history_series {
	const struct group *g; /* the test: its runs over every commit */
	const struct metric *metric;
	struct history_point *pt;
	size_t npt;
	size_t *cp; /* indexes into pt of every change point found, in order */
	size_t ncp;
};

/* A change point in the range. */
struct history_change {
	size_t series;          /* index into the result's series */
	size_t at;              /* index into its points: the first point after the change */
	double before, after;   /* means of the runs between the neighbouring change points */
	size_t n_before, n_after;
	double p;
	enum verdict verdict;   /* REGRESSION, IMPROVEMENT, or UNCHANGED: below the gate */
};

struct history_result {
	struct history_series *series; /* those with a change in the range */
	size_t nseries;
	struct history_change *c;
	size_t nc;
	size_t tests, tested;  /* tests; (test, metric) series long enough to test */
	size_t commits;        /* commits with runs */
	size_t regressions, improvements, below;
	struct history_series *quiet; /* tested series without a change in the range, for --markdown */
	size_t nquiet;
};

/*
 * The change points of every series of s (the filtered runs, grouped
 * per test with project-commit sliced), for the metrics of reg that a
 * comparison judges; -E's substr and the gates of p as in a comparison.
 */
void compare_history_find(const struct side *s, const struct history *h, const struct policy *p,
                          const struct registry *reg,
                          const struct cp_params *cp, const char *substr, struct history_result *res);
void compare_history_result_free(struct history_result *res);

/* The relative change of a change point in percent, +-inf from a zero mean before. */
double compare_history_percent(const struct history_change *c);

/* The report: a heading, one line per change point, the summary. */
void compare_history_render(struct buf *out, const struct history *h, const struct history_result *r,
                            const struct cp_params *cp, int colour);
/* --json: one object per change point (JSON Lines). */
void compare_history_json(struct buf *out, const struct history *h, const struct history_result *r);
/* --markdown: a summary line, the table of change points, the quiet series collapsed. */
void compare_history_markdown(struct buf *out, const struct history *h, const struct history_result *r,
                              const struct cp_params *cp);
/* --svg: each changed series as a line over its commits, the change points marked. */
void compare_history_svg(struct buf *out, const struct history *h, const struct history_result *r);

#endif
