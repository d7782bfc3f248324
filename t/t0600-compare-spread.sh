#!/bin/sh
# ktstr-compare --spread: each side's coefficient of variation and run
# count beside its value; the default table stays upstream's.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"

test_expect_success 'the default table of an averaged pool has no extra column' '
	example5 ex &&
	test_expect_code 1 cmp_ab ex >out &&
	cat >expect <<-\EOT &&
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
	EOT
	test_cmp expect out
'

# spread 10, 12: mean 11, s = sqrt(2) = 1.414, 12.856 % of the mean;
# gap 100, 101: s = 0.707, 0.704 % of 100.5 (the cell shows the rounded
# mean 101); iterations 1000, 1000: s = 0.  B has one run.
test_expect_success '--spread: CV and n per side, LKP style' '
	test_expect_code 1 cmp_ab ex --spread >out &&
	cat >expect <<-\EOT &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 2 runs (6.14) and 1 runs (6.15)
	 TEST                                               METRIC            6.14     ±%      n  6.15     ±%  n  DELTA      VERDICT     
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread      11.00    ±12.9%  2  20.00    -   1  +9.00%     REGRESSION  
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_gap_ms      101.00   ±0.7%   2  700.00   -   1  +599.00ms  REGRESSION  
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  total_iterations  1000.00  ±0.0%   2  1150.00  -   1  +150.00    improvement 

	summary: 2 regressions, 1 improvements, 0 unchanged

	per-group pass counts (passes_observed/total_observed):
	  steady/1n1l2c1t/CpuSpin: 6.14=2/2 6.15=1/1
	EOT
	test_cmp expect out
'

test_expect_success '--spread colours only the verdict' '
	test_expect_code 1 cmp_ab ex --spread --color=always >out &&
	esc=$(printf "\033") &&
	grep -c "$esc" out >count &&
	echo 3 >expect &&
	test_cmp expect count &&
	grep "worst_spread.*${esc}\[38;5;9m REGRESSION  ${esc}\[39m\$" out
'

test_expect_success '--spread with --no-average: one run per row' '
	trials one 6.14.2 "spread=10.0" &&
	trials one 6.15.0 "spread=20.0" &&
	test_expect_code 1 cmp_ab one --spread --no-average >out &&
	sed -n 3,4p out >actual &&
	cat >expect <<-\EOT &&
	 TEST                                               METRIC        6.14   ±%  n  6.15   ±%  n  DELTA    VERDICT    
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread  10.00  -   1  20.00  -   1  +10.00%  REGRESSION 
	EOT
	test_cmp expect actual
'

test_expect_success '--spread: the runs are the ones averaged' '
	trials two 6.14.2 "spread=10.0" "spread=12.0" &&
	trials two 6.15.0 "spread=20.0" "spread=30.0" &&
	test_expect_code 1 cmp_ab two --spread >out &&
	grep " worst_spread  11.00  ±12.9%  2  25.00  ±28.3%  2 " out &&
	trials two 6.14.2 "spread=10.0" "spread=12.0" "spread=90.0 passed=false" &&
	cmp_ab two --spread >out &&
	grep "^summary: 0 regressions, 0 improvements, 0 unchanged\$" out &&
	grep "^  1 pairing-key row pair(s) skipped because one or both sides failed\$" out
'

test_expect_success '--spread is a comparison option' '
	test_must_fail ktstr-compare --list-metrics --spread >out 2>err &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: " err &&
	test_must_fail cmp_ab ex --spread --spread >out 2>err &&
	test_cmp /dev/null out
'

test_done
