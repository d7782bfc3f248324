/*
 * rundir: run directories (spec/rundir.md).  Section numbers below are
 * that document's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "git.h"
#include "json.h"
#include "rundir.h"
#include "sidecar.h"
#include "util.h"

/* metadata.json and marker files are small; anything larger is damage. */
#define SMALL_FILE_MAX (1u << 20)
#define MARKER_LINES 9

/* An environment value that is set, non-empty and valid UTF-8. */
static const char *
env_str(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0' || !utf8_valid(v, strlen(v)))
		return NULL;
	return v;
}

/*
 * Length of the Unicode White_Space character at s (valid UTF-8), or 0.
 * Rust's str::trim uses this property.
 */
static size_t
uspace_len(const unsigned char *s, size_t n)
{
	if (n >= 1 && ((s[0] >= 0x09 && s[0] <= 0x0d) || s[0] == 0x20))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3; /* U+205F */
	if (n >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

/* s[0..n) (valid UTF-8) without leading and trailing Unicode whitespace. */
static char *
utrim(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;

	while (p < end && (k = uspace_len(p, end - p)) > 0)
		p += k;
	while (end > p) {
		const unsigned char *c = end - 1;

		while (c > p && (*c & 0xc0) == 0x80)
			c--;
		if (uspace_len(c, end - c) != (size_t)(end - c))
			break;
		end = c;
	}
	return estrndup((const char *)p, end - p);
}

static int
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* §4.2 rule 4: MAJOR.MINOR[.PATCH][-rcN]. */
static int
version_shaped(const char *s, size_t n)
{
	const char *rc = memmem(s, n, "-rc", 3);
	size_t parts = 0, start = 0;

	if (rc != NULL) {
		size_t at = rc - s;

		if (!all_digits(rc + 3, n - at - 3))
			return 0;
		n = at;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!all_digits(s + start, i - start) || ++parts > 3)
			return 0;
		start = i + 1;
	}
	return parts >= 2;
}

enum rundir_kernel_kind
rundir_kernel_classify(const char *v)
{
	size_t n = strlen(v);
	const char *dots;

	if (strncmp(v, "git+", 4) == 0) {
		const char *hash = strrchr(v + 4, '#');

		if (hash != NULL && hash > v + 4 && hash[1] != '\0')
			return RUNDIR_KERNEL_GIT;
	}
	if ((dots = strstr(v, "..")) != NULL && version_shaped(v, dots - v) &&
	    version_shaped(dots + 2, n - (dots - v) - 2))
		return RUNDIR_KERNEL_RANGE;
	if (strchr(v, '/') != NULL || v[0] == '.' || v[0] == '~')
		return RUNDIR_KERNEL_PATH;
	if (version_shaped(v, n))
		return RUNDIR_KERNEL_VERSION;
	return RUNDIR_KERNEL_CACHE_KEY;
}

char *
rundir_kernel_env(void)
{
	const char *v = getenv("KTSTR_KERNEL");
	char *t;

	if (v == NULL || !utf8_valid(v, strlen(v)))
		return NULL;
	t = utrim(v, strlen(v));
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

char *
rundir_cache_root(void)
{
	const char *v = getenv("KTSTR_CACHE_DIR");

	if (v != NULL && *v != '\0')
		return utf8_valid(v, strlen(v)) ? estrdup(v) : NULL;
	if ((v = env_str("XDG_CACHE_HOME")) != NULL)
		return path_join(v, "ktstr/kernels");
	if ((v = env_str("HOME")) == NULL || v[0] != '/' || strcmp(v, "/") == 0)
		return NULL;
	return path_join(v, ".cache/ktstr/kernels");
}

/* The parts of a kernel-cache metadata.json (§4.5) this module uses. */
struct kmeta {
	char *version;     /* NULL when null or absent */
	char *image_name;
	char *built_at;
	char *source_tree; /* source.type "local" with a source_tree_path */
};

static void
kmeta_free(struct kmeta *m)
{
	free(m->version);
	free(m->image_name);
	free(m->built_at);
	free(m->source_tree);
	memset(m, 0, sizeof(*m));
}

enum { OPT = 0, REQ = 1 };
enum { T_STR = 1, T_NULL = 2, T_BOOL = 4, T_U64 = 8, T_I64 = 16, T_OBJ = 32 };

/*
 * One member of a fixed-shape object, as serde checks it: a repeated
 * known key is an error; *out is the value or NULL (absent).
 */
static int
member(const struct json_value *obj, const char *key, int required, unsigned types,
       const struct json_value **out)
{
	const struct json_value *v = json_get(obj, key);

	*out = NULL;
	if (json_count(obj, key) > 1)
		return -1;
	if (v == NULL)
		return required ? -1 : 0;
	switch (v->type) {
	case JSON_NULL:
		if (!(types & T_NULL))
			return -1;
		return 0;
	case JSON_STRING:
		if (!(types & T_STR) || v->u.str.lone_surrogate || memchr(v->u.str.s, 0, v->u.str.len))
			return -1;
		break;
	case JSON_BOOL:
		if (!(types & T_BOOL))
			return -1;
		break;
	case JSON_NUMBER:
		if (!(((types & T_U64) && (v->u.num.flags & JSON_NUM_U64)) ||
		      ((types & T_I64) && (v->u.num.flags & JSON_NUM_I64))))
			return -1;
		break;
	case JSON_OBJECT:
		if (!(types & T_OBJ))
			return -1;
		break;
	default:
		return -1;
	}
	*out = v;
	return 0;
}

static int
kmeta_check(const struct json_value *root, struct kmeta *m)
{
	static const struct {
		const char *key;
		int required;
		unsigned types;
	} top[] = {
		{"arch", REQ, T_STR},
		{"config_hash", OPT, T_STR | T_NULL},
		{"ktstr_kconfig_hash", OPT, T_STR | T_NULL},
		{"has_vmlinux", REQ, T_BOOL},
		{"vmlinux_stripped", REQ, T_BOOL},
		{"source_vmlinux_size", OPT, T_U64 | T_NULL},
		{"source_vmlinux_mtime_secs", OPT, T_I64 | T_NULL},
	};
	const struct json_value *v, *src, *type, *image, *built, *tree = NULL;

	if (root->type != JSON_OBJECT)
		return -1;
	for (size_t i = 0; i < LEN(top); i++)
		if (member(root, top[i].key, top[i].required, top[i].types, &v) < 0)
			return -1;
	if (member(root, "version", OPT, T_STR | T_NULL, &v) < 0 ||
	    member(root, "image_name", REQ, T_STR, &image) < 0 ||
	    member(root, "built_at", REQ, T_STR, &built) < 0 ||
	    member(root, "source", REQ, T_OBJ, &src) < 0 ||
	    member(src, "type", REQ, T_STR, &type) < 0)
		return -1;
	if (strcmp(type->u.str.s, "git") == 0) {
		if (member(src, "git_hash", OPT, T_STR | T_NULL, &tree) < 0 ||
		    member(src, "ref", OPT, T_STR | T_NULL, &tree) < 0)
			return -1;
		tree = NULL;
	} else if (strcmp(type->u.str.s, "local") == 0) {
		const struct json_value *hash;

		if (member(src, "git_hash", OPT, T_STR | T_NULL, &hash) < 0 ||
		    member(src, "source_tree_path", OPT, T_STR | T_NULL, &tree) < 0)
			return -1;
	} else if (strcmp(type->u.str.s, "tarball") != 0) {
		return -1;
	}
	m->version = v ? estrdup(v->u.str.s) : NULL;
	m->image_name = estrdup(image->u.str.s);
	m->built_at = estrdup(built->u.str.s);
	m->source_tree = tree ? estrdup(tree->u.str.s) : NULL;
	return 0;
}

/* §4.5: read and validate dir/metadata.json.  0, or -1 (missing or invalid). */
static int
kmeta_read(const char *dir, struct kmeta *m)
{
	char *path = path_join(dir, "metadata.json");
	struct buf b = BUF_INIT;
	struct json_doc doc = {0};
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (read_file(path, &b, SMALL_FILE_MAX) == 0 && utf8_valid(b.s ? b.s : "", b.len) &&
	    json_parse(&doc, b.s ? b.s : "", b.len, 0, NULL) == 0)
		rc = kmeta_check(doc.root, m);
	json_doc_free(&doc);
	buf_free(&b);
	free(path);
	return rc;
}

/* §4.4 steps 2-3: the valid cache entry root/key, or -1. */
static int
cache_entry(const char *root, const char *key, struct kmeta *m)
{
	char *dir, *image;
	struct stat st;
	int rc = -1;

	if (*key == '\0' || strpbrk(key, "/\\") != NULL || strstr(key, "..") != NULL ||
	    strcmp(key, ".") == 0 || strncmp(key, ".tmp-", 5) == 0)
		return -1;
	dir = path_join(root, key);
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && kmeta_read(dir, m) == 0) {
		image = path_join(dir, m->image_name);
		if (stat(image, &st) == 0)
			rc = 0;
		else
			kmeta_free(m);
		free(image);
	}
	free(dir);
	return rc;
}

char *
rundir_kernel_version(void)
{
	char *v = rundir_kernel_env(), *root, *out = NULL;
	struct kmeta m;

	if (v == NULL)
		return NULL;
	switch (rundir_kernel_classify(v)) {
	case RUNDIR_KERNEL_VERSION:
		return v;
	case RUNDIR_KERNEL_PATH:
		if (kmeta_read(v, &m) == 0) {
			out = m.version;
			m.version = NULL;
			kmeta_free(&m);
		} else {
			char *rel = path_join(v, "include/config/kernel.release");
			struct buf b = BUF_INIT;

			if (read_file(rel, &b, SMALL_FILE_MAX) == 0 && b.len > 0 &&
			    utf8_valid(b.s, b.len)) {
				out = utrim(b.s, b.len);
				if (*out == '\0' || memchr(b.s, 0, b.len) != NULL) {
					free(out);
					out = NULL;
				}
			}
			buf_free(&b);
			free(rel);
		}
		break;
	case RUNDIR_KERNEL_CACHE_KEY:
		if ((root = rundir_cache_root()) != NULL && cache_entry(root, v, &m) == 0) {
			out = m.version;
			m.version = NULL;
			kmeta_free(&m);
		}
		free(root);
		break;
	case RUNDIR_KERNEL_GIT:
	case RUNDIR_KERNEL_RANGE:
		break;
	}
	free(v);
	return out;
}

struct centry {
	char *name;
	struct kmeta m;
};

static int
centry_cmp(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;
	int c = strcmp(y->m.built_at, x->m.built_at);

	return c ? c : strcmp(x->name, y->name);
}

/* §7.1 for a version: the newest local build of v in the cache. */
static char *
cache_local_tree(const char *v)
{
	char *root = rundir_cache_root(), *out = NULL;
	struct centry *e = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	if (root == NULL || (d = opendir(root)) == NULL) {
		free(root);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		struct kmeta m;

		if (de->d_name[0] == '.' || !utf8_valid(de->d_name, strlen(de->d_name)) ||
		    cache_entry(root, de->d_name, &m) < 0)
			continue;
		e = ereallocarray(e, n + 1, sizeof(*e));
		e[n].name = estrdup(de->d_name);
		e[n++].m = m;
	}
	closedir(d);
	qsort(e, n, sizeof(*e), centry_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out == NULL && e[i].m.version && strcmp(e[i].m.version, v) == 0 &&
		    e[i].m.source_tree)
			out = estrdup(e[i].m.source_tree);
		free(e[i].name);
		kmeta_free(&e[i].m);
	}
	free(e);
	free(root);
	return out;
}

