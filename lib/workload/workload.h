/*
 * workload: real scheduler workloads on this host (ktstr-test(1),
 * SCENARIOS; the rules are in doc/workloads.md).
 *
 * Forked worker processes run one of the work types, report their
 * telemetry over a pipe, and the runner aggregates them per work group,
 * folds the groups, runs the checks and returns a verdict.  Cgroups
 * (v2, v1 cpuset fallback, or none with affinity emulation) are created
 * per scenario and always torn
 * down: on return, on error, on SIGINT/SIGTERM/SIGHUP, and by a guardian
 * process when the runner itself is killed with SIGKILL.
 *
 * The interface mirrors `ktstr-test --scenario`: struct wl_opts
 * holds the option values, wl_opt_set() parses one option the way the
 * command line spells it, and wl_scenario_run() runs a scenario.  Its
 * statistics and monitor summary are the sidecar's own structs
 * (sidecar/sidecar_schema.h), which sidecar/sidecar_write.h writes.
 *
 * Workers die with the thread that forked them (PR_SET_PDEATHSIG), so
 * call wl_scenario_run() from the main thread of a single-threaded program.
 *
 * ktstr-test --scenario, in outline:
 *
 *	wl_opts_init(&o);
 *	o.progress = wl_progress_tty (unless --quiet);
 *	wl_opt_set(&o, "scenario", NAME, err, sizeof err), then "duration",
 *	    "work-type", ... as given (-1: usage error with a suggestion, exit 2)
 *	o.isolation = 1 (--isolation); o.monitor = 1 (--monitor); o.quiet (--quiet)
 *	switch (wl_scenario_run(&o, &res, err, sizeof err)) {
 *	case -1: error, exit 2;
 *	case -2: interrupted: no sidecar, exit 128 + res.signal;
 *	case 0:  sidecar with test_name NAME, work_type res.work_type,
 *	         scheduler --scheduler or res.scheduler, topology --topology
 *	         or wl_topology_label(NULL, NULL, 0), passed/skipped, stats
 *	         &res.stats, monitor res.monitor (&res.monitor->summary);
 *	         print res.details on failure; exit 1 when !res.passed or
 *	         res.monitor_failed, else 0;
 *	}
 *	wl_result_free(&res);
 *
 * --list-scenarios: wl_list_scenario(i); --list-work-types:
 * wl_list_work_type(i); --cleanup: wl_cleanup().
 */
#ifndef KTSTR_WORKLOAD_H
#define KTSTR_WORKLOAD_H

#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sidecar/sidecar_schema.h"

/* ---- work types, in upstream's declaration order ---- */

enum wl_type {
	WL_CPU_SPIN,
	WL_YIELD_HEAVY,
	WL_MIXED,
	WL_IO_SYNC,
	WL_BURSTY,
	WL_PIPE_IO,
	WL_FUTEX_PING_PONG,
	WL_CACHE_PRESSURE,
	WL_CACHE_YIELD,
	WL_CACHE_PIPE,
	WL_FUTEX_FAN_OUT,
	WL_SEQUENCE,
	WL_FORK_EXIT,
	WL_NICE_SWEEP,
	WL_AFFINITY_CHURN,
	WL_POLICY_CHURN,
	WL_FAN_OUT_COMPUTE,
	WL_PAGE_FAULT_CHURN,
	WL_MUTEX_CONTENTION,
	WL_CUSTOM,
	WL_NTYPES
};

enum wl_phase_kind { WL_PHASE_SPIN, WL_PHASE_SLEEP, WL_PHASE_YIELD, WL_PHASE_IO };

struct wl_phase {
	enum wl_phase_kind kind;
	uint64_t ns;
};

#define WL_MAX_PHASES 16

struct wl_report;
/*
 * Custom work: runs in the worker until *stop becomes
 * non-zero and fills the report itself (tid, completed and the wall
 * clock are set by the framework; nothing else is).
 */
typedef void (*wl_custom_fn)(volatile const sig_atomic_t *stop, struct wl_report *r, void *arg);

/*
 * One work description.  The parameters of every type live side by
 * side; wl_work_init() sets upstream's defaults of all of them, and a
 * type reads only its own.
 */
struct wl_work {
	enum wl_type type;
	uint64_t burst_ms, sleep_ms;                 /* Bursty */
	uint64_t burst_iters;                        /* PipeIo, CachePipe */
	uint64_t spin_iters;                         /* FutexPingPong, FutexFanOut, *Churn */
	uint64_t size_kb, stride;                    /* Cache* */
	uint64_t fan_out;                            /* FutexFanOut, FanOutCompute */
	uint64_t cache_footprint_kb, operations, sleep_usec; /* FanOutCompute */
	uint64_t region_kb, touches_per_cycle;       /* PageFaultChurn (+ spin_iters) */
	uint64_t contenders, hold_iters, work_iters; /* MutexContention */
	struct wl_phase phases[WL_MAX_PHASES];       /* Sequence */
	size_t nphases;
	const char *custom_name;                     /* Custom: the sidecar work_type */
	wl_custom_fn custom_fn;
	void *custom_arg;
};

