/*
 * wl_topo: CPU lists, the sysfs topology and its label
 * (doc/workloads.md, Labels), and the sched_ext scheduler identity.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wl_int.h"

/*
 * A sysfs CPU list into a cpu_set_t, as upstream's topology code reads
 * it: strict, no spaces, "3-1" and CPUs past CPU_SETSIZE refused.  (The
 * host context has its own parser, with upstream's other rules.)
 */
int
wl_cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s && *s != '\n') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || !isdigit((unsigned char)*s))
			return -1;
		s = end;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -1;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (b < a || b >= CPU_SETSIZE)
			return -1;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
	}
	return 0;
}

void
wl_cpulist_format(const cpu_set_t *set, struct buf *b)
{
	int first = 1;

	buf_puts(b, "");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int e = c;
		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		buf_printf(b, first ? "%d" : ",%d", c);
		if (e > c)
			buf_printf(b, "-%d", e);
		first = 0;
		c = e;
	}
}

size_t
wl_cpuset_list(const cpu_set_t *set, int *cpus)
{
	size_t n = 0;

	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			cpus[n++] = c;
	return n;
}

static int
read_trim(const char *path, char *dst, size_t size)
{
	char *s = read_value(path, 65536);

	if (s == NULL)
		return -1;
	snprintf(dst, size, "%s", s);
	free(s);
	return 0;
}

