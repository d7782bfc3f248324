#!/bin/sh
# ktstr-test: what it writes is read by the suite's readers (and, by
# construction, by upstream's): validation, scan, compare, list, host.
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

mkdir -p t
for n in steady burst skipper broken; do
	case $n in skipper) st=77 ;; broken) st=1 ;; *) st=0 ;; esac
	printf '#!/bin/sh\necho "ops 100 ops/s higher" >>"$KTSTR_METRICS"\nexit %s\n' $st >t/$n
	chmod +x t/$n
done

# suite KERNEL: the four tests as one begun run of that kernel.
suite() {
	KTSTR_RUN_ID=run-$1 KTSTR_RUN_DIR=$TRASH/target/ktstr/$1-aaaaaaa \
	KTSTR_PROJECT_COMMIT=aaaaaaa KTSTR_KERNEL_VERSION=$1 KTSTR_KERNEL_COMMIT= \
	KTSTR_RUN_SOURCE=local \
		ktstr-test -q --scheduler scx_demo --topology 1n1l2c1t --flag llc \
		t/steady t/burst t/skipper t/broken 2>/dev/null
}

test_expect_success 'setup: two runs, each passed, skipped and failed tests' '
	test_expect_code 1 suite 6.14 &&
	test_expect_code 1 suite 6.15 &&
	test "$(ls target/ktstr/6.14-aaaaaaa | wc -l)" = 4
'

