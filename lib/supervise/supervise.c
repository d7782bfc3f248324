/* supervise: test processes with deadlines, captured output and N at a time. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"
#include "util/util.h"

/* The signals that stop a run: what is running gets no verdict. */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static long long
now_ms(void)
{
	return (long long)(monotonic_ns() / 1000000);
}

/*
 * A temporary file: unlinked at once (captured output), or kept under
 * the name left in *keep_path (the job's file).
 */
static int
temp_file(char **keep_path)
{
	char *path;
	int fd;

	if ((fd = temp_create(progname, &path)) < 0) {
		const char *env = getenv("TMPDIR");

		/* a minimal image may have no /tmp: say where else to look */
		warning("cannot create a temporary file in '%s'%s:", temp_dir(),
		        env && *env ? "" : " (TMPDIR is not set)");
		return -1;
	}
	if (keep_path != NULL) {
		*keep_path = path;
	} else {
		unlink(path);
		free(path);
	}
	return fd;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Drop a job's temporary files. */
static void
discard(struct supervise_job *j)
{
	if (j->file) {
		remove(j->file); /* the test may have put a directory there */
		free(j->file);
		j->file = NULL;
	}
	close_fd(&j->out_fd);
	close_fd(&j->err_fd);
	close_fd(&j->out_pipe);
	close_fd(&j->err_pipe);
}

/* execv(2), then whether file exists: errno is the answer either way. */
static int
exec_file(const char *file, char *const argv[], int *exists)
{
	int err;

	execv(file, argv);
	err = errno;
	*exists = access(file, F_OK) == 0;
	return err;
}

/*
 * execvp(3) without its fallback of handing a file that is not in an
 * executable format to /bin/sh: glibc has it, musl does not, and a
 * minimal image may have no shell.  So a test is a program or a script
 * with a #! line, whichever libc built us.  Returns on failure only:
 * the errno that says most, and *exists when the file it names is
 * there, for a missing #! interpreter or ELF loader gives ENOENT too.
 */
static int
exec_argv(char *const argv[], int *exists)
{
	const char *path = getenv("PATH"), *dir, *end;
	char file[PATH_MAX];
	int err = ENOENT, e, n;

	if (strchr(argv[0], '/'))
		return exec_file(argv[0], argv, exists);
	for (dir = path ? path : "/bin:/usr/bin";; dir = end + 1) {
		end = strchrnul(dir, ':');
		/* an empty entry is the current directory */
		n = snprintf(file, sizeof(file), "%.*s%s%s", (int)(end - dir), dir,
		             end > dir ? "/" : "", argv[0]);
		if (n > 0 && (size_t)n < sizeof(file)) {
			e = exec_file(file, argv, exists);
			if (*exists && e != EACCES)
				return e; /* this is the test, and it cannot run */
			if (e != ENOENT && e != ENOTDIR)
				err = e; /* EACCES: a later entry may still run */
		}
		if (*end == '\0') {
			*exists = 0;
			return err;
		}
	}
}

/* In the child: become the test.  Never returns. */
static _Noreturn void
exec_job(const struct supervise *s, const struct supervise_job *j, int out_wr, int err_wr,
         const sigset_t *mask)
{
	int null = open("/dev/null", O_RDONLY), err, exists;

	setpgid(0, 0);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (null > STDIN_FILENO) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	if (out_wr >= 0) {
		dup2(out_wr, STDOUT_FILENO);
		dup2(err_wr, STDERR_FILENO);
	} else if (s->stdout_to_stderr) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
	}
	if (j->file)
		setenv(s->env, j->file, 1);
	err = exec_argv(j->argv, &exists);
	if (err == ENOENT && exists)
		warning("cannot run '%s': the interpreter it names (#! line or ELF loader) is missing",
		        j->argv[0]);
	else if (err == ENOEXEC)
		warning("cannot run '%s': %s (neither a binary nor a script with a #! line)", j->argv[0],
		        error_text(err));
	else
		warning("cannot run '%s': %s", j->argv[0], error_text(err));
	/* As a shell says it: 127 not found, 126 found but not runnable. */
	_exit(err == ENOENT && !exists ? 127 : 126);
}

/*
 * A pipe for one captured stream: *rd, the supervisor's end, never
 * blocks and raises SIGIO when data comes; *wr is the job's.
 */
static int
open_pipe(int *rd, int *wr)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		warning("cannot make a pipe:");
		return -1;
	}
	if (fcntl(p[0], F_SETOWN, getpid()) < 0 ||
	    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK | O_ASYNC) < 0) {
		warning("cannot watch a pipe:");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*rd = p[0];
	*wr = p[1];
	return 0;
}

/*
 * Move what the job wrote from its pipes to its files; at the end (the
 * job is gone) close them.  A write that fails (TMPDIR full) is kept
 * in capture_err and the rest is read and dropped, so the job never
 * blocks on a full pipe.
 */
