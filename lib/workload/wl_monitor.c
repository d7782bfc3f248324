/*
 * wl_monitor: optional 100 ms sampling in the runner (--monitor):
 * sched_ext event counters and per-CPU nr_running from debugfs,
 * summarised as the sidecar's MonitorSummary and checked against the
 * monitor thresholds (upstream's defaults, each held for 5 samples).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_int.h"

#define DROP_SAMPLES 20
#define SUSTAINED 5
#define MAX_IMBALANCE 4.0
#define MAX_FALLBACK_RATE 200.0
#define MAX_KEEP_LAST_RATE 100.0

/* sched_ext event names (without SCX_EV_) in ScxEventDeltas order of totals. */
enum {
	EV_FALLBACK,
	EV_OFFLINE,
	EV_KEEP_LAST,
	EV_SKIP_EXITING,
	EV_SKIP_MIGRATION_DISABLED,
	EV_REENQ_IMMED,
	EV_REENQ_LOCAL_REPEAT,
	EV_REFILL_SLICE_DFL,
	EV_BYPASS_DURATION,
	EV_BYPASS_DISPATCH,
	EV_BYPASS_ACTIVATE,
	EV_INSERT_NOT_OWNED,
	EV_SUB_BYPASS_DISPATCH,
	NEV
};

static const struct {
	const char *name;
	int ev;
} event_names[] = {
	{"SELECT_CPU_FALLBACK", EV_FALLBACK},
	{"DISPATCH_LOCAL_DSQ_OFFLINE", EV_OFFLINE},
	{"DISPATCH_KEEP_LAST", EV_KEEP_LAST},
	{"ENQ_SKIP_EXITING", EV_SKIP_EXITING},
	{"ENQ_SKIP_MIGRATION_DISABLED", EV_SKIP_MIGRATION_DISABLED},
	{"REENQ_IMMED", EV_REENQ_IMMED},
	{"REENQ_LOCAL_REPEAT", EV_REENQ_LOCAL_REPEAT},
	{"REFILL_SLICE_DFL", EV_REFILL_SLICE_DFL},
	{"ENQ_SLICE_DFL", EV_REFILL_SLICE_DFL}, /* the pre-rename name */
	{"BYPASS_DURATION", EV_BYPASS_DURATION},
	{"BYPASS_DISPATCH", EV_BYPASS_DISPATCH},
	{"BYPASS_ACTIVATE", EV_BYPASS_ACTIVATE},
	{"INSERT_NOT_OWNED", EV_INSERT_NOT_OWNED},
	{"SUB_BYPASS_DISPATCH", EV_SUB_BYPASS_DISPATCH},
};

struct wl_mon {
	char *events;  /* path of root/events, or NULL */
	char *debug;   /* path of sched/debug, or NULL */
	uint64_t samples;
	/* events */
	uint64_t first[NEV], prev[NEV], last[NEV];
	uint64_t first_ns, prev_ns, last_ns;
	uint64_t max_fallback_burst;
	unsigned fallback_run, keep_last_run;
	int fallback_failed, keep_last_failed;
	double worst_fallback_rate, worst_keep_last_rate;
	int have_events;
	/* nr_running */
	double max_imbalance, sum_imbalance, sum_nr_running;
	uint64_t valid_imbalance, nr_readings;
	unsigned imbalance_run;
	int imbalance_failed;
	double worst_imbalance;
};

static int
read_events(const char *path, uint64_t v[NEV])
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL;

	memset(v, 0, NEV * sizeof *v);
	if (read_file(path, &b, 1 << 20) < 0 || b.s == NULL) {
		buf_free(&b);
		return -1;
	}
	for (line = strtok_r(b.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];
		unsigned long long val;
		const char *n = name;
		if (sscanf(line, "%127s %llu", name, &val) != 2)
			continue;
		if (strncmp(n, "SCX_EV_", 7) == 0)
			n += 7;
		for (size_t i = 0; i < LEN(event_names); i++)
			if (strcmp(event_names[i].name, n) == 0)
				v[event_names[i].ev] = val;
	}
	buf_free(&b);
	return 0;
}

