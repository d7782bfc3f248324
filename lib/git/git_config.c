/*
 * git_config: configuration files in git-config(1)'s syntax, and the
 * keys the reader uses.
 *
 * The parser follows git's: "[section]", "[section "subsection"]" (the
 * subsection verbatim, with \" and \\) and the old "[section.sub]";
 * names are letters, digits and '-', case-insensitive; a value runs to
 * the end of the line or to a '#' or ';' outside double quotes, with
 * the escapes \n, \t, \b, \\, \" and a backslash before the newline
 * continuing the line; blanks around it are dropped, those inside kept.
 * A key without '=' is a boolean true.  Anything else is an error
 * naming the file and line, as git refuses such a file.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "git_int.h"
#include "git_wildmatch.h"

/* Size bound for a configuration file. */
#define CONFIG_FILE_MAX (1 << 20)
/* Nested includes git follows before it gives up (its MAX_INCLUDE_DEPTH). */
#define CONFIG_INCLUDE_MAXDEPTH 10

struct cfg_src {
	const char *path;
	const unsigned char *p, *end;
	int line, eof;
};

/* One entry: var is "section.key" or "section.subsection.key". */
typedef int cfg_fn(struct git_repo *repo, const char *var, const char *value, void *arg);

/* The file whose entries are being applied. */
struct cfg_ctx {
	const char *path; /* for relative includes and "./" conditions */
	int depth;        /* includes followed to reach it */
	int repo_file;    /* the repository's own config: the format (extensions) counts */
};

/* git's get_next_char: CRLF reads as LF, the end of the text as a final LF. */
static int
next_char(struct cfg_src *s)
{
	int c;

	if (s->p == s->end) {
		s->eof = 1;
		return '\n';
	}
	c = *s->p++;
	if (c == '\r' && s->p < s->end && *s->p == '\n')
		c = *s->p++;
	if (c == '\n')
		s->line++;
	return c;
}

static int
key_char(int c)
{
	return isalnum(c) || c == '-';
}

/* After '[': "name]" or "name "sub"]" into var as "name." or "name.sub.". */
static int
parse_section(struct cfg_src *s, struct buf *var)
{
	int c;

	buf_reset(var);
	for (;;) {
		c = next_char(s);
		if (s->eof)
			return -1;
		if (c == ']')
			break;
		if (isspace(c)) {
			while (isspace(c) && c != '\n')
				c = next_char(s);
			if (c != '"')
				return -1;
			buf_putc(var, '.');
			while ((c = next_char(s)) != '"') {
				if (c == '\\')
					c = next_char(s);
				if (c == '\n')
					return -1;
				buf_putc(var, c);
			}
			if (next_char(s) != ']')
				return -1;
			break;
		}
		if (!key_char(c) && c != '.')
			return -1;
		buf_putc(var, tolower(c));
	}
	if (!var->len)
		return -1;
	buf_putc(var, '.');
	return 0;
}

/* After '=': git's parse_value. */
static int
parse_value(struct cfg_src *s, struct buf *val)
{
	int quote = 0, comment = 0, c;
	size_t space = 0;

	buf_reset(val);
	buf_puts(val, "");
	for (;;) {
		c = next_char(s);
		if (c == '\n')
			return quote ? -1 : 0;
		if (comment)
			continue;
		if (isspace(c) && !quote) {
			space += val->len != 0;
			continue;
		}
		if (!quote && (c == ';' || c == '#')) {
			comment = 1;
			continue;
		}
		for (; space; space--)
			buf_putc(val, ' ');
		if (c == '"') {
			quote = !quote;
			continue;
		}
		if (c == '\\') {
			c = next_char(s);
			if (c == '\n')
				continue;
			if (c == 't')
				c = '\t';
			else if (c == 'b')
				c = '\b';
			else if (c == 'n')
				c = '\n';
			else if (c != '\\' && c != '"')
				return -1;
		}
		buf_putc(val, c);
	}
}

