#!/bin/sh
# ktstr-scan over sidecars of every upstream generation: 0.4.9 (G0),
# 0.5.2 (G1) and the newest (G2); --strict GEN; --explain's generation lines.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

GEN=$FIXTURES/generations

# walk_order ROOT: the sidecars of a runs root in walk order (runs sorted, files sorted).
walk_order() {
	(cd "$1" && find . -name "*.ktstr.json" | sed "s|^\./||" | LC_ALL=C sort)
}

# streamed ROOT: the stream ktstr-scan --dir ROOT must write.
streamed() {
	walk_order "$1" | while read -r f; do
		stream_line "$1/$f" "$1/$f" "\"${f%%/*}\"" archive
	done
}

test_expect_success 'setup' '
	cp -R "$GEN" gen
'

for g in g1 g2 mixed; do
	test_expect_success "the $g tree streams, each file's own members unchanged" "
		ktstr-scan --dir gen/$g >actual &&
		streamed gen/$g >expect &&
		test_cmp expect actual
	"
done

G1=gen/g1/6.15-1a2b3c4
G2=gen/g2/6.14.2-abc1234

test_expect_success '--strict G1 takes 0.5.2 files, --strict G0 refuses them as 0.4.9 would' '
	ktstr-scan --strict G1 --dir gen/g1 >actual &&
	streamed gen/g1 >expect &&
	test_cmp expect actual &&
	test_expect_code 1 ktstr-scan --strict 0.4.9 $G1 >out 2>err &&
	must_be_empty out &&
	cat >expect <<-EOF &&
	ktstr-scan: skipping $G1/cgroup_steady-9ae94dc0bc46fd51.ktstr.json: missing field \`wake_latency_tail_ratio\` at line 33 column 7
	ktstr-scan: skipping $G1/mixed_workload_fairness-b175ff7257f53bfc.ktstr.json: missing field \`wake_latency_tail_ratio\` at line 33 column 7
	ktstr-scan: skipping $G1/numa_spread-b0bcf2b4ec931b46.ktstr.json: missing field \`active_flags\` at line 90 column 1
	ktstr-scan: 3 of 3 sidecar files skipped
	EOF
	test_cmp expect err
'

test_expect_success '--strict G2 takes the newest files, --strict G1 refuses them' '
	ktstr-scan --strict G2 --dir gen/g2 >actual &&
	streamed gen/g2 >expect &&
	test_cmp expect actual &&
	test_expect_code 1 ktstr-scan --strict G1 $G2 >out 2>err &&
	must_be_empty out &&
	cat >expect <<-EOF &&
	ktstr-scan: skipping $G2/cgroup_steady-9ae94dc0bc46fd51.ktstr.json: missing field \`worst_p99_wake_latency_us\` at line 109 column 3
	ktstr-scan: skipping $G2/numa_spread-04a90818e0f59314.ktstr.json: missing field \`worst_p99_wake_latency_us\` at line 26 column 3
	ktstr-scan: skipping $G2/performance_mode_cgroup_steps-584d14e685dfa532.ktstr.json: missing field \`worst_p99_wake_latency_us\` at line 203 column 3
	ktstr-scan: 3 of 3 sidecar files skipped
	EOF
	test_cmp expect err
'

test_expect_success 'a mixed tree: --strict G0 keeps the 0.4.9 run only' '
	test_expect_code 1 ktstr-scan --strict G0 --dir gen/mixed >actual 2>err &&
	streamed gen/mixed | grep "\"_run\":\"6.14-abc1234\"" >expect &&
	test_cmp expect actual &&
	tail -n 1 err >last &&
	echo "ktstr-scan: 2 of 4 sidecar files skipped" >expect &&
	test_cmp expect last
'

test_expect_success '--strict: an unknown generation, twice, or with --explain is a usage error' '
	test_expect_code 2 ktstr-scan --strict G3 --dir gen/g1 >out 2>err &&
	must_be_empty out &&
	head -n 1 err >first &&
	echo "ktstr-scan: invalid value '"'"'G3'"'"' for '"'"'--strict'"'"': expected G0, G1 or G2" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ktstr-scan --strict G0 --strict G1 --dir gen/g1 >out 2>err &&
	must_be_empty out &&
	test_expect_code 2 ktstr-scan --strict G0 --explain --dir gen/g1 --run 6.15-1a2b3c4 >out 2>err &&
	must_be_empty out
'

test_expect_success '--explain names each file'"'"'s generation and the defaults a reader applies' '
	ktstr-scan --explain --dir gen/g1 --run 6.15-1a2b3c4 >actual &&
	grep "^  generation\|^  defaults\|^  work_type\|^test:" actual >lines &&
	cat >expect <<-\EOF &&
	test: cgroup_steady
	  generation: G1 (0.5.2); valid for: G1
	  defaults (15): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.phases [], monitor.stuck_count from stuck_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	test: mixed_workload_fairness
	  generation: G1 (0.5.2); valid for: G1
	  defaults (15): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.phases [], monitor.stuck_count from stuck_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	test: numa_spread
	  generation: G1 (0.5.2); valid for: G1
	  defaults (10): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.phases []
	EOF
	test_cmp expect lines
'

test_expect_success '--explain: a 0.4.9 file, its renamed work type, and the newest files' '
	ktstr-scan --explain --dir gen/mixed --run 6.14-abc1234 >actual &&
	grep -A3 "^  arch" actual | grep "^  generation\|^  work_type" >lines &&
	cat >expect <<-\EOF &&
	  generation: G0 (0.4.9); valid for: G0
	  work_type: CpuSpin, read as SpinWait
	  generation: G0 (0.4.9); valid for: G0
	EOF
	test_cmp expect lines &&
	ktstr-scan --explain --dir gen/g2 --run 6.14.2-abc1234 >actual &&
	grep "^  generation\|^  defaults" actual >lines &&
	cat >expect <<-\EOF &&
	  generation: G2 (newest); valid for: G2
	  defaults (0): <none>
	  generation: G2 (newest); valid for: G2
	  defaults (0): <none>
	  generation: G2 (newest); valid for: G2
	  defaults (0): <none>
	EOF
	test_cmp expect lines
'

test_expect_success '--explain --json counts the files of each generation and each default' '
	ktstr-scan --explain --json --dir gen/g1 --run 6.15-1a2b3c4 >actual &&
	sed -n "/^  \"_generations\"/,/^  \"fields\"/p" actual >got &&
	cat >expect <<-\EOF &&
	  "_generations": {
	    "G0": 0,
	    "G1": 3,
	    "G2": 0
	  },
	  "_defaults": {
	    "cpu_budget": 3,
	    "expected_failure": 3,
	    "inconclusive": 3,
	    "monitor.avg_irq_util": 2,
	    "monitor.max_avg_irq_util": 2,
	    "monitor.psi_irq_full_avg10": 2,
	    "monitor.stuck_count": 2,
	    "monitor.total_irq_pressure_us": 2,
	    "perf_delta_assertions": 3,
	    "periodic_fired": 3,
	    "periodic_target": 3,
	    "resolve_source": 3,
	    "stats.phases": 3,
	    "throughput_denomination": 3,
	    "vcpus": 3
	  },
	  "fields": {
	EOF
	test_cmp expect got
'

# broken FILE NAME SED: a copy of FILE under r/NAME with SED applied.
broken() {
	mkdir -p r && sed "$3" "$1" >"r/$2"
}

# one_error NAME MESSAGE: scanning r/NAME skips it with exactly MESSAGE.
one_error() {
	test_expect_code 1 ktstr-scan "r/$1" >out 2>err &&
	must_be_empty out &&
	printf "%s\n" "ktstr-scan: skipping r/$1: $2" "ktstr-scan: 1 of 1 sidecar files skipped" >expect &&
	test_cmp expect err
}

C2=$G2/cgroup_steady-9ae94dc0bc46fd51.ktstr.json
C1=$G1/cgroup_steady-9ae94dc0bc46fd51.ktstr.json
M2=gen/mixed/7.0-abc1234/cgroup_steady-9ae94dc0bc46fd51.ktstr.json

test_expect_success 'malformed newest files: one line each' '
	broken $C2 a.ktstr.json "s/\"inconclusive\": false/\"inconclusive\": null/" &&
	one_error a.ktstr.json "invalid type: null, expected a boolean at line 12 column 22" &&
	broken $C2 b.ktstr.json "s/\"cpu_budget\": 4/\"cpu_budget\": -4/" &&
	one_error b.ktstr.json "invalid value: integer \`-4\`, expected u32 at line 114 column 18" &&
	broken $C2 c.ktstr.json "s/\"cpu_sec\"/\"gpu_sec\"/" &&
	one_error c.ktstr.json "unknown variant \`gpu_sec\`, expected one of \`wall\`, \`cpu_sec\` at line 116 column 38" &&
	broken $M2 d.ktstr.json "s/\"stuck_count\": 0/\"stuck_count\": 0.5/" &&
	one_error d.ktstr.json "invalid type: floating point \`0.5\`, expected usize at line 114 column 22" &&
	broken $C2 e.ktstr.json "/\"test_name\"/d" &&
	one_error e.ktstr.json "missing field \`test_name\` at line 145 column 1" &&
	broken $C2 f.ktstr.json "s/\"cgroup_name\": \"cg_0\"/\"cgroup_name\": 0/" &&
	one_error f.ktstr.json "invalid type: integer \`0\`, expected a string at line 17 column 24"
'

test_expect_success 'malformed 0.5.2 files: one line each' '
	broken $C1 g.ktstr.json "s/\"stuck_detected\": false/\"stuck_detected\": \"no\"/" &&
	one_error g.ktstr.json "invalid type: string \"no\", expected a boolean at line 79 column 26" &&
	broken $C1 h.ktstr.json "s/\"ext_metrics\": {}/\"ext_metrics\": null/" &&
	one_error h.ktstr.json "invalid type: null, expected a map at line 32 column 27"
'

test_expect_success 'a NUL in a test name is refused, not cut (two names would pair as one)' '
	broken $C2 n.ktstr.json "s/\"test_name\": \"cgroup_steady\"/\"test_name\": \"cgroup\\\\u0000steady\"/" &&
	one_error n.ktstr.json "invalid value: NUL byte in field \`test_name\`, expected a string without NUL at line 2 column 35" &&
	broken $C2 w.ktstr.json "s/\"work_type\": \"SpinWait\"/\"work_type\": \"Spin\\\\u0000Wait\"/" &&
	one_error w.ktstr.json "invalid value: NUL byte in field \`work_type\`, expected a string without NUL at line 118 column 31"
'

test_done
