/*
 * wl_worker: what one forked worker does (doc/workloads.md, What a worker
 * measures) and the report's pipe transport.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl_int.h"

volatile sig_atomic_t wl_stop;

/* Per-worker loop state. */
struct ws {
	const struct wl_worker_ctx *c;
	struct wl_report *r;
	uint64_t work_units, iterations;
	uint64_t start, last_iter_time;
	uint64_t max_gap_ns, max_gap_at_ns;
	int last_cpu, max_gap_cpu;
	size_t capmig, capcpus, capsamples;
	uint64_t rng;
};

void
wl_sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};

	nanosleep(&ts, NULL);
}

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/* spin_burst(n): exactly n work units, each through a compiler barrier. */
static __attribute__((noinline)) void
spin_burst(struct ws *s, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		s->work_units++;
		__asm__ volatile("" ::: "memory");
		cpu_relax();
	}
}

/* The strided read-modify-write of CachePressure/CacheYield/CachePipe. */
static __attribute__((noinline)) void
rmw(struct ws *s, volatile unsigned char *buf, size_t len, size_t stride, uint64_t steps)
{
	size_t idx = 0;

	for (uint64_t i = 0; i < steps; i++) {
		buf[idx] = (unsigned char)(buf[idx] + 1);
		idx = (idx + stride) % len;
		s->work_units++;
	}
}

/* FanOutCompute's naive n×n multiply over A, B into C (wrapping u64). */
static __attribute__((noinline)) void
matmul(struct ws *s, uint64_t *m, size_t n)
{
	const uint64_t *a = m, *b = m + n * n;
	volatile uint64_t *c = m + 2 * n * n;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			uint64_t acc = 0;
			for (size_t k = 0; k < n; k++)
				acc += a[i * n + k] * b[k * n + j];
			c[i * n + j] = acc;
		}
	s->work_units += c[0];
}

static void
record(struct ws *s, uint64_t ns)
{
	struct wl_report *r = s->r;

	r->wake_sample_total++;
	if (r->nlatencies < WL_MAX_WAKE_SAMPLES) {
		if (r->nlatencies == s->capsamples) {
			s->capsamples = s->capsamples ? s->capsamples * 2 : 1024;
			if (s->capsamples > WL_MAX_WAKE_SAMPLES)
				s->capsamples = WL_MAX_WAKE_SAMPLES;
			r->resume_latencies_ns = ereallocarray(r->resume_latencies_ns, s->capsamples,
			                                       sizeof *r->resume_latencies_ns);
		}
		r->resume_latencies_ns[r->nlatencies++] = ns;
	} else {
		uint64_t k = rng_next(&s->rng) % r->wake_sample_total;
		if (k < WL_MAX_WAKE_SAMPLES)
			r->resume_latencies_ns[k] = ns;
	}
}

static void
reset_gap(struct ws *s)
{
	s->last_iter_time = monotonic_ns();
}

static void
add_cpu(struct ws *s, int cpu)
{
	struct wl_report *r = s->r;
	size_t i;

	for (i = 0; i < r->ncpus_used && r->cpus_used[i] < cpu; i++)
		;
	if (i < r->ncpus_used && r->cpus_used[i] == cpu)
		return;
	if (r->ncpus_used == s->capcpus) {
		s->capcpus = s->capcpus ? s->capcpus * 2 : 8;
		r->cpus_used = ereallocarray(r->cpus_used, s->capcpus, sizeof *r->cpus_used);
	}
	memmove(r->cpus_used + i + 1, r->cpus_used + i, (r->ncpus_used - i) * sizeof *r->cpus_used);
	r->cpus_used[i] = cpu;
	r->ncpus_used++;
}

