/*
 * host: collect, read, write, render and diff the host context of
 * spec/hostinfo.md.  The parse rules mirror upstream's Rust (str::trim,
 * u64::from_str, read_to_string failing on invalid UTF-8) so that a
 * context collected here is the one upstream would record.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "host.h"
#include "serde.h"

/* Bounds on what a hostile sysroot can make us hold. */
#define HOST_MAX_FILE (16u << 20)
#define HOST_MAX_CPUS (1u << 20)

static const char ARROW[] = " \xe2\x86\x92 ";

/* ---- string primitives (hostinfo.md §4.0) ---- */

/* Decode one code point of valid UTF-8 at s; *len receives its length. */
static unsigned
utf8_decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	}
	*len = 4;
	return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
}

/* Length of the code point at s (valid UTF-8). */
static size_t
cp_len(const char *s)
{
	unsigned char c = (unsigned char)*s;

	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Unicode White_Space, which Rust's str::trim and split_whitespace use. */
static int
is_space_cp(unsigned c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Length of the whitespace code point starting at s (< end), or 0. */
static size_t
space_at(const char *s, const char *end)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;
	unsigned c;

	if (*p < 0x80)
		return is_space_cp(*p) ? 1 : 0;
	c = utf8_decode(p, &len);
	return len <= (size_t)(end - s) && is_space_cp(c) ? len : 0;
}

/* Length of the whitespace code point ending at end (> start), or 0. */
static size_t
space_before(const char *start, const char *end)
{
	const char *p = end - 1;

	while (p > start && ((unsigned char)*p & 0xc0) == 0x80)
		p--;
	return space_at(p, end) == (size_t)(end - p) ? (size_t)(end - p) : 0;
}

/* Trim [*s, *e) in place; the text is valid UTF-8. */
static void
trim(const char **s, const char **e)
{
	size_t n;

	while (*s < *e && (n = space_at(*s, *e)) > 0)
		*s += n;
	while (*e > *s && (n = space_before(*s, *e)) > 0)
		*e -= n;
}

/* u64::from_str: optional '+', then digits only, no overflow. */
static int
parse_unsigned(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '+')
		i = 1;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static void
str_set(struct host_str *dst, const char *s, size_t n)
{
	free(dst->s);
	dst->s = emalloc(n + 1); /* not strndup: the text may hold NUL bytes */
	memcpy(dst->s, s, n);
	dst->s[n] = '\0';
	dst->len = n;
}

static void
str_free(struct host_str *s)
{
	free(s->s);
	s->s = NULL;
	s->len = 0;
}

static int
str_eq(const struct host_str *a, const struct host_str *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Rust's byte-wise String order: memcmp, then the shorter first. */
static int
str_cmp(const struct host_str *a, const struct host_str *b)
{
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static void
u64_set(struct host_u64 *f, uint64_t v)
{
	f->v = v;
	f->set = 1;
}

/* ---- CPU lists ---- */

struct cpulist {
	uint64_t *v;
	size_t n, cap;
};

static int
cpulist_add(struct cpulist *l, uint64_t lo, uint64_t hi)
{
	if (hi - lo >= HOST_MAX_CPUS || l->n + (hi - lo) >= HOST_MAX_CPUS)
		return -1;
	for (uint64_t c = lo;; c++) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 16;
			l->v = ereallocarray(l->v, l->cap, sizeof(*l->v));
		}
		l->v[l->n++] = c;
		if (c == hi)
			break;
	}
	return 0;
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

/*
 * hostinfo.md §4.0 CPU lists: "0-3,8,10-11".  strict: any bad part
 * fails the list; lenient: bad parts are skipped.  A list longer than
 * HOST_MAX_CPUS counts as a bad part.  Sorted, duplicates kept.
 */
static int
cpulist_parse(const char *s, size_t n, int strict, struct cpulist *l)
{
	const char *end = s + n;

	trim(&s, &end);
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *ps = s, *pe = comma ? comma : end, *dash;
		uint64_t lo, hi;
		int bad;

		trim(&ps, &pe);
		if (ps < pe) {
			if ((dash = memchr(ps, '-', (size_t)(pe - ps))))
				bad = parse_unsigned(ps, (size_t)(dash - ps), &lo) < 0 ||
				      parse_unsigned(dash + 1, (size_t)(pe - dash - 1), &hi) < 0 ||
				      (lo <= hi && cpulist_add(l, lo, hi) < 0);
			else
				bad = parse_unsigned(ps, (size_t)(pe - ps), &lo) < 0 ||
				      cpulist_add(l, lo, lo) < 0;
			if (bad && strict)
				return -1;
		}
		if (!comma)
			break;
		s = comma + 1;
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_u64);
	return 0;
}

/* ---- reading the sysroot ---- */

struct probe {
	const char *root;
	char path[PATH_MAX];
	struct buf buf;
};

static const char * __attribute__((format(printf, 2, 3)))
probe_path(struct probe *p, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(p->root);
	int n;

	if (len >= sizeof(p->path))
		return NULL;
	memcpy(p->path, p->root, len);
	va_start(ap, fmt);
	n = vsnprintf(p->path + len, sizeof(p->path) - len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < sizeof(p->path) - len ? p->path : NULL;
}

/* Whole file into p->buf; unreadable or not UTF-8 is -1. */
static int
probe_read(struct probe *p, const char *path)
{
	buf_reset(&p->buf);
	if (!path || read_file(path, &p->buf, HOST_MAX_FILE) < 0)
		return -1;
	return utf8_valid(p->buf.s, p->buf.len) ? 0 : -1;
}

/* read_trimmed: the trimmed text in [*s, *e), -1 when unreadable or empty. */
static int
probe_trimmed(struct probe *p, const char *path, const char **s, const char **e)
{
	if (probe_read(p, path) < 0)
		return -1;
	*s = p->buf.s;
	*e = p->buf.s + p->buf.len;
	trim(s, e);
	return *s < *e ? 0 : -1;
}

static void
probe_string(struct probe *p, const char *path, struct host_str *dst)
{
	const char *s, *e;

	if (probe_trimmed(p, path, &s, &e) == 0)
		str_set(dst, s, (size_t)(e - s));
}

static int
probe_unsigned(struct probe *p, const char *path, uint64_t *v)
{
	const char *s, *e;

	return probe_trimmed(p, path, &s, &e) < 0 ? -1 : parse_unsigned(s, (size_t)(e - s), v);
}

/* Next line of [*s, end) without its '\n' and one trailing '\r'; 0 at the end. */
static int
next_line(const char **s, const char *end, const char **ls, const char **le)
{
	const char *nl;

	if (*s >= end)
		return 0;
	nl = memchr(*s, '\n', (size_t)(end - *s));
	*ls = *s;
	*le = nl ? nl : end;
	*s = nl ? nl + 1 : end;
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	return 1;
}

static int
key_is(const char *s, const char *e, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(e - s) == n && memcmp(s, key, n) == 0;
}

/* §4.2: identity from the first processor block. */
static void
collect_cpuinfo(struct probe *p, struct host_context *hc)
{
	const char *s, *end, *ls, *le, *colon, *ks, *ke, *vs, *ve;

	if (probe_read(p, probe_path(p, "/proc/cpuinfo")) < 0)
		return;
	s = p->buf.s;
	end = s + p->buf.len;
	while (next_line(&s, end, &ls, &le) && ls < le) {
		if (!(colon = memchr(ls, ':', (size_t)(le - ls))))
			continue;
		ks = ls, ke = colon, vs = colon + 1, ve = le;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (vs == ve)
			continue;
		if (key_is(ks, ke, "model name") && !hc->cpu_model.s)
			str_set(&hc->cpu_model, vs, (size_t)(ve - vs));
		else if (key_is(ks, ke, "vendor_id") && !hc->cpu_vendor.s)
			str_set(&hc->cpu_vendor, vs, (size_t)(ve - vs));
	}
}

/* §4.3: the four meminfo numbers; the last valid line of a key wins. */
static void
collect_meminfo(struct probe *p, struct host_context *hc)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"MemTotal", offsetof(struct host_context, total_memory_kb)},
		{"HugePages_Total", offsetof(struct host_context, hugepages_total)},
		{"HugePages_Free", offsetof(struct host_context, hugepages_free)},
		{"Hugepagesize", offsetof(struct host_context, hugepages_size_kb)},
	};
	const char *s, *end, *ls, *le, *colon, *ks, *ke, *ts, *te;
	uint64_t v;

	if (probe_read(p, probe_path(p, "/proc/meminfo")) < 0)
		return;
	s = p->buf.s;
	end = s + p->buf.len;
	while (next_line(&s, end, &ls, &le)) {
		size_t n;

		if (!(colon = memchr(ls, ':', (size_t)(le - ls))))
			continue;
		ks = ls, ke = colon;
		trim(&ks, &ke);
		for (ts = colon + 1; ts < le && (n = space_at(ts, le)) > 0;)
			ts += n;
		for (te = ts; te < le && space_at(te, le) == 0;)
			te += cp_len(te);
		if (parse_unsigned(ts, (size_t)(te - ts), &v) < 0)
			continue;
		for (size_t i = 0; i < LEN(keys); i++)
			if (key_is(ks, ke, keys[i].key))
				u64_set((struct host_u64 *)((char *)hc + keys[i].off), v);
	}
}

