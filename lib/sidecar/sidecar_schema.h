/*
 * sidecar_schema: the one table of what a sidecar holds, in every
 * upstream generation (ktstr-sidecar(5), GENERATIONS):
 *
 *   G0  ktstr 0.4.9    25 top-level members, active_flags, typed roll-ups
 *   G1  ktstr 0.5.2    no active_flags, stuck_detected, stored cgroup ratios gone
 *   G2  newest found   inconclusive, vcpus, cpu_budget, phases, roll-ups in
 *                      stats.ext_metrics, monitor.stuck_count, ...
 *
 * Each struct is one X-macro list, one line per member:
 *
 *   X(name, type, g0, g1, g2, flags, how, arg)
 *
 *   name   the JSON key, and the C member where there is one
 *   type   SC_TY_<type> checks it, SC_CT_<type> stores it
 *   g0..g2 the member in that generation:
 *          NO   not a member (ignored, as every unknown key is)
 *          REQ  required, never null
 *          OPT  Option: absent or null is none; written as null
 *          OMIT Option, not written when none
 *          DEF  #[serde(default)]: absent is the default, null is refused
 *          EXT  not a member: the generation keeps the value in
 *               stats.ext_metrics under the same name
 *   flags  CORE: a reader needs it to use the file at all; NAME: a string
 *          that becomes an identity or a path component, so NUL is refused
 *   how    S     a C member
 *          N     no C member: written as its type's empty value
 *          D     no C member: written from the formula sc_formula_<arg>
 *          SUM, MAX, MINNZ, ATMAX
 *                a C member that a scenario folds from the cgroup member
 *                <arg> (sum; maximum; lowest non-zero; taken from the
 *                cgroup that set the previous member's maximum)
 *
 * The checker, the reader, the writer and the scenario fold all walk these
 * lists, so a new upstream member is one line here.  A list's order is
 * the order the union object is written in: the newest generation's,
 * each member only older ones have after its newest neighbour.
 */
#ifndef KTSTR_SIDECAR_SCHEMA_H
#define KTSTR_SIDECAR_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "json/json.h"

enum sidecar_gen { SIDECAR_G0, SIDECAR_G1, SIDECAR_G2, SIDECAR_NGEN };
/* The reading rule: the core members, everything else defaulted. */
#define SIDECAR_ANY SIDECAR_NGEN

/* "G0", "G1", "G2"; "0.4.9", "0.5.2", "newest". */
extern const char *const sidecar_gen_label[SIDECAR_NGEN];
extern const char *const sidecar_gen_version[SIDECAR_NGEN];
/* "G0".."G2" or "0.4.9".."newest" (also "0.4", "0.5"); -1 when neither. */
int sidecar_gen_parse(const char *s);

/* ThroughputDenomination: what the throughput rates are per. */
enum sidecar_denom { SIDECAR_WALL, SIDECAR_CPU_SEC };

/* ---- the member lists ---- */