/* The common tail after every outer iteration: progress, and a checkpoint every 1024 units. */
static void
tail(struct ws *s)
{
	uint64_t now, gap;
	int cpu;

	__atomic_store_n(s->c->progress, s->iterations, __ATOMIC_RELAXED);
	if (s->work_units % 1024 != 0)
		return;
	now = monotonic_ns();
	gap = now - s->last_iter_time;
	if (gap > s->max_gap_ns) {
		s->max_gap_ns = gap;
		s->max_gap_cpu = s->last_cpu;
		s->max_gap_at_ns = now - s->start;
	}
	s->last_iter_time = now;
	cpu = sched_getcpu();
	if (cpu >= 0 && cpu != s->last_cpu) {
		struct wl_report *r = s->r;
		r->migration_count++;
		add_cpu(s, cpu);
		if (r->nmigrations == s->capmig) {
			s->capmig = s->capmig ? s->capmig * 2 : 16;
			r->migrations = ereallocarray(r->migrations, s->capmig, sizeof *r->migrations);
		}
		r->migrations[r->nmigrations++] = (struct wl_migration){now - s->start, s->last_cpu, cpu};
		s->last_cpu = cpu;
	}
}

/*
 * futex(2) has no libc wrapper, and its operation numbers are kernel ABI:
 * named here rather than taken from <linux/futex.h>, so that the build
 * needs no kernel headers (musl-gcc has none).  The words are shared
 * between processes, so the operations are not FUTEX_PRIVATE.
 */
enum { FUTEX_CMD_WAIT = 0, FUTEX_CMD_WAKE = 1 };

static long
futex(void *addr, int op, uint32_t val, const struct timespec *ts)
{
#ifdef SYS_futex_time64
	/* A 32-bit ABI whose time_t is 64 bits wide: the old call reads 32. */
	if (sizeof(ts->tv_sec) > sizeof(long))
		return syscall(SYS_futex_time64, addr, op, val, ts, NULL, 0);
#endif
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static void
futex_wait(void *addr, uint32_t val)
{
	static const struct timespec t100ms = {0, 100000000};

	futex(addr, FUTEX_CMD_WAIT, val, &t100ms);
}

static void
futex_wake(void *addr, uint64_t n)
{
	futex(addr, FUTEX_CMD_WAKE, n > INT_MAX ? INT_MAX : (uint32_t)n, NULL);
}

static uint64_t
timed_yield(void)
{
	uint64_t t0 = monotonic_ns();

	sched_yield();
	return monotonic_ns() - t0;
}

/* The PipeIo exchange: one byte to the partner, then wait for its byte. */
static void
pipe_exchange(struct ws *s)
{
	char x = 'x';
	uint64_t t0;

	if (write(s->c->pipe_wr, &x, 1) < 0 && errno != EINTR)
		return;
	t0 = monotonic_ns();
	while (!wl_stop) {
		struct pollfd p = {s->c->pipe_rd, POLLIN, 0};
		int n = poll(&p, 1, 100);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n > 0) {
			if (read(s->c->pipe_rd, &x, 1) == 1)
				record(s, monotonic_ns() - t0);
			break;
		}
	}
	reset_gap(s);
}

/* IoSync's write burst and timed 100 us sleep on fd. */
static void
io_round(struct ws *s, int fd)
{
	static const char zero[4096];
	uint64_t t0;

	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return;
	for (int i = 0; i < 16; i++) {
		if (write(fd, zero, sizeof zero) < 0)
			break;
		s->work_units++;
	}
	t0 = monotonic_ns();
	wl_sleep_ns(100000);
	record(s, monotonic_ns() - t0);
}