static int
cmp_tunable(const void *pa, const void *pb)
{
	return str_cmp(&((const struct host_tunable *)pa)->name,
	               &((const struct host_tunable *)pb)->name);
}

/* §4.5: the sched_* regular files of /proc/sys/kernel, not followed. */
static void
collect_tunables(struct probe *p, struct host_context *hc)
{
	const char *dirpath = probe_path(p, "/proc/sys/kernel");
	DIR *d;
	struct dirent *de;
	size_t cap = 0;

	if (!dirpath || !(d = opendir(dirpath)))
		return;
	hc->has_sched_tunables = 1;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		size_t nlen = strlen(de->d_name);
		const char *s, *e;
		struct host_tunable *t;

		if (strncmp(de->d_name, "sched_", 6) != 0 || !utf8_valid(de->d_name, nlen))
			continue;
		if (de->d_type != DT_REG) {
			struct stat st;

			if (de->d_type != DT_UNKNOWN ||
			    !probe_path(p, "/proc/sys/kernel/%s", de->d_name) ||
			    lstat(p->path, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
		}
		if (probe_trimmed(p, probe_path(p, "/proc/sys/kernel/%s", de->d_name), &s, &e) < 0)
			continue;
		if (hc->ntunables == cap) {
			cap = cap ? cap * 2 : 16;
			hc->sched_tunables = ereallocarray(hc->sched_tunables, cap, sizeof(*t));
		}
		t = &hc->sched_tunables[hc->ntunables++];
		memset(t, 0, sizeof(*t));
		str_set(&t->name, de->d_name, nlen);
		str_set(&t->value, s, (size_t)(e - s));
	}
	if (errno != 0) {
		/* a listing that fails part-way is a listing that failed */
		for (size_t i = 0; i < hc->ntunables; i++) {
			str_free(&hc->sched_tunables[i].name);
			str_free(&hc->sched_tunables[i].value);
		}
		free(hc->sched_tunables);
		hc->sched_tunables = NULL;
		hc->ntunables = 0;
		hc->has_sched_tunables = 0;
	}
	closedir(d);
	if (hc->ntunables > 1)
		qsort(hc->sched_tunables, hc->ntunables, sizeof(*hc->sched_tunables), cmp_tunable);
}

/* §4.7 node_id: the first "nodeN" entry of cpuN/, in listing order. */
static uint64_t
node_id(struct probe *p, uint64_t cpu)
{
	const char *path = probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64, cpu);
	DIR *d;
	struct dirent *de;
	uint64_t node = 0;

	if (!path || !(d = opendir(path)))
		return 0;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "node", 4) == 0 &&
		    parse_unsigned(de->d_name + 4, strlen(de->d_name + 4), &node) == 0)
			break;
	closedir(d);
	return de ? node : 0;
}

