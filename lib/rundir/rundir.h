/*
 * rundir: where runs live and how a sidecar gets into one: the probes
 * (kernel version, project commit, kernel commit, run source), the run
 * key, the run-directory lock, pre-clear, run identity across processes
 * and the run listing.  doc/runs.md states the rules; ktstr-rundir(1)
 * what a user sees.  The runs root itself is sidecar_runs_root() of
 * sidecar/sidecar.h.
 *
 * A sidecar writer (ktstr-test) uses it like this:
 *
 *	struct rundir_run run;
 *	struct buf err = BUF_INIT;
 *
 *	if (rundir_run_init(&run, &err) < 0)
 *		die("%s", err.s);                  // usage error, exit 2
 *	rundir_warn_unknown_commit(&run);          // computed directory only
 *	... for each test:
 *		if (rundir_run_write(&run, name, bytes, len, skip, &err) < 0)
 *			warning("%s", err.s), status = 2;  // the error chain
 *	if (run.failed)
 *		status = 2;                        // a marker problem was warned about
 *	rundir_run_free(&run);
 *
 * Messages left in a struct buf are one "context: cause" chain without
 * the program prefix; warnings the library prints itself go through
 * warning() and so carry it.
 */
#ifndef KTSTR_RUNDIR_H
#define KTSTR_RUNDIR_H

#include <pthread.h>
#include <stddef.h>

#include "util/util.h"

/* How long a writer polls a busy run-directory lock. */
#define RUNDIR_LOCK_TIMEOUT_MS 30000u

/* ---- Probes ---------------------------------------------------------- */

/* What a (trimmed) KTSTR_KERNEL value names, tried in this order (doc/runs.md, Probes). */
enum rundir_kernel_kind {
	RUNDIR_KERNEL_GIT,       /* git+URL#REF: no version */
	RUNDIR_KERNEL_RANGE,     /* A..B: no version */
	RUNDIR_KERNEL_PATH,      /* a kernel or cache-entry directory */
	RUNDIR_KERNEL_VERSION,   /* 6.14, 6.14.2, 6.15-rc3: taken verbatim */
	RUNDIR_KERNEL_CACHE_KEY, /* anything else: a kernel-cache entry */
};
enum rundir_kernel_kind rundir_kernel_classify(const char *v);

/* KTSTR_KERNEL, Unicode-whitespace trimmed; NULL when none.  Caller frees. */
char *rundir_kernel_env(void);

/*
 * The kernel cache root: KTSTR_CACHE_DIR, $XDG_CACHE_HOME/ktstr/kernels
 * or $HOME/.cache/ktstr/kernels; NULL when it cannot be resolved.
 * Caller frees.
 */
char *rundir_cache_root(void);

/*
 * The kernel version named by KTSTR_KERNEL, or NULL; NULL too for a
 * version that is not one safe path component (path_component_ok, at
 * most 128 bytes), since it names the run directory.  Caller frees.
 */
char *rundir_kernel_version(void);

/*
 * The commit ("abc1234" or "abc1234-dirty") of the kernel source
 * tree KTSTR_KERNEL leads to, or NULL.  Cached per canonical directory
 * for the life of the process; the string belongs to the cache.
 */
const char *rundir_kernel_commit(void);

/*
 * HEAD's short hash and the dirty check for the repository at (or,
 * with walk_up, above) dir: the only place this library reads git.
 */
enum rundir_commit_status {
	RUNDIR_COMMIT_FOUND,   /* str holds "abc1234" or "abc1234-dirty" */
	RUNDIR_COMMIT_NO_REPO, /* no repository (or not at dir, without walk-up) */
	RUNDIR_COMMIT_NO_HEAD, /* HEAD unborn, dangling or unreadable */
};
struct rundir_commit {
	enum rundir_commit_status status;
	int dirty;
	char str[32];
	char why[256]; /* one-line reason when not found */
};
void rundir_probe_commit(const char *dir, int walk_up, struct rundir_commit *out);

/*
 * The project commit from the cwd, or NULL.  Probed once per
 * process (a "none" result included); the string is static.
 */
const char *rundir_project_commit(void);

/* "ci" when KTSTR_CI is set, valid UTF-8 and non-empty, else "local". */
const char *rundir_run_source(void);

/* (kernel or "unknown") "-" (commit or "unknown").  Caller frees. */
char *rundir_key(const char *kernel, const char *commit);

/* ---- Run identity (doc/runs.md) --------------------------------------- */

/* A valid KTSTR_RUN_ID: 1 to 200 bytes, each 0x21-0x7e. */
int rundir_run_id_valid(const char *id);

/* "sid:{S}:{T}:{B}" for this process: session, its leader's start, boot id.  Caller frees. */
char *rundir_session_token(void);

/* Which rule chose the directory; named as in `ktstr-rundir --json`. */
enum rundir_branch {
	RUNDIR_BRANCH_SIDECAR_DIR, /* KTSTR_SIDECAR_DIR: no lock, marker, pre-clear */
	RUNDIR_BRANCH_RUN_DIR,     /* KTSTR_RUN_DIR of a begun run */
	RUNDIR_BRANCH_COMPUTED,    /* {runs root}/{key} */
};
const char *rundir_branch_name(enum rundir_branch b); /* "sidecar-dir", "run-dir", "computed" */

