/*
 * Pure tests of the workload library: aggregation with synthetic
 * reports, checks, the stats JSON, option and work-type parsing,
 * partitions, the topology label and scheduler name from fake sysfs
 * trees, the monitor summary and the report transport
 * (doc/workloads.md).  Nothing here forks a workload.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "sidecar/sidecar_schema.h"
#include "sidecar/sidecar_write.h"
#include "util/util.h"
#include "workload/wl_int.h"
#include "workload/workload.h"

static char tmpdir[64];

static void
put(const char *rel, const char *content)
{
	char *p = path_join(tmpdir, rel), *slash;
	FILE *f;

	for (slash = strchr(p + strlen(tmpdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	f = fopen(p, "w");
	if (f == NULL)
		die("cannot create '%s':", p);
	fputs(content, f);
	fclose(f);
	free(p);
}

static struct wl_report
rep(int tid, uint64_t wu, uint64_t wall, uint64_t off, uint64_t gap, uint64_t gapcpu)
{
	struct wl_report r;

	memset(&r, 0, sizeof r);
	r.tid = tid;
	r.work_units = wu;
	r.wall_time_ns = wall;
	r.off_cpu_ns = off;
	r.max_gap_ms = gap;
	r.max_gap_cpu = gapcpu;
	r.completed = wall > 0;
	return r;
}

static void
test_percentile(void)
{
	uint64_t s[101];

	for (int i = 0; i < 101; i++)
		s[i] = (uint64_t)i;
	is_int(wl_percentile(s, 0, 0.99), 0, "percentile of nothing is 0");
	is_int(wl_percentile(s, 1, 0.99), 0, "p99 of n=1 is s[0]");
	is_int(wl_percentile(s, 2, 0.99), 1, "p99 of n=2 is s[1]");
	is_int(wl_percentile(s, 2, 0.5), 0, "p50 of n=2 is s[0] (nearest rank)");
	is_int(wl_percentile(s, 100, 0.99), 98, "p99 of n=100 is s[98]");
	is_int(wl_percentile(s, 101, 0.99), 99, "p99 of n=101 is s[99]");
	is_int(wl_percentile(s, 100, 1.0), 99, "p100 clamps to the last");
	is_int(wl_percentile(s, 100, 0.0), 0, "p0 clamps to the first");
}

/* Member name of a group's statistics as a sidecar writes it (derived ones included). */
static double
member(const struct sidecar_cgroup *c, const char *name)
{
	return sidecar_member_value(sidecar_member(sidecar_type_cgroup, name, strlen(name)), c);
}

