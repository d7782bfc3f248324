#!/bin/sh
# ktstr-test --scenario custom: every work type, briefly, and the stats it records.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scenario.sh"

# run_type SPEC WORKERS: one cgroup of WORKERS workers of SPEC for 0.3 s.
run_type() {
	mkdir -p "sd/$1" &&
	KTSTR_SIDECAR_DIR=$TRASH/sd/$1 scen --scenario custom --cgroups 1 --workers "$2" \
		--cgroup-mode none --duration 0.3 --work-type "$1" &&
	f=$(KTSTR_SIDECAR_DIR=$TRASH/sd/$1 sidecar custom) &&
	check_run "$f" "$2" 1 &&
	grep -q "^  \"work_type\": \"${1%%:*}\",\$" "$f"
}

# The parameters keep each run short and each group small (two workers).
while read -r spec workers wakes; do
	test_expect_success "$spec: $workers workers, a valid sidecar, iterations" '
		run_type "$spec" "$workers"
	'
	if [ "$wakes" = wakes ]; then
		test_expect_success "$spec: wake latencies recorded (p99 > 0)" '
			f=$(KTSTR_SIDECAR_DIR=$TRASH/sd/$spec sidecar custom) &&
			positive "$(stat "$f" worst_p99_wake_latency_us)" &&
			positive "$(stat "$f" worst_median_wake_latency_us)"
		'
	fi
done <<-\EOF
	SpinWait 2 -
	YieldHeavy 2 -
	Mixed 2 -
	IoSync 1 wakes
	Bursty:burst_ms=20,sleep_ms=10 2 wakes
	PipeIo 2 wakes
	FutexPingPong 2 wakes
	CachePressure 2 -
	CacheYield:size_kb=16 2 wakes
	CachePipe 2 wakes
	FutexFanOut:fan_out=1 2 wakes
	Sequence:spin=20ms,sleep=10ms,yield=5ms,io=5ms 1 wakes
	ForkExit 1 wakes
	NiceSweep 2 wakes
	AffinityChurn 2 wakes
	PolicyChurn 1 wakes
	FanOutCompute:fan_out=1,cache_footprint_kb=64 2 wakes
	PageFaultChurn:region_kb=256 2 -
	MutexContention:contenders=2 2 -
EOF

test_expect_success 'CpuSpin, as 0.4.9 named SpinWait, runs SpinWait' '
	mkdir -p sd-alias &&
	KTSTR_SIDECAR_DIR=$TRASH/sd-alias scen --scenario custom --cgroups 1 --workers 2 \
		--cgroup-mode none --duration 0.3 --work-type CpuSpin &&
	f=$(KTSTR_SIDECAR_DIR=$TRASH/sd-alias sidecar custom) &&
	check_run "$f" 2 1 &&
	grep -q "^  \"work_type\": \"SpinWait\",\$" "$f"
'

test_expect_success 'every type --list-work-types names was run above' '
	ktstr-test --list-work-types >types &&
	ls sd | sed "s/:.*//" | grep -v "^Sequence$" | sort >ran &&
	sort types >expect &&
	test_cmp expect ran
'

test_expect_success 'types without wake samples record no latency' '
	for t in SpinWait YieldHeavy Mixed CachePressure; do
		f=$(KTSTR_SIDECAR_DIR=$TRASH/sd/$t sidecar custom) &&
		test "$(stat "$f" worst_p99_wake_latency_us)" = 0.0 || return 1
	done
'

test_expect_success SCHEDSTAT 'more workers than CPUs: run delay > 0' '
	n=$(($(ncpus) + 2)) &&
	scen --scenario custom --cgroups 1 --workers $n --cgroup-mode none --duration 0.3 &&
	f=$(sidecar custom) &&
	check_run "$f" $n 1 &&
	positive "$(stat "$f" worst_run_delay_us)" &&
	positive "$(stat "$f" worst_mean_run_delay_us)"
'

test_expect_success 'the group statistics add up to the scenario statistics' '
	f=$(sidecar custom) &&
	test "$(sed -n "s/^        \"total_iterations\": \([0-9]*\),$/\1/p" "$f")" = \
		"$(stat "$f" total_iterations)" &&
	test "$(stat "$f" total_cpus)" -ge 1 &&
	test "$(stat "$f" total_cpus)" -le "$(ncpus)"
'

test_done
