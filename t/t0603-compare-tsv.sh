#!/bin/sh
# ktstr-compare --tsv: the --json columns, tab-separated, with a header.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"

tab=$(printf '\t')

test_expect_success 'Example 5 as TSV' '
	example5 ex &&
	test_expect_code 1 cmp_ab ex --tsv >out 2>err &&
	test_cmp /dev/null err &&
	{
		printf "test\tmetric\tunit\ta\ta_n\ta_stddev\tb\tb_n\tb_stddev\tdelta\tpercent\tp\tverdict\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\tworst_spread\t%%\t11.0\t2\t1.4142135623730951\t20.0\t1\t\t9.0\t+81.82%%\t\tregression\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\tworst_gap_ms\tms\t101.0\t2\t0.7071067811865476\t700.0\t1\t\t599.0\t+593.07%%\t\tregression\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\ttotal_iterations\t\t1000.0\t2\t0.0\t1150.0\t1\t\t150.0\t+15.00%%\t\timprovement\n"
	} >expect &&
	test_cmp expect out
'

test_expect_success 'every line has the header'"'"'s 13 fields' '
	awk -F "$tab" "NF != 13 { exit 1 }" out
'

test_expect_success 'a zero baseline reads +inf% or -inf%' '
	trials zero 6.14.2 "p99=0.0" &&
	trials zero 6.15.0 "p99=500.0" &&
	test_expect_code 1 cmp_ab zero --tsv >out &&
	printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\tworst_p99_wake_latency_us\tµs\t0.0\t1\t\t500.0\t1\t\t500.0\t+inf%%\t\tregression\n" >expect &&
	sed -n 2p out >actual &&
	test_cmp expect actual &&
	trials neg 6.14.2 "ext={\"worst_wake_latency_tail_ratio\":0.0}" &&
	trials neg 6.15.0 "ext={\"worst_wake_latency_tail_ratio\":-2.0}" &&
	cmp_ab neg --tsv >out &&
	grep "${tab}worst_wake_latency_tail_ratio${tab}x${tab}0.0${tab}1${tab}${tab}-2.0${tab}1${tab}${tab}-2.0${tab}-inf%${tab}${tab}improvement\$" out
'

test_expect_success 'p-values and the not-significant verdict' '
	trials noisy 6.14.2 "spread=10.0" "spread=30.0" "spread=14.0" &&
	trials noisy 6.15.0 "spread=20.0" "spread=40.0" "spread=24.0" &&
	cmp_ab noisy --tsv --significance 0.05 >out &&
	sed -n 2p out | cut -f 10- >actual &&
	printf "10.0\t+55.56%%\t0.3115606734600[0-9]*\tnot-significant\n" >pattern &&
	grep -f pattern actual
'

test_expect_success 'tabs, newlines and backslashes in names are escaped' '
	trials evil 6.14.2 "test_name=a\\tb\\nc\\\\d\\re spread=10.0" &&
	trials evil 6.15.0 "test_name=a\\tb\\nc\\\\d\\re spread=20.0" &&
	test_expect_code 1 cmp_ab evil --tsv >out &&
	test $(wc -l <out) -eq 2 &&
	sed -n 2p out | cut -f 1 >actual &&
	printf "%s\n" "a\\tb\\nc\\\\d\\re/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/" >expect &&
	test_cmp expect actual
'

test_expect_success 'the man page example: cut the columns' '
	test_expect_code 1 cmp_ab ex --tsv >out &&
	cut -f1,2,11,13 out >actual &&
	{
		printf "test\tmetric\tpercent\tverdict\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\tworst_spread\t+81.82%%\tregression\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\tworst_gap_ms\t+593.07%%\tregression\n" &&
		printf "steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/\ttotal_iterations\t+15.00%%\timprovement\n"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'no compared metric: just the header, exit 0' '
	trials none 6.14.2 "spread=0.0" &&
	trials none 6.15.0 "spread=0.0" &&
	cmp_ab none --tsv >out &&
	test $(wc -l <out) -eq 1
'

test_expect_success '--tsv is a comparison option, once' '
	test_must_fail ktstr-compare --list-values --tsv ex >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail cmp_ab ex --tsv --tsv >out 2>err &&
	test_cmp /dev/null out
'

test_done
