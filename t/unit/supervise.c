/*
 * The test-process supervisor: verdicts, deadlines and the grace time,
 * captured output, the job's file, N at a time, a process left behind
 * in the test's group, start failures, and a run stopped by a signal.
 * Jobs are short shell commands; the slowest waits about half a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise/supervise.h"
#include "tap.h"
#include "util/util.h"

/* A wait(2) status as Linux encodes it: glibc's W_EXITCODE, which musl lacks. */
#define WAIT_STATUS(code, sig) ((code) << 8 | (sig))

/* What finish() saw of each job. */
struct seen {
	int finished;
	struct supervise_verdict v;
	int timed_out;
	double wall_ms;
	char out[256], err[256], file[256];
	int captured;
	char path[256];
};

static int
read_fd_at(int fd, char *dst, size_t size)
{
	ssize_t n = pread(fd, dst, size - 1, 0);

	dst[n > 0 ? n : 0] = '\0';
	return n >= 0;
}

static void
finish(struct supervise_job *j, void *arg)
{
	const struct supervise *s = arg;
	struct seen *w = j->arg;
	int fd;

	w->finished++;
	supervise_verdict(s, j, NULL, &w->v);
	w->timed_out = j->timed_out;
	w->wall_ms = j->wall_ms;
	w->captured = j->out_fd >= 0 && j->err_fd >= 0;
	if (w->captured) {
		read_fd_at(j->out_fd, w->out, sizeof w->out);
		read_fd_at(j->err_fd, w->err, sizeof w->err);
	}
	if (j->file) {
		snprintf(w->path, sizeof w->path, "%s", j->file);
		if ((fd = open(j->file, O_RDONLY)) >= 0) {
			read_fd_at(fd, w->file, sizeof w->file);
			close(fd);
		}
	}
}

/* Run one shell command per script, at most jobs at a time. */
static int
run_sh(struct supervise *s, const char *const *scripts, size_t n, struct seen *w)
{
	struct supervise_job *v = ecalloc(n, sizeof(*v));
	char ***argv = ecalloc(n, sizeof(*argv));
	int sig;

	s->finish = finish;
	s->arg = s;
	for (size_t i = 0; i < n; i++) {
		argv[i] = ecalloc(4, sizeof(**argv));
		argv[i][0] = "sh";
		argv[i][1] = "-c";
		argv[i][2] = (char *)scripts[i];
		v[i].argv = argv[i];
		v[i].arg = &w[i];
		memset(&w[i], 0, sizeof w[i]);
	}
	sig = supervise_run(s, v, n);
	for (size_t i = 0; i < n; i++) {
		ok(v[i].pid == 0 || (v[i].file == NULL && v[i].out_fd == -1 && v[i].err_fd == -1),
		   "job %zu: nothing of it is left open", i);
		free(argv[i]);
	}
	free(argv);
	free(v);
	return sig;
}

static void
test_verdicts(void)
{
	static const char *const scripts[] = {"exit 0", "exit 77", "exit 3", "kill -9 $$"};
	struct supervise s = {.jobs = 1};
	struct seen w[4];

	is_int(run_sh(&s, scripts, 4, w), 0, "verdicts: the run is not interrupted");
	ok(w[0].finished == 1 && w[0].v.passed && !w[0].v.skipped && w[0].v.code == 0 &&
	       *w[0].v.why == '\0',
	   "exit 0 passes");
	ok(w[1].finished == 1 && w[1].v.passed && w[1].v.skipped && w[1].v.code == 77,
	   "exit 77 is a skip");
	ok(!w[2].v.passed && w[2].v.code == 3, "exit 3 fails");
	is_str(w[2].v.why, "exit status 3", "exit 3: why");
	ok(!w[3].v.passed && w[3].v.code == 128 + SIGKILL, "a signal fails, as 128 + the signal");
	is_str(w[3].v.why, "killed by signal 9", "a signal: why");
	ok(!w[0].captured && !w[3].captured, "one at a time: output is not captured");
}

