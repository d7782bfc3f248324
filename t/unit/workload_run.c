/*
 * Short real runs of the workload library on this host: every work
 * type, a 2 x 2 SpinWait run, run delay under oversubscription, grouped
 * spawn errors, a dying worker, the cgroup modes (each skipped when the
 * host cannot do it), the stale-cgroup sweep, and a runner killed
 * mid-run (SIGTERM and SIGKILL) leaving no worker and no cgroup behind.
 * Runs are 100-500 ms with a handful of workers.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sidecar/sidecar.h"
#include "sidecar/sidecar_write.h"
#include "tap.h"
#include "util/util.h"
#include "workload/wl_int.h"
#include "workload/workload.h"

static void
skip(const char *why, const char *what)
{
	printf("ok %d # skip %s (%s)\n", ++tap_n, what, why);
}

static void
opts(struct wl_opts *o, const char *scenario, uint64_t ms)
{
	wl_opts_init(o);
	o->scenario = scenario;
	o->duration_ms = ms;
	o->settle_ms = 0;
	o->cgroup_mode = WL_CG_NONE;
	o->quiet = 1;
	/* other work shares this host: fairness and gaps are not what these tests check */
	o->max_spread_pct = 100;
	o->max_gap_ms = 60000;
}

static int
run(const struct wl_opts *o, struct wl_result *r)
{
	char err[256];
	int rc = wl_scenario_run(o, r, err, sizeof err);

	if (rc == -1)
		printf("# wl_scenario_run: %s\n", err);
	return rc;
}

