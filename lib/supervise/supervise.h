/*
 * supervise: run test commands as child processes, at most N at a
 * time, each with an optional deadline, its output captured when
 * several run at once or a report wants it, and the run stopped
 * cleanly by SIGINT, SIGTERM or SIGHUP.  ktstr-test(1) describes what
 * a user sees of it.
 *
 * A test's argv is executed as execvp(3) would, but never through a
 * shell: a file that is neither a binary nor a #! script exits 126.
 * Each test runs in its own process group, stdin from /dev/null, with a
 * fresh empty file named to it in an environment variable (ktstr-test's
 * $KTSTR_METRICS).  A test that outlives its deadline gets SIGTERM, then
 * SIGKILL after the grace time; when a test's leader exits, whatever it
 * left running in its group is killed.  A job the caller cannot start
 * gets no verdict.  Captured output goes through a pipe that the
 * supervisor itself empties into a temporary file (woken by SIGIO), so
 * a full TMPDIR is the supervisor's error (capture_err), not a failed
 * write the test may never report.
 *
 *	struct supervise s = {.jobs = 4, .timeout_ms = 60000, .env = "X",
 *	                      .finish = done, .arg = ctx};
 *	sig = supervise_run(&s, jobs, n);  // 0, or the signal that stopped it
 *
 * done(job, arg) is called once per job whose process ended, with the
 * captured output and the job's file still in place (supervise_replay,
 * supervise_verdict); they are dropped when it returns.  Jobs running
 * when a stop signal arrives are stopped and never reach done.
 *
 * Signals are taken synchronously (sigtimedwait), so the library
 * installs no handler; call it from a single-threaded program.
 */
#ifndef KTSTR_SUPERVISE_H
#define KTSTR_SUPERVISE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/util.h"

/* The automake convention for "this test does not apply here". */
#define SUPERVISE_EXIT_SKIP 77
/* Between SIGTERM and SIGKILL when a test is stopped, unless set. */
#define SUPERVISE_GRACE_MS 2000

enum supervise_stop { SUPERVISE_RUNNING, SUPERVISE_TERM, SUPERVISE_KILL };

struct supervise_job {
	char *const *argv; /* argv[0] is run as given (PATH search when it has no '/') */
	void *arg;         /* the caller's */

	/* Set while the job runs; valid in finish(). */
	pid_t pid;          /* 0: not started (or could not be); -1: ended */
	int out_fd, err_fd; /* the captured stdout and stderr, or -1 */
	int capture_err;    /* errno of a write of captured output that failed (TMPDIR full), or 0 */
	int out_pipe, err_pipe; /* private: what the job writes, until its end */
	char *file;         /* the path named in the environment variable */
	uint64_t start_ns;    /* monotonic_ns() when it was started */
	long long stop_at_ms; /* CLOCK_MONOTONIC; 0: no deadline */
	enum supervise_stop stop;
	int timed_out;
	int wstatus; /* as waitpid(2) gives it */
	double wall_ms;
};

struct supervise {
	unsigned jobs;         /* at most this many at once (0 counts as 1) */
	unsigned long long timeout_ms; /* per job; 0: none */
	unsigned grace_ms;     /* 0: SUPERVISE_GRACE_MS */
	const char *env;       /* names each job's fresh file; NULL: none */
	int stdout_to_stderr;  /* output not captured goes to stderr (stdout is the caller's) */
	int capture;           /* capture output even when one job runs at a time */
	void (*finish)(struct supervise_job *job, void *arg);
	void *arg;
	unsigned failed;       /* out: jobs that could not be started (reported on stderr) */
};

/*
 * Run jobs v[0..n).  Returns 0, or the stop signal that ended the run;
 * then the caller should die of it (after flushing what it owes).
 */
int supervise_run(struct supervise *s, struct supervise_job *v, size_t n);

/* Copy a captured stream to out (nothing when fd is -1). */
void supervise_replay(int fd, FILE *out);

/*
 * The last lines (at most max) of a captured stream, appended to out;
 * a partial last line counts as one.  Nothing when fd is -1.
 */
void supervise_tail(int fd, size_t max, struct buf *out);

/* The exit code a shell would give: the status, or 128 + the signal. */
int supervise_exit_code(int wstatus);

struct supervise_verdict {
	int code;       /* supervise_exit_code */
	int passed;     /* exit 0 or SUPERVISE_EXIT_SKIP, in time, and the caller found nothing bad */
	int skipped;
	char why[64];   /* why it failed, e.g. "exit status 3"; empty when it passed */
};

/*
 * The verdict of an ended job.  bad, when not NULL, says what the
 * caller found wrong with what the test left (e.g. "malformed
 * metrics"): it fails a test that exited 0 or 77 in time.
 */
void supervise_verdict(const struct supervise *s, const struct supervise_job *job,
                       const char *bad, struct supervise_verdict *v);

#endif