/* Per-CPU rq nr_running from sched/debug; returns the CPUs read, -1 if unreadable. */
static long
read_nr_running(const char *path, uint64_t *min, uint64_t *max, uint64_t *sum)
{
	struct buf b = BUF_INIT;
	char *line, *save = NULL;
	long ncpu = 0;
	int in_cpu = 0;

	*min = UINT64_MAX;
	*max = *sum = 0;
	if (read_file(path, &b, 1 << 24) < 0 || b.s == NULL) {
		buf_free(&b);
		return -1;
	}
	for (line = strtok_r(b.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;
		unsigned long long v;
		if (strncmp(line, "cpu#", 4) == 0) {
			in_cpu = 1;
			continue;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (!in_cpu || strncmp(p, ".nr_running", 11) != 0)
			continue;
		p = strchr(p, ':');
		if (p == NULL || sscanf(p + 1, "%llu", &v) != 1)
			continue;
		in_cpu = 0; /* the rq's own line comes first; cfs_rq/rt_rq lines follow */
		if (v < *min)
			*min = v;
		if (v > *max)
			*max = v;
		*sum += v;
		ncpu++;
	}
	buf_free(&b);
	return ncpu;
}

struct wl_mon *
wl_mon_new(const char *scx_dir, const char *debugfs)
{
	struct wl_mon *m = ecalloc(1, sizeof *m);
	uint64_t v[NEV], a, b, c;

	m->events = path_join(scx_dir ? scx_dir : "/sys/kernel/sched_ext", "root/events");
	m->debug = path_join(debugfs ? debugfs : "/sys/kernel/debug", "sched/debug");
	if (read_events(m->events, v) < 0) {
		free(m->events);
		m->events = NULL;
	}
	if (read_nr_running(m->debug, &a, &b, &c) <= 0) {
		free(m->debug);
		m->debug = NULL;
	}
	if (m->events == NULL && m->debug == NULL) {
		wl_mon_free(m);
		return NULL;
	}
	m->max_imbalance = 1.0;
	return m;
}

void
wl_mon_free(struct wl_mon *m)
{
	if (m == NULL)
		return;
	free(m->events);
	free(m->debug);
	free(m);
}

/* A violation counts only when it lasts SUSTAINED samples after the first DROP_SAMPLES. */
static void
sustain(const struct wl_mon *m, int bad, unsigned *run, int *failed)
{
	if (m->samples <= DROP_SAMPLES || !bad) {
		*run = 0;
		return;
	}
	if (++*run >= SUSTAINED)
		*failed = 1;
}

void
wl_mon_sample(struct wl_mon *m, uint64_t now_ns)
{
	uint64_t v[NEV], mn, mx, sum;
	long n;

	m->samples++;
	if (m->events && read_events(m->events, v) == 0) {
		if (!m->have_events) {
			memcpy(m->first, v, sizeof v);
			m->first_ns = now_ns;
			m->have_events = 1;
		} else {
			double dt = (double)(now_ns - m->prev_ns) / 1e9;
			uint64_t fb = v[EV_FALLBACK] - m->prev[EV_FALLBACK];
			uint64_t kl = v[EV_KEEP_LAST] - m->prev[EV_KEEP_LAST];
			double fr = dt > 0 ? (double)fb / dt : 0, kr = dt > 0 ? (double)kl / dt : 0;
			if (fb > m->max_fallback_burst)
				m->max_fallback_burst = fb;
			sustain(m, fr > MAX_FALLBACK_RATE, &m->fallback_run, &m->fallback_failed);
			sustain(m, kr > MAX_KEEP_LAST_RATE, &m->keep_last_run, &m->keep_last_failed);
			if (fr > m->worst_fallback_rate)
				m->worst_fallback_rate = fr;
			if (kr > m->worst_keep_last_rate)
				m->worst_keep_last_rate = kr;
		}
		memcpy(m->prev, v, sizeof v);
		memcpy(m->last, v, sizeof v);
		m->prev_ns = m->last_ns = now_ns;
	}
	if (m->debug && (n = read_nr_running(m->debug, &mn, &mx, &sum)) > 0) {
		double imb = (double)mx / (double)(mn ? mn : 1);
		if (imb > m->max_imbalance)
			m->max_imbalance = imb;
		m->sum_imbalance += imb;
		m->valid_imbalance++;
		m->sum_nr_running += (double)sum;
		m->nr_readings += (uint64_t)n;
		sustain(m, imb > MAX_IMBALANCE, &m->imbalance_run, &m->imbalance_failed);
		if (imb > m->worst_imbalance)
			m->worst_imbalance = imb;
	}
}

struct wl_monitor *
wl_mon_finish(struct wl_mon *m, int *failed, struct wl_detail **d, size_t *nd)
{
	struct wl_monitor *mon = ecalloc(1, sizeof *mon);
	struct sidecar_monitor *s = &mon->summary;

	/* Nothing here measures IRQs: those members stay none. */
	sidecar_clear(sidecar_type_monitor, s);
	s->total_samples = m->samples;
	s->max_imbalance_ratio = m->max_imbalance;
	if (m->valid_imbalance)
		s->avg_imbalance_ratio = m->sum_imbalance / (double)m->valid_imbalance;
	if (m->nr_readings)
		s->avg_nr_running = m->sum_nr_running / (double)m->nr_readings;
	if (m->have_events) {
		struct sidecar_events *e = &mon->events;
		uint64_t dv[NEV];
		double secs = (double)(m->last_ns - m->first_ns) / 1e9;
		for (int i = 0; i < NEV; i++)
			dv[i] = m->last[i] - m->first[i];
		s->event_deltas = e;
		e->total_fallback = (int64_t)dv[EV_FALLBACK];
		e->fallback_rate = secs > 0 ? (double)dv[EV_FALLBACK] / secs : 0;
		e->max_fallback_burst = (int64_t)m->max_fallback_burst;
		e->total_dispatch_offline = (int64_t)dv[EV_OFFLINE];
		e->total_dispatch_keep_last = (int64_t)dv[EV_KEEP_LAST];
		e->keep_last_rate = secs > 0 ? (double)dv[EV_KEEP_LAST] / secs : 0;
		e->total_enq_skip_exiting = (int64_t)dv[EV_SKIP_EXITING];
		e->total_enq_skip_migration_disabled = (int64_t)dv[EV_SKIP_MIGRATION_DISABLED];
		e->total_reenq_immed = (int64_t)dv[EV_REENQ_IMMED];
		e->total_reenq_local_repeat = (int64_t)dv[EV_REENQ_LOCAL_REPEAT];
		e->total_refill_slice_dfl = (int64_t)dv[EV_REFILL_SLICE_DFL];
		e->total_bypass_duration = (int64_t)dv[EV_BYPASS_DURATION];
		e->total_bypass_dispatch = (int64_t)dv[EV_BYPASS_DISPATCH];
		e->total_bypass_activate = (int64_t)dv[EV_BYPASS_ACTIVATE];
		e->total_insert_not_owned = (int64_t)dv[EV_INSERT_NOT_OWNED];
		e->total_sub_bypass_dispatch = (int64_t)dv[EV_SUB_BYPASS_DISPATCH];
		/* The thresholds are judged only with a sched_ext scheduler under test. */
		if (m->imbalance_failed)
			wl_detail_add(d, nd, WL_D_MONITOR,
			              "imbalance ratio %.1f exceeded %.1f for %d consecutive samples",
			              m->worst_imbalance, MAX_IMBALANCE, SUSTAINED);
		if (m->fallback_failed)
			wl_detail_add(d, nd, WL_D_MONITOR,
			              "fallback rate %.0f/s exceeded %.0f/s for %d consecutive samples",
			              m->worst_fallback_rate, MAX_FALLBACK_RATE, SUSTAINED);
		if (m->keep_last_failed)
			wl_detail_add(d, nd, WL_D_MONITOR,
			              "keep-last rate %.0f/s exceeded %.0f/s for %d consecutive samples",
			              m->worst_keep_last_rate, MAX_KEEP_LAST_RATE, SUSTAINED);
		*failed = m->imbalance_failed || m->fallback_failed || m->keep_last_failed;
	}
	wl_mon_free(m);
	return mon;
}
