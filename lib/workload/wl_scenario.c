/*
 * wl_scenario: the options of `ktstr-test --scenario`, the scenario
 * catalog and the cpuset partitions (doc/workloads.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wl_int.h"

static const struct wl_scenario catalog[] = {
	{"cgroup_steady", "2 cgroups, no cpusets, equal load", 2, {WL_PART_NONE, 0},
	 WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_cpuset_llc_steady", "2 cgroups, LLC-aligned cpusets, equal load", 2,
	 {WL_PART_LLC, 0}, WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_cpuset_crossllc_steady", "2 cgroups, cpusets spanning the LLC boundary", 2,
	 {WL_PART_SPLIT_MISALIGNED, 0}, WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_cpuset_overlap_steady", "3 cgroups, 50% overlapping cpusets", 3,
	 {WL_PART_OVERLAP, 0.5}, WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_partial_cpus_steady", "2 cgroups, 1/3 of the CPUs unused", 2,
	 {WL_PART_HOLDBACK, 0.33}, WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_uneven_steady", "2 cgroups, 75/25 CPU split", 2, {WL_PART_UNEVEN, 0.75},
	 WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_oversubscribed", "2 cgroups, 32 mixed workers each, far more than CPUs", 2,
	 {WL_PART_NONE, 0}, WL_MIXED, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 32, 0},
	{"cgroup_affinity_inherit", "no explicit affinity, mixed workload", 2, {WL_PART_NONE, 0},
	 WL_MIXED, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
	{"cgroup_affinity_random", "random CPU subset per worker", 2, {WL_PART_SPLIT_HALF, 0},
	 WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_RANDOM_SUBSET, 0, 0},
	{"cgroup_affinity_spanning", "affinity mask covers all CPUs", 2, {WL_PART_SPLIT_HALF, 0},
	 WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_CROSS_CGROUP, 0, 0},
	{"cgroup_affinity_pinned", "one CPU per worker", 2, {WL_PART_SPLIT_HALF, 0}, WL_CPU_SPIN,
	 {WL_POL_NORMAL, 0}, WL_AFF_SINGLE_CPU, 0, 0},
	{"sched_batch", "SCHED_BATCH workers", 2, {WL_PART_NONE, 0}, WL_CPU_SPIN,
	 {WL_POL_BATCH, 0}, WL_AFF_INHERIT, 0, 0},
	{"sched_idle", "SCHED_IDLE workers", 2, {WL_PART_NONE, 0}, WL_CPU_SPIN, {WL_POL_IDLE, 0},
	 WL_AFF_INHERIT, 0, 0},
	{"sched_fifo", "one SCHED_FIFO Bursty{500,250} worker per cgroup", 2, {WL_PART_NONE, 0},
	 WL_BURSTY, {WL_POL_FIFO, 1}, WL_AFF_INHERIT, 1, 0},
	{"sched_rr", "two SCHED_RR Bursty{500,250} workers per cgroup", 2, {WL_PART_NONE, 0},
	 WL_BURSTY, {WL_POL_RR, 1}, WL_AFF_INHERIT, 2, 0},
	{"steady", "cgroup_steady without the settle pause (the ops path)", 2, {WL_PART_NONE, 0},
	 WL_CPU_SPIN, {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 1},
	{"custom", "--cgroups K groups of --work-type", 0, {WL_PART_NONE, 0}, WL_CPU_SPIN,
	 {WL_POL_NORMAL, 0}, WL_AFF_INHERIT, 0, 0},
};

/* Other spellings: the spec's name for upstream's cgroup_cpuset_crossllc_steady. */
static const struct {
	const char *alias, *name;
} aliases[] = {{"cgroup_cpuset_cross_llc_steady", "cgroup_cpuset_crossllc_steady"}};

