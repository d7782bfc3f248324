#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "table.h"

/* §11.1: the columns searched for outliers, in report order. */
static const enum metric_id outlier_columns[] = {
	M_SPREAD,    M_GAP_MS,  M_MIGRATIONS, M_MIGRATION_RATIO, M_IMBALANCE,
	M_DSQ_DEPTH, M_STALLS,  M_FALLBACK,   M_KEEP_LAST,       M_P99_WAKE,
	M_WAKE_CV,   M_MEAN_RUN_DELAY, M_RUN_DELAY,
};

#define VERIFIER_LIMIT 1000000.0

/*
 * Group rows by a string column, groups in first-appearance order:
 * which[i] is row i's group; returns the group count, names[] theirs.
 */
static size_t
group_by(const struct row *rows, size_t n, const char *(*key)(const struct row *),
         size_t *which, const char ***names)
{
	size_t i, k, ng = 0;

	*names = ereallocarray(NULL, n, sizeof **names);
	for (i = 0; i < n; i++) {
		const char *v = key(&rows[i]);

		for (k = 0; k < ng; k++)
			if (strcmp((*names)[k], v) == 0)
				break;
		if (k == ng)
			(*names)[ng++] = v;
		which[i] = k;
	}
	return ng;
}

static const char *
key_scenario(const struct row *r)
{
	return r->scenario;
}

static const char *
key_topology(const struct row *r)
{
	return r->topology;
}

static const char *
key_work_type(const struct row *r)
{
	return r->work_type;
}

/* Descending by a double, ties in recording order (a stable sort by qsort). */
struct ranked {
	double by;
	size_t seq;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->by != y->by)
		return x->by < y->by ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

struct outlier {
	struct ranked rank; /* by sigma */
	const char *scenario;
	enum metric_id column;
	double g, mean;
	struct buf worst;
};

static void
outliers(struct buf *out, const struct row *rows, size_t n)
{
	size_t *which = ereallocarray(NULL, n, sizeof *which);
	const char **names;
	size_t ng = group_by(rows, n, key_scenario, which, &names), c, i, k, nout = 0;
	struct outlier *o = NULL;

	for (c = 0; c < LEN(outlier_columns); c++) {
		enum metric_id col = outlier_columns[c];
		double mean = 0, ss = 0, sd, thr;

		for (i = 0; i < n; i++)
			mean += rows[i].f[col];
		mean /= (double)n;
		for (i = 0; i < n; i++)
			ss += (rows[i].f[col] - mean) * (rows[i].f[col] - mean);
		sd = n < 2 ? 0 : sqrt(ss / (double)(n - 1));
		if (sd < DBL_EPSILON)
			continue;
		thr = mean + 2 * sd;
		for (k = 0; k < ng; k++) {
			double g = 0;
			size_t m = 0;
			struct outlier *e;

			for (i = 0; i < n; i++)
				if (which[i] == k)
					g += rows[i].f[col], m++;
			g /= (double)m;
			if (!(g > thr))
				continue;
			o = ereallocarray(o, nout + 1, sizeof *o);
			e = &o[nout];
			e->rank = (struct ranked){(g - mean) / sd, nout};
			nout++;
			e->scenario = names[k];
			e->column = col;
			e->g = g;
			e->mean = mean;
			e->worst = (struct buf)BUF_INIT;
			for (i = 0; i < n; i++)
				if (which[i] == k && rows[i].f[col] > thr)
					buf_printf(&e->worst, "%s%s", e->worst.len ? ", " : "", rows[i].topology);
		}
	}
	if (nout == 0) {
		buf_puts(out, "No outliers detected.\n");
	} else {
		qsort(o, nout, sizeof *o, cmp_ranked);
		buf_puts(out, "Outliers detected:\n");
		for (i = 0; i < nout; i++) {
			buf_printf(out, "  %s: %s %.1f (overall avg %.1f, +%.1f\u03c3)\n", o[i].scenario,
			           metrics[o[i].column].column, o[i].g, o[i].mean, o[i].rank.by);
			if (o[i].worst.len)
				buf_printf(out, "    worst on: %s\n", o[i].worst.s);
		}
	}
	for (i = 0; i < nout; i++)
		buf_free(&o[i].worst);
	free(o);
	free(names);
	free(which);
}

struct summary {
	struct ranked rank; /* by mean spread */
	const char *name;
	size_t total, pass, skip;
	double gap, imbalance, dsq, fallback, stalls;
};