#define SIDECAR_RESULT_MEMBERS(X)                                          \
	X(test_name, STR, REQ, REQ, REQ, CORE_NAME, S, _)                  \
	X(topology, STR, REQ, REQ, REQ, CORE_NAME, S, _)                   \
	X(scheduler, STR, REQ, REQ, REQ, CORE_NAME, S, _)                  \
	X(scheduler_commit, STR, OPT, OPT, OPT, 0, S, _)                   \
	X(resolve_source, STR, NO, NO, OPT, NAME, S, _)                    \
	X(project_commit, STR, OPT, OPT, OPT, NAME, S, _)                  \
	X(payload, STR, OPT, OPT, OPT, 0, S, _)                            \
	X(metrics, PAYLOADS, REQ, REQ, REQ, 0, S, _)                       \
	X(passed, BOOL, REQ, REQ, REQ, CORE, S, _)                         \
	X(skipped, BOOL, REQ, REQ, REQ, CORE, S, _)                        \
	X(inconclusive, BOOL, NO, NO, REQ, 0, S, _)                        \
	X(expected_failure, BOOL, NO, NO, REQ, 0, S, _)                    \
	X(stats, STATS, REQ, REQ, REQ, CORE, S, _)                         \
	X(monitor, MONITOR, OPT, OPT, OPT, 0, S, _)                        \
	X(periodic_fired, U32, NO, NO, REQ, 0, S, _)                       \
	X(periodic_target, U32, NO, NO, REQ, 0, S, _)                      \
	X(vcpus, U32, NO, NO, REQ, 0, S, _)                                \
	X(cpu_budget, U32, NO, NO, REQ, 0, S, _)                           \
	X(host_dilation, OF64, NO, NO, OMIT, 0, S, _)                      \
	X(throughput_denomination, DENOM, NO, NO, DEF, 0, S, _)            \
	X(stimulus_events, STIMULI, REQ, REQ, REQ, 0, N, _)                \
	X(work_type, STR, REQ, REQ, REQ, CORE_NAME, S, _)                  \
	X(active_flags, STRV, REQ, NO, NO, NAME, S, _)                     \
	X(verifier_stats, VERIFIER, REQ, REQ, REQ, 0, N, _)                \
	X(kvm_stats, KVM, OPT, OPT, OPT, 0, N, _)                          \
	X(sysctls, STRV, REQ, REQ, REQ, 0, S, _)                           \
	X(kargs, STRV, REQ, REQ, REQ, 0, S, _)                             \
	X(kernel_version, STR, OPT, OPT, OPT, NAME, S, _)                  \
	X(kernel_commit, STR, OPT, OPT, OPT, NAME, S, _)                   \
	X(timestamp, STR, REQ, REQ, REQ, 0, S, _)                          \
	X(run_id, STR, REQ, REQ, REQ, 0, S, _)                             \
	X(host, HOST, OPT, OPT, OPT, 0, S, _)                              \
	X(cleanup_duration_ms, U64, OPT, OPT, OPT, 0, N, _)                \
	X(run_source, STR, OPT, OPT, OPT, NAME, S, _)                      \
	X(perf_delta_assertions, PERFDELTAS, NO, NO, REQ, 0, N, _)

#define SIDECAR_STATS_MEMBERS(X)                                                            \
	X(cgroups, CGROUPS, REQ, REQ, REQ, CORE, S, _)                                      \
	X(total_workers, USIZE, REQ, REQ, REQ, CORE, SUM, num_workers)                      \
	X(total_cpus, USIZE, REQ, REQ, REQ, CORE, SUM, num_cpus)                            \
	X(total_migrations, U64, REQ, REQ, REQ, CORE, SUM, total_migrations)                \
	X(worst_spread, F64, REQ, REQ, REQ, CORE, MAX, spread)                              \
	X(worst_gap_ms, U64, REQ, REQ, REQ, CORE, MAX, max_gap_ms)                          \
	X(worst_gap_cpu, USIZE, REQ, REQ, REQ, CORE, ATMAX, max_gap_cpu)                    \
	X(worst_migration_ratio, F64, REQ, REQ, REQ, CORE, MAX, migration_ratio)            \
	X(total_iterations, U64, REQ, REQ, REQ, CORE, SUM, total_iterations)                \
	X(worst_p99_wake_latency_us, F64, REQ, REQ, EXT, 0, MAX, p99_wake_latency_us)       \
	X(worst_median_wake_latency_us, F64, REQ, REQ, EXT, 0, MAX, median_wake_latency_us) \
	X(worst_wake_latency_cv, F64, REQ, REQ, EXT, 0, MAX, wake_latency_cv)               \
	X(worst_mean_run_delay_us, F64, REQ, REQ, EXT, 0, MAX, mean_run_delay_us)           \
	X(worst_run_delay_us, F64, REQ, REQ, EXT, 0, MAX, worst_run_delay_us)               \
	X(worst_page_locality, F64, REQ, REQ, EXT, 0, MINNZ, page_locality)                 \
	X(worst_cross_node_migration_ratio, F64, REQ, REQ, EXT, 0, MAX,                     \
	  cross_node_migration_ratio)                                                       \
	X(worst_wake_latency_tail_ratio, F64, REQ, REQ, EXT, 0, MAX, wake_latency_tail_ratio) \
	X(worst_iterations_per_worker, F64, REQ, REQ, EXT, 0, MINNZ, iterations_per_worker) \
	X(ext_metrics, EXT, DEF, DEF, REQ, 0, S, _)                                         \
	X(phases, PHASES, NO, NO, DEF, 0, N, _)

