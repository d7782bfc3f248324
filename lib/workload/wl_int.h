/*
 * wl_int.h: what the workload files share among themselves and with
 * their unit tests; not part of the interface of workload.h.
 */
#ifndef KTSTR_WL_INT_H
#define KTSTR_WL_INT_H

#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/util.h"
#include "workload.h"

void wl_sleep_ns(uint64_t ns); /* returns early on a signal */

/* "0-3,5" <-> cpu_set_t.  Parse returns 0, or -1 on bad syntax. */
int wl_cpulist_parse(const char *s, cpu_set_t *set);
void wl_cpulist_format(const cpu_set_t *set, struct buf *b);
/* The CPUs of set in ascending order into cpus[0..CPU_SETSIZE); returns the count. */
size_t wl_cpuset_list(const cpu_set_t *set, int *cpus);

/* ---- topology (wl_topo.c) ---- */

struct wl_topo {
	size_t ncpus;
	int *cpu;  /* online CPUs, ascending */
	long *llc; /* per index: LLC id */
	int *node; /* per index: NUMA node */
	long *core; /* per index: core_id */
	size_t nnodes;
};

int wl_topo_read(const char *sysfs, struct wl_topo *t);
void wl_topo_free(struct wl_topo *t);
/* Distinct LLC ids in order of their lowest CPU; returns the count, ids in *ids (caller frees). */
size_t wl_topo_llcs(const struct wl_topo *t, long **ids);

/* The identity of the running sched_ext scheduler, compared during and after a run. */
struct wl_sched_id {
	int present;   /* /sys/kernel/sched_ext exists */
	char state[32];
	char ops[64];
	char enable_seq[32];
};
void wl_sched_snapshot(const char *scx_dir, struct wl_sched_id *id);

/* ---- scenarios (wl_scenario.c) ---- */

/* A catalog entry: every cgroup gets the same work description. */
struct wl_scenario {
	const char *name, *desc;
	unsigned ncgroups;        /* 0: --cgroups, default 2 ("custom") */
	struct wl_partition part;
	enum wl_type type;        /* Bursty here means upstream's Bursty{500,250} */
	struct wl_policy policy;
	enum wl_affinity_kind aff;
	unsigned workers;         /* fixed workers per cgroup; 0: --workers */
	int ops;                  /* the ops path: no settle pause */
};

const struct wl_scenario *wl_scenario_find(const char *name);

/* ---- partitions (wl_scenario.c) ---- */

/*
 * k cpusets from the partition over the topology.  Returns the
 * number of sets written to sets[0..k); 0 for WL_PART_NONE.  A set may
 * come out empty (the caller skips the scenario).
 */
size_t wl_partition_sets(const struct wl_partition *p, const struct wl_topo *t, size_t k,
                         cpu_set_t *sets);

/* ---- cgroups (wl_cgroup.c) ---- */

struct wl_cg {
	enum wl_cgroup_mode mode;  /* resolved: V2, V1 or NONE */
	size_t n;
	char *v2_parent, *v1_parent; /* created parents, or NULL */
	char **v2_child, **v1_child; /* per group, or NULL */
	int *cpuset_applied;         /* per group: a kernel cpuset holds the group */
	char *v2_home, *v1_home;     /* where the runner's tasks live, for teardown */
};

/*
 * Create ktstr-<owner>/cg_<i> for n groups in mode m, writing
 * cpusets[i] where has_cpuset[i].  Returns 0, or -1 with err (anything
 * created is removed again).
 */
int wl_cg_setup(struct wl_cg *cg, enum wl_cgroup_mode m, pid_t owner, size_t n,
                const cpu_set_t *cpusets, const int *has_cpuset, int quiet, char *err,
                size_t errlen);
/* Move pid into group i's cgroup(s); warns on failure. */
void wl_cg_move(struct wl_cg *cg, size_t i, pid_t pid);
/* Remove everything wl_cg_setup created; safe to call twice. */
void wl_cg_teardown(struct wl_cg *cg);
/* Remove the ktstr-<owner> trees in every hierarchy; returns dirs removed, -1 on a failure. */
int wl_cg_sweep_owner(pid_t owner);

/* ---- workers (wl_worker.c) ---- */

/* Everything one forked worker needs, prepared by the runner. */
struct wl_worker_ctx {
	const struct wl_work *work;
	struct wl_policy policy;
	int has_affinity;
	cpu_set_t affinity;
	int first_in_group;   /* PipeIo/CachePipe pair "A", FutexPingPong "first", messengers */
	int is_messenger;
	void *shared;         /* the group's futex word / 16-byte region */
	int pipe_rd, pipe_wr; /* PipeIo/CachePipe */
	volatile uint64_t *progress;
};

extern volatile sig_atomic_t wl_stop;

/* Run the work until wl_stop, fill r (allocations owned by r). */
void wl_worker_main(const struct wl_worker_ctx *c, struct wl_report *r);

/* The pipe transport: encode r onto fd (0 / -1), decode a whole record (0 / -1). */
int wl_report_write(int fd, const struct wl_report *r);
int wl_report_decode(const char *p, size_t n, struct wl_report *r);

/* ---- monitor (wl_monitor.c) ---- */

struct wl_mon;
/*
 * A sampler over scx_dir's root/events and debugfs's sched/debug (NULL:
 * the system paths); NULL when neither can be read.
 */
struct wl_mon *wl_mon_new(const char *scx_dir, const char *debugfs);
void wl_mon_sample(struct wl_mon *m, uint64_t now_ns);
/*
 * The MonitorSummary (caller frees); judges the thresholds when sched_ext was
 * sampled, appending Monitor details and setting *failed.  Frees m.
 */
struct wl_monitor *wl_mon_finish(struct wl_mon *m, int *failed, struct wl_detail **d, size_t *nd);
void wl_mon_free(struct wl_mon *m);

/* ---- NUMA fields (wl_stats.c) ---- */

/*
 * Host mode (upstream writes 0), for multi-node hosts and groups with an
 * expected node set only (expected[node] != 0 for node < nnodes):
 * page_locality = Σlocal/Σpages (1.0 with no pages) and
 * cross_node_migration_ratio = Σmigrated/Σpages over the group.
 */
void wl_numa_stats(const struct wl_report *r, size_t n, const unsigned char *expected,
                   size_t nnodes, struct sidecar_cgroup *cg);

/* ---- checks (wl_stats.c) ---- */

void wl_detail_add(struct wl_detail **d, size_t *nd, enum wl_detail_kind k, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void wl_details_free(struct wl_detail *d, size_t n);

/* Edit distance used by the suggestions. */

/* snprintf into a caller's error buffer. */
void wl_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