static void
test_cgroup_stats(void)
{
	struct wl_report r[3];
	struct sidecar_cgroup cg;
	uint64_t l0[] = {4000, 1000}, l1[] = {3000, 2000};
	int c0[] = {0, 2}, c1[] = {2, 3};

	/* off-CPU 25% and 50%; a sentinel (wall 0) is left out of P */
	r[0] = rep(10, 100, 1000, 250, 7, 1);
	r[1] = rep(11, 50, 2000, 1000, 9, 2);
	r[2] = rep(12, 0, 0, 0, 9, 5);
	r[0].iterations = 30;
	r[1].iterations = 10;
	r[0].migration_count = 2;
	r[1].migration_count = 1;
	r[0].resume_latencies_ns = l0;
	r[0].nlatencies = 2;
	r[1].resume_latencies_ns = l1;
	r[1].nlatencies = 2;
	r[0].cpus_used = c0;
	r[0].ncpus_used = 2;
	r[1].cpus_used = c1;
	r[1].ncpus_used = 2;
	r[0].schedstat_run_delay_ns = 3000;
	r[1].schedstat_run_delay_ns = 6000;
	wl_cgroup_stats(r, 3, "cg_0", &cg);
	is_int(cg.num_workers, 3, "num_workers counts the sentinel");
	is_int(cg.num_cpus, 3, "num_cpus is the union {0,2,3}");
	ok(cg.avg_off_cpu_pct == 37.5, "avg_off_cpu_pct 37.5 (sentinel excluded)");
	ok(cg.min_off_cpu_pct == 25.0 && cg.max_off_cpu_pct == 50.0, "min 25, max 50");
	ok(cg.spread == 25.0, "spread 25");
	is_int(cg.max_gap_ms, 9, "max_gap_ms 9");
	is_int(cg.max_gap_cpu, 5, "a gap tie resolves to the last report");
	is_int(cg.total_migrations, 3, "total_migrations");
	is_int(cg.total_iterations, 40, "total_iterations");
	ok(cg.migration_ratio == 3.0 / 40.0, "migration_ratio 3/40");
	/* pooled samples 1000 2000 3000 4000: p99 s[3], median s[2] */
	ok(cg.p99_wake_latency_us == 4.0, "p99 4.0 us");
	ok(cg.median_wake_latency_us == 3.0, "median is the upper middle s[n/2]: 3.0 us");
	ok(fabs(cg.wake_latency_cv - sqrt(1250000.0) / 2500.0) < 1e-15,
	   "cv is the population stddev over the mean");
	ok(member(&cg, "wake_latency_tail_ratio") == 4.0 / 3.0, "tail ratio p99/median");
	ok(cg.mean_run_delay_us == 3.0 && cg.worst_run_delay_us == 6.0,
	   "run delay mean over all reports 3.0, worst 6.0");
	ok(member(&cg, "iterations_per_worker") == 40.0 / 3.0, "iterations_per_worker 40/3");
	ok(cg.cpus_used.n == 3 && cg.cpus_used.v[0] == 0 && cg.cpus_used.v[2] == 3, "cpus_used {0,2,3}");
	ok(cg.wake_measured && cg.run_delay_measured && !cg.timer_measured, "what was measured");
	is_str(cg.cgroup_name, "cg_0", "the group's cgroup name");
	ok(cg.page_locality == 0.0 && cg.cross_node_migration_ratio == 0.0,
	   "NUMA fields stay 0.0 as upstream writes them");
	wl_cgroup_stats_free(&cg);

	/* one sample: cv 0; no samples: all latency values 0 */
	r[0].nlatencies = 1;
	wl_cgroup_stats(r, 1, "cg_0", &cg);
	ok(cg.wake_latency_cv == 0.0 && cg.p99_wake_latency_us == 4.0 &&
	   cg.median_wake_latency_us == 4.0, "one sample: cv 0, p99 = median = the sample");
	ok(member(&cg, "wake_latency_tail_ratio") == 1.0, "one sample: tail ratio 1");
	wl_cgroup_stats_free(&cg);
	r[2].max_gap_ms = 0;
	wl_cgroup_stats(&r[2], 1, "cg_0", &cg);
	ok(isnan(cg.spread) && isnan(cg.avg_off_cpu_pct) && cg.p99_wake_latency_us == 0.0 &&
	   cg.wake_latency_cv == 0.0 && cg.num_cpus == 0 && cg.migration_ratio == 0.0 &&
	   !cg.wake_measured,
	   "a lone sentinel: off-CPU shares none (written 0.0 where a generation needs a number), ratios 0");
	wl_cgroup_stats_free(&cg);
	wl_cgroup_stats(NULL, 0, "cg_0", &cg);
	ok(cg.num_workers == 0 && member(&cg, "iterations_per_worker") == 0.0 &&
	   cg.mean_run_delay_us == 0.0 && !cg.run_delay_measured, "no reports: zeros");
	wl_cgroup_stats_free(&cg);

	/* even sizes: [1,2,3,4,5,6] median is s[3] = 4 */
	{
		uint64_t six[] = {6000, 1000, 5000, 2000, 4000, 3000};
		struct wl_report one = rep(1, 1, 1, 0, 0, 0);
		one.resume_latencies_ns = six;
		one.nlatencies = 6;
		wl_cgroup_stats(&one, 1, "cg_0", &cg);
		ok(cg.median_wake_latency_us == 4.0, "median of 6 samples is sorted[3]");
		ok(cg.p99_wake_latency_us == 6.0, "p99 of 6 samples is sorted[5]");
		wl_cgroup_stats_free(&cg);
	}
}

static void
test_numa(void)
{
	struct wl_report r[3];
	struct wl_node_pages a[] = {{0, 60}, {1, 20}}, b[] = {{1, 20}};
	struct sidecar_cgroup cg;
	unsigned char expected[4] = {1, 0, 0, 0};

	memset(r, 0, sizeof r);
	r[0].numa_pages = a;
	r[0].nnuma = 2;
	r[0].vmstat_numa_pages_migrated = 5;
	r[1].numa_pages = b;
	r[1].nnuma = 1;
	r[1].vmstat_numa_pages_migrated = 3;
	r[2].vmstat_numa_pages_migrated = 100; /* no pages: left out */
	memset(&cg, 0, sizeof cg);
	wl_numa_stats(r, 3, expected, 4, &cg);
	ok(cg.page_locality == 0.6, "page_locality 60 local of 100 pages");
	ok(cg.cross_node_migration_ratio == 0.08, "cross-node ratio 8 migrated of 100 pages");
	wl_numa_stats(&r[2], 1, expected, 4, &cg);
	ok(cg.page_locality == 1.0 && cg.cross_node_migration_ratio == 0.0,
	   "no pages observed: locality 1.0, ratio 0.0");
}