static void
run_sequence(struct ws *s)
{
	const struct wl_work *w = s->c->work;
	char *path = NULL;
	int fd = -1;

	while (!wl_stop) {
		for (size_t i = 0; i < w->nphases && !wl_stop; i++) {
			uint64_t end = monotonic_ns() + w->phases[i].ns, t0;
			switch (w->phases[i].kind) {
			case WL_PHASE_SPIN:
				while (!wl_stop && monotonic_ns() < end)
					spin_burst(s, 1024);
				break;
			case WL_PHASE_SLEEP:
				t0 = monotonic_ns();
				wl_sleep_ns(w->phases[i].ns);
				record(s, monotonic_ns() - t0);
				reset_gap(s);
				break;
			case WL_PHASE_YIELD:
				while (!wl_stop && monotonic_ns() < end) {
					s->work_units++;
					record(s, timed_yield());
				}
				reset_gap(s);
				break;
			case WL_PHASE_IO:
				if (fd < 0)
					fd = temp_create("ktstr_seq", &path);
				while (fd >= 0 && !wl_stop && monotonic_ns() < end)
					io_round(s, fd);
				reset_gap(s);
				break;
			}
		}
		s->iterations++;
		tail(s);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(path);
}

/* Per-type state that lives across iterations. */
struct loop {
	unsigned char *buf;        /* CachePressure, CacheYield, CachePipe */
	size_t len;
	uint64_t *mat;             /* FanOutCompute: A, B, C of matn x matn */
	size_t matn;
	char *path;                /* IoSync */
	int fd;
	int nice_min;              /* NiceSweep: -20 with CAP_SYS_NICE, else 0 */
	int allowed[CPU_SETSIZE];  /* AffinityChurn */
	size_t nallowed;
	size_t npolicies;          /* PolicyChurn: 3, or 5 when RT is allowed */
	uint8_t *region;           /* PageFaultChurn */
	size_t region_len;
	uint64_t prng;
};

static const int churn_policies[] = {SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR};

/* What a type needs before its first iteration; -1 when it cannot run at all. */
static int
loop_setup(const struct wl_work *w, struct loop *l)
{
	cpu_set_t allowed;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	l->npolicies = 3;
	switch (w->type) {
	case WL_IO_SYNC:
		return (l->fd = temp_create("ktstr_io", &l->path)) < 0 ? -1 : 0;
	case WL_CACHE_PRESSURE:
	case WL_CACHE_YIELD:
	case WL_CACHE_PIPE:
		if (w->size_kb > SIZE_MAX / 1024)
			return -1;
		l->len = (size_t)w->size_kb * 1024;
		if (l->len == 0 || (w->type != WL_CACHE_PIPE && w->stride == 0))
			return -1;
		l->buf = ecalloc(l->len, 1);
		return 0;
	case WL_FAN_OUT_COMPUTE:
		if (w->operations > 0 && w->cache_footprint_kb > 0) {
			l->matn = (size_t)sqrt((double)(w->cache_footprint_kb * 1024 / 3 / 8));
			if (l->matn > 0)
				l->mat = ecalloc(3 * l->matn * l->matn, sizeof *l->mat);
		}
		return 0;
	case WL_NICE_SWEEP:
		if (setpriority(PRIO_PROCESS, 0, -20) == 0) {
			l->nice_min = -20;
			setpriority(PRIO_PROCESS, 0, 0);
		}
		return 0;
	case WL_AFFINITY_CHURN:
		if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
			l->nallowed = wl_cpuset_list(&allowed, l->allowed);
		return 0;
	case WL_POLICY_CHURN: {
		struct sched_param sp = {.sched_priority = 1};
		if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0) {
			l->npolicies = 5;
			sp.sched_priority = 0;
			sched_setscheduler(0, SCHED_OTHER, &sp);
		}
		return 0;
	}
	case WL_PAGE_FAULT_CHURN: {
		void *p;
		if (w->region_kb > SIZE_MAX / 1024 || w->region_kb == 0)
			return -1;
		l->region_len = (size_t)w->region_kb * 1024;
		p = mmap(NULL, l->region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		         0);
		if (p == MAP_FAILED)
			return -1;
		l->region = p;
		madvise(l->region, l->region_len, MADV_NOHUGEPAGE);
		l->prng = (uint64_t)getpid() | 1;
		return 0;
	}
	default:
		return 0;
	}
}

static void
loop_cleanup(const struct wl_work *w, struct loop *l)
{
	if (w->type == WL_NICE_SWEEP)
		setpriority(PRIO_PROCESS, 0, 0);
	if (w->type == WL_POLICY_CHURN) {
		struct sched_param sp = {.sched_priority = 0};
		sched_setscheduler(0, SCHED_OTHER, &sp);
	}
	if (l->fd >= 0) {
		close(l->fd);
		unlink(l->path);
	}
	free(l->path);
	free(l->buf);
	free(l->mat);
	if (l->region)
		munmap(l->region, l->region_len);
}

static _Atomic uint32_t *
word_of(const struct ws *s)
{
	return s->c->shared;
}