/* §4.7 llc_id: the id of the highest-level cache of cpuN. */
static uint64_t
llc_id(struct probe *p, uint64_t cpu)
{
	const char *path = probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64 "/cache", cpu);
	DIR *d;
	struct dirent *de;
	uint64_t best_level = 0, index = 0, level, idx, id;
	struct cpulist shared = {0};

	if (!path || !(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "index", 5) != 0 ||
		    parse_unsigned(de->d_name + 5, strlen(de->d_name + 5), &idx) < 0)
			continue;
		if (probe_unsigned(p, probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64 "/cache/%s/level",
		                                 cpu, de->d_name), &level) < 0)
			continue;
		if (level > best_level) {
			best_level = level;
			index = idx;
		}
	}
	closedir(d);
	if (probe_unsigned(p, probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64 "/cache/index%" PRIu64 "/id",
	                                 cpu, index), &id) == 0)
		return id;
	id = 0;
	if (probe_read(p, probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64
	                             "/cache/index%" PRIu64 "/shared_cpu_list", cpu, index)) == 0) {
		cpulist_parse(p->buf.s, p->buf.len, 0, &shared);
		if (shared.n > 0)
			id = shared.v[0];
		free(shared.v);
	}
	return id;
}

/* A small set of u64 keys with a value each (LLC -> node). */
struct u64map {
	uint64_t *k, *v;
	size_t n, cap;
};

static int
u64map_find(const struct u64map *m, uint64_t k)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->k[i] == k)
			return 1;
	return 0;
}

static void
u64map_put(struct u64map *m, uint64_t k, uint64_t v)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->k = ereallocarray(m->k, m->cap, sizeof(*m->k));
		m->v = ereallocarray(m->v, m->cap, sizeof(*m->v));
	}
	m->k[m->n] = k;
	m->v[m->n++] = v;
}

/* §4.7: online_cpus and numa_nodes from one probe of the online CPUs. */
static void
collect_topology(struct probe *p, struct host_context *hc, const struct cpulist *online)
{
	struct u64map llc = {0};
	uint64_t ncpus = 0, nodes = 0;
	struct stat st;

	for (size_t i = 0; i < online->n; i++) {
		uint64_t cpu = online->v[i], id;
		const char *path = probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64, cpu);

		if (i > 0 && online->v[i - 1] == cpu)
			continue; /* a duplicate: counted and mapped already */
		if (!path || stat(path, &st) < 0)
			continue;
		ncpus++;
		id = llc_id(p, cpu);
		if (!u64map_find(&llc, id))
			u64map_put(&llc, id, node_id(p, cpu));
	}
	for (size_t i = 0; i < llc.n; i++) {
		size_t j;

		for (j = 0; j < i && llc.v[j] != llc.v[i]; j++)
			;
		nodes += j == i;
	}
	u64_set(&hc->online_cpus, ncpus);
	u64_set(&hc->numa_nodes, nodes ? nodes : 1);
	free(llc.k);
	free(llc.v);
}