static void
drain(struct supervise_job *j, int end)
{
	int *pipes[2] = {&j->out_pipe, &j->err_pipe}, files[2] = {j->out_fd, j->err_fd};
	int saved = errno; /* EAGAIN here must not pass for a caller's error */
	char b[65536];

	for (size_t k = 0; k < 2; k++) {
		ssize_t n = -1;

		while (*pipes[k] >= 0 && (n = read(*pipes[k], b, sizeof(b))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break; /* EAGAIN: nothing more now */
			}
			if (!j->capture_err && write_all(files[k], b, (size_t)n) < 0)
				j->capture_err = errno;
		}
		if (end || n == 0)
			close_fd(pipes[k]);
	}
	errno = saved;
}

static int
spawn(const struct supervise *s, struct supervise_job *j, int capture, const sigset_t *mask)
{
	int fd, out = -1, err = -1;

	j->out_fd = j->err_fd = j->out_pipe = j->err_pipe = -1;
	j->capture_err = 0;
	j->file = NULL;
	if (s->env) {
		if ((fd = temp_file(&j->file)) < 0)
			return -1;
		close(fd);
	}
	if (capture && ((j->out_fd = temp_file(NULL)) < 0 || (j->err_fd = temp_file(NULL)) < 0 ||
	                open_pipe(&j->out_pipe, &out) < 0 || open_pipe(&j->err_pipe, &err) < 0)) {
		close_fd(&out);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	/* Before fork: the child may run, exec and start its work before the parent runs again. */
	j->start_ns = monotonic_ns();
	if ((j->pid = fork()) < 0) {
		warning("cannot fork:");
		close_fd(&out);
		close_fd(&err);
		return -1;
	}
	if (j->pid == 0)
		exec_job(s, j, out, err, mask);
	close_fd(&out);
	close_fd(&err);
	/* Both sides set the group, so a kill right after fork cannot miss it. */
	setpgid(j->pid, j->pid);
	j->stop = SUPERVISE_RUNNING;
	j->timed_out = 0;
	j->stop_at_ms = s->timeout_ms ? now_ms() + (long long)s->timeout_ms : 0;
	return 0;
}

/* Stop a running job: sig to its group now, SIGKILL after the grace time. */
static void
stop_job(const struct supervise *s, struct supervise_job *j, int sig, long long now)
{
	kill(-j->pid, sig);
	j->stop = SUPERVISE_TERM;
	j->stop_at_ms = now + (s->grace_ms ? s->grace_ms : SUPERVISE_GRACE_MS);
}

/*
 * Block SIGCHLD and the stop signals, to be taken with sigtimedwait.
 * A signal ignored by whoever started us (nohup, a background job)
 * stays ignored, for us and for the tests: a blocked signal would be
 * queued even though it is ignored.
 */
static void
block_signals(sigset_t *set, sigset_t *old)
{
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGIO);
	for (size_t i = 0; i < LEN(stop_signals); i++) {
		struct sigaction sa;

		if (sigaction(stop_signals[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
			sigaddset(set, stop_signals[i]);
	}
	sigprocmask(SIG_BLOCK, set, old);
}

/*
 * Act on the deadlines that have passed (SIGTERM, then SIGKILL) and
 * return the milliseconds until the next one, or -1 when none is due.
 */
static long long
enforce_deadlines(const struct supervise *s, struct supervise_job *v, size_t n)
{
	long long now = now_ms(), wait_ms = -1;

	for (size_t i = 0; i < n; i++) {
		struct supervise_job *j = &v[i];

		if (j->pid <= 0 || j->stop_at_ms == 0)
			continue;
		if (j->stop_at_ms <= now) {
			if (j->stop == SUPERVISE_RUNNING) {
				j->timed_out = 1;
				stop_job(s, j, SIGTERM, now);
			} else if (j->stop == SUPERVISE_TERM) {
				kill(-j->pid, SIGKILL);
				j->stop = SUPERVISE_KILL;
				j->stop_at_ms = 0;
				continue;
			}
		}
		if (j->stop_at_ms && (wait_ms < 0 || j->stop_at_ms - now < wait_ms))
			wait_ms = j->stop_at_ms - now;
	}
	return wait_ms;
}

/* The next signal of set, waiting at most wait_ms (-1: for ever); 0 on timeout. */
static int
next_signal(const sigset_t *set, long long wait_ms)
{
	struct timespec ts;
	siginfo_t si;
	int sig;

	if (wait_ms < 0)
		return sigwaitinfo(set, &si);
	ts.tv_sec = wait_ms / 1000;
	ts.tv_nsec = wait_ms % 1000 * 1000000;
	sig = sigtimedwait(set, &si, &ts);
	return sig < 0 ? 0 : sig;
}

static struct supervise_job *
find(struct supervise_job *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

/*
 * Reap every child that has ended: what it left in its group is
 * killed, then the job is finished, or only dropped once the run was
 * interrupted.  Returns the number of jobs reaped.
 */
static size_t
reap(struct supervise *s, struct supervise_job *v, size_t n, int interrupted)
{
	size_t reaped = 0;

	for (;;) {
		siginfo_t ci = {0};
		struct supervise_job *j;
		int st;

		/*
		 * Peek first: while the test is an unreaped zombie its group
		 * id cannot be reused, so killing what it left running in its
		 * group cannot hit anyone else.
		 */
		if (waitid(P_ALL, 0, &ci, WEXITED | WNOHANG | WNOWAIT) < 0 || ci.si_pid == 0)
			break;
		if ((j = find(v, n, ci.si_pid)) != NULL)
			kill(-j->pid, SIGKILL);
		if (waitpid(ci.si_pid, &st, 0) < 0 || j == NULL)
			continue;
		reaped++;
		j->wstatus = st;
		/* To the microsecond. */
		j->wall_ms = (double)((monotonic_ns() - j->start_ns) / 1000) / 1e3;
		drain(j, 1);
		if (!interrupted && s->finish)
			s->finish(j, s->arg);
		discard(j);
		j->pid = -1;
	}
	return reaped;
}

int
supervise_run(struct supervise *s, struct supervise_job *v, size_t n)
{
	unsigned jobs = s->jobs ? s->jobs : 1;
	int capture = s->capture || (jobs > 1 && n > 1), interrupted = 0;
	size_t next = 0, running = 0;
	sigset_t set, old;

	block_signals(&set, &old);
	while (running > 0 || (next < n && !interrupted)) {
		int sig;

		while (!interrupted && running < jobs && next < n) {
			struct supervise_job *j = &v[next++];

			if (spawn(s, j, capture, &old) < 0) {
				/* Cannot start it: no verdict. */
				discard(j);
				j->pid = 0;
				s->failed++;
				continue;
			}
			running++;
		}
		if (running == 0)
			break;
		sig = next_signal(&set, enforce_deadlines(s, v, n));
		for (size_t i = 0; i < n; i++)
			if (v[i].pid > 0)
				drain(&v[i], 0);
		if (sig > 0 && sig != SIGCHLD && sig != SIGIO) {
			/* No verdict for what is running: stop it, finish nothing of it. */
			interrupted = sig;
			for (size_t i = 0; i < n; i++)
				if (v[i].pid > 0 && v[i].stop != SUPERVISE_KILL)
					stop_job(s, &v[i], sig, now_ms());
		}
		running -= reap(s, v, n, interrupted);
	}
	/* Every pipe is closed now; a SIGIO still pending would kill us once unblocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	while (sigtimedwait(&set, NULL, &(struct timespec){0, 0}) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return interrupted;
}

void
supervise_replay(int fd, FILE *out)
{
	char b[65536];
	ssize_t n;
	off_t off = 0;

	if (fd < 0)
		return;
	while ((n = pread(fd, b, sizeof(b), off)) > 0) {
		fwrite(b, 1, n, out);
		off += n;
	}
	fflush(out);
}

void
supervise_tail(int fd, size_t max, struct buf *out)
{
	char b[16384];
	struct stat st;
	off_t off;
	ssize_t n;
	size_t start, lines = 0;
	const char *nl;

	if (fd < 0 || max == 0 || fstat(fd, &st) < 0 || st.st_size == 0)
		return;
	off = st.st_size > (off_t)sizeof(b) ? st.st_size - (off_t)sizeof(b) : 0;
	if ((n = pread(fd, b, sizeof(b), off)) <= 0)
		return;
	/* Back from the end to just after the max-th newline; a final one ends, not starts, a line. */
	for (start = (size_t)n - (b[n - 1] == '\n'); start > 0; start--)
		if (b[start - 1] == '\n' && ++lines == max)
			break;
	/* Fewer lines than max in a window cut mid-line: drop the cut line. */
	if (start == 0 && off > 0 && (nl = memchr(b, '\n', (size_t)n - 1)) != NULL)
		start = (size_t)(nl - b) + 1;
	buf_add(out, b + start, (size_t)n - start);
}

int
supervise_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

void
supervise_verdict(const struct supervise *s, const struct supervise_job *j, const char *bad,
                  struct supervise_verdict *v)
{
	int st = j->wstatus, exited = WIFEXITED(st), ok;

	v->code = supervise_exit_code(st);
	ok = !j->timed_out && !bad && exited;
	v->skipped = ok && v->code == SUPERVISE_EXIT_SKIP;
	v->passed = v->skipped || (ok && v->code == 0);
	v->why[0] = '\0';
	if (j->timed_out) {
		if (s->timeout_ms % 1000 == 0)
			snprintf(v->why, sizeof v->why, "timed out after %llu s", s->timeout_ms / 1000);
		else
			snprintf(v->why, sizeof v->why, "timed out after %llu ms", s->timeout_ms);
	} else if (WIFSIGNALED(st)) {
		snprintf(v->why, sizeof v->why, "killed by signal %d", WTERMSIG(st));
	} else if (v->code != 0 && v->code != SUPERVISE_EXIT_SKIP) {
		snprintf(v->why, sizeof v->why, "exit status %d", v->code);
	} else if (bad) {
		snprintf(v->why, sizeof v->why, "%s", bad);
	}
}
