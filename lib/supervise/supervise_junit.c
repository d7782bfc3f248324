/*
 * junit: the report (junit.h).  Names and output are the tests' own
 * bytes: every one goes through the XML escaper.
 */
#include <stdlib.h>
#include <string.h>

#include "junit.h"
#include "util/xml.h"

static char *
dup_or_null(const char *s)
{
	return s ? estrdup(s) : NULL;
}

void
junit_add(struct junit *j, const char *name, const char *classname, double seconds,
          enum junit_result result, const char *message, const char *output)
{
	struct junit_case *c;

	j->c = ereallocarray(j->c, j->n + 1, sizeof(*j->c));
	c = &j->c[j->n++];
	*c = (struct junit_case){estrdup(name), estrdup(classname), seconds, result,
	                         dup_or_null(message), dup_or_null(output)};
}

void
junit_free(struct junit *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->c[i].name);
		free(j->c[i].classname);
		free(j->c[i].message);
		free(j->c[i].output);
	}
	free(j->c);
	free(j->suite);
	memset(j, 0, sizeof(*j));
}

static void
attr(struct buf *out, const char *name, const char *value)
{
	buf_printf(out, " %s=\"", name);
	xml_text(out, value, strlen(value), 0);
	buf_putc(out, '"');
}

static void
testcase(struct buf *out, const struct junit_case *c)
{
	static const char *const element[] = {[JUNIT_FAILED] = "failure", [JUNIT_ERROR] = "error"};

	buf_puts(out, "  <testcase");
	attr(out, "name", c->name);
	attr(out, "classname", c->classname);
	buf_printf(out, " time=\"%.3f\"", c->seconds);
	switch (c->result) {
	case JUNIT_PASSED:
		buf_puts(out, "/>\n");
		return;
	case JUNIT_SKIPPED:
		buf_puts(out, ">\n    <skipped/>\n  </testcase>\n");
		return;
	case JUNIT_FAILED:
	case JUNIT_ERROR:
		buf_printf(out, ">\n    <%s", element[c->result]);
		attr(out, "message", c->message ? c->message : "");
		if (c->output && *c->output) {
			buf_putc(out, '>');
			xml_text(out, c->output, strlen(c->output), 1);
			buf_printf(out, "</%s>\n", element[c->result]);
		} else {
			buf_puts(out, "/>\n");
		}
		buf_puts(out, "  </testcase>\n");
	}
}

void
junit_write(struct buf *out, const struct junit *j, double seconds)
{
	size_t count[4] = {0};
	char stamp[32];
	struct tm tm;

	for (size_t i = 0; i < j->n; i++)
		count[j->c[i].result]++;
	gmtime_r(&j->timestamp, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite");
	attr(out, "name", j->suite ? j->suite : "ktstr-test");
	buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", j->n,
	           count[JUNIT_FAILED], count[JUNIT_ERROR], count[JUNIT_SKIPPED], seconds);
	attr(out, "timestamp", stamp);
	buf_puts(out, ">\n");
	for (size_t i = 0; i < j->n; i++)
		testcase(out, &j->c[i]);
	buf_puts(out, "</testsuite>\n");
}
