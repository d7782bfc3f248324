#!/bin/sh
# ktstr-compare over sidecars of every upstream generation, as one pool.
. "${0%/*}/lib.sh"

GEN=$FIXTURES/generations

test_expect_success 'setup' '
	cp -R "$GEN" gen
'

test_expect_success 'a 0.4.9 run and a newest run of the same test pair and compare' '
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 >out 2>err &&
	grep "^ cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234//archive/ .* worst_p99_wake_latency_us  84.00  240.00  +156.00µs  REGRESSION" out
'

test_expect_success 'a regression between two 0.5.2 runs' '
	test_expect_code 1 ktstr-compare --dir gen/g1 --a-kernel 6.15 --b-kernel 6.16 >out &&
	grep " worst_spread  5.25  11.50  +6.25%  REGRESSION" out
'

test_expect_success 'a regression between two newest runs, in a metric kept in ext_metrics' '
	test_expect_code 1 ktstr-compare --dir gen/g2 --a-kernel 6.14 --b-kernel 6.15 >out &&
	grep " worst_p99_wake_latency_us  83.00  160.00  +77.00µs  REGRESSION" out
'

test_expect_success 'CpuSpin and SpinWait are one work type to a filter' '
	test_expect_code 1 ktstr-compare --dir gen/mixed --work-type CpuSpin --a-kernel 6.14 --b-kernel 7.0 >a &&
	test_expect_code 1 ktstr-compare --dir gen/mixed --work-type SpinWait --a-kernel 6.14 --b-kernel 7.0 >b &&
	test_cmp a b &&
	grep "worst_p99_wake_latency_us" a
'

# newest A B SED: a copy of the newest cgroup_steady as run A's and, with SED, run B's.
newest() {
	f=gen/g2/6.14.2-abc1234/cgroup_steady-9ae94dc0bc46fd51.ktstr.json &&
	mkdir -p "r/$1" "r/$2" &&
	cp $f "r/$1/" &&
	sed -e "s/\"6.14.2\"/\"6.15.0\"/" -e "$3" $f >"r/$2/${f##*/}"
}

test_expect_success 'an expected failure is never compared' '
	newest 6.14.2-a 6.15.0-a "s/\"expected_failure\": false/\"expected_failure\": true/;s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-a r/6.15.0-a >out &&
	grep "^summary: 0 regressions, 0 improvements, 0 unchanged$" out &&
	grep "^  1 pairing-key row pair(s) skipped because one or both sides failed$" out
'

test_expect_success 'an inconclusive run is never compared, nor a skip that did not pass' '
	newest 6.14.2-b 6.15.0-b "s/\"inconclusive\": false/\"inconclusive\": true/;s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-b r/6.15.0-b >out &&
	grep "^  1 pairing-key row pair(s) skipped because one or both sides failed$" out &&
	newest 6.14.2-c 6.15.0-c "s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-c r/6.15.0-c >out &&
	grep " worst_spread  5.25  50.00  +44.75%  REGRESSION" out
'

for g in g1 g2 mixed; do
	test_expect_success "--list-values lists the $g tree" "
		ktstr-compare --list-values --dir gen/$g >out &&
		grep -A3 '^work_type:' out >types &&
		grep '  SpinWait' types
	"
done

test_done
