/*
 * lib/rundir: classification, paths, the lock, and run identity across
 * processes (doc/runs.md, Scenarios: one check per row).  Writers are
 * forked children; a child that calls setsid() is a new session, so a
 * new session token.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rundir/rundir.h"
#include "sidecar/sidecar.h"
#include "tap.h"
#include "util/util.h"

static char *base, *errlog;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (".", ".." excluded), sorted, space-separated. */
static char *
ls(const char *dir)
{
	char **v = NULL;
	size_t n = 0;
	struct buf b = BUF_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return estrdup("<missing>");
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			v = ereallocarray(v, n + 1, sizeof(*v));
			v[n++] = estrdup(de->d_name);
		}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, v[i]);
		free(v[i]);
	}
	free(v);
	return buf_detach(&b);
}

static size_t
count(const char *dir)
{
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += sidecar_is_candidate(de->d_name);
	closedir(d);
	return n;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) == EOF)
		die("cannot write %s:", path);
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;

	if (read_file(path, &b, 0) < 0)
		return estrdup("<missing>");
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

/* A fresh runs root with {root}/K holding an earlier run's sidecars. */
static char *
fresh_root(const char *name)
{
	char *root = path_join(base, name), *dir = path_join(root, "K");
	char *cmd = easprintf("rm -rf '%s'", root);

	if (system(cmd) != 0 || mkdir(root, 0777) < 0 || mkdir(dir, 0777) < 0)
		die("cannot make %s:", dir);
	free(cmd);
	for (int i = 0; i < 3; i++) {
		char *p = easprintf("%s/old%d-0000000000000000.ktstr.json", dir, i);

		put(p, "{}");
		free(p);
	}
	free(dir);
	return root;
}

/*
 * The computed run directory under root (CARGO_TARGET_DIR=root), with
 * the earlier run of fresh_root() copied into it.
 */
static char *
computed_dir(const char *root, const char *run_id)
{
	struct rundir_run run;
	struct buf err = BUF_INIT;
	char *dir, *cmd;

	setenv("CARGO_TARGET_DIR", root, 1);
	if (run_id)
		setenv("KTSTR_RUN_ID", run_id, 1);
	if (rundir_run_init(&run, &err) < 0)
		die("%s", err.s);
	unsetenv("KTSTR_RUN_ID");
	dir = estrdup(run.dir);
	rundir_run_free(&run);
	buf_free(&err);
	cmd = easprintf("mkdir -p '%s' && cp '%s'/K/* '%s'/", dir, root, dir);
	if (system(cmd) != 0)
		die("cannot copy the earlier run to %s", dir);
	free(cmd);
	return dir;
}

struct writer {
	const char *root;      /* KTSTR_SIDECAR_DIR-free root: {root}/K */
	const char *run_id;    /* KTSTR_RUN_ID, or NULL */
	const char *run_dir;   /* KTSTR_RUN_DIR, or NULL */
	const char *sidecar;   /* KTSTR_SIDECAR_DIR, or NULL */
	int new_session;
	const char *tag;
	int n;
	unsigned timeout_ms;
};

/*
 * A writer process: n sidecars tag{i}.  Exit 0, 1 when a write failed,
 * 2 when a marker warning was printed.
 */
static void
child(const struct writer *wr)
{
	struct rundir_run run;
	struct buf err = BUF_INIT;
	int status = 0;

	if (wr->new_session && setsid() < 0)
		_exit(3);
	if (freopen(errlog, "a", stderr) == NULL)
		_exit(3);
	unsetenv("KTSTR_RUN_ID");
	unsetenv("KTSTR_RUN_DIR");
	unsetenv("KTSTR_SIDECAR_DIR");
	if (wr->run_id)
		setenv("KTSTR_RUN_ID", wr->run_id, 1);
	if (wr->run_dir)
		setenv("KTSTR_RUN_DIR", wr->run_dir, 1);
	if (wr->sidecar)
		setenv("KTSTR_SIDECAR_DIR", wr->sidecar, 1);
	if (rundir_run_init(&run, &err) < 0) {
		fprintf(stderr, "# init: %s\n", err.s);
		_exit(4);
	}
	if (wr->timeout_ms)
		run.lock_timeout_ms = wr->timeout_ms;
	for (int i = 0; i < wr->n; i++) {
		char *name = easprintf("%s%d-0000000000000000.ktstr.json", wr->tag, i);

		buf_reset(&err);
		if (rundir_run_write(&run, name, "{}", 2, 0, &err) < 0) {
			fprintf(stdout, "# write: %s\n", err.s);
			status = 1;
		}
		free(name);
	}
	if (run.failed)
		status = 2;
	rundir_run_free(&run);
	fflush(NULL);
	_exit(status);
}

