/*
 * git-probe: the bench driver for lib/git when bin/ktstr-rundir is not
 * built.  "git-probe" prints the project commit of the cwd ("abc1234" or
 * "abc1234-dirty", "unknown" for none), as ktstr-rundir --commit does;
 * "git-probe --lstat" only lstat()s every index path: the floor.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "git/git_int.h"

int
main(int argc, char **argv)
{
	char out[32], err[256];

	setprogname(argv[0]);
	if (argc > 1 && !strcmp(argv[1], "--lstat")) {
		struct git_repo *repo = git_open(".", 1, err, sizeof(err));
		struct git_index ix;
		struct stat st;
		size_t i, missing = 0;

		if (!repo || git_index_read(repo, &ix) != 0)
			die("cannot read the index: %s", repo ? git_error(repo) : err);
		for (i = 0; i < ix.n; i++)
			missing += lstat(ix.e[i].path, &st) < 0;
		printf("%zu paths, %zu missing\n", ix.n, missing);
		git_index_free(&ix);
		git_close(repo);
		return stdout_status(0);
	}
	puts(git_commit_string(".", 1, out) == 0 ? out : "unknown");
	return stdout_status(0);
}
