/*
 * wl_stats: a group's statistics from its workers' reports, the
 * scenario fold and the worker checks (doc/workloads.md).  The
 * statistics are the sidecar's own structs; sidecar/sidecar_write.h
 * writes them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "sidecar/sidecar_write.h"
#include "wl_int.h"

#define GAP_LIMIT_MS 2000
#define SPREAD_LIMIT 15.0

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

uint64_t
wl_percentile(const uint64_t *sorted, size_t n, double p)
{
	double idx;

	if (n == 0)
		return 0;
	idx = ceil((double)n * p) - 1.0;
	if (!(idx >= 0.0))
		idx = 0.0;
	if (idx > (double)(n - 1))
		idx = (double)(n - 1);
	return sorted[(size_t)idx];
}

/* The CPUs the group's workers ran on, ascending, each once. */
static void
cpus_used(const struct wl_report *r, size_t n, struct sidecar_u64v *set)
{
	size_t ncpu = 0, k = 0;
	int *cpus;

	for (size_t i = 0; i < n; i++)
		ncpu += r[i].ncpus_used;
	cpus = ereallocarray(NULL, ncpu ? ncpu : 1, sizeof *cpus);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < r[i].ncpus_used; j++)
			cpus[k++] = r[i].cpus_used[j];
	qsort(cpus, ncpu, sizeof *cpus, cmp_int);
	set->v = ereallocarray(NULL, ncpu ? ncpu : 1, sizeof *set->v);
	set->n = 0;
	for (size_t i = 0; i < ncpu; i++)
		if (i == 0 || cpus[i] != cpus[i - 1])
			set->v[set->n++] = (uint64_t)cpus[i];
	free(cpus);
}

/* Off-CPU shares over the workers that had wall time; none when no worker did. */
static void
off_cpu(const struct wl_report *r, size_t n, struct sidecar_cgroup *out)
{
	size_t npct = 0;
	double sum = 0, mn = 0, mx = 0;

	for (size_t i = 0; i < n; i++) {
		double pct;
		if (r[i].wall_time_ns == 0)
			continue;
		pct = (double)r[i].off_cpu_ns / (double)r[i].wall_time_ns * 100.0;
		sum += pct;
		if (npct == 0 || pct < mn)
			mn = pct;
		if (npct == 0 || pct > mx)
			mx = pct;
		npct++;
	}
	out->avg_off_cpu_pct = npct ? sum / (double)npct : NAN;
	out->min_off_cpu_pct = npct ? mn : NAN;
	out->max_off_cpu_pct = npct ? mx : NAN;
	out->spread = npct ? mx - mn : NAN;
}

static void
wake_latency(const struct wl_report *r, size_t n, struct sidecar_cgroup *out)
{
	size_t nl = 0, k = 0;
	uint64_t *lat;

	for (size_t i = 0; i < n; i++)
		nl += r[i].nlatencies;
	lat = ereallocarray(NULL, nl ? nl : 1, sizeof *lat);
	for (size_t i = 0; i < n; i++) {
		if (r[i].nlatencies)
			memcpy(lat + k, r[i].resume_latencies_ns, r[i].nlatencies * sizeof *lat);
		k += r[i].nlatencies;
	}
	out->wake_measured = nl > 0;
	if (nl > 0) {
		double mean = 0, var = 0;
		qsort(lat, nl, sizeof *lat, cmp_u64);
		out->p99_wake_latency_us = (double)wl_percentile(lat, nl, 0.99) / 1000.0;
		out->median_wake_latency_us = (double)lat[nl / 2] / 1000.0;
		for (size_t i = 0; i < nl; i++)
			mean += (double)lat[i];
		mean /= (double)nl;
		for (size_t i = 0; i < nl; i++)
			var += ((double)lat[i] - mean) * ((double)lat[i] - mean);
		var /= (double)nl;
		if (mean > 0)
			out->wake_latency_cv = sqrt(var) / mean;
	}
	free(lat);
}

void
wl_cgroup_stats(const struct wl_report *r, size_t n, const char *name, struct sidecar_cgroup *out)
{
	sidecar_clear(sidecar_type_cgroup, out);
	out->cgroup_name = estrdup(name);
	out->num_workers = n;
	cpus_used(r, n, &out->cpus_used);
	out->num_cpus = out->cpus_used.n;
	off_cpu(r, n, out);
	for (size_t i = 0; i < n; i++) {
		/* ties resolve to the last report with the largest gap */
		if (i == 0 || r[i].max_gap_ms >= out->max_gap_ms) {
			out->max_gap_ms = r[i].max_gap_ms;
			out->max_gap_cpu = r[i].max_gap_cpu;
		}
		out->total_migrations += r[i].migration_count;
		out->total_iterations += r[i].iterations;
		out->total_cpu_time_ns += r[i].schedstat_cpu_time_ns;
	}
	if (out->total_iterations > 0)
		out->migration_ratio = (double)out->total_migrations / (double)out->total_iterations;
	wake_latency(r, n, out);
	if (n > 0) {
		double s = 0;
		for (size_t i = 0; i < n; i++) {
			double d = (double)r[i].schedstat_run_delay_ns / 1000.0;
			s += d;
			if (d > out->worst_run_delay_us)
				out->worst_run_delay_us = d;
		}
		out->mean_run_delay_us = s / (double)n;
	}
	out->run_delay_measured = n > 0;
}