static pid_t
spawn(const struct writer *wr)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		die("fork:");
	if (pid == 0)
		child(wr);
	return pid;
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
run_writer(const struct writer *wr)
{
	return reap(spawn(wr));
}

static void
test_classify(void)
{
	static const struct {
		const char *v;
		enum rundir_kernel_kind k;
	} t[] = {
		{"6.14", RUNDIR_KERNEL_VERSION},
		{"6.14.2", RUNDIR_KERNEL_VERSION},
		{"6.15-rc3", RUNDIR_KERNEL_VERSION},
		{"6.14.2-rc1", RUNDIR_KERNEL_VERSION},
		{"v6.14", RUNDIR_KERNEL_CACHE_KEY},
		{"6", RUNDIR_KERNEL_CACHE_KEY},
		{"6.14-rc", RUNDIR_KERNEL_CACHE_KEY},
		{"6.14.2.1", RUNDIR_KERNEL_CACHE_KEY},
		{"6..14", RUNDIR_KERNEL_CACHE_KEY},
		{"6.14.2-tarball-x86_64-kc1a2b3c4d", RUNDIR_KERNEL_CACHE_KEY},
		{"linux", RUNDIR_KERNEL_CACHE_KEY},
		{"6.10..6.12", RUNDIR_KERNEL_RANGE},
		{"6.10..linux", RUNDIR_KERNEL_CACHE_KEY},
		{"git+https://host/linux.git#main", RUNDIR_KERNEL_GIT},
		{"git+https://host/linux.git#", RUNDIR_KERNEL_PATH},
		{"git+#main", RUNDIR_KERNEL_CACHE_KEY},
		{"git+x#y#z", RUNDIR_KERNEL_GIT},
		{"/abs/kernel", RUNDIR_KERNEL_PATH},
		{"../linux", RUNDIR_KERNEL_PATH},
		{".linux", RUNDIR_KERNEL_PATH},
		{"~/linux", RUNDIR_KERNEL_PATH},
		{"~linux", RUNDIR_KERNEL_PATH},
	};

	for (size_t i = 0; i < LEN(t); i++)
		is_int(rundir_kernel_classify(t[i].v), t[i].k, "classify '%s'", t[i].v);
}

static void
test_small(void)
{
	char *s, *tok;

	is_str(s = rundir_key(NULL, NULL), "unknown-unknown", "key of nothing");
	free(s);
	is_str(s = rundir_key("6.14", "abc1234-dirty"), "6.14-abc1234-dirty", "key");
	free(s);
	ok(rundir_run_id_valid("20251126T062700Z-41873-9f3c1a7e"), "run id valid");
	ok(!rundir_run_id_valid(""), "empty run id invalid");
	ok(!rundir_run_id_valid("a b"), "run id with space invalid");
	ok(!rundir_run_id_valid("a\x7f"), "run id with DEL invalid");
	char long_id[202];
	memset(long_id, 'x', 201);
	long_id[201] = '\0';
	ok(!rundir_run_id_valid(long_id), "201-byte run id invalid");
	long_id[200] = '\0';
	ok(rundir_run_id_valid(long_id), "200-byte run id valid");

	is_str(s = rundir_lock_path("target/ktstr/6.14-abc1234"),
	       "target/ktstr/.locks/6.14-abc1234.lock", "lock path");
	free(s);
	is_str(s = rundir_marker_path("/r/K/"), "/r/.locks/K.run", "marker path, trailing slash");
	free(s);
	is_str(s = rundir_lock_path("K"), ".locks/K.lock", "lock path of a bare name");
	free(s);
	is_str(s = rundir_lock_path("/K"), "/.locks/K.lock", "lock path under /");
	free(s);
	ok(rundir_lock_path("/") == NULL, "no lock path for /");
	ok(rundir_lock_path("a/..") == NULL, "no lock path for ..");

	const char *reason = NULL;
	is_str(rundir_fs_refused(0x6969, &reason), "NFS", "NFS refused");
	ok(reason && *reason, "with a reason");
	is_str(rundir_fs_refused(0xFF534D42, NULL), "CIFS/SMB", "SMB1 refused");
	is_str(rundir_fs_refused(0xFE534D42, NULL), "CIFS/SMB", "SMB2 refused");
	is_str(rundir_fs_refused(0x00C36400, NULL), "CephFS", "CephFS refused");
	is_str(rundir_fs_refused(0x6B414653, NULL), "AFS", "AFS refused");
	is_str(rundir_fs_refused(0x65735546, NULL), "FUSE", "FUSE refused");
	ok(rundir_fs_refused(0xEF53, NULL) == NULL, "ext4 accepted");
	ok(rundir_fs_refused(0x01021994, NULL) == NULL, "tmpfs accepted");

	tok = rundir_session_token();
	ok(strncmp(tok, "sid:", 4) == 0 && strchr(tok + 4, ':') && strchr(strchr(tok + 4, ':') + 1, ':'),
	   "session token has three fields: %s", tok);
	char *want = easprintf("sid:%ld:", (long)getsid(0));
	ok(strncmp(tok, want, strlen(want)) == 0, "session token starts with the session id");
	free(want);
	free(tok);
}

