#!/bin/sh
# ktstr-test --scenario: usage errors, with suggestions; exit 2 and no sidecar.
. "${0%/*}/lib.sh"

KTSTR_SIDECAR_DIR=$TRASH/sd
export KTSTR_SIDECAR_DIR

# fails MESSAGE ARGS...: ktstr-test ARGS exits 2, says exactly MESSAGE, writes nothing.
fails() {
	msg=$1
	shift
	test_must_fail ktstr-test "$@" >out 2>err &&
	echo "ktstr-test: $msg" >expect &&
	test_cmp expect err &&
	test_cmp /dev/null out &&
	! test -d sd
}

while IFS='|' read -r msg args; do
	test_expect_success "$args" "
		fails \"\$msg\" $args
	"
done <<-\EOF
	unknown scenario 'cgroup_stedy' (did you mean 'cgroup_steady'?)|--scenario cgroup_stedy
	unknown scenario 'sched_fifio' (did you mean 'sched_fifo'?)|--scenario sched_fifio
	unknown scenario 'xyzzy' (see --list-scenarios)|--scenario xyzzy
	unknown work type 'CpuSpn' (did you mean 'CpuSpin'?)|--scenario custom --work-type CpuSpn
	unknown work type 'pipeio' (did you mean 'PipeIo'?)|--scenario custom --work-type pipeio
	unknown Bursty parameter 'burst' (burst_ms, sleep_ms)|--scenario custom --work-type Bursty:burst=5
	work type Custom needs code and cannot be named|--scenario custom --work-type Custom
	work type Sequence needs a phase list, e.g. Sequence:spin=100ms,sleep=50ms|--scenario custom --work-type Sequence
	invalid duration '0': want seconds between 0.001 and 86400|--scenario custom --duration 0
	invalid duration '86401': want seconds between 0.001 and 86400|--scenario custom --duration 86401
	invalid duration 'soon': want seconds between 0.001 and 86400|--scenario custom --duration soon
	invalid workers '0': want an integer between 1 and 4096|--scenario custom --workers 0
	invalid workers '4097': want an integer between 1 and 4096|--scenario custom --workers 4097
	invalid cgroups '65': want an integer between 1 and 64|--scenario custom --cgroups 65
	invalid settle-ms '60001': want an integer between 0 and 60000|--scenario custom --settle-ms 60001
	invalid max-gap-ms '-1': want an integer between 0 and 86400000|--scenario custom --max-gap-ms -1
	invalid max-spread-pct '101': want a number between 0 and 100|--scenario custom --max-spread-pct 101
	invalid partition 'uneven:1': want none, split-half, split-misaligned, uneven:F, holdback:F, overlap:F or llc (0 < F < 1)|--scenario custom --partition uneven:1
	invalid policy 'fifo:100': want normal, batch, idle, fifo:P or rr:P (P 1..99)|--scenario custom --policy fifo:100
	invalid cgroup-mode 'v3': want auto, v2, v1 or none|--scenario custom --cgroup-mode v3
	--duration needs --scenario|--duration 1 -- true
	--monitor needs --scenario|--monitor -- true
	--scenario runs no command or file: unexpected operand 'true'|--scenario custom -- true
	-n cannot rename a scenario: its test name is the scenario's|-n x --scenario custom
	--timeout and -j apply to commands and files, not to --scenario|--scenario custom --timeout 3
	--timeout and -j apply to commands and files, not to --scenario|--scenario custom -j 2
EOF

test_expect_success 'the list and cleanup actions take nothing else' '
	for args in "--list-scenarios --scenario custom" "--list-work-types x" \
		"--cleanup --duration 1" "--list-scenarios --list-work-types"; do
		test_must_fail ktstr-test $args 2>err &&
		grep -q "^usage: ktstr-test" err || return 1
	done
'

test_expect_success 'a group size that does not divide the workers: setup error, no sidecar' '
	test_must_fail ktstr-test -q --scenario custom --work-type PipeIo --workers 3 \
		--cgroup-mode none --settle-ms 0 2>err &&
	echo "ktstr-test: PipeIo requires num_workers divisible by 2, got 3" >expect &&
	test_cmp expect err &&
	! ls sd/*.ktstr.json 2>/dev/null
'

test_expect_success 'usage names the scenario form' '
	test_must_fail ktstr-test 2>err &&
	grep -q -e " --scenario NAME \[--work-type TYPE" err &&
	grep -q "^       ktstr-test --list-scenarios | --list-work-types | --cleanup$" err
'

test_done