static void
summarise(struct buf *out, const char *title, const struct row *rows, size_t n,
          const char *(*key)(const struct row *))
{
	size_t *which = ereallocarray(NULL, n, sizeof *which);
	const char **names;
	size_t ng = group_by(rows, n, key, which, &names), i;
	struct summary *s = ecalloc(ng, sizeof *s);

	for (i = 0; i < n; i++) {
		struct summary *e = &s[which[i]];
		const struct row *r = &rows[i];

		e->name = names[which[i]];
		e->rank.seq = which[i];
		e->total++;
		e->pass += r->passed && !r->skipped;
		e->skip += r->skipped != 0;
		e->rank.by += r->f[M_SPREAD];
		e->gap += r->f[M_GAP_MS];
		e->imbalance += r->f[M_IMBALANCE];
		e->dsq += r->f[M_DSQ_DEPTH];
		e->fallback += r->f[M_FALLBACK];
		e->stalls += r->f[M_STALLS];
	}
	for (i = 0; i < ng; i++) {
		double t = (double)s[i].total;

		s[i].rank.by /= t;
		s[i].gap /= t;
		s[i].imbalance /= t;
		s[i].dsq /= t;
		s[i].fallback /= t;
	}
	qsort(s, ng, sizeof *s, cmp_ranked);
	buf_puts(out, title);
	for (i = 0; i < ng; i++) {
		const struct summary *e = &s[i];
		size_t fail = e->total > e->pass + e->skip ? e->total - e->pass - e->skip : 0;

		buf_puts(out, "  ");
		pad_right(out, e->name, 25);
		buf_printf(out, " %zu/%zu passed (%zu skipped, %zu failed)  avg_spread=%.1f%%  avg_gap=%.0fms",
		           e->pass, e->total, e->skip, fail, e->rank.by, e->gap);
		if (e->imbalance > 1.0)
			buf_printf(out, "  imbal=%.1f", e->imbalance);
		if (e->dsq > 0)
			buf_printf(out, "  dsq=%.0f", e->dsq);
		if ((int64_t)e->stalls > 0)
			buf_printf(out, "  stalls=%" PRId64, (int64_t)e->stalls);
		if (e->fallback > 0)
			buf_printf(out, "  fallback=%.0f", e->fallback);
		buf_putc(out, '\n');
	}
	free(s);
	free(names);
	free(which);
}

static void
gauntlet(struct buf *out, const struct row *rows, size_t n)
{
	size_t i;

	buf_puts(out, "\n=== GAUNTLET ANALYSIS ===\n\n");
	outliers(out, rows, n);
	summarise(out, "\nBy scenario (worst first):\n", rows, n, key_scenario);
	summarise(out, "\nBy topology:\n", rows, n, key_topology);
	for (i = 1; i < n; i++)
		if (strcmp(rows[i].work_type, rows[0].work_type) != 0)
			break;
	if (i < n)
		summarise(out, "\nBy work_type:\n", rows, n, key_work_type);
}

/* An unsigned integer member as written; 0 when absent or not one. */
static uint64_t
u64_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	if (v == NULL || v->type != JSON_NUMBER || !(v->u.num.flags & JSON_NUM_U64))
		return 0;
	return v->u.num.u;
}

static const char *
str_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->u.str.s : NULL;
}

static const struct json_value *
array_member(const struct json_value *obj, const char *key)
{
	const struct json_value *v = obj ? json_get(obj, key) : NULL;

	return v && v->type == JSON_ARRAY ? v : NULL;
}

struct prog {
	const char *name;
	uint64_t verified;
};

static int
cmp_prog(const void *a, const void *b)
{
	return strcmp(((const struct prog *)a)->name, ((const struct prog *)b)->name);
}

static void
verifier(struct buf *out, const struct row *rows, size_t n)
{
	struct prog *p = NULL;
	size_t np = 0, i, j, k;
	uint64_t total = 0;
	int near = 0;

	for (i = 0; i < n; i++) {
		const struct json_value *vs = array_member(rows[i].sidecar, "verifier_stats");

		for (j = 0; vs && j < vs->u.arr.n; j++) {
			const struct json_value *e = &vs->u.arr.items[j];
			const char *name = str_member(e, "name");
			uint64_t v = u64_member(e, "verified_insns");

			if (name == NULL)
				continue;
			for (k = 0; k < np; k++)
				if (strcmp(p[k].name, name) == 0)
					break;
			if (k == np) {
				p = ereallocarray(p, np + 1, sizeof *p);
				p[np++] = (struct prog){name, v};
			} else if (v > p[k].verified) {
				p[k].verified = v;
			}
		}
	}
	if (np == 0)
		return;
	qsort(p, np, sizeof *p, cmp_prog);
	buf_puts(out, "\n=== BPF VERIFIER STATS ===\n\n");
	buf_printf(out, "  %-24s %12s %8s\n", "program", "verified", "limit%");
	buf_printf(out, "  %.24s %.12s %.8s\n", "------------------------", "------------",
	           "--------");
	for (i = 0; i < np; i++) {
		double pct = (double)p[i].verified / VERIFIER_LIMIT * 100;

		buf_puts(out, "  ");
		pad_right(out, p[i].name, 24);
		buf_printf(out, " %12" PRIu64 " %7.1f%%%s\n", p[i].verified, pct, pct >= 75.0 ? " !" : "");
		total += p[i].verified;
		near |= pct >= 75.0;
	}
	buf_printf(out, "\n  total verified insns: %" PRIu64 "\n", total);
	if (near) {
		buf_puts(out, "\nWARNING: programs near verifier complexity limit:\n");
		for (i = 0; i < np; i++) {
			double pct = (double)p[i].verified / VERIFIER_LIMIT * 100;

			if (pct >= 75.0)
				buf_printf(out, "  %s: %.1f%% of 1M limit (%" PRIu64 " verified insns)\n",
				           p[i].name, pct, p[i].verified);
		}
	}
	free(p);
}