void
wl_numa_stats(const struct wl_report *r, size_t n, const unsigned char *expected, size_t nnodes,
              struct sidecar_cgroup *cg)
{
	uint64_t local = 0, total = 0, migrated = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].nnuma == 0)
			continue;
		for (size_t j = 0; j < r[i].nnuma; j++) {
			const struct wl_node_pages *p = &r[i].numa_pages[j];
			total += p->pages;
			if (p->node >= 0 && (size_t)p->node < nnodes && expected[p->node])
				local += p->pages;
		}
		migrated += r[i].vmstat_numa_pages_migrated;
	}
	cg->page_locality = total ? (double)local / (double)total : 1.0;
	cg->cross_node_migration_ratio = total ? (double)migrated / (double)total : 0.0;
}

void
wl_cgroup_stats_free(struct sidecar_cgroup *cg)
{
	free((char *)cg->cgroup_name); /* wl_cgroup_stats' copy */
	free(cg->cpus_used.v);
	sidecar_ext_free(&cg->ext_metrics);
	memset(cg, 0, sizeof *cg);
}

/* ---- checks ---- */

const char *
wl_detail_kind_name(enum wl_detail_kind k)
{
	static const char *const names[] = {
		[WL_D_STARVED] = "Starved",
		[WL_D_STUCK] = "Stuck",
		[WL_D_UNFAIR] = "Unfair",
		[WL_D_ISOLATION] = "Isolation",
		[WL_D_BENCHMARK] = "Benchmark",
		[WL_D_MIGRATION] = "Migration",
		[WL_D_PAGE_LOCALITY] = "PageLocality",
		[WL_D_CROSS_NODE_MIGRATION] = "CrossNodeMigration",
		[WL_D_SLOW_TIER] = "SlowTier",
		[WL_D_MONITOR] = "Monitor",
		[WL_D_SCHEDULER_DIED] = "SchedulerDied",
		[WL_D_SKIP] = "Skip",
		[WL_D_OTHER] = "Other",
	};

	return (unsigned)k < LEN(names) ? names[k] : "Other";
}

void
wl_detail_add(struct wl_detail **d, size_t *nd, enum wl_detail_kind k, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*d = ereallocarray(*d, *nd + 1, sizeof **d);
	(*d)[*nd].kind = k;
	(*d)[*nd].msg = buf_detach(&b);
	(*nd)++;
}

void
wl_details_free(struct wl_detail *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].msg);
	free(d);
}

/* A threshold as Rust's Display prints an f64: "15", "12.5". */
static void
fmt_threshold(double v, char *dst)
{
	size_t n = json_format_double(v, dst);

	if (n >= 2 && strcmp(dst + n - 2, ".0") == 0)
		dst[n - 2] = '\0';
}

int
wl_check_group(const struct wl_report *r, size_t n, const struct sidecar_cgroup *cg,
               const struct wl_checks *c, struct wl_detail **d, size_t *nd)
{
	size_t before = *nd, npct = 0;

	for (size_t i = 0; i < n; i++)
		npct += r[i].wall_time_ns > 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].work_units == 0)
			wl_detail_add(d, nd, WL_D_STARVED, "tid %d starved (0 work units)", (int)r[i].tid);
	if (c->max_spread_pct < 0) {
		if (cg->spread > SPREAD_LIMIT && npct >= 2)
			wl_detail_add(d, nd, WL_D_UNFAIR,
			              "unfair cgroup: spread=%.0f%% (%.0f-%.0f%%) %llu workers on %llu cpus",
			              cg->spread, cg->min_off_cpu_pct, cg->max_off_cpu_pct,
			              (unsigned long long)cg->num_workers, (unsigned long long)cg->num_cpus);
	} else if (cg->spread > c->max_spread_pct && cg->num_workers >= 2) {
		char t[32];
		fmt_threshold(c->max_spread_pct, t);
		wl_detail_add(d, nd, WL_D_UNFAIR,
		              "unfair cgroup: spread=%.0f%% (%.0f-%.0f%%) %llu workers on %llu cpus "
		              "(threshold %s%%)",
		              cg->spread, cg->min_off_cpu_pct, cg->max_off_cpu_pct,
		              (unsigned long long)cg->num_workers, (unsigned long long)cg->num_cpus, t);
	}
	for (size_t i = 0; i < n; i++) {
		unsigned long long g = r[i].max_gap_ms, cpu = r[i].max_gap_cpu, at = r[i].max_gap_at_ms;
		if (c->max_gap_ms < 0 && g > GAP_LIMIT_MS)
			wl_detail_add(d, nd, WL_D_STUCK, "stuck %llums on cpu%llu at +%llums", g, cpu, at);
		else if (c->max_gap_ms >= 0 && g > (uint64_t)c->max_gap_ms)
			wl_detail_add(d, nd, WL_D_STUCK,
			              "stuck %llums on cpu%llu at +%llums (threshold %lldms)", g, cpu, at,
			              (long long)c->max_gap_ms);
	}
	if (c->isolation) {
		for (size_t i = 0; i < n; i++) {
			struct buf b = BUF_INIT;
			for (size_t j = 0; j < r[i].ncpus_used; j++) {
				int cpu = r[i].cpus_used[j];
				if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, c->isolation))
					continue;
				buf_printf(&b, "%s%d", b.len ? ", " : "", cpu);
			}
			if (b.len)
				wl_detail_add(d, nd, WL_D_ISOLATION, "tid %d ran on unexpected CPUs {%s}",
				              (int)r[i].tid, b.s);
			buf_free(&b);
		}
	}
	return *nd == before;
}
