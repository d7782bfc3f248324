/*
 * git_attr: gitattributes(5) files and the attributes of a path.
 *
 * A line is a pattern (C-quoted when it starts with '"') and states:
 * "name" set, "-name" unset, "!name" back to unspecified, "name=value";
 * or "[attr]macro states", a macro that sets its states where the macro
 * itself is set, allowed outside subdirectories only.  A pattern without
 * '/' matches the basename at any depth, one with '/' the path relative
 * to the file's directory; one ending in '/' only directories, so never
 * a file.  The answer for each attribute is the first that the sources
 * give in precedence order: $GIT_DIR/info/attributes, then each
 * directory's .gitattributes from the path's own up to the root, then
 * core.attributesFile, then the system file, then the built-in binary
 * macro; within a file the last matching line.  As in git, a line over
 * 2048 bytes or a file of 100 MB or more is ignored, a negative pattern
 * or an invalid attribute name drops its line.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_attr.h"
#include "git_wildmatch.h"

#define ATTR_LINE_MAX 2048
#define ATTR_FILE_MAX ((size_t)100 << 20)
#define DIR_BUCKETS 1024

/* Pattern flags, as git's gitignore-style patterns have them. */
#define PAT_NODIR 1u    /* no '/': matched against the basename */
#define PAT_MUSTDIR 2u  /* a trailing '/': directories only */
#define PAT_ENDSWITH 4u /* "*" and a literal: a suffix test */

struct attr_state {
	size_t id;
	enum git_attr_state state;
	char *value;
};

struct attr_line {
	char *pat;   /* NULL: the definition of macro */
	size_t patlen, literal; /* literal: leading bytes without wildcards */
	unsigned flags;
	size_t macro;
	struct attr_state *st;
	size_t nst;
};

struct attr_file {
	char *base; /* the directory it applies under: "" or "a/b" */
	struct attr_line *line;
	size_t n;
};

struct attr_dir {
	char *path;
	struct attr_dir *parent, *next; /* next: in the bucket */
	struct attr_file file;
};

struct git_attrs {
	struct git_repo *repo;
	const struct git_index *ix;
	int wtfd;
	pthread_mutex_t mu;
	char **names; /* interned; the first GIT_ATTR_NWANT are the wanted ones */
	size_t nnames;
	int loaded;
	struct attr_file builtin, system, global, info;
	const struct attr_line **macro; /* per name: its definition, or NULL */
	size_t nmacro;
	struct attr_dir *bucket[DIR_BUCKETS];
};

static const char *const wanted[GIT_ATTR_NWANT] = {"text", "crlf", "eol", "ident", "filter"};

/* git's built-in macro, below every file. */
static const char builtin[] = "[attr]binary -diff -merge -text\n";

static size_t
intern(struct git_attrs *a, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < a->nnames; i++)
		if (strlen(a->names[i]) == n && !memcmp(a->names[i], name, n))
			return i;
	a->names = ereallocarray(a->names, a->nnames + 1, sizeof(*a->names));
	a->names[a->nnames] = estrndup(name, n);
	return a->nnames++;
}