/* §4.8: scaling_governor of every listed CPU that has one. */
static void
collect_governors(struct probe *p, struct host_context *hc, const struct cpulist *online)
{
	size_t cap = 0;

	for (size_t i = 0; i < online->n; i++) {
		uint64_t cpu = online->v[i];
		struct host_governor *g;
		const char *s, *e;

		if (i > 0 && online->v[i - 1] == cpu)
			continue;
		if (probe_trimmed(p, probe_path(p, "/sys/devices/system/cpu/cpu%" PRIu64
		                                "/cpufreq/scaling_governor", cpu), &s, &e) < 0)
			continue;
		if (hc->ngovernors == cap) {
			cap = cap ? cap * 2 : 16;
			hc->cpufreq_governor = ereallocarray(hc->cpufreq_governor, cap, sizeof(*g));
		}
		g = &hc->cpufreq_governor[hc->ngovernors++];
		g->cpu = cpu;
		g->governor.s = NULL;
		str_set(&g->governor, s, (size_t)(e - s));
	}
}

static void
uname_field(struct host_str *dst, const char *s)
{
	size_t n = strlen(s);

	if (utf8_valid(s, n))
		str_set(dst, s, n);
}

void
host_collect(struct host_context *hc, const char *sysroot)
{
	struct probe p = {.root = sysroot};
	struct cpulist online = {0};
	struct utsname u;
	int have_online;

	memset(hc, 0, sizeof(*hc));
	if (!p.root && !(p.root = getenv("KTSTR_HOSTINFO_SYSROOT")))
		p.root = "";

	collect_cpuinfo(&p, hc);
	collect_meminfo(&p, hc);
	probe_string(&p, probe_path(&p, "/sys/kernel/mm/transparent_hugepage/enabled"), &hc->thp_enabled);
	probe_string(&p, probe_path(&p, "/sys/kernel/mm/transparent_hugepage/defrag"), &hc->thp_defrag);
	collect_tunables(&p, hc);

	have_online = probe_read(&p, probe_path(&p, "/sys/devices/system/cpu/online")) == 0 &&
	              cpulist_parse(p.buf.s, p.buf.len, 1, &online) == 0;
	if (have_online && online.n > 0)
		collect_topology(&p, hc, &online);
	if (have_online)
		collect_governors(&p, hc, &online);
	free(online.v);

	if (uname(&u) == 0) {
		uname_field(&hc->kernel_name, u.sysname);
		uname_field(&hc->kernel_release, u.release);
		uname_field(&hc->arch, u.machine);
	}
	probe_string(&p, probe_path(&p, "/proc/cmdline"), &hc->kernel_cmdline);
	buf_free(&p.buf);
}

void
host_free(struct host_context *hc)
{
	str_free(&hc->cpu_model);
	str_free(&hc->cpu_vendor);
	str_free(&hc->thp_enabled);
	str_free(&hc->thp_defrag);
	for (size_t i = 0; i < hc->ntunables; i++) {
		str_free(&hc->sched_tunables[i].name);
		str_free(&hc->sched_tunables[i].value);
	}
	free(hc->sched_tunables);
	for (size_t i = 0; i < hc->ngovernors; i++)
		str_free(&hc->cpufreq_governor[i].governor);
	free(hc->cpufreq_governor);
	str_free(&hc->kernel_name);
	str_free(&hc->kernel_release);
	str_free(&hc->arch);
	str_free(&hc->kernel_cmdline);
	memset(hc, 0, sizeof(*hc));
}

/* ---- reading JSON (hostinfo.md §6) ---- */

enum kind { K_STR, K_U64, K_TUNABLES, K_GOVERNORS, K_HEAP };

static const struct field {
	const char *key;
	enum kind kind;
	size_t off;
} fields[] = {
	{"cpu_model", K_STR, offsetof(struct host_context, cpu_model)},
	{"cpu_vendor", K_STR, offsetof(struct host_context, cpu_vendor)},
	{"total_memory_kb", K_U64, offsetof(struct host_context, total_memory_kb)},
	{"hugepages_total", K_U64, offsetof(struct host_context, hugepages_total)},
	{"hugepages_free", K_U64, offsetof(struct host_context, hugepages_free)},
	{"hugepages_size_kb", K_U64, offsetof(struct host_context, hugepages_size_kb)},
	{"thp_enabled", K_STR, offsetof(struct host_context, thp_enabled)},
	{"thp_defrag", K_STR, offsetof(struct host_context, thp_defrag)},
	{"sched_tunables", K_TUNABLES, 0},
	{"online_cpus", K_U64, offsetof(struct host_context, online_cpus)},
	{"numa_nodes", K_U64, offsetof(struct host_context, numa_nodes)},
	{"cpufreq_governor", K_GOVERNORS, 0},
	{"kernel_name", K_STR, offsetof(struct host_context, kernel_name)},
	{"kernel_release", K_STR, offsetof(struct host_context, kernel_release)},
	{"arch", K_STR, offsetof(struct host_context, arch)},
	{"kernel_cmdline", K_STR, offsetof(struct host_context, kernel_cmdline)},
	{"heap_state", K_HEAP, 0},
};

