/*
 * sidecar_write: the sidecar model ktstr-test fills, serialised
 * byte-for-byte as upstream's serde_json::to_string_pretty would
 * (spec/sidecar.md §2, §4, §5.7).  Fields upstream writes but this
 * suite never produces (stimulus_events, verifier_stats, kvm_stats,
 * cleanup_duration_ms, scheduler_commit) are written as their empty
 * values.  The nested objects owned by other modules (stats, monitor,
 * host) are written through callbacks, so this file depends on nothing
 * above lib/json.h.
 */
#ifndef KTSTR_SIDECAR_WRITE_H
#define KTSTR_SIDECAR_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "json/json.h"
#include "sidecar_schema.h"

struct sidecar_out {
	const char *test_name;
	const char *topology;
	const char *scheduler;
	const char *project_commit; /* NULL: null */
	const char *payload;        /* NULL: null */
	const struct sidecar_payload_metrics *metrics;
	size_t nmetrics;
	int passed;
	int skipped;
	sidecar_write_fn *write_stats; /* NULL: the all-zero ScenarioStats */
	const void *stats_ctx;
	sidecar_write_fn *write_monitor; /* NULL: null */
	const void *monitor_ctx;
	const char *work_type;
	char *const *active_flags; /* already in canonical order (sidecar_sort_flags) */
	size_t nflags;
	char *const *sysctls;
	size_t nsysctls;
	char *const *kargs;
	size_t nkargs;
	const char *kernel_version; /* NULL: null */
	const char *kernel_commit;  /* NULL: null */
	const char *timestamp;
	const char *run_id;
	sidecar_write_fn *write_host; /* NULL: null */
	const void *host_ctx;
	const char *run_source; /* NULL: null */
};

/* The whole document; w should be a pretty writer (upstream's layout). */
void sidecar_write_json(struct json_writer *w, const struct sidecar_out *s);

/* The all-zero ScenarioStats with "cgroups": [] (sidecar.md §11.2). */
void sidecar_write_zero_stats(struct json_writer *w, const void *unused);

/* "YYYY-MM-DDTHH:MM:SSZ" (20 characters) of t in UTC; dst needs 21 bytes. */
void sidecar_timestamp(time_t t, char *dst);

/*
 * The run_id of sidecar.md §4 row 22: "{YYYYMMDDTHHMMSSZ}-{N}", the stamp
 * fixed at the first call of the process, N counting from 0.  dst needs
 * 48 bytes.
 */
void sidecar_next_run_id(char *dst);
/* Fix the run_id stamp now (call at process start); later calls do nothing. */
void sidecar_run_id_start(void);

#endif