/* §7.1: the kernel source directory KTSTR_KERNEL leads to, or NULL. */
static char *
kernel_source_dir(void)
{
	char *v = rundir_kernel_env(), *root, *out = NULL;
	struct kmeta m;

	if (v == NULL)
		return NULL;
	switch (rundir_kernel_classify(v)) {
	case RUNDIR_KERNEL_PATH:
		if (kmeta_read(v, &m) == 0 && m.source_tree != NULL) {
			out = m.source_tree;
			m.source_tree = NULL;
		} else {
			out = v;
			v = NULL;
		}
		kmeta_free(&m);
		break;
	case RUNDIR_KERNEL_VERSION:
		out = cache_local_tree(v);
		break;
	case RUNDIR_KERNEL_CACHE_KEY:
		if ((root = rundir_cache_root()) != NULL && cache_entry(root, v, &m) == 0) {
			out = m.source_tree;
			m.source_tree = NULL;
			kmeta_free(&m);
		}
		free(root);
		break;
	case RUNDIR_KERNEL_GIT:
	case RUNDIR_KERNEL_RANGE:
		break;
	}
	free(v);
	return out;
}

void
rundir_probe_commit(const char *dir, int walk_up, struct rundir_commit *out)
{
	char hex[GIT_MAX_HEXSZ + 1];
	struct git_repo *repo;

	memset(out, 0, sizeof(*out));
	repo = git_open(dir, walk_up, out->why, sizeof(out->why));
	if (repo == NULL) {
		out->status = RUNDIR_COMMIT_NO_REPO;
		if (out->why[0] == '\0')
			snprintf(out->why, sizeof(out->why), "not a git repository: %s", dir);
		return;
	}
	if (git_head(repo, hex) < 0) {
		out->status = RUNDIR_COMMIT_NO_HEAD;
		snprintf(out->why, sizeof(out->why), "HEAD does not resolve to a commit: %s",
		         git_error(repo)[0] ? git_error(repo) : "unborn branch");
	} else {
		out->status = RUNDIR_COMMIT_FOUND;
		/* an error during the scan counts as dirty, as upstream */
		out->dirty = git_dirty(repo) != 0;
		snprintf(out->str, sizeof(out->str), "%.7s%s", hex, out->dirty ? "-dirty" : "");
	}
	git_close(repo);
}