/* heap_state's members in JSON order; the report and diff use heap_order. */
static const struct field heap_fields[] = {
	{"active_bytes", K_U64, offsetof(struct host_heap, active_bytes)},
	{"allocated_bytes", K_U64, offsetof(struct host_heap, allocated_bytes)},
	{"resident_bytes", K_U64, offsetof(struct host_heap, resident_bytes)},
	{"mapped_bytes", K_U64, offsetof(struct host_heap, mapped_bytes)},
	{"narenas", K_U64, offsetof(struct host_heap, narenas)},
};
static const unsigned heap_order[] = {1, 0, 2, 3, 4};

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
bad_type(char *err, size_t errlen, const struct json_value *v, const char *expected,
         const char *at, const char *at2)
{
	char what[96];

	serde_unexpected(v, what, sizeof(what));
	return fail(err, errlen, "invalid type: %s, expected %s at `%s%s%s`", what, expected, at,
	            at2 ? "." : "", at2 ? at2 : "");
}

static int
read_str(struct host_str *dst, const struct json_value *v, char *err, size_t errlen,
         const char *at, const char *at2)
{
	if (v->type != JSON_STRING)
		return bad_type(err, errlen, v, "a string", at, at2);
	if (v->u.str.lone_surrogate)
		return fail(err, errlen, "lone surrogate in a string at `%s%s%s`", at, at2 ? "." : "",
		            at2 ? at2 : "");
	str_set(dst, v->u.str.s, v->u.str.len);
	return 0;
}

static int
read_u64(struct host_u64 *dst, const struct json_value *v, char *err, size_t errlen,
         const char *at, const char *at2)
{
	if (v->type == JSON_NUMBER && (v->u.num.flags & JSON_NUM_U64)) {
		u64_set(dst, v->u.num.u);
		return 0;
	}
	if (v->type == JSON_NUMBER && serde_is_int(v))
		return fail(err, errlen, "invalid value: integer `%" PRId64 "`, expected u64 at `%s%s%s`",
		            v->u.num.i, at, at2 ? "." : "", at2 ? at2 : "");
	return bad_type(err, errlen, v, "u64", at, at2);
}

/* serde_json's integer map keys: plain digits, no sign, no leading zero. */
static int
canonical_cpu(const char *s, size_t n, uint64_t *cpu)
{
	if (n == 0 || (n > 1 && s[0] == '0') || s[0] == '+')
		return -1;
	return parse_unsigned(s, n, cpu);
}

/*
 * Map semantics for a JSON object read into an array: sort by key and
 * keep the last of equal keys.  Sorting pointers into the array by
 * (key, address) makes input order the tie-break, as qsort is not stable.
 */
static int
cmp_tunable_ptr(const void *pa, const void *pb)
{
	const struct host_tunable *a = *(const struct host_tunable *const *)pa;
	const struct host_tunable *b = *(const struct host_tunable *const *)pb;
	int c = str_cmp(&a->name, &b->name);

	return c ? c : (a > b) - (a < b);
}

static void
dedup_tunables(struct host_context *hc)
{
	size_t n = hc->ntunables, out = 0;
	struct host_tunable **pv = ereallocarray(NULL, n ? n : 1, sizeof(*pv));
	struct host_tunable *v = ereallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		pv[i] = &hc->sched_tunables[i];
	qsort(pv, n, sizeof(*pv), cmp_tunable_ptr);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && str_eq(&pv[i]->name, &pv[i + 1]->name)) {
			str_free(&pv[i]->name);
			str_free(&pv[i]->value);
			continue;
		}
		v[out++] = *pv[i];
	}
	free(pv);
	free(hc->sched_tunables);
	hc->sched_tunables = v;
	hc->ntunables = out;
}

static int
cmp_governor_ptr(const void *pa, const void *pb)
{
	const struct host_governor *a = *(const struct host_governor *const *)pa;
	const struct host_governor *b = *(const struct host_governor *const *)pb;

	if (a->cpu != b->cpu)
		return (a->cpu > b->cpu) - (a->cpu < b->cpu);
	return (a > b) - (a < b);
}

static void
dedup_governors(struct host_context *hc)
{
	size_t n = hc->ngovernors, out = 0;
	struct host_governor **pv = ereallocarray(NULL, n ? n : 1, sizeof(*pv));
	struct host_governor *v = ereallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		pv[i] = &hc->cpufreq_governor[i];
	qsort(pv, n, sizeof(*pv), cmp_governor_ptr);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && pv[i]->cpu == pv[i + 1]->cpu) {
			str_free(&pv[i]->governor);
			continue;
		}
		v[out++] = *pv[i];
	}
	free(pv);
	free(hc->cpufreq_governor);
	hc->cpufreq_governor = v;
	hc->ngovernors = out;
}

static int
read_tunables(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "a map", "sched_tunables", NULL);
	hc->has_sched_tunables = 1;
	hc->sched_tunables = ecalloc(v->u.obj.n ? v->u.obj.n : 1, sizeof(*hc->sched_tunables));
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		struct host_tunable *t = &hc->sched_tunables[hc->ntunables];

		if (m->key_lone_surrogate)
			return fail(err, errlen, "lone surrogate in a key at `sched_tunables`");
		if (read_str(&t->value, &m->value, err, errlen, "sched_tunables", m->key) < 0)
			return -1;
		str_set(&t->name, m->key, m->keylen);
		hc->ntunables++;
	}
	dedup_tunables(hc);
	return 0;
}

