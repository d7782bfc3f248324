/*
 * junit: the JUnit XML report of one run of tests, the form GitLab,
 * Jenkins and GitHub's test-report actions read: one <testsuite> with
 * the counts, one <testcase> per test, a <failure> (its message the
 * exit status or signal, or a workload's number of findings; its body
 * the end of the test's output, or the findings) or a <skipped/>, and
 * an <error> for a test that could not be started.
 */
#ifndef KTSTR_JUNIT_H
#define KTSTR_JUNIT_H

#include <stddef.h>
#include <time.h>

#include "util/util.h"

enum junit_result { JUNIT_PASSED, JUNIT_FAILED, JUNIT_SKIPPED, JUNIT_ERROR };

struct junit_case {
	char *name;
	char *classname;
	double seconds;
	enum junit_result result;
	char *message; /* failure or error: "exit status 3", "killed by signal 9", "2 findings"; else NULL */
	char *output;  /* failure: the end of what the test wrote, or its findings; else NULL */
};

struct junit {
	char *suite;
	time_t timestamp; /* when the run started */
	struct junit_case *c;
	size_t n;
};

/* Copies every string; message and output may be NULL. */
void junit_add(struct junit *j, const char *name, const char *classname, double seconds,
               enum junit_result result, const char *message, const char *output);
void junit_free(struct junit *j);

/* The whole document; seconds is the run's wall time. */
void junit_write(struct buf *out, const struct junit *j, double seconds);

#endif