const struct wl_scenario *
wl_scenario_find(const char *name)
{
	for (size_t i = 0; i < LEN(aliases); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			name = aliases[i].name;
	for (size_t i = 0; i < LEN(catalog); i++)
		if (strcmp(catalog[i].name, name) == 0)
			return &catalog[i];
	return NULL;
}

const char *
wl_list_scenario(size_t i)
{
	return i < LEN(catalog) ? catalog[i].name : NULL;
}

const char *
wl_scenario_description(const char *name)
{
	const struct wl_scenario *s = wl_scenario_find(name);

	return s ? s->desc : NULL;
}

int
wl_scenario_exists(const char *name)
{
	return wl_scenario_find(name) != NULL;
}

const char *
wl_suggest_scenario(const char *name)
{
	const char *best = NULL, *n;
	size_t bestd = (size_t)-1, limit = strlen(name) / 3;

	if (limit < 3)
		limit = 3;
	for (size_t i = 0; (n = wl_list_scenario(i)) != NULL; i++) {
		size_t d = edit_distance(name, n);
		if (d <= limit && d < bestd) {
			bestd = d;
			best = n;
		}
	}
	return best;
}

/* ---- options ---- */

void
wl_opts_init(struct wl_opts *o)
{
	memset(o, 0, sizeof *o);
	o->scenario = "cgroup_steady";
	wl_work_init(&o->work, WL_CPU_SPIN);
	o->duration_ms = 2000;
	o->settle_ms = 500;
	o->partition.kind = WL_PART_NONE;
	o->policy.kind = WL_POL_NORMAL;
	o->max_gap_ms = -1;
	o->max_spread_pct = -1;
	o->cgroup_mode = WL_CG_AUTO;
}

/*
 * A non-negative decimal with at most `scale` fraction digits, as an
 * integer in units of 10^-scale ("1.5", scale 3 -> 1500).
 */
static int
parse_fixed(const char *s, int scale, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int frac = -1;

	if (*s == '\0' || *s == '.')
		return -1;
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || frac >= scale)
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (frac >= 0)
			frac++;
	}
	if (frac == 0)
		return -1; /* "3." */
	for (int i = frac < 0 ? 0 : frac; i < scale; i++) {
		if (v > UINT64_MAX / 10)
			return -1;
		v *= 10;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_frac(const char *s, double *f)
{
	uint64_t v;

	/* a fraction strictly between 0 and 1, up to 6 decimals */
	if (parse_fixed(s, 6, 1000000, &v) < 0 || v == 0 || v >= 1000000)
		return -1;
	*f = (double)v / 1e6;
	return 0;
}

static int
parse_partition(const char *s, struct wl_partition *p)
{
	static const struct {
		const char *name;
		enum wl_partition_kind kind;
		int frac;
	} kinds[] = {
		{"none", WL_PART_NONE, 0},          {"split-half", WL_PART_SPLIT_HALF, 0},
		{"split-misaligned", WL_PART_SPLIT_MISALIGNED, 0},
		{"uneven", WL_PART_UNEVEN, 1},      {"holdback", WL_PART_HOLDBACK, 1},
		{"overlap", WL_PART_OVERLAP, 1},    {"llc", WL_PART_LLC, 0},
	};
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	for (size_t i = 0; i < LEN(kinds); i++) {
		if (strlen(kinds[i].name) != n || strncmp(kinds[i].name, s, n) != 0)
			continue;
		if (kinds[i].frac != (colon != NULL))
			return -1;
		p->kind = kinds[i].kind;
		p->frac = 0;
		return colon ? parse_frac(colon + 1, &p->frac) : 0;
	}
	return -1;
}

static int
parse_policy(const char *s, struct wl_policy *p)
{
	int64_t prio;

	if (strcmp(s, "normal") == 0)
		*p = (struct wl_policy){WL_POL_NORMAL, 0};
	else if (strcmp(s, "batch") == 0)
		*p = (struct wl_policy){WL_POL_BATCH, 0};
	else if (strcmp(s, "idle") == 0)
		*p = (struct wl_policy){WL_POL_IDLE, 0};
	else if ((strncmp(s, "fifo:", 5) == 0 || strncmp(s, "rr:", 3) == 0) &&
	         parse_i64(strchr(s, ':') + 1, 1, 99, &prio) == 0)
		*p = (struct wl_policy){s[0] == 'f' ? WL_POL_FIFO : WL_POL_RR, (int)prio};
	else
		return -1;
	return 0;
}

static int
set_scenario(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	const struct wl_scenario *sc = wl_scenario_find(arg);
	const char *sug;

	if (sc) {
		o->scenario = sc->name; /* an alias becomes the catalog's name */
		return 0;
	}
	sug = wl_suggest_scenario(arg);
	if (sug)
		wl_errf(err, errlen, "unknown scenario '%s' (did you mean '%s'?)", arg, sug);
	else
		wl_errf(err, errlen, "unknown scenario '%s' (see --list-scenarios)", arg);
	return -1;
}

static int
set_work_type(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	struct wl_work w;

	if (wl_parse_work(arg, &w, err, errlen) < 0)
		return -1;
	o->work = w;
	o->have_work = 1;
	return 0;
}

static int
set_duration(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_fixed(arg, 3, 86400000, &v) < 0 || v == 0) {
		wl_errf(err, errlen, "invalid duration '%s': want seconds between 0.001 and 86400", arg);
		return -1;
	}
	o->duration_ms = v;
	return 0;
}