#define SIDECAR_CGROUP_MEMBERS(X)                                               \
	X(cgroup_name, STR, NO, NO, REQ, 0, S, _)                               \
	X(num_workers, USIZE, REQ, REQ, REQ, CORE, S, _)                        \
	X(cpus_used, CPUSET, NO, NO, REQ, 0, S, _)                              \
	X(num_cpus, USIZE, REQ, REQ, REQ, CORE, S, _)                           \
	X(avg_off_cpu_pct, OF64, REQ, REQ, OPT, 0, S, _)                        \
	X(min_off_cpu_pct, OF64, REQ, REQ, OPT, 0, S, _)                        \
	X(max_off_cpu_pct, OF64, REQ, REQ, OPT, 0, S, _)                        \
	X(spread, OF64, REQ, REQ, OPT, 0, S, _)                                 \
	X(max_gap_ms, U64, REQ, REQ, REQ, CORE, S, _)                           \
	X(max_gap_cpu, USIZE, REQ, REQ, REQ, CORE, S, _)                        \
	X(total_migrations, U64, REQ, REQ, REQ, CORE, S, _)                     \
	X(migration_ratio, F64, REQ, REQ, REQ, CORE, S, _)                      \
	X(p99_wake_latency_us, F64, REQ, REQ, REQ, CORE, S, _)                  \
	X(median_wake_latency_us, F64, REQ, REQ, REQ, CORE, S, _)               \
	X(wake_latency_cv, F64, REQ, REQ, REQ, CORE, S, _)                      \
	X(wake_measured, BOOL, NO, NO, REQ, 0, S, _)                            \
	X(median_timer_latency_us, F64, NO, NO, REQ, 0, S, _)                   \
	X(p99_timer_latency_us, F64, NO, NO, REQ, 0, S, _)                      \
	X(p999_timer_latency_us, F64, NO, NO, REQ, 0, S, _)                     \
	X(worst_timer_latency_us, F64, NO, NO, REQ, 0, S, _)                    \
	X(timer_measured, BOOL, NO, NO, REQ, 0, S, _)                           \
	X(total_iterations, U64, REQ, REQ, REQ, CORE, S, _)                     \
	X(total_cpu_time_ns, U64, NO, NO, REQ, 0, S, _)                         \
	X(mean_run_delay_us, F64, REQ, REQ, REQ, CORE, S, _)                    \
	X(worst_run_delay_us, F64, REQ, REQ, REQ, CORE, S, _)                   \
	X(run_delay_measured, BOOL, NO, NO, REQ, 0, S, _)                       \
	X(page_locality, F64, REQ, REQ, REQ, CORE, S, _)                        \
	X(cross_node_migration_ratio, F64, REQ, REQ, REQ, CORE, S, _)           \
	X(taobench_whole, OBJ, NO, NO, OPT, 0, N, _)                            \
	X(wake_latency_tail_ratio, F64, REQ, NO, NO, 0, D, tail_ratio)          \
	X(iterations_per_worker, F64, REQ, NO, NO, 0, D, iterations_per_worker) \
	X(ext_metrics, EXT, DEF, DEF, REQ, 0, S, _)

#define SIDECAR_MONITOR_MEMBERS(X)                                   \
	X(total_samples, USIZE, REQ, REQ, REQ, CORE, S, _)           \
	X(max_imbalance_ratio, F64, REQ, REQ, REQ, CORE, S, _)       \
	X(max_local_dsq_depth, U32, REQ, REQ, REQ, CORE, S, _)       \
	X(stall_detected, BOOL, REQ, NO, NO, 0, D, stuck)            \
	X(stuck_detected, BOOL, NO, REQ, NO, 0, D, stuck)            \
	X(stuck_count, USIZE, NO, NO, REQ, 0, S, _)                  \
	X(avg_imbalance_ratio, F64, REQ, REQ, REQ, CORE, S, _)       \
	X(avg_nr_running, F64, REQ, REQ, REQ, CORE, S, _)            \
	X(avg_local_dsq_depth, F64, REQ, REQ, REQ, CORE, S, _)       \
	X(avg_irq_util, OF64, NO, NO, OPT, 0, S, _)                  \
	X(max_avg_irq_util, OF64, NO, NO, OPT, 0, S, _)              \
	X(psi_irq_full_avg10, OF64, NO, NO, OPT, 0, S, _)            \
	X(total_irq_pressure_us, OF64, NO, NO, OPT, 0, S, _)         \
	X(event_deltas, EVENTS, OMIT, OMIT, OMIT, 0, S, _)           \
	X(schedstat_deltas, SCHEDSTAT, OMIT, OMIT, OMIT, 0, S, _)    \
	X(prog_stats_deltas, PROGSTATS, OMIT, OMIT, OMIT, 0, N, _)