static void
test_verdict_rules(void)
{
	struct supervise s = {.timeout_ms = 5000};
	struct supervise_job j = {.wstatus = WAIT_STATUS(0, 0)};
	struct supervise_verdict v;

	supervise_verdict(&s, &j, "malformed metrics", &v);
	ok(!v.passed && !v.skipped, "exit 0 with something bad fails");
	is_str(v.why, "malformed metrics", "the caller's reason is the why");
	j.wstatus = WAIT_STATUS(77, 0);
	supervise_verdict(&s, &j, "malformed metrics", &v);
	ok(!v.passed && !v.skipped, "exit 77 with something bad is no skip");
	j.wstatus = WAIT_STATUS(2, 0);
	supervise_verdict(&s, &j, "malformed metrics", &v);
	is_str(v.why, "exit status 2", "an exit status outranks the caller's reason");
	j.timed_out = 1;
	j.wstatus = WAIT_STATUS(0, SIGTERM);
	supervise_verdict(&s, &j, NULL, &v);
	ok(!v.passed, "a test that ran out of time fails, whatever it exited with");
	is_str(v.why, "timed out after 5 s", "whole seconds are said in seconds");
	s.timeout_ms = 250;
	supervise_verdict(&s, &j, NULL, &v);
	is_str(v.why, "timed out after 250 ms", "else in milliseconds");
	is_int(supervise_exit_code(WAIT_STATUS(0, SIGSEGV)), 128 + SIGSEGV, "exit code of a signal");
}

/* The wall time covers the test from before it starts to its exit. */
static void
test_wall_time(void)
{
	static const char *const scripts[] = {"sleep 0.2", "sleep 0.2", "sleep 0.2", "sleep 0.2"};
	struct supervise s = {.jobs = 2};
	struct seen w[4];
	double least = 1e9;

	run_sh(&s, scripts, 4, w);
	for (size_t i = 0; i < 4; i++)
		if (w[i].wall_ms < least)
			least = w[i].wall_ms;
	ok(least >= 200, "no wall time is shorter than the test's own sleep (shortest %.3f ms)", least);
}

static void
test_deadlines(void)
{
	static const char *const scripts[] = {"sleep 5", "trap '' TERM; sleep 5; exit 0"};
	struct supervise s = {.jobs = 1, .timeout_ms = 100, .grace_ms = 200};
	struct seen w[2];

	run_sh(&s, scripts, 2, w);
	ok(w[0].timed_out && !w[0].v.passed, "a test past its deadline is stopped and fails");
	is_str(w[0].v.why, "timed out after 100 ms", "deadline: why");
	ok(w[0].wall_ms >= 90 && w[0].wall_ms < 2000, "SIGTERM at the deadline (%.0f ms)",
	   w[0].wall_ms);
	ok(w[1].timed_out && w[1].v.code == 128 + SIGKILL,
	   "a test that ignores SIGTERM gets SIGKILL after the grace time");
	ok(w[1].wall_ms >= 290 && w[1].wall_ms < 2000, "SIGKILL after the grace time (%.0f ms)",
	   w[1].wall_ms);
}

static void
test_capture(void)
{
	static const char *const scripts[] = {
		"echo out-a; echo err-a >&2; printf 'm 1\\n' >\"$SV_FILE\"",
		"echo out-b; echo err-b >&2",
	};
	struct supervise s = {.jobs = 2, .env = "SV_FILE"};
	struct seen w[2];

	run_sh(&s, scripts, 2, w);
	ok(w[0].captured && w[1].captured, "two at a time: each test's output is captured");
	is_str(w[0].out, "out-a\n", "captured stdout");
	is_str(w[0].err, "err-a\n", "captured stderr");
	is_str(w[1].out, "out-b\n", "the other test's stdout is its own");
	is_str(w[0].file, "m 1\n", "the job's file is named in the environment");
	is_str(w[1].file, "", "a job's file starts empty");
	ok(strcmp(w[0].path, w[1].path) != 0, "each job has its own file");
	ok(access(w[0].path, F_OK) < 0 && errno == ENOENT, "the job's file is removed after it");
}

