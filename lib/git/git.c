/*
 * git: finding the repository (as ktstr-rundir(1) describes: upwards
 * from a directory, never across a mount point), opening and closing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "git_int.h"

/* Size bound for HEAD, commondir and .git files. */
#define SMALL_FILE_MAX (1 << 20)

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The HEAD contents "ref: refs/..." or a hex id of either length. */
static int
head_parses(const char *s)
{
	size_t n = 0;

	if (strncmp(s, "ref:", 4) == 0) {
		s += 4;
		while (*s == ' ' || *s == '\t')
			s++;
		return strncmp(s, "refs/", 5) == 0;
	}
	while (git_hexval((unsigned char)s[n]) >= 0)
		n++;
	return (n == 40 || n == 64) && (s[n] == '\0' || s[n] == '\n');
}

/*
 * A valid git directory, as git's is_git_directory() decides: HEAD
 * parses, and objects/ and refs/ exist in the common directory.  Sets *common (allocated).
 */
static int
valid_gitdir(const char *dir, char **common)
{
	char *p, *head, *cd;
	int ok;

	p = path_join(dir, "HEAD");
	head = read_value(p, SMALL_FILE_MAX);
	free(p);
	if (!head)
		return 0;
	ok = head_parses(head);
	free(head);
	if (!ok)
		return 0;
	p = path_join(dir, "commondir");
	cd = read_value(p, SMALL_FILE_MAX);
	free(p);
	if (cd) {
		char *joined = path_join(dir, cd);

		free(cd);
		cd = realpath(joined, NULL);
		free(joined);
		if (!cd)
			return 0;
	} else {
		cd = estrdup(dir);
	}
	p = path_join(cd, "objects");
	ok = is_dir(p);
	free(p);
	if (ok) {
		p = path_join(cd, "refs");
		ok = is_dir(p);
		free(p);
	}
	if (!ok) {
		free(cd);
		return 0;
	}
	*common = cd;
	return 1;
}

/*
 * D/.git as a directory or a "gitdir: <path>" file; the git directory's
 * canonical path in *gitdir and the common directory in *common.
 */
static int
dotgit(const char *d, char **gitdir, char **common)
{
	char *p = path_join(d, ".git"), *target = NULL, *real;
	struct stat st;

	if (lstat(p, &st) < 0 && stat(p, &st) < 0) {
		free(p);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		char *s = read_value(p, SMALL_FILE_MAX), *t;

		if (!s || strncmp(s, "gitdir:", 7) != 0) {
			free(s);
			free(p);
			return 0;
		}
		t = s + 7;
		while (*t == ' ')
			t++;
		target = path_join(d, t);
		free(s);
	} else {
		target = estrdup(p);
	}
	free(p);
	real = realpath(target, NULL);
	free(target);
	if (!real)
		return 0;
	if (!valid_gitdir(real, common)) {
		free(real);
		return 0;
	}
	*gitdir = real;
	return 1;
}

static struct git_repo *
repo_new(char *gitdir, char *common, char *worktree, char *err, size_t errlen)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));
	char *cfg;

	repo->gitdir = gitdir;
	repo->commondir = common;
	repo->worktree = worktree;
	git_set_format(repo, GIT_HASH_SHA1);
	repo->filemode = 1;
	repo->trustctime = 1;
	repo->checkstat = 1;
	repo->symlinks = 1;
	cfg = path_join(common, "config");
	if (git_config_read(repo, cfg) < 0) {
		snprintf(err, errlen, "%s", repo->err);
		free(cfg);
		git_close(repo);
		return NULL;
	}
	free(cfg);
	return repo;
}

struct git_repo *
git_open(const char *dir, int walk_up, char *err, size_t errlen)
{
	char *d, *gitdir, *common;
	struct stat st0, st;

	snprintf(err, errlen, "not a git repository: '%s'", dir);
	d = realpath(dir, NULL);
	if (!d || stat(d, &st0) < 0) {
		if (d || errno != ENOENT)
			snprintf(err, errlen, "cannot resolve '%s': %s", dir, strerror(errno));
		free(d);
		return NULL;
	}
	for (;;) {
		char *slash;

		if (stat(d, &st) < 0 || st.st_dev != st0.st_dev)
			break;
		if (dotgit(d, &gitdir, &common))
			return repo_new(gitdir, common, d, err, errlen);
		if (valid_gitdir(d, &common))
			return repo_new(d, common, NULL, err, errlen);
		if (!walk_up || strcmp(d, "/") == 0)
			break;
		slash = strrchr(d, '/');
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(d);
	return NULL;
}

void
git_close(struct git_repo *repo)
{
	if (!repo)
		return;
	git_odb_free(repo);
	git_refs_free(repo);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->worktree);
	free(repo);
}