#define SIDECAR_EVENTS_MEMBERS(X)                                            \
	X(total_fallback, I64, REQ, REQ, REQ, CORE, S, _)                    \
	X(fallback_rate, F64, REQ, REQ, REQ, CORE, S, _)                     \
	X(max_fallback_burst, I64, REQ, REQ, REQ, CORE, S, _)                \
	X(total_dispatch_offline, I64, REQ, REQ, REQ, CORE, S, _)            \
	X(total_dispatch_keep_last, I64, REQ, REQ, REQ, CORE, S, _)          \
	X(keep_last_rate, F64, REQ, REQ, REQ, CORE, S, _)                    \
	X(total_enq_skip_exiting, I64, REQ, REQ, REQ, CORE, S, _)            \
	X(total_enq_skip_migration_disabled, I64, REQ, REQ, REQ, CORE, S, _) \
	X(total_reenq_immed, I64, REQ, REQ, REQ, CORE, S, _)                 \
	X(total_reenq_local_repeat, I64, REQ, REQ, REQ, CORE, S, _)          \
	X(total_refill_slice_dfl, I64, REQ, REQ, REQ, CORE, S, _)            \
	X(total_bypass_duration, I64, REQ, REQ, REQ, CORE, S, _)             \
	X(total_bypass_dispatch, I64, REQ, REQ, REQ, CORE, S, _)             \
	X(total_bypass_activate, I64, REQ, REQ, REQ, CORE, S, _)             \
	X(total_insert_not_owned, I64, REQ, REQ, REQ, CORE, S, _)            \
	X(total_sub_bypass_dispatch, I64, REQ, REQ, REQ, CORE, S, _)

/*
 * SchedstatDeltas: the seven total_* counters are in every generation;
 * the two rates were read through 0.5.2 and are probably gone later
 * (ktstr-sidecar(5), "What is not known"), so no reader needs them.
 */
#define SIDECAR_SCHEDSTAT_MEMBERS(X)                             \
	X(total_run_delay, U64, REQ, REQ, REQ, CORE, S, _)       \
	X(run_delay_rate, F64, REQ, REQ, DEF, 0, N, _)           \
	X(total_pcount, U64, REQ, REQ, REQ, CORE, S, _)          \
	X(total_sched_count, U64, REQ, REQ, REQ, CORE, S, _)     \
	X(sched_count_rate, F64, REQ, REQ, DEF, 0, N, _)         \
	X(total_yld_count, U64, REQ, REQ, REQ, CORE, S, _)       \
	X(total_sched_goidle, U64, REQ, REQ, REQ, CORE, S, _)    \
	X(total_ttwu_count, U64, REQ, REQ, REQ, CORE, S, _)      \
	X(total_ttwu_local, U64, REQ, REQ, REQ, CORE, S, _)

/*
 * The structs below have no C members, so their lists only check them.
 * What the suite writes with content it writes by hand: a payload's
 * metrics (payloads() and metric() in sidecar_write.c, for ktstr-test)
 * and the host context (host_write_json); the others it writes empty or
 * not at all.
 */

#define SIDECAR_PROGSTAT_MEMBERS(X)                          \
	X(name, STR, REQ, REQ, REQ, CORE, N, _)              \
	X(cnt, U64, REQ, REQ, REQ, CORE, N, _)               \
	X(nsecs, U64, REQ, REQ, REQ, CORE, N, _)             \
	X(nsecs_per_call, F64, REQ, REQ, REQ, CORE, N, _)

#define SIDECAR_STIMULUS_MEMBERS(X)                          \
	X(elapsed_ms, U64, REQ, REQ, REQ, CORE, N, _)        \
	X(label, STR, REQ, REQ, REQ, CORE, N, _)             \
	X(op_kind, STR, OPT, OPT, OPT, 0, N, _)              \
	X(detail, STR, OPT, OPT, OPT, 0, N, _)               \
	X(total_iterations, U64, OPT, OPT, OPT, 0, N, _)

