/*
 * git_refs: loose refs, packed-refs and symbolic refs, resolved as
 * git's files backend does.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_int.h"

/* Symbolic refs followed before giving up (git's SYMREF_MAXDEPTH). */
#define SYMREF_MAXDEPTH 5
/* Size bound for a loose ref. */
#define SMALL_FILE_MAX (1 << 20)

/*
 * A ref name safe to turn into a path: git-check-ref-format's rules that
 * matter here (no "..", no component starting with '.', no control or
 * special characters, no "@{", no ".lock" or '/' at the end).
 */
static int
refname_ok(const char *name)
{
	const char *s;

	if (!*name || *name == '/' || strstr(name, "..") || strstr(name, "//") || strstr(name, "@{") ||
	    strstr(name, "/."))
		return 0;
	for (s = name; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || strchr(" ~^:?*[\\", *s))
			return 0;
	s--;
	if (*s == '/' || *s == '.' || (strlen(name) >= 5 && !strcmp(s - 4, ".lock")) || *name == '.')
		return 0;
	return 1;
}

/* Per-worktree refs live in the git directory, the rest in the common one. */
static const char *
ref_base(const struct git_repo *repo, const char *name)
{
	if (strncmp(name, "refs/", 5) != 0 || !strncmp(name, "refs/worktree/", 14) ||
	    !strncmp(name, "refs/bisect/", 12) || !strncmp(name, "refs/rewritten/", 15))
		return repo->gitdir;
	return repo->commondir;
}

static int
load_packed(struct git_repo *repo)
{
	char *p;

	if (repo->packed_loaded)
		return repo->packed_ok ? 0 : git_fail(repo, "packed-refs cannot be read");
	repo->packed_loaded = 1;
	p = path_join(repo->commondir, "packed-refs");
	if (read_file(p, &repo->packed_refs, 0) < 0) {
		int e = errno;

		free(p);
		if (e == ENOENT) {
			repo->packed_ok = 1;
			return 0;
		}
		return git_fail(repo, "cannot read packed-refs: %s", error_text(e));
	}
	free(p);
	/* git refuses a packed-refs file whose last line is cut off. */
	if (repo->packed_refs.len && repo->packed_refs.s[repo->packed_refs.len - 1] != '\n')
		return git_fail(repo, "unterminated line in packed-refs");
	repo->packed_ok = 1;
	return 0;
}

/*
 * Look name up in packed-refs: "<hex> <name>" lines, "^<hex>" peeled
 * lines (skipped: the ref's own id is wanted), "#" header.
 */
static int
packed_lookup(struct git_repo *repo, const char *name, struct git_oid *out)
{
	const char *s, *end;
	size_t hexsz = repo->rawsz * 2, nlen = strlen(name);

	if (load_packed(repo) < 0)
		return -1;
	/* No packed-refs file leaves s NULL, and NULL + 0 is undefined too. */
	if ((s = repo->packed_refs.s) == NULL)
		return 1;
	end = s + repo->packed_refs.len;
	while (s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (len == hexsz + 1 + nlen && s[hexsz] == ' ' && !memcmp(s + hexsz + 1, name, nlen))
			return git_hex_to_oid(repo, s, out) < 0
			               ? git_fail(repo, "packed-refs: bad id for '%s'", name)
			               : 0;
		s = nl ? nl + 1 : NULL;
	}
	return 1;
}

/*
 * Resolve a full ref name through symbolic refs.  0 found, 1 absent (or
 * unborn), -1 error.
 */
static int
resolve(struct git_repo *repo, const char *name, struct git_oid *out)
{
	char cur[PATH_MAX];
	int depth;

	snprintf(cur, sizeof(cur), "%s", name);
	for (depth = 0; depth <= SYMREF_MAXDEPTH; depth++) {
		char *p, *s, *t;
		int r;

		if (!refname_ok(cur))
			return git_fail(repo, "bad ref name '%s'", cur);
		p = path_join(ref_base(repo, cur), cur);
		s = read_value(p, SMALL_FILE_MAX);
		free(p);
		if (!s) {
			if (errno != ENOENT && errno != ENOTDIR && errno != EISDIR)
				return git_fail(repo, "cannot read ref '%s': %s", cur, error_text(errno));
			if (strncmp(cur, "refs/", 5) != 0)
				return git_fail(repo, "ref '%s' not found", cur);
			r = packed_lookup(repo, cur, out);
			if (r > 0)
				return git_fail(repo, "ref '%s' not found", cur), 1;
			return r;
		}
		if (strncmp(s, "ref:", 4) == 0) {
			t = s + 4;
			while (*t == ' ' || *t == '\t')
				t++;
			snprintf(cur, sizeof(cur), "%s", t);
			free(s);
			continue;
		}
		r = git_hex_to_oid(repo, s, out);
		t = s + repo->rawsz * 2;
		if (r == 0 && *t && !isspace((unsigned char)*t))
			r = -1;
		free(s);
		return r < 0 ? git_fail(repo, "ref '%s' holds no object id", cur) : 0;
	}
	return git_fail(repo, "ref '%s': symbolic refs nested too deep", name);
}

