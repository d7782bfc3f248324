/*
 * preflight: host differences that make a comparison doubtful.
 */
#include <string.h>

#include "host_preflight.h"

static int
str_differ(const struct host_str *a, const struct host_str *b)
{
	return a->s && b->s && (a->len != b->len || memcmp(a->s, b->s, a->len) != 0);
}

static int
boot_word(const char *w, size_t n)
{
	return (n >= 11 && memcmp(w, "BOOT_IMAGE=", 11) == 0) ||
	       (n >= 7 && memcmp(w, "initrd=", 7) == 0);
}

/* The next word of s[*at..len) that is not a boot word; 0 at the end. */
static size_t
next_word(const char *s, size_t len, size_t *at, const char **w)
{
	size_t i = *at, start;

	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
			i++;
		if (i == len) {
			*at = i;
			return 0;
		}
		for (start = i; i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n'; i++)
			;
		if (!boot_word(s + start, i - start)) {
			*at = i;
			*w = s + start;
			return i - start;
		}
	}
}

static int
cmdline_differ(const struct host_str *a, const struct host_str *b)
{
	size_t ia = 0, ib = 0, na, nb;
	const char *wa = NULL, *wb = NULL;

	if (!a->s || !b->s)
		return 0;
	do {
		na = next_word(a->s, a->len, &ia, &wa);
		nb = next_word(b->s, b->len, &ib, &wb);
		if (na != nb || (na && memcmp(wa, wb, na) != 0))
			return 1;
	} while (na);
	return 0;
}

static int
memory_differ(const struct host_context *a, const struct host_context *b)
{
	double x, y;

	if (!a->total_memory_kb.set || !b->total_memory_kb.set)
		return 0;
	x = (double)a->total_memory_kb.v;
	y = (double)b->total_memory_kb.v;
	return (x > y ? x - y : y - x) > PREFLIGHT_MEMORY_SLACK * (x > y ? x : y);
}

/* Both lists are sorted by name (host.h). */
static int
tunables_differ(const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0;

	while (i < a->ntunables && j < b->ntunables) {
		const struct host_str *na = &a->sched_tunables[i].name, *nb = &b->sched_tunables[j].name;
		size_t n = na->len < nb->len ? na->len : nb->len;
		int c = memcmp(na->s, nb->s, n);

		if (c == 0)
			c = (na->len > nb->len) - (na->len < nb->len);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			if (str_differ(&a->sched_tunables[i].value, &b->sched_tunables[j].value))
				return 1;
			i++;
			j++;
		}
	}
	return 0;
}

/* Both lists are sorted by CPU (host.h). */
static int
governors_differ(const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0;

	while (i < a->ngovernors && j < b->ngovernors) {
		uint64_t ca = a->cpufreq_governor[i].cpu, cb = b->cpufreq_governor[j].cpu;

		if (ca < cb) {
			i++;
		} else if (ca > cb) {
			j++;
		} else {
			if (str_differ(&a->cpufreq_governor[i].governor, &b->cpufreq_governor[j].governor))
				return 1;
			i++;
			j++;
		}
	}
	return 0;
}

size_t
host_preflight(struct buf *names, const struct host_context *a, const struct host_context *b)
{
	const struct {
		const char *name;
		int differ;
	} check[] = {
		{"cpu_model", str_differ(&a->cpu_model, &b->cpu_model)},
		{"online_cpus", a->online_cpus.set && b->online_cpus.set &&
		                    a->online_cpus.v != b->online_cpus.v},
		{"total_memory_kb", memory_differ(a, b)},
		{"kernel_cmdline", cmdline_differ(&a->kernel_cmdline, &b->kernel_cmdline)},
		{"sched_tunables", tunables_differ(a, b)},
		{"cpufreq_governor", governors_differ(a, b)},
		{"thp_enabled", str_differ(&a->thp_enabled, &b->thp_enabled)},
	};
	size_t i, n = 0;

	for (i = 0; i < LEN(check); i++)
		if (check[i].differ)
			buf_printf(names, "%s%s", n++ ? ", " : "", check[i].name);
	return n;
}