/* The rest of a key whose first letter was c, then its value, then fn. */
static int
parse_entry(struct git_repo *repo, struct cfg_src *s, int c, struct buf *var, size_t stem,
            struct buf *val, cfg_fn *fn, void *arg)
{
	var->len = stem;
	buf_putc(var, tolower(c));
	for (;;) {
		c = next_char(s);
		if (s->eof || !key_char(c))
			break;
		buf_putc(var, tolower(c));
	}
	while (c == ' ' || c == '\t')
		c = next_char(s);
	if (c != '\n' && (c != '=' || parse_value(s, val) < 0))
		return -1;
	if (fn(repo, var->s, c == '\n' ? NULL : val->s, arg) < 0)
		return -2; /* the callback's own reason */
	return 0;
}

static int
parse_text(struct git_repo *repo, const char *path, const char *text, size_t len, cfg_fn *fn,
           void *arg)
{
	struct cfg_src s = {path, (const unsigned char *)text, (const unsigned char *)text + len, 1, 0};
	struct buf var = BUF_INIT, val = BUF_INIT;
	size_t stem = 0;
	int comment = 0, r = 0, line = 1;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		s.p += 3;
	buf_puts(&var, "");
	for (;;) {
		int c = next_char(&s);

		if (c == '\n') {
			if (s.eof)
				break;
			comment = 0;
			continue;
		}
		if (comment || isspace(c))
			continue;
		line = s.line;
		if (c == '#' || c == ';') {
			comment = 1;
			continue;
		}
		if (c == '[') {
			if (parse_section(&s, &var) < 0) {
				r = -1;
				break;
			}
			stem = var.len;
			continue;
		}
		if (!isalpha(c) || (r = parse_entry(repo, &s, c, &var, stem, &val, fn, arg)) < 0)
			break;
	}
	if (r == -1 || (r == 0 && !s.eof)) {
		r = git_fail(repo, "bad config line %d in file %s", line, path);
	} else if (r == -2) {
		char why[sizeof(repo->err)];

		snprintf(why, sizeof(why), "%s", repo->err);
		git_fail(repo, "%s line %d: %s", path, line, why);
	}
	buf_free(&var);
	buf_free(&val);
	return r < 0 ? -1 : 0;
}

/* git's boolean: true/yes/on, false/no/off/"", or an integer (0 is false); -1 for none. */
static int
parse_bool(const char *v, int *out)
{
	int64_t n;

	if (!v || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
		*out = 1;
		return 0;
	}
	if (!*v || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
		*out = 0;
		return 0;
	}
	if (parse_i64(v, INT64_MIN, INT64_MAX, &n) < 0)
		return -1;
	*out = n != 0;
	return 0;
}

static int
config_bool(struct git_repo *repo, const char *var, const char *v, int *out)
{
	return parse_bool(v, out) < 0 ? git_fail(repo, "bad boolean config value '%s' for '%s'", v, var) : 0;
}

/* "~/" and "~user/" at the start of a path; NULL when there is no such home. */
static char *
expand_home(const char *path)
{
	const char *rest, *home = NULL;
	struct passwd *pw = NULL;
	char *user;

	if (path[0] != '~')
		return estrdup(path);
	rest = strchrnul(path, '/');
	if (rest == path + 1) {
		home = getenv("HOME");
	} else {
		user = estrndup(path + 1, (size_t)(rest - path - 1));
		pw = getpwnam(user);
		free(user);
		home = pw ? pw->pw_dir : NULL;
	}
	return home && *home ? easprintf("%s%s", home, rest) : NULL;
}

/* A path from a config value: home expanded, relative ones from the file's directory. */
static char *
config_path(const struct cfg_ctx *ctx, const char *value)
{
	char *p = expand_home(value), *dir, *slash;

	if (!p || *p == '/' || !ctx->path)
		return p;
	dir = estrdup(ctx->path);
	slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
	slash = path_join(*dir ? dir : ".", p);
	free(dir);
	free(p);
	return slash;
}