/* Upstream's defaults for type t (Sequence: no phases; Custom: no function). */
void wl_work_init(struct wl_work *w, enum wl_type t);

/* PascalCase wire name ("SpinWait"); for Custom the custom_name. */
const char *wl_work_name(const struct wl_work *w);
const char *wl_type_name(enum wl_type t);
/* Exact, case-sensitive lookup; -1 when unknown. */
int wl_type_lookup(const char *name);
/* Workers per group (pairs, fan-out + 1, contenders); 1 for ungrouped types. */
unsigned wl_group_size(const struct wl_work *w);

/*
 * Parse "TYPE[:k=v,...]" (--work-type): a work type's name, then parameters that
 * override its defaults, e.g. "Bursty:burst_ms=20,sleep_ms=10".
 * Sequence takes its phase list the same way, in order:
 * "Sequence:spin=100ms,sleep=50ms,yield=20ms,io=10ms" (units ns, us,
 * ms, s; a bare number is ms).  Sequence needs at least one phase;
 * Custom is rejected.  On failure writes a message (with the closest
 * name for an unknown type or parameter) into err and returns -1.
 */
int wl_parse_work(const char *arg, struct wl_work *w, char *err, size_t errlen);

/*
 * Work types that --work-type accepts on their own, one per index, in
 * declaration order (every type but Sequence and Custom); NULL
 * past the end.
 */
const char *wl_list_work_type(size_t i);

/* ---- policies, partitions, affinity (doc/workloads.md) ---- */

enum wl_policy_kind { WL_POL_NORMAL, WL_POL_BATCH, WL_POL_IDLE, WL_POL_FIFO, WL_POL_RR };

struct wl_policy {
	enum wl_policy_kind kind;
	int prio; /* FIFO/RR, clamped to 1..99 when applied */
};

enum wl_partition_kind {
	WL_PART_NONE,
	WL_PART_SPLIT_HALF,
	WL_PART_SPLIT_MISALIGNED,
	WL_PART_UNEVEN,
	WL_PART_HOLDBACK,
	WL_PART_OVERLAP,
	WL_PART_LLC,
};

struct wl_partition {
	enum wl_partition_kind kind;
	double frac; /* Uneven, Holdback, Overlap */
};

enum wl_affinity_kind {
	WL_AFF_INHERIT,
	WL_AFF_RANDOM_SUBSET,
	WL_AFF_LLC_ALIGNED,
	WL_AFF_CROSS_CGROUP,
	WL_AFF_SINGLE_CPU,
};

enum wl_cgroup_mode { WL_CG_AUTO, WL_CG_V2, WL_CG_V1, WL_CG_NONE };

/* ---- options ---- */

struct wl_progress {
	const char *scenario;
	uint64_t elapsed_ms;
	uint64_t duration_ms;
	unsigned workers_alive;
	unsigned workers_total;
	uint64_t iterations; /* outer iterations of all workers so far */
	int done; /* last call: the workload stopped (clear the line) */
};

typedef void (*wl_progress_fn)(void *arg, const struct wl_progress *p);

struct wl_opts {
	const char *scenario;       /* catalog name; wl_opt_set resolves aliases */
	int have_work;              /* --work-type given */
	struct wl_work work;
	uint64_t duration_ms;       /* --duration, default 2000 */
	/*
	 * --workers: per cgroup, default 2.  Scenarios that fix their own
	 * count keep it, as upstream's explicit num_workers wins
	 * (cgroup_oversubscribed 32, sched_fifo 1, sched_rr 2).
	 */
	unsigned workers;
	/*
	 * --cgroups: default the scenario's (custom: 2).  A partition that
	 * makes a different number of cpusets is a setup error.
	 */
	unsigned cgroups;
	uint64_t settle_ms;         /* --settle-ms, default 500 */
	int have_partition;         /* --partition given */
	struct wl_partition partition;
	int have_policy;            /* --policy given */
	struct wl_policy policy;
	int64_t max_gap_ms;         /* --max-gap-ms; -1 = not set */
	double max_spread_pct;      /* --max-spread-pct; < 0 = not set */
	int isolation;              /* --isolation */
	enum wl_cgroup_mode cgroup_mode; /* --cgroup-mode, default auto */
	int monitor;                /* --monitor */
	/*
	 * Called about every 100 ms while the workload holds (and once at
	 * the end); NULL for none.  wl_progress_tty is a ready-made one.
	 */
	wl_progress_fn progress;
	void *progress_arg;
	int quiet;                  /* no warnings about skipped cgroup placement etc. */
	/* Where sched_ext and debugfs live; NULL: /sys/kernel/sched_ext, /sys/kernel/debug. */
	const char *scx_dir;
	const char *debugfs_dir;
};

