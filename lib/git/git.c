/*
 * git: repository discovery (rundir.md §6.1, §7.2), configuration, refs.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_int.h"
#include "sha.h"

/* Symbolic refs followed before giving up (git's SYMREF_MAXDEPTH). */
#define SYMREF_MAXDEPTH 5
/* Size bound for ref, HEAD, gitdir and config files. */
#define SMALL_FILE_MAX (1 << 20)

int
git_fail(struct git_repo *repo, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(repo->err, sizeof(repo->err), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
git_error(const struct git_repo *repo)
{
	return repo->err;
}

size_t
git_rawsz(const struct git_repo *repo)
{
	return repo->rawsz;
}

int
git_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
git_hex_to_oid(const struct git_repo *repo, const char *hex, struct git_oid *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < repo->rawsz; i++) {
		int hi = git_hexval((unsigned char)hex[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = git_hexval((unsigned char)hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		out->id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

char *
git_oid_hex(const struct git_repo *repo, const struct git_oid *id, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < repo->rawsz; i++) {
		hex[2 * i] = digits[id->id[i] >> 4];
		hex[2 * i + 1] = digits[id->id[i] & 15];
	}
	hex[2 * i] = '\0';
	return hex;
}

int
git_oid_eq(const struct git_repo *repo, const struct git_oid *a, const struct git_oid *b)
{
	return memcmp(a->id, b->id, repo->rawsz) == 0;
}

void
git_hash_object(const struct git_repo *repo, const char *type, const void *data, size_t len,
                struct git_oid *out)
{
	char hdr[64];
	int n = snprintf(hdr, sizeof(hdr), "%s %zu", type, len) + 1;

	memset(out, 0, sizeof(*out));
	if (repo->rawsz == 32) {
		struct sha256_ctx c;

		sha256_init(&c);
		sha256_update(&c, hdr, (size_t)n);
		sha256_update(&c, data, len);
		sha256_final(&c, out->id);
	} else {
		struct sha1_ctx c;

		sha1_init(&c);
		sha1_update(&c, hdr, (size_t)n);
		sha1_update(&c, data, len);
		sha1_final(&c, out->id);
	}
}

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
 * A valid git directory (rundir.md §6.1): HEAD parses, and objects/ and
 * refs/ exist in the common directory.  Sets *common (allocated).
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

static int
config_bool(const char *v, int *out)
{
	if (!v || !*v || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
		*out = !v || *v ? 1 : 0; /* "key" alone is true, "key =" is false */
		return 0;
	}
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
		*out = 0;
		return 0;
	}
	{
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end)
			return -1;
		*out = n != 0;
	}
	return 0;
}

/*
 * The configuration keys the reader needs.  The syntax is git-config(1)'s
 * (sections, subsections, quotes, comments, escapes); include.path is not
 * followed.
 */
static int
read_config(struct git_repo *repo, const char *path)
{
	char *text = read_value(path, SMALL_FILE_MAX), *line, *next;
	char section[64] = "";
	int lineno = 0;

	if (!text)
		return errno == ENOENT ? 0 : git_fail(repo, "cannot read '%s': %s", path, strerror(errno));
	for (line = text; line; line = next) {
		char key[64], val[256], *s = line;
		size_t kn = 0, vn = 0;
		int quoted = 0, hasval = 0;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '#' || *s == ';' || !*s)
			continue;
		if (*s == '[') {
			size_t n = 0;

			s++;
			while (*s && *s != ']' && *s != ' ' && *s != '"' && n + 1 < sizeof(section))
				section[n++] = (char)tolower((unsigned char)*s++);
			section[n] = '\0';
			if (*s == ' ' || *s == '"')
				section[0] = '\0'; /* a subsection: none of ours */
			s = strchr(s, ']');
			if (!s) {
				free(text);
				return git_fail(repo, "%s: line %d: bad section header", path, lineno);
			}
			s++;
			while (isspace((unsigned char)*s))
				s++;
			if (!*s || *s == '#' || *s == ';')
				continue;
		}
		while (isalnum((unsigned char)*s) || *s == '-') {
			if (kn + 1 < sizeof(key))
				key[kn++] = (char)tolower((unsigned char)*s);
			s++;
		}
		key[kn] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '=') {
			hasval = 1;
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
			for (; *s; s++) {
				if (*s == '"') {
					quoted = !quoted;
					continue;
				}
				if (!quoted && (*s == '#' || *s == ';'))
					break;
				if (*s == '\\' && s[1]) {
					s++;
					if (*s == 't')
						*s = '\t';
					else if (*s == 'n')
						*s = '\n';
				}
				if (vn + 1 < sizeof(val))
					val[vn++] = *s;
			}
			while (vn && !quoted && (val[vn - 1] == ' ' || val[vn - 1] == '\t' || val[vn - 1] == '\r'))
				vn--;
		}
		val[vn] = '\0';
		if (!strcmp(section, "core")) {
			int *dst = !strcmp(key, "filemode")     ? &repo->filemode
			           : !strcmp(key, "trustctime") ? &repo->trustctime
			           : !strcmp(key, "symlinks")   ? &repo->symlinks
			                                        : NULL;

			if (dst && config_bool(hasval ? val : NULL, dst) < 0) {
				free(text);
				return git_fail(repo, "%s: line %d: bad boolean '%s'", path, lineno, val);
			}
			if (!strcmp(key, "autocrlf")) {
				int v = 0;

				repo->autocrlf = !strcasecmp(val, "input") ||
				                 (config_bool(hasval ? val : NULL, &v) == 0 && v);
			}
			if (!strcmp(key, "checkstat"))
				repo->checkstat = strcasecmp(val, "minimal") != 0;
		} else if (!strcmp(section, "extensions")) {
			if (!strcmp(key, "objectformat")) {
				if (!strcasecmp(val, "sha1"))
					repo->rawsz = 20;
				else if (!strcasecmp(val, "sha256"))
					repo->rawsz = 32;
				else {
					free(text);
					return git_fail(repo, "%s: unsupported object format '%s'", path, val);
				}
			} else if (!strcmp(key, "refstorage") && strcasecmp(val, "files") != 0) {
				free(text);
				return git_fail(repo, "%s: unsupported ref storage '%s' (only 'files' is read)",
				                path, val);
			}
		}
	}
	free(text);
	return 0;
}

static struct git_repo *
repo_new(char *gitdir, char *common, char *worktree, char *err, size_t errlen)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));
	char *cfg;

	repo->gitdir = gitdir;
	repo->commondir = common;
	repo->worktree = worktree;
	repo->rawsz = 20;
	repo->filemode = 1;
	repo->trustctime = 1;
	repo->checkstat = 1;
	repo->symlinks = 1;
	cfg = path_join(common, "config");
	if (read_config(repo, cfg) < 0) {
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
	buf_free(&repo->packed_refs);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->worktree);
	free(repo);
}

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
		return repo->packed_ok ? 0 : -1;
	repo->packed_loaded = 1;
	p = path_join(repo->commondir, "packed-refs");
	if (read_file(p, &repo->packed_refs, 0) < 0) {
		int e = errno;

		free(p);
		if (e == ENOENT) {
			repo->packed_ok = 1;
			return 0;
		}
		return git_fail(repo, "cannot read packed-refs: %s", strerror(e));
	}
	free(p);
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
	s = repo->packed_refs.s;
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
				return git_fail(repo, "cannot read ref '%s': %s", cur, strerror(errno));
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

int
git_head_oid(struct git_repo *repo, struct git_oid *out)
{
	struct git_oid id;

	if (git_resolve_ref(repo, "HEAD", &id) < 0)
		return -1;
	return git_peel(repo, &id, GIT_OBJ_COMMIT, out);
}

int
git_head(struct git_repo *repo, char hex[GIT_MAX_HEXSZ + 1])
{
	struct git_oid id;

	if (git_head_oid(repo, &id) < 0)
		return -1;
	git_oid_hex(repo, &id, hex);
	return 0;
}

int
git_commit_string(const char *dir, int walk_up, char out[32])
{
	char err[256], hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo = git_open(dir, walk_up, err, sizeof(err));
	int dirty;

	if (!repo)
		return -1;
	if (git_head(repo, hex) < 0) {
		git_close(repo);
		return -1;
	}
	dirty = git_dirty(repo);
	snprintf(out, 32, "%.7s%s", hex, dirty ? "-dirty" : "");
	git_close(repo);
	return 0;
}