static int
core_key(struct git_repo *repo, const char *var, const char *value)
{
	const char *key = var + strlen("core.");

	if (!strcmp(key, "filemode"))
		return config_bool(repo, var, value, &repo->filemode);
	if (!strcmp(key, "trustctime"))
		return config_bool(repo, var, value, &repo->trustctime);
	if (!strcmp(key, "symlinks"))
		return config_bool(repo, var, value, &repo->symlinks);
	if (!strcmp(key, "usereplacerefs"))
		return config_bool(repo, var, value, &repo->replace_refs);
	if (!strcmp(key, "autocrlf")) {
		if (value && !strcasecmp(value, "input")) {
			repo->autocrlf = GIT_AUTOCRLF_INPUT;
			return 0;
		}
		return config_bool(repo, var, value, &repo->autocrlf);
	}
	if (!strcmp(key, "checkstat") && value) {
		if (!strcasecmp(value, "default"))
			repo->checkstat = 1;
		else if (!strcasecmp(value, "minimal"))
			repo->checkstat = 0;
	}
	if (!strcmp(key, "attributesfile")) {
		if (!value)
			return git_fail(repo, "missing value for '%s'", var);
		free(repo->attributes_file);
		repo->attributes_file = expand_home(value);
		if (!repo->attributes_file)
			return git_fail(repo, "failed to expand user dir in: '%s'", value);
	}
	return 0;
}

/* The repository format, which git reads from the repository's own file only. */
static int
extensions_key(struct git_repo *repo, const char *var, const char *value)
{
	const char *key = var + strlen("extensions.");

	if (!strcmp(key, "objectformat")) {
		if (value && !strcasecmp(value, "sha1"))
			git_set_format(repo, GIT_HASH_SHA1);
		else if (value && !strcasecmp(value, "sha256"))
			git_set_format(repo, GIT_HASH_SHA256);
		else
			return git_fail(repo, "unsupported object format '%s'", value ? value : "");
	} else if (!strcmp(key, "refstorage") && (!value || strcasecmp(value, "files") != 0)) {
		return git_fail(repo, "unsupported ref storage '%s' (only 'files' is read)",
		                value ? value : "");
	} else if (!strcmp(key, "worktreeconfig")) {
		return config_bool(repo, var, value, &repo->worktree_config);
	}
	return 0;
}

/* filter.<name>.clean, .process, .required: what git does with such a file on add. */
static int
filter_key(struct git_repo *repo, const char *var, const char *name, size_t namelen,
           const char *value)
{
	const char *key = strrchr(var, '.') + 1;
	struct git_filter *f = NULL;
	size_t i;

	for (i = 0; i < repo->nfilters && !f; i++)
		if (strlen(repo->filters[i].name) == namelen && !memcmp(repo->filters[i].name, name, namelen))
			f = &repo->filters[i];
	if (!f) {
		repo->filters = ereallocarray(repo->filters, repo->nfilters + 1, sizeof(*repo->filters));
		f = &repo->filters[repo->nfilters++];
		memset(f, 0, sizeof(*f));
		f->name = estrndup(name, namelen);
	}
	if (!strcmp(key, "clean") || !strcmp(key, "process")) {
		/* git refuses the key without a value, though the command itself is never run here */
		if (!value)
			return git_fail(repo, "missing value for '%s'", var);
	} else if (!strcmp(key, "required")) {
		return config_bool(repo, var, value, &f->required);
	}
	return 0;
}

/*
 * A gitdir: pattern as git prepares it: "~/" expanded (to the real
 * home), "./" the including file's directory, "**" + "/" before a
 * relative one, "**" after a trailing '/'.  *literal: how many leading
 * bytes are a directory name to compare as it is, not as a pattern.
 */
static char *
gitdir_pattern(const struct cfg_ctx *ctx, const char *cond, size_t n, size_t *literal)
{
	char *pat = estrndup(cond, n), *tmp;

	*literal = 0;
	if (pat[0] == '~' && pat[1] == '/') {
		char *home = getenv("HOME") ? realpath(getenv("HOME"), NULL) : NULL;

		tmp = home ? easprintf("%s%s", home, pat + 1) : NULL;
		free(home);
		free(pat);
		if (!(pat = tmp))
			return NULL;
	} else if (pat[0] == '.' && pat[1] == '/') {
		char *file = ctx->path ? realpath(ctx->path, NULL) : NULL, *slash;

		if (!file) {
			free(pat);
			return NULL;
		}
		slash = strrchr(file, '/');
		*literal = (size_t)(slash - file) + 1;
		tmp = easprintf("%.*s%s", (int)(slash - file), file, pat + 1);
		free(file);
		free(pat);
		pat = tmp;
	}
	if (pat[0] != '/') {
		tmp = easprintf("**/%s", pat);
		free(pat);
		pat = tmp;
	}
	if (pat[strlen(pat) - 1] == '/') {
		tmp = easprintf("%s**", pat);
		free(pat);
		pat = tmp;
	}
	return pat;
}

