/*
 * rundir: run directories (doc/runs.md): the run key, run identity
 * across processes, writing a sidecar, --begin, the run listing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"
#include "rundir_int.h"
#include "json/json.h"
#include "sidecar/sidecar.h"
#include "util/utf8.h"
#include "util/util.h"

const char *
rundir_run_source(void)
{
	return rundir_env("KTSTR_CI") ? "ci" : "local";
}

char *
rundir_key(const char *kernel, const char *commit)
{
	return easprintf("%s-%s", kernel ? kernel : "unknown", commit ? commit : "unknown");
}

/* ---- Run identity ------------------------------------------------------ */

int
rundir_run_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n < 1 || n > 200)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e)
			return 0;
	return 1;
}

/* The session leader's start time: field 22 of /proc/{sid}/stat, or NULL. */
static char *
session_start_time(pid_t sid)
{
	char path[64], *out = NULL;
	struct buf b = BUF_INIT;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)sid);
	if (read_file(path, &b, 1u << 16) == 0 && b.len > 0) {
		/* the command name may hold spaces and ')': cut after the last ')' */
		char *p = memrchr(b.s, ')', b.len), *end = b.s + b.len, *sp;
		int field = 3;

		if (p != NULL && end - p >= 2 && p[1] == ' ') {
			for (p += 2; field < 22 && (sp = memchr(p, ' ', end - p)) != NULL; field++)
				p = sp + 1;
			if (field == 22) {
				sp = memchr(p, ' ', end - p);
				if ((sp ? sp : end) > p)
					out = estrndup(p, (sp ? sp : end) - p);
			}
		}
	}
	buf_free(&b);
	return out;
}

/* The boot id, or NULL. */
static char *
boot_id(void)
{
	struct buf b = BUF_INIT;
	char *out = NULL;
	size_t i = 0, n;

	if (read_file("/proc/sys/kernel/random/boot_id", &b, 4096) == 0 && b.len > 0) {
		n = b.len;
		while (i < n && rundir_ascii_space(b.s[i]))
			i++;
		while (n > i && rundir_ascii_space(b.s[n - 1]))
			n--;
		out = n > i ? estrndup(b.s + i, n - i) : NULL;
		for (size_t j = i; out && j < n; j++)
			if ((unsigned char)b.s[j] < 0x21 || (unsigned char)b.s[j] > 0x7e) {
				free(out);
				out = NULL;
			}
	}
	buf_free(&b);
	return out;
}

char *
rundir_session_token(void)
{
	pid_t sid = getsid(0);
	char *t = sid >= 0 ? session_start_time(sid) : NULL;
	char *b = boot_id();
	char *tok = easprintf("sid:%ld:%s:%s", (long)sid, t ? t : "?", b ? b : "?");

	free(t);
	free(b);
	return tok;
}

const char *
rundir_branch_name(enum rundir_branch b)
{
	switch (b) {
	case RUNDIR_BRANCH_SIDECAR_DIR:
		return "sidecar-dir";
	case RUNDIR_BRANCH_RUN_DIR:
		return "run-dir";
	case RUNDIR_BRANCH_COMPUTED:
		break;
	}
	return "computed";
}

/*
 * In a begun run, a probe variable that is present replaces the
 * probe.  1 when it did (*out NULL for an empty value), 0 when absent,
 * -1 (usage error in err) when it is not UTF-8.
 */
static int
probe_var(const char *name, char **out, struct buf *err)
{
	const char *v = getenv(name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!utf8_valid(v, strlen(v))) {
		buf_printf(err, "%s is not valid UTF-8", name);
		return -1;
	}
	if (*v != '\0')
		*out = estrdup(v);
	return 1;
}