static void
futex_ping_pong(struct ws *s)
{
	_Atomic uint32_t *word = word_of(s);
	uint32_t mine = s->c->first_in_group ? 0 : 1, theirs = 1 - mine;
	uint64_t t0;

	spin_burst(s, s->c->work->spin_iters);
	atomic_store(word, theirs);
	futex_wake((void *)word, 1);
	t0 = monotonic_ns();
	while (!wl_stop) {
		if (atomic_load(word) == mine) {
			record(s, monotonic_ns() - t0);
			break;
		}
		futex_wait((void *)word, theirs);
	}
	reset_gap(s);
}

static void
futex_fan_out(struct ws *s)
{
	_Atomic uint32_t *word = word_of(s);
	uint32_t expected;
	uint64_t t0;

	spin_burst(s, s->c->work->spin_iters);
	if (s->c->is_messenger) {
		atomic_store(word, atomic_load(word) + 1);
		futex_wake((void *)word, s->c->work->fan_out);
		spin_burst(s, 256);
		return;
	}
	expected = atomic_load(word);
	t0 = monotonic_ns();
	while (!wl_stop) {
		if (atomic_load(word) != expected) {
			record(s, monotonic_ns() - t0);
			break;
		}
		futex_wait((void *)word, expected);
	}
	reset_gap(s);
}

/*
 * The 16-byte region: u64 generation at 0 (the futex word is its low
 * half, little-endian), u64 wake stamp at 8.
 */
static void
fan_out_compute(struct ws *s, struct loop *l)
{
	const struct wl_work *w = s->c->work;
	_Atomic uint64_t *gen = s->c->shared;
	volatile uint64_t *wake_ns = (volatile uint64_t *)s->c->shared + 1;
	uint64_t expected;

	if (s->c->is_messenger) {
		*wake_ns = monotonic_ns();
		atomic_fetch_add_explicit(gen, 1, memory_order_release);
		futex_wake((void *)gen, w->fan_out);
		spin_burst(s, 256);
		return;
	}
	expected = atomic_load_explicit(gen, memory_order_acquire);
	while (!wl_stop) {
		if (atomic_load_explicit(gen, memory_order_acquire) != expected) {
			uint64_t now = monotonic_ns(), then = *wake_ns;
			record(s, now > then ? now - then : 0);
			break;
		}
		futex_wait((void *)gen, (uint32_t)expected);
	}
	if (w->sleep_usec > 0)
		wl_sleep_ns(w->sleep_usec * 1000);
	for (uint64_t i = 0; i < w->operations && l->mat; i++) {
		matmul(s, l->mat, l->matn);
		s->work_units++;
	}
	reset_gap(s);
}

static void
page_fault_churn(struct ws *s, struct loop *l)
{
	const struct wl_work *w = s->c->work;
	size_t pages = l->region_len / 4096 ? l->region_len / 4096 : 1;

	for (uint64_t i = 0; i < w->touches_per_cycle; i++) {
		l->prng ^= l->prng << 13;
		l->prng ^= l->prng >> 7;
		l->prng ^= l->prng << 17;
		((volatile uint8_t *)l->region)[(l->prng % pages) * 4096 % l->region_len] = 1;
		s->work_units++;
	}
	madvise(l->region, l->region_len, MADV_DONTNEED);
	spin_burst(s, w->spin_iters);
}

/* One lock cycle; -1 when stopped before the lock was taken. */
static int
mutex_contention(struct ws *s)
{
	const struct wl_work *w = s->c->work;
	_Atomic uint32_t *word = word_of(s);

	spin_burst(s, w->work_iters);
	for (;;) {
		uint32_t zero = 0;
		uint64_t t0;
		if (wl_stop)
			return -1;
		if (atomic_compare_exchange_strong_explicit(word, &zero, 1, memory_order_acquire,
		                                            memory_order_relaxed))
			break;
		t0 = monotonic_ns();
		futex_wait((void *)word, 1);
		record(s, monotonic_ns() - t0);
	}
	spin_burst(s, w->hold_iters);
	atomic_store_explicit(word, 0, memory_order_release);
	futex_wake((void *)word, 1);
	reset_gap(s);
	return 0;
}

static void
fork_exit(struct ws *s)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		uint64_t t0 = monotonic_ns();
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		record(s, monotonic_ns() - t0);
	}
	s->work_units++;
}