/* The mount point of a cgroup hierarchy ("cgroup2", or "cgroup" with the cpuset option). */
static char *
mount_of(int v2)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL, *found = NULL;

	if (read_file("/proc/self/mounts", &b, 1 << 22) < 0 || b.s == NULL) {
		buf_free(&b);
		return NULL;
	}
	for (line = strtok_r(b.s, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[1024], type[64], o[1024];
		if (sscanf(line, "%255s %1023s %63s %1023s", dev, dir, type, o) != 4)
			continue;
		if (v2 ? strcmp(type, "cgroup2") == 0
		       : strcmp(type, "cgroup") == 0 && (strstr(o, ",cpuset") || !strncmp(o, "cpuset", 6)))
			found = estrdup(dir);
	}
	buf_free(&b);
	return found;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* No ktstr-<pid> directory in either hierarchy. */
static int
no_cgroups_of(pid_t pid)
{
	int clean = 1;

	for (int v2 = 0; v2 < 2; v2++) {
		char *m = mount_of(v2), *p;
		if (m == NULL)
			continue;
		p = easprintf("%s/ktstr-%ld", m, (long)pid);
		if (exists(p)) {
			printf("# left behind: %s\n", p);
			clean = 0;
		}
		free(p);
		free(m);
	}
	return clean;
}

/* ---- every work type ---- */

static void
test_type(const char *spec, int samples)
{
	struct wl_opts o;
	struct wl_result r;
	char err[256];
	int rc, good = 1, sampled = 0, messenger_clean = 1;
	unsigned gs;

	opts(&o, "custom", 300);
	if (wl_opt_set(&o, "work-type", spec, err, sizeof err) < 0) {
		ok(0, "%s: %s", spec, err);
		return;
	}
	gs = wl_group_size(&o.work);
	o.workers = gs > 1 ? gs : 2;
	o.cgroups = 1;
	rc = run(&o, &r);
	if (!ok(rc == 0 && r.ngroups == 1 && r.groups[0].nreports == o.workers,
	        "%s: ran %u workers", spec, o.workers)) {
		if (rc == 0)
			wl_result_free(&r);
		return;
	}
	for (size_t i = 0; i < r.groups[0].nreports; i++) {
		struct wl_report *p = &r.groups[0].reports[i];
		if (!p->completed || p->work_units == 0 || p->iterations == 0 || p->wall_time_ns == 0 ||
		    p->ncpus_used == 0) {
			printf("# worker %zu: completed %d units %llu iterations %llu exit %d/%d\n", i,
			       p->completed, (unsigned long long)p->work_units,
			       (unsigned long long)p->iterations, p->exit_kind, p->exit_code);
			good = 0;
		}
		if (p->is_messenger && p->nlatencies)
			messenger_clean = 0;
		sampled += p->nlatencies > 0;
		if (p->nlatencies > p->wake_sample_total)
			good = 0;
	}
	ok(good, "%s: every report completed with work units and iterations", spec);
	if (samples)
		ok(sampled > 0 && messenger_clean, "%s: wake samples recorded (%d workers)", spec, sampled);
	else
		ok(sampled == 0 && r.stats.worst_p99_wake_latency_us == 0.0,
		   "%s: no wake samples", spec);
	ok(r.stats.total_workers == o.workers && r.stats.total_iterations > 0,
	   "%s: stats cover the group", spec);
	wl_result_free(&r);
}

static void
test_all_types(void)
{
	static const struct {
		const char *spec;
		int samples;
	} types[] = {
		{"CpuSpin", 0},
		{"YieldHeavy", 0},
		{"Mixed", 0},
		{"IoSync", 1},
		{"Bursty:burst_ms=20,sleep_ms=10", 1},
		{"PipeIo", 1},
		{"FutexPingPong", 1},
		{"FutexFanOut:fan_out=1", 1},
		{"FanOutCompute:fan_out=1,cache_footprint_kb=64,operations=2", 1},
		{"CachePressure", 0},
		{"ForkExit", 1},
		{"NiceSweep", 1},
		{"AffinityChurn", 1},
		/* a long hold makes contention (and so samples) certain */
		{"MutexContention:contenders=4,hold_iters=65536", 1},
		{"CacheYield", 1},
		{"CachePipe", 1},
		{"Sequence:spin=10ms,sleep=5ms,yield=5ms,io=5ms", 1},
		{"PolicyChurn", 1},
		{"PageFaultChurn:region_kb=256", 0},
	};

	for (size_t i = 0; i < LEN(types); i++)
		test_type(types[i].spec, types[i].samples);
}

/* ---- SpinWait runs ---- */

struct progress_log {
	unsigned calls, done, max_alive, total;
	uint64_t iterations;
	int cg_seen;     /* a worker pid was found in the expected cgroup */
	char *cg_check;  /* cgroup.procs file to look into, or NULL */
	char *cpus_file; /* cpuset.cpus file to read, or NULL */
	char cpus[64];
};

static void
log_progress(void *arg, const struct wl_progress *p)
{
	struct progress_log *l = arg;
	struct buf b = BUF_INIT;

	l->calls++;
	l->done += p->done;
	if (p->iterations < l->iterations)
		l->iterations = UINT64_MAX; /* must never go backwards */
	else if (l->iterations != UINT64_MAX)
		l->iterations = p->iterations;
	l->total = p->workers_total;
	if (p->workers_alive > l->max_alive)
		l->max_alive = p->workers_alive;
	if (l->cg_check && read_file(l->cg_check, &b, 65536) == 0 && b.len > 0)
		l->cg_seen = 1;
	buf_free(&b);
	if (l->cpus_file && read_file(l->cpus_file, &b, 4096) == 0 && b.s) {
		b.s[strcspn(b.s, "\n")] = '\0';
		snprintf(l->cpus, sizeof l->cpus, "%s", b.s);
	}
	buf_free(&b);
}

static void
test_cpuspin_2x2(void)
{
	struct wl_opts o;
	struct wl_result r;
	struct progress_log l = {0};
	int good = 1;
	char *m = mount_of(1);

	opts(&o, "cgroup_steady", 500);
	o.cgroup_mode = WL_CG_AUTO;
	o.progress = log_progress;
	o.progress_arg = &l;
	if (m && getuid() == 0 && wl_cgroup_mode_available(WL_CG_V2))
		l.cg_check = easprintf("%s/ktstr-%ld/cg_1/cgroup.procs", m, (long)getpid());
	if (!ok(run(&o, &r) == 0, "cgroup_steady 2x2 SpinWait ran")) {
		free(m);
		free(l.cg_check);
		return;
	}
	ok(r.ngroups == 2 && r.groups[0].nreports == 2 && r.groups[1].nreports == 2, "4 reports");
	for (size_t g = 0; g < r.ngroups; g++)
		for (size_t i = 0; i < r.groups[g].nreports; i++) {
			struct wl_report *p = &r.groups[g].reports[i];
			good &= p->completed && p->work_units > 0 && p->iterations > 0 &&
			        p->exit_kind == WL_EXIT_NONE;
		}
	ok(good, "completed, work_units > 0, iterations > 0");
	ok(r.stats.cgroups.n == 2 && r.stats.cgroups.v[0].num_cpus >= 1 && r.stats.cgroups.v[1].num_cpus >= 1,
	   "num_cpus >= 1 per group");
	ok(r.stats.total_workers == 4, "total_workers 4");
	is_str(r.work_type, "SpinWait", "work_type SpinWait (0.4.9's CpuSpin)");
	ok(r.scheduler && *r.scheduler, "scheduler named (%s)", r.scheduler ? r.scheduler : "");
	ok(r.passed && !r.skipped && r.ndetails == 0, "passed");
	ok(r.elapsed_ms >= 500 && r.elapsed_ms < 1500, "held about 500 ms (%llu)",
	   (unsigned long long)r.elapsed_ms);
	ok(l.calls >= 3 && l.done == 1 && l.total == 4 && l.max_alive == 4,
	   "progress: %u calls, last one done, 4/4 alive", l.calls);
	ok(l.iterations > 0 && l.iterations != UINT64_MAX && l.iterations <= r.stats.total_iterations,
	   "progress: iterations grow to at most the final total (%llu)",
	   (unsigned long long)l.iterations);
	if (l.cg_check)
		ok(l.cg_seen && r.cgroup_mode == WL_CG_V2, "auto mode used cgroup v2 with the workers in it");
	else
		skip("cgroup v2 not writable here", "workers inside cgroup v2");
	ok(no_cgroups_of(getpid()), "cgroups removed after the run");
	ok(r.monitor == NULL, "no monitor without --monitor");
	{
		/* the stats go into a sidecar that every generation's rules accept */
		struct sidecar_result so;
		struct json_writer w;
		char *topo = wl_topology_label(NULL, NULL, 1);
		sidecar_clear(sidecar_type_result, &so);
		so.test_name = o.scenario;
		so.topology = topo;
		so.scheduler = r.scheduler;
		so.passed = r.passed;
		so.skipped = r.skipped;
		so.stats = &r.stats;
		so.work_type = r.work_type;
		so.timestamp = "2026-01-01T00:00:00Z";
		so.run_id = "20260101T000000Z-0";
		jw_init(&w, 1);
		sidecar_write_json(&w, &so);
		for (unsigned g = 0; g < SIDECAR_NGEN; g++) {
			struct json_doc doc = {0};
			char e[256] = "";
			ok(sidecar_parse(&doc, w.s, w.len, g, e, sizeof e) == 0,
			   "a sidecar with these stats is what %s requires%s%s", sidecar_gen_label[g],
			   *e ? ": " : "", e);
			json_doc_free(&doc);
		}
		jw_free(&w);
		free(topo);
	}
	wl_result_free(&r);
	free(m);
	free(l.cg_check);
}

static void
test_run_delay(void)
{
	struct wl_opts o;
	struct wl_result r;
	unsigned cpus = 0;
	char *label = wl_topology_label(NULL, &cpus, 1);
	int good = 1;

	free(label);
	if (access("/proc/self/schedstat", R_OK) != 0) {
		skip("no /proc/self/schedstat", "run delay under oversubscription");
		return;
	}
	/* two workers pinned to one CPU per group (or two on the only CPU) */
	opts(&o, cpus >= 2 ? "cgroup_affinity_pinned" : "custom", 300);
	if (cpus < 2)
		o.cgroups = 1;
	if (!ok(run(&o, &r) == 0, "oversubscribed run"))
		return;
	for (size_t g = 0; g < r.ngroups; g++)
		for (size_t i = 0; i < r.groups[g].nreports; i++)
			good &= r.groups[g].reports[i].schedstat_run_delay_ns > 0 &&
			        r.groups[g].reports[i].schedstat_run_count > 0;
	ok(good, "every worker saw run delay when workers outnumber CPUs");
	ok(r.stats.worst_mean_run_delay_us > 0 && r.stats.worst_run_delay_us > 0,
	   "run delay reaches the stats");
	wl_result_free(&r);
}

static void
test_spawn_errors(void)
{
	struct wl_opts o;
	struct wl_result r;
	char err[256];

	opts(&o, "custom", 100);
	wl_opt_set(&o, "work-type", "PipeIo", err, sizeof err);
	o.workers = 3;
	ok(wl_scenario_run(&o, &r, err, sizeof err) == -1, "PipeIo with 3 workers refused");
	is_str(err, "PipeIo requires num_workers divisible by 2, got 3", "message");
	wl_result_free(&r);
	wl_opt_set(&o, "work-type", "FutexFanOut", err, sizeof err);
	o.workers = 2;
	ok(wl_scenario_run(&o, &r, err, sizeof err) == -1, "FutexFanOut group of 5 with 2 refused");
	is_str(err, "FutexFanOut requires num_workers divisible by 5, got 2", "message");
	wl_result_free(&r);

	/* --work-type: a catalog scenario keeps SpinWait when the group size does not fit */
	opts(&o, "cgroup_steady", 100);
	wl_opt_set(&o, "work-type", "PipeIo", err, sizeof err);
	o.workers = 3;
	ok(run(&o, &r) == 0 && r.work_override_skipped, "override not applied to 3 workers");
	is_str(r.work_type, "SpinWait", "work_type names what ran");
	wl_result_free(&r);
	o.workers = 2;
	ok(run(&o, &r) == 0 && !r.work_override_skipped, "override applied to 2 workers");
	is_str(r.work_type, "PipeIo", "work_type PipeIo");
	wl_result_free(&r);
	/* sched_fifo's own Bursty is not SpinWait: never replaced */
	opts(&o, "sched_batch", 100);
	wl_opt_set(&o, "work-type", "YieldHeavy", err, sizeof err);
	ok(run(&o, &r) == 0 && strcmp(r.work_type, "YieldHeavy") == 0,
	   "a SpinWait catalog entry takes the override");
	wl_result_free(&r);

	/* A topology that cannot hold the scenario skips it */
	opts(&o, "cgroup_cpuset_llc_steady", 100);
	if (ok(run(&o, &r) == 0, "cgroup_cpuset_llc_steady ran or skipped")) {
		long *llcs;
		struct wl_topo t;
		size_t nllc = 0;
		if (wl_topo_read(NULL, &t) == 0) {
			nllc = wl_topo_llcs(&t, &llcs);
			free(llcs);
		}
		wl_topo_free(&t);
		if (nllc < 2) {
			ok(r.skipped && r.passed && r.ndetails == 1 && r.details[0].kind == WL_D_SKIP &&
			   strcmp(r.details[0].msg, "not enough CPUs/LLCs") == 0 && r.stats.cgroups.n == 0 &&
			   r.stats.total_workers == 0 && strcmp(r.work_type, "SpinWait") == 0,
			   "one LLC: skipped with zero stats, work_type kept");
			skip("one LLC here", "several LLCs: ran in LLC cpusets");
		} else {
			skip("several LLCs here", "one LLC: skipped with zero stats, work_type kept");
			ok(!r.skipped && r.stats.cgroups.n == 2, "several LLCs: ran in LLC cpusets");
		}
		wl_result_free(&r);
	}

	opts(&o, "no_such_scenario", 100);
	ok(wl_scenario_run(&o, &r, err, sizeof err) == -1, "unknown scenario is an error");
	wl_result_free(&r);
}

static void
die_now(volatile const sig_atomic_t *stop, struct wl_report *rep, void *arg)
{
	(void)stop;
	(void)rep;
	(void)arg;
	raise(SIGKILL);
}

static void
count_until_stop(volatile const sig_atomic_t *stop, struct wl_report *rep, void *arg)
{
	(void)arg;
	while (!*stop) {
		rep->work_units++;
		rep->iterations++;
		usleep(1000);
	}
}

static void
test_sentinel(void)
{
	struct wl_opts o;
	struct wl_result r;
	struct wl_report *p;

	opts(&o, "custom", 200);
	o.cgroups = 1;
	o.workers = 1;
	o.have_work = 1;
	wl_work_init(&o.work, WL_CUSTOM);
	o.work.custom_name = "Dier";
	o.work.custom_fn = die_now;
	if (!ok(run(&o, &r) == 0, "a run whose worker dies"))
		return;
	p = &r.groups[0].reports[0];
	ok(!p->completed && p->work_units == 0 && p->exit_kind == WL_EXIT_SIGNALED &&
	   p->exit_code == SIGKILL && p->tid > 0, "sentinel report: Signaled(9), not completed");
	ok(!r.passed && r.ndetails == 1 && r.details[0].kind == WL_D_STARVED,
	   "the sentinel fails the starvation check");
	is_str(r.work_type, "Dier", "Custom work_type is the user's name");
	wl_result_free(&r);

	o.work.custom_name = "Counter";
	o.work.custom_fn = count_until_stop;
	ok(run(&o, &r) == 0 && r.passed && r.groups[0].reports[0].completed &&
	   r.groups[0].reports[0].work_units > 0 && r.groups[0].reports[0].nlatencies == 0,
	   "a Custom function fills its own report");
	wl_result_free(&r);
}

/* ---- cgroup modes ---- */

static int
json_shape_equal(const struct json_value *a, const struct json_value *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == JSON_NUMBER)
		return (a->u.num.flags & JSON_NUM_INT) == (b->u.num.flags & JSON_NUM_INT);
	if (a->type == JSON_ARRAY) {
		if (a->u.arr.n != b->u.arr.n)
			return 0;
		for (size_t i = 0; i < a->u.arr.n; i++)
			if (!json_shape_equal(&a->u.arr.items[i], &b->u.arr.items[i]))
				return 0;
	}
	if (a->type == JSON_OBJECT) {
		if (a->u.obj.n != b->u.obj.n)
			return 0;
		for (size_t i = 0; i < a->u.obj.n; i++)
			if (strcmp(a->u.obj.members[i].key, b->u.obj.members[i].key) != 0 ||
			    !json_shape_equal(&a->u.obj.members[i].value, &b->u.obj.members[i].value))
				return 0;
	}
	return 1;
}

