/*
 * git: finding the repository (as ktstr-rundir(1) describes: upwards
 * from a directory, never across a mount point), opening and closing it.
 */
#include <errno.h>
#include <limits.h>
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
 * A .git file: "gitdir: " and a path (relative to d).  As git reads it,
 * the path is everything after "gitdir: " but the CRs and LFs that end
 * the file, verbatim: blanks and inner newlines included.  The path, or
 * NULL with the reason in err: git refuses a malformed one rather than
 * looking further up.
 */
static char *
gitfile_target(const char *d, const char *file, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	char *target = NULL;

	if (read_file(file, &b, 4 * PATH_MAX) < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", file, error_text(errno));
	} else {
		while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == '\r'))
			b.s[--b.len] = '\0';
		if (b.len <= 8 || memcmp(b.s, "gitdir: ", 8) != 0 || memchr(b.s, '\0', b.len))
			snprintf(err, errlen, "invalid gitfile format: %s", file);
		else
			target = path_join(d, b.s + 8);
	}
	buf_free(&b);
	return target;
}

/*
 * d/.git as a directory or a "gitdir:" file: 1 with the git directory's
 * canonical path in *gitdir (and, when symlinks lead there, the path as
 * given in *given), the common directory in *common; 0 when d holds no
 * repository; -1 when its .git file is one git refuses (reason in err).
 */
static int
dotgit(const char *d, char **gitdir, char **given, char **common, char *err, size_t errlen)
{
	char *p = path_join(d, ".git"), *target, *real;
	struct stat st;
	int file;

	if (stat(p, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		free(p);
		return 0;
	}
	file = S_ISREG(st.st_mode);
	target = file ? gitfile_target(d, p, err, errlen) : estrdup(p);
	free(p);
	if (!target)
		return -1;
	real = realpath(target, NULL);
	if (!real || !valid_gitdir(real, common)) {
		if (file)
			snprintf(err, errlen, "not a git repository: %s", target);
		free(real);
		free(target);
		return file ? -1 : 0;
	}
	*gitdir = real;
	*given = strcmp(real, target) ? target : (free(target), NULL);
	return 1;
}

static struct git_repo *
repo_new(char *gitdir, char *given, char *common, char *worktree, char *err, size_t errlen)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));

	repo->gitdir = gitdir;
	repo->gitdir_given = given;
	repo->commondir = common;
	repo->worktree = worktree;
	git_set_format(repo, GIT_HASH_SHA1);
	repo->filemode = 1;
	repo->trustctime = 1;
	repo->checkstat = 1;
	repo->symlinks = 1;
	repo->replace_refs = 1;
	if (git_config_load(repo) < 0) {
		snprintf(err, errlen, "%s", repo->err);
		git_close(repo);
		return NULL;
	}
	return repo;
}

struct git_repo *
git_open(const char *dir, int walk_up, char *err, size_t errlen)
{
	char *d, *gitdir, *given, *common;
	struct stat st0, st;

	snprintf(err, errlen, "not a git repository: '%s'", dir);
	d = realpath(dir, NULL);
	if (!d || stat(d, &st0) < 0) {
		if (d || errno != ENOENT)
			snprintf(err, errlen, "cannot resolve '%s': %s", dir, error_text(errno));
		free(d);
		return NULL;
	}
	for (;;) {
		char *slash;
		int r;

		if (stat(d, &st) < 0 || st.st_dev != st0.st_dev)
			break;
		r = dotgit(d, &gitdir, &given, &common, err, errlen);
		if (r > 0)
			return repo_new(gitdir, given, common, d, err, errlen);
		if (r < 0)
			break;
		if (valid_gitdir(d, &common))
			return repo_new(d, NULL, common, NULL, err, errlen);
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
	git_config_free(repo);
	free(repo->gitdir);
	free(repo->gitdir_given);
	free(repo->commondir);
	free(repo->worktree);
	free(repo);
}