static pthread_mutex_t probe_mu = PTHREAD_MUTEX_INITIALIZER;

const char *
rundir_project_commit(void)
{
	static int probed;
	static char commit[32];
	const char *out;

	pthread_mutex_lock(&probe_mu);
	if (!probed) {
		char *cwd = getcwd(NULL, 0);
		struct rundir_commit c;

		probed = 1;
		if (cwd != NULL) {
			rundir_probe_commit(cwd, 1, &c);
			if (c.status == RUNDIR_COMMIT_FOUND)
				memcpy(commit, c.str, sizeof(commit));
			free(cwd);
		}
	}
	out = commit[0] ? commit : NULL;
	pthread_mutex_unlock(&probe_mu);
	return out;
}

const char *
rundir_kernel_commit(void)
{
	static struct kcache {
		char *dir;
		char *commit;
		struct kcache *next;
	} *cache;
	char *src = kernel_source_dir(), *canon;
	struct kcache *k;
	const char *out;

	if (src == NULL)
		return NULL;
	if ((canon = realpath(src, NULL)) == NULL)
		canon = estrdup(src);
	pthread_mutex_lock(&probe_mu);
	for (k = cache; k != NULL; k = k->next)
		if (strcmp(k->dir, canon) == 0)
			break;
	if (k == NULL) {
		struct rundir_commit c;

		rundir_probe_commit(src, 0, &c);
		k = ecalloc(1, sizeof(*k));
		k->dir = canon;
		canon = NULL;
		k->commit = c.status == RUNDIR_COMMIT_FOUND ? estrdup(c.str) : NULL;
		k->next = cache;
		cache = k;
	}
	out = k->commit;
	pthread_mutex_unlock(&probe_mu);
	free(canon);
	free(src);
	return out;
}

