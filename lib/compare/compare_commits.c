/*
 * compare_commits: the commit options' values as revision expressions,
 * resolved by lib/git (ktstr-compare(1), Filters).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare_commits.h"
#include "git/git.h"
#include "json/json.h"
#include "util/util.h"

struct side {
	int opened;
	struct git_repo *repo;
	int head_ok, dirty; /* dirty: -1 not probed yet */
	struct git_oid head;
};

static struct side sides[2];

static char *
trim(const char *s)
{
	const char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r' ||
	                 e[-1] == '\f' || e[-1] == '\v'))
		e--;
	return estrndup(s, (size_t)(e - s));
}

static int
is_type(const struct json_value *v, enum json_type t)
{
	return v && v->type == t;
}

/*
 * The kernel repository: KTSTR_KERNEL as a path, where a complete
 * local-build metadata.json redirects to its source tree.  Not the run
 * probe of rundir_kernel.c: upstream's stats compare neither looks a
 * version or cache key up in the kernel cache nor checks the optional
 * members' types, and compare may not use rundir.
 */
static char *
kernel_dir(void)
{
	const char *env = getenv("KTSTR_KERNEL");
	char *p, *meta, *dir;
	struct buf b = BUF_INIT;
	struct json_doc doc;
	struct json_error jerr;

	if (!env)
		return NULL;
	p = trim(env);
	if (!*p) {
		free(p);
		return NULL;
	}
	dir = p;
	meta = path_join(p, "metadata.json");
	memset(&doc, 0, sizeof(doc)); /* json_parse expects an empty document */
	if (read_file(meta, &b, 1 << 24) == 0 &&
	    json_parse(&doc, b.s, b.len, JSON_DEFAULT_MAX_DEPTH, &jerr) == 0) {
		const struct json_value *root = doc.root, *src = json_get(root, "source");

		if (is_type(root, JSON_OBJECT) && is_type(src, JSON_OBJECT) &&
		    is_type(json_get(src, "type"), JSON_STRING) &&
		    is_type(json_get(root, "arch"), JSON_STRING) &&
		    is_type(json_get(root, "image_name"), JSON_STRING) &&
		    is_type(json_get(root, "built_at"), JSON_STRING) &&
		    is_type(json_get(root, "has_vmlinux"), JSON_BOOL) &&
		    is_type(json_get(root, "vmlinux_stripped"), JSON_BOOL) &&
		    !strcmp(json_get(src, "type")->u.str.s, "local") &&
		    is_type(json_get(src, "source_tree_path"), JSON_STRING))
			dir = estrdup(json_get(src, "source_tree_path")->u.str.s);
	}
	json_doc_free(&doc);
	if (dir != p)
		free(p);
	free(meta);
	buf_free(&b);
	return dir;
}

static struct side *
side_open(int kernel)
{
	struct side *sd = &sides[kernel != 0];
	char err[256];

	if (sd->opened)
		return sd;
	sd->opened = 1;
	sd->dirty = -1;
	if (kernel) {
		char *dir = kernel_dir(), *dotgit;
		struct stat st;

		if (!dir)
			return sd;
		/* The kernel directory must itself be a repository root. */
		dotgit = path_join(dir, ".git");
		if (lstat(dotgit, &st) == 0)
			sd->repo = git_open(dir, 0, err, sizeof(err));
		free(dotgit);
		free(dir);
	} else {
		sd->repo = git_open(".", 1, err, sizeof(err));
	}
	if (sd->repo)
		sd->head_ok = git_head_oid(sd->repo, &sd->head) == 0;
	return sd;
}

static void
push(char ***vals, size_t *n, char *s)
{
	*vals = ereallocarray(*vals, *n + 1, sizeof(**vals));
	(*vals)[(*n)++] = s;
}

