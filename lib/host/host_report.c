/* host_report: the host context as a report, and the delta between two. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "host.h"
#include "host_int.h"
#include "json/json_serde.h"
#include "util/text.h"

static const char ARROW[] = " \xe2\x86\x92 ";

/* ---- the report and the diff ---- */

/* Scalar rows in report order: indexes into host_fields[]. */
static const unsigned scalar_order[] = {12, 13, 14, 0, 1, 2, 3, 4, 5, 9, 10, 6, 7, 15};

/* A host string comes from the host or from a sidecar: escaped (util/text.h). */
static void
put_str(struct buf *b, const struct host_str *s)
{
	text_escape(b, s->s, s->len, 0);
}

static void
put_scalar(struct buf *b, const struct host_context *hc, const struct host_field *f)
{
	const void *p = (const char *)hc + f->off;

	if (f->kind == K_STR && ((const struct host_str *)p)->s)
		put_str(b, p);
	else if (f->kind == K_U64 && ((const struct host_u64 *)p)->set)
		buf_printf(b, "%" PRIu64, ((const struct host_u64 *)p)->v);
	else
		buf_puts(b, "(unknown)");
}

static void
put_u64(struct buf *b, const struct host_u64 *u)
{
	if (u->set)
		buf_printf(b, "%" PRIu64, u->v);
	else
		buf_puts(b, "(unknown)");
}

static const struct host_u64 *
heap_field(const struct host_heap *h, unsigned f)
{
	return (const struct host_u64 *)((const char *)h + host_heap_fields[f].off);
}

void
host_format_human(struct buf *b, const struct host_context *hc)
{
	for (size_t i = 0; i < LEN(scalar_order); i++) {
		buf_printf(b, "%s: ", host_fields[scalar_order[i]].key);
		put_scalar(b, hc, &host_fields[scalar_order[i]]);
		buf_putc(b, '\n');
	}
	if (hc->ngovernors == 0)
		buf_puts(b, "cpufreq_governor: (empty)\n");
	else
		buf_puts(b, "cpufreq_governor:\n");
	for (size_t i = 0; i < hc->ngovernors; i++) {
		buf_printf(b, "  cpu%" PRIu64 " = ", hc->cpufreq_governor[i].cpu);
		put_str(b, &hc->cpufreq_governor[i].governor);
		buf_putc(b, '\n');
	}
	if (!hc->has_sched_tunables)
		buf_puts(b, "sched_tunables: (unknown)\n");
	else if (hc->ntunables == 0)
		buf_puts(b, "sched_tunables: (empty)\n");
	else
		buf_puts(b, "sched_tunables:\n");
	for (size_t i = 0; i < hc->ntunables; i++) {
		buf_puts(b, "  ");
		put_str(b, &hc->sched_tunables[i].name);
		buf_puts(b, " = ");
		put_str(b, &hc->sched_tunables[i].value);
		buf_putc(b, '\n');
	}
	if (!hc->has_heap_state) {
		buf_puts(b, "heap_state: (unknown)\n");
		return;
	}
	buf_puts(b, "heap_state:\n");
	for (size_t i = 0; i < LEN(host_heap_order); i++) {
		buf_printf(b, "  %s: ", host_heap_fields[host_heap_order[i]].key);
		put_u64(b, heap_field(&hc->heap_state, host_heap_order[i]));
		buf_putc(b, '\n');
	}
}

static int
scalar_eq(const struct host_context *a, const struct host_context *b, const struct host_field *f)
{
	const void *pa = (const char *)a + f->off, *pb = (const char *)b + f->off;
	const struct host_u64 *ua = pa, *ub = pb;

	if (f->kind == K_STR)
		return host_str_eq(pa, pb);
	return ua->set == ub->set && (!ua->set || ua->v == ub->v);
}

/* "(absent)" for a key missing inside a map. */
static void
put_opt(struct buf *b, const struct host_str *s)
{
	if (s)
		put_str(b, s);
	else
		buf_puts(b, "(absent)");
}

static void
put_summary(struct buf *b, const struct host_context *hc)
{
	if (!hc->has_sched_tunables)
		buf_puts(b, "(unknown)");
	else if (hc->ntunables == 0)
		buf_puts(b, "(empty)");
	else if (hc->ntunables == 1)
		buf_puts(b, "(1 entry)");
	else
		buf_printf(b, "(%zu entries)", hc->ntunables);
}

static size_t
diff_governors(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0, lines = 0;

	while (i < a->ngovernors || j < b->ngovernors) {
		const struct host_governor *ga = i < a->ngovernors ? &a->cpufreq_governor[i] : NULL;
		const struct host_governor *gb = j < b->ngovernors ? &b->cpufreq_governor[j] : NULL;
		uint64_t cpu;

		if (ga && gb && ga->cpu != gb->cpu) {
			if (ga->cpu < gb->cpu)
				gb = NULL;
			else
				ga = NULL;
		}
		cpu = ga ? ga->cpu : gb->cpu;
		i += ga != NULL;
		j += gb != NULL;
		if (ga && gb && host_str_eq(&ga->governor, &gb->governor))
			continue;
		buf_printf(out, "  cpufreq_governor.cpu%" PRIu64 ": ", cpu);
		put_opt(out, ga ? &ga->governor : NULL);
		buf_puts(out, ARROW);
		put_opt(out, gb ? &gb->governor : NULL);
		buf_putc(out, '\n');
		lines++;
	}
	return lines;
}

