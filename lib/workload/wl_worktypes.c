/* wl_worktypes: the work-type table (names, defaults, group sizes) and its parser. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sidecar/sidecar_view.h"
#include "wl_int.h"

struct param {
	const char *name;
	size_t off; /* of a uint64_t in struct wl_work */
};

#define P(f) {#f, offsetof(struct wl_work, f)}

static const struct {
	const char *name;
	struct param params[4];
} types[WL_NTYPES] = {
	[WL_CPU_SPIN] = {"SpinWait", {{0}}},
	[WL_YIELD_HEAVY] = {"YieldHeavy", {{0}}},
	[WL_MIXED] = {"Mixed", {{0}}},
	[WL_IO_SYNC] = {"IoSync", {{0}}},
	[WL_BURSTY] = {"Bursty", {P(burst_ms), P(sleep_ms)}},
	[WL_PIPE_IO] = {"PipeIo", {P(burst_iters)}},
	[WL_FUTEX_PING_PONG] = {"FutexPingPong", {P(spin_iters)}},
	[WL_CACHE_PRESSURE] = {"CachePressure", {P(size_kb), P(stride)}},
	[WL_CACHE_YIELD] = {"CacheYield", {P(size_kb), P(stride)}},
	[WL_CACHE_PIPE] = {"CachePipe", {P(size_kb), P(burst_iters)}},
	[WL_FUTEX_FAN_OUT] = {"FutexFanOut", {P(fan_out), P(spin_iters)}},
	[WL_SEQUENCE] = {"Sequence", {{0}}},
	[WL_FORK_EXIT] = {"ForkExit", {{0}}},
	[WL_NICE_SWEEP] = {"NiceSweep", {{0}}},
	[WL_AFFINITY_CHURN] = {"AffinityChurn", {P(spin_iters)}},
	[WL_POLICY_CHURN] = {"PolicyChurn", {P(spin_iters)}},
	[WL_FAN_OUT_COMPUTE] = {"FanOutCompute",
	                        {P(fan_out), P(cache_footprint_kb), P(operations), P(sleep_usec)}},
	[WL_PAGE_FAULT_CHURN] = {"PageFaultChurn",
	                         {P(region_kb), P(touches_per_cycle), P(spin_iters)}},
	[WL_MUTEX_CONTENTION] = {"MutexContention", {P(contenders), P(hold_iters), P(work_iters)}},
	[WL_CUSTOM] = {"Custom", {{0}}},
};

void
wl_work_init(struct wl_work *w, enum wl_type t)
{
	memset(w, 0, sizeof *w);
	w->type = t;
	w->burst_ms = 50;
	w->sleep_ms = 100;
	w->burst_iters = 1024;
	w->spin_iters = t == WL_PAGE_FAULT_CHURN ? 64 : 1024;
	w->size_kb = 32;
	w->stride = 64;
	w->fan_out = 4;
	w->cache_footprint_kb = 256;
	w->operations = 5;
	w->sleep_usec = 100;
	w->region_kb = 4096;
	w->touches_per_cycle = 256;
	w->contenders = 4;
	w->hold_iters = 256;
	w->work_iters = 1024;
}

const char *
wl_type_name(enum wl_type t)
{
	return (unsigned)t < WL_NTYPES ? types[t].name : "?";
}

const char *
wl_work_name(const struct wl_work *w)
{
	if (w->type == WL_CUSTOM && w->custom_name != NULL)
		return w->custom_name;
	return wl_type_name(w->type);
}

/* A name as any generation spells it: 0.4.9's CpuSpin is SpinWait. */
int
wl_type_lookup(const char *name)
{
	name = sidecar_work_type_name(name);
	for (int t = 0; t < WL_NTYPES; t++)
		if (strcmp(types[t].name, name) == 0)
			return t;
	return -1;
}

unsigned
wl_group_size(const struct wl_work *w)
{
	switch (w->type) {
	case WL_PIPE_IO:
	case WL_CACHE_PIPE:
	case WL_FUTEX_PING_PONG:
		return 2;
	case WL_FUTEX_FAN_OUT:
	case WL_FAN_OUT_COMPUTE:
		return w->fan_out >= 0xffffffffu ? 0xffffffffu : (unsigned)w->fan_out + 1;
	case WL_MUTEX_CONTENTION:
		return w->contenders > 0xffffffffu ? 0xffffffffu : (unsigned)w->contenders;
	default:
		return 1;
	}
}

const char *
wl_list_work_type(size_t i)
{
	for (int t = 0; t < WL_NTYPES; t++) {
		if (t == WL_SEQUENCE || t == WL_CUSTOM)
			continue;
		if (i-- == 0)
			return types[t].name;
	}
	return NULL;
}

void
wl_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The closest of names[] to s: a case-insensitive match first, then edit distance. */
static const char *
closest(const char *s, const char *(*list)(size_t))
{
	const char *best = NULL, *n;
	size_t bestd = (size_t)-1, limit = strlen(s) / 3;

	if (limit < 3)
		limit = 3;
	for (size_t i = 0; (n = list(i)) != NULL; i++) {
		size_t d;
		if (strcasecmp(n, s) == 0)
			return n;
		d = edit_distance(s, n);
		if (d <= limit && d < bestd) {
			bestd = d;
			best = n;
		}
	}
	return best;
}