static struct sidecar_cgroup
cgs(uint64_t gap, uint64_t gapcpu, double ipw, double loc, double spread)
{
	struct sidecar_cgroup c;

	memset(&c, 0, sizeof c);
	c.num_workers = 2;
	c.num_cpus = 2;
	c.max_gap_ms = gap;
	c.max_gap_cpu = gapcpu;
	c.total_iterations = (uint64_t)(ipw * 2); /* iterations_per_worker is derived */
	c.page_locality = loc;
	c.spread = spread;
	return c;
}

static void
test_fold(void)
{
	struct sidecar_stats s;
	struct sidecar_cgroup a = cgs(5, 1, 0.0, 0.5, 3.0), b = cgs(5, 7, 20.0, 0.0, 1.0),
	                       c = cgs(8, 3, 10.0, 0.9, 2.0), d = cgs(8, 9, 30.0, 0.2, 0.0);

	memset(&s, 0, sizeof s);
	sidecar_stats_add(&s, &a);
	sidecar_stats_add(&s, &b);
	is_int(s.worst_gap_ms, 5, "worst gap 5");
	is_int(s.worst_gap_cpu, 1, "an equal gap does not move worst_gap_cpu");
	sidecar_stats_add(&s, &c);
	sidecar_stats_add(&s, &d);
	is_int(s.worst_gap_ms, 8, "worst gap 8");
	is_int(s.worst_gap_cpu, 3, "worst_gap_cpu comes from the group that set the gap first");
	ok(s.worst_iterations_per_worker == 10.0, "iterations_per_worker: lowest non-zero");
	ok(s.worst_page_locality == 0.2, "page_locality: lowest non-zero");
	ok(s.worst_spread == 3.0, "worst_spread: max");
	is_int(s.total_workers, 8, "total_workers");
	is_int(s.total_cpus, 8, "total_cpus is not de-duplicated");
	is_int(s.total_iterations, 120, "total_iterations");
	is_int(s.cgroups.n, 4, "four cgroups");
	sidecar_stats_free(&s);
}

static void
test_checks(void)
{
	struct wl_report r[2];
	struct sidecar_cgroup cg;
	struct wl_checks dflt = {-1, -1, NULL}, c;
	struct wl_detail *d = NULL;
	size_t nd = 0;
	cpu_set_t iso;
	int cpus[] = {0, 3, 5};

	r[0] = rep(100, 0, 1000, 100, 2500, 3);
	r[0].max_gap_at_ms = 700;
	r[1] = rep(101, 5, 1000, 300, 10, 1);
	wl_cgroup_stats(r, 2, "cg_0", &cg);
	ok(!wl_check_group(r, 2, &cg, &dflt, &d, &nd), "starved + stuck + unfair fails");
	is_int(nd, 3, "three details");
	is_str(d[0].msg, "tid 100 starved (0 work units)", "starved message");
	is_str(wl_detail_kind_name(d[0].kind), "Starved", "kind Starved");
	is_str(d[1].msg, "unfair cgroup: spread=20% (10-30%) 2 workers on 0 cpus", "unfair message");
	is_str(wl_detail_kind_name(d[1].kind), "Unfair", "kind Unfair");
	is_str(d[2].msg, "stuck 2500ms on cpu3 at +700ms", "stuck message");
	is_str(wl_detail_kind_name(d[2].kind), "Stuck", "kind Stuck");
	wl_details_free(d, nd);
	d = NULL;
	nd = 0;

	c = dflt;
	c.max_spread_pct = 12.5;
	c.max_gap_ms = 5;
	r[0].work_units = 1;
	ok(!wl_check_group(r, 2, &cg, &c, &d, &nd), "thresholds: still failing");
	is_int(nd, 3, "unfair and two stuck details");
	is_str(d[0].msg,
	       "unfair cgroup: spread=20% (10-30%) 2 workers on 0 cpus (threshold 12.5%)",
	       "unfair with threshold");
	is_str(d[1].msg, "stuck 2500ms on cpu3 at +700ms (threshold 5ms)", "stuck with threshold");
	is_str(d[2].msg, "stuck 10ms on cpu1 at +0ms (threshold 5ms)", "second stuck");
	wl_details_free(d, nd);
	d = NULL;
	nd = 0;

	c.max_spread_pct = 20;
	c.max_gap_ms = 3000;
	ok(wl_check_group(r, 2, &cg, &c, &d, &nd), "relaxed thresholds pass");
	is_int(nd, 0, "no details");
	wl_cgroup_stats_free(&cg);

	/* a single worker is never unfair, even past the threshold */
	wl_cgroup_stats(r, 1, "cg_0", &cg);
	c.max_spread_pct = 0;
	ok(wl_check_group(r, 1, &cg, &c, &d, &nd), "one worker cannot be unfair");
	wl_cgroup_stats_free(&cg);

	CPU_ZERO(&iso);
	CPU_SET(0, &iso);
	CPU_SET(3, &iso);
	r[1].cpus_used = cpus;
	r[1].ncpus_used = 3;
	c = dflt;
	c.isolation = &iso;
	wl_cgroup_stats(r, 2, "cg_0", &cg);
	cg.spread = 0;
	ok(!wl_check_group(r, 2, &cg, &c, &d, &nd), "isolation failure");
	ok(nd == 2 && strcmp(d[1].msg, "tid 101 ran on unexpected CPUs {5}") == 0 &&
	   d[1].kind == WL_D_ISOLATION, "isolation message names the stray CPU");
	wl_details_free(d, nd);
	wl_cgroup_stats_free(&cg);
}

