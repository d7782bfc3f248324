#!/bin/sh
# The suite as a whole: the examples of ktstr(7) and `make demo`.
. "${0%/*}/lib.sh"

test_expect_success 'setup: the sample runs tree as target/ktstr' '
	mkdir target &&
	cp -R "$FIXTURES/sidecars" target/ktstr &&
	touch -d "2025-03-14 09:30" target/ktstr/6.14-abc1234 &&
	touch -d "2025-03-14 11:05" target/ktstr/6.14-abc1234-dirty &&
	touch -d "2025-04-02 03:20" target/ktstr/7.0-def5678
'

test_expect_success 'ktstr(7): compare the runs of two kernels' '
	ktstr-scan 2>/dev/null | ktstr-compare --a-kernel 6.14 --b-kernel 7.0 >actual 2>err &&
	test_cmp "$FIXTURES/suite/man7-compare.expect" actual &&
	grep -q "^ktstr-compare: warning: comparison includes dirty builds:$" err
'

test_expect_success 'ktstr(7): analyse the newest run' '
	ktstr-scan --newest | ktstr-compare --analyze >actual &&
	test_cmp "$FIXTURES/suite/man7-analyze.expect" actual
'

test_expect_success 'make demo runs every program and each command works' '
	sh "$TOP/doc/demo.sh" >demo.out 2>&1 &&
	for prog in ktstr-rundir ktstr-scan ktstr-compare ktstr-hostinfo ktstr-test; do
		grep -q "^\\$ $prog" demo.out || { echo "no $prog in the demo"; exit 1; }
	done &&
	! grep -E "command not found|Segmentation|Aborted|Sanitizer" demo.out &&
	grep -q "REGRESSION" demo.out
'

test_expect_success 'make demo shows what the real workload measured, passed or not' '
	sed -n "/^\$ ktstr-test --scenario cgroup_steady/,/^(exit status/p" demo.out >workload &&
	grep -q "^    \"total_iterations\": [0-9]" workload &&
	grep -q "^    \"worst_spread\": [0-9]" workload &&
	grep -q "^(exit status 0)\$" workload
'

test_expect_success 'make demo compares a 0.4.9 run with a newest one' '
	grep -q "^  generation: G0 (0.4.9); valid for: G0\$" demo.out &&
	grep -q "^  generation: G2 (newest); valid for: G2\$" demo.out &&
	grep -q "^ cgroup_steady/.*  worst_p99_wake_latency_us  84.00  240.00  +156.00µs  REGRESSION \$" demo.out &&
	grep -q "^summary: 1 regressions, 0 improvements, 0 informational, 14 unchanged\$" demo.out &&
	grep -q "^summary: 2 regressions, 0 improvements, 13 unchanged\$" demo.out
'

test_expect_success GIT 'make demo shows a history with a change point at the step, and the gate' '
	grep -q "^\\$ cd project && .*ktstr-compare --history" demo.out &&
	step=$(sed -n "s/^\\([0-9a-f]\\{7\\}\\) change 8\$/\\1/p" demo.out) &&
	test -n "$step" &&
	grep -q "^ cgroup_steady/.*  worst_spread  $step  .*  REGRESSION \$" demo.out &&
	grep -q "^summary: 1 change points: 1 regressions, 0 improvements, 0 below the gate\$" demo.out &&
	grep -q "^\*\*base\*\* \`[0-9a-f]\{7\}\` (--base HEAD\\\\~6), \*\*head\*\* " demo.out
'

test_done