/* At most jobs run at once: each test counts the tests alive with it. */
static void
test_parallel(void)
{
	char dir[] = "/tmp/supervise.XXXXXX", *script, *counts;
	const char *scripts[6];
	struct supervise s = {.jobs = 2};
	struct seen w[6];
	struct buf b = BUF_INIT;
	int max = 0, all = 1;

	if (mkdtemp(dir) == NULL)
		die("cannot create a directory:");
	script = easprintf("mkdir %s/j$$ && ls -d %s/j* | wc -l >>%s/counts; sleep 0.1; rmdir %s/j$$",
	                   dir, dir, dir, dir);
	for (size_t i = 0; i < 6; i++)
		scripts[i] = script;
	run_sh(&s, scripts, 6, w);
	for (size_t i = 0; i < 6; i++)
		all &= w[i].finished == 1 && w[i].v.passed;
	ok(all, "every test ran and passed");
	counts = easprintf("%s/counts", dir);
	if (read_file(counts, &b, 0) == 0)
		for (char *p = b.s, *nl; p && *p; p = (nl = strchr(p, '\n')) ? nl + 1 : NULL)
			if (atoi(p) > max)
				max = atoi(p);
	ok(max >= 1 && max <= 2, "never more than -j tests at once (at most %d seen)", max);
	remove(counts);
	rmdir(dir);
	free(counts);
	free(script);
	buf_free(&b);
}

/* Alive: exists and is not a zombie (an init that never reaps keeps zombies). */
static int
alive(pid_t pid)
{
	char path[64], *paren;
	struct buf b = BUF_INIT;
	int live;

	if (kill(pid, 0) < 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_file(path, &b, 0) < 0 || b.s == NULL)
		return 1;
	paren = strrchr(b.s, ')');
	live = paren == NULL || paren[1] == '\0' || paren[2] != 'Z';
	buf_free(&b);
	return live;
}

/* What a test leaves running in its process group dies with it. */
static void
test_leftovers(void)
{
	char path[] = "/tmp/supervise-pid.XXXXXX", *script;
	const char *scripts[1];
	struct supervise s = {.jobs = 1};
	struct seen w[1];
	struct buf b = BUF_INIT;
	pid_t pid = 0;
	int fd = mkstemp(path), live = 1;

	if (fd < 0)
		die("cannot create a file:");
	close(fd);
	script = easprintf("sleep 30 & echo $! >%s; exit 0", path);
	scripts[0] = script;
	run_sh(&s, scripts, 1, w);
	if (read_file(path, &b, 0) == 0 && b.s)
		pid = atoi(b.s);
	for (int i = 0; i < 100 && pid > 0 && (live = alive(pid)); i++)
		usleep(10000);
	ok(pid > 0 && !live, "a process the test left in its group is killed");
	remove(path);
	free(script);
	buf_free(&b);
}

static void
test_start_failures(void)
{
	static const char *const scripts[] = {"exit 0"};
	struct supervise s = {.jobs = 1, .env = "SV_FILE"};
	struct supervise_job v = {.argv = (char *const[]){"/nonexistent/ktstr-x", NULL}};
	struct seen w[1];
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	const char *tmpdir = getenv("TMPDIR");
	char *keep = tmpdir ? estrdup(tmpdir) : NULL;

	/* Their messages are not this test's output. */
	dup2(null, STDERR_FILENO);
	s.finish = finish;
	s.arg = &s;
	v.arg = &w[0];
	memset(w, 0, sizeof w);
	supervise_run(&s, &v, 1);
	is_int(w[0].v.code, 127, "a command that does not exist exits 127");

	setenv("TMPDIR", "/nonexistent/tmp", 1);
	s.failed = 0;
	run_sh(&s, scripts, 1, w);
	ok(s.failed == 1 && w[0].finished == 0, "a job whose file cannot be made does not start");
	if (keep)
		setenv("TMPDIR", keep, 1);
	else
		unsetenv("TMPDIR");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	free(keep);
}

/* Write an executable file dir/name holding text. */
static void
put_exec(const char *dir, const char *name, const char *text)
{
	char *path = easprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		die("cannot write '%s':", path);
	close(fd);
	free(path);
}

