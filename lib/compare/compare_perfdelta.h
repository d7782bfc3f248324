/*
 * perfdelta: ktstr-compare --perf-delta, the pull-request gate: the
 * runs of HEAD against those of a base commit, the base chosen the
 * way upstream's perf-delta chooses it, and a failure gate on the
 * number of regressions and on named metrics.
 */
#ifndef KTSTR_PERFDELTA_H
#define KTSTR_PERFDELTA_H

#include <stddef.h>

#include "compare.h"
#include "util/strlist.h"
#include "util/util.h"

/* Where the base comes from, highest precedence first. */
struct perf_base_spec {
	const char *base;           /* --base REV: that commit, no merge base */
	const char *base_ref;       /* --base-ref REF: merge-base(HEAD, REF) */
	const char *github_base_ref; /* $GITHUB_BASE_REF: merge-base(HEAD, origin/REF), else REF */
	const char *default_branch; /* merge-base(HEAD, BRANCH); "main" when NULL */
};

struct perf_base {
	char head[32]; /* the HEAD side's project commit: "abc1234" or "abc1234-dirty" */
	char base[16]; /* the base's 7-hex, as sidecars record it */
	char how[512]; /* how it was chosen: "merge-base of HEAD and main" */
};

/*
 * Resolve the base in the repository discovered from dir (walking up),
 * HEAD being head ("abc1234[-dirty]", what ktstr-rundir --commit says).
 * 0, or -1 with a one-line reason in err: no repository, a revision
 * that does not resolve, no common ancestor, a shallow history, or a
 * base that is HEAD itself with a clean work tree (the sides would be
 * one set of runs).
 */
int compare_perf_base(const char *dir, const char *head, const struct perf_base_spec *spec,
                      struct perf_base *out, struct buf *err);

struct perf_gate {
	size_t fail_threshold;      /* regressions that fail the gate; upstream's default is 5 */
	const struct strlist *must_fail; /* metrics whose regression alone fails it */
};

#define PERF_FAIL_THRESHOLD 5

/*
 * --must-fail's names: each in reg (stall_count and stuck_count name one
 * metric) and gated there; reg NULL, before the pool says which
 * registry gates it, checks that each is in one.  0, or -1 with the
 * message naming the first refused one.
 */
int compare_perf_check_metrics(const struct strlist *names, const struct registry *reg, struct buf *err);

struct perf_verdict {
	size_t regressions;
	struct strlist hit; /* --must-fail metrics that regressed, in registry order */
	int fail;
};

void compare_perf_judge(const struct result *res, const struct registry *reg, const struct perf_gate *g,
                        struct perf_verdict *v);
void compare_perf_verdict_free(struct perf_verdict *v);

/* The lines before the report: "base: 1a2b3c4 (how)", "head: 5d6e7f8-dirty"; Markdown when md. */
void compare_perf_header(struct buf *out, const struct perf_base *b, int md);

/* The gate's line after the report: what failed it, or that it passed. */
void compare_perf_footer(struct buf *out, const struct perf_gate *g, const struct perf_verdict *v, int md);

/*
 * --json: after the comparison's records, one object of "type"
 * "perf-delta": base, head, base_from, base_runs (true), regressions,
 * fail_threshold, must_fail, must_fail_regressed and gate ("pass" or
 * "fail").
 */
void compare_perf_json(struct buf *out, const struct perf_base *b, const struct perf_gate *g,
                       const struct perf_verdict *v);

/* The notice that the base has no runs (as the perf-delta object, base_runs false, with json). */
void compare_perf_no_base(struct buf *out, const struct perf_base *b, int json, int md);

#endif
