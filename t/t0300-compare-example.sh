#!/bin/sh
# ktstr-compare: the end-to-end example ("Example 5": two 6.14.2 runs
# averaged against one 6.15.0) byte for byte with its variants, "Example
# 7" (stall_count rising from a zero baseline) end to end, and colour.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

T=$TRASH/T
CARGO_TARGET_DIR=$T
export CARGO_TARGET_DIR

test_expect_success 'setup: the Example 5 pool' '
	sidecar $T/ktstr/6.14.2-aaaaaaa/steady-1.ktstr.json spread=10.0 gap=100 iterations=1000 &&
	sidecar $T/ktstr/6.14.2-aaaaaaa/steady-2.ktstr.json spread=12.0 gap=101 iterations=1000 &&
	sidecar $T/ktstr/6.15.0-aaaaaaa/steady-1.ktstr.json kernel=\"6.15.0\" \
		spread=20.0 gap=700 iterations=1150 &&
	cat >expect <<-\EOF
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 2 runs (6.14) and 1 runs (6.15)
	 TEST                                               METRIC            6.14     6.15     DELTA      VERDICT     
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread      11.00    20.00    +9.00%     REGRESSION  
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_gap_ms      101.00   700.00   +599.00ms  REGRESSION  
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  total_iterations  1000.00  1150.00  +150.00    improvement 

	summary: 2 regressions, 1 improvements, 0 unchanged

	per-group pass counts (passes_observed/total_observed):
	  steady/1n1l2c1t/CpuSpin: 6.14=2/2 6.15=1/1
	EOF
'

test_expect_success 'Example 5: exact stdout, empty stderr, exit 1' '
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 </dev/null >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err
'

test_expect_success 'Example 5: a closed stdin reads the default root too' '
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 <&- >actual &&
	test_cmp expect actual
'

