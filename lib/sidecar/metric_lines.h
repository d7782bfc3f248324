/*
 * metric_lines: the metrics a test reports through $KTSTR_METRICS
 * (ktstr-test(1)), one per line:
 *
 *	NAME VALUE [UNIT] [higher|lower]
 *
 * Fields are separated by spaces or tabs (and a carriage return, so a
 * file with CRLF line ends reads the same).  Blank lines and lines whose
 * first non-blank character is '#' are ignored.  VALUE is a finite
 * decimal number (no hex, inf or nan).  A third field that is exactly
 * "higher" or "lower" is the polarity, otherwise the unit; a fourth
 * field must be the polarity.  Without one the polarity is Unknown.
 * Every metric becomes a sidecar Metric with source Json and stream
 * Stdout.
 */
#ifndef KTSTR_METRIC_LINES_H
#define KTSTR_METRIC_LINES_H

#include <stddef.h>

#include "sidecar_write.h"
#include "util/util.h"

/* A metrics file larger than this is not a list of metrics. */
#define METRIC_LINES_MAX (16u << 20)

/* The name ktstr-test gives its own measurement; a test may not use it. */
#define METRIC_WALL_TIME "wall_time_ms"

struct metric_lines {
	struct sidecar_metric *v; /* name and unit are owned (free with metric_lines_free) */
	size_t n;
};

/*
 * Append the metrics of text[0..len) to out.  Each malformed line is
 * left out and described in errs as one "{file}:{line}: {reason}\n"
 * line.  Returns the number of malformed lines.
 */
size_t metric_lines_parse(const char *text, size_t len, const char *file,
                          struct metric_lines *out, struct buf *errs);
/*
 * metric_lines_parse of the file at path as the test left it: a file
 * the test removed holds no metrics; one that is not a regular file,
 * cannot be read or is larger than METRIC_LINES_MAX counts as one
 * malformed line, described in errs as "{file} is not a regular
 * file\n" or "cannot read {file}: {reason}\n".
 */
size_t metric_lines_read(const char *path, const char *file, struct metric_lines *out,
                         struct buf *errs);
void metric_lines_free(struct metric_lines *ml);

#endif