static void
test_parse_work(void)
{
	struct wl_work w;
	char err[256];
	size_t n;

	ok(wl_parse_work("SpinWait", &w, err, sizeof err) == 0 && w.type == WL_CPU_SPIN,
	   "SpinWait parses");
	ok(wl_parse_work("CpuSpin", &w, err, sizeof err) == 0 && w.type == WL_CPU_SPIN,
	   "and 0.4.9's name for it, CpuSpin");
	ok(wl_parse_work("Bursty:burst_ms=20,sleep_ms=10", &w, err, sizeof err) == 0 &&
	   w.type == WL_BURSTY && w.burst_ms == 20 && w.sleep_ms == 10, "Bursty with parameters");
	ok(wl_parse_work("FanOutCompute", &w, err, sizeof err) == 0 && w.fan_out == 4 &&
	   w.cache_footprint_kb == 256 && w.operations == 5 && w.sleep_usec == 100,
	   "FanOutCompute defaults");
	is_int(wl_group_size(&w), 5, "FanOutCompute group size fan_out+1");
	ok(wl_parse_work("PageFaultChurn", &w, err, sizeof err) == 0 && w.region_kb == 4096 &&
	   w.touches_per_cycle == 256 && w.spin_iters == 64, "PageFaultChurn defaults (spin_iters 64)");
	ok(wl_parse_work("MutexContention:contenders=3", &w, err, sizeof err) == 0 &&
	   wl_group_size(&w) == 3 && w.hold_iters == 256 && w.work_iters == 1024,
	   "MutexContention group size is contenders");
	ok(wl_parse_work("PipeIo", &w, err, sizeof err) == 0 && wl_group_size(&w) == 2,
	   "PipeIo pairs");
	ok(wl_parse_work("Sequence:spin=100ms,sleep=50ms,yield=20us,io=1s", &w, err, sizeof err) == 0 &&
	   w.nphases == 4 && w.phases[0].kind == WL_PHASE_SPIN && w.phases[0].ns == 100000000 &&
	   w.phases[2].kind == WL_PHASE_YIELD && w.phases[2].ns == 20000 &&
	   w.phases[3].ns == 1000000000, "Sequence phases in order with units");
	ok(wl_parse_work("Sequence:sleep=5", &w, err, sizeof err) == 0 && w.phases[0].ns == 5000000,
	   "a bare phase duration is milliseconds");

	ok(wl_parse_work("spinwait", &w, err, sizeof err) < 0, "names are case-sensitive");
	is_str(err, "unknown work type 'spinwait' (did you mean 'SpinWait'?)", "with a suggestion");
	ok(wl_parse_work("FutexPingPog", &w, err, sizeof err) < 0, "typo");
	is_str(err, "unknown work type 'FutexPingPog' (did you mean 'FutexPingPong'?)",
	       "edit-distance suggestion");
	ok(wl_parse_work("Bursty:burst=5", &w, err, sizeof err) < 0, "unknown parameter");
	is_str(err, "unknown Bursty parameter 'burst' (burst_ms, sleep_ms)", "lists the parameters");
	ok(wl_parse_work("SpinWait:x=1", &w, err, sizeof err) < 0, "no parameters");
	is_str(err, "work type SpinWait takes no parameters", "says so");
	ok(wl_parse_work("Bursty:burst_ms=-1", &w, err, sizeof err) < 0, "negative value");
	ok(wl_parse_work("Bursty:burst_ms", &w, err, sizeof err) < 0, "missing '='");
	ok(wl_parse_work("Sequence", &w, err, sizeof err) < 0, "Sequence needs phases");
	ok(wl_parse_work("Sequence:nap=1ms", &w, err, sizeof err) < 0, "unknown phase");
	ok(wl_parse_work("Sequence:spin=1h", &w, err, sizeof err) < 0, "unknown unit");
	ok(wl_parse_work("Custom", &w, err, sizeof err) < 0, "Custom cannot be named");
	ok(wl_parse_work("MutexContention:contenders=0", &w, err, sizeof err) < 0,
	   "a group of zero is refused");

	for (n = 0; wl_list_work_type(n); n++)
		;
	is_int(n, 18, "18 work types can be named alone");
	is_str(wl_list_work_type(0), "SpinWait", "first SpinWait");
	is_str(wl_list_work_type(11), "ForkExit", "Sequence is left out");
	is_str(wl_list_work_type(17), "MutexContention", "last MutexContention");
	is_int(wl_type_lookup("PolicyChurn"), WL_POLICY_CHURN, "lookup");
	is_int(wl_type_lookup("Nope"), -1, "lookup failure");
}