static int
read_long(const char *path, long *v)
{
	char s[64], *end;

	if (read_trim(path, s, sizeof s) < 0 || s[0] == '\0')
		return -1;
	*v = strtol(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* The LLC id of a CPU: the highest-level cache index's id. */
static long
cpu_llc(const char *cpudir)
{
	char *cache = path_join(cpudir, "cache");
	DIR *d = opendir(cache);
	struct dirent *e;
	long best_level = -1, id = 0;

	while (d && (e = readdir(d)) != NULL) {
		char *idx, *p;
		long level, v;
		if (strncmp(e->d_name, "index", 5) != 0)
			continue;
		idx = path_join(cache, e->d_name);
		p = path_join(idx, "level");
		if (read_long(p, &level) == 0 && level > best_level) {
			char *q = path_join(idx, "id");
			best_level = level;
			if (read_long(q, &v) == 0) {
				id = v;
			} else {
				cpu_set_t s;
				char list[4096];
				free(q);
				q = path_join(idx, "shared_cpu_list");
				id = 0;
				if (read_trim(q, list, sizeof list) == 0 && wl_cpulist_parse(list, &s) == 0)
					for (int c = 0; c < CPU_SETSIZE; c++)
						if (CPU_ISSET(c, &s)) {
							id = c;
							break;
						}
			}
			free(q);
		}
		free(p);
		free(idx);
	}
	if (d)
		closedir(d);
	free(cache);
	return best_level < 0 ? -1 : id;
}

/* Nodes are counted in a table; a larger id than any kernel gives is ignored. */
#define MAX_NODES 1024

/* N of a sysfs entry "nodeN", or -1 for any other name or an N out of range. */
static int
node_number(const char *name)
{
	int64_t n;

	if (strncmp(name, "node", 4) != 0 || parse_i64(name + 4, 0, MAX_NODES - 1, &n) < 0 ||
	    name[4] == '+' || name[4] == '-')
		return -1;
	return (int)n;
}

static int
cpu_node(const char *cpudir)
{
	DIR *d = opendir(cpudir);
	struct dirent *e;
	int node = 0, n;

	while (d && (e = readdir(d)) != NULL)
		if ((n = node_number(e->d_name)) >= 0) {
			node = n;
			break;
		}
	if (d)
		closedir(d);
	return node;
}

int
wl_topo_read(const char *sysfs, struct wl_topo *t)
{
	char *p = path_join(sysfs ? sysfs : "/sys", "devices/system/cpu/online"), list[8192];
	cpu_set_t online;
	int nodes_seen[MAX_NODES] = {0}, node;
	DIR *d;
	struct dirent *e;
	char *nodedir;

	memset(t, 0, sizeof *t);
	if (read_trim(p, list, sizeof list) < 0 || wl_cpulist_parse(list, &online) < 0) {
		free(p);
		return -1;
	}
	free(p);
	t->cpu = ereallocarray(NULL, CPU_SETSIZE, sizeof *t->cpu);
	t->llc = ereallocarray(NULL, CPU_SETSIZE, sizeof *t->llc);
	t->node = ereallocarray(NULL, CPU_SETSIZE, sizeof *t->node);
	t->core = ereallocarray(NULL, CPU_SETSIZE, sizeof *t->core);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		char rel[64], *dir, *q;
		struct stat st;
		long v;
		if (!CPU_ISSET(c, &online))
			continue;
		snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d", c);
		dir = path_join(sysfs ? sysfs : "/sys", rel);
		if (stat(dir, &st) < 0) {
			free(dir);
			continue;
		}
		t->cpu[t->ncpus] = c;
		t->llc[t->ncpus] = cpu_llc(dir);
		t->node[t->ncpus] = cpu_node(dir);
		q = path_join(dir, "topology/core_id");
		t->core[t->ncpus] = read_long(q, &v) == 0 ? v : c;
		free(q);
		free(dir);
		nodes_seen[t->node[t->ncpus]] = 1;
		t->ncpus++;
	}
	/* Missing cache information counts as LLC 0: with none at all, one synthetic LLC. */
	for (size_t i = 0; i < t->ncpus; i++)
		if (t->llc[i] < 0)
			t->llc[i] = 0;
	nodedir = path_join(sysfs ? sysfs : "/sys", "devices/system/node");
	if ((d = opendir(nodedir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if ((node = node_number(e->d_name)) >= 0)
				nodes_seen[node] = 1;
		closedir(d);
	}
	free(nodedir);
	for (int n = 0; n < MAX_NODES; n++)
		t->nnodes += nodes_seen[n];
	if (t->nnodes == 0)
		t->nnodes = 1;
	return t->ncpus > 0 ? 0 : -1;
}

void
wl_topo_free(struct wl_topo *t)
{
	free(t->cpu);
	free(t->llc);
	free(t->node);
	free(t->core);
	memset(t, 0, sizeof *t);
}

size_t
wl_topo_llcs(const struct wl_topo *t, long **ids)
{
	size_t n = 0;

	*ids = ereallocarray(NULL, t->ncpus ? t->ncpus : 1, sizeof **ids);
	for (size_t i = 0; i < t->ncpus; i++) {
		size_t j;
		for (j = 0; j < n && (*ids)[j] != t->llc[i]; j++)
			;
		if (j == n)
			(*ids)[n++] = t->llc[i];
	}
	return n;
}

char *
wl_topology_label(const char *sysfs, unsigned *cpus, int quiet)
{
	struct wl_topo t;
	long *llcs;
	size_t nllc, maxcores = 0, maxthreads = 0;

	if (wl_topo_read(sysfs, &t) < 0) {
		wl_topo_free(&t);
		if (cpus)
			*cpus = 1;
		return estrdup("1n1l1c1t");
	}
	nllc = wl_topo_llcs(&t, &llcs);
	for (size_t l = 0; l < nllc; l++) {
		/* distinct cores of this LLC, and the CPUs sharing each */
		size_t ncores = 0;
		for (size_t i = 0; i < t.ncpus; i++) {
			size_t threads = 0, seen = 0;
			if (t.llc[i] != llcs[l])
				continue;
			for (size_t j = 0; j < t.ncpus; j++) {
				if (t.llc[j] != llcs[l] || t.core[j] != t.core[i])
					continue;
				threads++;
				if (j < i)
					seen = 1;
			}
			if (!seen)
				ncores++;
			if (threads > maxthreads)
				maxthreads = threads;
		}
		if (ncores > maxcores)
			maxcores = ncores;
	}
	if (!quiet && nllc * maxcores * maxthreads != t.ncpus)
		warning("heterogeneous topology: %zun%zul%zuc%zut does not describe the %zu online CPUs",
		     t.nnodes, nllc, maxcores, maxthreads, t.ncpus);
	if (cpus)
		*cpus = (unsigned)t.ncpus;
	free(llcs);
	{
		char *label = easprintf("%zun%zul%zuc%zut", t.nnodes, nllc ? nllc : 1,
		                        maxcores ? maxcores : 1, maxthreads ? maxthreads : 1);
		wl_topo_free(&t);
		return label;
	}
}

void
wl_sched_snapshot(const char *scx_dir, struct wl_sched_id *id)
{
	const char *dir = scx_dir ? scx_dir : "/sys/kernel/sched_ext";
	char *p;
	struct stat st;

	memset(id, 0, sizeof *id);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	id->present = 1;
	p = path_join(dir, "state");
	read_trim(p, id->state, sizeof id->state);
	free(p);
	p = path_join(dir, "root/ops");
	read_trim(p, id->ops, sizeof id->ops);
	free(p);
	p = path_join(dir, "enable_seq");
	read_trim(p, id->enable_seq, sizeof id->enable_seq);
	free(p);
}

char *
wl_scheduler_name(const char *scx_dir, int quiet)
{
	struct wl_sched_id id;
	char sw[16] = "", *p;

	wl_sched_snapshot(scx_dir, &id);
	if (!id.present || strcmp(id.state, "enabled") != 0 || id.ops[0] == '\0')
		return estrdup("eevdf");
	p = path_join(scx_dir ? scx_dir : "/sys/kernel/sched_ext", "switch_all");
	read_trim(p, sw, sizeof sw);
	free(p);
	if (strcmp(sw, "0") == 0) {
		if (!quiet)
			warning("sched_ext scheduler '%s' runs in partial mode: SCHED_NORMAL workers stay on "
			     "EEVDF, recording 'eevdf'", id.ops);
		return estrdup("eevdf");
	}
	return estrdup(id.ops);
}
