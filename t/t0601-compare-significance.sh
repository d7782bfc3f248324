#!/bin/sh
# ktstr-compare --significance P: Welch's t-test with at least three
# runs per side; a change counts only when its p-value is below P.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"

# p-values checked independently (Simpson's rule on the t density):
#   spread 10 12 14 vs 20 22 24: t = 6.1237, df = 4, p = 0.0036
#   spread 10 30 14 vs 20 40 24: t = 1.1573, df = 4, p = 0.3116
test_expect_success 'a change the t-test confirms is a regression' '
	trials clear 6.14.2 "spread=10.0" "spread=12.0" "spread=14.0" &&
	trials clear 6.15.0 "spread=20.0" "spread=22.0" "spread=24.0" &&
	test_expect_code 1 cmp_ab clear --significance 0.05 >out &&
	sed -n 4,5p out >actual &&
	cat >expect <<-\EOT &&
	 TEST                                               METRIC        6.14   6.15   DELTA    P       VERDICT    
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread  12.00  22.00  +10.00%  0.0036  REGRESSION 
	EOT
	test_cmp expect actual &&
	grep "^summary: 1 regressions, 0 improvements, 0 unchanged, 0 not significant\$" out
'

test_expect_success 'a change within the noise is not significant' '
	trials noisy 6.14.2 "spread=10.0" "spread=30.0" "spread=14.0" &&
	trials noisy 6.15.0 "spread=20.0" "spread=40.0" "spread=24.0" &&
	test_expect_code 1 cmp_ab noisy >out &&
	grep "^summary: 1 regressions, 0 improvements, 0 unchanged\$" out &&
	cmp_ab noisy --significance 0.05 >out &&
	sed -n 5p out >actual &&
	echo " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread  18.00  28.00  +10.00%  0.3116  not significant " >expect &&
	test_cmp expect actual &&
	grep "^summary: 0 regressions, 0 improvements, 0 unchanged, 1 not significant\$" out &&
	cmp_ab noisy --significance 0.05 --color=always >out &&
	! grep -q "$(printf "\033")" out
'

test_expect_success 'P decides: the same change passes a looser level' '
	test_expect_code 1 cmp_ab noisy --significance 0.5 >out &&
	grep "^summary: 1 regressions, 0 improvements, 0 unchanged, 0 not significant\$" out &&
	cmp_ab clear --significance 0.001 >out &&
	grep "  0.0036  not significant $" out
'

test_expect_success '--significance 1 shows p-values and changes no verdict' '
	test_expect_code 1 cmp_ab noisy --significance 1 >out &&
	grep "  0.3116  REGRESSION $" out
'

test_expect_success 'improvements need the t-test too' '
	trials up 6.14.2 "iterations=1000" "iterations=1010" "iterations=990" &&
	trials up 6.15.0 "iterations=1150" "iterations=1160" "iterations=1140" &&
	cmp_ab up --significance 0.05 >out &&
	grep "  +150.00  <0.0001  improvement $" out &&
	cmp_ab up --significance 0.00001 >out &&
	grep "  +150.00  <0.0001  not significant $" out &&
	grep "^summary: 0 regressions, 0 improvements, 0 unchanged, 1 not significant\$" out
'

test_expect_success 'runs that all agree: p is 0 or 1' '
	trials flat 6.14.2 "spread=10.0" "spread=10.0" "spread=10.0" &&
	trials flat 6.15.0 "spread=20.0" "spread=20.0" "spread=20.0" &&
	test_expect_code 1 cmp_ab flat --significance 0.05 >out &&
	grep "  +10.00%  <0.0001  REGRESSION $" out
'

test_expect_success 'fewer than three runs: the gates alone, with a warning' '
	example5 ex &&
	test_expect_code 1 cmp_ab ex --significance 0.05 >out 2>err &&
	grep "  +9.00%     -  REGRESSION  $" out &&
	echo "ktstr-compare: warning: --significance: 3 change(s) with fewer than 3 runs on a side are judged by the gates alone" >expect &&
	test_cmp expect err &&
	grep "^summary: 2 regressions, 1 improvements, 0 unchanged, 0 not significant\$" out
'

test_expect_success 'unchanged metrics are not tested and not counted twice' '
	trials mixed 6.14.2 "spread=10.0 gap=100" "spread=12.0 gap=110" "spread=14.0 gap=120" &&
	trials mixed 6.15.0 "spread=20.0 gap=101" "spread=22.0 gap=111" "spread=24.0 gap=121" &&
	test_expect_code 1 cmp_ab mixed --significance 0.05 >out 2>err &&
	test_cmp /dev/null err &&
	grep "^summary: 1 regressions, 0 improvements, 1 unchanged, 0 not significant\$" out
'

test_expect_success 'bad P values are usage errors' '
	for p in 0 -0.1 1.5 abc "" nan inf 0x1; do
		test_must_fail cmp_ab clear --significance "$p" >out 2>err &&
		test_cmp /dev/null out &&
		grep -q "^ktstr-compare: invalid value .* for .--significance.: expected a p-value threshold in (0, 1\]" err ||
		{ echo "accepted: $p"; return 1; }
	done &&
	test_must_fail cmp_ab clear --significance 0.05 --significance 0.01 >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail cmp_ab clear --significance >out 2>err &&
	test_must_fail ktstr-compare --list-metrics --significance 0.05 >out 2>err &&
	test_cmp /dev/null out
'

test_expect_success 'accepted spellings of P' '
	for p in 0.05 .05 5e-2 1 1.0; do
		cmp_ab noisy --significance "$p" >/dev/null
		test $? -lt 2 || { echo "rejected: $p"; return 1; }
	done
'

test_done