/*
 * Everything a writer decides once per process, before its first test.
 * The probe strings are NULL for none.  In a begun run each probe
 * variable present in the environment replaces its probe.
 */
struct rundir_run {
	enum rundir_branch branch;
	char *dir;            /* where sidecars go, as the branch gives it */
	char *key;            /* computed key or leaf of KTSTR_RUN_DIR; NULL on sidecar-dir */
	char *token;          /* the run token */
	int begun;            /* KTSTR_RUN_ID and KTSTR_RUN_DIR both set */
	char *project_commit;
	char *kernel_version;
	char *kernel_commit;
	const char *run_source; /* "ci" or "local" */
	unsigned lock_timeout_ms; /* RUNDIR_LOCK_TIMEOUT_MS; tests shorten it */
	int failed;           /* a marker warning was printed: the writer must exit 2 */

	/* private to rundir.c */
	pthread_mutex_t mu;
	int decided;
	unsigned long nwrites;
};

/*
 * Check the run variables, compute the token, take the probes and
 * choose the directory.  Returns 0, or -1 with a usage error
 * in err (invalid KTSTR_RUN_ID, KTSTR_RUN_DIR without it, a bad
 * KTSTR_RUN_SOURCE or non-UTF-8 probe variable in a begun run).
 * Creates nothing and prints nothing.
 */
int rundir_run_init(struct rundir_run *run, struct buf *err);
void rundir_run_free(struct rundir_run *run);

/*
 * On the computed branch with no project commit, the one-line warning
 * that every such run of this kernel shares one directory (at most once
 * per process).
 */
void rundir_warn_unknown_commit(const struct rundir_run *run);

/*
 * Write data[0..len) as dir/name atomically.  mkdir -p the directory;
 * except on the sidecar-dir branch take the lock and, at the process's
 * first write, decide start, join or superseded (a start pre-clears the
 * previous run's top-level sidecars; doc/runs.md, Run identity).  skip
 * labels errors "skip sidecar" instead of "sidecar".  Returns 0, or -1
 * with the error chain in err; the lock is released either way.  Safe
 * to call from several threads.
 */
int rundir_run_write(struct rundir_run *run, const char *name, const void *data, size_t len,
                     int skip, struct buf *err);

/* ---- ktstr-rundir --begin -------------------------------------------- */

struct rundir_begin {
	char *run_id;
	char *dir;            /* absolute */
	char *project_commit; /* NULL for none */
	char *kernel_version;
	char *kernel_commit;
	const char *run_source;
};

/*
 * Probe, make the run id, and unless KTSTR_SIDECAR_DIR is in effect:
 * mkdir -p, lock, pre-clear, record "id:{run id}" in the marker.  Prints
 * the unknown-commit warning itself.  Returns 0, or -1 with the error
 * in err.
 */
int rundir_begin(struct rundir_begin *b, unsigned timeout_ms, struct buf *err);
void rundir_begin_free(struct rundir_begin *b);

/* ---- Lock, marker, pre-clear ------------------------------------------ */

/*
 * {parent(dir)}/.locks/{leaf(dir)}.lock and .run; NULL when dir has no
 * parent or leaf.  Caller frees.
 */
char *rundir_lock_path(const char *dir);
char *rundir_marker_path(const char *dir);

/*
 * A held run-directory lock: the flock'd file, and the .locks/
 * directory it is in, where the run marker lives too.  Both are opened
 * without following a symlink in their place.
 */
struct rundir_held {
	int lock;   /* the .lock file, flock'd */
	int locks;  /* {parent(dir)}/.locks */
	char *leaf; /* leaf(dir): the lock is {leaf}.lock, the marker {leaf}.run */
};

/*
 * Take the run-directory lock of dir, polling every 100 ms for up
 * to timeout_ms.  Returns 0 with the lock in h (release with
 * rundir_unlock), or -1 with the error (remote filesystem, timeout with
 * holders, a symlink in place of the lock, ...) in err.
 */
int rundir_lock(const char *dir, unsigned timeout_ms, struct rundir_held *h, struct buf *err);
void rundir_unlock(struct rundir_held *h);

/*
 * The name of a filesystem whose flock cannot be trusted (NFS, CIFS/SMB,
 * CephFS, AFS, FUSE) for a statfs f_type, and why; else NULL.
 */
const char *rundir_fs_refused(unsigned long f_type, const char **reason);

/*
 * Remove the top-level regular files of the run directory open as
 * dirfd (dir_open) whose names are sidecar candidates, and stale
 * temporary files; errors ignored.
 */
void rundir_preclear(int dirfd);

/* ---- Listing ---------------------------------------------------------- */

struct rundir_row {
	char *run;
	long tests;
	char *date; /* NULL for "-" */
	char *arch; /* NULL for "-" */
};

/*
 * The rows of `ktstr-rundir --list` for root, in table order.  The
 * sidecar walk reports unreadable files on stderr.  Returns 0, or -1
 * with errno set when root cannot be listed (ENOENT: it does not exist).
 */
int rundir_list(const char *root, struct rundir_row **rows, size_t *n);
void rundir_rows_free(struct rundir_row *rows, size_t n);

#endif
