#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_analyze.h"
#include "util/table.h"
#include "util/text.h"

/* The columns searched for outliers, in report order. */
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
			text_printf(out, "  %s: %s %.1f (overall avg %.1f, +%.1f\u03c3)", o[i].scenario,
			            compare_metrics[o[i].column].column, o[i].g, o[i].mean, o[i].rank.by);
			buf_putc(out, '\n');
			if (o[i].worst.len) {
				text_printf(out, "    worst on: %s", o[i].worst.s);
				buf_putc(out, '\n');
			}
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
	const struct json_value *v = obj && obj->type == JSON_OBJECT ? json_get(obj, key) : NULL;

	return v && v->type == JSON_ARRAY ? v : NULL;
}

/* The verifier section: keep each program's largest count. */
static void
add_verifier(struct analysis *a, const struct json_value *sc)
{
	const struct json_value *vs = array_member(sc, "verifier_stats");
	size_t i, k;

	for (i = 0; vs && i < vs->u.arr.n; i++) {
		const struct json_value *e = &vs->u.arr.items[i];
		const char *name = str_member(e, "name");
		uint64_t v = u64_member(e, "verified_insns");

		if (name == NULL)
			continue;
		for (k = 0; k < a->nprogs; k++)
			if (strcmp(a->progs[k].name, name) == 0)
				break;
		if (k == a->nprogs) {
			a->progs = ereallocarray(a->progs, a->nprogs + 1, sizeof *a->progs);
			a->progs[a->nprogs++] = (struct verifier_prog){estrdup(name), v};
		} else if (v > a->progs[k].verified) {
			a->progs[k].verified = v;
		}
	}
}

/* The callback profile: one block per sidecar with callback statistics, in walk order. */
static void
add_profile(struct analysis *a, const struct json_value *sc, const struct row *r)
{
	const struct json_value *ps = array_member(json_get(sc, "monitor"), "prog_stats_deltas");
	struct buf *out = &a->profile;
	size_t i;

	if (ps == NULL || ps->u.arr.n == 0)
		return;
	buf_putc(out, '\n');
	text_printf(out, "  %s (%s):", r->scenario, r->topology);
	buf_putc(out, '\n');
	buf_printf(out, "    %-24s %12s %14s %12s\n", "program", "cnt", "total_ns", "avg_ns");
	buf_printf(out, "    %.24s %.12s %.14s %.12s\n", "------------------------", "------------",
	           "--------------", "------------");
	for (i = 0; i < ps->u.arr.n; i++) {
		const struct json_value *e = &ps->u.arr.items[i];
		const struct json_value *per = json_get(e, "nsecs_per_call");
		const char *name = str_member(e, "name");

		buf_puts(out, "    ");
		pad_right(out, name ? name : "", 24);
		buf_printf(out, " %12" PRIu64 " %14" PRIu64 " %12.0f\n", u64_member(e, "cnt"),
		           u64_member(e, "nsecs"),
		           per && per->type == JSON_NUMBER && isfinite(per->u.num.d) ? per->u.num.d : 0.0);
	}
}

/* The KVM stats the report reads, summed over one VM's vCPUs. */
static const char *const kvm_names[KVM_NSTATS] = {
	[KVM_EXITS] = "exits",
	[KVM_HALT] = "halt_exits",
	[KVM_HALT_WAIT_NS] = "halt_wait_ns",
	[KVM_PREEMPTED] = "preemption_reported",
	[KVM_SIGNAL] = "signal_exits",
	[KVM_HYPERCALLS] = "hypercalls",
	[KVM_POLL_OK] = "halt_successful_poll",
	[KVM_POLL_TRY] = "halt_attempted_poll",
};

static void
add_kvm(struct analysis *a, const struct json_value *sc)
{
	const struct json_value *kv = json_get(sc, "kvm_stats");
	const struct json_value *per;
	struct kvm_vm *vm;
	size_t i, s;

	if (kv == NULL || kv->type == JSON_NULL)
		return;
	a->vms = ereallocarray(a->vms, a->nvms + 1, sizeof *a->vms);
	vm = &a->vms[a->nvms++];
	memset(vm, 0, sizeof *vm);
	per = array_member(kv, "per_vcpu");
	if (per == NULL)
		return;
	vm->nvcpus = per->u.arr.n;
	for (i = 0; i < per->u.arr.n; i++)
		for (s = 0; s < KVM_NSTATS; s++)
			vm->sum[s] += u64_member(&per->u.arr.items[i], kvm_names[s]);
}

void
compare_analysis_add(struct analysis *a, const struct json_value *sidecar)
{
	struct row *r;

	/* Grow by doubling: a pool of 10k sidecars must not be quadratic. */
	if ((a->n & (a->n - 1)) == 0)
		a->rows = ereallocarray(a->rows, a->n ? a->n * 2 : 1, sizeof *a->rows);
	r = &a->rows[a->n++];
	compare_row_from_json(r, sidecar, 0);
	add_verifier(a, sidecar);
	add_profile(a, sidecar, r);
	add_kvm(a, sidecar);
	compare_row_detach(r);
}