int
rundir_run_init(struct rundir_run *run, struct buf *err)
{
	const char *id = getenv("KTSTR_RUN_ID"), *rdir = getenv("KTSTR_RUN_DIR"), *sd;
	char *rs = NULL;
	int have;

	memset(run, 0, sizeof(*run));
	pthread_mutex_init(&run->mu, NULL);
	run->lock_timeout_ms = RUNDIR_LOCK_TIMEOUT_MS;
	if (id != NULL && *id == '\0')
		id = NULL;
	if (rdir != NULL && *rdir == '\0')
		rdir = NULL;
	if (id != NULL && !rundir_run_id_valid(id)) {
		buf_printf(err, "invalid KTSTR_RUN_ID (1 to 200 printable ASCII characters, no space)");
		goto fail;
	}
	if (rdir != NULL && id == NULL) {
		buf_printf(err, "KTSTR_RUN_DIR is set without KTSTR_RUN_ID");
		goto fail;
	}
	run->begun = id != NULL && rdir != NULL;
	run->token = id ? easprintf("id:%s", id) : rundir_session_token();

	run->run_source = rundir_run_source();
	if (run->begun) {
		if ((have = probe_var("KTSTR_RUN_SOURCE", &rs, err)) < 0)
			goto fail;
		if (have) {
			if (rs == NULL || (strcmp(rs, "ci") != 0 && strcmp(rs, "local") != 0)) {
				buf_printf(err, "invalid KTSTR_RUN_SOURCE '%s' (ci or local)", rs ? rs : "");
				goto fail;
			}
			run->run_source = strcmp(rs, "ci") == 0 ? "ci" : "local";
		}
		if ((have = probe_var("KTSTR_PROJECT_COMMIT", &run->project_commit, err)) < 0)
			goto fail;
		if (!have && rundir_project_commit())
			run->project_commit = estrdup(rundir_project_commit());
		if ((have = probe_var("KTSTR_KERNEL_VERSION", &run->kernel_version, err)) < 0)
			goto fail;
		if (!have)
			run->kernel_version = rundir_kernel_version();
		if ((have = probe_var("KTSTR_KERNEL_COMMIT", &run->kernel_commit, err)) < 0)
			goto fail;
		if (!have && rundir_kernel_commit())
			run->kernel_commit = estrdup(rundir_kernel_commit());
	} else {
		if (rundir_project_commit())
			run->project_commit = estrdup(rundir_project_commit());
		run->kernel_version = rundir_kernel_version();
		if (rundir_kernel_commit())
			run->kernel_commit = estrdup(rundir_kernel_commit());
	}
	free(rs);

	if ((sd = rundir_env("KTSTR_SIDECAR_DIR")) != NULL) {
		run->branch = RUNDIR_BRANCH_SIDECAR_DIR;
		run->dir = estrdup(sd);
	} else if (run->begun) {
		run->branch = RUNDIR_BRANCH_RUN_DIR;
		run->dir = estrdup(rdir);
		run->key = rundir_leaf(rdir);
	} else {
		char *root = sidecar_runs_root();

		run->branch = RUNDIR_BRANCH_COMPUTED;
		run->key = rundir_key(run->kernel_version, run->project_commit);
		run->dir = easprintf("%s/%s", root, run->key);
		free(root);
	}
	return 0;
fail:
	free(rs);
	rundir_run_free(run);
	return -1;
}

void
rundir_run_free(struct rundir_run *run)
{
	free(run->dir);
	free(run->key);
	free(run->token);
	free(run->project_commit);
	free(run->kernel_version);
	free(run->kernel_commit);
	pthread_mutex_destroy(&run->mu);
	memset(run, 0, sizeof(*run));
}

/* The unknown-commit warning, at most once per process. */
static void
warn_unknown(const char *dir)
{
	static int warned;

	if (warned)
		return;
	warned = 1;
	warning("warning: the project commit could not be determined (the current directory "
	     "is not in a git repository, or its HEAD cannot be read), so every such run at "
	     "this kernel shares and overwrites %s; set KTSTR_SIDECAR_DIR to a unique path per "
	     "run, or run from inside a git repository that has at least one commit",
	     dir);
}

void
rundir_warn_unknown_commit(const struct rundir_run *run)
{
	if (run->branch == RUNDIR_BRANCH_COMPUTED && run->project_commit == NULL)
		warn_unknown(run->dir);
}

/*
 * Start, join, superseded or re-record (doc/runs.md, Run identity):
 * under the lock h, at the first write of the process.
 */