test_expect_success 'Example 5: --no-average with two sidecars per key is an error' '
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --no-average </dev/null \
		>out 2>err &&
	test_cmp /dev/null out &&
	printf "%s\n" "ktstr-compare: --no-average: side A has 2 sidecars with the same pairing key [\"steady\", \"scx_rusty\", \"1n1l2c1t\", \"CpuSpin\", \"aaaaaaa\", \"\", \"local\", \"\"]. Either drop --no-average to average them, or add another --a-X filter to disambiguate." >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'Example 5: a shared filter only is "identical rows"' '
	test_must_fail ktstr-compare --kernel 6.14 </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	printf "%s\n" "ktstr-compare: A and B select identical rows. Specify at least one per-side filter (e.g. --a-kernel 6.14 --b-kernel 6.15) to define what dimension separates the two sides." >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'Example 5: a side matching nothing names the pool and its source' '
	test_must_fail ktstr-compare --a-kernel 6.13 --b-kernel 6.15 </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	printf "%s\n" "ktstr-compare: A side filter matched 0 sidecars in pool (3 pooled from $T/ktstr). Check the per-side filters or confirm the runs exist with \`ktstr-rundir --list\`." >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'Example 5: from a stream on stdin the source is "standard input"' '
	cat $T/ktstr/*/*.json >stream &&
	test_must_fail ktstr-compare --a-kernel 6.13 --b-kernel 6.15 <stream 2>err &&
	grep "(3 pooled from standard input)" err &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 <stream >actual &&
	test_cmp expect actual &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 - <stream >actual &&
	test_cmp expect actual
'

test_expect_success 'Example 5: --dir ROOT and a ROOT operand read run_source as archive' '
	sed "s|//local/ |//archive/ |; s|^ TEST |&  |" expect >expect.archive &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --dir $T/ktstr >actual &&
	test_cmp expect.archive actual &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 $T/ktstr >actual2 &&
	test_cmp expect.archive actual2
'

test_expect_success 'Example 5: through ktstr-scan, with and without --dir' '
	ktstr-scan | test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 >actual &&
	test_cmp expect actual &&
	ktstr-scan --dir $T/ktstr |
		test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 >actual &&
	test_cmp expect.archive actual
'

test_expect_success 'Example 5: -E nomatch compares nothing but keeps the header lines' '
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 -E nomatch </dev/null >actual &&
	cat >expect.e <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 2 runs (6.14) and 1 runs (6.15)
	 TEST  METRIC  6.14  6.15  DELTA  VERDICT 

	summary: 0 regressions, 0 improvements, 0 unchanged

	per-group pass counts (passes_observed/total_observed):
	  steady/1n1l2c1t/CpuSpin: 6.14=2/2 6.15=1/1
	EOF
	test_cmp expect.e actual
'

test_expect_success 'colour: --color=always wraps the padded VERDICT cells' '
	test_expect_code 1 ktstr-compare --color=always --a-kernel 6.14 --b-kernel 6.15 </dev/null >actual &&
	esc=$(printf "\033") &&
	grep -c "${esc}\[38;5;9m REGRESSION  ${esc}\[39m\$" actual >count &&
	echo 2 >two && test_cmp two count &&
	grep -c "${esc}\[38;5;10m improvement ${esc}\[39m\$" actual >count &&
	echo 1 >one && test_cmp one count &&
	sed "s/${esc}\[[0-9;]*m//g" actual >plain &&
	test_cmp expect plain
'

test_expect_success 'colour: never, NO_COLOR and a non-terminal write no escapes' '
	test_expect_code 1 ktstr-compare --color=never --a-kernel 6.14 --b-kernel 6.15 </dev/null >actual &&
	test_cmp expect actual &&
	NO_COLOR=1 test_expect_code 1 ktstr-compare --color=auto --a-kernel 6.14 --b-kernel 6.15 </dev/null >actual &&
	test_cmp expect actual &&
	NO_COLOR=1 test_expect_code 1 ktstr-compare --color=always --a-kernel 6.14 --b-kernel 6.15 </dev/null >actual &&
	! test_cmp expect actual >/dev/null &&
	test_must_fail ktstr-compare --color=sometimes --a-kernel 6.14 --b-kernel 6.15 </dev/null
'

test_expect_success 'Example 7: stall_count 0 -> 1 is a regression from a zero baseline' '
	mkdir ex7 &&
	sidecar ex7/a.ktstr.json &&
	MON_STALL=true sidecar ex7/b.ktstr.json kernel=\"6.15.0\" monitor="$(MON_STALL=true monitor)" &&
	cat >expect7 <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 1 runs (6.14) and 1 runs (6.15)
	 TEST                                               METRIC       6.14  6.15  DELTA  VERDICT    
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  stall_count  0.00  1.00  +1.00  REGRESSION 

	summary: 1 regressions, 0 improvements, 0 unchanged

	per-group pass counts (passes_observed/total_observed):
	  steady/1n1l2c1t/CpuSpin: 6.14=1/1 6.15=1/1
	EOF
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 ex7/a.ktstr.json ex7/b.ktstr.json >actual &&
	test_cmp expect7 actual
'

test_expect_success 'host section: identical, delta, one side only' '
	mkdir h &&
	sidecar h/a.ktstr.json spread=1.0 host="{\"arch\":\"x86_64\",\"online_cpus\":8}" &&
	sidecar h/b.ktstr.json spread=1.0 kernel=\"6.15.0\" host="{\"arch\":\"x86_64\",\"online_cpus\":8}" &&
	sidecar h/c.ktstr.json spread=1.0 kernel=\"6.15.0\" host="{\"arch\":\"x86_64\",\"online_cpus\":4}" &&
	sidecar h/d.ktstr.json spread=1.0 kernel=\"6.15.0\" &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 h/a.ktstr.json h/b.ktstr.json >out &&
	tail -2 out >actual &&
	printf "\nhost: identical between '\''6.14'\'' and '\''6.15'\'' (arch: x86_64)\n" >expect &&
	test_cmp expect actual &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 h/a.ktstr.json h/d.ktstr.json h/c.ktstr.json >out &&
	tail -3 out >actual &&
	printf "\nhost delta ('\''6.14'\'' \342\206\222 '\''6.15'\''):\n  online_cpus: 8 \342\206\222 4\n" >expect &&
	test_cmp expect actual &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 h/a.ktstr.json h/d.ktstr.json >out &&
	tail -2 out >actual &&
	printf "\nhost: captured in '\''6.14'\'' only, delta unavailable\n" >expect &&
	test_cmp expect actual
'

test_done
