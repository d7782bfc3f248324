#!/bin/sh
# ktstr-test --scenario: the catalog scenarios, each run briefly or skipped as the host dictates.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scenario.sh"

# catalog NAME WORKERS CGROUPS [ARGS...]: run NAME for 0.3 s; a sidecar
# that ran with WORKERS workers in CGROUPS groups, or a skip that says why.
catalog() {
	name=$1 workers=$2 groups=$3
	shift 3
	scen --scenario "$name" --duration 0.3 "$@" &&
	f=$(sidecar "$name") &&
	if grep -q '^  "skipped": true,$' "$f"; then
		check_skip "$f"
	else
		check_run "$f" "$workers" "$groups"
	fi
}

while read -r name workers groups; do
	test_expect_success "$name" '
		catalog "$name" "$workers" "$groups"
	'
done <<-\EOF
	cgroup_steady 4 2
	steady 4 2
	cgroup_cpuset_llc_steady 4 2
	cgroup_cpuset_crossllc_steady 4 2
	cgroup_cpuset_overlap_steady 6 3
	cgroup_partial_cpus_steady 4 2
	cgroup_uneven_steady 4 2
	cgroup_affinity_inherit 4 2
	cgroup_affinity_random 4 2
	cgroup_affinity_spanning 4 2
	cgroup_affinity_pinned 4 2
	sched_batch 4 2
EOF

# SCHED_IDLE workers get a sliver of a busy CPU and may do no work at all
# in 0.3 s: a starved worker is then a finding, not a failure of the test.
test_expect_success 'sched_idle' '
	ktstr-test -q $LOOSE --scenario sched_idle --duration 0.3 2>err
	st=$?
	f=$(sidecar sched_idle) && valid "$f" &&
	test "$(stat "$f" total_workers)" = 4 &&
	case $st in
	0) check_run "$f" 4 2 ;;
	1) ! grep -v "^FAIL: sched_idle (\|^  Starved: " err ;;
	*) false ;;
	esac
'

test_expect_success 'cgroup_oversubscribed: 2 x 32 Mixed workers whatever --workers says' '
	catalog cgroup_oversubscribed 64 2 --workers 1 &&
	grep -q "^  \"work_type\": \"Mixed\",\$" "$(sidecar cgroup_oversubscribed)"
'

test_expect_success 'cgroup_cpuset_cross_llc_steady is an alias of the cross-LLC scenario' '
	rm -rf sd &&
	scen --scenario cgroup_cpuset_cross_llc_steady --duration 0.2 &&
	valid "$(sidecar cgroup_cpuset_crossllc_steady)"
'

test_expect_success 'the defaults: cgroup_steady, SpinWait, this host, eevdf or a sched_ext ops name' '
	rm -rf sd &&
	scen --scenario cgroup_steady --duration 0.2 &&
	f=$(sidecar cgroup_steady) &&
	grep -q "^  \"work_type\": \"SpinWait\",\$" "$f" &&
	grep -q "^  \"test_name\": \"cgroup_steady\",\$" "$f" &&
	grep -q "^  \"topology\": \"[0-9]*n[0-9]*l[0-9]*c[0-9]*t\",\$" "$f" &&
	grep -q "^  \"scheduler\": \"..*\",\$" "$f" &&
	grep -q "^  \"payload\": null,\$" "$f" &&
	grep -q "^  \"metrics\": \[\],\$" "$f" &&
	grep -q "^  \"run_id\": \"" "$f"
'

# The host's LLC count, from the label ktstr-test records for it.
test_lazy_prereq ONE_LLC '
	KTSTR_SIDECAR_DIR=$TRASH/llc scen --scenario custom --cgroups 1 --workers 1 --duration 0.1 &&
	grep -q "^  \"topology\": \"[0-9]*n1l" "$TRASH"/llc/custom-*.ktstr.json
'
test_lazy_prereq SEVERAL_LLCS '! test_have_prereq ONE_LLC'

test_expect_success ONE_LLC 'on one LLC the LLC-aligned partition is a skip, exit 0' '
	rm -rf sd &&
	ktstr-test --scenario custom --partition llc --duration 0.2 >out 2>err &&
	check_skip "$(sidecar custom)" &&
	echo "SKIP: custom (not enough CPUs/LLCs)" >expect &&
	grep -v "passed, .* failed" err >actual &&
	test_cmp expect actual &&
	grep -q "^0 passed, 0 failed, 1 skipped\$" err
'

test_expect_success SEVERAL_LLCS 'on several LLCs the LLC-aligned partition runs, one cpuset each' '
	rm -rf sd &&
	scen --scenario custom --partition llc --duration 0.2 &&
	check_run "$(sidecar custom)" 4 2
'