static void
decide(struct rundir_run *run, const struct rundir_held *h, int dirfd)
{
	char *path = rundir_marker_path(run->dir);
	struct rundir_marker m = {0};
	struct buf err = BUF_INIT;
	char e[128];

	if (rundir_marker_read(h, &m) < 0) {
		warning("warning: cannot read run marker %s: %s; writing to %s without pre-clear", path,
		        os_error(errno, e, sizeof(e)), run->dir);
		run->failed = 1;
		goto out;
	}
	if (m.n > 0 && strcmp(m.lines[0], run->token) == 0)
		goto out; /* join */
	for (size_t i = 1; i < m.n; i++)
		if (strcmp(m.lines[i], run->token) == 0) {
			warning("warning: %s now belongs to a newer run; this process writes to it "
			     "without pre-clear",
			     run->dir);
			goto out;
		}
	/* start; a begun run re-records itself: --begin already cleared */
	if (run->branch == RUNDIR_BRANCH_COMPUTED)
		rundir_preclear(dirfd);
	if (rundir_marker_replace(h, path, run->token, &m, &err) < 0) {
		warning("warning: %s", err.s);
		run->failed = 1;
	}
out:
	buf_free(&err);
	rundir_marker_free(&m);
	free(path);
}

/*
 * mkdir -p dir and open it to work in; -1 with "{what}: {cause}" in
 * err.  A symlink in its place is refused: pre-clear would delete, and
 * the writer write, wherever it points.
 */
static int
open_run_dir(const char *dir, struct buf *err)
{
	char e[128];
	int fd;

	if (rundir_mkdir_p(dir) < 0) {
		buf_printf(err, "create sidecar dir %s: %s", dir, os_error(errno, e, sizeof(e)));
		return -1;
	}
	if ((fd = dir_open(dir)) < 0)
		buf_printf(err, "open sidecar dir %s: %s", dir, os_error(errno, e, sizeof(e)));
	return fd;
}

int
rundir_run_write(struct rundir_run *run, const char *name, const void *data, size_t len,
                 int skip, struct buf *err)
{
	const char *label = skip ? "skip sidecar" : "sidecar";
	struct rundir_held h = {-1, -1, NULL};
	char e[128];
	int dirfd, rc = -1;

	pthread_mutex_lock(&run->mu);
	if ((dirfd = open_run_dir(run->dir, err)) < 0)
		goto out;
	if (run->branch != RUNDIR_BRANCH_SIDECAR_DIR) {
		if (rundir_lock(run->dir, run->lock_timeout_ms, &h, err) < 0)
			goto out;
		if (!run->decided) {
			run->decided = 1;
			decide(run, &h, dirfd);
		}
	}
	/* The temporary name is short: any name that fits NAME_MAX can be written. */
	if (file_replace_at(dirfd, name, RUNDIR_TEMP_PREFIX, data, len) < 0) {
		char *path = path_join(run->dir, name);

		buf_printf(err, "write %s %s: %s", label, path, os_error(errno, e, sizeof(e)));
		free(path);
		goto out;
	}
	rc = 0;
out:
	rundir_unlock(&h);
	if (dirfd >= 0)
		close(dirfd);
	pthread_mutex_unlock(&run->mu);
	return rc;
}

/* ---- --begin ----------------------------------------------------------- */

