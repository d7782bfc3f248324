/*
 * sidecar_view: one sidecar of any generation read as the newest one
 * (ktstr-sidecar(5), READING EVERY GENERATION): members it lacks take
 * their defaults, old names their new ones.  The view points into the
 * parsed document and is only as long-lived as it; consumers copy what
 * they keep.
 */
#ifndef KTSTR_SIDECAR_VIEW_H
#define KTSTR_SIDECAR_VIEW_H

#include "json/json.h"
#include "sidecar_schema.h"

struct sidecar_view {
	struct sidecar_result r; /* r.stats and r.monitor point at the members below */
	struct sidecar_stats stats;    /* cgroups not read */
	struct sidecar_monitor monitor; /* all zero when the file has none */
	struct sidecar_events events;
	struct sidecar_schedstat schedstat;
	enum sidecar_gen gen;          /* the newest generation whose members it carries */
	const char *work_type;         /* r.work_type with G0's names mapped */
	const struct json_value *ext;  /* stats.ext_metrics, or NULL */
	const struct json_value *flags; /* active_flags, or NULL */
};

/*
 * Read a sidecar that sidecar_check() accepted for reading (any
 * generation); members of the wrong kind read as their default.
 */
void sidecar_view_read(struct sidecar_view *v, const struct json_value *root);

/* A work-type name as the newest generation spells it ("CpuSpin" is "SpinWait"). */
const char *sidecar_work_type_name(const char *name);
/* The i-th old name sidecar_work_type_name maps, or NULL past the last. */
const char *sidecar_work_type_renamed(size_t i);

#endif
