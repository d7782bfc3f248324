/*
 * compare_stats: what ktstr-compare adds to a comparison beyond upstream
 * (ktstr-compare(1), Spread and significance): the runs behind each side's value (n,
 * mean, standard deviation), Welch's t-test between them, and
 * --significance, which lets only a confirmed change count.
 */
#ifndef KTSTR_CMPSTAT_H
#define KTSTR_CMPSTAT_H

#include <stddef.h>

#include "compare.h"
#include "compare_tdist.h"

/*
 * The per-run values behind group g's value of metric m: the metric as
 * every clean contributor reads it (failed and skipped runs are not
 * folded in).  The group's value may be their mean or, under the newest
 * registry, their maximum: the spread and the test are of the runs
 * either way.  Returns 0, or -1 when the group's value is not drawn
 * from these runs at all (the tail ratio of a group below its
 * iteration gate reads another value); s->n is the number of runs
 * either way, mean and sd are NaN then.
 */
int compare_group_sample(const struct group *g, const struct metric *m, struct sample *s);

/*
 * Fills sa, sb and p of every compared metric of res (res->all and the
 * findings res->f): p is Welch's two-sided p-value when both sides have
 * at least WELCH_MIN_N runs, else NaN.  With significance > 0 (the P
 * of --significance), a regression or improvement whose p-value is P or
 * more becomes VERDICT_NOT_SIGNIFICANT and moves from its counter to
 * res->not_significant; one without a p-value keeps the gates' verdict.
 * Returns how many changes had no p-value, for the caller's warning.
 */
size_t compare_stats_attach(struct result *res, double significance);

#endif