static void
test_init(void)
{
	struct rundir_run run;
	struct buf err = BUF_INIT;

	setenv("KTSTR_RUN_ID", "bad id", 1);
	ok(rundir_run_init(&run, &err) < 0 && strstr(err.s, "KTSTR_RUN_ID"), "invalid KTSTR_RUN_ID");
	unsetenv("KTSTR_RUN_ID");
	buf_reset(&err);
	setenv("KTSTR_RUN_DIR", "/x", 1);
	ok(rundir_run_init(&run, &err) < 0 && strstr(err.s, "without KTSTR_RUN_ID"),
	   "KTSTR_RUN_DIR without KTSTR_RUN_ID");
	setenv("KTSTR_RUN_ID", "r1", 1);
	setenv("KTSTR_RUN_SOURCE", "", 1);
	buf_reset(&err);
	ok(rundir_run_init(&run, &err) < 0 && strstr(err.s, "KTSTR_RUN_SOURCE"),
	   "empty KTSTR_RUN_SOURCE in a begun run");
	setenv("KTSTR_RUN_SOURCE", "ci", 1);
	setenv("KTSTR_PROJECT_COMMIT", "", 1);
	setenv("KTSTR_KERNEL_VERSION", "6.99", 1);
	setenv("KTSTR_KERNEL_COMMIT", "1234567", 1);
	setenv("KTSTR_PROJECT_COMMIT", "\xff", 1);
	buf_reset(&err);
	ok(rundir_run_init(&run, &err) < 0 && strstr(err.s, "UTF-8"), "non-UTF-8 probe variable");
	setenv("KTSTR_PROJECT_COMMIT", "", 1);
	if (ok(rundir_run_init(&run, &err) == 0, "begun run")) {
		is_int(run.branch, RUNDIR_BRANCH_RUN_DIR, "branch run-dir");
		is_str(run.dir, "/x", "dir is KTSTR_RUN_DIR");
		is_str(run.key, "x", "key is its leaf");
		is_str(run.token, "id:r1", "token from KTSTR_RUN_ID");
		ok(run.project_commit == NULL, "empty KTSTR_PROJECT_COMMIT is none");
		is_str(run.kernel_version, "6.99", "kernel version from the run");
		is_str(run.kernel_commit, "1234567", "kernel commit from the run");
		is_str(run.run_source, "ci", "run source from the run");
		rundir_run_free(&run);
	}
	setenv("KTSTR_SIDECAR_DIR", " ", 1);
	if (ok(rundir_run_init(&run, &err) == 0, "begun run with KTSTR_SIDECAR_DIR")) {
		is_int(run.branch, RUNDIR_BRANCH_SIDECAR_DIR, "override wins");
		is_str(run.dir, " ", "untrimmed");
		ok(run.key == NULL, "no key");
		is_str(run.kernel_version, "6.99", "probe variables still used");
		rundir_run_free(&run);
	}
	unsetenv("KTSTR_SIDECAR_DIR");
	unsetenv("KTSTR_RUN_DIR");
	setenv("KTSTR_RUN_SOURCE", "bogus", 1);
	setenv("KTSTR_KERNEL", "6.1", 1);
	if (ok(rundir_run_init(&run, &err) == 0, "KTSTR_RUN_ID alone: not a begun run")) {
		is_int(run.branch, RUNDIR_BRANCH_COMPUTED, "branch computed");
		is_str(run.kernel_version, "6.1", "probe variables ignored");
		is_str(run.run_source, "local", "KTSTR_RUN_SOURCE ignored");
		ok(strncmp(run.dir, "target/ktstr/6.1-", 17) == 0, "dir under the runs root: %s", run.dir);
		rundir_run_free(&run);
	}
	unsetenv("KTSTR_RUN_ID");
	unsetenv("KTSTR_RUN_SOURCE");
	unsetenv("KTSTR_PROJECT_COMMIT");
	unsetenv("KTSTR_KERNEL_VERSION");
	unsetenv("KTSTR_KERNEL_COMMIT");
	unsetenv("KTSTR_KERNEL");
	buf_free(&err);
}