/* The sidecar of a run: its statistics, the rest fixed. */
static char *
stats_json(const struct wl_result *r)
{
	struct sidecar_result so;
	struct json_writer w;
	char *s;

	sidecar_clear(sidecar_type_result, &so);
	so.test_name = so.topology = so.scheduler = so.work_type = so.timestamp = so.run_id = "";
	so.stats = &r->stats;
	jw_init(&w, 1);
	sidecar_write_json(&w, &so);
	s = estrdup(w.s);
	jw_free(&w);
	return s;
}

static void
test_cgroup_modes(void)
{
	static const struct {
		enum wl_cgroup_mode mode;
		const char *name;
	} modes[] = {{WL_CG_V2, "v2"}, {WL_CG_V1, "v1"}, {WL_CG_NONE, "none"}};
	unsigned cpus = 0;
	char *label = wl_topology_label(NULL, &cpus, 1), *shape[3] = {0};

	free(label);
	for (size_t k = 0; k < LEN(modes); k++) {
		struct wl_opts o;
		struct wl_result r;
		struct progress_log l = {0};
		char *m = modes[k].mode == WL_CG_NONE ? NULL : mount_of(modes[k].mode == WL_CG_V2);

		if (modes[k].mode != WL_CG_NONE &&
		    (getuid() != 0 || m == NULL || !wl_cgroup_mode_available(modes[k].mode))) {
			skip("not available on this host", modes[k].name);
			free(m);
			continue;
		}
		/* split-half cpusets need two CPUs; one CPU runs without */
		opts(&o, cpus >= 2 ? "cgroup_affinity_pinned" : "cgroup_steady", 300);
		o.cgroup_mode = modes[k].mode;
		o.isolation = 1;
		o.progress = log_progress;
		o.progress_arg = &l;
		if (m) {
			l.cg_check = easprintf("%s/ktstr-%ld/cg_0/cgroup.procs", m, (long)getpid());
			if (modes[k].mode == WL_CG_V1)
				l.cpus_file = easprintf("%s/ktstr-%ld/cg_0/cpuset.cpus", m, (long)getpid());
		}
		if (ok(run(&o, &r) == 0, "cgroup mode %s: ran", modes[k].name)) {
			ok(r.cgroup_mode == modes[k].mode, "cgroup mode %s: used", modes[k].name);
			ok(r.passed, "cgroup mode %s: passed, isolation included", modes[k].name);
			if (m)
				ok(l.cg_seen, "cgroup mode %s: workers were in ktstr-%ld/cg_0", modes[k].name,
				   (long)getpid());
			if (l.cpus_file && r.groups[0].has_cpuset) {
				struct buf b = BUF_INIT;
				wl_cpulist_format(&r.groups[0].cpuset, &b);
				is_str(l.cpus, b.s, "cgroup mode v1: cg_0 held the group's cpuset");
				buf_free(&b);
			}
			if (r.groups[0].has_cpuset) {
				int inside = 1;
				for (size_t g = 0; g < r.ngroups; g++)
					for (size_t i = 0; i < r.groups[g].nreports; i++)
						for (size_t c = 0; c < r.groups[g].reports[i].ncpus_used; c++)
							inside &= CPU_ISSET(r.groups[g].reports[i].cpus_used[c],
							                    &r.groups[g].cpuset) != 0;
				ok(inside, "cgroup mode %s: workers stayed inside their cpusets", modes[k].name);
			}
			shape[k] = stats_json(&r);
			wl_result_free(&r);
		}
		ok(no_cgroups_of(getpid()), "cgroup mode %s: nothing left behind", modes[k].name);
		free(l.cg_check);
		free(l.cpus_file);
		free(m);
	}
	if (shape[2] && (shape[0] || shape[1])) {
		struct json_doc a = {0}, b = {0};
		const char *other = shape[0] ? shape[0] : shape[1];
		int same = json_parse(&a, shape[2], strlen(shape[2]), 0, NULL) == 0 &&
		           json_parse(&b, other, strlen(other), 0, NULL) == 0 &&
		           json_shape_equal(a.root, b.root);
		ok(same, "cgroup mode none gives the same JSON shape as a cgroup run");
		json_doc_free(&a);
		json_doc_free(&b);
	} else {
		skip("no cgroup mode to compare with", "JSON shape of mode none");
	}
	for (size_t k = 0; k < LEN(shape); k++)
		free(shape[k]);
	if (getuid() == 0 && !wl_cgroup_mode_available(WL_CG_V1)) {
		struct wl_opts o;
		struct wl_result r;
		char err[256];
		opts(&o, "cgroup_steady", 100);
		o.cgroup_mode = WL_CG_V1;
		ok(wl_scenario_run(&o, &r, err, sizeof err) == -1 && strstr(err, "v1") != NULL,
		   "an unavailable mode is an error (%s)", err);
		wl_result_free(&r);
	} else {
		skip(getuid() != 0 ? "not root" : "cgroup v1 cpuset is available here",
		     "an unavailable mode is an error");
	}
}