static void
callback_profile(struct buf *out, const struct row *rows, size_t n)
{
	int first = 1;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct json_value *mon = rows[i].sidecar ? json_get(rows[i].sidecar, "monitor") : NULL;
		const struct json_value *ps = mon && mon->type == JSON_OBJECT
		                                  ? array_member(mon, "prog_stats_deltas")
		                                  : NULL;

		if (ps == NULL || ps->u.arr.n == 0)
			continue;
		if (first)
			buf_puts(out, "\n=== BPF CALLBACK PROFILE ===\n");
		first = 0;
		buf_printf(out, "\n  %s (%s):\n", rows[i].scenario, rows[i].topology);
		buf_printf(out, "    %-24s %12s %14s %12s\n", "program", "cnt", "total_ns", "avg_ns");
		buf_printf(out, "    %.24s %.12s %.14s %.12s\n", "------------------------",
		           "------------", "--------------", "------------");
		for (j = 0; j < ps->u.arr.n; j++) {
			const struct json_value *e = &ps->u.arr.items[j];
			const struct json_value *per = json_get(e, "nsecs_per_call");
			const char *name = str_member(e, "name");

			buf_puts(out, "    ");
			pad_right(out, name ? name : "", 24);
			buf_printf(out, " %12" PRIu64 " %14" PRIu64 " %12.0f\n", u64_member(e, "cnt"),
			           u64_member(e, "nsecs"),
			           per && per->type == JSON_NUMBER && isfinite(per->u.num.d) ? per->u.num.d : 0.0);
		}
	}
}

/* Σ over one VM's vCPUs of stat s. */
static uint64_t
vm_sum(const struct json_value *per_vcpu, const char *s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; per_vcpu && i < per_vcpu->u.arr.n; i++)
		sum += u64_member(&per_vcpu->u.arr.items[i], s);
	return sum;
}

static uint64_t
vm_avg(const struct json_value *per_vcpu, const char *s)
{
	if (per_vcpu == NULL || per_vcpu->u.arr.n == 0)
		return 0;
	return vm_sum(per_vcpu, s) / per_vcpu->u.arr.n;
}

struct kvm {
	const struct json_value **vm; /* per_vcpu arrays (NULL: none) */
	size_t n;
};

/* Cross-VM average of per-vCPU averages, integer division. */
static uint64_t
kvm_avg(const struct kvm *k, const char *s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < k->n; i++)
		sum += vm_avg(k->vm[i], s);
	return sum / k->n;
}

static uint64_t
kvm_total(const struct kvm *k, const char *s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < k->n; i++)
		sum += vm_sum(k->vm[i], s);
	return sum;
}

static void
kvm_stats(struct buf *out, const struct row *rows, size_t n)
{
	struct kvm k = {ereallocarray(NULL, n, sizeof *k.vm), 0};
	uint64_t exits, halt, wait_ns, preempted, signal, hypercalls, poll_ok, poll_try;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct json_value *kv = rows[i].sidecar ? json_get(rows[i].sidecar, "kvm_stats") : NULL;

		if (kv == NULL || kv->type == JSON_NULL)
			continue;
		k.vm[k.n++] = kv->type == JSON_OBJECT ? array_member(kv, "per_vcpu") : NULL;
	}
	if (k.n == 0 || (exits = kvm_avg(&k, "exits")) == 0) {
		free(k.vm);
		return;
	}
	halt = kvm_avg(&k, "halt_exits");
	wait_ns = kvm_avg(&k, "halt_wait_ns");
	preempted = kvm_avg(&k, "preemption_reported");
	signal = kvm_avg(&k, "signal_exits");
	hypercalls = kvm_avg(&k, "hypercalls");
	poll_ok = kvm_total(&k, "halt_successful_poll");
	poll_try = kvm_total(&k, "halt_attempted_poll");
	buf_printf(out, "\n=== KVM STATS (avg across %zu VMs) ===\n\n", k.n);
	buf_printf(out, "  exits/vcpu  %7" PRIu64 "   halt/vcpu     %5" PRIu64 "   halt_wait_ms %7.1f\n",
	           exits, halt, (double)wait_ns / 1e6);
	buf_printf(out, "  poll_ok%%    %6.1f%%   preempted/vcpu %4" PRIu64 "   signal/vcpu  %7" PRIu64 "\n",
	           poll_try ? (double)poll_ok / (double)poll_try * 100 : 0.0, preempted, signal);
	if (hypercalls > 0)
		buf_printf(out, "  hypercalls/vcpu %4" PRIu64 "\n", hypercalls);
	if (preempted > 0)
		buf_printf(out,
		           "\n  WARNING: %" PRIu64 " host preemptions detected -- timing results may be unreliable\n",
		           kvm_total(&k, "preemption_reported"));
	free(k.vm);
}

void
analyze(struct buf *out, const struct row *rows, size_t n)
{
	gauntlet(out, rows, n);
	verifier(out, rows, n);
	callback_profile(out, rows, n);
	kvm_stats(out, rows, n);
}
