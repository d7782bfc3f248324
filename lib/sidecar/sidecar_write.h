/*
 * sidecar_write: the one sidecar every upstream generation reads
 * (ktstr-sidecar(5), WHAT KTSTR-TEST WRITES), serialised byte for byte
 * as serde_json's to_string_pretty lays it out: the members of the
 * newest generation in its order, plus those only 0.4.9 and 0.5.2
 * require where 0.4.9 wrote them, each derived from the newest ones by
 * the schema's formulas.  The model is the C side of the schema table
 * (sidecar_schema.h); the host context, which another family owns, is
 * written through a callback.  Members the suite never produces
 * (stimulus events, verifier and KVM statistics, phases, ...) are
 * written as their empty values.
 */
#ifndef KTSTR_SIDECAR_WRITE_H
#define KTSTR_SIDECAR_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "json/json.h"
#include "sidecar_schema.h"

/* The whole document; w should be a pretty writer (upstream's layout). */
void sidecar_write_json(struct json_writer *w, const struct sidecar_result *r);

/*
 * The scenario fold: one cgroup's statistics into a scenario's, by the
 * rule each ScenarioStats member has in the schema (a sum, the maximum,
 * the lowest non-zero value, the CPU of the largest gap); the cgroup is
 * appended to s->cgroups (its ext_metrics copied).  s starts zeroed.
 */
void sidecar_stats_add(struct sidecar_stats *s, const struct sidecar_cgroup *c);
/* Frees what sidecar_stats_add allocated and s's own ext_metrics. */
void sidecar_stats_free(struct sidecar_stats *s);

/* Set name to v in e, keeping e sorted by name (the name is copied). */
void sidecar_ext_set(struct sidecar_ext *e, const char *name, double v);
/* The entry named name, or NULL. */
struct sidecar_kv *sidecar_ext_get(const struct sidecar_ext *e, const char *name);
void sidecar_ext_free(struct sidecar_ext *e);

/* "YYYY-MM-DDTHH:MM:SSZ" (20 characters) of t in UTC; dst needs 21 bytes. */
void sidecar_timestamp(time_t t, char *dst);

/*
 * The run_id of a sidecar: "{YYYYMMDDTHHMMSSZ}-{N}", the stamp fixed at
 * the first call of the process, N counting from 0.  dst needs 48 bytes.
 */
void sidecar_next_run_id(char *dst);
/* Fix the run_id stamp now (call at process start); later calls do nothing. */
void sidecar_run_id_start(void);

#endif
