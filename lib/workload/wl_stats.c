/*
 * wl_stats: per-group aggregation (spec/workloads.md §4.1), the
 * scenario fold (§4.2), the worker checks (§5.2, §5.3 isolation) and
 * the JSON of sidecar.md §5.1–§5.2 and the monitor summary (§8).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void
wl_cgroup_stats(const struct wl_report *r, size_t n, struct wl_cgroup_stats *out)
{
	size_t npct = 0, nl = 0, ncpu = 0, k;
	double sum = 0, mn = 0, mx = 0;
	uint64_t *lat;
	int *cpus;

	memset(out, 0, sizeof *out);
	out->num_workers = n;
	for (size_t i = 0; i < n; i++) {
		nl += r[i].nlatencies;
		ncpu += r[i].ncpus_used;
	}

	cpus = ereallocarray(NULL, ncpu ? ncpu : 1, sizeof *cpus);
	k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < r[i].ncpus_used; j++)
			cpus[k++] = r[i].cpus_used[j];
	qsort(cpus, ncpu, sizeof *cpus, cmp_int);
	for (size_t i = 0; i < ncpu; i++)
		if (i == 0 || cpus[i] != cpus[i - 1])
			out->num_cpus++;
	free(cpus);

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
	if (npct > 0) {
		out->avg_off_cpu_pct = sum / (double)npct;
		out->min_off_cpu_pct = mn;
		out->max_off_cpu_pct = mx;
	}
	out->spread = out->max_off_cpu_pct - out->min_off_cpu_pct;

	for (size_t i = 0; i < n; i++) {
		/* ties resolve to the last report with the largest gap */
		if (i == 0 || r[i].max_gap_ms >= out->max_gap_ms) {
			out->max_gap_ms = r[i].max_gap_ms;
			out->max_gap_cpu = r[i].max_gap_cpu;
		}
		out->total_migrations += r[i].migration_count;
		out->total_iterations += r[i].iterations;
	}
	if (out->total_iterations > 0)
		out->migration_ratio = (double)out->total_migrations / (double)out->total_iterations;

	lat = ereallocarray(NULL, nl ? nl : 1, sizeof *lat);
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i].nlatencies)
			memcpy(lat + k, r[i].resume_latencies_ns, r[i].nlatencies * sizeof *lat);
		k += r[i].nlatencies;
	}
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

	if (n > 0) {
		double s = 0;
		for (size_t i = 0; i < n; i++) {
			double d = (double)r[i].schedstat_run_delay_ns / 1000.0;
			s += d;
			if (d > out->worst_run_delay_us)
				out->worst_run_delay_us = d;
		}
		out->mean_run_delay_us = s / (double)n;
		out->iterations_per_worker = (double)out->total_iterations / (double)n;
	}
	if (out->median_wake_latency_us > 0)
		out->wake_latency_tail_ratio = out->p99_wake_latency_us / out->median_wake_latency_us;
}

void
wl_numa_stats(const struct wl_report *r, size_t n, const unsigned char *expected, size_t nnodes,
              struct wl_cgroup_stats *cg)
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

/* The registry's higher-is-better names (stats.md / workloads.md §4.5). */
static int
higher_is_better(const char *name)
{
	static const char *const hb[] = {"total_iterations", "worst_iterations_per_worker",
	                                 "worst_page_locality"};

	for (size_t i = 0; i < LEN(hb); i++)
		if (strcmp(hb[i], name) == 0)
			return 1;
	return 0;
}

static void
merge_ext(struct wl_metric **ext, size_t *next, const struct wl_metric *add, size_t nadd)
{
	for (size_t a = 0; a < nadd; a++) {
		size_t i;
		int c = 1;
		if (!isfinite(add[a].value))
			continue;
		for (i = 0; i < *next && (c = strcmp((*ext)[i].name, add[a].name)) < 0; i++)
			;
		if (i < *next && c == 0) {
			double *v = &(*ext)[i].value;
			if (higher_is_better(add[a].name) ? add[a].value < *v : add[a].value > *v)
				*v = add[a].value;
			continue;
		}
		*ext = ereallocarray(*ext, *next + 1, sizeof **ext);
		memmove(*ext + i + 1, *ext + i, (*next - i) * sizeof **ext);
		(*ext)[i].name = estrdup(add[a].name);
		(*ext)[i].value = add[a].value;
		(*next)++;
	}
}

static void
lowest_nonzero(double *cur, double v)
{
	if (v > 0 && (*cur == 0 || v < *cur))
		*cur = v;
}

