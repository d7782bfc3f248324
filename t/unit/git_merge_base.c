/*
 * git_merge_base: lib/git's merge bases and first-parent history
 * against git merge-base --all and git rev-list --first-parent, on
 * histories with a branch off main, merges, criss-cross merges (two
 * bases), unrelated roots, skewed clocks, a random graph and shallow
 * clones.  Skips when git is not on PATH.
 */
#include <stdlib.h>

#include "git/git_int.h"
#include "git_sh.h"
#include "tap.h"
#include "util/util.h"

static struct git_repo *
open_repo(const char *dir)
{
	char path[PATH_MAX * 2], err[512];
	struct git_repo *repo;

	snprintf(path, sizeof(path), "%s/%s", top, dir);
	repo = git_open(path, 0, err, sizeof(err));
	if (!repo)
		printf("# %s: %s\n", dir, err);
	return repo;
}

/* Ours as git merge-base --all prints them: one id a line; "!" on error. */
static char *
ours(struct git_repo *repo, const char *x, const char *y)
{
	struct git_oid a, b, *v;
	struct buf out = BUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t n, i;

	if (git_rev_parse(repo, x, &a) < 0 || git_rev_parse(repo, y, &b) < 0 ||
	    git_merge_bases(repo, &a, &b, &v, &n) < 0)
		return estrdup("!");
	for (i = 0; i < n; i++)
		buf_printf(&out, "%s%s", i ? "\n" : "", git_oid_hex(repo, &v[i], hex));
	free(v);
	buf_putc(&out, '\0');
	return buf_detach(&out);
}

/*
 * Ours against git: the same set as --all, and the first of ours (the
 * newest by committer date) is the one git merge-base prints.
 */
static void
check(struct git_repo *repo, const char *dir, const char *x, const char *y)
{
	char *got = ours(repo, x, y), *nl;
	char *all = capture("cd %s && git merge-base --all %s %s || true", dir, x, y);
	char *one = capture("cd %s && git merge-base %s %s || true", dir, x, y);

	is_str((nl = sorted(estrdup(got))), (all = sorted(all)), "%s: merge bases of %s and %s", dir, x, y);
	free(nl);
	if ((nl = strchr(got, '\n')) != NULL)
		*nl = '\0';
	is_str(got, one, "%s: the most recent base of %s and %s is git's", dir, x, y);
	free(got);
	free(all);
	free(one);
}

static void
shapes(void)
{
	struct git_repo *repo;
	char *n;

	ok(sh("git init -q -b main g && cd g && c m1 && c m2 && git checkout -q -b feature && c f1 && "
	      "git checkout -q main && c m3 && git checkout -q feature && c f2 && "
	      "git checkout -q -b merged && m merge main && git checkout -q main && c m4 && "
	      /* criss-cross: x and y each merge the other's first commit */
	      "git checkout -q -b x main~1 && c x1 && git checkout -q -b y main~1 && c y1 && "
	      "git checkout -q x && m mx y && git checkout -q y && m my x~1 && "
	      /* a commit dated before its parent */
	      "git checkout -q -b skew main && GIT_COMMITTER_DATE='@1500000000 +0000' git commit -q "
	      "--allow-empty -m old && c after && "
	      "git checkout -q --orphan lone && c root2 && "
	      "git checkout -q main") == 0,
	   "repository with a branch, merges, a criss-cross, clock skew and a second root");
	if (!(repo = open_repo("g")))
		return;
	check(repo, "g", "feature", "main");
	check(repo, "g", "main", "feature");
	check(repo, "g", "merged", "main");
	check(repo, "g", "main", "main");
	check(repo, "g", "main~2", "main");
	check(repo, "g", "x", "y");
	check(repo, "g", "skew", "feature");
	check(repo, "g", "skew", "x");
	check(repo, "g", "lone", "main");
	n = ours(repo, "x", "y");
	ok(strchr(n, '\n') != NULL, "criss-cross: two merge bases");
	free(n);
	git_close(repo);
}

