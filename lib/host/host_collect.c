/* host_collect: the host context read from /proc and /sys (or a copied sysroot), with upstream's parse rules. */
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
#include "host_int.h"
#include "json/json_serde.h"
#include "util/strlist.h"
#include "util/utf8.h"

/* Bounds on what a hostile sysroot can make us hold. */
#define HOST_MAX_FILE (16u << 20)
#define HOST_MAX_CPUS (1u << 20)

/* Length of the code point at s (valid UTF-8). */
static size_t
cp_len(const char *s, const char *end)
{
	uint32_t c;
	size_t len = utf8_decode(s, (size_t)(end - s), &c);

	return len ? len : 1;
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
	uint32_t c;
	size_t len = utf8_decode(s, (size_t)(end - s), &c);

	return len && is_space_cp(c) ? len : 0;
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
 * Kernel CPU lists: "0-3,8,10-11".  strict: any bad part
 * fails the list; lenient: bad parts are skipped.  A list longer than
 * HOST_MAX_CPUS counts as a bad part.  Sorted, duplicates kept.
 * These are upstream's host-context rules (parts trimmed, "+" taken,
 * "3-1" contributes nothing, any CPU number); the workload's cpu_set_t
 * parser (wl_cpulist_parse) follows its topology code instead, so the
 * two stay apart.
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
				bad = host_parse_unsigned(ps, (size_t)(dash - ps), &lo) < 0 ||
				      host_parse_unsigned(dash + 1, (size_t)(pe - dash - 1), &hi) < 0 ||
				      (lo <= hi && cpulist_add(l, lo, hi) < 0);
			else
				bad = host_parse_unsigned(ps, (size_t)(pe - ps), &lo) < 0 ||
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
		host_str_set(dst, s, (size_t)(e - s));
}

static int
probe_unsigned(struct probe *p, const char *path, uint64_t *v)
{
	const char *s, *e;

	return probe_trimmed(p, path, &s, &e) < 0 ? -1 : host_parse_unsigned(s, (size_t)(e - s), v);
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

/*
 * Model and vendor from the first processor block (up to the first empty
 * line): "key : value" split at the first ':', both trimmed; an empty
 * value is no value; the first of each key wins.
 */
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
			host_str_set(&hc->cpu_model, vs, (size_t)(ve - vs));
		else if (key_is(ks, ke, "vendor_id") && !hc->cpu_vendor.s)
			host_str_set(&hc->cpu_vendor, vs, (size_t)(ve - vs));
	}
}

/* The four meminfo numbers (first token after ':'); the last valid line of a key wins. */
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
			te += cp_len(te, le);
		if (host_parse_unsigned(ts, (size_t)(te - ts), &v) < 0)
			continue;
		for (size_t i = 0; i < LEN(keys); i++)
			if (key_is(ks, ke, keys[i].key))
				host_u64_set((struct host_u64 *)((char *)hc + keys[i].off), v);
	}
}

static int
cmp_tunable(const void *pa, const void *pb)
{
	return host_str_cmp(&((const struct host_tunable *)pa)->name,
	               &((const struct host_tunable *)pb)->name);
}

/* The sched_* regular files of /proc/sys/kernel, not followed. */
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
		host_str_set(&t->name, de->d_name, nlen);
		host_str_set(&t->value, s, (size_t)(e - s));
	}
	if (errno != 0) {
		/* a listing that fails part-way is a listing that failed */
		for (size_t i = 0; i < hc->ntunables; i++) {
			host_str_free(&hc->sched_tunables[i].name);
			host_str_free(&hc->sched_tunables[i].value);
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

/* A CPU's NUMA node: the first "nodeN" entry of cpuN/, in listing order. */
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
		    host_parse_unsigned(de->d_name + 4, strlen(de->d_name + 4), &node) == 0)
			break;
	closedir(d);
	return de ? node : 0;
}

/* A CPU's LLC: the id of the highest-level cache of cpuN. */
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
		    host_parse_unsigned(de->d_name + 5, strlen(de->d_name + 5), &idx) < 0)
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

/* online_cpus and numa_nodes from one probe of the online CPUs. */
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
	host_u64_set(&hc->online_cpus, ncpus);
	host_u64_set(&hc->numa_nodes, nodes ? nodes : 1);
	free(llc.k);
	free(llc.v);
}

/* The scaling_governor of every listed CPU that has one. */
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
		host_str_set(&g->governor, s, (size_t)(e - s));
	}
}

static void
uname_field(struct host_str *dst, const char *s)
{
	size_t n = strlen(s);

	if (utf8_valid(s, n))
		host_str_set(dst, s, n);
}

/* The prefix of every path the live capture reads. */
static const char *
sysroot_prefix(const char *sysroot)
{
	if (!sysroot && !(sysroot = getenv("KTSTR_HOSTINFO_SYSROOT")))
		sysroot = "";
	return sysroot;
}

/* Whether dir lists an entry; -1 with errno when it cannot be listed. */
static int
dir_has_entry(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return -1;
	for (errno = 0; !found && (de = readdir(d)); errno = 0)
		found = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	if (!found && errno != 0) {
		int saved = errno;

		closedir(d);
		errno = saved;
		return -1;
	}
	closedir(d);
	return found;
}

size_t
host_unreadable_trees(struct strlist *why, const char *sysroot)
{
	static const char *const trees[] = {"/proc", "/sys"};
	const char *root = sysroot_prefix(sysroot);
	size_t n = 0;

	for (size_t i = 0; i < LEN(trees); i++) {
		char *path = easprintf("%s%s", root, trees[i]), *line = NULL;

		switch (dir_has_entry(path)) {
		case -1:
			line = easprintf("cannot read '%s': %s", path, error_text(errno));
			break;
		case 0:
			line = easprintf("'%s' is empty: nothing is mounted there", path);
			break;
		}
		if (line) {
			strlist_add(why, line);
			free(line);
			n++;
		}
		free(path);
	}
	return n;
}

void
host_collect(struct host_context *hc, const char *sysroot)
{
	struct probe p = {.root = sysroot_prefix(sysroot)};
	struct cpulist online = {0};
	struct utsname u;
	int have_online;

	memset(hc, 0, sizeof(*hc));

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