/* The exit code of running argv alone, under PATH (NULL: unset). */
static int
code_of(char *const *argv, const char *path)
{
	struct supervise s = {.jobs = 1, .finish = finish};
	struct supervise_job v = {.argv = argv};
	struct seen w[1];
	const char *old = getenv("PATH");
	char *keep = old ? estrdup(old) : NULL;

	s.arg = &s;
	v.arg = &w[0];
	memset(w, 0, sizeof w);
	if (path)
		setenv("PATH", path, 1);
	else
		unsetenv("PATH");
	supervise_run(&s, &v, 1);
	if (keep)
		setenv("PATH", keep, 1);
	free(keep);
	return w[0].finished ? w[0].v.code : -1;
}

/* A test is run as what it is: never handed to a shell it did not name. */
static void
test_exec(void)
{
	char dir[] = "/tmp/supervise-exec.XXXXXX", *path, *here;
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	if (mkdtemp(dir) == NULL)
		die("cannot create a directory:");
	put_exec(dir, "noshebang", "exit 0\n");
	put_exec(dir, "nointerp", "#!/nonexistent/sh\nexit 0\n");
	put_exec(dir, "five", "#!/bin/sh\nexit 5\n");
	put_exec(dir, "data", "");
	dup2(null, STDERR_FILENO); /* the messages are t/t0400's */
	path = easprintf("%s/noshebang", dir);
	is_int(code_of((char *const[]){path, NULL}, NULL), 126,
	       "a script without #! is not run by /bin/sh: 126");
	free(path);
	path = easprintf("%s/nointerp", dir);
	is_int(code_of((char *const[]){path, NULL}, NULL), 126,
	       "a #! interpreter that is missing: 126, though execve says ENOENT");
	free(path);
	path = easprintf("/nonexistent:%s", dir);
	is_int(code_of((char *const[]){"five", NULL}, path), 5, "a bare name is found in PATH");
	is_int(code_of((char *const[]){"nointerp", NULL}, path), 126,
	       "found in PATH, its interpreter missing: 126");
	is_int(code_of((char *const[]){"absent", NULL}, path), 127, "in no entry of PATH: 127");
	free(path);
	here = getcwd(NULL, 0);
	if (here && chdir(dir) == 0) {
		is_int(code_of((char *const[]){"five", NULL}, "/nonexistent:"), 5,
		       "an empty PATH entry is the current directory");
		is_int(code_of((char *const[]){"five", NULL}, NULL), 127,
		       "PATH unset: /bin:/usr/bin, not the current directory");
		if (chdir(here) < 0)
			die("cannot return to '%s':", here);
	}
	free(here);
	path = easprintf("%s/data", dir);
	chmod(path, 0644);
	free(path);
	path = easprintf("%s:%s", dir, dir);
	is_int(code_of((char *const[]){"data", NULL}, path), 126,
	       "a file that is not executable: 126");
	free(path);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	for (const char *const *n = (const char *const[]){"noshebang", "nointerp", "five", "data", NULL};
	     *n; n++) {
		path = easprintf("%s/%s", dir, *n);
		remove(path);
		free(path);
	}
	rmdir(dir);
}

/* A stop signal: nothing running is finished, nothing more is started. */
static void
test_interrupt(void)
{
	static const char *const scripts[] = {"kill -TERM $PPID; sleep 5", "exit 0"};
	struct supervise s = {.jobs = 1, .grace_ms = 200};
	struct seen w[2];
	struct timespec t0, t1;
	struct sigaction sa;
	sigset_t pending;

	if (sigaction(SIGTERM, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
		printf("ok %d # skip a stop signal (SIGTERM is ignored here)\n", ++tap_n);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(run_sh(&s, scripts, 2, w), SIGTERM, "SIGTERM stops the run and is returned");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(w[0].finished == 0, "the running test gets no verdict");
	ok(w[1].finished == 0, "the next test is not started");
	ok(t1.tv_sec - t0.tv_sec < 3, "the running test was stopped");
	sigpending(&pending);
	ok(!sigismember(&pending, SIGTERM), "the signal was taken, not left pending");
}

int
main(void)
{
	setprogname("supervise.t");
	test_verdicts();
	test_verdict_rules();
	test_wall_time();
	test_deadlines();
	test_capture();
	test_parallel();
	test_leftovers();
	test_start_failures();
	test_exec();
	test_interrupt();
	return done_testing();
}