static int
read_governors(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	if (v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "a map", "cpufreq_governor", NULL);
	hc->cpufreq_governor = ecalloc(v->u.obj.n ? v->u.obj.n : 1, sizeof(*hc->cpufreq_governor));
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];
		struct host_governor *g = &hc->cpufreq_governor[hc->ngovernors];

		if (canonical_cpu(m->key, m->keylen, &g->cpu) < 0)
			return fail(err, errlen, "invalid cpu number \"%.*s\" at `cpufreq_governor`",
			            m->keylen > 32 ? 32 : (int)m->keylen, m->key);
		if (read_str(&g->governor, &m->value, err, errlen, "cpufreq_governor", m->key) < 0)
			return -1;
		hc->ngovernors++;
	}
	dedup_governors(hc);
	return 0;
}

static int
read_heap(struct host_heap *h, const struct json_value *v, char *err, size_t errlen)
{
	unsigned seen = 0;

	if (v->type != JSON_OBJECT)
		return bad_type(err, errlen, v, "struct HostHeapState", "heap_state", NULL);
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		for (size_t f = 0; f < LEN(heap_fields); f++) {
			if (strcmp(m->key, heap_fields[f].key) != 0 || m->keylen != strlen(m->key))
				continue;
			if (seen & 1u << f)
				return fail(err, errlen, "duplicate field `%s` at `heap_state`", m->key);
			seen |= 1u << f;
			if (m->value.type != JSON_NULL &&
			    read_u64((struct host_u64 *)((char *)h + heap_fields[f].off), &m->value, err,
			             errlen, "heap_state", m->key) < 0)
				return -1;
		}
	}
	return 0;
}

static int
read_field(struct host_context *hc, const struct field *f, const struct json_value *v, char *err,
           size_t errlen)
{
	if (v->type == JSON_NULL && f->kind != K_GOVERNORS)
		return 0;
	switch (f->kind) {
	case K_STR:
		return read_str((struct host_str *)((char *)hc + f->off), v, err, errlen, f->key, NULL);
	case K_U64:
		return read_u64((struct host_u64 *)((char *)hc + f->off), v, err, errlen, f->key, NULL);
	case K_TUNABLES: return read_tunables(hc, v, err, errlen);
	case K_GOVERNORS: return read_governors(hc, v, err, errlen);
	case K_HEAP:
		hc->has_heap_state = 1;
		return read_heap(&hc->heap_state, v, err, errlen);
	}
	return 0;
}

int
host_from_json(struct host_context *hc, const struct json_value *v, char *err, size_t errlen)
{
	uint32_t seen = 0;

	memset(hc, 0, sizeof(*hc));
	if (v->type != JSON_OBJECT) {
		bad_type(err, errlen, v, "struct HostContext", "host", NULL);
		return -1;
	}
	for (size_t i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->keylen != strlen(m->key))
			continue;
		for (size_t f = 0; f < LEN(fields); f++) {
			if (strcmp(m->key, fields[f].key) != 0)
				continue;
			if (seen & 1u << f) {
				fail(err, errlen, "duplicate field `%s`", m->key);
				goto fail;
			}
			seen |= 1u << f;
			if (read_field(hc, &fields[f], &m->value, err, errlen) < 0)
				goto fail;
		}
	}
	return 0;
fail:
	host_free(hc);
	return -1;
}

int
host_from_sidecar(struct host_context *hc, const struct json_value *sidecar, char *err,
                  size_t errlen)
{
	const struct json_value *h = json_get(sidecar, "host");

	memset(hc, 0, sizeof(*hc));
	if (!h || h->type == JSON_NULL)
		return 0;
	return host_from_json(hc, h, err, errlen) < 0 ? -1 : 1;
}

/* ---- writing JSON (hostinfo.md §3) ---- */

static void
write_heap(struct json_writer *w, const struct host_heap *h)
{
	jw_object_begin(w);
	for (size_t f = 0; f < LEN(heap_fields); f++) {
		const struct host_u64 *u = (const struct host_u64 *)((const char *)h + heap_fields[f].off);

		if (u->set) {
			jw_key(w, heap_fields[f].key);
			jw_uint(w, u->v);
		}
	}
	jw_object_end(w);
}

