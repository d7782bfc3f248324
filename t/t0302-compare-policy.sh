#!/bin/sh
# ktstr-compare: thresholds and policy files (Examples 1-4: exactly on
# the absolute gate, --threshold, policy precedence, gates that
# suppress), usage errors, and bad input streams.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

# pair A_ARGS -- B_ARGS: a two-sidecar pool, kernel 6.14 against 6.15.
pair() {
	rm -rf pool && mkdir pool &&
	a= &&
	while [ "$1" != -- ]; do a="$a $1"; shift; done &&
	shift &&
	sidecar pool/a.ktstr.json $a &&
	sidecar pool/b.ktstr.json kernel=\"6.15.0\" "$@"
}

cmp_ab() {
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 "$@" pool/a.ktstr.json pool/b.ktstr.json
}

# finding LINE: the table's one body line must be LINE.
finding() {
	sed -n 5p out >actual.line &&
	printf '%s\n' "$1" >expect.line &&
	test_cmp expect.line actual.line
}

summary() {
	printf 'summary: %s\n' "$1" >expect.sum &&
	grep "^summary:" out >actual.sum &&
	test_cmp expect.sum actual.sum
}

test_expect_success 'Example 1: exactly on the absolute gate is a regression' '
	pair spread=10.0 -- spread=15.0 &&
	test_expect_code 1 cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_spread  10.00  15.00  +5.00%  REGRESSION " &&
	summary "1 regressions, 0 improvements, 0 unchanged" &&
	pair spread=10.0 -- spread=14.9 &&
	cmp_ab >out &&
	summary "0 regressions, 0 improvements, 1 unchanged"
'

test_expect_success 'Example 2: higher is better, --threshold' '
	pair iterations=1000 -- iterations=1150 &&
	cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  total_iterations  1000.00  1150.00  +150.00  improvement " &&
	cmp_ab --threshold 20 >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	pair iterations=1000 -- iterations=850 &&
	test_expect_code 1 cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  total_iterations  1000.00  850.00  -150.00  REGRESSION "
'

test_expect_success 'Example 3: policy precedence' '
	pair gap=1000 -- gap=1600 &&
	test_expect_code 1 cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_gap_ms  1000.00  1600.00  +600.00ms  REGRESSION " &&
	echo "{\"per_metric_percent\":{\"worst_gap_ms\":70}}" >p1.json &&
	cmp_ab --policy p1.json >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	echo "{\"default_percent\":70}" >p2.json &&
	cmp_ab --policy p2.json >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	echo "{\"default_percent\":70,\"per_metric_percent\":{\"worst_gap_ms\":55}}" >p3.json &&
	test_expect_code 1 cmp_ab --policy=p3.json >out &&
	summary "1 regressions, 0 improvements, 0 unchanged" &&
	test_expect_code 1 cmp_ab --threshold 0 >out &&
	summary "1 regressions, 0 improvements, 0 unchanged" &&
	echo "[70]" >p4.json &&
	cmp_ab --policy p4.json >out &&
	summary "0 regressions, 0 improvements, 1 unchanged"
'

# An empty map once reached qsort(NULL, 0): under UBSan (make check-asan)
# that was exit 1, a "regression" to a CI gate.
test_expect_success 'an empty per-metric map is no map: the default gates decide' '
	cmp_ab >plain 2>plain.err;
	want=$? &&
	echo "{\"per_metric_percent\":{}}" >p5.json &&
	test_expect_code $want cmp_ab --policy p5.json >out 2>err &&
	test_cmp plain out &&
	echo "[null, {}]" >p6.json &&
	test_expect_code $want cmp_ab --policy p6.json >out 2>err &&
	test_cmp plain out
'