static void
test_lock(void)
{
	char *root = fresh_root("lock"), *dir = path_join(root, "K"), *lock = rundir_lock_path(dir);
	struct buf err = BUF_INIT;
	char *pid = easprintf("pid=%ld cmd=", (long)getpid());
	struct rundir_held h;
	int hold;

	ok(rundir_lock(dir, 1000, &h, &err) == 0 && h.lock >= 0 && h.locks >= 0, "lock taken");
	rundir_unlock(&h);
	ok(h.lock < 0 && h.locks < 0 && h.leaf == NULL, "unlock closes both descriptors");
	hold = open(lock, O_RDWR);
	ok(hold >= 0 && flock(hold, LOCK_EX) == 0, "lock held elsewhere");
	ok(rundir_lock(dir, 250, &h, &err) < 0 && h.lock < 0, "busy lock times out");
	ok(strstr(err.s, "flock LOCK_EX on run-dir ") && strstr(err.s, "timed out after 250ms") &&
	       strstr(err.s, lock),
	   "timeout message names the directory and lock file");
	ok(strstr(err.s, pid) != NULL, "holders list this process: %s", err.s);
	close(hold);
	buf_reset(&err);
	ok(rundir_lock(dir, 250, &h, &err) == 0, "free again after the holder closes");
	rundir_unlock(&h);

	/* A planted symlink is never followed: no file appears where it points. */
	char *victim = path_join(root, "victim");
	unlink(lock);
	if (symlink(victim, lock) < 0)
		die("symlink:");
	buf_reset(&err);
	ok(rundir_lock(dir, 250, &h, &err) < 0 && strstr(err.s, "it is a symbolic link (refused)"),
	   "a symlinked lock file is refused: %s", err.s);
	ok(access(victim, F_OK) < 0 && errno == ENOENT, "a dangling lock symlink creates nothing");
	unlink(lock);
	free(victim);

	char *file = path_join(root, "file");
	char *under = path_join(file, "K");
	put(file, "");
	buf_reset(&err);
	ok(rundir_lock(under, 250, &h, &err) < 0 && strstr(err.s, "create lock subdirectory "),
	   "lock subdirectory cannot be made: %s", err.s);
	free(under);
	free(file);
	free(pid);
	free(lock);
	free(dir);
	free(root);
	buf_free(&err);
}

static void
test_preclear(void)
{
	char *root = fresh_root("preclear"), *dir = path_join(root, "K"), *s;
	const char *files[] = {"notes.json", "run.ktstr.log", ".a-0000000000000000.ktstr.json.77.0.tmp",
	                       ".ktstr.json.77.0123abcd.tmp", ".ktstr.json.tmp.77.0123abcd.tmp",
	                       "a-0000000000000000.ktstr.json.tmp.77.20260514T101112Z-0",
	                       ".other.tmp", "x.ktstr.json.tmp"};

	for (size_t i = 0; i < LEN(files); i++) {
		char *p = path_join(dir, files[i]);
		put(p, "x");
		free(p);
	}
	char *sub = path_join(dir, "job.ktstr.json");
	char *subf = path_join(sub, "in-0000000000000000.ktstr.json");
	char *link = path_join(dir, "link-0000000000000000.ktstr.json");
	char *dlink = path_join(dir, "dlink-0000000000000000.ktstr.json");
	char *dangle = path_join(dir, "dangle-0000000000000000.ktstr.json");
	mkdir(sub, 0777);
	put(subf, "{}");
	if (symlink("notes.json", link) < 0 || symlink("job.ktstr.json", dlink) < 0 ||
	    symlink("nowhere", dangle) < 0)
		die("symlink:");
	int dfd = dir_open(dir);

	rundir_preclear(dfd);
	close(dfd);
	is_str(s = ls(dir),
	       ".other.tmp dangle-0000000000000000.ktstr.json dlink-0000000000000000.ktstr.json "
	       "job.ktstr.json notes.json run.ktstr.log x.ktstr.json.tmp",
	       "pre-clear removes top-level sidecars, links to files and stale temporaries only");
	free(s);
	is_str(s = ls(sub), "in-0000000000000000.ktstr.json", "subdirectories are untouched");
	free(s);

	/* The descriptor, not the path: a directory swapped in meanwhile is not cleared. */
	char *moved = path_join(root, "K.moved"), *again = path_join(dir, "a-0000000000000000.ktstr.json");
	char *old = path_join(moved, "b-0000000000000000.ktstr.json");
	char *first = path_join(dir, "b-0000000000000000.ktstr.json");

	put(first, "{}");
	free(first);
	dfd = dir_open(dir);
	if (rename(dir, moved) < 0 || mkdir(dir, 0777) < 0)
		die("rename:");
	put(again, "{}");
	rundir_preclear(dfd);
	close(dfd);
	is_str(s = ls(dir), "a-0000000000000000.ktstr.json", "pre-clear does not follow a swapped path");
	free(s);
	ok(access(old, F_OK) < 0, "it clears the directory it opened");
	free(old);
	free(again);
	free(moved);
	free(sub);
	free(subf);
	free(link);
	free(dlink);
	free(dangle);
	free(dir);
	free(root);
}