int
rundir_begin(struct rundir_begin *b, unsigned timeout_ms, struct buf *err)
{
	char *cwd = getcwd(NULL, 0), *dir = NULL, *path = NULL, stamp[32], e[128];
	const char *sd, *pc, *kc;
	time_t now = time(NULL);
	struct rundir_marker m = {0};
	struct rundir_held h = {-1, -1, NULL};
	struct tm tm;
	int dirfd = -1, rc = -1;

	memset(b, 0, sizeof(*b));
	pc = rundir_project_commit();
	b->project_commit = pc ? estrdup(pc) : NULL;
	b->kernel_version = rundir_kernel_version();
	kc = rundir_kernel_commit();
	b->kernel_commit = kc ? estrdup(kc) : NULL;
	b->run_source = rundir_run_source();
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	b->run_id = easprintf("%s-%ld-%08lx", stamp, (long)getpid(), (unsigned long)random_u32());

	if ((sd = rundir_env("KTSTR_SIDECAR_DIR")) != NULL) {
		dir = estrdup(sd);
	} else {
		char *root = sidecar_runs_root(), *key = rundir_key(b->kernel_version, b->project_commit);
		char *token = easprintf("id:%s", b->run_id);

		dir = easprintf("%s/%s", root, key);
		free(root);
		free(key);
		if (pc == NULL)
			warn_unknown(dir);
		if ((dirfd = open_run_dir(dir, err)) >= 0 && rundir_lock(dir, timeout_ms, &h, err) == 0) {
			path = rundir_marker_path(dir);
			if (rundir_marker_read(&h, &m) < 0) {
				buf_printf(err, "read run marker %s: %s", path, os_error(errno, e, sizeof(e)));
			} else {
				rundir_preclear(dirfd);
				if (rundir_marker_replace(&h, path, token, &m, err) == 0)
					rc = 0;
			}
			rundir_unlock(&h);
		}
		if (dirfd >= 0)
			close(dirfd);
		free(token);
		if (rc < 0)
			goto out;
	}
	if (dir[0] == '/') {
		b->dir = dir;
		dir = NULL;
	} else if (cwd == NULL) {
		buf_printf(err, "cannot get the current directory: %s", os_error(errno, e, sizeof(e)));
		rc = -1;
		goto out;
	} else {
		b->dir = path_join(cwd, dir);
	}
	rc = 0;
out:
	rundir_marker_free(&m);
	free(path);
	free(dir);
	free(cwd);
	if (rc < 0)
		rundir_begin_free(b);
	return rc;
}

void
rundir_begin_free(struct rundir_begin *b)
{
	free(b->run_id);
	free(b->dir);
	free(b->project_commit);
	free(b->kernel_version);
	free(b->kernel_commit);
	memset(b, 0, sizeof(*b));
}

/* ---- Listing ------------------------------------------------------------ */

struct listed {
	struct rundir_row row;
	int has_time;
	struct timespec mtime;
};

static int
listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	if (x->has_time != y->has_time)
		return y->has_time - x->has_time;
	if (x->has_time) {
		if (x->mtime.tv_sec != y->mtime.tv_sec)
			return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
		if (x->mtime.tv_nsec != y->mtime.tv_nsec)
			return x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 1;
	}
	return strcmp(x->row.run, y->row.run);
}

int
rundir_list(const char *root, struct rundir_row **rows, size_t *n)
{
	char **names;
	long count = sidecar_list_runs(root, &names);
	struct listed *l;

	*rows = NULL;
	*n = 0;
	if (count < 0)
		return -1;
	l = ecalloc(count, sizeof(*l));
	for (long i = 0; i < count; i++) {
		char *dir = path_join(root, names[i]);
		struct sidecar_set set = {0};
		struct stat st;

		l[i].row.run = estrdup(names[i]);
		if (lstat(dir, &st) == 0) {
			l[i].has_time = 1;
			l[i].mtime = st.st_mtim;
		}
		sidecar_walk_run(dir, names[i], 0, 0, &set);
		l[i].row.tests = (long)set.n;
		for (size_t j = 0; j < set.n; j++) {
			const char *ts = sidecar_str(set.v[j], "timestamp");
			const struct json_value *host = sidecar_get(set.v[j], "host"), *arch;

			if (ts && *ts && (l[i].row.date == NULL || strcmp(ts, l[i].row.date) < 0)) {
				free(l[i].row.date);
				l[i].row.date = estrdup(ts);
			}
			arch = host ? json_get(host, "arch") : NULL;
			if (l[i].row.arch == NULL && arch && arch->type == JSON_STRING)
				l[i].row.arch = estrdup(arch->u.str.s);
		}
		sidecar_set_free(&set);
		free(dir);
	}
	sidecar_free_names(names, count);
	if (count > 1)
		qsort(l, count, sizeof(*l), listed_cmp);
	*rows = ecalloc(count, sizeof(**rows));
	for (long i = 0; i < count; i++)
		(*rows)[i] = l[i].row;
	*n = count;
	free(l);
	return 0;
}

void
rundir_rows_free(struct rundir_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].run);
		free(rows[i].date);
		free(rows[i].arch);
	}
	free(rows);
}