/* Spin for burst_ms, then sleep sleep_ms. */
static void
bursty(struct ws *s)
{
	const struct wl_work *w = s->c->work;
	uint64_t t0 = monotonic_ns(), burst = w->burst_ms * 1000000;

	do
		spin_burst(s, 1024);
	while (!wl_stop && monotonic_ns() - t0 < burst);
	if (!wl_stop) {
		t0 = monotonic_ns();
		wl_sleep_ns(w->sleep_ms * 1000000);
		record(s, monotonic_ns() - t0);
	}
}

/* Spin, step the nice value through [nice_min, 19], yield. */
static void
nice_sweep(struct ws *s, struct loop *l)
{
	spin_burst(s, 512);
	setpriority(PRIO_PROCESS, 0, l->nice_min + (int)(s->iterations % (uint64_t)(20 - l->nice_min)));
	record(s, timed_yield());
}

/* Spin, move to one random allowed CPU, yield. */
static void
affinity_churn(struct ws *s, struct loop *l)
{
	spin_burst(s, s->c->work->spin_iters);
	if (l->nallowed > 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(l->allowed[rng_next(&s->rng) % l->nallowed], &one);
		sched_setaffinity(0, sizeof one, &one);
	}
	record(s, timed_yield());
}

/* Spin, switch to the next scheduling policy, yield. */
static void
policy_churn(struct ws *s, struct loop *l)
{
	int pol = churn_policies[s->iterations % l->npolicies];
	struct sched_param sp = {.sched_priority = pol == SCHED_FIFO || pol == SCHED_RR};

	spin_burst(s, s->c->work->spin_iters);
	sched_setscheduler(0, pol, &sp);
	record(s, timed_yield());
}

/* One outer iteration; -1 ends the loop without counting it. */
static int
iterate(struct ws *s, struct loop *l)
{
	const struct wl_work *w = s->c->work;

	switch (w->type) {
	case WL_CPU_SPIN:
		spin_burst(s, 1024);
		break;
	case WL_YIELD_HEAVY:
		s->work_units++;
		sched_yield();
		break;
	case WL_MIXED:
		spin_burst(s, 1024);
		sched_yield();
		break;
	case WL_IO_SYNC:
		io_round(s, l->fd);
		reset_gap(s);
		break;
	case WL_BURSTY:
		bursty(s);
		break;
	case WL_PIPE_IO:
		spin_burst(s, w->burst_iters);
		pipe_exchange(s);
		break;
	case WL_FUTEX_PING_PONG:
		futex_ping_pong(s);
		break;
	case WL_CACHE_PRESSURE:
		rmw(s, l->buf, l->len, w->stride, 1024);
		break;
	case WL_CACHE_YIELD:
		rmw(s, l->buf, l->len, w->stride, 1024);
		record(s, timed_yield());
		break;
	case WL_CACHE_PIPE:
		rmw(s, l->buf, l->len, 64, w->burst_iters);
		pipe_exchange(s);
		break;
	case WL_FUTEX_FAN_OUT:
		futex_fan_out(s);
		break;
	case WL_FORK_EXIT:
		fork_exit(s);
		break;
	case WL_NICE_SWEEP:
		nice_sweep(s, l);
		break;
	case WL_AFFINITY_CHURN:
		affinity_churn(s, l);
		break;
	case WL_POLICY_CHURN:
		policy_churn(s, l);
		break;
	case WL_FAN_OUT_COMPUTE:
		fan_out_compute(s, l);
		break;
	case WL_PAGE_FAULT_CHURN:
		page_fault_churn(s, l);
		break;
	case WL_MUTEX_CONTENTION:
		return mutex_contention(s);
	case WL_SEQUENCE:
	case WL_CUSTOM:
	case WL_NTYPES:
		return -1;
	}
	return 0;
}

/* The outer loop with the common tail, until wl_stop. */
static void
run_loop(struct ws *s)
{
	const struct wl_work *w = s->c->work;
	struct loop l;

	if (w->type == WL_SEQUENCE) {
		run_sequence(s);
		return;
	}
	if (loop_setup(w, &l) == 0) {
		while (!wl_stop && iterate(s, &l) == 0) {
			s->iterations++;
			tail(s);
		}
	}
	loop_cleanup(w, &l);
}