const char *
rundir_run_source(void)
{
	return env_str("KTSTR_CI") ? "ci" : "local";
}

char *
rundir_key(const char *kernel, const char *commit)
{
	return easprintf("%s-%s", kernel ? kernel : "unknown", commit ? commit : "unknown");
}

/* ---- Run identity ------------------------------------------------------ */

int
rundir_run_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n < 1 || n > 200)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e)
			return 0;
	return 1;
}

/* §16.3 T: field 22 of /proc/{sid}/stat, or NULL. */
static char *
session_start_time(pid_t sid)
{
	char path[64], *out = NULL;
	struct buf b = BUF_INIT;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)sid);
	if (read_file(path, &b, 1u << 16) == 0 && b.len > 0) {
		/* the command name may hold spaces and ')': cut after the last ')' */
		char *p = memrchr(b.s, ')', b.len), *end = b.s + b.len, *sp;
		int field = 3;

		if (p != NULL && end - p >= 2 && p[1] == ' ') {
			for (p += 2; field < 22 && (sp = memchr(p, ' ', end - p)) != NULL; field++)
				p = sp + 1;
			if (field == 22) {
				sp = memchr(p, ' ', end - p);
				if ((sp ? sp : end) > p)
					out = estrndup(p, (sp ? sp : end) - p);
			}
		}
	}
	buf_free(&b);
	return out;
}

static int
ascii_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* §16.3 B: the boot id, or NULL. */
static char *
boot_id(void)
{
	struct buf b = BUF_INIT;
	char *out = NULL;
	size_t i = 0, n;

	if (read_file("/proc/sys/kernel/random/boot_id", &b, 4096) == 0 && b.len > 0) {
		n = b.len;
		while (i < n && ascii_space(b.s[i]))
			i++;
		while (n > i && ascii_space(b.s[n - 1]))
			n--;
		out = n > i ? estrndup(b.s + i, n - i) : NULL;
		for (size_t j = i; out && j < n; j++)
			if ((unsigned char)b.s[j] < 0x21 || (unsigned char)b.s[j] > 0x7e) {
				free(out);
				out = NULL;
			}
	}
	buf_free(&b);
	return out;
}

char *
rundir_session_token(void)
{
	pid_t sid = getsid(0);
	char *t = sid >= 0 ? session_start_time(sid) : NULL;
	char *b = boot_id();
	char *tok = easprintf("sid:%ld:%s:%s", (long)sid, t ? t : "?", b ? b : "?");

	free(t);
	free(b);
	return tok;
}

const char *
rundir_branch_name(enum rundir_branch b)
{
	switch (b) {
	case RUNDIR_BRANCH_SIDECAR_DIR:
		return "sidecar-dir";
	case RUNDIR_BRANCH_RUN_DIR:
		return "run-dir";
	case RUNDIR_BRANCH_COMPUTED:
		break;
	}
	return "computed";
}

/*
 * §16.2: in a begun run, a probe variable that is present replaces the
 * probe.  1 when it did (*out NULL for an empty value), 0 when absent,
 * -1 (usage error in err) when it is not UTF-8.
 */
static int
probe_var(const char *name, char **out, struct buf *err)
{
	const char *v = getenv(name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!utf8_valid(v, strlen(v))) {
		buf_printf(err, "%s is not valid UTF-8", name);
		return -1;
	}
	if (*v != '\0')
		*out = estrdup(v);
	return 1;
}

/* Last component of dir (trailing slashes ignored); NULL for "/", ".", "..". */
static char *
dir_leaf(const char *dir)
{
	char *leaf = path_basename(dir);

	if (*leaf == '\0' || strcmp(leaf, "/") == 0 || strcmp(leaf, ".") == 0 ||
	    strcmp(leaf, "..") == 0) {
		free(leaf);
		return NULL;
	}
	return leaf;
}

