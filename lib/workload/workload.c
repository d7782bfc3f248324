/*
 * workload: the host scenario runner (doc/workloads.md):
 * resolve the groups, create cgroups, fork and start the workers, hold,
 * stop and collect, aggregate and check, tear everything down.
 *
 * Nothing outlives a run: workers lead their own process groups and die
 * with the runner (PR_SET_PDEATHSIG); SIGINT/SIGTERM/SIGHUP end the run
 * through the normal teardown; and a guardian process, which holds the
 * read end of a pipe the runner writes worker pids into, removes the
 * cgroups and kills the process groups if the runner vanishes without
 * saying it is done (SIGKILL, a crash).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sidecar/sidecar_write.h"
#include "wl_int.h"

#define START_TIMEOUT_MS 30000
#define COLLECT_NS 5000000000ull

struct worker {
	pid_t pid;
	int report_fd; /* parent's read end */
	int start_fd;  /* parent's write end */
	int reaped;
	struct wl_worker_ctx ctx;
};

struct handle {
	struct wl_group *g;
	struct worker *w;
	size_t n;
	void *shared;  /* one 16-byte region per member group */
	size_t shared_len;
	int *pipes;    /* PipeIo/CachePipe: per pair, ab[2] then ba[2] */
	size_t npipes; /* fds in pipes[] */
	enum wl_affinity_kind aff;
	int emulate;   /* the group's cpuset is not applied by a kernel cpuset */
};

struct run {
	const struct wl_opts *o;
	const struct wl_scenario *sc;
	struct wl_result *res;
	struct wl_topo topo;
	cpu_set_t *sets;  /* one cpuset per group, or none (nsets 0) */
	int *has_cpuset;
	size_t nsets;
	struct handle *h;
	size_t nh;
	volatile uint64_t *slots;
	size_t nslots;
	struct wl_cg cg;
	int have_cg;
	pid_t guardian;
	int guardian_fd;
	pid_t self;
	struct wl_mon *mon;
	struct wl_sched_id s0; /* the scheduler when the run began */
	uint64_t t0;           /* when the workers were let go */
	int died;              /* it died or was replaced, died_at ns into the run */
	uint64_t died_at;
};

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

static void
on_usr1(int sig)
{
	(void)sig;
	wl_stop = 1;
}

/* ---- guardian ---- */

