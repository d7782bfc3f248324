/*
 * git_oracle: lib/git against the real git in every repository state a
 * project tree can be in (index versions, split and sparse indexes,
 * packs, worktrees, submodules, sha256, line-ending conversion, ...),
 * and the revision expressions against git rev-parse / rev-list.
 * Skips when git is not on PATH.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "compare/compare_commits.h"
#include "git/git_int.h"
#include "git_sh.h"
#include "tap.h"
#include "util/util.h"

/*
 * What git says the commit string of dir is ("" = none): HEAD's first
 * seven digits, "-dirty" when `git diff-index --cached HEAD` or (with a
 * work tree) `git diff` finds a change, ignoring submodule work trees.
 */
/* t/lib-git-cases.sh, where the base repository and the cases are written. */
static char cases_lib[PATH_MAX];

static char *
oracle_env(const char *env, const char *dir)
{
	return capture(
		"%s cd '%s'; h=$(git -c safe.directory='*' rev-parse --verify --quiet 'HEAD^{commit}') || "
		"exit 0; d=; g=$(git rev-parse --absolute-git-dir); if [ -f \"$g/index\" ]; then "
		"git -c safe.directory='*' diff-index --cached --quiet --ignore-submodules=none HEAD -- "
		"|| d=-dirty; if [ \"$(git rev-parse --is-bare-repository)\" = false ] && "
		"[ \"$(git rev-parse --is-inside-git-dir)\" = false ]; then "
		"git -c safe.directory='*' --no-optional-locks diff --quiet --ignore-submodules=all "
		"|| d=-dirty; fi; fi; printf '%%.7s%%s\\n' \"$h\" \"$d\"",
		env, dir);
}

static char *
oracle(const char *dir)
{
	return oracle_env("", dir);
}

/*
 * The reader goes first: `git diff` writes the index when it finds
 * stat data that changed over an unchanged content, which would spare
 * the reader the hashing under test.
 */
static void
check_state(const char *name, const char *dir)
{
	char path[PATH_MAX * 2], got[32] = "", *want;

	snprintf(path, sizeof(path), "%s/%s", top, dir);
	if (git_commit_string(path, 1, got) < 0)
		got[0] = '\0';
	want = oracle(dir);
	is_str(got, want, "%s: commit string matches git", name);
	free(want);
}

/* A fresh copy of the base repository in dir, then script run inside it. */
static void
state(const char *name, const char *dir, const char *script)
{
	if (sh("rm -rf %s && cp -a base %s && cd %s && %s", dir, dir, dir, script) != 0) {
		ok(0, "%s: set-up script ran", name);
		return;
	}
	check_state(name, dir);
}

/*
 * Environment for one check, "NAME=value" or "NAME" (unset), applied to
 * this process (the reader) and, through the same strings, to the shell
 * that asks git.  Returns the saved values for env_restore.
 */
static char **
env_apply(const char *const *env, struct buf *sh_prefix)
{
	size_t n = 0, i;
	char **saved;

	while (env && env[n])
		n++;
	saved = ecalloc(n + 1, sizeof(*saved));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');
		char *name = eq ? estrndup(env[i], (size_t)(eq - env[i])) : estrdup(env[i]);

		saved[i] = getenv(name) ? easprintf("%s=%s", name, getenv(name)) : estrdup(name);
		if (eq) {
			setenv(name, eq + 1, 1);
			buf_printf(sh_prefix, "export %s='%s'; ", name, eq + 1);
		} else {
			unsetenv(name);
			buf_printf(sh_prefix, "unset %s; ", name);
		}
		free(name);
	}
	return saved;
}

static void
env_restore(char **saved)
{
	size_t i;

	for (i = 0; saved[i]; i++) {
		char *eq = strchr(saved[i], '=');

		if (eq) {
			*eq = '\0';
			setenv(saved[i], eq + 1, 1);
		} else {
			unsetenv(saved[i]);
		}
		free(saved[i]);
	}
	free(saved);
}

/*
 * state() for the cases of t/lib-git-cases.sh: script builds the case
 * in dir and checks that it is what the name says; git, asked in dir +
 * sub, must find it dirty (1), clean (0) or no commit at all (-1) as
 * want_dirty says, and the reader must agree, all under env.
 */