int
rundir_run_init(struct rundir_run *run, struct buf *err)
{
	const char *id = getenv("KTSTR_RUN_ID"), *rdir = getenv("KTSTR_RUN_DIR"), *sd;
	char *rs = NULL;
	int have;

	memset(run, 0, sizeof(*run));
	pthread_mutex_init(&run->mu, NULL);
	run->lock_timeout_ms = RUNDIR_LOCK_TIMEOUT_MS;
	if (id != NULL && *id == '\0')
		id = NULL;
	if (rdir != NULL && *rdir == '\0')
		rdir = NULL;
	if (id != NULL && !rundir_run_id_valid(id)) {
		buf_printf(err, "invalid KTSTR_RUN_ID (1 to 200 printable ASCII characters, no space)");
		goto fail;
	}
	if (rdir != NULL && id == NULL) {
		buf_printf(err, "KTSTR_RUN_DIR is set without KTSTR_RUN_ID");
		goto fail;
	}
	run->begun = id != NULL && rdir != NULL;
	run->token = id ? easprintf("id:%s", id) : rundir_session_token();

	run->run_source = rundir_run_source();
	if (run->begun) {
		if ((have = probe_var("KTSTR_RUN_SOURCE", &rs, err)) < 0)
			goto fail;
		if (have) {
			if (rs == NULL || (strcmp(rs, "ci") != 0 && strcmp(rs, "local") != 0)) {
				buf_printf(err, "invalid KTSTR_RUN_SOURCE '%s' (ci or local)", rs ? rs : "");
				goto fail;
			}
			run->run_source = strcmp(rs, "ci") == 0 ? "ci" : "local";
		}
		if ((have = probe_var("KTSTR_PROJECT_COMMIT", &run->project_commit, err)) < 0)
			goto fail;
		if (!have && rundir_project_commit())
			run->project_commit = estrdup(rundir_project_commit());
		if ((have = probe_var("KTSTR_KERNEL_VERSION", &run->kernel_version, err)) < 0)
			goto fail;
		if (!have)
			run->kernel_version = rundir_kernel_version();
		if ((have = probe_var("KTSTR_KERNEL_COMMIT", &run->kernel_commit, err)) < 0)
			goto fail;
		if (!have && rundir_kernel_commit())
			run->kernel_commit = estrdup(rundir_kernel_commit());
	} else {
		if (rundir_project_commit())
			run->project_commit = estrdup(rundir_project_commit());
		run->kernel_version = rundir_kernel_version();
		if (rundir_kernel_commit())
			run->kernel_commit = estrdup(rundir_kernel_commit());
	}
	free(rs);

	if ((sd = env_str("KTSTR_SIDECAR_DIR")) != NULL) {
		run->branch = RUNDIR_BRANCH_SIDECAR_DIR;
		run->dir = estrdup(sd);
	} else if (run->begun) {
		run->branch = RUNDIR_BRANCH_RUN_DIR;
		run->dir = estrdup(rdir);
		run->key = dir_leaf(rdir);
	} else {
		char *root = runs_root();

		run->branch = RUNDIR_BRANCH_COMPUTED;
		run->key = rundir_key(run->kernel_version, run->project_commit);
		run->dir = easprintf("%s/%s", root, run->key);
		free(root);
	}
	return 0;
fail:
	free(rs);
	rundir_run_free(run);
	return -1;
}

void
rundir_run_free(struct rundir_run *run)
{
	free(run->dir);
	free(run->key);
	free(run->token);
	free(run->project_commit);
	free(run->kernel_version);
	free(run->kernel_commit);
	pthread_mutex_destroy(&run->mu);
	memset(run, 0, sizeof(*run));
}

/* §12, at most once per process. */
static void
warn_unknown(const char *dir)
{
	static int warned;

	if (warned)
		return;
	warned = 1;
	warn("warning: the project commit could not be determined (the current directory "
	     "is not in a git repository, or its HEAD cannot be read), so every such run at "
	     "this kernel shares and overwrites %s; set KTSTR_SIDECAR_DIR to a unique path per "
	     "run, or run from inside a git repository that has at least one commit",
	     dir);
}

void
rundir_warn_unknown_commit(const struct rundir_run *run)
{
	if (run->branch == RUNDIR_BRANCH_COMPUTED && run->project_commit == NULL)
		warn_unknown(run->dir);
}

/* ---- Files ------------------------------------------------------------- */

/* mkdir -p, mode 0777 before umask.  0, or -1 with errno set. */
static int
mkdir_p(const char *dir)
{
	char *p = estrdup(dir), *s = p;
	struct stat st;
	int rc = 0;

	for (;;) {
		while (*s == '/')
			s++;
		s += strcspn(s, "/");
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		if (c == '\0') {
			if (stat(p, &st) < 0) {
				rc = -1;
			} else if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				rc = -1;
			}
			break;
		}
		*s = c;
	}
	free(p);
	return rc;
}

static char *
locks_file(const char *dir, const char *ext)
{
	char *leaf = dir_leaf(dir), *copy, *slash, *out;

	if (leaf == NULL)
		return NULL;
	copy = estrdup(dir);
	for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	if (slash == NULL)
		out = easprintf(".locks/%s.%s", leaf, ext);
	else if (slash == copy)
		out = easprintf("/.locks/%s.%s", leaf, ext);
	else {
		*slash = '\0';
		out = easprintf("%s/.locks/%s.%s", copy, leaf, ext);
	}
	free(copy);
	free(leaf);
	return out;
}

char *
rundir_lock_path(const char *dir)
{
	return locks_file(dir, "lock");
}

char *
rundir_marker_path(const char *dir)
{
	return locks_file(dir, "run");
}

const char *
rundir_fs_refused(unsigned long f_type, const char **reason)
{
	static const struct {
		unsigned long magic;
		const char *name;
		const char *reason;
	} fs[] = {
		{0x6969, "NFS", "flock is emulated with byte-range locks over the network and may be lost or ignored across clients"},
		{0xFF534D42, "CIFS/SMB", "the SMB client maps flock to byte-range locks that other clients may not see"},
		{0xFE534D42, "CIFS/SMB", "the SMB client maps flock to byte-range locks that other clients may not see"},
		{0x00C36400, "CephFS", "flock is coordinated by the metadata server and does not hold through client failures"},
		{0x6B414653, "AFS", "AFS does not enforce flock between clients"},
		{0x65735546, "FUSE", "a FUSE filesystem may implement flock only on this machine, or not at all"},
	};

	for (size_t i = 0; i < LEN(fs); i++)
		if (fs[i].magic == (f_type & 0xffffffffUL)) {
			if (reason)
				*reason = fs[i].reason;
			return fs[i].name;
		}
	return NULL;
}