/* --workers, --cgroups, --settle-ms, --max-gap-ms: an integer in a range. */
static int
set_count(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		int64_t min, max;
	} range[] = {
		{"workers", 1, 4096},
		{"cgroups", 1, 64},
		{"settle-ms", 0, 60000},
		{"max-gap-ms", 0, 86400000},
	};
	size_t k = 0;
	int64_t i;

	while (strcmp(range[k].name, name) != 0)
		k++;
	if (parse_i64(arg, range[k].min, range[k].max, &i) < 0) {
		wl_errf(err, errlen, "invalid %s '%s': want an integer between %lld and %lld", name, arg,
		        (long long)range[k].min, (long long)range[k].max);
		return -1;
	}
	switch (k) {
	case 0:
		o->workers = (unsigned)i;
		break;
	case 1:
		o->cgroups = (unsigned)i;
		break;
	case 2:
		o->settle_ms = (uint64_t)i;
		break;
	default:
		o->max_gap_ms = i;
	}
	return 0;
}

static int
set_max_spread(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_fixed(arg, 6, 100000000, &v) < 0) {
		wl_errf(err, errlen, "invalid max-spread-pct '%s': want a number between 0 and 100", arg);
		return -1;
	}
	o->max_spread_pct = (double)v / 1e6;
	return 0;
}

static int
set_partition(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	if (parse_partition(arg, &o->partition) < 0) {
		wl_errf(err, errlen, "invalid partition '%s': want none, split-half, "
		     "split-misaligned, uneven:F, holdback:F, overlap:F or llc (0 < F < 1)", arg);
		return -1;
	}
	o->have_partition = 1;
	return 0;
}

static int
set_policy(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	if (parse_policy(arg, &o->policy) < 0) {
		wl_errf(err, errlen, "invalid policy '%s': want normal, batch, idle, fifo:P or rr:P "
		     "(P 1..99)", arg);
		return -1;
	}
	o->have_policy = 1;
	return 0;
}

static int
set_cgroup_mode(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	static const char *const modes[] = {"auto", "v2", "v1", "none"};

	for (size_t k = 0; k < LEN(modes); k++)
		if (strcmp(modes[k], arg) == 0) {
			o->cgroup_mode = (enum wl_cgroup_mode)k;
			return 0;
		}
	wl_errf(err, errlen, "invalid cgroup-mode '%s': want auto, v2, v1 or none", arg);
	return -1;
}

/* The options, as the command line names them. */
static const struct {
	const char *name;
	int (*set)(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen);
} wl_options[] = {
	{"scenario", set_scenario},
	{"work-type", set_work_type},
	{"duration", set_duration},
	{"workers", set_count},
	{"cgroups", set_count},
	{"settle-ms", set_count},
	{"max-gap-ms", set_count},
	{"max-spread-pct", set_max_spread},
	{"partition", set_partition},
	{"policy", set_policy},
	{"cgroup-mode", set_cgroup_mode},
};