#define SIDECAR_METRIC_MEMBERS(X)                            \
	X(name, STR, REQ, REQ, REQ, CORE, N, _)              \
	X(value, F64, REQ, REQ, REQ, CORE, N, _)             \
	X(polarity, POLARITY, REQ, REQ, REQ, CORE, N, _)     \
	X(unit, STR, REQ, REQ, REQ, CORE, N, _)              \
	X(source, MSOURCE, REQ, REQ, REQ, CORE, N, _)        \
	X(stream, MSTREAM, REQ, REQ, REQ, CORE, N, _)

#define SIDECAR_PAYLOAD_MEMBERS(X)                           \
	X(payload_index, USIZE, REQ, REQ, REQ, CORE, N, _)   \
	X(metrics, METRICS, REQ, REQ, REQ, CORE, N, _)       \
	X(exit_code, I32, REQ, REQ, REQ, CORE, N, _)

#define SIDECAR_VERIFIER_MEMBERS(X)                          \
	X(name, STR, REQ, REQ, REQ, CORE, N, _)              \
	X(verified_insns, U32, REQ, REQ, REQ, CORE, N, _)

#define SIDECAR_KVM_MEMBERS(X) X(per_vcpu, VCPUS, REQ, REQ, REQ, CORE, N, _)

#define SIDECAR_HEAP_MEMBERS(X)                              \
	X(active_bytes, U64, OPT, OPT, OPT, 0, N, _)         \
	X(allocated_bytes, U64, OPT, OPT, OPT, 0, N, _)      \
	X(resident_bytes, U64, OPT, OPT, OPT, 0, N, _)       \
	X(mapped_bytes, U64, OPT, OPT, OPT, 0, N, _)         \
	X(narenas, USIZE, OPT, OPT, OPT, 0, N, _)

#define SIDECAR_HOST_MEMBERS(X)                                  \
	X(cpu_model, STR, OPT, OPT, OPT, 0, N, _)                \
	X(cpu_vendor, STR, OPT, OPT, OPT, 0, N, _)               \
	X(total_memory_kb, U64, OPT, OPT, OPT, 0, N, _)          \
	X(hugepages_total, U64, OPT, OPT, OPT, 0, N, _)          \
	X(hugepages_free, U64, OPT, OPT, OPT, 0, N, _)           \
	X(hugepages_size_kb, U64, OPT, OPT, OPT, 0, N, _)        \
	X(thp_enabled, STR, OPT, OPT, OPT, 0, N, _)              \
	X(thp_defrag, STR, OPT, OPT, OPT, 0, N, _)               \
	X(sched_tunables, STRMAP, OPT, OPT, OPT, 0, N, _)        \
	X(online_cpus, USIZE, OPT, OPT, OPT, 0, N, _)            \
	X(numa_nodes, USIZE, OPT, OPT, OPT, 0, N, _)             \
	X(cpufreq_governor, CPUMAP, DEF, DEF, DEF, 0, N, _)      \
	X(kernel_name, STR, OPT, OPT, OPT, 0, N, _)              \
	X(kernel_release, STR, OPT, OPT, OPT, 0, N, _)           \
	X(arch, STR, OPT, OPT, OPT, 0, N, _)                     \
	X(kernel_cmdline, STR, OPT, OPT, OPT, 0, N, _)           \
	X(heap_state, HEAP, OPT, OPT, OPT, 0, N, _)

#define SIDECAR_PHASE_MEMBERS(X)                             \
	X(step_index, U16, NO, NO, REQ, CORE, N, _)          \
	X(label, STR, NO, NO, REQ, CORE, N, _)               \
	X(start_ms, U64, NO, NO, REQ, CORE, N, _)            \
	X(end_ms, U64, NO, NO, REQ, CORE, N, _)              \
	X(sample_count, USIZE, NO, NO, REQ, CORE, N, _)      \
	X(metrics, F64MAP, NO, NO, REQ, CORE, N, _)          \
	X(per_cgroup, PHASECGS, NO, NO, REQ, CORE, N, _)