static void
test_options(void)
{
	struct wl_opts o;
	char err[256];

	wl_opts_init(&o);
	ok(o.duration_ms == 2000 && o.settle_ms == 500 && o.workers == 0 && o.max_gap_ms == -1 &&
	   o.max_spread_pct < 0 && o.cgroup_mode == WL_CG_AUTO, "the defaults of ktstr-test(1)");
	ok(wl_opt_set(&o, "duration", "1.5", err, sizeof err) == 0 && o.duration_ms == 1500,
	   "duration 1.5 s");
	ok(wl_opt_set(&o, "duration", "0.001", err, sizeof err) == 0 && o.duration_ms == 1,
	   "duration 1 ms");
	ok(wl_opt_set(&o, "duration", "0", err, sizeof err) < 0, "duration 0 refused");
	is_str(err, "invalid duration '0': want seconds between 0.001 and 86400", "message");
	ok(wl_opt_set(&o, "duration", "0.0001", err, sizeof err) < 0, "sub-millisecond refused");
	ok(wl_opt_set(&o, "duration", "1e3", err, sizeof err) < 0, "no exponents");
	ok(wl_opt_set(&o, "workers", "4097", err, sizeof err) < 0, "workers bounded");
	is_str(err, "invalid workers '4097': want an integer between 1 and 4096", "message");
	ok(wl_opt_set(&o, "workers", "3", err, sizeof err) == 0 && o.workers == 3, "workers 3");
	ok(wl_opt_set(&o, "cgroups", "0", err, sizeof err) < 0, "cgroups >= 1");
	ok(wl_opt_set(&o, "settle-ms", "0", err, sizeof err) == 0 && o.settle_ms == 0, "settle 0");
	ok(wl_opt_set(&o, "max-gap-ms", "250", err, sizeof err) == 0 && o.max_gap_ms == 250, "gap");
	ok(wl_opt_set(&o, "max-spread-pct", "12.5", err, sizeof err) == 0 &&
	   o.max_spread_pct == 12.5, "spread 12.5");
	ok(wl_opt_set(&o, "max-spread-pct", "101", err, sizeof err) < 0, "spread <= 100");
	ok(wl_opt_set(&o, "partition", "uneven:0.75", err, sizeof err) == 0 &&
	   o.partition.kind == WL_PART_UNEVEN && o.partition.frac == 0.75 && o.have_partition,
	   "partition uneven:0.75");
	ok(wl_opt_set(&o, "partition", "llc", err, sizeof err) == 0 && o.partition.kind == WL_PART_LLC,
	   "partition llc");
	ok(wl_opt_set(&o, "partition", "uneven:1", err, sizeof err) < 0, "fraction below 1");
	ok(wl_opt_set(&o, "partition", "split-half:0.5", err, sizeof err) < 0, "no fraction here");
	ok(wl_opt_set(&o, "policy", "fifo:50", err, sizeof err) == 0 && o.policy.kind == WL_POL_FIFO &&
	   o.policy.prio == 50, "policy fifo:50");
	ok(wl_opt_set(&o, "policy", "rr:100", err, sizeof err) < 0, "priority 1..99");
	ok(wl_opt_set(&o, "policy", "batch", err, sizeof err) == 0 && o.policy.kind == WL_POL_BATCH,
	   "policy batch");
	ok(wl_opt_set(&o, "cgroup-mode", "v1", err, sizeof err) == 0 && o.cgroup_mode == WL_CG_V1,
	   "cgroup-mode v1");
	ok(wl_opt_set(&o, "cgroup-mode", "v3", err, sizeof err) < 0, "cgroup-mode v3 refused");
	ok(wl_opt_set(&o, "work-type", "PipeIo:burst_iters=8", err, sizeof err) == 0 && o.have_work &&
	   o.work.burst_iters == 8, "work-type");
	ok(wl_opt_set(&o, "scenario", "cgroup_stedy", err, sizeof err) < 0, "unknown scenario");
	is_str(err, "unknown scenario 'cgroup_stedy' (did you mean 'cgroup_steady'?)", "suggestion");
	ok(wl_opt_set(&o, "scenario", "cgroup_cpuset_cross_llc_steady", err, sizeof err) == 0,
	   "cgroup_cpuset_cross_llc_steady is accepted as an alias");
	is_str(o.scenario, "cgroup_cpuset_crossllc_steady", "and becomes upstream's name");
	is_str(wl_list_scenario(0), "cgroup_steady", "catalog starts with cgroup_steady");
	is_str(wl_list_scenario(14), "sched_rr", "catalog order");
	is_str(wl_list_scenario(16), "custom", "custom last");
	ok(wl_list_scenario(17) == NULL, "17 scenarios");
	ok(wl_scenario_description("sched_fifo") != NULL, "descriptions");
}