static void
expect_state_in(const char *name, const char *dir, const char *sub, const char *const *env,
                int want_dirty, const char *script)
{
	struct buf pre = BUF_INIT;
	char path[PATH_MAX * 2], got[32] = "", **saved, *want, *at = easprintf("%s%s", dir, sub);

	if (sh("rm -rf %s && cp -a base %s && cd %s && %s", dir, dir, dir, script) != 0) {
		ok(0, "%s: set-up script ran", name);
		free(at);
		return;
	}
	saved = env_apply(env, &pre);
	buf_puts(&pre, "");
	snprintf(path, sizeof(path), "%s/%s", top, at);
	if (git_commit_string(path, 1, got) < 0)
		got[0] = '\0';
	want = oracle_env(pre.s, at); /* after the reader, as in check_state */
	free(at);
	env_restore(saved);
	if (want_dirty >= 0)
		is_int(strstr(want, "-dirty") != NULL, want_dirty, "%s: git says %s", name,
		       want_dirty ? "dirty" : "clean");
	else
		is_str(want, "", "%s: git finds no commit", name);
	is_str(got, want, "%s: commit string matches git", name);
	free(want);
	buf_free(&pre);
}


static void
states(void)
{
	ok(sh(". '%s' && git_cases_base base", cases_lib) == 0, "base repository built");
	state("clean", "s1", "true");
	state("modified", "s2", "printf 'x\\n' >>a");
	state("staged", "s3", "printf 'x\\n' >>a && git add a");
	state("deleted", "s4", "rm b");
	state("mode change", "s5", "chmod +x a");
	state("filemode off", "s6", "git config core.filemode false && chmod +x a");
	state("symlink retargeted", "s7", "ln -sfn b l");
	state("symlink became file", "s8", "rm l && printf a >l");
	state("untracked only", "s9", "printf u >untracked && mkdir -p newdir && printf u >newdir/f");
	state("touched, same content", "s10", "touch -d '2030-01-01 00:00:00' a b d/e/c");
	state("racy, same size, changed", "s11",
	      "git config core.trustctime false && printf 'aaaa\\n' >a && touch -d '2021-01-01 00:00:00' a "
	      "&& git add a && printf 'bbbb\\n' >a && touch -d '2021-01-01 00:00:00' a .git/index");
	state("racy, unchanged", "s12",
	      "git config core.trustctime false && touch -d '2021-01-01 00:00:00' a && git add a && "
	      "touch -d '2021-01-01 00:00:00' .git/index");
	state("intent-to-add", "s13", "printf n >new && git add -N new");
	state("skip-worktree", "s14", "git update-index --skip-worktree a && printf 'x\\n' >>a");
	state("assume-unchanged", "s15", "git update-index --assume-unchanged a && printf 'x\\n' >>a");
	state("file became directory", "s16", "rm b && mkdir b && printf z >b/z");
	state("unmerged", "s17",
	      "git checkout -q -b side HEAD~1 && printf 'side\\n' >>b && git commit -qam s && "
	      "git checkout -q - && printf 'main\\n' >>b && git commit -qam m && "
	      "{ git merge -q side || true; }");
	state("packed refs", "s18", "git pack-refs --all && test ! -e .git/refs/heads/master -a ! -e .git/refs/heads/main");
	state("detached HEAD", "s19", "git checkout -q --detach HEAD~1");
	state("detached HEAD, modified", "s20", "git checkout -q --detach HEAD~1 && printf z >>a");
	state("repacked with deltas", "s21",
	      "for i in 1 2 3 4 5 6; do seq 1 $((200 * i)) >big; git add big; c big$i; done; "
	      "git repack -adfq --depth=50 --window=50 && git prune-packed && ls .git/objects/pack/*.pack");
	state("repacked, index without cache tree", "s22",
	      "for i in 1 2 3; do seq 1 $((300 * i)) >big; git add big; c big$i; done; git gc -q; "
	      "printf 'x\\n' >>d/e/c && git add d/e/c && git checkout HEAD -- d/e/c");
	state("index v4", "s23", "git update-index --index-version 4 && git status -s >/dev/null");
	state("index v4, modified", "s24", "git update-index --index-version 4 && printf z >>d/e/c");
	state("split index", "s25",
	      "git update-index --split-index && printf 'n\\n' >new && git add new && git rm -q --cached b "
	      "&& printf 'mod\\n' >>a && git add a && ls .git/sharedindex.*");
	/* maxPercentChange 100 keeps the shared index, so the bitmaps are used. */
	state("split index with replace and delete bitmaps, committed", "s26",
	      "git config splitIndex.maxPercentChange 100 && git update-index --split-index && "
	      "printf 'n\\n' >new && git add new && git rm -q --cached b && printf 'm\\n' >>a && "
	      "git add a && c split && ls .git/sharedindex.*");
	sh("printf z >>s26/a");
	check_state("split index, replaced entry modified", "s26");
	state("missing index", "s27", "rm .git/index");
	/* git fails on such an index, so its diff counts as finding a change. */
	state("index entry count 0x80000000", "s43",
	      "printf '\\200\\000\\000\\000' | dd of=.git/index bs=1 seek=8 conv=notrunc");
	state("unborn HEAD", "s28", "rm -rf .git && git init -q && printf a >f && git add f");
	state("unborn HEAD, empty", "s29", "rm -rf .git && git init -q");
	state("dangling HEAD", "s30", "git symbolic-ref HEAD refs/heads/nowhere");
	state("sparse index", "s31",
	      "git sparse-checkout init --cone --sparse-index && git sparse-checkout set d && "
	      "git status -s >/dev/null");
	state("submodule", "s32",
	      "git init -q ../s32sub && (cd ../s32sub && printf s >s && git add s && c sub) && "
	      "git -c protocol.file.allow=always submodule add -q ../s32sub sub && c addsub");
	check_state("submodule, its worktree dirty", "s32");
	sh("cd s32/sub && printf more >>s && printf u >u");
	check_state("submodule, its worktree dirty", "s32");
	sh("cd s32/sub && git commit -qam next");
	check_state("submodule moved, not staged", "s32");
	sh("cd s32 && git add sub");
	check_state("submodule gitlink staged", "s32");
	state("linked worktree", "s33", "git worktree add -q ../s33wt HEAD~1");
	check_state("linked worktree itself", "s33wt");
	sh("printf z >>s33wt/a");
	check_state("linked worktree, modified", "s33wt");
	check_state("inside a subdirectory", "s1/d/e");
	{
		char path[PATH_MAX * 2], err[256];
		struct git_repo *repo;

		snprintf(path, sizeof(path), "%s/s1/d", top);
		repo = git_open(path, 0, err, sizeof(err));
		ok(!repo, "without walking up, a subdirectory is no repository (%s)", err);
		git_close(repo);
	}
	state("bare repository", "s34", "true");
	sh("rm -rf s34 && git clone -q --bare base s34");
	check_state("bare repository", "s34");
	check_state("inside .git", "s1/.git/objects");
	sh("rm -rf s35 && git init -q --object-format=sha256 s35 && cd s35 && printf a >a && git add a "
	   "&& c one && printf b >b && git add b && c two");
	check_state("sha256", "s35");
	sh("cd s35 && printf z >>a");
	check_state("sha256, modified", "s35");
	sh("cd s35 && git checkout -q a && git gc -q && git update-index --index-version 4");
	check_state("sha256, packed, index v4", "s35");
	sh("rm -rf s36 && mkdir s36");
	check_state("not a repository (inside the scratch repo's parent chain)", "s36");
	state("autocrlf, CRLF checkout of LF text", "s39",
	      "git config core.autocrlf true && printf 'aaaa\\r\\n' >a && printf 'b\\r\\nmore\\r\\n' >b");
	state("autocrlf, CRLF text modified", "s40",
	      "git config core.autocrlf true && printf 'aaab\\r\\n' >a");
	state("autocrlf input, lone CR", "s41", "git config core.autocrlf input && printf 'aaa\\r\\r\\n' >a");
	state("autocrlf off, CRLF", "s42", "printf 'aaaa\\r\\n' >a");
	state("reftable", "s37",
	      "git config core.repositoryformatversion 1 && git config extensions.refStorage reftable");
	state("symbolic ref chain", "s38",
	      "git symbolic-ref refs/heads/link1 refs/heads/$(git branch --show-current) && "
	      "git symbolic-ref HEAD refs/heads/link1");
}