void
host_write_json(struct json_writer *w, const struct host_context *hc)
{
	jw_object_begin(w);
	for (size_t f = 0; f < LEN(fields); f++) {
		const void *p = (const char *)hc + fields[f].off;

		switch (fields[f].kind) {
		case K_STR:
			if (((const struct host_str *)p)->s) {
				jw_key(w, fields[f].key);
				jw_stringn(w, ((const struct host_str *)p)->s, ((const struct host_str *)p)->len);
			}
			break;
		case K_U64:
			if (((const struct host_u64 *)p)->set) {
				jw_key(w, fields[f].key);
				jw_uint(w, ((const struct host_u64 *)p)->v);
			}
			break;
		case K_TUNABLES:
			if (!hc->has_sched_tunables)
				break;
			jw_key(w, fields[f].key);
			jw_object_begin(w);
			for (size_t i = 0; i < hc->ntunables; i++) {
				jw_keyn(w, hc->sched_tunables[i].name.s, hc->sched_tunables[i].name.len);
				jw_stringn(w, hc->sched_tunables[i].value.s, hc->sched_tunables[i].value.len);
			}
			jw_object_end(w);
			break;
		case K_GOVERNORS:
			if (hc->ngovernors == 0)
				break;
			jw_key(w, fields[f].key);
			jw_object_begin(w);
			for (size_t i = 0; i < hc->ngovernors; i++) {
				char cpu[24];

				snprintf(cpu, sizeof(cpu), "%" PRIu64, hc->cpufreq_governor[i].cpu);
				jw_key(w, cpu);
				jw_stringn(w, hc->cpufreq_governor[i].governor.s,
				           hc->cpufreq_governor[i].governor.len);
			}
			jw_object_end(w);
			break;
		case K_HEAP:
			if (hc->has_heap_state) {
				jw_key(w, fields[f].key);
				write_heap(w, &hc->heap_state);
			}
			break;
		}
	}
	jw_object_end(w);
}

/* ---- the report (hostinfo.md §5) and the diff (§8) ---- */

/* Scalar rows in report order: indexes into fields[]. */
static const unsigned scalar_order[] = {12, 13, 14, 0, 1, 2, 3, 4, 5, 9, 10, 6, 7, 15};

static void
put_str(struct buf *b, const struct host_str *s)
{
	buf_add(b, s->s, s->len);
}

static void
put_scalar(struct buf *b, const struct host_context *hc, const struct field *f)
{
	const void *p = (const char *)hc + f->off;

	if (f->kind == K_STR && ((const struct host_str *)p)->s)
		put_str(b, p);
	else if (f->kind == K_U64 && ((const struct host_u64 *)p)->set)
		buf_printf(b, "%" PRIu64, ((const struct host_u64 *)p)->v);
	else
		buf_puts(b, "(unknown)");
}

static void
put_u64(struct buf *b, const struct host_u64 *u)
{
	if (u->set)
		buf_printf(b, "%" PRIu64, u->v);
	else
		buf_puts(b, "(unknown)");
}

static const struct host_u64 *
heap_field(const struct host_heap *h, unsigned f)
{
	return (const struct host_u64 *)((const char *)h + heap_fields[f].off);
}

void
host_format_human(struct buf *b, const struct host_context *hc)
{
	for (size_t i = 0; i < LEN(scalar_order); i++) {
		buf_printf(b, "%s: ", fields[scalar_order[i]].key);
		put_scalar(b, hc, &fields[scalar_order[i]]);
		buf_putc(b, '\n');
	}
	if (hc->ngovernors == 0)
		buf_puts(b, "cpufreq_governor: (empty)\n");
	else
		buf_puts(b, "cpufreq_governor:\n");
	for (size_t i = 0; i < hc->ngovernors; i++) {
		buf_printf(b, "  cpu%" PRIu64 " = ", hc->cpufreq_governor[i].cpu);
		put_str(b, &hc->cpufreq_governor[i].governor);
		buf_putc(b, '\n');
	}
	if (!hc->has_sched_tunables)
		buf_puts(b, "sched_tunables: (unknown)\n");
	else if (hc->ntunables == 0)
		buf_puts(b, "sched_tunables: (empty)\n");
	else
		buf_puts(b, "sched_tunables:\n");
	for (size_t i = 0; i < hc->ntunables; i++) {
		buf_puts(b, "  ");
		put_str(b, &hc->sched_tunables[i].name);
		buf_puts(b, " = ");
		put_str(b, &hc->sched_tunables[i].value);
		buf_putc(b, '\n');
	}
	if (!hc->has_heap_state) {
		buf_puts(b, "heap_state: (unknown)\n");
		return;
	}
	buf_puts(b, "heap_state:\n");
	for (size_t i = 0; i < LEN(heap_order); i++) {
		buf_printf(b, "  %s: ", heap_fields[heap_order[i]].key);
		put_u64(b, heap_field(&hc->heap_state, heap_order[i]));
		buf_putc(b, '\n');
	}
}

static int
scalar_eq(const struct host_context *a, const struct host_context *b, const struct field *f)
{
	const void *pa = (const char *)a + f->off, *pb = (const char *)b + f->off;
	const struct host_u64 *ua = pa, *ub = pb;

	if (f->kind == K_STR)
		return str_eq(pa, pb);
	return ua->set == ub->set && (!ua->set || ua->v == ub->v);
}

/* "(absent)" for a key missing inside a map. */
static void
put_opt(struct buf *b, const struct host_str *s)
{
	if (s)
		put_str(b, s);
	else
		buf_puts(b, "(absent)");
}

static void
put_summary(struct buf *b, const struct host_context *hc)
{
	if (!hc->has_sched_tunables)
		buf_puts(b, "(unknown)");
	else if (hc->ntunables == 0)
		buf_puts(b, "(empty)");
	else if (hc->ntunables == 1)
		buf_puts(b, "(1 entry)");
	else
		buf_printf(b, "(%zu entries)", hc->ntunables);
}