static struct wl_topo
topo(size_t n, const long *llc)
{
	struct wl_topo t;

	memset(&t, 0, sizeof t);
	t.ncpus = n;
	t.cpu = ecalloc(n, sizeof *t.cpu);
	t.llc = ecalloc(n, sizeof *t.llc);
	t.node = ecalloc(n, sizeof *t.node);
	t.core = ecalloc(n, sizeof *t.core);
	for (size_t i = 0; i < n; i++) {
		t.cpu[i] = (int)i;
		t.llc[i] = llc ? llc[i] : 0;
		t.core[i] = (long)i;
	}
	t.nnodes = 1;
	return t;
}

static const char *
fmt(const cpu_set_t *s)
{
	static char out[4][64];
	static int k;
	struct buf b = BUF_INIT;

	k = (k + 1) % 4;
	wl_cpulist_format(s, &b);
	snprintf(out[k], sizeof out[k], "%s", b.s);
	buf_free(&b);
	return out[k];
}

static void
test_partitions(void)
{
	static const long llc8[] = {0, 0, 0, 0, 1, 1, 1, 1};
	struct wl_topo t2 = topo(2, NULL), t8 = topo(8, llc8);
	struct wl_partition p;
	cpu_set_t s[4], parsed;
	size_t n;

	p = (struct wl_partition){WL_PART_NONE, 0};
	is_int(wl_partition_sets(&p, &t8, 2, s), 0, "none: no cpusets");
	p = (struct wl_partition){WL_PART_SPLIT_HALF, 0};
	n = wl_partition_sets(&p, &t8, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0-2") == 0 && strcmp(fmt(&s[1]), "3-6") == 0,
	   "split-half of 8 keeps the last CPU back: 0-2 / 3-6");
	n = wl_partition_sets(&p, &t2, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0") == 0 && strcmp(fmt(&s[1]), "1") == 0,
	   "split-half of 2: 0 / 1");
	p = (struct wl_partition){WL_PART_SPLIT_MISALIGNED, 0};
	n = wl_partition_sets(&p, &t8, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0-1") == 0 && strcmp(fmt(&s[1]), "2-6") == 0,
	   "split-misaligned splits at half of LLC 0: 0-1 / 2-6");
	p = (struct wl_partition){WL_PART_UNEVEN, 0.75};
	n = wl_partition_sets(&p, &t8, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0-4") == 0 && strcmp(fmt(&s[1]), "5-6") == 0,
	   "uneven 0.75 of 7 usable: 0-4 / 5-6");
	p = (struct wl_partition){WL_PART_HOLDBACK, 0.33};
	n = wl_partition_sets(&p, &t8, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0-2") == 0 && strcmp(fmt(&s[1]), "3-5") == 0,
	   "holdback 0.33 of 8: keep 6: 0-2 / 3-5");
	n = wl_partition_sets(&p, &t2, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0") == 0 && strcmp(fmt(&s[1]), "1") == 0,
	   "holdback 0.33 of 2: 0 / 1");
	p = (struct wl_partition){WL_PART_OVERLAP, 0.5};
	n = wl_partition_sets(&p, &t8, 3, s);
	ok(n == 3 && strcmp(fmt(&s[0]), "0-1") == 0 && strcmp(fmt(&s[1]), "1-2") == 0 &&
	   strcmp(fmt(&s[2]), "2-3") == 0, "overlap 0.5 of 8 in 3: base 2, stride 1");
	n = wl_partition_sets(&p, &t2, 3, s);
	ok(n == 3 && strcmp(fmt(&s[0]), "0") == 0 && strcmp(fmt(&s[1]), "1") == 0 &&
	   strcmp(fmt(&s[2]), "0") == 0, "overlap of 2 CPUs in 3 wraps: 0 / 1 / 0");
	p = (struct wl_partition){WL_PART_LLC, 0};
	n = wl_partition_sets(&p, &t8, 2, s);
	ok(n == 2 && strcmp(fmt(&s[0]), "0-3") == 0 && strcmp(fmt(&s[1]), "4-6") == 0,
	   "llc: one set per LLC, the last loses the highest CPU");
	n = wl_partition_sets(&p, &t2, 2, s);
	ok(n == 1 && CPU_COUNT(&s[0]) == 0, "llc with one LLC: a single empty set (skip)");

	ok(wl_cpulist_parse("0-3,5,7-9\n", &parsed) == 0 && strcmp(fmt(&parsed), "0-3,5,7-9") == 0,
	   "cpulist round trip");
	ok(wl_cpulist_parse("3-1", &parsed) < 0 && wl_cpulist_parse("1,,2", &parsed) < 0 &&
	   wl_cpulist_parse("x", &parsed) < 0, "bad cpulists refused");
	wl_topo_free(&t2);
	wl_topo_free(&t8);
}