static size_t
diff_tunables(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t i = 0, j = 0, lines = 0;

	if (!a->has_sched_tunables && !b->has_sched_tunables)
		return 0;
	if (!a->has_sched_tunables || !b->has_sched_tunables) {
		buf_puts(out, "  sched_tunables: ");
		put_summary(out, a);
		buf_puts(out, ARROW);
		put_summary(out, b);
		buf_putc(out, '\n');
		return 1;
	}
	while (i < a->ntunables || j < b->ntunables) {
		const struct host_tunable *ta = i < a->ntunables ? &a->sched_tunables[i] : NULL;
		const struct host_tunable *tb = j < b->ntunables ? &b->sched_tunables[j] : NULL;
		const struct host_str *name;

		if (ta && tb) {
			int c = host_str_cmp(&ta->name, &tb->name);
			if (c < 0)
				tb = NULL;
			else if (c > 0)
				ta = NULL;
		}
		name = ta ? &ta->name : &tb->name;
		i += ta != NULL;
		j += tb != NULL;
		if (ta && tb && host_str_eq(&ta->value, &tb->value))
			continue;
		buf_puts(out, "  sched_tunables.");
		put_str(out, name);
		buf_puts(out, ": ");
		put_opt(out, ta ? &ta->value : NULL);
		buf_puts(out, ARROW);
		put_opt(out, tb ? &tb->value : NULL);
		buf_putc(out, '\n');
		lines++;
	}
	return lines;
}

static size_t
diff_heap(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	struct buf inner = BUF_INIT;
	size_t lines = 0;

	if (!a->has_heap_state && !b->has_heap_state)
		return 0;
	if (!a->has_heap_state || !b->has_heap_state) {
		buf_printf(out, "  heap_state: %s%s%s\n", a->has_heap_state ? "(present)" : "(unknown)",
		           ARROW, b->has_heap_state ? "(present)" : "(unknown)");
		return 1;
	}
	for (size_t i = 0; i < LEN(host_heap_order); i++) {
		const struct host_u64 *ua = heap_field(&a->heap_state, host_heap_order[i]);
		const struct host_u64 *ub = heap_field(&b->heap_state, host_heap_order[i]);

		if (ua->set == ub->set && (!ua->set || ua->v == ub->v))
			continue;
		buf_printf(&inner, "    %s: ", host_heap_fields[host_heap_order[i]].key);
		put_u64(&inner, ua);
		buf_puts(&inner, ARROW);
		put_u64(&inner, ub);
		buf_putc(&inner, '\n');
		lines++;
	}
	if (lines > 0) {
		buf_puts(out, "  heap_state:\n");
		buf_add(out, inner.s, inner.len);
		lines++;
	}
	buf_free(&inner);
	return lines;
}

size_t
host_diff(struct buf *out, const struct host_context *a, const struct host_context *b)
{
	size_t lines = 0;

	for (size_t i = 0; i < LEN(scalar_order); i++) {
		const struct host_field *f = &host_fields[scalar_order[i]];

		if (scalar_eq(a, b, f))
			continue;
		buf_printf(out, "  %s: ", f->key);
		put_scalar(out, a, f);
		buf_puts(out, ARROW);
		put_scalar(out, b, f);
		buf_putc(out, '\n');
		lines++;
	}
	lines += diff_governors(out, a, b);
	lines += diff_tunables(out, a, b);
	lines += diff_heap(out, a, b);
	return lines;
}

int
host_format_delta(struct buf *out, const struct host_context *a, const struct host_context *b,
                  const char *la, const char *lb)
{
	struct buf d = BUF_INIT;

	if (!a && !b)
		return -1;
	if (!a || !b) {
		buf_putc(out, '\n');
		text_printf(out, "host: captured in '%s' only, delta unavailable", a ? la : lb);
		buf_putc(out, '\n');
		return 1;
	}
	if (host_diff(&d, a, b) > 0) {
		buf_putc(out, '\n');
		text_printf(out, "host delta ('%s'%s'%s'):", la, ARROW, lb);
		buf_putc(out, '\n');
		buf_add(out, d.s, d.len);
		buf_free(&d);
		return 1;
	}
	if (a->arch.s && b->arch.s) {
		buf_putc(out, '\n');
		text_printf(out, "host: identical between '%s' and '%s' (arch: ", la, lb);
		put_str(out, &a->arch);
		buf_puts(out, ")\n");
	} else {
		buf_putc(out, '\n');
		text_printf(out, "host: identical between '%s' and '%s'", la, lb);
		buf_putc(out, '\n');
	}
	return 0;
}