/* A random graph of 60 commits on four branches that merge each other. */
static void
random_graph(void)
{
	const char *tips[11] = {"b0", "b1", "b2", "b3", "b0~3", "b1~2", "b2^", "b3~5"};
	struct git_repo *repo;
	char *merges, *save = NULL, *p;
	size_t i, j, n = 8;

	ok(sh("git init -q -b b0 rg && cd rg && c root && for b in b1 b2 b3; do git branch $b; done && "
	      "awk 'BEGIN { srand(7); for (i = 0; i < 60; i++) print int(rand() * 4), int(rand() * 4), "
	      "int(rand() * 3) }' | while read b o m; do git checkout -q b$b; "
	      "if [ $m = 0 ] && [ $b != $o ]; then m \"merge $o\" b$o; else c \"on $b\"; fi; done && "
	      "for b in b0 b1 b2 b3; do git checkout -q $b; c tip$b; done") == 0,
	   "random graph built");
	/* and three merges, by id */
	merges = capture("cd rg && git rev-list --merges --all | sed -n '2p;6p;10p'");
	for (p = strtok_r(merges, "\n", &save); p && n < LEN(tips); p = strtok_r(NULL, "\n", &save))
		tips[n++] = p;
	is_int(n, LEN(tips), "three merges in the random graph");
	if ((repo = open_repo("rg")) != NULL) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				check(repo, "rg", tips[i], tips[j]);
		git_close(repo);
	}
	free(merges);
}

struct list {
	struct git_repo *repo;
	struct buf b;
};

static int
add_hex(const struct git_oid *id, void *arg)
{
	struct list *l = arg;
	char hex[GIT_MAX_HEXSZ + 1];

	buf_printf(&l->b, "%s%s", l->b.len ? "\n" : "", git_oid_hex(l->repo, id, hex));
	return 0;
}

static int
stop_at_two(const struct git_oid *id, void *arg)
{
	int *n = arg;

	(void)id;
	return ++*n == 2 ? 42 : 0;
}

/* Ours as git rev-list --first-parent [from..]to; r gets the return value. */
static char *
first_parents(struct git_repo *repo, const char *from, const char *to, int *r)
{
	struct list l = {repo, BUF_INIT};
	struct git_oid a, b;

	*r = -2;
	if ((from && git_rev_parse(repo, from, &a) < 0) || git_rev_parse(repo, to, &b) < 0)
		return estrdup("!");
	*r = git_first_parents(repo, from ? &a : NULL, &b, add_hex, &l);
	buf_putc(&l.b, '\0');
	return buf_detach(&l.b);
}

static void
history(void)
{
	static const char *const ranges[][2] = {
		{NULL, "merged"}, {NULL, "y"}, {"main", "merged"}, {"feature", "merged"},
		{"x~1", "y"}, {"main~1", "main"}, {"main", "main"}, {"lone", "main"},
	};
	struct git_repo *repo = open_repo("g");
	size_t i;
	int r, n = 0;
	char *got, *want;
	struct git_oid b;

	if (!repo)
		return;
	for (i = 0; i < LEN(ranges); i++) {
		const char *from = ranges[i][0], *to = ranges[i][1];

		got = first_parents(repo, from, to, &r);
		want = capture("cd g && git rev-list --first-parent %s%s%s", from ? from : "",
		               from ? ".." : "", to);
		is_str(got, want, "first parents of %s%s%s", from ? from : "", from ? ".." : "", to);
		is_int(r, 0, "complete history of %s", to);
		free(got);
		free(want);
	}
	ok(git_rev_parse(repo, "merged", &b) == 0 && git_first_parents(repo, NULL, &b, stop_at_two, &n) == 42 &&
	           n == 2,
	   "the callback's nonzero return stops the walk and is returned");
	git_close(repo);
}

static void
shallow(void)
{
	struct git_repo *repo;
	char *got, *want;
	int r;

	ok(sh("git clone -q --depth 1 --no-single-branch file://$TOPDIR/g s1 && "
	      "git clone -q --depth 3 -b feature file://$TOPDIR/g s3 && "
	      "cd s3 && git fetch -q --depth 3 origin main:main") == 0,
	   "shallow clones built");
	if ((repo = open_repo("s1")) != NULL) {
		got = ours(repo, "origin/feature", "origin/main");
		is_str(got, "!", "depth 1: no merge base, an error");
		ok(strstr(git_error(repo), "shallow") != NULL, "the error says the history is shallow: %s",
		   git_error(repo));
		free(got);
		got = first_parents(repo, NULL, "origin/main", &r);
		want = capture("cd s1 && git rev-list --first-parent origin/main");
		is_str(got, want, "depth 1: the history is the boundary commit");
		is_int(r, 1, "depth 1: the walk says it stopped at the boundary");
		free(got);
		free(want);
		git_close(repo);
	}
	if ((repo = open_repo("s3")) != NULL) {
		check(repo, "s3", "feature", "main");
		git_close(repo);
	}
}

int
main(int argc, char **argv)
{
	setprogname(argv[0]);
	(void)argc;
	if (!git_sh_begin("git-merge-base"))
		return 0;
	shapes();
	random_graph();
	history();
	shallow();
	return git_sh_end();
}