test_expect_success 'every sidecar passes the validator of lib/sidecar and each generation'\''s checks' '
	ktstr-scan >stream &&
	test "$(wc -l <stream)" = 8 &&
	check_generations target/ktstr/*/*.ktstr.json &&
	for g in G0 G1 G2; do
		ktstr-scan --strict $g >strict &&
		test_cmp stream strict || return 1
	done
'

test_expect_success 'every sidecar: every key, zero stats, one payload invocation' '
	for n in steady burst skipper broken; do
		grep "\"test_name\":\"$n\"" stream | head -1 >l &&
		for k in test_name topology scheduler scheduler_commit project_commit \
			payload metrics passed skipped stats monitor stimulus_events \
			work_type active_flags verifier_stats kvm_stats sysctls kargs \
			kernel_version kernel_commit timestamp run_id host \
			cleanup_duration_ms run_source resolve_source inconclusive \
			expected_failure periodic_fired periodic_target vcpus cpu_budget \
			throughput_denomination perf_delta_assertions; do
			grep -q "\"$k\":" l || { echo "$n: no $k"; return 1; }
		done &&
		grep -q "\"total_workers\":0,\"total_cpus\":0,\"total_migrations\":0,\"worst_spread\":0.0,\"worst_gap_ms\":0," l &&
		grep -q "\"payload_index\":0," l || return 1
	done
'

test_expect_success 'the layout is upstream'\''s: the union of every generation, field for field' '
	KTSTR_SIDECAR_DIR=fx ktstr-test -q -n t --topology 1n1l1c1t --scheduler eevdf -- true &&
	f=$(ls fx/t-*.ktstr.json) &&
	sed -n "1,5p" "$f" >actual &&
	printf "%s\n" "{" "  \"test_name\": \"t\"," "  \"topology\": \"1n1l1c1t\"," \
		"  \"scheduler\": \"eevdf\"," "  \"scheduler_commit\": null," >expect &&
	test_cmp expect actual &&
	sed -n "/^  \"passed\"/,/^  \"work_type\"/p" "$f" >actual &&
	cat >expect <<-\EOF &&
	  "passed": true,
	  "skipped": false,
	  "inconclusive": false,
	  "expected_failure": false,
	  "stats": {
	    "cgroups": [],
	    "total_workers": 0,
	    "total_cpus": 0,
	    "total_migrations": 0,
	    "worst_spread": 0.0,
	    "worst_gap_ms": 0,
	    "worst_gap_cpu": 0,
	    "worst_migration_ratio": 0.0,
	    "total_iterations": 0,
	    "worst_p99_wake_latency_us": 0.0,
	    "worst_median_wake_latency_us": 0.0,
	    "worst_wake_latency_cv": 0.0,
	    "worst_mean_run_delay_us": 0.0,
	    "worst_run_delay_us": 0.0,
	    "worst_page_locality": 0.0,
	    "worst_cross_node_migration_ratio": 0.0,
	    "worst_wake_latency_tail_ratio": 0.0,
	    "worst_iterations_per_worker": 0.0,
	    "ext_metrics": {},
	    "phases": []
	  },
	  "monitor": null,
	  "periodic_fired": 0,
	  "periodic_target": 0,
	  "vcpus": 0,
	  "cpu_budget": 0,
	  "throughput_denomination": "cpu_sec",
	  "stimulus_events": [],
	  "work_type": "SpinWait",
	EOF
	test_cmp expect actual &&
	test "$(tail -c 2 "$f")" = "$(printf "\n}")"
'

# SipHash-1-3 of {"kargs":[],"payload":"true","scheduler":"eevdf","sysctls":[],"topology":"1n1l1c1t","work_type":"SpinWait"}
test_expect_success 'the file name is the newest variant hash; --work-type CpuSpin is SpinWait' '
	ls fx >names &&
	echo t-6aa74c4b6a5c5db8.ktstr.json >expect &&
	test_cmp expect names &&
	KTSTR_SIDECAR_DIR=fx ktstr-test -q -n t --topology 1n1l1c1t --scheduler eevdf \
		--work-type CpuSpin -- true &&
	ls fx >names &&
	test_cmp expect names &&
	grep -q "^  \"work_type\": \"SpinWait\",$" fx/t-6aa74c4b6a5c5db8.ktstr.json
'

test_expect_success ktstr-compare 'ktstr-compare --list-values reads the stream' '
	ktstr-scan --run 6.14-aaaaaaa --run 6.15-aaaaaaa | ktstr-compare --list-values >actual &&
	cat >expect <<-\EOF &&
	kernel:
	  6.14
	  6.15

	commit:
	  aaaaaaa

	kernel_commit:
	  unknown

	source:
	  local

	cpu_budget:
	  none

	scheduler:
	  scx_demo

	topology:
	  1n1l2c1t

	work_type:
	  SpinWait

	flags:
	  llc

	EOF
	test_cmp expect actual
'

test_expect_success ktstr-compare 'ktstr-scan | ktstr-compare compares the two kernels' '
	ktstr-scan --run 6.14-aaaaaaa --run 6.15-aaaaaaa |
		ktstr-compare --a-kernel 6.14 --b-kernel 6.15 >out 2>err;
	test $? -le 1 &&
	grep -q "^slicing dimensions: kernel$" out &&
	grep -q "^per-group pass counts" out &&
	grep -q "steady/1n1l2c1t/SpinWait: 6.14=1/1 6.15=1/1" out
'

test_expect_success ktstr-rundir 'ktstr-rundir --list counts the runs' '
	ktstr-rundir --list --json >out &&
	grep -q "{\"run\":\"6.14-aaaaaaa\",\"tests\":4,\"date\":\"[0-9T:Z-]*\",\"arch\":" out &&
	grep -q "{\"run\":\"6.15-aaaaaaa\",\"tests\":4," out
'

test_expect_success ktstr-hostinfo 'the recorded host is this host' '
	ktstr-hostinfo >live &&
	ktstr-hostinfo --run 6.14-aaaaaaa >recorded &&
	test_cmp live recorded
'

test_expect_success 'man page example: one command with a metric' '
	KTSTR_SIDECAR_DIR=ex ktstr-test -n build_smoke -- sh -c "echo \"throughput 512.5 MB/s higher\" >>\"\$KTSTR_METRICS\"" 2>err &&
	printf "1 passed, 0 failed, 0 skipped\n" >expect &&
	test_cmp expect err &&
	grep -q "\"unit\": \"MB/s\"" ex/build_smoke-*.ktstr.json
'

test_expect_success 'man page example: files two at a time, listed' '
	mkdir -p ex2/t &&
	for n in a b c; do
		printf "#!/bin/sh\nexit 0\n" >ex2/t/$n.t && chmod +x ex2/t/$n.t || return 1
	done &&
	(cd ex2 && KTSTR_SIDECAR_DIR=sd ktstr-test -j 2 --json --quiet t/*.t >../out) &&
	test "$(grep -c "\"verdict\":\"passed\"" out)" = 3
'

test_expect_success ktstr-rundir 'man page example: one run over many processes' '
	rm -rf target &&
	vars=$(KTSTR_KERNEL=6.14 ktstr-rundir --begin) && eval "$vars" &&
	for t in t/steady t/burst; do ktstr-test -q "$t" || return 1; done &&
	test "$(ls "$KTSTR_RUN_DIR" | wc -l)" = 2 &&
	ktstr-scan --newest | ktstr-compare --analyze >out &&
	grep -q "^  steady  *1/1 passed" out &&
	grep -q "^  burst  *1/1 passed" out
'

test_done