/* "A=@/x,B" into {"A=<top>/x", "B", NULL}; caller frees with free_env. */
static char **
parse_env(const char *s)
{
	char **env = ecalloc(1, sizeof(*env)), *copy = estrdup(s), *tok, *save = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct buf b = BUF_INIT;
		const char *c;

		for (c = tok; *c; c++)
			if (*c == '@')
				buf_puts(&b, top);
			else
				buf_putc(&b, *c);
		env = ereallocarray(env, n + 2, sizeof(*env));
		env[n++] = buf_detach(&b);
		env[n] = NULL;
	}
	free(copy);
	return env;
}

static void
free_env(char **env)
{
	size_t i;

	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/* Every object of dir reads back, through deltas, as its own id. */
static void
objects_read_back(const char *dir)
{
	static const char *names[] = {"", "commit", "tree", "blob", "tag"};
	char *ids = capture("cd %s && git cat-file --batch-all-objects --batch-check='%%(objectname)'", dir);
	char err[256], path[PATH_MAX * 2], *line, *save = NULL;
	size_t n = 0, good = 0;
	struct git_repo *repo;

	snprintf(path, sizeof(path), "%s/%s", top, dir);
	repo = git_open(path, 0, err, sizeof(err));
	for (line = strtok_r(ids, "\n", &save); repo && line; line = strtok_r(NULL, "\n", &save)) {
		struct git_oid id, again;
		enum git_obj_type t;
		unsigned char *data;
		size_t len;

		n++;
		if (git_hex_to_oid(repo, line, &id) == 0 && git_read_object(repo, &id, &t, &data, &len) == 0) {
			git_hash_object(repo, names[t], data, len, &again);
			good += git_oid_eq(repo, &id, &again);
			free(data);
		}
	}
	ok(n > 100 && good == n, "%s: every object reads back as its id (%zu of %zu)", dir, good, n);
	git_close(repo);
	free(ids);
}

/* The cases of t/lib-git-cases.sh, each checked against git. */
static void
cases(void)
{
	char *table = capture(". '%s' && git_cases", cases_lib), *line, *save = NULL;

	for (line = strtok_r(table, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *p = line, *script, **env;
		size_t k;

		for (k = 0; k < 5 && p; k++) {
			f[k] = p;
			p = k < 4 ? strchr(p, '|') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (k < 5) {
			ok(0, "case line '%s' has five fields", f[0]);
			continue;
		}
		script = easprintf(". '%s' && case_%s", cases_lib, f[0]);
		env = parse_env(f[2]);
		expect_state_in(f[4], f[0], f[1], (const char *const *)env,
		                !strcmp(f[3], "none") ? -1 : !strcmp(f[3], "dirty"), script);
		free_env(env);
		free(script);
		if (!strcmp(f[0], "r1"))
			objects_read_back("r1");
	}
	free(table);
}

struct collect {
	struct git_repo *repo;
	struct buf *b;
};

static int
add_hex(const struct git_oid *id, void *arg)
{
	struct collect *c = arg;
	char hex[GIT_MAX_HEXSZ + 1];

	buf_printf(c->b, "%s\n", git_oid_hex(c->repo, id, hex));
	return 0;
}

/* A shallow clone: the walk and ~N stop at the boundary, as in git. */
static void
shallow(void)
{
	static const char *exprs[] = {"HEAD", "HEAD~1", "HEAD~2", "HEAD^2", "side"};
	char err[256], path[PATH_MAX * 2], hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo;
	struct git_oid a, b, id;
	struct buf got = BUF_INIT;
	struct collect c;
	size_t i;
	char *want, *g;

	ok(sh("rm -rf sh && git clone -q --depth 2 --no-single-branch file://$TOPDIR/rv sh") == 0,
	   "shallow clone built");
	snprintf(path, sizeof(path), "%s/sh", top);
	repo = git_open(path, 1, err, sizeof(err));
	if (!ok(repo != NULL, "open the shallow clone"))
		return;
	for (i = 0; i < LEN(exprs); i++) {
		want = capture("cd sh && git rev-parse --verify --quiet '%s^{commit}'", exprs[i]);
		is_str(git_rev_parse(repo, exprs[i], &id) == 0 ? git_oid_hex(repo, &id, hex) : "", want,
		       "shallow: rev-parse '%s'", exprs[i]);
		free(want);
	}
	c.repo = repo;
	c.b = &got;
	want = sorted(capture("cd sh && git rev-list origin/side..HEAD"));
	ok(git_rev_parse(repo, "origin/side", &a) == 0 && git_rev_parse(repo, "HEAD", &b) == 0 &&
	           git_rev_walk(repo, &a, &b, add_hex, &c) == 0,
	   "shallow: walk origin/side..HEAD: %s", git_error(repo));
	buf_putc(&got, '\0');
	g = sorted(buf_detach(&got));
	is_str(g, want, "shallow: rev-list origin/side..HEAD");
	free(g);
	free(want);
	git_close(repo);
}

/*
 * Abbreviations shared by several objects: 3000 loose blobs make 4-digit
 * collisions certain.  Git fails on those, except in a commit context
 * when exactly one candidate is a commit; the reader must agree.
 */
static void
ambiguous(struct git_repo *repo)
{
	char *blobs, *prefix[2];
	size_t k;

	blobs = capture("cd rv && mkdir -p ../blobs && awk 'BEGIN { for (i = 0; i < 3000; i++) "
	                "{ f = \"../blobs/\" i; print \"blob \" i > f; close(f); print f } }' | "
	                "git hash-object -w --stdin-paths | wc -l");
	is_str(blobs, "3000", "3000 loose blobs written");
	free(blobs);
	/* 0: a prefix of blobs only; 1: a prefix of one commit and blobs. */
	prefix[0] = capture("cd rv && git cat-file --batch-all-objects --batch-check='%%(objectname) "
	                    "%%(objecttype)' | awk '{ p = substr($1, 1, 4); n[p]++; if ($2 == \"commit\") "
	                    "c[p]++ } END { for (p in n) if (n[p] > 1 && !c[p]) print p }' | sort | head -1");
	/* A blob sharing HEAD's first 4 digits, found with the library's own hashing. */
	{
		struct git_oid head, id;
		char text[32];
		int i, n = 0;

		prefix[1] = estrdup("");
		if (git_rev_parse(repo, "HEAD", &head) == 0)
			for (i = 0; i < 10000000; i++) {
				n = snprintf(text, sizeof(text), "blob %d\n", i);
				git_hash_object(repo, "blob", text, (size_t)n, &id);
				if (id.id[0] == head.id[0] && id.id[1] == head.id[1])
					break;
			}
		if (n && sh("cd rv && printf 'blob %d\\n' | git hash-object -w --stdin", i) == 0) {
			char hex[GIT_MAX_HEXSZ + 1];

			free(prefix[1]);
			prefix[1] = estrndup(git_oid_hex(repo, &head, hex), 4);
		}
	}
	for (k = 0; k < 2; k++) {
		struct git_oid id;
		char hex[GIT_MAX_HEXSZ + 1], *want;

		if (!*prefix[k]) {
			printf("ok %d # skip no 4-digit prefix of that kind among these objects\n", ++tap_n);
			free(prefix[k]);
			continue;
		}
		want = capture("cd rv && git rev-parse --disambiguate=%s | wc -l", prefix[k]);
		ok(atoi(want) >= 2, "'%s' is ambiguous (%s objects)", prefix[k], want);
		free(want);
		want = capture("cd rv && git rev-parse --verify --quiet '%s^{commit}'", prefix[k]);
		is_str(git_rev_parse(repo, prefix[k], &id) == 0 ? git_oid_hex(repo, &id, hex) : "", want,
		       "ambiguous prefix '%s' (%s)", prefix[k], k ? "one commit among blobs" : "blobs only");
		free(want);
		free(prefix[k]);
	}
}

static void
revisions(void)
{
	static const char *exprs[] = {
		"HEAD", "@", "HEAD~1", "HEAD^", "HEAD^1", "HEAD^2", "HEAD~2^2", "HEAD^^", "HEAD~0",
		"main", "side", "refs/heads/main", "heads/main", "v1", "v2", "v2^{commit}", "v2^{}",
		"v2~1", "origin/main", "origin", "HEAD^!", "nosuch", "HEAD:a", "HEAD~99",
		"v2^{tree}", "HEAD^3", "main..side", ":/one", "tagtree",
	};
	static const char *ranges[][2] = {
		{"HEAD~3", "HEAD"}, {"side", "main"}, {"main", "side"}, {"v1", "HEAD"}, {"HEAD", "HEAD"},
		{"HEAD~1", "HEAD~1^2"},
	};
	char err[256], path[PATH_MAX * 2], hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo;
	size_t i;
	char *full, *abbrev4, *want4;

	ok(sh("rm -rf rv && git init -q -b main rv && cd rv && printf a >a && git add a && c one && "
	      "git tag v1 && printf b >b && git add b && c two && git checkout -q -b side && "
	      "printf s >s && git add s && c s1 && c s2 && git checkout -q main && c three && "
	      "git merge -q --no-ff -m merge side && git tag -a -m annotated v2 && c four && "
	      "git tag tagtree HEAD^{tree} && git update-ref refs/remotes/origin/main HEAD~2 && "
	      "git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main && git pack-refs "
	      "--all && git repack -adq") == 0,
	   "revision repository built");
	snprintf(path, sizeof(path), "%s/rv", top);
	repo = git_open(path, 1, err, sizeof(err));
	if (!ok(repo != NULL, "open the revision repository: %s", repo ? "" : err))
		return;
	for (i = 0; i < LEN(exprs); i++) {
		struct git_oid id;
		char *want = capture("cd rv && git rev-parse --verify --quiet '%s^{commit}'", exprs[i]);
		const char *got = git_rev_parse(repo, exprs[i], &id) == 0 ? git_oid_hex(repo, &id, hex) : "";

		/* Not single commits to git; the reader takes X^! as X, and no ranges. */
		if (!strcmp(exprs[i], "HEAD^!") || !strcmp(exprs[i], "main..side")) {
			free(want);
			want = strcmp(exprs[i], "HEAD^!") ? estrdup("") : capture("cd rv && git rev-parse HEAD");
		}
		is_str(got, want, "rev-parse '%s'", exprs[i]);
		free(want);
	}
	{
		struct git_oid id;

		ok(git_rev_parse(repo, "HEAD@{1}", &id) < 0, "reflog forms do not resolve");
	}
	full = capture("cd rv && git rev-parse HEAD~1");
	abbrev4 = estrndup(full, 7);
	{
		struct git_oid id;

		ok(git_rev_parse(repo, abbrev4, &id) == 0 && !strcmp(git_oid_hex(repo, &id, hex), full),
		   "7-digit abbreviation resolves");
		ok(git_rev_parse(repo, full, &id) == 0, "full id resolves");
		abbrev4[4] = '\0';
		want4 = capture("cd rv && git rev-parse --verify --quiet '%s^{commit}'", abbrev4);
		is_int(git_rev_parse(repo, abbrev4, &id) == 0, *want4 != '\0',
		       "4-digit abbreviation resolves as git does");
		free(want4);
	}
	free(full);
	free(abbrev4);
	ambiguous(repo);
	for (i = 0; i < LEN(ranges); i++) {
		struct git_oid a, b;
		struct buf got = BUF_INIT;
		struct collect c = {repo, &got};
		char *want = sorted(capture("cd rv && git rev-list '%s..%s'", ranges[i][0], ranges[i][1]));

		ok(git_rev_parse(repo, ranges[i][0], &a) == 0 && git_rev_parse(repo, ranges[i][1], &b) == 0 &&
		           git_rev_walk(repo, &a, &b, add_hex, &c) == 0,
		   "walk %s..%s", ranges[i][0], ranges[i][1]);
		buf_putc(&got, '\0');
		{
			char *g = sorted(buf_detach(&got));

			is_str(g, want, "rev-list %s..%s", ranges[i][0], ranges[i][1]);
			free(g);
		}
		free(want);
	}
	git_close(repo);
	shallow();
}

static void
revspecs(void)
{
	char path[PATH_MAX * 2], **vals = NULL, *head, *err_text, cwd[PATH_MAX];
	size_t n = 0;
	int saved = dup(2);
	FILE *f;

	/* A kernel cache entry of a local build, named with blanks around it. */
	sh("mkdir -p kc && printf '{\"source\":{\"type\":\"local\",\"source_tree_path\":\"%s/rv\"},"
	   "\"arch\":\"x86_64\",\"image_name\":\"bzImage\",\"built_at\":\"2020\","
	   "\"has_vmlinux\":true,\"vmlinux_stripped\":false}' >kc/metadata.json",
	   top);
	snprintf(path, sizeof(path), " %s/kc\n", top);
	setenv("KTSTR_KERNEL", path, 1);
	snprintf(path, sizeof(path), "%s/rv", top);
	if (!getcwd(cwd, sizeof(cwd)) || chdir(path) < 0) {
		ok(0, "chdir into the revision repository");
		return;
	}
	f = freopen("../stderr.txt", "w", stderr);
	compare_commits_expand("a-project-commit", 0, "HEAD", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "side..main", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "main..main", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "nosuch", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "deadbeef00", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "abc1234-dirty", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "HEAD...side", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "^HEAD", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "HEAD^@", &vals, &n);
	compare_commits_expand("a-project-commit", 0, "v2", &vals, &n);
	compare_commits_expand("kernel-commit", 1, "HEAD~1", &vals, &n);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	(void)f;
	if (chdir(cwd) < 0)
		return;
	head = capture("cd rv && git rev-parse --short=7 HEAD");
	is_int(n, 1 + 3 + 0 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1, "revspec value count");
	if (n == 12) {
		char *k = capture("cd rv && git rev-parse --short=7 HEAD~1");

		is_str(vals[11], k, "kernel flag: KTSTR_KERNEL's metadata.json leads to the source tree");
		free(k);
		char *v2 = capture("cd rv && git rev-parse --short=7 'v2^{commit}'");

		is_str(vals[0], head, "HEAD becomes its 7-hex id in a clean tree");
		is_str(vals[4], "nosuch", "unresolved name is literal");
		is_str(vals[5], "deadbeef00", "hash-shaped literal");
		is_str(vals[6], "abc1234-dirty", "dirty literal");
		is_str(vals[10], v2, "annotated tag peels to its commit");
		free(v2);
	}
	err_text = capture("cat stderr.txt");
	is_str(err_text,
	       "git_oracle.t: --a-project-commit 'nosuch' did not resolve as a revspec; using as literal "
	       "filter\n"
	       "git_oracle.t: --a-project-commit 'HEAD...side' uses an unsupported revspec form "
	       "(Exclude/Merge/IncludeOnlyParents); using as literal filter\n"
	       "git_oracle.t: --a-project-commit '^HEAD' uses an unsupported revspec form "
	       "(Exclude/Merge/IncludeOnlyParents); using as literal filter\n"
	       "git_oracle.t: --a-project-commit 'HEAD^@' uses an unsupported revspec form "
	       "(Exclude/Merge/IncludeOnlyParents); using as literal filter",
	       "revspec warnings are one line each, naming the form");
	free(err_text);
	free(head);
	compare_commits_free(vals, n);
}

int
main(int argc, char **argv)
{
	setprogname(argv[0]);
	(void)argc;
	if (!git_sh_begin("git-oracle"))
		return 0;
	/* The case scripts, from the source tree the test runs in. */
	if (getenv("KTSTR_TOP"))
		snprintf(cases_lib, sizeof(cases_lib), "%s/t/lib-git-cases.sh", getenv("KTSTR_TOP"));
	else if (realpath(argv[0], cases_lib) && strstr(cases_lib, "/t/unit/"))
		strcpy(strstr(cases_lib, "/t/unit/"), "/t/lib-git-cases.sh");
	/* As the scripts' git, which the prelude keeps from the host's system file. */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	states();
	cases();
	revisions();
	revspecs();
	return git_sh_end();
}