/* Members a version between the tables' commits lacked are not core. */
#define SIDECAR_PHASECG_MEMBERS(X)                               \
	X(num_workers, USIZE, NO, NO, REQ, CORE, N, _)           \
	X(cpus_used, CPUSET, NO, NO, REQ, CORE, N, _)            \
	X(wake_latencies_ns, U64S, NO, NO, REQ, CORE, N, _)      \
	X(wake_sample_total, U64, NO, NO, REQ, CORE, N, _)       \
	X(timer_latencies_ns, U64S, NO, NO, REQ, 0, N, _)        \
	X(timer_sample_total, U64, NO, NO, REQ, 0, N, _)         \
	X(run_delays_ns, U64S, NO, NO, REQ, CORE, N, _)          \
	X(off_cpu_pcts, F64S, NO, NO, REQ, CORE, N, _)           \
	X(total_migrations, U64, NO, NO, REQ, CORE, N, _)        \
	X(total_iterations, U64, NO, NO, REQ, CORE, N, _)        \
	X(total_cpu_time_ns, U64, NO, NO, REQ, CORE, N, _)       \
	X(numa_pages_local, U64, NO, NO, REQ, CORE, N, _)        \
	X(numa_pages_total, U64, NO, NO, REQ, CORE, N, _)        \
	X(cross_node_migrated, U64, NO, NO, REQ, CORE, N, _)     \
	X(max_gap_ms, U64, NO, NO, REQ, CORE, N, _)              \
	X(max_gap_cpu, USIZE, NO, NO, REQ, CORE, N, _)           \
	X(stripped, BOOL, NO, NO, REQ, CORE, N, _)               \
	X(metrics, F64MAP, NO, NO, REQ, CORE, N, _)              \
	X(schbench, OBJ, NO, NO, OPT, 0, N, _)                   \
	X(taobench, OBJ, NO, NO, OPT, 0, N, _)

#define SIDECAR_PERFDELTA_MEMBERS(X)                             \
	X(metric, STR, NO, NO, REQ, CORE, N, _)                  \
	X(direction, POLARITY, NO, NO, OPT, 0, N, _)             \
	X(max_regression_pct, F64, NO, NO, OPT, 0, N, _)         \
	X(min_abs, F64, NO, NO, OPT, 0, N, _)                    \
	X(phase, U16, NO, NO, OPT, 0, N, _)

/* ---- the C side of the modelled structs ---- */

struct sidecar_strv {
	char *const *v;
	size_t n;
};

/* A string-keyed map of numbers, sorted byte-wise by name, names unique. */
struct sidecar_kv {
	char *name;
	double value;
};
struct sidecar_ext {
	struct sidecar_kv *v;
	size_t n;
};

struct sidecar_u64v {
	uint64_t *v;
	size_t n;
};

typedef void sidecar_write_fn(struct json_writer *w, const void *ctx);

/* A member another family writes (the host context): fn NULL is null. */
struct sidecar_cb {
	sidecar_write_fn *fn;
	const void *ctx;
};

enum metric_polarity { POLARITY_HIGHER, POLARITY_LOWER, POLARITY_UNKNOWN, POLARITY_TARGET };
enum metric_source { SOURCE_JSON, SOURCE_LLM_EXTRACT };
enum metric_stream { STREAM_STDOUT, STREAM_STDERR, STREAM_SYNTHESIZED };

struct sidecar_metric {
	const char *name;
	double value;
	enum metric_polarity polarity;
	double target;    /* the TargetValue, when polarity is POLARITY_TARGET */
	const char *unit; /* "" when none */
	enum metric_source source;
	enum metric_stream stream;
};

struct sidecar_payload_metrics {
	uint64_t payload_index;
	const struct sidecar_metric *metrics;
	size_t n;
	int32_t exit_code;
};

struct sidecar_payloads {
	const struct sidecar_payload_metrics *v;
	size_t n;
};

struct sidecar_cgroup;
struct sidecar_cgroups {
	struct sidecar_cgroup *v;
	size_t n;
};

struct sidecar_stats;
struct sidecar_monitor;
struct sidecar_events;
struct sidecar_schedstat;