/* The defaults of ktstr-test(1) (duration 2 s, 2 workers, settle 500 ms, auto). */
void wl_opts_init(struct wl_opts *o);

/*
 * Set the option spelled --NAME (without dashes: "scenario", "work-type",
 * "duration", "workers", "cgroups", "settle-ms", "partition", "policy",
 * "max-gap-ms", "max-spread-pct", "cgroup-mode") from its argument,
 * range-checked: duration seconds (decimals allowed, 0.001..86400),
 * workers 1..4096, cgroups 1..64, settle-ms 0..60000, max-gap-ms
 * 0..86400000, max-spread-pct 0..100, partition
 * none|split-half|split-misaligned|uneven:F|holdback:F|overlap:F|llc
 * (F in (0,1)), policy normal|batch|idle|fifo:P|rr:P (P 1..99),
 * cgroup-mode auto|v2|v1|none.  Returns 0, or -1 with a message in err
 * ("invalid duration '0': want seconds between 0.001 and 86400").
 */
int wl_opt_set(struct wl_opts *o, const char *name, const char *arg, char *err, size_t errlen);

/*
 * A progress line on stderr when it is a terminal, redrawn in place:
 * "[1.5/2.0s] NAME: 4/4 workers alive, 123456 iterations"; erased by
 * the last call.
 */
void wl_progress_tty(void *arg, const struct wl_progress *p);

/* ---- scenarios ---- */

/* Catalog names in order, then "steady" and "custom"; NULL past the end. */
const char *wl_list_scenario(size_t i);
/* One-line description of a scenario, NULL if unknown. */
const char *wl_scenario_description(const char *name);
/* 1 if name is a scenario (aliases included). */
int wl_scenario_exists(const char *name);
/* Closest scenario / work-type name by edit distance, or NULL. */
const char *wl_suggest_scenario(const char *name);
const char *wl_suggest_work_type(const char *name);

/* ---- per-worker report ---- */

struct wl_migration {
	uint64_t at_ns;
	int from_cpu, to_cpu;
};

struct wl_node_pages {
	int node;
	uint64_t pages;
};

enum wl_exit_kind {
	WL_EXIT_NONE,      /* a real report */
	WL_EXIT_EXITED,    /* sentinel: exited with code */
	WL_EXIT_SIGNALED,  /* sentinel: killed by signal code */
	WL_EXIT_TIMED_OUT, /* sentinel: still alive at the collection deadline */
	WL_EXIT_WAIT_FAILED, /* sentinel: waitpid failed with errno code */
};

#define WL_MAX_WAKE_SAMPLES 100000

struct wl_report {
	int32_t tid;
	uint64_t work_units;
	uint64_t cpu_time_ns;
	uint64_t wall_time_ns;
	uint64_t off_cpu_ns;
	uint64_t migration_count;
	int *cpus_used; /* sorted, distinct */
	size_t ncpus_used;
	struct wl_migration *migrations;
	size_t nmigrations;
	uint64_t max_gap_ms;
	uint64_t max_gap_cpu;
	uint64_t max_gap_at_ms;
	uint64_t *resume_latencies_ns;
	size_t nlatencies;
	uint64_t wake_sample_total;
	uint64_t iterations;
	uint64_t schedstat_run_delay_ns;
	uint64_t schedstat_run_count;
	uint64_t schedstat_cpu_time_ns;
	int completed;
	struct wl_node_pages *numa_pages; /* sorted by node */
	size_t nnuma;
	uint64_t vmstat_numa_pages_migrated;
	enum wl_exit_kind exit_kind;
	int exit_code;
	int is_messenger;
};

void wl_report_free(struct wl_report *r);

/* ---- statistics (doc/workloads.md) ---- */

/*
 * A group's statistics are a sidecar_cgroup, a scenario's a
 * sidecar_stats.  page_locality and cross_node_migration_ratio stay 0.0
 * as upstream writes them, except that wl_scenario_run fills them on a
 * multi-node host for a group with a cpuset (host mode; upstream writes 0).
 */

/* Nearest-rank percentile of sorted s[0..n): s[ceil(n * p) - 1]; 0 when n == 0. */
uint64_t wl_percentile(const uint64_t *sorted, size_t n, double p);

/*
 * One work group's CgroupStats from its reports (sentinels included),
 * named name; an off-CPU share no worker measured is NaN (none).
 */
void wl_cgroup_stats(const struct wl_report *r, size_t n, const char *name,
                     struct sidecar_cgroup *out);