static int
gitdir_matches(const char *pat, size_t literal, const char *dir, unsigned flags)
{
	size_t n = strlen(dir);

	if (literal && (n < literal || ((flags & GIT_WM_CASEFOLD) ? strncasecmp(pat, dir, literal)
	                                                           : strncmp(pat, dir, literal))))
		return 0;
	return git_wildmatch(pat + literal, dir + literal, GIT_WM_PATHNAME | flags);
}

/* HEAD's branch ("main" for refs/heads/main), or NULL when detached or unreadable. */
static char *
head_branch(const struct git_repo *repo)
{
	char *p = path_join(repo->gitdir, "HEAD"), *head = read_value(p, 4096), *branch = NULL;
	const char *s = head;

	free(p);
	if (s && !strncmp(s, "ref:", 4)) {
		for (s += 4; *s == ' ' || *s == '\t'; s++)
			;
		if (!strncmp(s, "refs/heads/", 11))
			branch = estrdup(s + 11);
	}
	free(head);
	return branch;
}

/* includeIf's condition: gitdir:, gitdir/i:, onbranch:; any other is false, as in git. */
static int
config_condition(struct git_repo *repo, const struct cfg_ctx *ctx, const char *cond, size_t n)
{
	unsigned flags = 0;
	size_t skip = 0, literal;
	char *pat, *branch;
	int r;

	if (n >= 7 && !memcmp(cond, "gitdir:", 7))
		skip = 7;
	else if (n >= 9 && !memcmp(cond, "gitdir/i:", 9))
		skip = 9, flags = GIT_WM_CASEFOLD;
	if (skip) {
		pat = gitdir_pattern(ctx, cond + skip, n - skip, &literal);
		r = pat && (gitdir_matches(pat, literal, repo->gitdir, flags) ||
		            (repo->gitdir_given && gitdir_matches(pat, literal, repo->gitdir_given, flags)));
		free(pat);
		return r;
	}
	if (n < 9 || memcmp(cond, "onbranch:", 9) != 0 || !(branch = head_branch(repo)))
		return 0;
	pat = n > 9 && cond[n - 1] == '/' ? easprintf("%.*s**", (int)(n - 9), cond + 9)
	                                   : estrndup(cond + 9, n - 9);
	r = git_wildmatch(pat, branch, GIT_WM_PATHNAME);
	free(pat);
	free(branch);
	return r;
}

static int read_file_config(struct git_repo *repo, const char *path, int depth, int repo_file);

/* include.path, and includeIf.<condition>.path when the condition holds. */
static int
include_key(struct git_repo *repo, const struct cfg_ctx *ctx, const char *var, const char *value)
{
	char *path;
	int r;

	if (!value)
		return git_fail(repo, "missing value for '%s'", var);
	path = config_path(ctx, value);
	if (!path)
		return git_fail(repo, "could not expand include path '%s'", value);
	if (access(path, R_OK) < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		free(path);
		return 0; /* a missing include is no error */
	}
	if (ctx->depth + 1 > CONFIG_INCLUDE_MAXDEPTH) {
		r = git_fail(repo, "exceeded maximum include depth (%d) while including '%s' from '%s'",
		             CONFIG_INCLUDE_MAXDEPTH, path, ctx->path);
		free(path);
		return r;
	}
	r = read_file_config(repo, path, ctx->depth + 1, 0);
	free(path);
	return r;
}