static size_t
diff_governors(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0, lines = 0;

	while (i < a->ngovernors || j < b->ngovernors) {
		const struct host_governor *ga = i < a->ngovernors ? &a->cpufreq_governor[i] : NULL;
		const struct host_governor *gb = j < b->ngovernors ? &b->cpufreq_governor[j] : NULL;
		uint64_t cpu;

		if (ga && gb && ga->cpu != gb->cpu) {
			if (ga->cpu < gb->cpu)
				gb = NULL;
			else
				ga = NULL;
		}
		cpu = ga ? ga->cpu : gb->cpu;
		i += ga != NULL;
		j += gb != NULL;
		if (ga && gb && str_eq(&ga->governor, &gb->governor))
			continue;
		buf_printf(out, "  cpufreq_governor.cpu%" PRIu64 ": ", cpu);
		put_opt(out, ga ? &ga->governor : NULL);
		buf_puts(out, ARROW);
		put_opt(out, gb ? &gb->governor : NULL);
		buf_putc(out, '\n');
		lines++;
	}
	return lines;
}

static size_t
diff_tunables(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0, lines = 0;

	if (!a->has_sched_tunables && !b->has_sched_tunables)
		return 0;
	if (!a->has_sched_tunables || !b->has_sched_tunables) {
		buf_puts(out, "  sched_tunables: ");
		put_summary(out, a);
		buf_puts(out, ARROW);
		put_summary(out, b);
		buf_putc(out, '\n');
		return 1;
	}
	while (i < a->ntunables || j < b->ntunables) {
		const struct host_tunable *ta = i < a->ntunables ? &a->sched_tunables[i] : NULL;
		const struct host_tunable *tb = j < b->ntunables ? &b->sched_tunables[j] : NULL;
		const struct host_str *name;

		if (ta && tb) {
			int c = str_cmp(&ta->name, &tb->name);
			if (c < 0)
				tb = NULL;
			else if (c > 0)
				ta = NULL;
		}
		name = ta ? &ta->name : &tb->name;
		i += ta != NULL;
		j += tb != NULL;
		if (ta && tb && str_eq(&ta->value, &tb->value))
			continue;
		buf_puts(out, "  sched_tunables.");
		put_str(out, name);
		buf_puts(out, ": ");
		put_opt(out, ta ? &ta->value : NULL);
		buf_puts(out, ARROW);
		put_opt(out, tb ? &tb->value : NULL);
		buf_putc(out, '\n');
		lines++;
	}
	return lines;
}

static size_t
diff_heap(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	struct buf inner = BUF_INIT;
	size_t lines = 0;

	if (!a->has_heap_state && !b->has_heap_state)
		return 0;
	if (!a->has_heap_state || !b->has_heap_state) {
		buf_printf(out, "  heap_state: %s%s%s\n", a->has_heap_state ? "(present)" : "(unknown)",
		           ARROW, b->has_heap_state ? "(present)" : "(unknown)");
		return 1;
	}
	for (size_t i = 0; i < LEN(heap_order); i++) {
		const struct host_u64 *ua = heap_field(&a->heap_state, heap_order[i]);
		const struct host_u64 *ub = heap_field(&b->heap_state, heap_order[i]);

		if (ua->set == ub->set && (!ua->set || ua->v == ub->v))
			continue;
		buf_printf(&inner, "    %s: ", heap_fields[heap_order[i]].key);
		put_u64(&inner, ua);
		buf_puts(&inner, ARROW);
		put_u64(&inner, ub);
		buf_putc(&inner, '\n');
		lines++;
	}
	if (lines > 0) {
		buf_puts(out, "  heap_state:\n");
		buf_add(out, inner.s, inner.len);
		lines++;
	}
	buf_free(&inner);
	return lines;
}

size_t
host_diff(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t lines = 0;

	for (size_t i = 0; i < LEN(scalar_order); i++) {
		const struct field *f = &fields[scalar_order[i]];

		if (scalar_eq(a, b, f))
			continue;
		buf_printf(out, "  %s: ", f->key);
		put_scalar(out, a, f);
		buf_puts(out, ARROW);
		put_scalar(out, b, f);
		buf_putc(out, '\n');
		lines++;
	}
	lines += diff_governors(out, a, b);
	lines += diff_tunables(out, a, b);
	lines += diff_heap(out, a, b);
	return lines;
}

int
host_format_delta(struct buf *out, const struct host_context *a, const struct host_context *b,
                  const char *la, const char *lb)
{
	struct buf d = BUF_INIT;

	if (!a && !b)
		return -1;
	if (!a || !b) {
		buf_printf(out, "\nhost: captured in '%s' only, delta unavailable\n", a ? la : lb);
		return 1;
	}
	if (host_diff(&d, a, b) > 0) {
		buf_printf(out, "\nhost delta ('%s'%s'%s'):\n", la, ARROW, lb);
		buf_add(out, d.s, d.len);
		buf_free(&d);
		return 1;
	}
	if (a->arch.s && b->arch.s) {
		buf_printf(out, "\nhost: identical between '%s' and '%s' (arch: ", la, lb);
		put_str(out, &a->arch);
		buf_puts(out, ")\n");
	} else {
		buf_printf(out, "\nhost: identical between '%s' and '%s'\n", la, lb);
	}
	return 0;
}
