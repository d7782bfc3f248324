/*
 * host: the host context of ktstr-hostinfo(1) — collecting it from
 * /proc, /sys and uname(2), reading it from and writing it to JSON (the
 * "host" member of a sidecar), the human report, and the delta between
 * two contexts.
 *
 * Every field is independently optional.  Strings carry their length
 * because a recorded context may hold NUL bytes ("\u0000") and the
 * report and delta print strings verbatim.
 */
#ifndef KTSTR_HOST_H
#define KTSTR_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "util/strlist.h"
#include "util/util.h"

struct host_str {
	char *s; /* NULL: absent; else NUL-terminated, len bytes */
	size_t len;
};

struct host_u64 {
	uint64_t v;
	int set; /* 0: absent */
};

/* One sched_tunables entry: file name -> trimmed contents. */
struct host_tunable {
	struct host_str name;
	struct host_str value;
};

/* One cpufreq_governor entry. */
struct host_governor {
	uint64_t cpu;
	struct host_str governor;
};

/* Upstream's jemalloc statistics; read and rendered, never collected. */
struct host_heap {
	struct host_u64 active_bytes, allocated_bytes, resident_bytes, mapped_bytes, narenas;
};

/* Members in the JSON key order upstream's HostContext serialises them in. */
struct host_context {
	struct host_str cpu_model;
	struct host_str cpu_vendor;
	struct host_u64 total_memory_kb;
	struct host_u64 hugepages_total;
	struct host_u64 hugepages_free;
	struct host_u64 hugepages_size_kb;
	struct host_str thp_enabled;
	struct host_str thp_defrag;
	int has_sched_tunables; /* 0: absent; 1: present, possibly empty */
	struct host_tunable *sched_tunables; /* sorted by name, byte-wise */
	size_t ntunables;
	struct host_u64 online_cpus;
	struct host_u64 numa_nodes;
	struct host_governor *cpufreq_governor; /* sorted by cpu; empty = absent */
	size_t ngovernors;
	struct host_str kernel_name;
	struct host_str kernel_release;
	struct host_str arch;
	struct host_str kernel_cmdline;
	int has_heap_state;
	struct host_heap heap_state;
};

#define HOST_CONTEXT_INIT {0}

/*
 * Live capture.  sysroot prefixes every /proc and /sys
 * path; NULL means $KTSTR_HOSTINFO_SYSROOT (unset or empty: none).  A
 * source that cannot be read leaves its fields absent; collection
 * itself never fails.  hc must be empty (HOST_CONTEXT_INIT or freed).
 */
void host_collect(struct host_context *hc, const char *sysroot);

/*
 * The trees the live capture reads, /proc and /sys below sysroot (as for
 * host_collect), that show it nothing: one reason per tree added to why,
 * "cannot read '/proc': No such file or directory" or "'/sys' is empty:
 * nothing is mounted there".  Returns how many.  A report of unknown
 * fields cannot tell an image without them from a kernel that lacks
 * the files; this can.
 */
size_t host_unreadable_trees(struct strlist *why, const char *sysroot);

/*
 * Read a recorded context: v is the "host" object (the
 * caller treats null/missing as "no context").  Unknown keys are
 * ignored, explicit nulls mean absent.  A wrong type, a duplicate
 * member, or a non-canonical governor key fails: returns -1 with a
 * serde-style reason in err ("invalid type: string \"x\", expected u64
 * at `total_memory_kb`") and leaves hc empty.  Returns 0 on success.
 */
int host_from_json(struct host_context *hc, const struct json_value *v, char *err, size_t errlen);

/*
 * The "host" member of a parsed sidecar: 1 with hc filled when it is an
 * object, 0 when it is missing or null (no context), -1 as
 * host_from_json when it is malformed.
 */
int host_from_sidecar(struct host_context *hc, const struct json_value *sidecar, char *err,
                      size_t errlen);

/*
 * The context as one JSON object: fixed key order,
 * absent fields omitted.  Writes a value, so it can follow jw_key(w,
 * "host") inside a sidecar or stand alone; pretty or compact per w.
 */
void host_write_json(struct json_writer *w, const struct host_context *hc);

/* The human report of ktstr-hostinfo, appended to b; ends with '\n'. */
void host_format_human(struct buf *b, const struct host_context *hc);

/*
 * The field diff appended to b, one "  key: A → B\n"
 * line per difference.  Returns the number of lines added (0: identical).
 */
size_t host_diff(struct buf *b, const struct host_context *a, const struct host_context *b2);

/*
 * The delta section (ktstr-hostinfo --diff, and the host section of
 * ktstr-compare) for labels la and lb, appended to out; either context
 * may be NULL (no context on that side).  Returns 0 when both are
 * present and identical, 1 when they differ or only one is present, -1
 * when neither is (nothing appended).
 */
int host_format_delta(struct buf *out, const struct host_context *a, const struct host_context *b,
                      const char *la, const char *lb);

/* Free everything hc owns and leave it empty (HOST_CONTEXT_INIT). */
void host_free(struct host_context *hc);

#endif
