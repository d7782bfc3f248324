/*
 * libFuzzer target for the workload parsers: the first byte picks one,
 * the rest is its input.  0: a worker report record off the pipe
 * (wl_report_decode), which must be refused or decode to arrays whose
 * counts match; 1: a --work-type value; 2: a CPU list; 3-7: the
 * --partition, --policy, --duration, --max-spread-pct and --cgroup-mode
 * values.  No input may crash, leak or read out of bounds.
 * Built and run by `make fuzz` (t/fuzz/run).
 */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "workload/wl_int.h"
#include "workload/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = {"partition", "policy", "duration", "max-spread-pct",
	                                   "cgroup-mode"};
	char err[256], *s;
	struct wl_report r;
	struct wl_work w;
	struct wl_opts o;
	cpu_set_t set;

	if (size == 0)
		return 0;
	switch (data[0] % 8) {
	case 0:
		if (wl_report_decode((const char *)data + 1, size - 1, &r) == 0) {
			/* every array is as long as its count says */
			for (size_t i = 0; i < r.ncpus_used; i++)
				(void)r.cpus_used[i];
			for (size_t i = 0; i < r.nlatencies; i++)
				(void)r.resume_latencies_ns[i];
			wl_report_free(&r);
		}
		return 0;
	default:
		break;
	}
	s = estrndup((const char *)data + 1, size - 1);
	switch (data[0] % 8) {
	case 1:
		if (wl_parse_work(s, &w, err, sizeof err) == 0 && wl_group_size(&w) == 0)
			abort();
		break;
	case 2:
		if (wl_cpulist_parse(s, &set) == 0) {
			struct buf b = BUF_INIT;
			cpu_set_t back;
			wl_cpulist_format(&set, &b);
			if (wl_cpulist_parse(b.s, &back) != 0 || !CPU_EQUAL(&set, &back))
				abort();
			buf_free(&b);
		}
		break;
	default:
		wl_opts_init(&o);
		wl_opt_set(&o, opts[data[0] % 8 - 3], s, err, sizeof err);
		break;
	}
	free(s);
	return 0;
}