struct thread_arg {
	struct rundir_run *run;
	int id;
	int failed;
};

static void *
thread_writer(void *p)
{
	struct thread_arg *a = p;
	struct buf err = BUF_INIT;

	for (int i = 0; i < 10; i++) {
		char *name = easprintf("t%d_%d-0000000000000000.ktstr.json", a->id, i);

		if (rundir_run_write(a->run, name, "{}", 2, 0, &err) < 0)
			a->failed = 1;
		free(name);
	}
	buf_free(&err);
	return NULL;
}

/* The scenarios of doc/runs.md, one block per row (13 is upstream's own writer, not testable here). */

/* Rows 1, 3, 5 and 6: a session starts a run, its later writers join, another session starts anew. */
static void
rows_start_join(const char *dir, const char *marker, const char *token, struct writer *wp)
{
	struct writer w = *wp;
	char *s, *want;

	/* 1: one process, many tests */
	w = (struct writer){.tag = "a", .n = 5};
	is_int(count(dir), 3, "row 1: three earlier sidecars");
	is_int(run_writer(&w), 0, "row 1: one process writes five sidecars");
	is_str(s = ls(dir),
	       "a0-0000000000000000.ktstr.json a1-0000000000000000.ktstr.json "
	       "a2-0000000000000000.ktstr.json a3-0000000000000000.ktstr.json "
	       "a4-0000000000000000.ktstr.json",
	       "row 1: all of its sidecars, none of the earlier run's");
	free(s);
	s = slurp(marker);
	want = easprintf("%s\n", token);
	is_str(s, want, "row 1: the marker names the session");
	free(want);
	free(s);

	/* 3: more processes from the same session join */
	w.tag = "b";
	w.n = 2;
	is_int(run_writer(&w), 0, "row 3: a second process of the session");
	is_int(count(dir), 7, "row 3: it joined: nothing cleared");

	/* 5: a second suite from the same shell joins too; a variant is replaced */
	w.tag = "a";
	w.n = 1;
	is_int(run_writer(&w), 0, "row 5: second suite, same session");
	is_int(count(dir), 7, "row 5: both suites' sidecars, the rewritten one once");

	/* 6: a suite from another session starts a new run */
	w.tag = "c";
	w.new_session = 1;
	is_int(run_writer(&w), 0, "row 6: a process in a new session");
	is_str(s = ls(dir), "c0-0000000000000000.ktstr.json", "row 6: only the new run's sidecars");
	free(s);
	s = slurp(marker);
	ok(strncmp(s, "sid:", 4) == 0 && strstr(s, token) != NULL &&
	       strncmp(s, token, strlen(token)) != 0,
	   "row 6: the new session first, the old one earlier");
	free(s);

	*wp = w;
}

/* Rows 10 and 14: a superseded writer writes on and clears nothing; a start removes leftovers. */
static void
rows_superseded(const char *dir, struct writer *wp)
{
	struct writer w = *wp;
	char *s, *want;

	/* 10: the old session is now superseded: it writes, warns, clears nothing */
	w.tag = "d";
	w.new_session = 0;
	is_int(run_writer(&w), 0, "row 10: a superseded writer still writes");
	is_str(s = ls(dir), "c0-0000000000000000.ktstr.json d0-0000000000000000.ktstr.json",
	       "row 10: nothing of the newer run is deleted");
	free(s);
	s = slurp(errlog);
	want = easprintf("rundir.t: warning: %s now belongs to a newer run; this process writes to it "
	                 "without pre-clear\n", dir);
	is_str(s, want, "row 10: one warning from the superseded writer");
	free(want);
	free(s);
	unlink(errlog);

	/* 14: a leftover temporary is removed by the next start, not by a join */
	{
		char *tmp = easprintf("%s/.c0-0000000000000000.ktstr.json.99.0.tmp", dir);

		put(tmp, "{");
		w.tag = "e";
		is_int(run_writer(&w), 0, "row 14: superseded writer");
		ok(access(tmp, F_OK) == 0, "row 14: a non-starting writer leaves the temporary");
		w.new_session = 1;
		is_int(run_writer(&w), 0, "row 14: a new run starts");
		ok(access(tmp, F_OK) < 0, "row 14: the start removed the leftover");
		free(tmp);
		w.new_session = 0;
	}

	*wp = w;
}