/* Every name a type can be given by: the catalogue's (Custom has none), then 0.4.9's old ones. */
static const char *
any_type(size_t i)
{
	return i < WL_NTYPES - 1 ? types[i].name : sidecar_work_type_renamed(i - (WL_NTYPES - 1));
}

const char *
wl_suggest_work_type(const char *name)
{
	return closest(name, any_type);
}

/* "100ms", "2s", "500us", "10ns"; a bare number is milliseconds. */
static int
parse_duration_ns(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"", 1000000}};
	size_t n = strspn(s, "0123456789");
	char digits[24];
	uint64_t v;

	if (n == 0 || n >= sizeof digits)
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (parse_u64(digits, UINT64_MAX, &v) < 0)
		return -1;
	for (size_t i = 0; i < LEN(units); i++) {
		if (strcmp(s + n, units[i].unit) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -1;
		*ns = v * units[i].mul;
		return 0;
	}
	return -1;
}

static int
parse_phase(const char *key, const char *val, struct wl_work *w, char *err, size_t errlen)
{
	static const char *const kinds[] = {"spin", "sleep", "yield", "io"};
	uint64_t ns;

	for (size_t k = 0; k < LEN(kinds); k++) {
		if (strcmp(key, kinds[k]) != 0)
			continue;
		if (parse_duration_ns(val, &ns) < 0 || ns == 0) {
			wl_errf(err, errlen, "invalid %s phase duration '%s': want a positive number with "
			     "unit ns, us, ms or s", key, val);
			return -1;
		}
		if (w->nphases == WL_MAX_PHASES) {
			wl_errf(err, errlen, "too many Sequence phases (at most %d)", WL_MAX_PHASES);
			return -1;
		}
		w->phases[w->nphases].kind = (enum wl_phase_kind)k;
		w->phases[w->nphases].ns = ns;
		w->nphases++;
		return 0;
	}
	wl_errf(err, errlen, "unknown Sequence phase '%s' (spin, sleep, yield, io)", key);
	return -1;
}

static int
parse_param(const char *key, const char *val, struct wl_work *w, char *err, size_t errlen)
{
	const struct param *ps = types[w->type].params;
	uint64_t v;

	for (size_t i = 0; i < LEN(types[0].params) && ps[i].name; i++) {
		if (strcmp(ps[i].name, key) != 0)
			continue;
		if (parse_u64(val, UINT32_MAX, &v) < 0) {
			wl_errf(err, errlen, "invalid %s parameter %s '%s': want an integer 0..%u",
			     types[w->type].name, key, val, UINT32_MAX);
			return -1;
		}
		*(uint64_t *)(void *)((char *)w + ps[i].off) = v;
		return 0;
	}
	if (ps[0].name == NULL) {
		wl_errf(err, errlen, "work type %s takes no parameters", types[w->type].name);
	} else {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < LEN(types[0].params) && ps[i].name; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", ps[i].name);
		wl_errf(err, errlen, "unknown %s parameter '%s' (%s)", types[w->type].name, key, b.s);
		buf_free(&b);
	}
	return -1;
}

int
wl_parse_work(const char *arg, struct wl_work *w, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	size_t nlen = colon ? (size_t)(colon - arg) : strlen(arg);
	char *name = estrndup(arg, nlen), *params, *item, *save = NULL;
	int t = wl_type_lookup(name), rc = 0;

	if (t < 0 || t == WL_CUSTOM) {
		const char *s = t == WL_CUSTOM ? NULL : wl_suggest_work_type(name);
		if (t == WL_CUSTOM)
			wl_errf(err, errlen, "work type Custom needs code and cannot be named");
		else if (s)
			wl_errf(err, errlen, "unknown work type '%s' (did you mean '%s'?)", name, s);
		else
			wl_errf(err, errlen, "unknown work type '%s' (see --list-work-types)", name);
		free(name);
		return -1;
	}
	free(name);
	wl_work_init(w, (enum wl_type)t);
	if (colon == NULL) {
		if (t == WL_SEQUENCE) {
			wl_errf(err, errlen, "work type Sequence needs a phase list, e.g. "
			     "Sequence:spin=100ms,sleep=50ms");
			return -1;
		}
		return 0;
	}
	params = estrdup(colon + 1);
	for (item = strtok_r(params, ",", &save); item && rc == 0;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (eq == NULL || eq == item) {
			wl_errf(err, errlen, "invalid work-type parameter '%s': want KEY=VALUE", item);
			rc = -1;
			break;
		}
		*eq = '\0';
		if (t == WL_SEQUENCE)
			rc = parse_phase(item, eq + 1, w, err, errlen);
		else
			rc = parse_param(item, eq + 1, w, err, errlen);
	}
	free(params);
	if (rc == 0 && t == WL_SEQUENCE && w->nphases == 0) {
		wl_errf(err, errlen, "work type Sequence needs at least one phase");
		rc = -1;
	}
	if (rc == 0 && wl_group_size(w) == 0) {
		wl_errf(err, errlen, "%s needs a group size of at least 1", types[t].name);
		rc = -1;
	}
	return rc;
}
