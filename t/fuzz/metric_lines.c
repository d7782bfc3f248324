/*
 * libFuzzer target for lib/metric_lines: any bytes as a $KTSTR_METRICS
 * file.  Checks: every metric kept has a non-empty UTF-8 name without
 * blanks, a finite value and a known polarity; the report has exactly
 * one line per malformed input line; kept + malformed never exceeds the
 * number of lines.
 * Built and run by `make fuzz` (t/fuzz/run).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sidecar/metric_lines.h"
#include "util/utf8.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metric_lines ml = {0};
	struct buf errs = BUF_INIT;
	size_t bad, lines = 0, reported = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	lines += size > 0 && data[size - 1] != '\n';
	bad = metric_lines_parse((const char *)data, size, "F", &ml, &errs);
	for (size_t i = 0; i < errs.len; i++)
		reported += errs.s[i] == '\n';
	if (reported != bad || bad + ml.n > lines)
		abort();
	for (size_t i = 0; i < ml.n; i++) {
		const struct sidecar_metric *m = &ml.v[i];

		if (!*m->name || strpbrk(m->name, " \t\r\n") || !utf8_valid(m->name, strlen(m->name)) ||
		    !isfinite(m->value) || m->polarity == POLARITY_TARGET)
			abort();
	}
	metric_lines_free(&ml);
	buf_free(&errs);
	return 0;
}