static void
maxd(double *cur, double v)
{
	if (v > *cur)
		*cur = v;
}

void
wl_stats_add(struct wl_stats *acc, const struct wl_cgroup_stats *cg)
{
	struct wl_cgroup_stats *c;

	acc->cgroups = ereallocarray(acc->cgroups, acc->ncgroups + 1, sizeof *acc->cgroups);
	c = &acc->cgroups[acc->ncgroups++];
	*c = *cg;
	c->ext = NULL;
	c->next = 0;
	merge_ext(&c->ext, &c->next, cg->ext, cg->next);

	acc->total_workers += cg->num_workers;
	acc->total_cpus += cg->num_cpus;
	acc->total_migrations += cg->total_migrations;
	maxd(&acc->worst_spread, cg->spread);
	if (cg->max_gap_ms > acc->worst_gap_ms) {
		acc->worst_gap_ms = cg->max_gap_ms;
		acc->worst_gap_cpu = cg->max_gap_cpu;
	}
	maxd(&acc->worst_migration_ratio, cg->migration_ratio);
	maxd(&acc->worst_p99_wake_latency_us, cg->p99_wake_latency_us);
	maxd(&acc->worst_median_wake_latency_us, cg->median_wake_latency_us);
	maxd(&acc->worst_wake_latency_cv, cg->wake_latency_cv);
	acc->total_iterations += cg->total_iterations;
	maxd(&acc->worst_mean_run_delay_us, cg->mean_run_delay_us);
	maxd(&acc->worst_run_delay_us, cg->worst_run_delay_us);
	lowest_nonzero(&acc->worst_page_locality, cg->page_locality);
	maxd(&acc->worst_cross_node_migration_ratio, cg->cross_node_migration_ratio);
	maxd(&acc->worst_wake_latency_tail_ratio, cg->wake_latency_tail_ratio);
	lowest_nonzero(&acc->worst_iterations_per_worker, cg->iterations_per_worker);
	merge_ext(&acc->ext, &acc->next, cg->ext, cg->next);
}

static void
free_ext(struct wl_metric *ext, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ext[i].name);
	free(ext);
}

void
wl_cgroup_stats_free(struct wl_cgroup_stats *cg)
{
	free_ext(cg->ext, cg->next);
	cg->ext = NULL;
	cg->next = 0;
}

void
wl_stats_free(struct wl_stats *s)
{
	for (size_t i = 0; i < s->ncgroups; i++)
		wl_cgroup_stats_free(&s->cgroups[i]);
	free(s->cgroups);
	free_ext(s->ext, s->next);
	memset(s, 0, sizeof *s);
}

/* ---- JSON ---- */

static void
kd(struct json_writer *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, isfinite(v) ? v : 0.0);
}

