/*
 * compare_registry: the metric registries of 0.4.9, 0.5.2 and the newest
 * upstream (ktstr-compare(1), Metrics).  Order is observable: it is
 * --list-metrics' order and the order of a test's findings.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compare_metrics.h"

#define POL_LOWER LOWER_BETTER
#define POL_HIGHER HIGHER_BETTER
#define POL_INFO INFORMATIONAL

/* 0.4.9: no kinds; metric i reads field i. */
#define G0(i, name, pol, abs, rel, unit, column, flags) \
	[i] = {name, POL_##pol, KIND_NONE, {NULL, NULL}, abs, rel, unit, column, i, flags}

const struct metric compare_metrics[NMETRICS] = {
	G0(M_SPREAD, "worst_spread", LOWER, 5.0, 0.25, "%", "spread", 0),
	G0(M_GAP_MS, "worst_gap_ms", LOWER, 500.0, 0.50, "ms", "gap_ms", METRIC_INTEGER),
	G0(M_MIGRATIONS, "total_migrations", LOWER, 10.0, 0.30, "", "migrations", METRIC_INTEGER),
	G0(M_MIGRATION_RATIO, "worst_migration_ratio", LOWER, 0.05, 0.20, "", "migration_ratio", 0),
	G0(M_IMBALANCE, "max_imbalance_ratio", LOWER, 1.0, 0.25, "x", "imbalance", 0),
	G0(M_DSQ_DEPTH, "max_dsq_depth", LOWER, 10.0, 0.50, "", "dsq_depth", METRIC_INTEGER),
	G0(M_STALLS, "stall_count", LOWER, 1.0, 0.50, "", "stalls", METRIC_INTEGER),
	G0(M_FALLBACK, "total_fallback", LOWER, 5.0, 0.30, "", "fallback", METRIC_INTEGER),
	G0(M_KEEP_LAST, "total_keep_last", LOWER, 5.0, 0.30, "", "keep_last", METRIC_INTEGER),
	G0(M_P99_WAKE, "worst_p99_wake_latency_us", LOWER, 50.0, 0.25, "\u00b5s",
	   "worst_p99_wake_latency_us", 0),
	G0(M_MEDIAN_WAKE, "worst_median_wake_latency_us", LOWER, 20.0, 0.25, "\u00b5s",
	   "worst_median_wake_latency_us", 0),
	G0(M_WAKE_CV, "worst_wake_latency_cv", LOWER, 0.10, 0.25, "", "worst_wake_latency_cv", 0),
	G0(M_ITERATIONS, "total_iterations", HIGHER, 100.0, 0.10, "", "total_iterations",
	   METRIC_INTEGER),
	G0(M_MEAN_RUN_DELAY, "worst_mean_run_delay_us", LOWER, 50.0, 0.25, "\u00b5s",
	   "worst_mean_run_delay_us", 0),
	G0(M_RUN_DELAY, "worst_run_delay_us", LOWER, 100.0, 0.50, "\u00b5s", "worst_run_delay_us", 0),
	G0(M_TAIL_RATIO, "worst_wake_latency_tail_ratio", LOWER, 0.5, 0.25, "x",
	   "worst_wake_latency_tail_ratio", 0),
	G0(M_ITER_PER_WORKER, "worst_iterations_per_worker", HIGHER, 10.0, 0.10, "",
	   "worst_iterations_per_worker", 0),
	G0(M_PAGE_LOCALITY, "worst_page_locality", HIGHER, 0.05, 0.10, "", "page_locality", 0),
	G0(M_CROSS_NODE, "worst_cross_node_migration_ratio", LOWER, 0.05, 0.20, "",
	   "cross_node_migration_ratio", 0),
};

/* 0.5.2 and the newest: a kind each, fields named. */
#define R(name, pol, kind, a0, a1, abs, rel, unit, field, flags) \
	{#name, POL_##pol, KIND_##kind, {a0, a1}, abs, rel, unit, NULL, field, flags}

/* 0.5.2: 0.4.9's gates, a kind each, stall_count renamed. */
static const struct metric registry_05[] = {
	R(worst_spread, LOWER, GAUGE_LAST, NULL, NULL, 5, 0.25, "%", M_SPREAD, 0),
	R(worst_gap_ms, LOWER, PEAK, NULL, NULL, 500, 0.5, "ms", M_GAP_MS, 0),
	R(total_migrations, LOWER, COUNTER, NULL, NULL, 10, 0.3, "", M_MIGRATIONS, 0),
	R(worst_migration_ratio, LOWER, GAUGE_LAST, NULL, NULL, 0.05, 0.2, "", M_MIGRATION_RATIO, 0),
	R(max_imbalance_ratio, LOWER, PEAK, NULL, NULL, 1, 0.25, "x", M_IMBALANCE, 0),
	R(max_dsq_depth, LOWER, PEAK, NULL, NULL, 10, 0.5, "", M_DSQ_DEPTH, 0),
	R(stuck_count, LOWER, COUNTER, NULL, NULL, 1, 0.5, "", M_STALLS, 0),
	R(total_fallback, LOWER, COUNTER, NULL, NULL, 5, 0.3, "", M_FALLBACK, 0),
	R(total_keep_last, LOWER, COUNTER, NULL, NULL, 5, 0.3, "", M_KEEP_LAST, 0),
	R(worst_p99_wake_latency_us, LOWER, GAUGE_LAST, NULL, NULL, 50, 0.25, "\u00b5s", M_P99_WAKE, 0),
	R(worst_median_wake_latency_us, LOWER, GAUGE_LAST, NULL, NULL, 20, 0.25, "\u00b5s",
	  M_MEDIAN_WAKE, 0),
	R(worst_wake_latency_cv, LOWER, GAUGE_LAST, NULL, NULL, 0.1, 0.25, "", M_WAKE_CV, 0),
	R(total_iterations, HIGHER, COUNTER, NULL, NULL, 100, 0.1, "", M_ITERATIONS, 0),
	R(worst_mean_run_delay_us, LOWER, GAUGE_LAST, NULL, NULL, 50, 0.25, "\u00b5s",
	  M_MEAN_RUN_DELAY, 0),
	R(worst_run_delay_us, LOWER, PEAK, NULL, NULL, 100, 0.5, "\u00b5s", M_RUN_DELAY, 0),
	R(worst_wake_latency_tail_ratio, LOWER, GAUGE_LAST, NULL, NULL, 0.5, 0.25, "x", M_TAIL_RATIO, 0),
	R(worst_iterations_per_worker, HIGHER, GAUGE_LAST, NULL, NULL, 10, 0.1, "", M_ITER_PER_WORKER, 0),
	R(worst_page_locality, HIGHER, GAUGE_LAST, NULL, NULL, 0.05, 0.1, "", M_PAGE_LOCALITY, 0),
	R(worst_cross_node_migration_ratio, LOWER, GAUGE_LAST, NULL, NULL, 0.05, 0.2, "", M_CROSS_NODE, 0),
};

/*
 * The newest: 172 metrics.  The nine roll-ups the newest generation
 * keeps in stats.ext_metrics read it first and the typed member of an
 * older file second.
 */
static const struct metric registry_newest[] = {
	R(worst_spread, LOWER, GAUGE_LAST, NULL, NULL, 5, 0.25, "%", M_SPREAD, 0),
	R(worst_gap_ms, LOWER, PEAK, NULL, NULL, 500, 0.5, "ms", M_GAP_MS, 0),
	R(total_migrations, LOWER, COUNTER, NULL, NULL, 2, 0.3, "", M_MIGRATIONS, 0),
	R(worst_migration_ratio, LOWER, GAUGE_LAST, NULL, NULL, 0.05, 0.2, "", M_MIGRATION_RATIO, 0),
	R(max_imbalance_ratio, LOWER, PEAK, NULL, NULL, 1, 0.25, "x", M_IMBALANCE, 0),
	R(avg_imbalance_ratio, LOWER, GAUGE_AVG, NULL, NULL, 0.5, 0.25, "x", -1, 0),
	R(max_dsq_depth, LOWER, PEAK, NULL, NULL, 10, 0.5, "", M_DSQ_DEPTH, 0),
	R(avg_dsq_depth, LOWER, GAUGE_AVG, NULL, NULL, 5, 0.5, "", -1, 0),
	R(stuck_count, LOWER, COUNTER, NULL, NULL, 1, 0.5, "", M_STALLS, 0),
	R(total_fallback, LOWER, COUNTER, NULL, NULL, 5, 0.3, "", M_FALLBACK, 0),
	R(total_keep_last, LOWER, COUNTER, NULL, NULL, 5, 0.3, "", M_KEEP_LAST, 0),
	R(total_run_delay, INFO, COUNTER, NULL, NULL, 1000, 0.1, "ns", -1, 0),
	R(total_pcount, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_sched_count, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_yld_count, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_sched_goidle, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_ttwu_count, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_ttwu_local, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_run_delay_ns_per_sched, LOWER, RATE, "total_run_delay", "total_pcount", 100, 0.15, "ns", -1, 0),
	R(ttwu_local_fraction, HIGHER, RATE, "total_ttwu_local", "total_ttwu_count", 0.05, 0.1, "", -1, 0),
	R(sched_goidle_fraction, INFO, RATE, "total_sched_goidle", "total_sched_count", 0.05, 0.1, "", -1, 0),
	R(total_schedstat_wall_sec, INFO, COUNTER, NULL, NULL, 0.1, 0.3, "s", -1, 0),
	R(run_delay_per_sec, LOWER, RATE, "total_run_delay", "total_schedstat_wall_sec", 1000, 0.3, "ns/s", -1, 0),
	R(pcount_per_sec, INFO, RATE, "total_pcount", "total_schedstat_wall_sec", 1, 0.3, "/s", -1, 0),
	R(sched_count_per_sec, INFO, RATE, "total_sched_count", "total_schedstat_wall_sec", 1, 0.3, "/s", -1, 0),
	R(yld_count_per_sec, INFO, RATE, "total_yld_count", "total_schedstat_wall_sec", 1, 0.3, "/s", -1, 0),
	R(ttwu_count_per_sec, INFO, RATE, "total_ttwu_count", "total_schedstat_wall_sec", 1, 0.3, "/s", -1, 0),
	R(sched_goidle_per_sec, INFO, RATE, "total_sched_goidle", "total_schedstat_wall_sec", 1, 0.3, "/s", -1, 0),
	R(avg_nr_running, LOWER, GAUGE_AVG, NULL, NULL, 0.5, 0.2, "", -1, 0),
	R(worst_p99_wake_latency_us, LOWER, DISTRIBUTION, "WakeLatencyNs", "P99", 50, 0.25, "\u00b5s", M_P99_WAKE, METRIC_EXT_FIRST),
	R(worst_median_wake_latency_us, LOWER, DISTRIBUTION, "WakeLatencyNs", "Median", 20, 0.25, "\u00b5s", M_MEDIAN_WAKE, METRIC_EXT_FIRST),
	R(worst_wake_latency_cv, LOWER, DISTRIBUTION, "WakeLatencyNs", "Cv", 0.1, 0.25, "", M_WAKE_CV, METRIC_EXT_FIRST),
	R(worst_p99_timer_latency_us, LOWER, DISTRIBUTION, "TimerLatencyNs", "P99", 50, 0.25, "\u00b5s", -1, 0),
	R(worst_median_timer_latency_us, LOWER, DISTRIBUTION, "TimerLatencyNs", "Median", 20, 0.25, "\u00b5s", -1, 0),
	R(worst_p999_timer_latency_us, LOWER, DISTRIBUTION, "TimerLatencyNs", "P999", 100, 0.25, "\u00b5s", -1, 0),
	R(worst_timer_latency_us, LOWER, DISTRIBUTION, "TimerLatencyNs", "Worst", 200, 0.25, "\u00b5s", -1, 0),
	R(iteration_rate, HIGHER, RATE, "total_phase_iterations", "total_phase_duration_sec", 1, 0.3, "iter/s", -1, METRIC_DENOMINATED),
	R(total_iterations, HIGHER, COUNTER, NULL, NULL, 2, 0.1, "", M_ITERATIONS, 0),
	R(total_phase_iterations, HIGHER, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_phase_duration_sec, HIGHER, COUNTER, NULL, NULL, 1, 0.3, "s", -1, 0),
	R(total_cpu_time_sec, HIGHER, COUNTER, NULL, NULL, 1, 0.3, "s", -1, 0),
	R(total_iterations_pooled, HIGHER, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(iterations_per_cpu_sec, HIGHER, RATE, "total_iterations_pooled", "total_cpu_time_sec", 10, 0.1, "iter/cpu-s", -1, 0),
	R(system_time_ns, LOWER, PER_PHASE_DELTA_SUM, NULL, NULL, 1000, 0.3, "ns", -1, 0),
	R(user_time_ns, LOWER, PER_PHASE_DELTA_SUM, NULL, NULL, 1000, 0.3, "ns", -1, 0),
	R(total_hardirqs, INFO, COUNTER, NULL, NULL, 10, 0.5, "", -1, 0),
	R(total_softirq_net_rx, INFO, COUNTER, NULL, NULL, 10, 0.5, "", -1, 0),
	R(total_softirq_net_tx, INFO, COUNTER, NULL, NULL, 10, 0.5, "", -1, 0),
	R(total_softirq_timer, INFO, COUNTER, NULL, NULL, 10, 0.5, "", -1, 0),
	R(total_softirq_sched, INFO, COUNTER, NULL, NULL, 10, 0.5, "", -1, 0),
	R(total_irq_time_ns, INFO, COUNTER, NULL, NULL, 1000, 0.5, "ns", -1, 0),
	R(total_softirq_time_ns, INFO, COUNTER, NULL, NULL, 1000, 0.5, "ns", -1, 0),
	R(total_steal_time_ns, INFO, COUNTER, NULL, NULL, 1000, 0.5, "ns", -1, 0),
	R(avg_irq_util, LOWER, GAUGE_AVG, NULL, NULL, 20, 0.3, "", -1, 0),
	R(max_avg_irq_util, LOWER, PEAK, NULL, NULL, 50, 0.3, "", -1, 0),
	R(hardirq_rate, INFO, RATE, "total_hardirqs", "total_phase_wall_sec", 1, 0.3, "irq/s", -1, 0),
	R(net_rx_softirq_rate, INFO, RATE, "total_softirq_net_rx", "total_phase_wall_sec", 1, 0.3, "softirq/s", -1, 0),
	R(irq_time_fraction, LOWER, RATE, "total_irq_time_ns", "total_phase_wall_ns", 0.02, 0.3, "", -1, 0),
	R(total_phase_wall_sec, INFO, COUNTER, NULL, NULL, 0.1, 0.3, "s", -1, 0),
	R(total_phase_wall_ns, INFO, COUNTER, NULL, NULL, 1000, 0.3, "ns", -1, 0),
	R(max_cpu_hardirqs, INFO, PEAK, NULL, NULL, 10, 0.5, "", -1, 0),
	R(max_cpu_hardirq_concentration, LOWER, PEAK, NULL, NULL, 1, 0.25, "x", -1, 0),
	R(max_cpu_softirq_net_rx, INFO, PEAK, NULL, NULL, 10, 0.5, "", -1, 0),
	R(max_cpu_softirq_net_rx_concentration, LOWER, PEAK, NULL, NULL, 1, 0.25, "x", -1, 0),
	R(avg_cpu_util_comp_scale, LOWER, GAUGE_AVG, NULL, NULL, 0.5, 0.3, "x", -1, 0),
	R(avg_task_lat_cri, INFO, GAUGE_AVG, NULL, NULL, 50, 0.3, "", -1, 0),
	R(max_task_lat_cri, INFO, PEAK, NULL, NULL, 100, 0.3, "", -1, 0),
	R(max_cgroup_irq_pressure, INFO, PEAK, NULL, NULL, 1, 0.5, "\u00b5s", -1, 0),
	R(max_cgroup_irq_pressure_concentration, LOWER, PEAK, NULL, NULL, 1, 0.25, "x", -1, 0),
	R(max_cgroup_psi_irq_avg10, LOWER, PEAK, NULL, NULL, 5, 0.3, "%", -1, 0),
	R(psi_irq_full_avg10, LOWER, GAUGE_AVG, NULL, NULL, 5, 0.3, "%", -1, 0),
	R(total_irq_pressure_us, INFO, COUNTER, NULL, NULL, 1, 0.5, "\u00b5s", -1, 0),
	R(worst_mean_run_delay_us, LOWER, DISTRIBUTION, "RunDelayNs", "Mean", 50, 0.25, "\u00b5s", M_MEAN_RUN_DELAY, METRIC_EXT_FIRST),
	R(worst_run_delay_us, LOWER, DISTRIBUTION, "RunDelayNs", "Worst", 100, 0.5, "\u00b5s", M_RUN_DELAY, METRIC_EXT_FIRST),
	R(worst_wake_latency_tail_ratio, LOWER, TAIL_RATIO, NULL, NULL, 0.5, 0.25, "x", M_TAIL_RATIO, METRIC_EXT_FIRST),
	R(worst_iterations_per_worker, HIGHER, WORST_LOWEST, "Iterations", "NumWorkers", 10, 0.1, "", M_ITER_PER_WORKER, METRIC_EXT_FIRST),
	R(worst_iterations_per_cpu_sec, HIGHER, WORST_LOWEST, "Iterations", "CpuTimeNs", 10, 0.1, "iter/cpu-s", -1, 0),
	R(worst_page_locality, HIGHER, WORST_LOWEST, "NumaLocal", "NumaTotal", 0.05, 0.1, "", M_PAGE_LOCALITY, METRIC_EXT_FIRST),
	R(worst_cross_node_migration_ratio, LOWER, WORST_CROSS_NODE, NULL, NULL, 0.05, 0.2, "", M_CROSS_NODE, METRIC_EXT_FIRST),
	R(wakeup_p50_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(wakeup_p90_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(wakeup_p99_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(wakeup_p999_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(request_p50_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(request_p90_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(request_p99_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(request_p999_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(sched_delay_msg_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(sched_delay_worker_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(schbench_loop_count, HIGHER, PER_PHASE, NULL, NULL, 1, 0.3, "", -1, METRIC_PHASE),
	R(taobench_total_qps, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "ops/cpu-s", -1, METRIC_PHASE),
	R(taobench_fast_qps, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "ops/cpu-s", -1, METRIC_PHASE),
	R(taobench_slow_qps, INFO, PER_PHASE, NULL, NULL, 10, 0.1, "ops/cpu-s", -1, METRIC_PHASE),
	R(taobench_hit_ratio, INFO, PER_PHASE, NULL, NULL, 0.02, 0.05, "", -1, METRIC_PHASE),
	R(taobench_hit_rate, INFO, PER_PHASE, NULL, NULL, 0.02, 0.05, "", -1, METRIC_PHASE),
	R(taobench_serve_p50_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(taobench_serve_p90_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(taobench_serve_p99_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(taobench_serve_p999_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(taobench_serve_min_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(taobench_serve_max_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.5, "\u00b5s", -1, METRIC_PHASE),
	R(total_taobench_ops, HIGHER, COUNTER, NULL, NULL, 10, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_taobench_fast_ops, HIGHER, COUNTER, NULL, NULL, 10, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_taobench_slow_ops, INFO, COUNTER, NULL, NULL, 10, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_taobench_wall_sec, HIGHER, COUNTER, NULL, NULL, 1, 0.3, "s", -1, METRIC_SUPPRESSED),
	R(total_taobench_cpu_sec, HIGHER, COUNTER, NULL, NULL, 1, 0.3, "s", -1, METRIC_SUPPRESSED),
	R(taobench_total_ops_per_sec, HIGHER, RATE, "total_taobench_ops", "total_taobench_cpu_sec", 10, 0.1, "ops/cpu-s", -1, METRIC_DENOMINATED),
	R(taobench_fast_ops_per_sec, HIGHER, RATE, "total_taobench_fast_ops", "total_taobench_cpu_sec", 10, 0.1, "ops/cpu-s", -1, METRIC_DENOMINATED),
	R(taobench_slow_ops_per_sec, INFO, RATE, "total_taobench_slow_ops", "total_taobench_cpu_sec", 10, 0.1, "ops/cpu-s", -1, METRIC_DENOMINATED),
	R(taobench_hit_fraction, INFO, RATE, "total_taobench_fast_ops", "total_taobench_ops", 0.02, 0.05, "", -1, 0),
	R(taobench_serve_p50_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(taobench_serve_p90_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(taobench_serve_p99_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(taobench_serve_p999_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(taobench_serve_min_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(taobench_serve_max_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.5, "\u00b5s", -1, 0),
	R(total_taobench_get_cmds, HIGHER, COUNTER, NULL, NULL, 10, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_taobench_get_hits, HIGHER, COUNTER, NULL, NULL, 10, 0.1, "", -1, METRIC_SUPPRESSED),
	R(taobench_command_hit_rate, INFO, RATE, "total_taobench_get_hits", "total_taobench_get_cmds", 0.02, 0.05, "", -1, 0),
	R(total_schbench_msg_run_delay_ns, LOWER, COUNTER, NULL, NULL, 1000, 0.1, "ns", -1, METRIC_SUPPRESSED),
	R(total_schbench_msg_pcount, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_schbench_worker_run_delay_ns, LOWER, COUNTER, NULL, NULL, 1000, 0.1, "ns", -1, METRIC_SUPPRESSED),
	R(total_schbench_worker_pcount, INFO, COUNTER, NULL, NULL, 1, 0.1, "", -1, METRIC_SUPPRESSED),
	R(total_schbench_loops, HIGHER, COUNTER, NULL, NULL, 1, 0.1, "", -1, 0),
	R(total_schbench_worker_cpu_sec, HIGHER, COUNTER, NULL, NULL, 1, 0.3, "s", -1, METRIC_SUPPRESSED),
	R(schbench_total_loops_per_cpu_sec, HIGHER, RATE, "total_schbench_loops", "total_schbench_worker_cpu_sec", 1, 0.1, "ops/cpu-s", -1, METRIC_DENOMINATED),
	R(schbench_loops_per_cpu_sec, HIGHER, PER_PHASE, NULL, NULL, 1, 0.3, "ops/cpu-s", -1, METRIC_PHASE),
	R(schbench_msg_run_delay_ns_per_sched, LOWER, RATE, "total_schbench_msg_run_delay_ns", "total_schbench_msg_pcount", 100, 0.1, "ns", -1, 0),
	R(schbench_worker_run_delay_ns_per_sched, LOWER, RATE, "total_schbench_worker_run_delay_ns", "total_schbench_worker_pcount", 100, 0.1, "ns", -1, 0),
	R(wakeup_min_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(wakeup_max_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.5, "\u00b5s", -1, METRIC_PHASE),
	R(request_min_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(request_max_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.5, "\u00b5s", -1, METRIC_PHASE),
	R(rps_p20, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "req/s", -1, METRIC_PHASE),
	R(rps_p50, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "req/s", -1, METRIC_PHASE),
	R(rps_p90, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "req/s", -1, METRIC_PHASE),
	R(rps_min, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "req/s", -1, METRIC_PHASE),
	R(rps_max, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "req/s", -1, METRIC_PHASE),
	R(wakeup_p50_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(wakeup_p90_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(wakeup_p99_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(wakeup_p999_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(wakeup_min_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(wakeup_max_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.5, "\u00b5s", -1, 0),
	R(request_p50_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(request_p90_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(request_p99_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(request_p999_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.25, "\u00b5s", -1, 0),
	R(request_min_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 20, 0.25, "\u00b5s", -1, 0),
	R(request_max_latency_us_whole, LOWER, PER_RUN_DISTRIBUTION, NULL, NULL, 50, 0.5, "\u00b5s", -1, 0),
	R(rps_p20_whole, HIGHER, PER_RUN_DISTRIBUTION, NULL, NULL, 10, 0.1, "req/s", -1, 0),
	R(rps_p50_whole, HIGHER, PER_RUN_DISTRIBUTION, NULL, NULL, 10, 0.1, "req/s", -1, 0),
	R(rps_p90_whole, HIGHER, PER_RUN_DISTRIBUTION, NULL, NULL, 10, 0.1, "req/s", -1, 0),
	R(rps_min_whole, HIGHER, PER_RUN_DISTRIBUTION, NULL, NULL, 10, 0.1, "req/s", -1, 0),
	R(rps_max_whole, HIGHER, PER_RUN_DISTRIBUTION, NULL, NULL, 10, 0.1, "req/s", -1, 0),
	R(p99_wake_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(median_wake_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(wake_latency_cv, LOWER, PER_PHASE, NULL, NULL, 0.1, 0.25, "", -1, METRIC_PHASE),
	R(p99_timer_latency_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(median_timer_latency_us, LOWER, PER_PHASE, NULL, NULL, 20, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(p999_timer_latency_us, LOWER, PER_PHASE, NULL, NULL, 100, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(mean_run_delay_us, LOWER, PER_PHASE, NULL, NULL, 50, 0.25, "\u00b5s", -1, METRIC_PHASE),
	R(max_run_delay_us, LOWER, PER_PHASE, NULL, NULL, 100, 0.5, "\u00b5s", -1, METRIC_PHASE),
	R(avg_off_cpu_pct, LOWER, PER_PHASE, NULL, NULL, 5, 0.25, "%", -1, METRIC_PHASE),
	R(min_off_cpu_pct, LOWER, PER_PHASE, NULL, NULL, 5, 0.25, "%", -1, METRIC_PHASE),
	R(max_off_cpu_pct, LOWER, PER_PHASE, NULL, NULL, 5, 0.25, "%", -1, METRIC_PHASE),
	R(off_cpu_spread_pct, LOWER, PER_PHASE, NULL, NULL, 5, 0.25, "%", -1, METRIC_PHASE),
	R(migration_ratio, LOWER, PER_PHASE, NULL, NULL, 0.05, 0.2, "", -1, METRIC_PHASE),
	R(iterations_per_worker, HIGHER, PER_PHASE, NULL, NULL, 10, 0.1, "", -1, METRIC_PHASE),
	R(page_locality, HIGHER, PER_PHASE, NULL, NULL, 0.05, 0.1, "", -1, METRIC_PHASE),
	R(cross_node_migration_ratio, LOWER, PER_PHASE, NULL, NULL, 0.05, 0.2, "", -1, METRIC_PHASE),
	R(total_cpu_time_ns, HIGHER, COUNTER, NULL, NULL, 100, 0.1, "ns", -1, METRIC_PHASE),
};

const struct registry compare_registries[NREGISTRIES] = {
	{REGISTRY_04, "0.4", compare_metrics, NMETRICS},
	{REGISTRY_05, "0.5", registry_05, LEN(registry_05)},
	{REGISTRY_NEWEST, "newest", registry_newest, LEN(registry_newest)},
};

const struct registry *
compare_registry_named(const char *name)
{
	for (size_t i = 0; i < NREGISTRIES; i++)
		if (strcmp(compare_registries[i].name, name) == 0)
			return &compare_registries[i];
	return NULL;
}

const struct registry *
compare_registry_of(enum sidecar_gen gen)
{
	return &compare_registries[gen == SIDECAR_G0 ? REGISTRY_04
	                           : gen == SIDECAR_G1 ? REGISTRY_05
	                                               : REGISTRY_NEWEST];
}

const char *
compare_metric_alias(const char *name)
{
	if (strcmp(name, "stall_count") == 0)
		return "stuck_count";
	if (strcmp(name, "stuck_count") == 0)
		return "stall_count";
	return NULL;
}

/* Each registry's metrics sorted by name, built once: rows are made on several threads. */
static const struct metric *by_name[NREGISTRIES][LEN(registry_newest)];
static pthread_once_t sorted = PTHREAD_ONCE_INIT;

static int
cmp_metric_name(const void *a, const void *b)
{
	return strcmp((*(const struct metric *const *)a)->name, (*(const struct metric *const *)b)->name);
}

static void
sort_names(void)
{
	for (size_t r = 0; r < NREGISTRIES; r++) {
		for (size_t i = 0; i < compare_registries[r].n; i++)
			by_name[r][i] = &compare_registries[r].m[i];
		qsort(by_name[r], compare_registries[r].n, sizeof *by_name[r], cmp_metric_name);
	}
}

static int
cmp_name_metric(const void *name, const void *m)
{
	return strcmp(name, (*(const struct metric *const *)m)->name);
}

static const struct metric *
find_exact(const struct registry *reg, const char *name)
{
	const struct metric **found;

	pthread_once(&sorted, sort_names);
	found = bsearch(name, by_name[reg->id], reg->n, sizeof *by_name[reg->id], cmp_name_metric);
	return found ? *found : NULL;
}

const struct metric *
compare_registry_find(const struct registry *reg, const char *name)
{
	const struct metric *m = find_exact(reg, name);
	const char *alias;

	if (m == NULL && (alias = compare_metric_alias(name)) != NULL)
		m = find_exact(reg, alias);
	return m;
}

int
compare_metric_compared(const struct metric *m)
{
	return !(m->flags & (METRIC_SUPPRESSED | METRIC_PHASE));
}