/* A marker that cannot be read: write without pre-clear, warn, exit 2. */
static void
marker_unreadable(const char *dir, const char *marker, struct writer *wp)
{
	struct writer w = *wp;
	char *s;

	{
		char *save = easprintf("%s.saved", marker);

		rename(marker, save);
		mkdir(marker, 0777);
		w.tag = "f";
		w.new_session = 1;
		is_int(run_writer(&w), 2, "unreadable marker: the writer reports it");
		s = slurp(errlog);
		ok(strstr(s, "warning: cannot read run marker ") && strstr(s, "(os error 21)"),
		   "unreadable marker: warning names marker and error");
		free(s);
		is_int(count(dir), 2, "unreadable marker: nothing cleared, the sidecar written");
		rmdir(marker);
		rename(save, marker);
		free(save);
		w.new_session = 0;
	}
}

/* The writers of one directory over time. */
static void
rows_one_session(void)
{
	char *root, *dir, *marker, *token = rundir_session_token();
	struct writer w = {0};

	root = fresh_root("row1");
	dir = computed_dir(root, NULL);
	marker = rundir_marker_path(dir);
	rows_start_join(dir, marker, token, &w);
	rows_superseded(dir, &w);
	marker_unreadable(dir, marker, &w);
	free(dir);
	free(marker);
	free(root);
	free(token);
}