/* §11 holders: "  pid=N cmd=..." lines of /proc/locks holders of path. */
static void
lock_holders(const char *path, struct buf *out)
{
	struct buf locks = BUF_INIT;
	char id[96];
	struct stat st;
	size_t count = 0;

	if (stat(path, &st) == 0 && read_file("/proc/locks", &locks, 0) == 0 && locks.len > 0) {
		snprintf(id, sizeof(id), "%02x:%02x:%lu", major(st.st_dev), minor(st.st_dev),
		         (unsigned long)st.st_ino);
		for (char *line = locks.s, *next; line && *line; line = next) {
			char *tok[8], *save = NULL;
			int nt = 0;

			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			for (char *t = strtok_r(line, " ", &save); t && nt < 8; t = strtok_r(NULL, " ", &save))
				tok[nt++] = t;
			/* "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END"; "->" lines wait */
			if (nt < 6 || strcmp(tok[1], "FLOCK") != 0 || strcmp(tok[5], id) != 0)
				continue;
			char cpath[64];
			struct buf cmd = BUF_INIT;

			snprintf(cpath, sizeof(cpath), "/proc/%s/cmdline", tok[4]);
			if (count++)
				buf_putc(out, '\n');
			buf_printf(out, "  pid=%s cmd=", tok[4]);
			if (read_file(cpath, &cmd, 1u << 16) == 0 && cmd.len > 0) {
				size_t n = cmd.len, chars = 0, i;

				for (i = 0; i < n; i++)
					if (cmd.s[i] == '\0')
						cmd.s[i] = ' ';
				while (n > 0 && ascii_space(cmd.s[n - 1]))
					n--;
				for (i = 0; i < n; i++) {
					if ((cmd.s[i] & 0xc0) != 0x80 && ++chars > 100)
						break;
				}
				buf_add(out, cmd.s, i);
				if (i < n)
					buf_puts(out, "\xe2\x80\xa6");
				if (n == 0)
					buf_puts(out, "<cmdline unavailable>");
			} else {
				buf_puts(out, "<cmdline unavailable>");
			}
			buf_free(&cmd);
		}
	}
	if (count == 0)
		buf_puts(out, "<none recorded>");
	buf_free(&locks);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rundir_lock(const char *dir, unsigned timeout_ms, struct buf *err)
{
	char *path = rundir_lock_path(dir), *locks, e[128];
	long long start = now_ms();
	int fd = -1;

	if (path == NULL) {
		buf_printf(err, "run-dir %s has no parent directory or no name to lock", dir);
		return -1;
	}
	locks = estrndup(path, strrchr(path, '/') - path);
	if (mkdir_p(locks) < 0) {
		buf_printf(err, "create lock subdirectory %s: %s", locks, os_error(errno, e, sizeof(e)));
		goto out;
	}
	for (;;) {
		struct statfs sf;
		const char *fs, *reason;

		if (statfs(path, &sf) == 0 || (errno == ENOENT && statfs(locks, &sf) == 0)) {
			if ((fs = rundir_fs_refused((unsigned long)sf.f_type, &reason)) != NULL) {
				buf_printf(err,
				           "%s: filesystem %s is not supported for ktstr lockfiles (%s). "
				           "Move the lockfile path to a local filesystem (tmpfs, ext4, xfs, "
				           "btrfs, f2fs, bcachefs).",
				           path, fs, reason);
				goto out;
			}
		}
		if ((fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0666)) < 0) {
			buf_printf(err, "open %s: %s", path, os_error(errno, e, sizeof(e)));
			goto out;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			goto out;
		int saved = errno;

		close(fd);
		fd = -1;
		if (saved == EINTR)
			continue;
		if (saved != EWOULDBLOCK) {
			buf_printf(err, "flock %s: %s", path, os_error(saved, e, sizeof(e)));
			goto out;
		}
		if (now_ms() - start >= (long long)timeout_ms) {
			char *leaf = dir_leaf(dir);

			if (timeout_ms % 1000 == 0)
				buf_printf(err, "flock LOCK_EX on run-dir %s timed out after %us", dir,
				           timeout_ms / 1000);
			else
				buf_printf(err, "flock LOCK_EX on run-dir %s timed out after %ums", dir,
				           timeout_ms);
			buf_printf(err, " (lockfile %s, holders: ", path);
			lock_holders(path, err);
			buf_printf(err,
			           "). Another test process is writing sidecars to the same "
			           "{kernel}-{project_commit} directory (%s): wait for it to finish "
			           "or kill it, then retry.",
			           leaf ? leaf : dir);
			free(leaf);
			goto out;
		}
		nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
	}
out:
	free(locks);
	free(path);
	return fd;
}

void
rundir_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* §16.6: a writer's leftover ".{name}.ktstr.json.{pid}.{n}.tmp". */
static int
stale_temp(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' && strstr(name, ".ktstr.json.") != NULL && n >= 4 &&
	       strcmp(name + n - 4, ".tmp") == 0;
}

void
rundir_preclear(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (!sidecar_is_candidate(de->d_name) && !stale_temp(de->d_name))
			continue;
		path = path_join(dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(path);
		free(path);
	}
	closedir(d);
}

/* ---- The run marker (§16.4) ---------------------------------------------- */

struct marker {
	char *lines[MARKER_LINES];
	size_t n;
};

static void
marker_free(struct marker *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->lines[i]);
	m->n = 0;
}