static void
ku(struct json_writer *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

static void
write_ext(struct json_writer *w, const struct wl_metric *ext, size_t n)
{
	size_t live = 0;

	for (size_t i = 0; i < n; i++)
		live += isfinite(ext[i].value) != 0;
	if (live == 0)
		return;
	jw_key(w, "ext_metrics");
	jw_object_begin(w);
	for (size_t i = 0; i < n; i++)
		if (isfinite(ext[i].value))
			kd(w, ext[i].name, ext[i].value);
	jw_object_end(w);
}

static void
write_cgroup(struct json_writer *w, const struct wl_cgroup_stats *c)
{
	jw_object_begin(w);
	ku(w, "num_workers", c->num_workers);
	ku(w, "num_cpus", c->num_cpus);
	kd(w, "avg_off_cpu_pct", c->avg_off_cpu_pct);
	kd(w, "min_off_cpu_pct", c->min_off_cpu_pct);
	kd(w, "max_off_cpu_pct", c->max_off_cpu_pct);
	kd(w, "spread", c->spread);
	ku(w, "max_gap_ms", c->max_gap_ms);
	ku(w, "max_gap_cpu", c->max_gap_cpu);
	ku(w, "total_migrations", c->total_migrations);
	kd(w, "migration_ratio", c->migration_ratio);
	kd(w, "p99_wake_latency_us", c->p99_wake_latency_us);
	kd(w, "median_wake_latency_us", c->median_wake_latency_us);
	kd(w, "wake_latency_cv", c->wake_latency_cv);
	ku(w, "total_iterations", c->total_iterations);
	kd(w, "mean_run_delay_us", c->mean_run_delay_us);
	kd(w, "worst_run_delay_us", c->worst_run_delay_us);
	kd(w, "page_locality", c->page_locality);
	kd(w, "cross_node_migration_ratio", c->cross_node_migration_ratio);
	kd(w, "wake_latency_tail_ratio", c->wake_latency_tail_ratio);
	kd(w, "iterations_per_worker", c->iterations_per_worker);
	write_ext(w, c->ext, c->next);
	jw_object_end(w);
}

void
wl_write_stats(struct json_writer *w, const struct wl_stats *s)
{
	jw_object_begin(w);
	jw_key(w, "cgroups");
	jw_array_begin(w);
	for (size_t i = 0; i < s->ncgroups; i++)
		write_cgroup(w, &s->cgroups[i]);
	jw_array_end(w);
	ku(w, "total_workers", s->total_workers);
	ku(w, "total_cpus", s->total_cpus);
	ku(w, "total_migrations", s->total_migrations);
	kd(w, "worst_spread", s->worst_spread);
	ku(w, "worst_gap_ms", s->worst_gap_ms);
	ku(w, "worst_gap_cpu", s->worst_gap_cpu);
	kd(w, "worst_migration_ratio", s->worst_migration_ratio);
	kd(w, "worst_p99_wake_latency_us", s->worst_p99_wake_latency_us);
	kd(w, "worst_median_wake_latency_us", s->worst_median_wake_latency_us);
	kd(w, "worst_wake_latency_cv", s->worst_wake_latency_cv);
	ku(w, "total_iterations", s->total_iterations);
	kd(w, "worst_mean_run_delay_us", s->worst_mean_run_delay_us);
	kd(w, "worst_run_delay_us", s->worst_run_delay_us);
	kd(w, "worst_page_locality", s->worst_page_locality);
	kd(w, "worst_cross_node_migration_ratio", s->worst_cross_node_migration_ratio);
	kd(w, "worst_wake_latency_tail_ratio", s->worst_wake_latency_tail_ratio);
	kd(w, "worst_iterations_per_worker", s->worst_iterations_per_worker);
	write_ext(w, s->ext, s->next);
	jw_object_end(w);
}

void
wl_write_monitor(struct json_writer *w, const struct wl_monitor *m)
{
	const struct wl_event_deltas *e;

	if (m == NULL) {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	ku(w, "total_samples", m->total_samples);
	kd(w, "max_imbalance_ratio", m->max_imbalance_ratio);
	ku(w, "max_local_dsq_depth", m->max_local_dsq_depth);
	jw_key(w, "stall_detected");
	jw_bool(w, m->stall_detected);
	kd(w, "avg_imbalance_ratio", m->avg_imbalance_ratio);
	kd(w, "avg_nr_running", m->avg_nr_running);
	kd(w, "avg_local_dsq_depth", m->avg_local_dsq_depth);
	if (m->have_events) {
		e = &m->ev;
		jw_key(w, "event_deltas");
		jw_object_begin(w);
		ku(w, "total_fallback", e->total_fallback);
		kd(w, "fallback_rate", e->fallback_rate);
		ku(w, "max_fallback_burst", e->max_fallback_burst);
		ku(w, "total_dispatch_offline", e->total_dispatch_offline);
		ku(w, "total_dispatch_keep_last", e->total_dispatch_keep_last);
		kd(w, "keep_last_rate", e->keep_last_rate);
		ku(w, "total_enq_skip_exiting", e->total_enq_skip_exiting);
		ku(w, "total_enq_skip_migration_disabled", e->total_enq_skip_migration_disabled);
		ku(w, "total_reenq_immed", e->total_reenq_immed);
		ku(w, "total_reenq_local_repeat", e->total_reenq_local_repeat);
		ku(w, "total_refill_slice_dfl", e->total_refill_slice_dfl);
		ku(w, "total_bypass_duration", e->total_bypass_duration);
		ku(w, "total_bypass_dispatch", e->total_bypass_dispatch);
		ku(w, "total_bypass_activate", e->total_bypass_activate);
		ku(w, "total_insert_not_owned", e->total_insert_not_owned);
		ku(w, "total_sub_bypass_dispatch", e->total_sub_bypass_dispatch);
		jw_object_end(w);
	}
	jw_object_end(w);
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
wl_check_group(const struct wl_report *r, size_t n, const struct wl_cgroup_stats *cg,
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

void
wl_write_result_stats(struct json_writer *w, const void *result)
{
	wl_write_stats(w, &((const struct wl_result *)result)->stats);
}

void
wl_write_result_monitor(struct json_writer *w, const void *result)
{
	wl_write_monitor(w, ((const struct wl_result *)result)->monitor);
}