int
wl_opt_set(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen)
{
	for (size_t k = 0; k < LEN(wl_options); k++)
		if (strcmp(wl_options[k].name, name) == 0)
			return wl_options[k].set(o, name, arg, err, errlen);
	wl_errf(err, errlen, "unknown workload option '%s'", name);
	return -1;
}

void
wl_progress_tty(void *arg, const struct wl_progress *p)
{
	static int tty = -1;

	(void)arg;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	if (p->done)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[K[%.1f/%.1fs] %s: %u/%u workers alive, %llu iterations",
		        (double)p->elapsed_ms / 1000.0, (double)p->duration_ms / 1000.0, p->scenario,
		        p->workers_alive, p->workers_total, (unsigned long long)p->iterations);
	fflush(stderr);
}

/* ---- partitions ---- */

static void
set_range(cpu_set_t *s, const int *cpus, size_t from, size_t to)
{
	CPU_ZERO(s);
	for (size_t i = from; i < to; i++)
		CPU_SET(cpus[i], s);
}

size_t
wl_partition_sets(const struct wl_partition *p, const struct wl_topo *t, size_t k,
                  cpu_set_t *sets)
{
	const int *all = t->cpu;
	size_t nall = t->ncpus, nusable = nall > 2 ? nall - 1 : nall, split = 0;

	switch (p->kind) {
	case WL_PART_NONE:
		return 0;
	case WL_PART_SPLIT_HALF:
		split = nusable / 2;
		break;
	case WL_PART_SPLIT_MISALIGNED: {
		long *llcs;
		size_t nllc = wl_topo_llcs(t, &llcs), in0 = 0;
		for (size_t i = 0; i < nall; i++)
			in0 += t->llc[i] == llcs[0];
		split = nllc >= 2 ? in0 / 2 : nusable / 2;
		free(llcs);
		break;
	}
	case WL_PART_UNEVEN:
		split = (size_t)floor((double)nusable * p->frac);
		if (split < 1)
			split = 1;
		if (split > nusable)
			split = nusable;
		break;
	case WL_PART_HOLDBACK: {
		size_t keep = nall - (size_t)floor((double)nall * p->frac), mid = keep / 2;
		if (mid < 1)
			mid = 1;
		if (mid > keep)
			mid = keep;
		set_range(&sets[0], all, 0, mid);
		set_range(&sets[1], all, mid, keep);
		return 2;
	}
	case WL_PART_OVERLAP: {
		size_t base = nall / k, overlap = (size_t)ceil((double)base * p->frac), stride;
		stride = base > overlap ? base - overlap : 1;
		for (size_t i = 0; i < k; i++) {
			size_t len = base ? base : 1, start = (i * stride) % nall;
			CPU_ZERO(&sets[i]);
			for (size_t j = 0; j < len; j++)
				CPU_SET(all[(start + j) % nall], &sets[i]);
		}
		return k;
	}
	case WL_PART_LLC: {
		long *llcs;
		size_t nllc = wl_topo_llcs(t, &llcs), n = 0;
		if (nllc < 2) {
			free(llcs);
			CPU_ZERO(&sets[0]);
			return 1;
		}
		for (size_t l = 0; l < nllc && n < k; l++, n++) {
			CPU_ZERO(&sets[n]);
			for (size_t i = 0; i < nall; i++)
				if (t->llc[i] == llcs[l])
					CPU_SET(all[i], &sets[n]);
		}
		free(llcs);
		if (n > 0 && CPU_COUNT(&sets[n - 1]) > 1)
			CPU_CLR(all[nall - 1], &sets[n - 1]);
		return n;
	}
	}
	if (split > nusable)
		split = nusable;
	set_range(&sets[0], all, 0, split);
	set_range(&sets[1], all, split, nusable);
	return 2;
}