static int
cmp_prog(const void *x, const void *y)
{
	return strcmp(((const struct verifier_prog *)x)->name,
	              ((const struct verifier_prog *)y)->name);
}

static void
verifier(struct buf *out, struct analysis *a)
{
	uint64_t total = 0;
	int near = 0;
	size_t i;

	if (a->nprogs == 0)
		return;
	qsort(a->progs, a->nprogs, sizeof *a->progs, cmp_prog);
	buf_puts(out, "\n=== BPF VERIFIER STATS ===\n\n");
	buf_printf(out, "  %-24s %12s %8s\n", "program", "verified", "limit%");
	buf_printf(out, "  %.24s %.12s %.8s\n", "------------------------", "------------",
	           "--------");
	for (i = 0; i < a->nprogs; i++) {
		double pct = (double)a->progs[i].verified / VERIFIER_LIMIT * 100;

		buf_puts(out, "  ");
		pad_right(out, a->progs[i].name, 24);
		buf_printf(out, " %12" PRIu64 " %7.1f%%%s\n", a->progs[i].verified, pct,
		           pct >= 75.0 ? " !" : "");
		total += a->progs[i].verified;
		near |= pct >= 75.0;
	}
	buf_printf(out, "\n  total verified insns: %" PRIu64 "\n", total);
	if (!near)
		return;
	buf_puts(out, "\nWARNING: programs near verifier complexity limit:\n");
	for (i = 0; i < a->nprogs; i++) {
		double pct = (double)a->progs[i].verified / VERIFIER_LIMIT * 100;

		if (pct >= 75.0) {
			text_printf(out, "  %s: %.1f%% of 1M limit (%" PRIu64 " verified insns)",
			            a->progs[i].name, pct, a->progs[i].verified);
			buf_putc(out, '\n');
		}
	}
}

/* Cross-VM mean of the per-vCPU means, both in integer division. */
static uint64_t
kvm_avg(const struct analysis *a, enum kvm_stat s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < a->nvms; i++)
		if (a->vms[i].nvcpus)
			sum += a->vms[i].sum[s] / a->vms[i].nvcpus;
	return sum / a->nvms;
}

static uint64_t
kvm_total(const struct analysis *a, enum kvm_stat s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < a->nvms; i++)
		sum += a->vms[i].sum[s];
	return sum;
}

static void
kvm_stats(struct buf *out, const struct analysis *a)
{
	uint64_t exits, preempted, hypercalls, poll_ok, poll_try;

	if (a->nvms == 0 || (exits = kvm_avg(a, KVM_EXITS)) == 0)
		return;
	preempted = kvm_avg(a, KVM_PREEMPTED);
	hypercalls = kvm_avg(a, KVM_HYPERCALLS);
	poll_ok = kvm_total(a, KVM_POLL_OK);
	poll_try = kvm_total(a, KVM_POLL_TRY);
	buf_printf(out, "\n=== KVM STATS (avg across %zu VMs) ===\n\n", a->nvms);
	buf_printf(out,
	           "  exits/vcpu  %7" PRIu64 "   halt/vcpu     %5" PRIu64 "   halt_wait_ms %7.1f\n",
	           exits, kvm_avg(a, KVM_HALT), (double)kvm_avg(a, KVM_HALT_WAIT_NS) / 1e6);
	buf_printf(out,
	           "  poll_ok%%    %6.1f%%   preempted/vcpu %4" PRIu64 "   signal/vcpu  %7" PRIu64 "\n",
	           poll_try ? (double)poll_ok / (double)poll_try * 100 : 0.0, preempted,
	           kvm_avg(a, KVM_SIGNAL));
	if (hypercalls > 0)
		buf_printf(out, "  hypercalls/vcpu %4" PRIu64 "\n", hypercalls);
	if (preempted > 0)
		buf_printf(out,
		           "\n  WARNING: %" PRIu64
		           " host preemptions detected -- timing results may be unreliable\n",
		           kvm_total(a, KVM_PREEMPTED));
}

void
compare_analysis_render(struct buf *out, struct analysis *a)
{
	enum sidecar_gen newest = SIDECAR_G0;

	for (size_t i = 0; i < a->n; i++)
		if (a->rows[i].gen > newest)
			newest = a->rows[i].gen;
	compare_rows_spell(a->rows, a->n, newest);
	gauntlet(out, a->rows, a->n);
	verifier(out, a);
	if (a->profile.len) {
		buf_puts(out, "\n=== BPF CALLBACK PROFILE ===\n");
		buf_add(out, a->profile.s, a->profile.len);
	}
	kvm_stats(out, a);
}

void
compare_analysis_free(struct analysis *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		compare_row_free(&a->rows[i]);
	free(a->rows);
	for (i = 0; i < a->nprogs; i++)
		free(a->progs[i].name);
	free(a->progs);
	buf_free(&a->profile);
	free(a->vms);
	memset(a, 0, sizeof *a);
}