/* How each type is kept in C; OF64 is NaN when none. */
#define SC_CT_STR const char *
#define SC_CT_BOOL int
#define SC_CT_U64 uint64_t
#define SC_CT_USIZE uint64_t
#define SC_CT_U32 uint64_t
#define SC_CT_U16 uint64_t
#define SC_CT_I64 int64_t
#define SC_CT_I32 int64_t
#define SC_CT_F64 double
#define SC_CT_OF64 double
#define SC_CT_DENOM enum sidecar_denom
#define SC_CT_STRV struct sidecar_strv
#define SC_CT_EXT struct sidecar_ext
#define SC_CT_CPUSET struct sidecar_u64v
#define SC_CT_CGROUPS struct sidecar_cgroups
#define SC_CT_STATS const struct sidecar_stats *    /* NULL: all-default statistics */
#define SC_CT_MONITOR const struct sidecar_monitor * /* NULL: null */
#define SC_CT_EVENTS const struct sidecar_events *   /* NULL: not written */
#define SC_CT_SCHEDSTAT const struct sidecar_schedstat * /* NULL: not written */
#define SC_CT_HOST struct sidecar_cb
#define SC_CT_PAYLOADS struct sidecar_payloads

#define SC_FIELD_S(ct, name) ct name;
#define SC_FIELD_SUM SC_FIELD_S
#define SC_FIELD_MAX SC_FIELD_S
#define SC_FIELD_MINNZ SC_FIELD_S
#define SC_FIELD_ATMAX SC_FIELD_S
#define SC_FIELD_N(ct, name)
#define SC_FIELD_D(ct, name)
#define SC_FIELD(name, type, g0, g1, g2, flags, how, arg) SC_FIELD_##how(SC_CT_##type, name)

/*
 * Every modelled struct ends with present: bit i is set when a reader
 * found member i of its list (null included).  Writers ignore it.
 */
struct sidecar_cgroup {
	SIDECAR_CGROUP_MEMBERS(SC_FIELD)
	uint64_t present;
};

struct sidecar_stats {
	SIDECAR_STATS_MEMBERS(SC_FIELD)
	uint64_t present;
};

struct sidecar_events {
	SIDECAR_EVENTS_MEMBERS(SC_FIELD)
	uint64_t present;
};

struct sidecar_schedstat {
	SIDECAR_SCHEDSTAT_MEMBERS(SC_FIELD)
	uint64_t present;
};

struct sidecar_monitor {
	SIDECAR_MONITOR_MEMBERS(SC_FIELD)
	uint64_t present;
};

struct sidecar_result {
	SIDECAR_RESULT_MEMBERS(SC_FIELD)
	uint64_t present;
};

/* Member indexes, for present bits: SC_IDX_<STRUCT>_<name>. */
#define SC_IDX_RESULT(name, ...) SC_IDX_RESULT_##name,
#define SC_IDX_STATS(name, ...) SC_IDX_STATS_##name,
#define SC_IDX_CGROUP(name, ...) SC_IDX_CGROUP_##name,
#define SC_IDX_MONITOR(name, ...) SC_IDX_MONITOR_##name,
#define SC_IDX_EVENTS(name, ...) SC_IDX_EVENTS_##name,
#define SC_IDX_SCHEDSTAT(name, ...) SC_IDX_SCHEDSTAT_##name,
enum { SIDECAR_RESULT_MEMBERS(SC_IDX_RESULT) SC_N_RESULT };
enum { SIDECAR_STATS_MEMBERS(SC_IDX_STATS) SC_N_STATS };
enum { SIDECAR_CGROUP_MEMBERS(SC_IDX_CGROUP) SC_N_CGROUP };
enum { SIDECAR_MONITOR_MEMBERS(SC_IDX_MONITOR) SC_N_MONITOR };
enum { SIDECAR_EVENTS_MEMBERS(SC_IDX_EVENTS) SC_N_EVENTS };
enum { SIDECAR_SCHEDSTAT_MEMBERS(SC_IDX_SCHEDSTAT) SC_N_SCHEDSTAT };
_Static_assert(SC_N_RESULT <= 64 && SC_N_STATS <= 64 && SC_N_CGROUP <= 64 && SC_N_MONITOR <= 64,
               "present is a 64-bit mask");

#define SIDECAR_HAS(s, STRUCT, name) (((s)->present >> SC_IDX_##STRUCT##_##name) & 1)

/* ---- the descriptors every walker uses ---- */

enum sc_rule { SC_R_NO, SC_R_REQ, SC_R_OPT, SC_R_OMIT, SC_R_DEF, SC_R_EXT };

