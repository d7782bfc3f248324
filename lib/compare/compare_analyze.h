/*
 * compare_analyze: the report of one run (ktstr-compare --analyze, upstream's bare
 * `cargo ktstr stats`): outliers and per-dimension summaries over the
 * rows, then the verifier, callback-profile and KVM sections.  Sidecars
 * are added one at a time and reduced on the way to what the report
 * needs, so their documents can be freed at once.
 */
#ifndef KTSTR_ANALYZE_H
#define KTSTR_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "compare_metrics.h"
#include "json/json.h"
#include "util/util.h"

struct verifier_prog {
	char *name;
	uint64_t verified; /* the largest count over the run */
};

enum kvm_stat {
	KVM_EXITS,
	KVM_HALT,
	KVM_HALT_WAIT_NS,
	KVM_PREEMPTED,
	KVM_SIGNAL,
	KVM_HYPERCALLS,
	KVM_POLL_OK,
	KVM_POLL_TRY,
	KVM_NSTATS
};

/* One sidecar's non-null kvm_stats: per-stat sums over its vCPUs. */
struct kvm_vm {
	size_t nvcpus;
	uint64_t sum[KVM_NSTATS];
};

struct analysis {
	struct row *rows; /* detached, in walk order */
	size_t n;
	struct verifier_prog *progs;
	size_t nprogs;
	struct buf profile; /* the callback-profile blocks, rendered */
	struct kvm_vm *vms;
	size_t nvms;
};

#define ANALYSIS_INIT {NULL, 0, NULL, 0, BUF_INIT, NULL, 0}

/* Takes what the report needs from one sidecar object (no archive override). */
void compare_analysis_add(struct analysis *a, const struct json_value *sidecar);
/* Appends the whole report; at least one sidecar must have been added. */
void compare_analysis_render(struct buf *out, struct analysis *a);
void compare_analysis_free(struct analysis *a);

#endif