static int
repo_key(struct git_repo *repo, const char *var, const char *value, void *arg)
{
	const struct cfg_ctx *ctx = arg;
	const char *dot = strchr(var, '.'), *last = strrchr(var, '.');
	size_t seclen = (size_t)(dot - var);
	const char *sub = dot < last ? dot + 1 : NULL;
	size_t sublen = sub ? (size_t)(last - sub) : 0;

	if (seclen == 4 && !memcmp(var, "core", 4))
		return core_key(repo, var, value);
	if (seclen == 10 && !memcmp(var, "extensions", 10))
		return ctx->repo_file ? extensions_key(repo, var, value) : 0;
	if (seclen == 6 && !memcmp(var, "filter", 6) && sub)
		return filter_key(repo, var, sub, sublen, value);
	if (!strcmp(var, "include.path"))
		return include_key(repo, ctx, var, value);
	if (seclen == 9 && !memcmp(var, "includeif", 9) && sub && !strcmp(last, ".path") &&
	    config_condition(repo, ctx, sub, sublen))
		return include_key(repo, ctx, var, value);
	return 0;
}

/*
 * One file: a missing one is nothing, an unreadable one is skipped as
 * git does after its warning; a syntax error or a bad value is an error
 * naming the file, as git refuses to run then.
 */
static int
read_file_config(struct git_repo *repo, const char *path, int depth, int repo_file)
{
	struct cfg_ctx ctx = {path, depth, repo_file};
	struct buf text = BUF_INIT;
	int r = 0;

	if (read_file(path, &text, CONFIG_FILE_MAX) == 0)
		r = parse_text(repo, path, text.s ? text.s : "", text.len, repo_key, &ctx);
	buf_free(&text);
	return r;
}

int
git_env_bool(const char *name, int *out)
{
	const char *v = getenv(name);

	*out = 0;
	return v ? parse_bool(v, out) : 0;
}

char *
git_xdg_path(const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *sub, *p;

	/* git treats an empty variable as an unset one */
	if (xdg && *xdg) {
		sub = easprintf("git/%s", name);
		p = path_join(xdg, sub);
	} else if (home && *home) {
		sub = easprintf(".config/git/%s", name);
		p = path_join(home, sub);
	} else {
		return NULL;
	}
	free(sub);
	return p;
}

/*
 * The files git reads, lowest precedence first: the system file (unless
 * GIT_CONFIG_NOSYSTEM; GIT_CONFIG_SYSTEM names another), the user's
 * ($XDG_CONFIG_HOME/git/config, then ~/.gitconfig; GIT_CONFIG_GLOBAL
 * names one instead), the repository's, and its config.worktree when
 * extensions.worktreeConfig is set.  Later values win.
 */
int
git_config_load(struct git_repo *repo)
{
	const char *sys = getenv("GIT_CONFIG_SYSTEM"), *global = getenv("GIT_CONFIG_GLOBAL");
	const char *home = getenv("HOME");
	int nosystem, r = 0;
	char *p;

	if (git_env_bool("GIT_CONFIG_NOSYSTEM", &nosystem) < 0)
		return git_fail(repo, "bad boolean value for GIT_CONFIG_NOSYSTEM");
	if (!nosystem)
		r = read_file_config(repo, sys ? sys : GIT_ETC_GITCONFIG, 0, 0);
	if (r == 0 && global) {
		r = read_file_config(repo, global, 0, 0);
	} else if (r == 0) {
		p = git_xdg_path("config");
		if (p)
			r = read_file_config(repo, p, 0, 0);
		free(p);
		p = home && *home ? path_join(home, ".gitconfig") : NULL;
		if (r == 0 && p)
			r = read_file_config(repo, p, 0, 0);
		free(p);
	}
	if (r == 0) {
		p = path_join(repo->commondir, "config");
		r = read_file_config(repo, p, 0, 1);
		free(p);
	}
	if (r == 0 && repo->worktree_config) {
		p = path_join(repo->gitdir, "config.worktree");
		r = read_file_config(repo, p, 0, 0);
		free(p);
	}
	return r;
}

void
git_config_free(struct git_repo *repo)
{
	size_t i;

	for (i = 0; i < repo->nfilters; i++)
		free(repo->filters[i].name);
	free(repo->filters);
	free(repo->attributes_file);
	repo->filters = NULL;
	repo->nfilters = 0;
	repo->attributes_file = NULL;
}

int
git_config_from_text(struct git_repo *repo, const char *name, const char *text, size_t len)
{
	struct cfg_ctx ctx = {name, 0, 1};

	return parse_text(repo, name, text, len, repo_key, &ctx);
}