/* git's attr_name_valid: [-._0-9A-Za-z], not starting with '-'. */
static int
name_valid(const char *s, size_t n)
{
	size_t i;

	if (!n || *s == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] == '-' || s[i] == '.' || s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
		      ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
			return 0;
	return 1;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A C-quoted string at *pp (past its opening quote), as git writes one; -1 if malformed. */
static int
unquote(const char **pp, const char *end, struct buf *out)
{
	static const char esc[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"";
	const char *p = *pp, *e;

	for (; p < end && *p != '"'; p++) {
		if (*p != '\\') {
			buf_putc(out, *p);
			continue;
		}
		if (++p == end)
			return -1;
		if (*p >= '0' && *p <= '3' && end - p >= 3 && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' &&
		    p[2] <= '7') {
			buf_putc(out, (*p - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'));
			p += 2;
		} else if ((e = memchr(esc, *p, sizeof(esc) - 1)) && (e - esc) % 2 == 0) {
			buf_putc(out, e[1]);
		} else {
			return -1;
		}
	}
	if (p == end)
		return -1;
	*pp = p + 1;
	return 0;
}

/* The pattern's flags and literal prefix, as git's parse_path_pattern sets them. */
static void
pattern_flags(struct attr_line *l)
{
	size_t n = l->patlen;

	if (n && l->pat[n - 1] == '/') {
		l->flags |= PAT_MUSTDIR;
		l->pat[--n] = '\0';
		l->patlen = n;
	}
	if (!memchr(l->pat, '/', n))
		l->flags |= PAT_NODIR;
	l->literal = strcspn(l->pat, "*?[\\");
	if (l->pat[0] == '*' && strcspn(l->pat + 1, "*?[\\") == n - 1)
		l->flags |= PAT_ENDSWITH;
}

/* The states after the pattern: 0, or -1 when a name is invalid (the line is dropped). */
static int
parse_states(struct git_attrs *a, const char *p, const char *end, struct attr_line *l)
{
	while (p < end) {
		const char *tok, *eq;
		struct attr_state s = {0, GIT_ATTR_SET, NULL};

		while (p < end && blank(*p))
			p++;
		if (p == end)
			break;
		for (tok = p; p < end && !blank(*p); p++)
			;
		if (*tok == '-' || *tok == '!') {
			s.state = *tok == '-' ? GIT_ATTR_UNSET : GIT_ATTR_UNSPECIFIED;
			tok++;
		}
		eq = memchr(tok, '=', (size_t)(p - tok));
		if (eq && s.state == GIT_ATTR_SET) {
			s.state = GIT_ATTR_VALUE;
			s.value = estrndup(eq + 1, (size_t)(p - eq - 1));
		}
		if (!name_valid(tok, (size_t)((eq ? eq : p) - tok))) {
			free(s.value);
			return -1;
		}
		s.id = intern(a, tok, (size_t)((eq ? eq : p) - tok));
		l->st = ereallocarray(l->st, l->nst + 1, sizeof(*l->st));
		l->st[l->nst++] = s;
	}
	return 0;
}

static void
line_free(struct attr_line *l)
{
	size_t i;

	for (i = 0; i < l->nst; i++)
		free(l->st[i].value);
	free(l->st);
	free(l->pat);
}

/* One line of a file; macro_ok: a top-level file, where macros may be defined. */
static void
parse_line(struct git_attrs *a, struct attr_file *f, const char *p, const char *end, int macro_ok)
{
	struct attr_line l = {0};
	struct buf pat = BUF_INIT;
	int quoted = 0;

	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#')
		return;
	if (*p == '"') {
		p++;
		quoted = 1;
		if (unquote(&p, end, &pat) < 0)
			goto drop;
	} else {
		const char *s = p;

		while (p < end && !blank(*p))
			p++;
		buf_add(&pat, s, (size_t)(p - s));
	}
	buf_puts(&pat, "");
	if (!quoted && pat.len > 6 && !memcmp(pat.s, "[attr]", 6)) {
		if (!macro_ok || !name_valid(pat.s + 6, pat.len - 6))
			goto drop;
		l.macro = intern(a, pat.s + 6, pat.len - 6);
	} else {
		/* Negative patterns mean nothing in attributes; git ignores them. */
		if (pat.s[0] == '!')
			goto drop;
		l.patlen = pat.len;
		l.pat = buf_detach(&pat);
		pattern_flags(&l);
	}
	if (parse_states(a, p, end, &l) < 0)
		goto drop;
	f->line = ereallocarray(f->line, f->n + 1, sizeof(*f->line));
	f->line[f->n++] = l;
	buf_free(&pat);
	return;
drop:
	line_free(&l);
	buf_free(&pat);
}

static void
parse_file(struct git_attrs *a, struct attr_file *f, const char *text, size_t len, int macro_ok)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;

		if ((size_t)(eol - p) <= ATTR_LINE_MAX)
			parse_line(a, f, p, eol, macro_ok);
		p = eol + 1;
	}
}

static void
file_free(struct attr_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		line_free(&f->line[i]);
	free(f->line);
	free(f->base);
}

/* A file outside the work tree (symlinks followed); a missing one is empty. */
static void
load_path(struct git_attrs *a, struct attr_file *f, const char *path, int macro_ok)
{
	struct buf b = BUF_INIT;

	f->base = estrdup("");
	if (path && read_file(path, &b, ATTR_FILE_MAX - 1) == 0)
		parse_file(a, f, b.s ? b.s : "", b.len, macro_ok);
	buf_free(&b);
}

/* The index entry of path at stage 0, or at stage 2 (ours) during a merge, as git reads it. */
static const struct git_ientry *
index_entry(const struct git_index *ix, const char *path)
{
	size_t lo = 0, hi = ix->n, n = strlen(path);
	const struct git_ientry *pick = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct git_ientry *e = &ix->e[mid];
		int c = memcmp(e->path, path, e->pathlen < n ? e->pathlen : n);

		if (c < 0 || (c == 0 && e->pathlen < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && ix->e[lo].pathlen == n && !memcmp(ix->e[lo].path, path, n); lo++)
		if (GIT_IE_STAGE(&ix->e[lo]) == 0 || (!pick && GIT_IE_STAGE(&ix->e[lo]) == 2))
			pick = &ix->e[lo];
	return pick;
}

/*
 * A directory's .gitattributes: from the work tree, not through a
 * symlink; when that cannot be opened, the index's blob.
 */
static void
load_dir_file(struct git_attrs *a, struct attr_dir *d)
{
	char *rel = *d->path ? easprintf("%s/.gitattributes", d->path) : estrdup(".gitattributes");
	int fd = openat(a->wtfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct buf b = BUF_INIT;
	struct stat st;
	int have = 0;

	d->file.base = estrdup(d->path);
	if (fd >= 0 && fstat(fd, &st) == 0 && (size_t)st.st_size < ATTR_FILE_MAX) {
		have = 1;
		if (!S_ISREG(st.st_mode) || read_fd(fd, &b, ATTR_FILE_MAX - 1) < 0)
			buf_reset(&b);
	}
	if (fd >= 0)
		close(fd);
	if (!have && a->ix) {
		const struct git_ientry *e = index_entry(a->ix, rel);
		enum git_obj_type t;
		unsigned char *data;
		size_t len;

		if (e && git_read_object(a->repo, &e->oid, &t, &data, &len) == 0) {
			if (t == GIT_OBJ_BLOB && len < ATTR_FILE_MAX)
				buf_add(&b, data, len);
			free(data);
		}
	}
	parse_file(a, &d->file, b.s ? b.s : "", b.len, *d->path == '\0');
	buf_free(&b);
	free(rel);
}

static size_t
dir_hash(const char *s, size_t n)
{
	size_t h = 5381, i;

	for (i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h % DIR_BUCKETS;
}

/* The node of directory path[0..n) ("" the root), read with its parents on first use. */
static struct attr_dir *
dir_node(struct git_attrs *a, const char *path, size_t n)
{
	size_t h = dir_hash(path, n);
	struct attr_dir *d;
	const char *slash;

	for (d = a->bucket[h]; d; d = d->next)
		if (strlen(d->path) == n && !memcmp(d->path, path, n))
			return d;
	d = ecalloc(1, sizeof(*d));
	d->path = estrndup(path, n);
	if (n) {
		slash = memrchr(path, '/', n);
		d->parent = dir_node(a, path, slash ? (size_t)(slash - path) : 0);
	}
	load_dir_file(a, d);
	d->next = a->bucket[h];
	a->bucket[h] = d;
	return d;
}

/* Each macro's definition: the last line of the first file that defines it, in precedence order. */
static void
find_macros(struct git_attrs *a)
{
	const struct attr_file *files[] = {&a->info, &dir_node(a, "", 0)->file, &a->global, &a->system,
	                                   &a->builtin};
	size_t k, i;

	a->nmacro = a->nnames;
	a->macro = ecalloc(a->nmacro ? a->nmacro : 1, sizeof(*a->macro));
	for (k = 0; k < LEN(files); k++)
		for (i = files[k]->n; i-- > 0;) {
			const struct attr_line *l = &files[k]->line[i];

			if (!l->pat && !a->macro[l->macro])
				a->macro[l->macro] = l;
		}
}

static void
load_outside(struct git_attrs *a)
{
	char *p;
	int nosystem;

	a->loaded = 1;
	a->builtin.base = estrdup("");
	parse_file(a, &a->builtin, builtin, sizeof(builtin) - 1, 1);
	/* git refuses a bad value; here it keeps the system file out, as any true one does. */
	if (git_env_bool("GIT_ATTR_NOSYSTEM", &nosystem) < 0)
		nosystem = 1;
	load_path(a, &a->system, nosystem ? NULL : GIT_ETC_GITATTRIBUTES, 1);
	if (a->repo->attributes_file)
		p = estrdup(a->repo->attributes_file);
	else
		p = git_xdg_path("attributes");
	load_path(a, &a->global, p, 1);
	free(p);
	p = path_join(a->repo->commondir, "info/attributes");
	load_path(a, &a->info, p, 1);
	free(p);
	find_macros(a);
}

struct git_attrs *
git_attrs_new(struct git_repo *repo, const struct git_index *ix)
{
	struct git_attrs *a = ecalloc(1, sizeof(*a));
	size_t i;

	a->repo = repo;
	a->ix = ix;
	a->wtfd = repo->worktree ? open(repo->worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	pthread_mutex_init(&a->mu, NULL);
	for (i = 0; i < GIT_ATTR_NWANT; i++)
		intern(a, wanted[i], strlen(wanted[i]));
	return a;
}

struct git_attrs *
git_attrs_from_text(struct git_repo *repo, const char *text, size_t len)
{
	struct git_attrs *a = git_attrs_new(repo, NULL);
	const char *empty = "";

	a->loaded = 1;
	a->builtin.base = estrdup(empty);
	parse_file(a, &a->builtin, builtin, sizeof(builtin) - 1, 1);
	a->system.base = estrdup(empty);
	a->global.base = estrdup(empty);
	a->info.base = estrdup(empty);
	parse_file(a, &a->info, text, len, 1);
	find_macros(a);
	return a;
}

void
git_attrs_free(struct git_attrs *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < DIR_BUCKETS; i++)
		while (a->bucket[i]) {
			struct attr_dir *d = a->bucket[i];

			a->bucket[i] = d->next;
			file_free(&d->file);
			free(d->path);
			free(d);
		}
	file_free(&a->builtin);
	file_free(&a->system);
	file_free(&a->global);
	file_free(&a->info);
	for (i = 0; i < a->nnames; i++)
		free(a->names[i]);
	free(a->names);
	free(a->macro);
	if (a->wtfd >= 0)
		close(a->wtfd);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/* Whether the pattern line l of a file under base matches path (a file, not a directory). */
static int
line_matches(const struct attr_line *l, const char *base, const char *path)
{
	const char *rel = *base ? path + strlen(base) + 1 : path, *name = strrchr(rel, '/');
	const char *pat = l->pat;
	size_t literal = l->literal;

	if (l->flags & PAT_MUSTDIR)
		return 0;
	if (l->flags & PAT_NODIR) {
		name = name ? name + 1 : rel;
		if (literal == l->patlen)
			return !strcmp(pat, name);
		if (l->flags & PAT_ENDSWITH) {
			size_t n = strlen(name);

			return n >= l->patlen - 1 && !strcmp(name + n - (l->patlen - 1), pat + 1);
		}
		return git_wildmatch(pat, name, 0);
	}
	if (*pat == '/')
		pat++, literal--;
	if (strncmp(pat, rel, literal) != 0)
		return 0;
	if (!pat[literal])
		return !rel[literal];
	return git_wildmatch(pat + literal, rel + literal, GIT_WM_PATHNAME);
}

struct fill {
	const struct git_attrs *a;
	const struct attr_state **got; /* per name: the state that decided it, or NULL */
	size_t left;                   /* wanted names still undecided */
};

/* A matching line's states, last first, into those still undecided; set macros expand. */
static void
fill(struct fill *f, const struct attr_state *st, size_t n)
{
	while (n-- > 0 && f->left) {
		const struct attr_state *s = &st[n];

		if (f->got[s->id])
			continue;
		f->got[s->id] = s;
		if (s->id < GIT_ATTR_NWANT)
			f->left--;
		if (s->state == GIT_ATTR_SET && s->id < f->a->nmacro && f->a->macro[s->id])
			fill(f, f->a->macro[s->id]->st, f->a->macro[s->id]->nst);
	}
}

static void
fill_file(struct fill *f, const struct attr_file *file, const char *path)
{
	size_t i;

	for (i = file->n; i-- > 0 && f->left;)
		if (file->line[i].pat && line_matches(&file->line[i], file->base, path))
			fill(f, file->line[i].st, file->line[i].nst);
}

/*
 * Only finding (or reading) the directory takes the lock: nodes and the
 * files in them never change once made, and the names their lines use
 * were all interned before the node was handed out, so the matching
 * needs nothing that another thread may be changing.
 */
void
git_attr_check(struct git_attrs *a, struct git_attr_cursor *cur, const char *path,
               struct git_attr_value out[GIT_ATTR_NWANT])
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0, nnames, i;
	const struct attr_dir *d = cur ? cur->dir : NULL;
	const struct attr_state *on_stack[64];
	struct fill f;

	if (d && strlen(d->path) == len && !memcmp(d->path, path, len)) {
		nnames = cur->nnames;
	} else {
		pthread_mutex_lock(&a->mu);
		if (!a->loaded)
			load_outside(a);
		d = dir_node(a, path, len);
		nnames = a->nnames;
		pthread_mutex_unlock(&a->mu);
		if (cur) {
			cur->dir = d;
			cur->nnames = nnames;
		}
	}
	f.a = a;
	f.got = nnames <= LEN(on_stack) ? on_stack : ecalloc(nnames, sizeof(*f.got));
	memset(f.got, 0, nnames * sizeof(*f.got));
	f.left = GIT_ATTR_NWANT;
	fill_file(&f, &a->info, path);
	for (; d; d = d->parent)
		fill_file(&f, &d->file, path);
	fill_file(&f, &a->global, path);
	fill_file(&f, &a->system, path);
	fill_file(&f, &a->builtin, path);
	for (i = 0; i < GIT_ATTR_NWANT; i++) {
		out[i].state = f.got[i] ? f.got[i]->state : GIT_ATTR_UNSPECIFIED;
		out[i].value = f.got[i] ? f.got[i]->value : NULL;
	}
	if (f.got != on_stack)
		free(f.got);
}
