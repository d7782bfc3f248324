#!/bin/sh
# ktstr-compare --json: one object per compared metric, then a summary.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"

test_expect_success 'Example 5 as JSON lines' '
	example5 ex &&
	test_expect_code 1 cmp_ab ex --json >out 2>err &&
	test_cmp /dev/null err &&
	cat >expect <<-\EOT &&
	{"type":"metric","test":"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/","metric":"worst_spread","unit":"%","a":11.0,"a_n":2,"a_stddev":1.4142135623730951,"b":20.0,"b_n":1,"b_stddev":null,"delta":9.0,"percent":81.81818181818183,"p":null,"verdict":"regression"}
	{"type":"metric","test":"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/","metric":"worst_gap_ms","unit":"ms","a":101.0,"a_n":2,"a_stddev":0.7071067811865476,"b":700.0,"b_n":1,"b_stddev":null,"delta":599.0,"percent":593.0693069306931,"p":null,"verdict":"regression"}
	{"type":"metric","test":"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/","metric":"total_iterations","unit":"","a":1000.0,"a_n":2,"a_stddev":0.0,"b":1150.0,"b_n":1,"b_stddev":null,"delta":150.0,"percent":15.0,"p":null,"verdict":"improvement"}
	{"type":"summary","slicing":["kernel"],"pairing":["scenario","scheduler","topology","work-type","project-commit","kernel-commit","run-source","flags"],"a":"6.14","b":"6.15","a_runs":2,"b_runs":1,"averaged":true,"significance":null,"regressions":2,"improvements":1,"unchanged":0,"not_significant":0,"skipped_failed":0,"new_in_b":0,"removed_from_a":0}
	EOT
	test_cmp expect out
'

test_expect_success 'unchanged metrics are records too; exit 0 without a regression' '
	trials calm 6.14.2 "spread=10.0 gap=100" &&
	trials calm 6.15.0 "spread=11.0 gap=90" &&
	cmp_ab calm --json >out &&
	cat >expect <<-\EOT &&
	{"type":"metric","test":"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/","metric":"worst_spread","unit":"%","a":10.0,"a_n":1,"a_stddev":null,"b":11.0,"b_n":1,"b_stddev":null,"delta":1.0,"percent":10.0,"p":null,"verdict":"unchanged"}
	{"type":"metric","test":"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/","metric":"worst_gap_ms","unit":"ms","a":100.0,"a_n":1,"a_stddev":null,"b":90.0,"b_n":1,"b_stddev":null,"delta":-10.0,"percent":-10.0,"p":null,"verdict":"unchanged"}
	{"type":"summary","slicing":["kernel"],"pairing":["scenario","scheduler","topology","work-type","project-commit","kernel-commit","run-source","flags"],"a":"6.14","b":"6.15","a_runs":1,"b_runs":1,"averaged":true,"significance":null,"regressions":0,"improvements":0,"unchanged":2,"not_significant":0,"skipped_failed":0,"new_in_b":0,"removed_from_a":0}
	EOT
	test_cmp expect out
'

test_expect_success 'a zero baseline has a null percent; p and significance' '
	trials zero 6.14.2 "p99=0.0 spread=10.0" "p99=0.0 spread=30.0" "p99=0.0 spread=14.0" &&
	trials zero 6.15.0 "p99=500.0 spread=20.0" "p99=520.0 spread=40.0" "p99=480.0 spread=24.0" &&
	test_expect_code 1 cmp_ab zero --json --significance 0.05 >out &&
	grep "\"metric\":\"worst_spread\".*\"percent\":55.55555555555556,\"p\":0.3115606734600[0-9]*,\"verdict\":\"not-significant\"}\$" out &&
	grep "\"metric\":\"worst_p99_wake_latency_us\",\"unit\":\"µs\",\"a\":0.0,\"a_n\":3,\"a_stddev\":0.0,\"b\":500.0,\"b_n\":3,\"b_stddev\":20.0,\"delta\":500.0,\"percent\":null,\"p\":0.00[0-9]*,\"verdict\":\"regression\"}\$" out &&
	tail -n 1 out | grep "\"significance\":0.05,\"regressions\":1,\"improvements\":0,\"unchanged\":0,\"not_significant\":1,"
'

test_expect_success 'new, removed and skipped pairs are counted in the summary' '
	trials grp 6.14.2 "spread=10.0" "test_name=gone spread=1.0" "test_name=bad spread=1.0 passed=false" &&
	trials grp 6.15.0 "spread=10.0" "test_name=fresh spread=1.0" "test_name=bad spread=1.0" &&
	cmp_ab grp --json >out &&
	test $(wc -l <out) -eq 2 &&
	grep "\"averaged\":true,\"significance\":null,\"regressions\":0,\"improvements\":0,\"unchanged\":1,\"not_significant\":0,\"skipped_failed\":1,\"new_in_b\":1,\"removed_from_a\":1}\$" out &&
	cmp_ab grp --json --no-average >out &&
	grep "\"averaged\":false," out
'

test_expect_success 'hostile test names stay valid JSON' '
	trials evil 6.14.2 "test_name=a\\\"b\\\\c\\td\\u0001 spread=10.0" &&
	trials evil 6.15.0 "test_name=a\\\"b\\\\c\\td\\u0001 spread=20.0" &&
	test_expect_code 1 cmp_ab evil --json >out &&
	grep "^{\"type\":\"metric\",\"test\":\"a\\\\\"b\\\\\\\\c\\\\td\\\\u0001/scx_rusty/" out
'

test_expect_success jq 'jq reads every line' '
	test_expect_code 1 cmp_ab evil --json >out &&
	jq -c . <out >/dev/null &&
	cmp_ab ex --json | jq -c "select(.verdict == \"regression\") | .metric" >actual &&
	printf "\"%s\"\\n" worst_spread worst_gap_ms >expect &&
	test_cmp expect actual
'

test_expect_success '--json excludes --tsv and --analyze' '
	test_must_fail cmp_ab ex --json --tsv >out 2>err &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: --json, --tsv and --markdown exclude each other\$" err &&
	test_must_fail cmp_ab ex --tsv --json >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail ktstr-compare --analyze --json ex >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail cmp_ab ex --json --json >out 2>err &&
	test_cmp /dev/null out
'

test_expect_success 'errors still exit 2 with nothing on stdout' '
	test_must_fail ktstr-compare --a-kernel 6.13 --b-kernel 6.15 --json ex/*.json >out 2>err &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: A side filter matched 0 sidecars" err
'

test_done