static void
test_topology(void)
{
	char *label;
	unsigned cpus;
	static const char *const cpu_llc[] = {"0", "0", "1", "1"};
	static const char *const cpu_core[] = {"0", "0", "1", "1"};

	/* 4 CPUs, 2 L3s, SMT-2 (CPUs 0+1 share core 0 of LLC 0, 2+3 core 1 of LLC 1), 2 nodes */
	put("sys/devices/system/cpu/online", "0-3\n");
	for (int c = 0; c < 4; c++) {
		char rel[128];
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/cache/index0/level", c);
		put(rel, "1\n");
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/cache/index0/id", c);
		put(rel, "9\n");
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/cache/index3/level", c);
		put(rel, "3\n");
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/cache/index3/id", c);
		put(rel, cpu_llc[c]);
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/topology/core_id", c);
		put(rel, cpu_core[c]);
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/node%d/x", c, c / 2);
		put(rel, "");
	}
	put("sys/devices/system/node/node0/x", "");
	put("sys/devices/system/node/node1/x", "");
	put("sys/devices/system/node/node2/x", ""); /* memory-only node */
	/* not nodes: out of range, signed, or past any integer */
	put("sys/devices/system/node/node1024/x", "");
	put("sys/devices/system/node/node+1/x", "");
	put("sys/devices/system/node/node99999999999999999999/x", "");
	{
		char *sys = path_join(tmpdir, "sys");
		label = wl_topology_label(sys, &cpus, 1);
		is_str(label, "3n2l1c2t", "label: 3 nodes (one memory-only), 2 LLCs, 1 core, SMT-2");
		is_int(cpus, 4, "4 online CPUs");
		free(label);
		/* CPU 3 offline: still a label, now heterogeneous */
		put("sys/devices/system/cpu/online", "0-2\n");
		label = wl_topology_label(sys, &cpus, 1);
		is_str(label, "3n2l1c2t", "partial SMT keeps the shape");
		is_int(cpus, 3, "3 online CPUs");
		free(label);
		free(sys);
	}
	/* no cache information: one synthetic LLC */
	put("nocache/devices/system/cpu/online", "0-1");
	put("nocache/devices/system/cpu/cpu0/x", "");
	put("nocache/devices/system/cpu/cpu1/x", "");
	{
		char *sys = path_join(tmpdir, "nocache");
		label = wl_topology_label(sys, &cpus, 1);
		is_str(label, "1n1l2c1t", "no cache, no topology: core ids from CPU numbers");
		free(label);
		free(sys);
	}
	label = wl_topology_label(NULL, &cpus, 1);
	ok(label != NULL && strchr(label, 'n') && cpus >= 1, "this host has a label (%s)", label);
	free(label);
}

static void
test_scheduler(void)
{
	char *scx = path_join(tmpdir, "scx"), *name;

	name = wl_scheduler_name(scx, 1);
	is_str(name, "eevdf", "no sched_ext directory: eevdf");
	free(name);
	put("scx/state", "disabled\n");
	name = wl_scheduler_name(scx, 1);
	is_str(name, "eevdf", "sched_ext disabled: eevdf");
	free(name);
	put("scx/state", "enabled\n");
	put("scx/root/ops", "rusty\n");
	put("scx/switch_all", "1\n");
	name = wl_scheduler_name(scx, 1);
	is_str(name, "rusty", "enabled, full mode: the ops name");
	free(name);
	put("scx/switch_all", "0\n");
	name = wl_scheduler_name(scx, 1);
	is_str(name, "eevdf", "partial mode is never labelled with the ops name");
	free(name);
	free(scx);
}

