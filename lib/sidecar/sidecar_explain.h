/*
 * explain: the optional-field report of one run, behind ktstr-scan
 * --explain (ktstr-scan(1)).
 */
#ifndef KTSTR_EXPLAIN_H
#define KTSTR_EXPLAIN_H

#include "util/util.h"

/*
 * Check RUN, walk {root}/{RUN} and append the text report, or with json
 * the pretty JSON object (no trailing newline), to out.  Per-file
 * failures are reported on stderr as the walk does.  Returns 0, or -1
 * after printing the fatal message (nothing appended).
 */
int explain_run(const char *root, const char *run, int json, struct buf *out);

#endif
