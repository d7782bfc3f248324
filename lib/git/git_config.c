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
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "git_int.h"

/* Size bound for a configuration file. */
#define CONFIG_FILE_MAX (1 << 20)

struct cfg_src {
	const char *path;
	const unsigned char *p, *end;
	int line, eof;
};

/* One entry: var is "section.key" or "section.subsection.key". */
typedef int cfg_fn(struct git_repo *repo, const char *var, const char *value, void *arg);

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
	if (r == -1 || (r == 0 && !s.eof))
		r = git_fail(repo, "bad config line %d in file %s", line, path);
	buf_free(&var);
	buf_free(&val);
	return r < 0 ? -1 : 0;
}

/* git's boolean: true/yes/on, false/no/off/"", or an integer (0 is false). */
static int
config_bool(struct git_repo *repo, const char *var, const char *v, int *out)
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
		return git_fail(repo, "bad boolean config value '%s' for '%s'", v, var);
	*out = n != 0;
	return 0;
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
	if (!strcmp(key, "autocrlf")) {
		if (value && !strcasecmp(value, "input")) {
			repo->autocrlf = 1;
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
	}
	return 0;
}

static int
repo_key(struct git_repo *repo, const char *var, const char *value, void *arg)
{
	const char *path = arg;
	int r = 0;

	if (!strncmp(var, "core.", 5))
		r = core_key(repo, var, value);
	else if (!strncmp(var, "extensions.", 11))
		r = extensions_key(repo, var, value);
	if (r < 0) {
		char why[sizeof(repo->err)];

		snprintf(why, sizeof(why), "%s", repo->err);
		git_fail(repo, "%s: %s", path, why);
	}
	return r;
}

int
git_config_read(struct git_repo *repo, const char *path)
{
	struct buf text = BUF_INIT;
	int r;

	if (read_file(path, &text, CONFIG_FILE_MAX) < 0) {
		r = errno == ENOENT ? 0 : git_fail(repo, "cannot read '%s': %s", path, strerror(errno));
	} else {
		r = parse_text(repo, path, text.s ? text.s : "", text.len, repo_key, (void *)path);
	}
	buf_free(&text);
	return r;
}
