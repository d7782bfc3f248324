/* rundir_int.h: what the rundir*.c files share; not part of the API. */
#ifndef KTSTR_RUNDIR_INT_H
#define KTSTR_RUNDIR_INT_H

#include <stddef.h>

#include "rundir.h"
#include "util/util.h"

/* metadata.json and run markers are small; anything larger is damage. */
#define RUNDIR_SMALL_FILE_MAX (1u << 20)
/* A kernel version is a run directory's name: at most this long. */
#define RUNDIR_VERSION_MAX 128
/* The marker holds the current token and at most eight earlier ones. */
#define RUNDIR_MARKER_LINES 9

/* An environment value that is set, non-empty and valid UTF-8, else NULL. */
const char *rundir_env(const char *name);

static inline int
rundir_ascii_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Temporary sidecars are "{prefix}.{pid}.{random}.tmp" (temp_create_at):
 * short whatever the sidecar's name, and what pre-clear knows as stale
 * (a name that starts with '.', holds ".ktstr.json." and ends ".tmp").
 * The prefix holds ".ktstr.json.tmp.", as the staging names of upstream
 * 0.5.2 and later do, so their pre-clear removes ours too.
 */
#define RUNDIR_TEMP_PREFIX ".ktstr.json.tmp"

/* mkdir -p, mode 0777 before umask.  0, or -1 with errno set. */
int rundir_mkdir_p(const char *dir);

/* Last component of dir (trailing slashes ignored); NULL for "/", ".", "..". */
char *rundir_leaf(const char *dir);

struct rundir_marker {
	char *lines[RUNDIR_MARKER_LINES]; /* [0] the current token, then earlier ones */
	size_t n;
};

/*
 * Read the marker of a held lock, in its .locks/: one token a line,
 * empty lines dropped.  0 (a missing marker holds no token), or -1 with
 * errno set (ESYMLINK: it is a symlink, which is never read).
 */
int rundir_marker_read(const struct rundir_held *h, struct rundir_marker *m);
/*
 * Replace the marker of a held lock, staged and renamed: token, then
 * old's lines without it, at most RUNDIR_MARKER_LINES; path names it in
 * err.  0, or -1 with the error chain in err.
 */
int rundir_marker_replace(const struct rundir_held *h, const char *path, const char *token,
                          const struct rundir_marker *old, struct buf *err);
void rundir_marker_free(struct rundir_marker *m);

#endif