static void
test_sweep(void)
{
	char *m = mount_of(1), *dir = NULL, *sub = NULL;
	pid_t dead;

	if (getuid() != 0 || m == NULL || !wl_cgroup_mode_available(WL_CG_V2)) {
		skip("cgroup v2 not writable here", "stale cgroup sweep");
		free(m);
		return;
	}
	if ((dead = fork()) == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	dir = easprintf("%s/ktstr-%ld", m, (long)dead);
	sub = easprintf("%s/cg_0", dir);
	if (mkdir(dir, 0755) < 0 || mkdir(sub, 0755) < 0) {
		ok(0, "cannot create a stale cgroup '%s': %s", sub, strerror(errno));
	} else {
		int n = wl_cleanup();
		ok(n >= 2 && !exists(dir), "wl_cleanup removed the stale ktstr-%ld tree (%d dirs)",
		   (long)dead, n);
		ok(no_cgroups_of(getpid()), "and nothing of a live runner");
	}
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(dir);

	/* a leftover with the runner's own pid does not stop a run */
	dir = easprintf("%s/ktstr-%ld", m, (long)getpid());
	sub = easprintf("%s/cg_7", dir);
	if (mkdir(dir, 0755) == 0 && mkdir(sub, 0755) == 0) {
		struct wl_opts o;
		struct wl_result r;
		opts(&o, "cgroup_steady", 100);
		o.cgroup_mode = WL_CG_V2;
		ok(run(&o, &r) == 0 && !exists(dir), "a stale ktstr-<own pid> is swept before the run");
		wl_result_free(&r);
	} else {
		ok(0, "cannot create '%s': %s", sub, strerror(errno));
	}
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(dir);
	free(m);
}

/* ---- a sched_ext scheduler that dies, and the monitor (fake sysfs) ---- */

static char fake[64];

static void
put(const char *rel, const char *content)
{
	char *p = path_join(fake, rel), *slash;
	FILE *f;

	for (slash = strchr(p + strlen(fake) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
	}
	if ((f = fopen(p, "w")) == NULL)
		die("cannot create '%s':", p);
	fputs(content, f);
	fclose(f);
	free(p);
}

struct fake_sched {
	int kill_at_ms; /* change the scheduler's state after this long; -1 never */
	int killed;
	unsigned ticks;
};

static void
drive_fake(void *arg, const struct wl_progress *p)
{
	struct fake_sched *f = arg;
	char ev[128];

	f->ticks++;
	snprintf(ev, sizeof ev, "SCX_EV_SELECT_CPU_FALLBACK %u\nSCX_EV_DISPATCH_KEEP_LAST %u\n",
	         f->ticks * 3, f->ticks);
	put("scx/root/events", ev);
	if (f->kill_at_ms >= 0 && !f->killed && p->elapsed_ms >= (uint64_t)f->kill_at_ms) {
		put("scx/state", "disabled\n");
		f->killed = 1;
	}
}

static void
test_fake_scheduler(void)
{
	struct wl_opts o;
	struct wl_result r;
	struct fake_sched f = {-1, 0, 0};
	char *scx, *dbg;

	snprintf(fake, sizeof fake, "/tmp/wl-run.%ld", (long)getpid());
	mkdir(fake, 0755);
	put("scx/state", "enabled\n");
	put("scx/switch_all", "1\n");
	put("scx/enable_seq", "7\n");
	put("scx/root/ops", "rusty\n");
	put("scx/root/events", "SCX_EV_SELECT_CPU_FALLBACK 0\nSCX_EV_DISPATCH_KEEP_LAST 0\n");
	put("debug/sched/debug", "cpu#0, 1.000 MHz\n  .nr_running : 2\n"
	                         "cpu#1, 1.000 MHz\n  .nr_running : 1\n");
	scx = path_join(fake, "scx");
	dbg = path_join(fake, "debug");

	opts(&o, "custom", 600);
	o.cgroups = 1;
	o.scx_dir = scx;
	o.debugfs_dir = dbg;
	o.monitor = 1;
	o.progress = drive_fake;
	o.progress_arg = &f;
	if (ok(run(&o, &r) == 0, "run under a (fake) sched_ext scheduler")) {
		is_str(r.scheduler, "rusty", "the scheduler is the ops name");
		ok(r.passed && r.ndetails == 0, "it stayed alive: passed");
		ok(r.monitor && r.monitor->summary.total_samples >= 3 && r.monitor->summary.event_deltas &&
		   r.monitor->events.total_fallback == 3 * r.monitor->events.total_dispatch_keep_last &&
		   r.monitor->events.total_fallback > 0 && r.monitor->summary.max_imbalance_ratio == 2.0,
		   "monitor: %llu samples, event deltas and imbalance from the fake files",
		   r.monitor ? (unsigned long long)r.monitor->summary.total_samples : 0ull);
		ok(!r.monitor_failed, "a short run never fails the sustained monitor thresholds");
		wl_result_free(&r);
	}

	put("scx/state", "enabled\n");
	f = (struct fake_sched){200, 0, 0};
	o.monitor = 0;
	if (ok(run(&o, &r) == 0, "run whose scheduler dies at 200 ms")) {
		ok(!r.passed && r.ndetails == 1 && r.details[0].kind == WL_D_SCHEDULER_DIED &&
		   strstr(r.details[0].msg, "scheduler process died unexpectedly during workload (") ==
		           r.details[0].msg, "SchedulerDied: %s", r.ndetails ? r.details[0].msg : "");
		ok(r.monitor == NULL, "no --monitor: monitor null");
		wl_result_free(&r);
	}
	free(scx);
	free(dbg);
	{
		char *cmd = easprintf("rm -rf '%s'", fake);
		if (system(cmd) != 0)
			warning("cannot remove '%s'", fake);
		free(cmd);
	}
}

/* ---- a runner killed mid-run ---- */

static void
test_killed(int sig, const char *scenario)
{
	pid_t child, p;
	int st, child_status = -1, others = 0;
	uint64_t deadline;
	char *m = mount_of(1);
	char *probe = NULL;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		struct wl_opts o;
		struct wl_result r;
		char err[256];
		int rc;
		opts(&o, scenario, 10000);
		o.cgroup_mode = WL_CG_AUTO;
		rc = wl_scenario_run(&o, &r, err, sizeof err);
		_exit(rc == -2 && r.signal == sig ? 42 : 1);
	}
	/* wait until the workers run (their cgroup exists), at most 2 s */
	if (m && getuid() == 0 && wl_cgroup_mode_available(WL_CG_V2))
		probe = easprintf("%s/ktstr-%ld/cg_1/cgroup.procs", m, (long)child);
	deadline = monotonic_ns() + 2000000000ull;
	while (monotonic_ns() < deadline) {
		struct buf b = BUF_INIT;
		int seen = probe && read_file(probe, &b, 4096) == 0 && b.len > 0;
		buf_free(&b);
		if (seen)
			break;
		wl_sleep_ns(probe ? 20000000 : 300000000);
		if (!probe)
			break;
	}
	wl_sleep_ns(100000000);
	kill(child, sig);
	/* as subreaper, every orphan (workers, guardian) comes back to us */
	deadline = monotonic_ns() + 10000000000ull;
	for (;;) {
		p = waitpid(-1, &st, WNOHANG);
		if (p < 0 && errno == ECHILD)
			break;
		if (p == child)
			child_status = st;
		else if (p > 0)
			others++;
		if (p == 0) {
			if (monotonic_ns() > deadline)
				break;
			wl_sleep_ns(10000000);
		}
	}
	ok(p < 0 && errno == ECHILD, "%s %s: every worker and helper process is gone",
	   scenario, strsignal(sig));
	if (sig == SIGKILL)
		ok(WIFSIGNALED(child_status) && WTERMSIG(child_status) == SIGKILL,
		   "SIGKILL: the runner died (%d orphans reaped)", others);
	else
		ok(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 42,
		   "%s: wl_scenario_run returned -2 with the signal", strsignal(sig));
	ok(no_cgroups_of(child), "%s %s: no cgroup left behind", scenario, strsignal(sig));
	free(probe);
	free(m);
}

int
main(void)
{
	setprogname("workload_run.t");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		warning("cannot become a subreaper:");
	test_all_types();
	test_cpuspin_2x2();
	test_run_delay();
	test_spawn_errors();
	test_sentinel();
	test_cgroup_modes();
	test_sweep();
	test_fake_scheduler();
	test_killed(SIGTERM, "cgroup_steady");
	test_killed(SIGINT, "cgroup_steady");
	test_killed(SIGKILL, "cgroup_steady");
	/* with cpusets (the v1 fallback on hybrid hosts): two hierarchies to clean */
	test_killed(SIGKILL, "cgroup_affinity_pinned");
	return done_testing();
}