/* 0 (a missing marker holds no token), or -1 with errno set. */
static int
marker_read(const char *path, struct marker *m)
{
	struct buf b = BUF_INIT;

	m->n = 0;
	if (read_file(path, &b, SMALL_FILE_MAX) < 0) {
		int e = errno;

		buf_free(&b);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	for (size_t i = 0; i < b.len && m->n < MARKER_LINES;) {
		char *nl = memchr(b.s + i, '\n', b.len - i);
		size_t end = nl ? (size_t)(nl - b.s) : b.len;

		if (end > i)
			m->lines[m->n++] = estrndup(b.s + i, end - i);
		i = end + 1;
	}
	buf_free(&b);
	return 0;
}

/* New content: token, then the old lines without it, 9 in all; atomic. */
static int
marker_replace(const char *path, const char *token, const struct marker *old, struct buf *err)
{
	char *dir = estrndup(path, strrchr(path, '/') - path);
	char *base = path_basename(path);
	char *tmp = easprintf("%s/.%s.%ld.tmp", dir, base, (long)getpid());
	struct buf b = BUF_INIT;
	size_t lines = 1;
	char e[128];
	int fd, rc = -1;

	buf_printf(&b, "%s\n", token);
	for (size_t i = 0; i < old->n && lines < MARKER_LINES; i++)
		if (strcmp(old->lines[i], token) != 0) {
			buf_printf(&b, "%s\n", old->lines[i]);
			lines++;
		}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		buf_printf(err, "write run marker %s: %s", tmp, os_error(errno, e, sizeof(e)));
		goto out;
	}
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(fd, b.s + off, b.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			buf_printf(err, "write run marker %s: %s", tmp, os_error(errno, e, sizeof(e)));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += w;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		buf_printf(err, "write run marker %s: %s", path, os_error(errno, e, sizeof(e)));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	free(tmp);
	free(base);
	free(dir);
	return rc;
}

/* §16.5, under the lock, at the first write of the process. */
static void
decide(struct rundir_run *run)
{
	char *path = rundir_marker_path(run->dir);
	struct marker m = {0};
	struct buf err = BUF_INIT;
	char e[128];

	if (marker_read(path, &m) < 0) {
		warn("warning: cannot read run marker %s: %s; writing to %s without pre-clear", path,
		     os_error(errno, e, sizeof(e)), run->dir);
		run->failed = 1;
		goto out;
	}
	if (m.n > 0 && strcmp(m.lines[0], run->token) == 0)
		goto out; /* join */
	for (size_t i = 1; i < m.n; i++)
		if (strcmp(m.lines[i], run->token) == 0) {
			warn("warning: %s now belongs to a newer run; this process writes to it "
			     "without pre-clear",
			     run->dir);
			goto out;
		}
	/* start; a begun run re-records itself: --begin already cleared */
	if (run->branch == RUNDIR_BRANCH_COMPUTED)
		rundir_preclear(run->dir);
	if (marker_replace(path, run->token, &m, &err) < 0) {
		warn("warning: %s", err.s);
		run->failed = 1;
	}
out:
	buf_free(&err);
	marker_free(&m);
	free(path);
}

/* Write all of data to a new file path.  0, or -1 with errno set. */
static int
write_new(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), e;

	if (fd < 0)
		return -1;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		off += w;
	}
	return close(fd);
}

