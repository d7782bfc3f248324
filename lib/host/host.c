/*
 * host: collect, read, write, render and diff the host context
 * (ktstr-hostinfo(1)).  The parse rules mirror upstream's Rust (str::trim,
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
#include "host_int.h"

/* u64::from_str: optional '+', then digits only, no overflow. */
int
host_parse_unsigned(const char *s, size_t n, uint64_t *out)
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

void
host_str_set(struct host_str *dst, const char *s, size_t n)
{
	free(dst->s);
	dst->s = emalloc(n + 1); /* not strndup: the text may hold NUL bytes */
	memcpy(dst->s, s, n);
	dst->s[n] = '\0';
	dst->len = n;
}

void
host_str_free(struct host_str *s)
{
	free(s->s);
	s->s = NULL;
	s->len = 0;
}

int
host_str_eq(const struct host_str *a, const struct host_str *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Rust's byte-wise String order: memcmp, then the shorter first. */
int
host_str_cmp(const struct host_str *a, const struct host_str *b)
{
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

void
host_u64_set(struct host_u64 *f, uint64_t v)
{
	f->v = v;
	f->set = 1;
}

/* The members of the host object, in JSON order. */
const struct host_field host_fields[HOST_NFIELDS] = {
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

/* heap_state's members, in JSON order. */
const struct host_field host_heap_fields[HOST_NHEAP_FIELDS] = {
	{"active_bytes", K_U64, offsetof(struct host_heap, active_bytes)},
	{"allocated_bytes", K_U64, offsetof(struct host_heap, allocated_bytes)},
	{"resident_bytes", K_U64, offsetof(struct host_heap, resident_bytes)},
	{"mapped_bytes", K_U64, offsetof(struct host_heap, mapped_bytes)},
	{"narenas", K_U64, offsetof(struct host_heap, narenas)},
};
const unsigned host_heap_order[HOST_NHEAP_FIELDS] = {1, 0, 2, 3, 4};

void
host_free(struct host_context *hc)
{
	host_str_free(&hc->cpu_model);
	host_str_free(&hc->cpu_vendor);
	host_str_free(&hc->thp_enabled);
	host_str_free(&hc->thp_defrag);
	for (size_t i = 0; i < hc->ntunables; i++) {
		host_str_free(&hc->sched_tunables[i].name);
		host_str_free(&hc->sched_tunables[i].value);
	}
	free(hc->sched_tunables);
	for (size_t i = 0; i < hc->ngovernors; i++)
		host_str_free(&hc->cpufreq_governor[i].governor);
	free(hc->cpufreq_governor);
	host_str_free(&hc->kernel_name);
	host_str_free(&hc->kernel_release);
	host_str_free(&hc->arch);
	host_str_free(&hc->kernel_cmdline);
	memset(hc, 0, sizeof(*hc));
}
