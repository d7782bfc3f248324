# t/lib-compare.sh: sidecar generator for the ktstr-compare tests.
#
#   sidecar FILE [NAME=VALUE...]
#
# writes a valid sidecar shaped like the minimal file of the end-to-end
# example (t0300).  NAME is one of the variables below; JSON-valued ones
# (commits, kernel, source, flags, monitor, host, ...) take JSON text.

# A monitor with every required member; MON_* override its numbers.
monitor() {
	printf '{"total_samples":4,"max_imbalance_ratio":%s,"max_local_dsq_depth":%s,' \
		"${MON_IMBAL:-0.0}" "${MON_DSQ:-0}"
	printf '"stall_detected":%s,"avg_imbalance_ratio":0.0,"avg_nr_running":0.0,' \
		"${MON_STALL:-false}"
	printf '"avg_local_dsq_depth":0.0'
	if [ -n "${MON_FALLBACK:-}" ]; then
		printf ',"event_deltas":{"total_fallback":%s,"fallback_rate":0.0,' "$MON_FALLBACK"
		printf '"max_fallback_burst":0,"total_dispatch_offline":0,'
		printf '"total_dispatch_keep_last":%s,"keep_last_rate":0.0,' "${MON_KEEP_LAST:-0}"
		printf '"total_enq_skip_exiting":0,"total_enq_skip_migration_disabled":0,'
		printf '"total_reenq_immed":0,"total_reenq_local_repeat":0,'
		printf '"total_refill_slice_dfl":0,"total_bypass_duration":0,'
		printf '"total_bypass_dispatch":0,"total_bypass_activate":0,'
		printf '"total_insert_not_owned":0,"total_sub_bypass_dispatch":0}'
	fi
	if [ -n "${MON_PROGS:-}" ]; then
		printf ',"prog_stats_deltas":%s' "$MON_PROGS"
	fi
	printf '}'
}

sidecar() (
	file=$1
	shift
	test_name=steady topology=1n1l2c1t scheduler=scx_rusty work_type=CpuSpin
	flags='[]' project_commit='"aaaaaaa"' kernel_commit=null kernel='"6.14.2"'
	source='"local"' passed=true skipped=false monitor=null host=null
	verifier='[]' kvm=null ts=2025-01-01T00:00:00Z
	spread=0.0 gap=0 iterations=0 migrations=0 migration_ratio=0.0 p99=0.0
	median=0.0 cv=0.0 mean_delay=0.0 delay=0.0 locality=0.0 cross=0.0 tail=0.0
	per_worker=0.0 ext=
	for kv; do
		eval "${kv%%=*}=\${kv#*=}"
	done
	case $file in */*) mkdir -p "${file%/*}" ;; esac
	{
		printf '{"test_name":"%s","topology":"%s","scheduler":"%s",' \
			"$test_name" "$topology" "$scheduler"
		printf '"scheduler_commit":null,"project_commit":%s,"payload":null,' "$project_commit"
		printf '"metrics":[],"passed":%s,"skipped":%s,' "$passed" "$skipped"
		printf '"stats":{"cgroups":[],"total_workers":2,"total_cpus":2,"total_migrations":%s,' \
			"$migrations"
		printf '"worst_spread":%s,"worst_gap_ms":%s,"worst_gap_cpu":0,' "$spread" "$gap"
		printf '"worst_migration_ratio":%s,"worst_p99_wake_latency_us":%s,' \
			"$migration_ratio" "$p99"
		printf '"worst_median_wake_latency_us":%s,"worst_wake_latency_cv":%s,' "$median" "$cv"
		printf '"total_iterations":%s,"worst_mean_run_delay_us":%s,' "$iterations" "$mean_delay"
		printf '"worst_run_delay_us":%s,"worst_page_locality":%s,' "$delay" "$locality"
		printf '"worst_cross_node_migration_ratio":%s,' "$cross"
		printf '"worst_wake_latency_tail_ratio":%s,"worst_iterations_per_worker":%s' \
			"$tail" "$per_worker"
		[ -n "$ext" ] && printf ',"ext_metrics":%s' "$ext"
		printf '},"monitor":%s,"stimulus_events":[],"work_type":"%s",' "$monitor" "$work_type"
		printf '"active_flags":%s,"verifier_stats":%s,"kvm_stats":%s,"sysctls":[],' \
			"$flags" "$verifier" "$kvm"
		printf '"kargs":[],"kernel_version":%s,"kernel_commit":%s,' "$kernel" "$kernel_commit"
		printf '"timestamp":"%s","run_id":"20250101T000000Z-0",' "$ts"
		printf '"host":%s,"cleanup_duration_ms":null' "$host"
		[ "$source" != absent ] && printf ',"run_source":%s' "$source"
		printf '}\n'
	} >"$file"
)