int
rundir_run_write(struct rundir_run *run, const char *name, const void *data, size_t len,
                 int skip, struct buf *err)
{
	const char *label = skip ? "skip sidecar" : "sidecar";
	char *path = path_join(run->dir, name), *tmp, e[128];
	int fd = -1, rc = -1;

	pthread_mutex_lock(&run->mu);
	tmp = easprintf("%s/.%s.%ld.%lu.tmp", run->dir, name, (long)getpid(), run->nwrites++);
	if (mkdir_p(run->dir) < 0) {
		buf_printf(err, "create sidecar dir %s: %s", run->dir, os_error(errno, e, sizeof(e)));
		goto out;
	}
	if (run->branch != RUNDIR_BRANCH_SIDECAR_DIR) {
		if ((fd = rundir_lock(run->dir, run->lock_timeout_ms, err)) < 0)
			goto out;
		if (!run->decided) {
			run->decided = 1;
			decide(run);
		}
	}
	if (write_new(tmp, data, len) < 0 || rename(tmp, path) < 0) {
		buf_printf(err, "write %s %s: %s", label, path, os_error(errno, e, sizeof(e)));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	rundir_unlock(fd);
	pthread_mutex_unlock(&run->mu);
	free(tmp);
	free(path);
	return rc;
}

/* ---- --begin ----------------------------------------------------------- */

/* §16.7 step 2: the random part of a run id. */
static unsigned
run_id_random(void)
{
	unsigned r;
	int fd;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		ssize_t got = read(fd, &r, sizeof(r));

		close(fd);
		if (got == (ssize_t)sizeof(r))
			return r;
	}
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned)((unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

int
rundir_begin(struct rundir_begin *b, unsigned timeout_ms, struct buf *err)
{
	char *cwd = getcwd(NULL, 0), *dir = NULL, *path = NULL, stamp[32], e[128];
	const char *sd, *pc, *kc;
	time_t now = time(NULL);
	struct marker m = {0};
	struct tm tm;
	int fd = -1, rc = -1;

	memset(b, 0, sizeof(*b));
	pc = rundir_project_commit();
	b->project_commit = pc ? estrdup(pc) : NULL;
	b->kernel_version = rundir_kernel_version();
	kc = rundir_kernel_commit();
	b->kernel_commit = kc ? estrdup(kc) : NULL;
	b->run_source = rundir_run_source();
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	b->run_id = easprintf("%s-%ld-%08x", stamp, (long)getpid(), run_id_random());

	if ((sd = env_str("KTSTR_SIDECAR_DIR")) != NULL) {
		dir = estrdup(sd);
	} else {
		char *root = runs_root(), *key = rundir_key(b->kernel_version, b->project_commit);
		char *token = easprintf("id:%s", b->run_id);

		dir = easprintf("%s/%s", root, key);
		free(root);
		free(key);
		if (pc == NULL)
			warn_unknown(dir);
		if (mkdir_p(dir) < 0) {
			buf_printf(err, "create sidecar dir %s: %s", dir, os_error(errno, e, sizeof(e)));
		} else if ((fd = rundir_lock(dir, timeout_ms, err)) >= 0) {
			path = rundir_marker_path(dir);
			if (marker_read(path, &m) < 0) {
				buf_printf(err, "read run marker %s: %s", path, os_error(errno, e, sizeof(e)));
			} else {
				rundir_preclear(dir);
				if (marker_replace(path, token, &m, err) == 0)
					rc = 0;
			}
			rundir_unlock(fd);
		}
		free(token);
		if (rc < 0)
			goto out;
	}
	if (dir[0] == '/') {
		b->dir = dir;
		dir = NULL;
	} else if (cwd == NULL) {
		buf_printf(err, "cannot get the current directory: %s", os_error(errno, e, sizeof(e)));
		rc = -1;
		goto out;
	} else {
		b->dir = path_join(cwd, dir);
	}
	rc = 0;
out:
	marker_free(&m);
	free(path);
	free(dir);
	free(cwd);
	if (rc < 0)
		rundir_begin_free(b);
	return rc;
}

void
rundir_begin_free(struct rundir_begin *b)
{
	free(b->run_id);
	free(b->dir);
	free(b->project_commit);
	free(b->kernel_version);
	free(b->kernel_commit);
	memset(b, 0, sizeof(*b));
}

/* ---- Listing ------------------------------------------------------------ */

struct listed {
	struct rundir_row row;
	int has_time;
	struct timespec mtime;
};

static int
listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	if (x->has_time != y->has_time)
		return y->has_time - x->has_time;
	if (x->has_time) {
		if (x->mtime.tv_sec != y->mtime.tv_sec)
			return x->mtime.tv_sec > y->mtime.tv_sec ? -1 : 1;
		if (x->mtime.tv_nsec != y->mtime.tv_nsec)
			return x->mtime.tv_nsec > y->mtime.tv_nsec ? -1 : 1;
	}
	return strcmp(x->row.run, y->row.run);
}

int
rundir_list(const char *root, struct rundir_row **rows, size_t *n)
{
	char **names;
	long count = sidecar_list_runs(root, &names);
	struct listed *l;

	*rows = NULL;
	*n = 0;
	if (count < 0)
		return -1;
	l = ecalloc(count, sizeof(*l));
	for (long i = 0; i < count; i++) {
		char *dir = path_join(root, names[i]);
		struct sidecar_set set = {0};
		struct stat st;

		l[i].row.run = estrdup(names[i]);
		if (lstat(dir, &st) == 0) {
			l[i].has_time = 1;
			l[i].mtime = st.st_mtim;
		}
		sidecar_walk_run(dir, names[i], 0, 0, &set);
		l[i].row.tests = (long)set.n;
		for (size_t j = 0; j < set.n; j++) {
			const char *ts = sidecar_str(set.v[j], "timestamp");
			const struct json_value *host = sidecar_get(set.v[j], "host"), *arch;

			if (ts && *ts && (l[i].row.date == NULL || strcmp(ts, l[i].row.date) < 0)) {
				free(l[i].row.date);
				l[i].row.date = estrdup(ts);
			}
			arch = host ? json_get(host, "arch") : NULL;
			if (l[i].row.arch == NULL && arch && arch->type == JSON_STRING)
				l[i].row.arch = estrdup(arch->u.str.s);
		}
		sidecar_set_free(&set);
		free(dir);
	}
	sidecar_free_names(names, count);
	qsort(l, count, sizeof(*l), listed_cmp);
	*rows = ecalloc(count, sizeof(**rows));
	for (long i = 0; i < count; i++)
		(*rows)[i] = l[i].row;
	*n = count;
	free(l);
	return 0;
}

void
rundir_rows_free(struct rundir_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].run);
		free(rows[i].date);
		free(rows[i].arch);
	}
	free(rows);
}