static char *
short_hex(struct git_repo *repo, const struct git_oid *id, const char *suffix)
{
	char hex[GIT_MAX_HEXSZ + 1];

	git_oid_hex(repo, id, hex);
	return easprintf("%.7s%s", hex, suffix);
}

/* After removing one trailing "-dirty": 7 to 40 ASCII hex digits. */
static int
hash_shaped(const char *s)
{
	size_t n = strlen(s), i;

	if (n >= 6 && !strcmp(s + n - 6, "-dirty"))
		n -= 6;
	if (n < 7 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

static int
resolve_end(struct git_repo *repo, const char *s, size_t n, struct git_oid *out)
{
	char *e = n ? estrndup(s, n) : estrdup("HEAD");
	int r = git_rev_parse(repo, e, out);

	free(e);
	return r;
}

struct collect {
	struct git_repo *repo;
	char ***vals;
	size_t *n;
};

static int
collect_one(const struct git_oid *id, void *arg)
{
	struct collect *c = arg;

	push(c->vals, c->n, short_hex(c->repo, id, ""));
	return 0;
}

void
compare_commits_expand(const char *flag, int kernel, const char *value, char ***vals, size_t *n)
{
	struct side *sd;
	struct git_repo *repo;
	struct git_oid a, b, id;
	const char *dots;
	size_t len = strlen(value);

	sd = side_open(kernel);
	repo = sd->repo;
	if (!repo)
		goto literal_silent;
	if (len > 6 && !strcmp(value + len - 6, "-dirty") && hash_shaped(value))
		goto literal_silent;
	/* Case 3: recognised by their text, reported only when they name commits. */
	if ((dots = strstr(value, "...")) != NULL) {
		if (resolve_end(repo, value, (size_t)(dots - value), &a) == 0 &&
		    resolve_end(repo, dots + 3, strlen(dots + 3), &b) == 0)
			goto unsupported;
		goto unresolved;
	}
	if (value[0] == '^') {
		if (git_rev_parse(repo, value + 1, &a) == 0)
			goto unsupported;
		goto unresolved;
	}
	if (len >= 2 && !strcmp(value + len - 2, "^@")) {
		if (resolve_end(repo, value, len - 2, &a) == 0)
			goto unsupported;
		goto unresolved;
	}
	if ((dots = strstr(value, "..")) != NULL) {
		struct collect c = {repo, vals, n};
		size_t before = *n;

		if (resolve_end(repo, value, (size_t)(dots - value), &a) < 0 ||
		    resolve_end(repo, dots + 2, strlen(dots + 2), &b) < 0)
			goto unresolved;
		if (git_rev_walk(repo, &a, &b, collect_one, &c) < 0) {
			while (*n > before)
				free((*vals)[--*n]);
			warning("--%s range '%s' could not be expanded: %s; using as literal filter", flag, value,
			     git_error(repo));
			goto literal_silent;
		}
		return;
	}
	if (git_rev_parse(repo, value, &id) < 0)
		goto unresolved;
	if (sd->head_ok && !memcmp(id.id, sd->head.id, git_rawsz(repo))) {
		if (sd->dirty < 0 && (sd->dirty = git_dirty(repo)) < 0) {
			warning("%s; the tree counts as dirty", git_error(repo));
			sd->dirty = 1;
		}
		push(vals, n, short_hex(repo, &id, sd->dirty ? "-dirty" : ""));
	} else {
		push(vals, n, short_hex(repo, &id, ""));
	}
	return;
unsupported:
	warning("--%s '%s' uses an unsupported revspec form (Exclude/Merge/IncludeOnlyParents); using as "
	     "literal filter",
	     flag, value);
	goto literal_silent;
unresolved:
	if (!hash_shaped(value))
		warning("--%s '%s' did not resolve as a revspec; using as literal filter", flag, value);
literal_silent:
	push(vals, n, estrdup(value));
}

void
compare_commits_free(char **vals, size_t n)
{
	while (n)
		free(vals[--n]);
	free(vals);
}
