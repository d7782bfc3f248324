/*
 * rundir_probe: what the environment and the project's git repository
 * say, shared by the run key (rundir.c) and the kernel (rundir_kernel.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundir.h"
#include "rundir_int.h"
#include "git/git.h"
#include "util/utf8.h"
#include "util/util.h"

/* An environment value that is set, non-empty and valid UTF-8. */
const char *
rundir_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0' || !utf8_valid(v, strlen(v)))
		return NULL;
	return v;
}

void
rundir_probe_commit(const char *dir, int walk_up, struct rundir_commit *out)
{
	char hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo;

	memset(out, 0, sizeof(*out));
	repo = git_open(dir, walk_up, out->why, sizeof(out->why));
	if (repo == NULL) {
		out->status = RUNDIR_COMMIT_NO_REPO;
		if (out->why[0] == '\0')
			snprintf(out->why, sizeof(out->why), "not a git repository: %s", dir);
		return;
	}
	if (git_head(repo, hex) < 0) {
		out->status = RUNDIR_COMMIT_NO_HEAD;
		snprintf(out->why, sizeof(out->why), "HEAD does not resolve to a commit: %s",
		         git_error(repo)[0] ? git_error(repo) : "unborn branch");
	} else {
		int dirty = git_dirty(repo);

		out->status = RUNDIR_COMMIT_FOUND;
		/* an error during the scan counts as dirty, as upstream; an unreadable index too */
		if (dirty < 0)
			warning("%s; the tree counts as dirty", git_error(repo));
		out->dirty = dirty != 0;
		snprintf(out->str, sizeof(out->str), "%.7s%s", hex, out->dirty ? "-dirty" : "");
	}
	git_close(repo);
}

static pthread_mutex_t probe_mu = PTHREAD_MUTEX_INITIALIZER;

const char *
rundir_project_commit(void)
{
	static int probed;
	static char commit[32];
	const char *out;

	pthread_mutex_lock(&probe_mu);
	if (!probed) {
		char *cwd = getcwd(NULL, 0);
		struct rundir_commit c;

		probed = 1;
		if (cwd != NULL) {
			rundir_probe_commit(cwd, 1, &c);
			if (c.status == RUNDIR_COMMIT_FOUND)
				memcpy(commit, c.str, sizeof(commit));
			free(cwd);
		}
	}
	out = commit[0] ? commit : NULL;
	pthread_mutex_unlock(&probe_mu);
	return out;
}