int
git_resolve_ref(struct git_repo *repo, const char *name, struct git_oid *out)
{
	return resolve(repo, name, out) == 0 ? 0 : -1;
}

/* Replace refs: name the object they replace, hold the replacement's id. */

static int
replace_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct git_oid));
}

/* The whole pair, so that equal pairs sort next to each other; replace_cmp's order still holds. */
static int
pair_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 2 * sizeof(struct git_oid));
}

/*
 * One ref under the replace base, the rest of its name hex: add it.  A
 * ref both packed and loose comes here twice; resolve() gives the loose
 * id both times, as git's ref iteration would, and load_replace keeps one.
 */
static void
replace_add(struct git_repo *repo, const char *base, const char *hex)
{
	struct git_oid pair[2];
	char *name;

	if (strlen(hex) != repo->rawsz * 2 || git_hex_to_oid(repo, hex, &pair[0]) < 0)
		return;
	name = easprintf("%s%s", base, hex);
	if (resolve(repo, name, &pair[1]) == 0) {
		repo->replace = ereallocarray(repo->replace, repo->nreplace + 1, sizeof(pair));
		memcpy(repo->replace[repo->nreplace++], pair, sizeof(pair));
	}
	free(name);
}

/* Every replace ref, loose and packed, sorted by the replaced id. */
static void
load_replace(struct git_repo *repo)
{
	const char *base = getenv("GIT_REPLACE_REF_BASE");
	char *dir, *slashed;
	DIR *d;
	struct dirent *de;
	const char *s, *end;
	size_t blen;

	repo->replace_loaded = 1;
	/* git reads it once, at startup: set, with any value, it hides every replace ref */
	if (getenv("GIT_NO_REPLACE_OBJECTS"))
		return;
	if (!base || !*base)
		base = "refs/replace/";
	slashed = base[strlen(base) - 1] == '/' ? estrdup(base) : easprintf("%s/", base);
	blen = strlen(slashed);
	if (load_packed(repo) == 0 && repo->packed_refs.s)
		for (s = repo->packed_refs.s, end = s + repo->packed_refs.len; s < end;) {
			const char *nl = memchr(s, '\n', (size_t)(end - s)), *name;
			size_t hexsz = repo->rawsz * 2;

			if ((size_t)(nl - s) > hexsz + 1 + blen && s[hexsz] == ' ' &&
			    !strncmp(name = s + hexsz + 1, slashed, blen)) {
				char *hex = estrndup(name + blen, (size_t)(nl - name) - blen);

				replace_add(repo, slashed, hex);
				free(hex);
			}
			s = nl + 1;
		}
	dir = path_join(repo->commondir, slashed);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		replace_add(repo, slashed, de->d_name);
	if (d)
		closedir(d);
	free(dir);
	free(slashed);
	if (repo->nreplace) {
		size_t i, n = 1;

		qsort(repo->replace, repo->nreplace, sizeof(*repo->replace), pair_cmp);
		for (i = 1; i < repo->nreplace; i++) {
			if (pair_cmp(repo->replace[i], repo->replace[n - 1]) == 0)
				continue;
			if (i != n)
				memcpy(repo->replace[n], repo->replace[i], sizeof(*repo->replace));
			n++;
		}
		repo->nreplace = n;
	}
}

int
git_replace_lookup(struct git_repo *repo, const struct git_oid *id, struct git_oid *out)
{
	const struct git_oid(*hit)[2];

	if (!repo->replace_refs)
		return 0;
	if (!repo->replace_loaded)
		load_replace(repo);
	hit = repo->nreplace ? bsearch(id, repo->replace, repo->nreplace, sizeof(*repo->replace),
	                               replace_cmp)
	                     : NULL;
	if (!hit)
		return 0;
	*out = (*hit)[1];
	return 1;
}

void
git_refs_free(struct git_repo *repo)
{
	buf_free(&repo->packed_refs);
	repo->packed_loaded = repo->packed_ok = 0;
	free(repo->replace);
	repo->replace = NULL;
	repo->nreplace = 0;
	repo->replace_loaded = 0;
}