static void
test_monitor(void)
{
	char *scx = path_join(tmpdir, "mscx"), *dbg = path_join(tmpdir, "dbg");
	struct wl_mon *m;
	struct wl_monitor *s;
	struct wl_detail *d = NULL;
	size_t nd = 0;
	int failed = 0;

	ok(wl_mon_new(scx, dbg) == NULL, "nothing to sample: no monitor");
	put("mscx/root/events", "SCX_EV_SELECT_CPU_FALLBACK 10\nSCX_EV_DISPATCH_KEEP_LAST 5\n"
	                        "SCX_EV_ENQ_SLICE_DFL 7\n");
	put("dbg/sched/debug", "cpu#0, 2000.000 MHz\n  .nr_running                    : 3\n"
	                       "cfs_rq[0]:/\n  .nr_running                    : 9\n"
	                       "cpu#1, 2000.000 MHz\n  .nr_running                    : 1\n");
	m = wl_mon_new(scx, dbg);
	ok(m != NULL, "monitor with events and debugfs");
	wl_mon_sample(m, 1000000000);
	put("mscx/root/events", "SCX_EV_SELECT_CPU_FALLBACK 14\nSCX_EV_DISPATCH_KEEP_LAST 25\n"
	                        "SCX_EV_ENQ_SLICE_DFL 8\n");
	put("dbg/sched/debug", "cpu#0, 2000.000 MHz\n  .nr_running                    : 2\n"
	                       "cpu#1, 2000.000 MHz\n  .nr_running                    : 2\n");
	wl_mon_sample(m, 1500000000);
	s = wl_mon_finish(m, &failed, &d, &nd);
	is_int(s->summary.total_samples, 2, "two samples");
	ok(s->summary.max_imbalance_ratio == 3.0, "imbalance 3/1 from the rq lines only");
	ok(s->summary.avg_imbalance_ratio == 2.0, "average imbalance (3 + 1) / 2");
	ok(s->summary.avg_nr_running == 2.0, "average nr_running over 4 readings");
	ok(s->summary.event_deltas == &s->events && s->events.total_fallback == 4 &&
	   s->events.total_dispatch_keep_last == 20 && s->events.fallback_rate == 8.0 &&
	   s->events.keep_last_rate == 40.0 && s->events.max_fallback_burst == 4 &&
	   s->events.total_refill_slice_dfl == 1,
	   "event deltas, rates per second, pre-rename ENQ_SLICE_DFL");
	ok(s->summary.stuck_count == 0 && isnan(s->summary.avg_irq_util),
	   "no stuck samples; IRQ members none");
	ok(!failed && nd == 0, "two samples never fail the sustained thresholds");
	free(s);
	free(scx);
	free(dbg);
}

static void
test_transport(void)
{
	struct wl_report r, back;
	int cpus[] = {1, 4}, p[2];
	struct wl_migration mig[] = {{5, 1, 4}};
	uint64_t lat[] = {7, 8, 9};
	struct wl_node_pages numa[] = {{0, 100}, {1, 5}};
	struct buf b = BUF_INIT;

	memset(&r, 0, sizeof r);
	r.tid = 42;
	r.work_units = 1024;
	r.cpus_used = cpus;
	r.ncpus_used = 2;
	r.migrations = mig;
	r.nmigrations = 1;
	r.resume_latencies_ns = lat;
	r.nlatencies = 3;
	r.numa_pages = numa;
	r.nnuma = 2;
	r.completed = 1;
	if (pipe(p) < 0)
		die("pipe:");
	ok(wl_report_write(p[1], &r) == 0, "report written");
	close(p[1]);
	read_fd(p[0], &b, 0);
	close(p[0]);
	ok(wl_report_decode(b.s, b.len, &back) == 0, "report decoded");
	ok(back.tid == 42 && back.work_units == 1024 && back.ncpus_used == 2 &&
	   back.cpus_used[1] == 4 && back.nmigrations == 1 && back.migrations[0].to_cpu == 4 &&
	   back.nlatencies == 3 && back.resume_latencies_ns[2] == 9 && back.nnuma == 2 &&
	   back.numa_pages[0].pages == 100 && back.completed, "every field survives");
	wl_report_free(&back);
	ok(wl_report_decode(b.s, b.len - 1, &back) < 0, "a truncated record is refused");
	ok(wl_report_decode(b.s, 10, &back) < 0, "a short header is refused");
	buf_add(&b, "x", 1);
	ok(wl_report_decode(b.s, b.len, &back) < 0, "trailing bytes are refused");
	buf_free(&b);
}

int
main(void)
{
	setprogname("workload.t");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/wl-unit.%ld", (long)getpid());
	if (mkdir(tmpdir, 0755) < 0)
		die("cannot create '%s':", tmpdir);
	test_percentile();
	test_cgroup_stats();
	test_fold();
	test_numa();
	test_checks();
	test_parse_work();
	test_options();
	test_partitions();
	test_topology();
	test_scheduler();
	test_monitor();
	test_transport();
	{
		char *cmd = easprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			warning("cannot remove '%s'", tmpdir);
		free(cmd);
	}
	return done_testing();
}
