/*
 * preflight: is an A/B comparison of these two hosts believable?  The
 * host section of ktstr-compare lists every difference; this picks the
 * ones that move scheduler benchmarks by themselves, so that a compare
 * can warn in one line before its table.
 */
#ifndef KTSTR_PREFLIGHT_H
#define KTSTR_PREFLIGHT_H

#include <stddef.h>

#include "host.h"
#include "util/util.h"

/* Memory sizes further apart than this fraction of the larger differ. */
#define PREFLIGHT_MEMORY_SLACK 0.05

/*
 * Appends to names the host fields on which a and b differ in a way
 * that makes the comparison doubtful, joined by ", ", and returns how
 * many.  A field absent on either side is not a difference.  Checked:
 *
 *   cpu_model, online_cpus   any difference
 *   total_memory_kb          more than PREFLIGHT_MEMORY_SLACK apart (a
 *                            new kernel alone moves MemTotal a little)
 *   kernel_cmdline           the words differ, BOOT_IMAGE= and initrd=
 *                            aside (they name the kernel under test)
 *   sched_tunables           a tunable both sides have differs
 *   cpufreq_governor         a CPU both sides list has another governor
 *   thp_enabled              any difference
 */
size_t host_preflight(struct buf *names, const struct host_context *a,
                       const struct host_context *b);

#endif