void wl_cgroup_stats_free(struct sidecar_cgroup *cg);

/* ---- checks and verdict ---- */

enum wl_detail_kind {
	WL_D_STARVED,
	WL_D_STUCK,
	WL_D_UNFAIR,
	WL_D_ISOLATION,
	WL_D_BENCHMARK,
	WL_D_MIGRATION,
	WL_D_PAGE_LOCALITY,
	WL_D_CROSS_NODE_MIGRATION,
	WL_D_SLOW_TIER,
	WL_D_MONITOR,
	WL_D_SCHEDULER_DIED,
	WL_D_SKIP,
	WL_D_OTHER,
};

struct wl_detail {
	enum wl_detail_kind kind;
	char *msg;
};

const char *wl_detail_kind_name(enum wl_detail_kind k); /* "Starved", ... */

struct wl_checks {
	int64_t max_gap_ms;    /* -1: default GAP_LIMIT_MS rule */
	double max_spread_pct; /* < 0: default SPREAD_LIMIT rule */
	const cpu_set_t *isolation; /* non-NULL: the group's cpuset to check against */
};

/*
 * Starved, stuck, unfair (and with --isolation, outside the cpuset):
 * append the group's failing details to
 * *d / *nd; returns 1 when the group passed.
 */
int wl_check_group(const struct wl_report *r, size_t n, const struct sidecar_cgroup *cg,
                   const struct wl_checks *c, struct wl_detail **d, size_t *nd);

/* ---- monitor ---- */

/* The monitor summary of a run: the sidecar's, with its event deltas beside it. */
struct wl_monitor {
	struct sidecar_monitor summary; /* summary.event_deltas is &events or NULL */
	struct sidecar_events events;
};

/* ---- running a scenario ---- */

struct wl_group {
	struct wl_work work;     /* what ran (after --work-type replaced it, or not) */
	struct wl_policy policy;
	int has_cpuset;
	cpu_set_t cpuset;        /* the group's cgroup cpuset, when has_cpuset */
	struct wl_report *reports; /* spawn order, sentinels included */
	size_t nreports;
};

struct wl_result {
	int passed, skipped;
	struct sidecar_stats stats;
	struct wl_detail *details;
	size_t ndetails;
	struct wl_group *groups;
	size_t ngroups;
	const char *work_type;   /* sidecar work_type: the first group's type */
	int work_override_skipped; /* --work-type not applied to some group (size; warned) */
	char *scheduler;         /* the scheduler's name detected at the start */
	struct wl_monitor *monitor; /* NULL: `monitor: null` */
	int monitor_failed;      /* fails ktstr-test, never the sidecar's passed */
	enum wl_cgroup_mode cgroup_mode; /* the mode actually used (never AUTO) */
	uint64_t elapsed_ms;     /* how long the workload held */
	int signal;              /* the signal that interrupted the run (return -2) */
};

void wl_result_free(struct wl_result *res);


/*
 * Run a scenario.  Returns 0 with a verdict in res (passed/skipped/
 * details/stats); -1 on a setup error (unknown scenario, bad group
 * size, cgroup mode unavailable, fork failure: message in err, nothing
 * left behind); -2 when SIGINT, SIGTERM or SIGHUP arrived during the
 * run (res->signal says which; workers killed, cgroups removed, no
 * verdict: write no sidecar, then exit 128+signal or re-raise).
 * SIGINT/SIGTERM/SIGHUP handlers are installed only for the call.
 * After 0 and -2 free res with wl_result_free(); after -1 it is empty
 * (freeing it is harmless).
 */
int wl_scenario_run(const struct wl_opts *o, struct wl_result *res, char *err, size_t errlen);

/* ---- host probes ---- */

/*
 * The topology label from sysfs ("/sys" when root is NULL), e.g.
 * "1n1l2c1t"; caller frees.  *cpus receives the online CPU count (may
 * be NULL); warns about a heterogeneous machine unless quiet.
 */
char *wl_topology_label(const char *sysfs, unsigned *cpus, int quiet);

/*
 * The scheduler name from the sched_ext directory
 * ("/sys/kernel/sched_ext" when NULL): "eevdf", or the ops name of an
 * enabled scheduler running in full mode.  A partial-mode scheduler
 * gives "eevdf" with a warning unless quiet.  Caller frees.
 */
char *wl_scheduler_name(const char *scx_dir, int quiet);

/* Can cgroup mode m be used on this host (as root or delegated)?  1/0. */
int wl_cgroup_mode_available(enum wl_cgroup_mode m);

/*
 * --cleanup: remove stale ktstr-<pid> cgroup directories (every
 * hierarchy) whose pid is dead.  Returns how many were removed, or -1
 * when one could not be (warned).
 */
int wl_cleanup(void);

#endif