enum sc_kind {
	SC_K_STR,
	SC_K_BOOL,
	SC_K_U64,
	SC_K_USIZE,
	SC_K_U32,
	SC_K_U16,
	SC_K_I64,
	SC_K_I32,
	SC_K_F64,
	SC_K_STRUCT,
	SC_K_SEQ,
	SC_K_MAP,     /* string keys, last occurrence wins */
	SC_K_CPU_MAP, /* decimal CPU-number keys */
	SC_K_ENUM,
	SC_K_OBJECT, /* any object: upstream's opaque engine statistics */
};

/* How a member is kept in C, for the reader and the writer. */
enum sc_ctype {
	SC_C_NONE,
	SC_C_STR,
	SC_C_BOOL,
	SC_C_UINT,
	SC_C_INT,
	SC_C_F64,
	SC_C_OF64,
	SC_C_DENOM,
	SC_C_STRV,
	SC_C_EXT,
	SC_C_U64V,
	SC_C_CGROUPS,
	SC_C_STATS,
	SC_C_MONITOR,
	SC_C_EVENTS,
	SC_C_SCHEDSTAT,
	SC_C_CB,
	SC_C_PAYLOADS,
};

enum sc_how { SC_HOW_S, SC_HOW_N, SC_HOW_D, SC_HOW_SUM, SC_HOW_MAX, SC_HOW_MINNZ, SC_HOW_ATMAX };

enum { SC_CORE = 1, SC_NAME = 2 };

struct sc_type;

struct sc_member {
	const char *name;
	size_t len;
	const struct sc_type *type;
	enum sc_ctype ctype;
	unsigned char rule[SIDECAR_NGEN + 1]; /* G0, G1, G2, then the reading rule */
	unsigned char flags;                  /* SC_CORE, SC_NAME */
	unsigned char how;                    /* enum sc_how */
	size_t offset;                        /* in the C struct, when how stores it */
	const char *from;                     /* folds: the cgroup member */
	double (*formula)(const void *obj);   /* SC_HOW_D: the value from the C struct */
};

struct sc_variant {
	const char *name;
	const struct sc_type *payload; /* NULL: unit variant */
	unsigned gens;                 /* bit g: generation g has it */
};

struct sc_type {
	enum sc_kind kind;
	const char *name;               /* struct / enum name for messages */
	const struct sc_member *members; /* SC_K_STRUCT */
	size_t nmembers;
	const struct sc_type *elem;      /* SC_K_SEQ element, SC_K_MAP / SC_K_CPU_MAP value */
	const struct sc_variant *variants; /* SC_K_ENUM */
	size_t nvariants;
	size_t present; /* modelled structs: offset of the present mask; 0 otherwise */
	size_t size;    /* modelled structs: the C struct's size */
};

/* The structs, by their upstream names. */
extern const struct sc_type *const sidecar_type_result; /* SidecarResult */
extern const struct sc_type *const sidecar_type_stats;  /* ScenarioStats */
extern const struct sc_type *const sidecar_type_cgroup; /* CgroupStats */
extern const struct sc_type *const sidecar_type_monitor; /* MonitorSummary */
extern const struct sc_type *const sidecar_type_events;  /* ScxEventDeltas */
extern const struct sc_type *const sidecar_type_schedstat; /* SchedstatDeltas */

/* The member of t named name (length n), or NULL. */
const struct sc_member *sidecar_member(const struct sc_type *t, const char *name, size_t n);
/*
 * The same, looking from member index from on first: a reader that
 * passes the index after its last hit finds members in file order at
 * once, since files keep their structs' order.
 */
const struct sc_member *sidecar_member_near(const struct sc_type *t, const char *name, size_t n,
                                            size_t from);

/* The first generation that has m, or SIDECAR_NGEN when none does (EXT). */
enum sidecar_gen sidecar_member_since(const struct sc_member *m);

/*
 * Empty the C struct obj of modelled type t: every member zero, NULL or empty,
 * except the optional numbers, which are NaN (none).
 */
void sidecar_clear(const struct sc_type *t, void *obj);

/*
 * The C value of member m of the struct at obj as a double (stored or
 * derived), for the scenario fold and the derived members.
 */
double sidecar_member_value(const struct sc_member *m, const void *obj);

#endif