test_expect_success 'Example 3: an unknown metric in a policy names file and metric' '
	echo "{\"per_metric_percent\":{\"wrost_gap_ms\":70}}" >bad.json &&
	test_must_fail cmp_ab --policy bad.json >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: validate comparison policy from bad.json: ComparisonPolicy: per_metric_percent contains unknown metric \`wrost_gap_ms\`. A typo in the key would silently fall through to default_percent. Registered metrics: worst_spread, worst_gap_ms, total_migrations, worst_migration_ratio, max_imbalance_ratio, max_dsq_depth, stall_count, total_fallback, total_keep_last, worst_p99_wake_latency_us, worst_median_wake_latency_us, worst_wake_latency_cv, total_iterations, worst_mean_run_delay_us, worst_run_delay_us, worst_wake_latency_tail_ratio, worst_iterations_per_worker, worst_page_locality, worst_cross_node_migration_ratio" >expect &&
	test_cmp expect err
'

test_expect_success 'Example 3: a negative default_percent' '
	echo "{\"default_percent\":-5}" >neg.json &&
	test_must_fail cmp_ab --policy neg.json 2>err &&
	echo "ktstr-compare: validate comparison policy from neg.json: ComparisonPolicy: default_percent must be non-negative; got -5. Thresholds are absolute-value comparisons — a negative value would invert the dual-gate logic and silently classify every delta as significant." >expect &&
	test_cmp expect err &&
	test_must_fail cmp_ab --threshold=-10 2>err &&
	echo "ktstr-compare: ComparisonPolicy: default_percent must be non-negative; got -10. Thresholds are absolute-value comparisons — a negative value would invert the dual-gate logic and silently classify every delta as significant." >expect &&
	test_cmp expect err &&
	test_must_fail cmp_ab --threshold -0.0000001 2>err &&
	grep -q "got -0.0000001\\. Thresholds" err
'

test_expect_success 'policy files: malformed JSON with line:col, unreadable, wrong types' '
	printf "{\n  \"default_percent\": 5,\n}\n" >trail.json &&
	test_must_fail cmp_ab --policy trail.json 2>err &&
	grep -q "^ktstr-compare: parse comparison policy from trail.json: .* at line 3 column [0-9]*\$" err &&
	test_must_fail cmp_ab --policy missing.json 2>err &&
	echo "ktstr-compare: read comparison policy from missing.json: No such file or directory (os error 2)" >expect &&
	test_cmp expect err &&
	: >empty.json &&
	test_must_fail cmp_ab --policy empty.json 2>err &&
	grep -q "^ktstr-compare: parse comparison policy from empty.json: " err &&
	echo "{\"default_percent\":\"5\"}" >str.json &&
	test_must_fail cmp_ab --policy str.json 2>err &&
	grep -q "^ktstr-compare: parse comparison policy from str.json: invalid type: string \"5\", expected f64 at line 1 column 20\$" err &&
	echo "{\"default\":5}" >key.json &&
	test_must_fail cmp_ab --policy key.json 2>err &&
	grep -q "unknown field \`default\`" err
'

test_expect_success 'Example 4: gates that suppress, zero baselines' '
	pair p99=100.0 -- p99=140.0 &&
	cmp_ab >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	pair p99=0.0 -- p99=500.0 &&
	test_expect_code 1 cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_p99_wake_latency_us  0.00  500.00  +500.00µs  REGRESSION " &&
	test_expect_code 1 cmp_ab --threshold 1000 >out &&
	pair p99=0.0 -- p99=40.0 &&
	cmp_ab >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	pair -- &&
	cmp_ab >out &&
	summary "0 regressions, 0 improvements, 0 unchanged"
'

test_expect_success 'Example 4: the tail-ratio gate reads each side at its own iterations' '
	pair tail=1.5 iterations=100 -- tail=2.5 iterations=100 &&
	test_expect_code 1 cmp_ab >out &&
	finding " steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_wake_latency_tail_ratio  1.50  2.50  +1.00x  REGRESSION " &&
	pair tail=1.5 iterations=99 -- tail=2.5 iterations=99 &&
	cmp_ab >out &&
	summary "0 regressions, 0 improvements, 1 unchanged" &&
	pair tail=1.5 iterations=50 -- tail=2.5 iterations=500 &&
	test_expect_code 1 cmp_ab >out &&
	sed -n "5,6p" out >actual &&
	cat >expect <<-\EOF &&
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  total_iterations               50.00  500.00  +450.00  improvement 
	 steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/  worst_wake_latency_tail_ratio  0.00   2.50    +2.50x   REGRESSION  
	EOF
	test_cmp expect actual
'

test_expect_success 'usage errors exit 2 with nothing on stdout' '
	pair spread=1.0 -- spread=2.0 &&
	for args in "--threshold 5 --policy p1.json" "--policy p1.json --threshold 5" \
		"--threshold abc" "--threshold=" "--threshold 0x10" "--threshold 5 --threshold 6" \
		"-E a -E b" "--no-average --no-average" "--color=bright" "--color=never --color=never" \
		"--dir a --dir b" "--bogus" "--a-kernel" "--list-metrics pool" "--list-metrics --a-kernel 1" \
		"--list-values --kernel 6.14" "--analyze --json" "--list-values --analyze" \
		"--analyze --threshold 5"
	do
		test_must_fail cmp_ab $args >out 2>err &&
		test_cmp /dev/null out &&
		grep -q "^ktstr-compare: " err || { echo "for: $args"; return 1; }
	done
'

test_expect_success 'float syntax of --threshold' '
	pair spread=10.0 -- spread=15.0 &&
	for t in 10 +10 .5 5. 1e1 inf Infinity nan NaN; do
		cmp_ab --threshold $t >/dev/null
		test $? -lt 2 || { echo "rejected: $t"; return 1; }
	done &&
	test_expect_code 1 cmp_ab --threshold NaN >out &&
	summary "1 regressions, 0 improvements, 0 unchanged" &&
	cmp_ab --threshold inf >out &&
	summary "0 regressions, 0 improvements, 1 unchanged"
'

test_expect_success 'bad streams: reported per line, the rest is read; nothing valid is exit 2' '
	pair spread=10.0 -- spread=20.0 &&
	{
		tr -d "\n" <pool/a.ktstr.json && echo &&
		echo "{\"not\": \"a sidecar\"}" &&
		echo "{truncated" &&
		echo &&
		tr -d "\n" <pool/b.ktstr.json && echo
	} >stream &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 <stream >out 2>err &&
	summary "1 regressions, 0 improvements, 0 unchanged" &&
	grep -c "^ktstr-compare: skipping <stdin>:[23]: " err >count &&
	echo 2 >expect && test_cmp expect count &&
	printf "garbage\nmore garbage\n" >junk &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 junk >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: skipping junk: " err &&
	grep -q "^ktstr-compare: no sidecar data found in junk\\. " err &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 nonexistent 2>err &&
	grep -q "^ktstr-compare: cannot read nonexistent: No such file or directory (os error 2)\$" err
'

test_done