/* Row 2: one process, parallel writers. */
static void
row_threads(void)
{
	char *root, *dir;

	/* 2: one process, parallel writers */
	root = fresh_root("row2");
	dir = computed_dir(root, NULL);
	{
		struct rundir_run run;
		struct buf err = BUF_INIT;
		pthread_t th[4];
		struct thread_arg a[4];
		int failed = 0;

		rundir_run_init(&run, &err);
		for (int i = 0; i < 4; i++) {
			a[i] = (struct thread_arg){&run, i, 0};
			pthread_create(&th[i], NULL, thread_writer, &a[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			failed |= a[i].failed;
		}
		ok(!failed, "row 2: four threads wrote");
		is_int(count(dir), 40, "row 2: all 40, none of the earlier run");
		rundir_run_free(&run);
		buf_free(&err);
	}
	free(dir);
	free(root);
}

/* Row 4: 8 processes x 50 tests at once, same session. */
static void
row_processes(void)
{
	char *root, *dir;
	struct writer w;

	/* 4: 8 processes x 50 tests at once, same session */
	root = fresh_root("row4");
	dir = computed_dir(root, NULL);
	{
		pid_t pids[8];
		int bad = 0;
		char tag[8][16];

		for (int i = 0; i < 8; i++) {
			snprintf(tag[i], sizeof(tag[i]), "p%d_", i);
			w = (struct writer){.tag = tag[i], .n = 50};
			pids[i] = spawn(&w);
		}
		for (int i = 0; i < 8; i++)
			bad |= reap(pids[i]) != 0;
		ok(!bad, "row 4: eight writers");
		is_int(count(dir), 400, "row 4: 400 of 400");
	}
	free(dir);
	free(root);
}

/* Rows 7, 8 and 12, and a begun run re-recording itself. */
static void
rows_begin(void)
{
	char *root, *marker, *s, *want;
	struct writer w;

	/* 7 and 8: --begin, then processes in any session join; a second --begin clears */
	root = fresh_root("row7");
	setenv("CARGO_TARGET_DIR", root, 1);
	{
		struct rundir_begin b;
		struct buf err = BUF_INIT;
		char id[256];

		setenv("KTSTR_KERNEL", "6.77", 1);
		ok(rundir_begin(&b, 1000, &err) == 0, "row 7: begin");
		unsetenv("KTSTR_KERNEL");
		ok(b.dir[0] == '/' && count(b.dir) == 0, "row 7: begin cleared %s", b.dir);
		snprintf(id, sizeof(id), "%s", b.run_id);
		s = slurp(marker = rundir_marker_path(b.dir));
		want = easprintf("id:%s\n", id);
		is_str(s, want, "row 7: marker records the run id");
		free(want);
		free(s);
		setenv("KTSTR_KERNEL_VERSION", "6.77", 1);
		w = (struct writer){.run_id = id, .run_dir = b.dir, .tag = "g", .n = 2};
		is_int(run_writer(&w), 0, "row 7: a process of the run");
		w.tag = "h";
		w.new_session = 1;
		is_int(run_writer(&w), 0, "row 7: another, in another session");
		is_int(count(b.dir), 4, "row 7: all joined");
		unsetenv("KTSTR_KERNEL_VERSION");

		/* 12: the override wins in a begun run; the exported values still apply */
		char *over = path_join(root, "over");
		w.sidecar = over;
		w.tag = "i";
		is_int(run_writer(&w), 0, "row 12: KTSTR_SIDECAR_DIR in a begun run");
		is_int(count(over), 2, "row 12: written to the override");
		is_int(count(b.dir), 4, "row 12: the run directory untouched");
		free(over);

		/* re-record: marker gone, the begun run records itself without clearing */
		unlink(marker);
		w = (struct writer){.run_id = id, .run_dir = b.dir, .tag = "j", .n = 1};
		is_int(run_writer(&w), 0, "re-record: marker removed mid-run");
		is_int(count(b.dir), 5, "re-record: nothing cleared");
		s = slurp(marker);
		want = easprintf("id:%s\n", id);
		is_str(s, want, "re-record: marker written again");
		free(want);
		free(s);

		struct rundir_begin b2;
		setenv("KTSTR_KERNEL", "6.77", 1);
		buf_reset(&err);
		ok(rundir_begin(&b2, 1000, &err) == 0, "row 8: second begin");
		unsetenv("KTSTR_KERNEL");
		is_str(b2.dir, b.dir, "row 8: same directory");
		is_int(count(b.dir), 0, "row 8: the second begin cleared the first run");
		s = slurp(marker);
		want = easprintf("id:%s\nid:%s\n", b2.run_id, id);
		is_str(s, want, "row 8: new run first, the earlier after it");
		free(want);
		free(s);
		free(marker);
		rundir_begin_free(&b2);
		rundir_begin_free(&b);
		buf_free(&err);
	}
	free(root);

	unsetenv("CARGO_TARGET_DIR");
}

/* Rows 9 and 10 with run ids, and the marker's nine lines. */
static void
rows_run_ids(void)
{
	char *root, *dir, *marker, *s;
	struct writer w;

	/* 9 and 10 with run ids: jobs sharing KTSTR_RUN_ID join; an older id is superseded */
	root = fresh_root("row9");
	dir = computed_dir(root, "A");
	marker = rundir_marker_path(dir);
	w = (struct writer){.run_id = "A", .tag = "a", .n = 1, .new_session = 1};
	is_int(run_writer(&w), 0, "row 9: first job");
	w.tag = "b";
	is_int(run_writer(&w), 0, "row 9: second job, other session, same id");
	is_str(s = ls(dir), "a0-0000000000000000.ktstr.json b0-0000000000000000.ktstr.json",
	       "row 9: all jobs' sidecars");
	free(s);
	w = (struct writer){.run_id = "B", .tag = "c", .n = 1};
	is_int(run_writer(&w), 0, "row 10: run B starts");
	w = (struct writer){.run_id = "A", .tag = "d", .n = 1};
	is_int(run_writer(&w), 0, "row 10: A writes on, superseded");
	is_str(s = ls(dir), "c0-0000000000000000.ktstr.json d0-0000000000000000.ktstr.json",
	       "row 10: B's sidecars plus what A wrote after B started");
	free(s);
	is_str(s = slurp(marker), "id:B\nid:A\n", "row 10: marker unchanged by A");
	free(s);

	/* the marker keeps nine lines, the new token first, no duplicates */
	put(marker, "id:x1\n\nid:x2\nid:C\nid:x3\nid:x4\nid:x5\nid:x6\nid:x7\nid:x8\nid:x9\nid:x10");
	w = (struct writer){.run_id = "C", .tag = "e", .n = 1};
	is_int(run_writer(&w), 0, "marker: C is an earlier token: superseded");
	w.run_id = "D";
	is_int(run_writer(&w), 0, "marker: D starts");
	is_str(s = slurp(marker), "id:D\nid:x1\nid:x2\nid:C\nid:x3\nid:x4\nid:x5\nid:x6\nid:x7\n",
	       "marker: nine lines, newest first");
	free(s);
	put(marker, "id:x1\nid:E\n");
	w.run_id = "E";
	is_int(run_writer(&w), 0, "marker: E superseded");
	put(marker, "id:x1\n");
	w.run_id = "E2";
	is_int(run_writer(&w), 0, "marker: E2 starts");
	is_str(s = slurp(marker), "id:E2\nid:x1\n", "marker: replaced atomically");
	free(s);
	free(marker);
	free(dir);
	free(root);
}

/* Row 11: KTSTR_SIDECAR_DIR: no lock, no marker, nothing deleted. */
static void
row_override(void)
{
	char *root, *dir, *s;
	struct writer w;

	/* 11: KTSTR_SIDECAR_DIR: no lock, no marker, nothing deleted */
	root = fresh_root("row11");
	dir = path_join(root, "K");
	{
		char *tmp = easprintf("%s/.old0-0000000000000000.ktstr.json.1.0.tmp", dir);

		put(tmp, "{");
		w = (struct writer){.sidecar = dir, .tag = "old", .n = 1, .new_session = 1};
		is_int(run_writer(&w), 0, "row 11: override writer");
		is_int(count(dir), 3, "row 11: everything ever written stays, same name replaced");
		ok(access(tmp, F_OK) == 0, "row 11: leftovers are never removed");
		s = path_join(root, ".locks");
		ok(access(s, F_OK) < 0, "row 11: no lock or marker");
		free(s);
		free(tmp);
	}
	free(dir);
	free(root);
}

/* Row 15: the lock stays busy: that sidecar is missing, the others are written. */
static void
row_busy_lock(void)
{
	char *root, *dir;
	struct writer w;

	/* 15: the lock stays busy: that sidecar is missing, the others are written */
	root = fresh_root("row15");
	dir = path_join(root, "K");
	{
		char *lock = rundir_lock_path(dir), *locks = path_join(root, ".locks");
		int hold;

		mkdir(locks, 0777);
		hold = open(lock, O_RDWR | O_CREAT, 0666);
		ok(hold >= 0 && flock(hold, LOCK_EX) == 0, "row 15: lock held");
		w = (struct writer){.run_id = "L", .run_dir = dir, .tag = "l", .n = 1, .timeout_ms = 200};
		is_int(run_writer(&w), 1, "row 15: the write fails after the timeout");
		close(hold);
		is_int(run_writer(&w), 0, "row 15: the next write goes through");
		free(lock);
		free(locks);
	}
	free(dir);
	free(root);
}

static void
test_rows(void)
{
	rows_one_session();
	row_threads();
	row_processes();
	rows_begin();
	rows_run_ids();
	row_override();
	row_busy_lock();
}

static void
test_write_errors(void)
{
	struct rundir_run run;
	struct buf err = BUF_INIT;
	char *file = path_join(base, "plainfile"), *dir = path_join(file, "sub"), *s, *s2;

	put(file, "");
	setenv("KTSTR_SIDECAR_DIR", dir, 1);
	rundir_run_init(&run, &err);
	ok(rundir_run_write(&run, "t-0000000000000000.ktstr.json", "{}", 2, 0, &err) < 0 &&
	       strncmp(err.s, "create sidecar dir ", 19) == 0 && strstr(err.s, "(os error 20)"),
	   "mkdir failure: %s", err.s);
	rundir_run_free(&run);
	free(dir);
	/* a directory in the way of the rename: fails as root too */
	dir = path_join(base, "blocked");
	s = path_join(dir, "t-0000000000000000.ktstr.json");
	if (mkdir(dir, 0777) < 0 || mkdir(s, 0777) < 0)
		die("mkdir:");
	setenv("KTSTR_SIDECAR_DIR", dir, 1);
	rundir_run_init(&run, &err);
	buf_reset(&err);
	ok(rundir_run_write(&run, "t-0000000000000000.ktstr.json", "{}", 2, 1, &err) < 0 &&
	       strncmp(err.s, "write skip sidecar ", 19) == 0 &&
	       strstr(err.s, "/blocked/t-0000000000000000.ktstr.json: Is a directory (os error 21)"),
	   "write failure, skip label: %s", err.s);
	is_str(s2 = ls(dir), "t-0000000000000000.ktstr.json", "no temporary file is left behind");
	free(s2);
	rundir_run_free(&run);
	unsetenv("KTSTR_SIDECAR_DIR");
	free(s);
	free(dir);
	free(file);
	buf_free(&err);
}

int
main(void)
{
	char tmpl[] = "/tmp/rundir-unit.XXXXXX";

	setprogname("rundir.t");
	signal(SIGPIPE, SIG_DFL);
	if ((base = mkdtemp(tmpl)) == NULL)
		die("mkdtemp:");
	errlog = path_join(base, "stderr");
	unsetenv("KTSTR_SIDECAR_DIR");
	unsetenv("KTSTR_RUN_ID");
	unsetenv("KTSTR_RUN_DIR");
	unsetenv("KTSTR_KERNEL");
	unsetenv("CARGO_TARGET_DIR");
	/* probe once here: the forked writers inherit the cached commit */
	rundir_project_commit();

	test_classify();
	test_small();
	test_init();
	test_lock();
	test_preclear();
	test_rows();
	test_write_errors();

	char *cmd = easprintf("rm -rf '%s'", base);
	if (tap_failed == 0 && system(cmd) != 0)
		warning("cannot remove %s", base);
	free(cmd);
	return done_testing();
}