test_expect_success '--scheduler, --topology, --flag and --sysctl are recorded' '
	rm -rf sd &&
	scen --scenario sched_batch --duration 0.2 --scheduler scx_x --topology 1n2l4c1t \
		--flag llc --sysctl kernel.a=1 &&
	f=$(sidecar sched_batch) &&
	grep -q "^  \"scheduler\": \"scx_x\",\$" "$f" &&
	grep -q "^  \"topology\": \"1n2l4c1t\",\$" "$f" &&
	grep -q "^    \"llc\"\$" "$f" &&
	grep -q "^    \"sysctl.kernel.a=1\"\$" "$f"
'

test_expect_success '--work-type replaces the SpinWait groups of a catalog scenario' '
	rm -rf sd &&
	scen --scenario cgroup_steady --duration 0.2 --work-type YieldHeavy &&
	grep -q "^  \"work_type\": \"YieldHeavy\",\$" "$(sidecar cgroup_steady)"
'

test_expect_success 'a grouped type that does not divide the workers is not applied, and said so' '
	rm -rf sd &&
	ktstr-test --scenario cgroup_steady --duration 0.2 --settle-ms 0 --max-spread-pct 100 \
		--max-gap-ms 60000 --workers 3 --work-type PipeIo 2>err &&
	grep -q "^  \"work_type\": \"SpinWait\",\$" "$(sidecar cgroup_steady)" &&
	grep -q "work-type PipeIo not applied to every group" err
'

test_expect_success '--json: one line naming the sidecar' '
	rm -rf sd &&
	scen --json --scenario sched_batch --duration 0.2 >out &&
	printf "{\"test\":\"sched_batch\",\"verdict\":\"passed\",\"path\":\"%s\"}\n" \
		"$(sidecar sched_batch)" >expect &&
	test_cmp expect out
'

test_expect_success 'a failed check: exit 1, passed false, the findings on stderr' '
	rm -rf sd &&
	test_expect_code 1 ktstr-test --scenario custom --cgroups 1 --workers 1 --settle-ms 0 \
		--cgroup-mode none --work-type Bursty:burst_ms=5,sleep_ms=20 --duration 0.3 \
		--max-gap-ms 1 2>err &&
	f=$(sidecar custom) &&
	valid "$f" &&
	grep -q "^  \"passed\": false,\$" "$f" &&
	grep -q "^FAIL: custom ([1-9][0-9]* findings*)\$" err &&
	grep -q "^  Stuck: stuck [0-9]*ms on cpu[0-9]* at +[0-9]*ms (threshold 1ms)\$" err &&
	grep -q "^0 passed, 1 failed, 0 skipped\$" err
'

test_expect_success '--monitor: monitor is null or a summary of samples' '
	rm -rf sd &&
	scen --scenario custom --cgroups 1 --workers 1 --cgroup-mode none --duration 0.3 \
		--monitor 2>/dev/null &&
	f=$(sidecar custom) &&
	valid "$f" &&
	{ grep -q "^  \"monitor\": null,\$" "$f" ||
	  positive "$(sed -n "s/^    \"total_samples\": \([0-9]*\),$/\1/p" "$f")"; }
'

# script(1) of util-linux gives the run a terminal for its standard error.
if command -v script >/dev/null && script -qc true /dev/null >/dev/null 2>&1; then
	TTY() { :; }
fi

test_expect_success TTY 'on a terminal: a progress line, erased at the end; none with -q' '
	rm -rf sd &&
	script -qc "ktstr-test --scenario custom --cgroups 1 --workers 1 $LOOSE --duration 0.4" \
		/dev/null >typescript &&
	grep -q "\[0\.[0-9]/0\.4s\] custom: 1/1 workers alive, [0-9]* iterations" typescript &&
	grep -q "PASS: custom ([0-9]* ms)" typescript &&
	script -qc "ktstr-test -q --scenario custom --cgroups 1 --workers 1 $LOOSE --duration 0.2" \
		/dev/null >typescript &&
	! grep -q "workers alive" typescript
'

# RT workers can take a CPU for 950 ms a second: one worker, only where
# another CPU is left, only when the policy may be set; sched_rr's two
# workers per group only on request.
if [ "$(ncpus)" -ge 2 ] && command -v chrt >/dev/null && chrt -f 1 true 2>/dev/null; then
	RTOK() { :; }
	if [ -n "$KTSTR_TEST_RT" ]; then RTMANY() { :; }; fi
fi

test_expect_success RTOK 'sched_fifo, one group: one SCHED_FIFO Bursty worker' '
	rm -rf sd &&
	scen --scenario sched_fifo --cgroups 1 --duration 0.3 &&
	f=$(sidecar sched_fifo) &&
	check_run "$f" 1 1 &&
	grep -q "^  \"work_type\": \"Bursty\",\$" "$f"
'

test_expect_success RTMANY 'sched_rr: 2 groups of 2 SCHED_RR workers (KTSTR_TEST_RT)' '
	rm -rf sd &&
	scen --scenario sched_rr --duration 0.3 &&
	check_run "$(sidecar sched_rr)" 4 2
'

test_done