/* /proc/self/schedstat: on-CPU ns, run delay ns, pcount. */
static int
read_schedstat(uint64_t v[3])
{
	struct buf b = BUF_INIT;
	int rc = -1;

	if (read_file("/proc/self/schedstat", &b, 4096) == 0 && b.s &&
	    sscanf(b.s, "%" SCNu64 " %" SCNu64 " %" SCNu64, &v[0], &v[1], &v[2]) == 3)
		rc = 0;
	buf_free(&b);
	return rc;
}

static uint64_t
vmstat_migrated(void)
{
	struct buf b = BUF_INIT;
	uint64_t v = 0;
	char *p;

	if (read_file("/proc/vmstat", &b, 1 << 20) == 0 && b.s &&
	    (p = strstr(b.s, "\nnuma_pages_migrated ")) != NULL)
		v = strtoull(p + 21, NULL, 10);
	buf_free(&b);
	return v;
}

/* numa_pages: every N<node>=<count> token of /proc/self/numa_maps, summed per node. */
static void
read_numa_maps(struct wl_report *r)
{
	struct buf b = BUF_INIT;
	size_t cap = 0;

	if (read_file("/proc/self/numa_maps", &b, 64 << 20) < 0 || b.s == NULL) {
		buf_free(&b);
		return;
	}
	for (char *p = b.s; (p = strstr(p, " N")) != NULL;) {
		char *end;
		long node;
		uint64_t pages;
		size_t i;
		p += 2;
		node = strtol(p, &end, 10);
		if (end == p || *end != '=' || node < 0 || node > INT_MAX)
			continue;
		p = end + 1;
		pages = strtoull(p, &end, 10);
		if (end == p)
			continue;
		p = end;
		for (i = 0; i < r->nnuma && r->numa_pages[i].node < node; i++)
			;
		if (i < r->nnuma && r->numa_pages[i].node == node) {
			r->numa_pages[i].pages += pages;
			continue;
		}
		if (r->nnuma == cap) {
			cap = cap ? cap * 2 : 4;
			r->numa_pages = ereallocarray(r->numa_pages, cap, sizeof *r->numa_pages);
		}
		memmove(r->numa_pages + i + 1, r->numa_pages + i, (r->nnuma - i) * sizeof *r->numa_pages);
		r->numa_pages[i] = (struct wl_node_pages){(int)node, pages};
		r->nnuma++;
	}
	buf_free(&b);
}

static void
apply_policy(const struct wl_policy *p)
{
	struct sched_param sp = {0};
	int pol;

	switch (p->kind) {
	case WL_POL_NORMAL:
		return;
	case WL_POL_BATCH: pol = SCHED_BATCH; break;
	case WL_POL_IDLE: pol = SCHED_IDLE; break;
	case WL_POL_FIFO: pol = SCHED_FIFO; break;
	case WL_POL_RR: pol = SCHED_RR; break;
	default: return;
	}
	if (pol == SCHED_FIFO || pol == SCHED_RR)
		sp.sched_priority = p->prio < 1 ? 1 : p->prio > 99 ? 99 : p->prio;
	sched_setscheduler(0, pol, &sp);
}