static void
guardian_main(int fd, pid_t runner)
{
	pid_t *pids = NULL;
	size_t n = 0, cap = 0;
	int done = 0, devnull;
	int32_t v;

	setpgid(0, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if ((devnull = open("/dev/null", O_RDWR)) >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	for (;;) {
		ssize_t k = read(fd, &v, sizeof v);
		if (k < 0 && errno == EINTR)
			continue;
		if (k != (ssize_t)sizeof v)
			break;
		if (v == 0) {
			done = 1;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			pids = realloc(pids, cap * sizeof *pids);
			if (pids == NULL)
				_exit(1);
		}
		pids[n++] = (pid_t)v;
	}
	if (!done) {
		for (size_t i = 0; i < n; i++) {
			killpg(pids[i], SIGKILL);
			kill(pids[i], SIGKILL);
		}
		wl_cg_sweep_owner(runner);
	}
	_exit(0);
}

static int
guardian_start(struct run *r, char *err, size_t errlen)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		wl_errf(err, errlen, "cannot create a pipe: %s", error_text(errno));
		return -1;
	}
	fflush(NULL);
	r->guardian = fork();
	if (r->guardian < 0) {
		wl_errf(err, errlen, "cannot fork: %s", error_text(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (r->guardian == 0) {
		close(p[1]);
		guardian_main(p[0], r->self);
	}
	close(p[0]);
	r->guardian_fd = p[1];
	return 0;
}

static void
guardian_tell(struct run *r, int32_t v)
{
	if (r->guardian_fd >= 0)
		while (write(r->guardian_fd, &v, sizeof v) < 0 && errno == EINTR)
			;
}

static void
guardian_stop(struct run *r)
{
	if (r->guardian <= 0)
		return;
	guardian_tell(r, 0);
	close(r->guardian_fd);
	r->guardian_fd = -1;
	while (waitpid(r->guardian, NULL, 0) < 0 && errno == EINTR)
		;
	r->guardian = 0;
}

/* ---- groups ---- */

/* The affinity of one worker from the group's kind and pool. */
static int
resolve_affinity(enum wl_affinity_kind k, const cpu_set_t *pool, const struct wl_topo *t,
                 uint64_t *rng, cpu_set_t *out)
{
	int cpus[CPU_SETSIZE];
	size_t n = wl_cpuset_list(pool, cpus);

	CPU_ZERO(out);
	switch (k) {
	case WL_AFF_INHERIT:
		return 0;
	case WL_AFF_CROSS_CGROUP:
		for (size_t i = 0; i < t->ncpus; i++)
			CPU_SET(t->cpu[i], out);
		return 1;
	case WL_AFF_SINGLE_CPU:
		if (n == 0)
			return 0;
		CPU_SET(cpus[0], out);
		return 1;
	case WL_AFF_RANDOM_SUBSET: {
		size_t want = n / 2 ? n / 2 : 1;
		if (n == 0)
			return 0;
		/* partial Fisher-Yates: the first `want` of a shuffled pool */
		for (size_t i = 0; i < want; i++) {
			size_t j;
			int tmp;
			*rng ^= *rng << 13;
			*rng ^= *rng >> 7;
			*rng ^= *rng << 17;
			j = i + (size_t)(*rng % (n - i));
			tmp = cpus[i];
			cpus[i] = cpus[j];
			cpus[j] = tmp;
			CPU_SET(cpus[i], out);
		}
		return 1;
	}
	case WL_AFF_LLC_ALIGNED: {
		long *llcs, best = -1;
		size_t nllc = wl_topo_llcs(t, &llcs), bestn = 0;
		for (size_t l = 0; l < nllc; l++) {
			size_t c = 0;
			for (size_t i = 0; i < t->ncpus; i++)
				c += t->llc[i] == llcs[l] && CPU_ISSET(t->cpu[i], pool);
			if (c > bestn) {
				bestn = c;
				best = llcs[l];
			}
		}
		free(llcs);
		for (size_t i = 0; i < t->ncpus && bestn; i++)
			if (t->llc[i] == best && CPU_ISSET(t->cpu[i], pool))
				CPU_SET(t->cpu[i], out);
		return bestn > 0;
	}
	}
	return 0;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In a new worker: close every runner fd that is not this worker's own. */
static void
close_foreign(struct run *r, const struct worker *me)
{
	for (size_t i = 0; i < r->nh; i++) {
		struct handle *h = &r->h[i];
		for (size_t j = 0; j < h->n; j++) {
			struct worker *w = &h->w[j];
			if (w == me || w->pid == 0)
				continue;
			if (w->report_fd >= 0)
				close(w->report_fd);
			if (w->start_fd >= 0)
				close(w->start_fd);
		}
		for (size_t j = 0; j < h->npipes; j++)
			if (h->pipes[j] >= 0 && h->pipes[j] != me->ctx.pipe_rd &&
			    h->pipes[j] != me->ctx.pipe_wr)
				close(h->pipes[j]);
	}
	if (r->guardian_fd >= 0)
		close(r->guardian_fd);
}

static _Noreturn void
worker_child(struct run *r, struct worker *me, int start_rd, int report_wr)
{
	struct sigaction sa;
	struct pollfd p = {start_rd, POLLIN, 0};
	struct wl_report rep;
	sigset_t none;
	char byte;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != r->self)
		_exit(0);
	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART: blocking waits return on stop */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_foreign(r, me);
	for (;;) {
		int k = poll(&p, 1, START_TIMEOUT_MS);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			_exit(1);
		break;
	}
	if (read(start_rd, &byte, 1) != 1)
		_exit(1);
	close(start_rd);
	wl_stop = 0;
	wl_worker_main(&me->ctx, &rep);
	_exit(wl_report_write(report_wr, &rep) < 0 ? 1 : 0);
}

/* Kill a worker's process group and the worker, and reap it. */
static void
kill_worker(struct worker *w, int *status)
{
	if (w->pid <= 0 || w->reaped)
		return;
	killpg(w->pid, SIGKILL);
	kill(w->pid, SIGKILL);
	while (waitpid(w->pid, status, 0) < 0 && errno == EINTR)
		;
	w->reaped = 1;
}

static void
kill_all(struct run *r)
{
	for (size_t i = 0; i < r->nh; i++)
		for (size_t j = 0; j < r->h[i].n; j++) {
			struct worker *w = &r->h[i].w[j];
			kill_worker(w, NULL);
			close_fd(&w->report_fd);
			close_fd(&w->start_fd);
		}
}

/* A group's shared memory (16 bytes per member group) and, for pair I/O, its pipes. */
static int
group_channels(struct handle *h, unsigned gs, int pair_io, char *err, size_t errlen)
{
	h->shared_len = h->n / gs * 16;
	h->shared = mmap(NULL, h->shared_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	                 -1, 0);
	if (h->shared == MAP_FAILED) {
		h->shared = NULL;
		wl_errf(err, errlen, "cannot map shared memory: %s", error_text(errno));
		return -1;
	}
	if (pair_io) {
		h->npipes = h->n * 2; /* per pair: A->B and B->A, two fds each */
		h->pipes = ereallocarray(NULL, h->npipes, sizeof *h->pipes);
		for (size_t i = 0; i < h->npipes; i++)
			h->pipes[i] = -1;
		for (size_t i = 0; i < h->npipes; i += 2)
			if (pipe2(&h->pipes[i], O_CLOEXEC) < 0) {
				wl_errf(err, errlen, "cannot create a pipe: %s", error_text(errno));
				return -1;
			}
	}
	return 0;
}

/* What worker i of the group is given: its work, partners, progress slot and affinity. */
static void
worker_ctx(struct run *r, struct handle *h, size_t i, const struct wl_topo *t, uint64_t *rng,
           size_t slot)
{
	struct wl_group *g = h->g;
	struct wl_worker_ctx *c = &h->w[i].ctx;
	unsigned gs = wl_group_size(&g->work);
	cpu_set_t pool, aff;
	int has;

	c->work = &g->work;
	c->policy = g->policy;
	c->first_in_group = i % gs == 0;
	c->is_messenger = c->first_in_group && (g->work.type == WL_FUTEX_FAN_OUT ||
	                                        g->work.type == WL_FAN_OUT_COMPUTE);
	c->shared = (char *)h->shared + (i / gs) * 16;
	c->pipe_rd = c->pipe_wr = -1;
	if (h->pipes) {
		int *pp = &h->pipes[(i / 2) * 4]; /* ab[0], ab[1], ba[0], ba[1] */
		c->pipe_wr = i % 2 == 0 ? pp[1] : pp[3];
		c->pipe_rd = i % 2 == 0 ? pp[2] : pp[0];
	}
	c->progress = &r->slots[slot];
	if (g->has_cpuset) {
		pool = g->cpuset;
	} else {
		CPU_ZERO(&pool);
		for (size_t k = 0; k < t->ncpus; k++)
			CPU_SET(t->cpu[k], &pool);
	}
	has = resolve_affinity(h->aff, &pool, t, rng, &aff);
	if (h->emulate && g->has_cpuset) {
		/* no kernel cpuset: the affinity mask stands in for it */
		if (has)
			CPU_AND(&aff, &aff, &g->cpuset);
		if (!has || CPU_COUNT(&aff) == 0)
			aff = g->cpuset;
		has = 1;
	}
	c->has_affinity = has;
	c->affinity = aff;
}

/* Fork a worker that waits for its start byte; 0, or -1 with err set. */
static int
fork_worker(struct run *r, struct worker *w, char *err, size_t errlen)
{
	int sp[2], rp[2];

	if (pipe2(sp, O_CLOEXEC) < 0) {
		wl_errf(err, errlen, "cannot create a pipe: %s", error_text(errno));
		return -1;
	}
	if (pipe2(rp, O_CLOEXEC) < 0) {
		close(sp[0]);
		close(sp[1]);
		wl_errf(err, errlen, "cannot create a pipe: %s", error_text(errno));
		return -1;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		w->pid = 0;
		wl_errf(err, errlen, "cannot fork: %s", error_text(errno));
		close(sp[0]);
		close(sp[1]);
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(sp[1]);
		close(rp[0]);
		worker_child(r, w, sp[0], rp[1]);
	}
	setpgid(w->pid, w->pid);
	close(sp[0]);
	close(rp[1]);
	w->start_fd = sp[1];
	w->report_fd = rp[0];
	guardian_tell(r, (int32_t)w->pid);
	return 0;
}

static int
spawn_group(struct run *r, size_t gi, const struct wl_topo *t, uint64_t *rng, size_t *slot,
            char *err, size_t errlen)
{
	struct handle *h = &r->h[gi];
	struct wl_group *g = h->g;
	int pair_io = g->work.type == WL_PIPE_IO || g->work.type == WL_CACHE_PIPE;

	if (group_channels(h, wl_group_size(&g->work), pair_io, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < h->n; i++) {
		worker_ctx(r, h, i, t, rng, (*slot)++);
		if (fork_worker(r, &h->w[i], err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* ---- collecting ---- */

static void
sentinel(struct wl_report *rep, pid_t pid, enum wl_exit_kind k, int code)
{
	memset(rep, 0, sizeof *rep);
	rep->tid = (int32_t)pid;
	rep->exit_kind = k;
	rep->exit_code = code;
}

/* Drain fd into b until EOF or the deadline; 0 on EOF. */
static int
drain(int fd, struct buf *b, uint64_t deadline)
{
	for (;;) {
		uint64_t now = monotonic_ns();
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t k;
		int n;
		if (now >= deadline)
			return -1;
		n = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf_grow(b, 65536);
		k = read(fd, b->s + b->len, b->cap - b->len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
		b->len += (size_t)k;
	}
}

/*
 * Stop every worker, read every report with one shared deadline, reap;
 * a worker without a report gets a sentinel.
 */
static void
collect(struct run *r)
{
	uint64_t deadline;

	for (size_t i = 0; i < r->nh; i++)
		for (size_t j = 0; j < r->h[i].n; j++)
			if (r->h[i].w[j].pid > 0)
				kill(r->h[i].w[j].pid, SIGUSR1);
	deadline = monotonic_ns() + COLLECT_NS;
	for (size_t i = 0; i < r->nh; i++) {
		struct handle *h = &r->h[i];
		for (size_t j = 0; j < h->n; j++) {
			struct worker *w = &h->w[j];
			struct wl_report *rep = &h->g->reports[j];
			struct buf b = BUF_INIT;
			int eof = drain(w->report_fd, &b, deadline) == 0, st = 0, alive = 0, werr;
			pid_t wr;

			close_fd(&w->report_fd);
			while ((wr = waitpid(w->pid, &st, WNOHANG)) < 0 && errno == EINTR)
				;
			werr = errno;
			killpg(w->pid, SIGKILL); /* descendants (ForkExit children) */
			if (wr == 0) {
				alive = 1;
				kill_worker(w, &st);
			} else {
				w->reaped = 1;
			}
			if (eof && b.len > 0 && wl_report_decode(b.s, b.len, rep) == 0) {
				rep->exit_kind = WL_EXIT_NONE;
			} else if (wr < 0) {
				sentinel(rep, w->pid, WL_EXIT_WAIT_FAILED, werr);
			} else if (alive) {
				sentinel(rep, w->pid, WL_EXIT_TIMED_OUT, 0);
			} else if (WIFSIGNALED(st)) {
				sentinel(rep, w->pid, WL_EXIT_SIGNALED, WTERMSIG(st));
			} else {
				sentinel(rep, w->pid, WL_EXIT_EXITED, WEXITSTATUS(st));
			}
			buf_free(&b);
		}
	}
}

static unsigned
count_alive(struct run *r)
{
	unsigned n = 0;

	for (size_t i = 0; i < r->nh; i++)
		for (size_t j = 0; j < r->h[i].n; j++) {
			siginfo_t si;
			memset(&si, 0, sizeof si);
			if (waitid(P_PID, (id_t)r->h[i].w[j].pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			    si.si_pid == 0)
				n++;
		}
	return n;
}

static int
sched_changed(const struct wl_sched_id *a, const struct wl_sched_id *b)
{
	return strcmp(b->state, "enabled") != 0 || strcmp(a->ops, b->ops) != 0 ||
	       strcmp(a->enable_seq, b->enable_seq) != 0;
}

/* ---- the run ---- */

/*
 * During a run SIGINT, SIGTERM and SIGHUP end it through the teardown,
 * and SIGPIPE is ignored: a worker or the guardian that died early must
 * not take the runner with it when it writes the start byte or a pid.
 */
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static void
signals_install(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	for (size_t i = 0; i < LEN(handled_signals); i++) {
		sa.sa_handler = handled_signals[i] == SIGPIPE ? SIG_IGN : on_signal;
		sigaction(handled_signals[i], &sa, &old[i]);
	}
}

static void
signals_restore(const struct sigaction *old)
{
	for (size_t i = 0; i < LEN(handled_signals); i++)
		sigaction(handled_signals[i], &old[i], NULL);
}

/* Sleep ns in slices, returning early when a signal ended the run. */
static void
pause_ns(uint64_t ns)
{
	uint64_t end = monotonic_ns() + ns;

	while (!interrupted) {
		uint64_t now = monotonic_ns();
		if (now >= end)
			break;
		wl_sleep_ns(end - now < 100000000 ? end - now : 100000000);
	}
}

static void
run_end(struct run *r)
{
	kill_all(r);
	for (size_t i = 0; i < r->nh; i++) {
		struct handle *h = &r->h[i];
		if (h->shared)
			munmap(h->shared, h->shared_len);
		for (size_t j = 0; j < h->npipes; j++)
			if (h->pipes[j] >= 0)
				close(h->pipes[j]);
		free(h->pipes);
		free(h->w);
	}
	free(r->h);
	r->h = NULL;
	r->nh = 0;
	if (r->slots)
		munmap((void *)r->slots, r->nslots * sizeof *r->slots);
	r->slots = NULL;
	if (r->have_cg)
		wl_cg_teardown(&r->cg);
	r->have_cg = 0;
	guardian_stop(r);
}

/* A scenario the topology cannot hold: a skip with all-zero statistics. */
static void
skip_result(struct wl_result *res, const char *why)
{
	res->passed = 1;
	res->skipped = 1;
	wl_detail_add(&res->details, &res->ndetails, WL_D_SKIP, "%s", why);
	for (size_t i = 0; i < res->ngroups; i++) {
		free(res->groups[i].reports);
		res->groups[i].reports = NULL;
		res->groups[i].nreports = 0;
	}
}

/* Build res->groups from the scenario and the options (--work-type, --workers, --policy). */
static int
plan_groups(const struct wl_scenario *sc, const struct wl_opts *o, struct wl_result *res,
            char *err, size_t errlen)
{
	size_t n = sc->ncgroups ? sc->ncgroups : 2;

	if (o->cgroups)
		n = o->cgroups;
	res->groups = ecalloc(n, sizeof *res->groups);
	res->ngroups = n;
	for (size_t i = 0; i < n; i++) {
		struct wl_group *g = &res->groups[i];
		unsigned workers = sc->workers ? sc->workers : o->workers ? o->workers : 2, gs;
		const char *custom = sc->ncgroups == 0 ? "custom" : NULL;

		wl_work_init(&g->work, sc->type);
		if (sc->type == WL_BURSTY) {
			g->work.burst_ms = 500;
			g->work.sleep_ms = 250;
		}
		if (o->have_work) {
			unsigned ogs = wl_group_size(&o->work);
			if (custom || (g->work.type == WL_CPU_SPIN && workers % ogs == 0))
				g->work = o->work;
			else
				res->work_override_skipped = 1;
		}
		g->policy = o->have_policy ? o->policy : sc->policy;
		gs = wl_group_size(&g->work);
		if (workers == 0 || workers % gs != 0) {
			wl_errf(err, errlen, "%s requires num_workers divisible by %u, got %u",
			     wl_work_name(&g->work), gs, workers);
			return -1;
		}
		g->nreports = workers;
		g->reports = ecalloc(workers, sizeof *g->reports);
	}
	res->work_type = wl_work_name(&res->groups[0].work);
	if (res->work_override_skipped && !o->quiet)
		warning("--work-type %s not applied to every group: it replaces only SpinWait groups whose "
		     "worker count its group size (%u) divides", wl_work_name(&o->work),
		     wl_group_size(&o->work));
	return 0;
}

static void
progress(const struct run *r, uint64_t elapsed_ms, unsigned alive, unsigned total, int done)
{
	struct wl_progress p = {r->o->scenario, elapsed_ms, r->o->duration_ms, alive, total, 0, done};

	if (r->o->progress == NULL)
		return;
	for (size_t i = 0; i < r->nslots; i++)
		p.iterations += __atomic_load_n(&r->slots[i], __ATOMIC_RELAXED);
	r->o->progress(r->o->progress_arg, &p);
}

/* The scenario, or the "unknown scenario" error with a suggestion. */
static const struct wl_scenario *
find_scenario(const char *name, char *err, size_t errlen)
{
	const struct wl_scenario *sc = wl_scenario_find(name);
	const char *sug;

	if (sc == NULL) {
		sug = wl_suggest_scenario(name);
		wl_errf(err, errlen, "unknown scenario '%s'%s%s%s", name, sug ? " (did you mean '" : "",
		        sug ? sug : "", sug ? "'?)" : "");
	}
	return sc;
}

/*
 * The groups, the scheduler, the topology and one cpuset per cgroup,
 * or none.  0; 1 when the topology cannot hold the scenario
 * (res is a skip); -1 on error.
 */
static int
plan_run(struct run *r, char *err, size_t errlen)
{
	const struct wl_opts *o = r->o;
	struct wl_result *res = r->res;
	struct wl_partition part;

	if (plan_groups(r->sc, o, res, err, errlen) < 0)
		return -1;
	res->scheduler = wl_scheduler_name(o->scx_dir, o->quiet);
	if (wl_topo_read(NULL, &r->topo) < 0) {
		wl_errf(err, errlen, "cannot read the CPU topology from /sys/devices/system/cpu");
		return -1;
	}
	part = o->have_partition ? o->partition : r->sc->part;
	r->sets = ecalloc(res->ngroups + 1, sizeof *r->sets);
	r->has_cpuset = ecalloc(res->ngroups, sizeof *r->has_cpuset);
	r->nsets = wl_partition_sets(&part, &r->topo, res->ngroups, r->sets);
	for (size_t i = 0; i < r->nsets; i++)
		if (CPU_COUNT(&r->sets[i]) == 0) {
			skip_result(res, "not enough CPUs/LLCs");
			return 1;
		}
	if (r->nsets > 0 && r->nsets != res->ngroups) {
		wl_errf(err, errlen, "the partition makes %zu cpusets for %zu cgroups", r->nsets,
		        res->ngroups);
		return -1;
	}
	for (size_t i = 0; i < r->nsets; i++) {
		res->groups[i].has_cpuset = r->has_cpuset[i] = 1;
		res->groups[i].cpuset = r->sets[i];
	}
	return 0;
}

/* The guardian and the cgroups, then the settle time.  0, or -1. */
static int
setup_cgroups(struct run *r, char *err, size_t errlen)
{
	const struct wl_opts *o = r->o;

	if (o->cgroup_mode != WL_CG_NONE && guardian_start(r, err, errlen) < 0)
		return -1;
	if (wl_cg_setup(&r->cg, o->cgroup_mode, r->self, r->res->ngroups, r->sets, r->has_cpuset,
	                o->quiet, err, errlen) < 0)
		return -1;
	r->have_cg = 1;
	r->res->cgroup_mode = r->cg.mode;
	if (!r->sc->ops)
		pause_ns(o->settle_ms * 1000000);
	return 0;
}

/*
 * Fork every group's workers, move them into their cgroups, then let
 * them start (two-phase: every worker is in its cgroup before it
 * runs).  0, or -1.
 */
static int
start_workers(struct run *r, char *err, size_t errlen)
{
	struct wl_result *res = r->res;
	size_t slot = 0, total = 0;
	uint64_t rng;

	r->nh = res->ngroups;
	r->h = ecalloc(r->nh, sizeof *r->h);
	for (size_t i = 0; i < r->nh; i++) {
		r->h[i].g = &res->groups[i];
		r->h[i].n = res->groups[i].nreports;
		r->h[i].w = ecalloc(r->h[i].n, sizeof *r->h[i].w);
		r->h[i].aff = r->sc->aff;
		r->h[i].emulate = r->has_cpuset[i] && !r->cg.cpuset_applied[i];
		for (size_t j = 0; j < r->h[i].n; j++)
			r->h[i].w[j].report_fd = r->h[i].w[j].start_fd = -1;
		total += r->h[i].n;
	}
	r->nslots = total;
	r->slots = mmap(NULL, total * sizeof *r->slots, PROT_READ | PROT_WRITE,
	                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->slots == MAP_FAILED) {
		r->slots = NULL;
		wl_errf(err, errlen, "cannot map shared memory: %s", error_text(errno));
		return -1;
	}
	rng = (uint64_t)r->self * 0x9e3779b97f4a7c15ull ^ monotonic_ns();
	rng |= 1;
	for (size_t i = 0; i < r->nh; i++)
		if (spawn_group(r, i, &r->topo, &rng, &slot, err, errlen) < 0)
			return -1;
	for (size_t i = 0; i < r->nh; i++)
		for (size_t j = 0; j < r->h[i].n; j++)
			wl_cg_move(&r->cg, i, r->h[i].w[j].pid);
	for (size_t i = 0; i < r->nh; i++)
		for (size_t j = 0; j < r->h[i].n; j++) {
			struct worker *w = &r->h[i].w[j];
			while (write(w->start_fd, "s", 1) < 0 && errno == EINTR)
				;
			close_fd(&w->start_fd);
		}
	return 0;
}

/*
 * Has the scheduler under test died or been replaced?  With last, at
 * most every 500 ms.
 */
static void
watch_scheduler(struct run *r, uint64_t now, uint64_t *last)
{
	struct wl_sched_id s1;

	if (!r->s0.present || strcmp(r->s0.state, "enabled") != 0 || r->died)
		return;
	if (last != NULL) {
		if (now - *last < 500000000)
			return;
		*last = now;
	}
	wl_sched_snapshot(r->o->scx_dir, &s1);
	if (sched_changed(&r->s0, &s1)) {
		r->died = 1;
		r->died_at = now - r->t0;
	}
}

/* Hold for the duration, sampling the monitor and watching the scheduler. */
static void
hold(struct run *r)
{
	const struct wl_opts *o = r->o;
	uint64_t t0, last_sched = 0, elapsed;
	unsigned total = (unsigned)r->nslots;

	if (o->monitor && (r->mon = wl_mon_new(o->scx_dir, o->debugfs_dir)) == NULL && !o->quiet)
		warning("monitor: neither sched_ext events nor debugfs sched/debug are readable; "
		     "monitor is null");
	t0 = r->t0 = monotonic_ns();
	while (!interrupted) {
		uint64_t now = monotonic_ns(), left;
		elapsed = now - t0;
		if (elapsed >= o->duration_ms * 1000000)
			break;
		left = o->duration_ms * 1000000 - elapsed;
		wl_sleep_ns(left < 100000000 ? left : 100000000);
		now = monotonic_ns();
		if (r->mon)
			wl_mon_sample(r->mon, now);
		watch_scheduler(r, now, &last_sched);
		progress(r, (now - t0) / 1000000, count_alive(r), total, 0);
	}
	r->res->elapsed_ms = (monotonic_ns() - t0) / 1000000;
	progress(r, r->res->elapsed_ms, count_alive(r), total, 1);
}

/* One group's statistics and checks; 0 when a check failed. */
static int
judge_group(struct run *r, struct wl_group *g)
{
	const struct wl_opts *o = r->o;
	const struct wl_topo *topo = &r->topo;
	struct sidecar_cgroup cg;
	struct wl_checks ck = {o->max_gap_ms, o->max_spread_pct,
	                       o->isolation && g->has_cpuset ? &g->cpuset : NULL};
	char name[32];
	int passed;

	/* The name of the group's cgroup directory, in every cgroup mode. */
	snprintf(name, sizeof name, "cg_%zu", (size_t)(g - r->res->groups));
	wl_cgroup_stats(g->reports, g->nreports, name, &cg);
	if (topo->nnodes > 1 && g->has_cpuset) {
		/* Real NUMA values only where they mean something (host mode: no upstream counterpart) */
		unsigned char expected[1024] = {0};
		for (size_t k = 0; k < topo->ncpus; k++)
			if (CPU_ISSET(topo->cpu[k], &g->cpuset) && topo->node[k] >= 0 &&
			    topo->node[k] < (int)sizeof expected)
				expected[topo->node[k]] = 1;
		wl_numa_stats(g->reports, g->nreports, expected, sizeof expected, &cg);
	}
	passed = wl_check_group(g->reports, g->nreports, &cg, &ck, &r->res->details,
	                        &r->res->ndetails);
	sidecar_stats_add(&r->res->stats, &cg);
	wl_cgroup_stats_free(&cg);
	return passed;
}

/* Collect the reports, check every group, the scheduler and the monitor. */
static void
judge(struct run *r)
{
	struct wl_result *res = r->res;

	collect(r);
	for (size_t i = 0; i < res->ngroups; i++)
		if (!judge_group(r, &res->groups[i]))
			res->passed = 0;
	/* Once more at the end: the scheduler may have died while the workers stopped. */
	watch_scheduler(r, monotonic_ns(), NULL);
	if (r->died) {
		res->passed = 0;
		wl_detail_add(&res->details, &res->ndetails, WL_D_SCHEDULER_DIED,
		              "scheduler process died unexpectedly during workload (%.1fs into test)",
		              (double)r->died_at / 1e9);
	}
	if (r->mon) {
		res->monitor = wl_mon_finish(r->mon, &res->monitor_failed, &res->details,
		                             &res->ndetails);
		r->mon = NULL;
	}
}

/* Set up, run and judge; 0, or -1 with err set.  Teardown is the caller's. */
static int
run_workers(struct run *r, char *err, size_t errlen)
{
	if (!r->o->quiet && access("/proc/self/schedstat", R_OK) != 0)
		warning("cannot read /proc/self/schedstat (CONFIG_SCHED_INFO): run delays will read 0");
	wl_sched_snapshot(r->o->scx_dir, &r->s0);
	if (setup_cgroups(r, err, errlen) < 0)
		return -1;
	if (interrupted)
		return 0;
	if (start_workers(r, err, errlen) < 0)
		return -1;
	hold(r);
	if (!interrupted)
		judge(r);
	return 0;
}

int
wl_scenario_run(const struct wl_opts *o, struct wl_result *res, char *err, size_t errlen)
{
	struct sigaction old[LEN(handled_signals)];
	struct run r;
	int rc = -1;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	r.o = o;
	r.res = res;
	r.guardian_fd = -1;
	r.self = getpid();
	res->passed = 1;
	res->cgroup_mode = WL_CG_NONE;
	if ((r.sc = find_scenario(o->scenario, err, errlen)) == NULL)
		return -1;
	if ((rc = plan_run(&r, err, errlen)) == 0) {
		signals_install(old);
		rc = run_workers(&r, err, errlen);
		wl_mon_free(r.mon);
		run_end(&r);
		signals_restore(old);
		if (interrupted) {
			res->signal = interrupted;
			interrupted = 0;
			rc = -2;
		}
	} else if (rc > 0) {
		rc = 0; /* a skip */
	}
	free(r.sets);
	free(r.has_cpuset);
	wl_topo_free(&r.topo);
	if (rc == -1)
		wl_result_free(res);
	return rc;
}

void
wl_result_free(struct wl_result *res)
{
	for (size_t i = 0; i < res->ngroups; i++) {
		for (size_t j = 0; j < res->groups[i].nreports; j++)
			wl_report_free(&res->groups[i].reports[j]);
		free(res->groups[i].reports);
	}
	free(res->groups);
	sidecar_stats_free(&res->stats);
	wl_details_free(res->details, res->ndetails);
	free(res->scheduler);
	free(res->monitor);
	memset(res, 0, sizeof *res);
}
