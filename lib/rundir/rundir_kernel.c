/*
 * rundir_kernel: the kernel a run is for (doc/runs.md, Probes): what
 * KTSTR_KERNEL names, kernel directories, the kernel cache.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rundir.h"
#include "rundir_int.h"
#include "json/json.h"
#include "json/json_serde.h"
#include "util/utf8.h"
#include "util/util.h"

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

/* A version: MAJOR.MINOR[.PATCH][-rcN], ASCII digits. */
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
	if ((v = rundir_env("XDG_CACHE_HOME")) != NULL)
		return path_join(v, "ktstr/kernels");
	if ((v = rundir_env("HOME")) == NULL || v[0] != '/' || strcmp(v, "/") == 0)
		return NULL;
	return path_join(v, ".cache/ktstr/kernels");
}

/* The parts of a kernel-cache metadata.json this module uses. */
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
 * known key is an error; *out is the value or NULL (absent).  A string
 * holding U+0000 is refused too (serde would take it): it could name no
 * file, version or directory here.
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
		if (!serde_is_int(v) ||
		    !(((types & T_U64) && (v->u.num.flags & JSON_NUM_U64)) ||
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

/*
 * Read and validate dir/metadata.json (the required members present with
 * their types, source.type known).  0, or -1 (missing or invalid).
 */
static int
kmeta_read(const char *dir, struct kmeta *m)
{
	char *path = path_join(dir, "metadata.json");
	struct buf b = BUF_INIT;
	struct json_doc doc = {0};
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (read_file(path, &b, RUNDIR_SMALL_FILE_MAX) == 0 && utf8_valid(b.s ? b.s : "", b.len) &&
	    json_parse(&doc, b.s ? b.s : "", b.len, 0, NULL) == 0)
		rc = kmeta_check(doc.root, m);
	json_doc_free(&doc);
	buf_free(&b);
	free(path);
	return rc;
}

/* The valid cache entry root/key (a safe name, metadata, image present), or -1. */
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

/* The metadata of the cache entry named by a cache key. */
static int
cache_key_entry(const char *key, struct kmeta *m)
{
	char *root = rundir_cache_root();
	int rc = root ? cache_entry(root, key, m) : -1;

	free(root);
	return rc;
}

/*
 * The kernel-cache metadata a path or cache key names: the path's own
 * metadata.json, or the cache entry's.  0, or -1 (none, or invalid).
 */
static int
kernel_meta(const char *v, enum rundir_kernel_kind kind, struct kmeta *m)
{
	memset(m, 0, sizeof(*m));
	if (kind == RUNDIR_KERNEL_PATH)
		return kmeta_read(v, m);
	if (kind == RUNDIR_KERNEL_CACHE_KEY)
		return cache_key_entry(v, m);
	return -1;
}

/* One string of m, which is freed otherwise. */
static char *
kmeta_take(struct kmeta *m, char **member)
{
	char *s = *member;

	*member = NULL;
	kmeta_free(m);
	return s;
}

/* A kernel tree's include/config/kernel.release, trimmed; NULL when empty or unreadable. */
static char *
kernel_release(const char *dir)
{
	char *rel = path_join(dir, "include/config/kernel.release"), *out = NULL;
	struct buf b = BUF_INIT;

	if (read_file(rel, &b, RUNDIR_SMALL_FILE_MAX) == 0 && b.len > 0 && utf8_valid(b.s, b.len)) {
		out = utrim(b.s, b.len);
		if (*out == '\0' || memchr(b.s, 0, b.len) != NULL) {
			free(out);
			out = NULL;
		}
	}
	buf_free(&b);
	free(rel);
	return out;
}

/* The kernel version as the files KTSTR_KERNEL leads to write it, not yet checked. */
static char *
kernel_version_read(void)
{
	char *v = rundir_kernel_env(), *out = NULL;
	enum rundir_kernel_kind kind;
	struct kmeta m;

	if (v == NULL)
		return NULL;
	kind = rundir_kernel_classify(v);
	if (kind == RUNDIR_KERNEL_VERSION)
		return v;
	/* Valid metadata decides, even with a null version: no kernel.release then. */
	if (kernel_meta(v, kind, &m) == 0)
		out = kmeta_take(&m, &m.version);
	else if (kind == RUNDIR_KERNEL_PATH)
		out = kernel_release(v);
	free(v);
	return out;
}

char *
rundir_kernel_version(void)
{
	char *v = kernel_version_read();

	/*
	 * The version names the run directory: one that is not a safe path
	 * component ("../../tmp/x", a control character) counts as none,
	 * as an unreadable one does, and the run is keyed "unknown".
	 */
	if (v != NULL && !path_component_ok(v, RUNDIR_VERSION_MAX)) {
		free(v);
		v = NULL;
	}
	return v;
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

/* For a version: the source tree of the newest local build of v in the cache. */
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
	if (n > 1)
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

/*
 * The kernel source directory KTSTR_KERNEL leads to, or NULL: a local
 * build's source_tree_path, a version's newest local build in the
 * cache, or a path itself.
 */
static char *
kernel_source_dir(void)
{
	char *v = rundir_kernel_env(), *out = NULL;
	enum rundir_kernel_kind kind;
	struct kmeta m;

	if (v == NULL)
		return NULL;
	kind = rundir_kernel_classify(v);
	if (kind == RUNDIR_KERNEL_VERSION)
		out = cache_local_tree(v);
	else if (kernel_meta(v, kind, &m) == 0)
		out = kmeta_take(&m, &m.source_tree);
	if (out == NULL && kind == RUNDIR_KERNEL_PATH) {
		out = v;
		v = NULL;
	}
	free(v);
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
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	char *src = kernel_source_dir(), *canon;
	struct kcache *k;
	const char *out;

	if (src == NULL)
		return NULL;
	if ((canon = realpath(src, NULL)) == NULL)
		canon = estrdup(src);
	pthread_mutex_lock(&mu);
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
	pthread_mutex_unlock(&mu);
	free(canon);
	free(src);
	return out;
}