void
wl_worker_main(const struct wl_worker_ctx *c, struct wl_report *r)
{
	struct ws s;
	uint64_t ss0[3], ss1[3], vm0, end;
	int have_ss;
	struct timespec ts;

	memset(r, 0, sizeof *r);
	memset(&s, 0, sizeof s);
	s.c = c;
	s.r = r;
	r->tid = (int32_t)getpid();
	r->is_messenger = c->is_messenger;
	if (c->has_affinity)
		sched_setaffinity(0, sizeof c->affinity, &c->affinity);
	apply_policy(&c->policy);
	s.start = s.last_iter_time = monotonic_ns();
	s.rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ s.start;
	if (s.rng == 0)
		s.rng = 1;
	if (c->work->type == WL_CUSTOM) {
		if (c->work->custom_fn)
			c->work->custom_fn(&wl_stop, r, c->work->custom_arg);
		r->tid = (int32_t)getpid();
		r->wall_time_ns = monotonic_ns() - s.start;
		r->exit_kind = WL_EXIT_NONE;
		r->completed = 1;
		return;
	}
	s.last_cpu = s.max_gap_cpu = sched_getcpu();
	if (s.last_cpu >= 0)
		add_cpu(&s, s.last_cpu);
	else
		s.last_cpu = s.max_gap_cpu = 0;
	have_ss = read_schedstat(ss0) == 0;
	vm0 = vmstat_migrated();

	run_loop(&s);

	end = monotonic_ns();
	if (have_ss && read_schedstat(ss1) == 0) {
		r->schedstat_cpu_time_ns = ss1[0] - ss0[0];
		r->schedstat_run_delay_ns = ss1[1] - ss0[1];
		r->schedstat_run_count = ss1[2] - ss0[2];
	}
	read_numa_maps(r);
	{
		uint64_t vm1 = vmstat_migrated();
		r->vmstat_numa_pages_migrated = vm1 > vm0 ? vm1 - vm0 : 0;
	}
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
		r->cpu_time_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	r->wall_time_ns = end - s.start;
	r->off_cpu_ns = r->wall_time_ns > r->cpu_time_ns ? r->wall_time_ns - r->cpu_time_ns : 0;
	r->work_units = s.work_units;
	r->iterations = s.iterations;
	r->max_gap_ms = s.max_gap_ns / 1000000;
	r->max_gap_cpu = (uint64_t)s.max_gap_cpu;
	r->max_gap_at_ms = s.max_gap_at_ns / 1000000;
	r->completed = 1;
}

/* ---- transport ---- */

/*
 * Record: the struct wl_report itself (same binary on both ends of the
 * pipe; its pointers are ignored), then cpus_used, migrations, samples
 * and numa_pages, whose counts the struct carries.
 */
int
wl_report_write(int fd, const struct wl_report *r)
{
	if (write_all(fd, r, sizeof *r) < 0 ||
	    write_all(fd, r->cpus_used, r->ncpus_used * sizeof *r->cpus_used) < 0 ||
	    write_all(fd, r->migrations, r->nmigrations * sizeof *r->migrations) < 0 ||
	    write_all(fd, r->resume_latencies_ns, r->nlatencies * sizeof *r->resume_latencies_ns) < 0 ||
	    write_all(fd, r->numa_pages, r->nnuma * sizeof *r->numa_pages) < 0)
		return -1;
	return 0;
}

/* Take n items of size sz from the input into a fresh array; -1 if short. */
static int
take(const char **p, size_t *left, size_t n, size_t sz, void **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	if (n > *left / sz)
		return -1;
	*out = ereallocarray(NULL, n, sz);
	memcpy(*out, *p, n * sz);
	*p += n * sz;
	*left -= n * sz;
	return 0;
}

int
wl_report_decode(const char *p, size_t n, struct wl_report *r)
{
	struct wl_report h;
	void *cpus = NULL, *migs = NULL, *lat = NULL, *numa = NULL;

	memset(r, 0, sizeof *r);
	if (n < sizeof h)
		return -1;
	memcpy(&h, p, sizeof h);
	p += sizeof h;
	n -= sizeof h;
	if (h.nlatencies > WL_MAX_WAKE_SAMPLES || h.ncpus_used > CPU_SETSIZE ||
	    take(&p, &n, h.ncpus_used, sizeof *h.cpus_used, &cpus) < 0)
		return -1;
	if (take(&p, &n, h.nmigrations, sizeof *h.migrations, &migs) < 0) {
		free(cpus);
		return -1;
	}
	if (take(&p, &n, h.nlatencies, sizeof *h.resume_latencies_ns, &lat) < 0 ||
	    take(&p, &n, h.nnuma, sizeof *h.numa_pages, &numa) < 0 || n != 0) {
		free(cpus);
		free(migs);
		free(lat);
		free(numa);
		return -1;
	}
	*r = h;
	r->cpus_used = cpus;
	r->migrations = migs;
	r->resume_latencies_ns = lat;
	r->numa_pages = numa;
	return 0;
}

void
wl_report_free(struct wl_report *r)
{
	free(r->cpus_used);
	free(r->migrations);
	free(r->resume_latencies_ns);
	free(r->numa_pages);
	r->cpus_used = NULL;
	r->migrations = NULL;
	r->resume_latencies_ns = NULL;
	r->numa_pages = NULL;
	r->ncpus_used = r->nmigrations = r->nlatencies = r->nnuma = 0;
}
