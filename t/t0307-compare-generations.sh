#!/bin/sh
# ktstr-compare over sidecars of every upstream generation, as one pool:
# the dimensions a pool carries, the registry of its newest generation,
# a newest run paired with a 0.4.9 one, what is never compared.
. "${0%/*}/lib.sh"

GEN=$FIXTURES/generations

test_expect_success 'setup' '
	cp -R "$GEN" gen
'

test_expect_success 'a 0.4.9 run and a newest one pair: a roll-up 0.4.9 stores typed, the newest in ext_metrics' '
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, cpu-budget, flags
	averaged across 2 runs (6.14) and 2 runs (7.0)
	 TEST                                                          METRIC                     6.14   7.0     DELTA      VERDICT    
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234//archive/none/  worst_p99_wake_latency_us  84.00  240.00  +156.00µs  REGRESSION 

	summary: 1 regressions, 0 improvements, 0 informational, 14 unchanged
	  13 metric(s) measured on one side only: not compared

	per-group pass counts (passes_observed/total_observed):
	  cgroup_steady/1n2l2c1t/SpinWait: 6.14=1/1 7.0=1/1
	  mixed_workload_fairness/2n2l2c2t/Mixed: 6.14=0/1 7.0=1/1
	  1 row(s) new in '"'"'7.0'"'"' (no matching key in '"'"'6.14'"'"')
	  1 row(s) removed from '"'"'6.14'"'"' (no matching key in '"'"'7.0'"'"')

	host delta ('"'"'6.14'"'"' → '"'"'7.0'"'"'):
	  kernel_release: 6.13.7-200.fc41.x86_64 → 6.17.4-200.fc42.x86_64
	  cpu_model: Intel(R) Core(TM) i7-9700K CPU @ 3.60GHz → AMD EPYC 7B13 64-Core Processor
	  cpu_vendor: GenuineIntel → AuthenticAMD
	  total_memory_kb: 32763812 → 131899324
	  hugepages_total: 0 → (unknown)
	  hugepages_free: 0 → (unknown)
	  hugepages_size_kb: 2048 → (unknown)
	  online_cpus: 8 → 16
	  kernel_cmdline: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.13.7-200.fc41.x86_64 root=UUID=3b1f6c2e-8d4a-4c1e-9f0a-2a7d5e6b9c10 ro rhgb quiet → (unknown)
	  cpufreq_governor.cpu0: performance → (absent)
	  cpufreq_governor.cpu1: performance → (absent)
	  cpufreq_governor.cpu2: performance → (absent)
	  cpufreq_governor.cpu3: performance → (absent)
	  cpufreq_governor.cpu4: performance → (absent)
	  cpufreq_governor.cpu5: performance → (absent)
	  cpufreq_governor.cpu6: performance → (absent)
	  cpufreq_governor.cpu7: performance → (absent)
	  sched_tunables.sched_autogroup_enabled: 1 → 0
	  sched_tunables.sched_cfs_bandwidth_slice_us: 5000 → (absent)
	  sched_tunables.sched_deadline_period_max_us: 4194304 → (absent)
	  sched_tunables.sched_deadline_period_min_us: 100 → (absent)
	  sched_tunables.sched_rt_period_us: 1000000 → (absent)
	  sched_tunables.sched_rt_runtime_us: 950000 → (absent)
	  sched_tunables.sched_schedstats: 0 → (absent)
	  heap_state: (present) → (unknown)
	EOF
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 >actual 2>err &&
	test_cmp expect actual &&
	grep "^ktstr-compare: warning: .6.14. and .7.0. ran on different hosts" err &&
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 --registry auto \
		>auto 2>/dev/null &&
	test_cmp expect auto
'

test_expect_success '--registry 0.4 gates the mixed pool as 0.4.9 did: what one side lacks reads 0' '
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, cpu-budget, flags
	averaged across 2 runs (6.14) and 2 runs (7.0)
	 TEST                                                          METRIC                     6.14   7.0     DELTA      VERDICT    
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234//archive/none/  worst_p99_wake_latency_us  84.00  240.00  +156.00µs  REGRESSION 
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234//archive/none/  worst_page_locality        1.00   0.00    -1.00      REGRESSION 

	summary: 2 regressions, 0 improvements, 13 unchanged
	EOF
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 --registry 0.4 \
		>actual 2>/dev/null &&
	head -n 8 actual >top &&
	test_cmp expect top &&
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 >newest 2>/dev/null &&
	sed "1,/^summary/d" actual >tail &&
	sed "1,/^  13 metric/d" newest >expect.tail &&
	test_cmp expect.tail tail
'

test_expect_success 'two 0.5.2 runs: seven dimensions, 0.5.2 names and gates' '
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source
	averaged across 3 runs (6.15) and 3 runs (6.16)
	 TEST                                                    METRIC        6.15  6.16   DELTA   VERDICT    
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/1a2b3c4//archive  worst_spread  5.25  11.50  +6.25%  REGRESSION 
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/1a2b3c4//archive  stuck_count   0.00  1.00   +1.00   REGRESSION 

	summary: 2 regressions, 0 improvements, 31 unchanged
	  1 pairing-key row pair(s) skipped because one or both sides failed

	per-group pass counts (passes_observed/total_observed):
	  cgroup_steady/1n2l2c1t/SpinWait: 6.15=1/1 6.16=1/1
	  mixed_workload_fairness/2n2l2c2t/Mixed: 6.15=1/1 6.16=1/1
	  numa_spread/2n4l2c1t/skipped: 6.15=0/1 6.16=0/1

	host: identical between '"'"'6.15'"'"' and '"'"'6.16'"'"' (arch: x86_64)
	EOF
	test_expect_code 1 ktstr-compare --dir gen/g1 --a-kernel 6.15 --b-kernel 6.16 >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	test_expect_code 1 ktstr-compare --dir gen/g1 --a-kernel 6.15 --b-kernel 6.16 --registry 0.5 >named &&
	test_cmp expect named
'

test_expect_success 'two newest runs: the cpu-budget dimension, a regression kept in ext_metrics' '
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, cpu-budget
	averaged across 2 runs (6.14) and 3 runs (6.15)
	 TEST                                                             METRIC                     6.14   6.15    DELTA     VERDICT    
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234/e5f6a7b/archive/4  worst_p99_wake_latency_us  83.00  160.00  +77.00µs  REGRESSION 

	summary: 1 regressions, 0 improvements, 0 informational, 15 unchanged
	  1 pairing-key row pair(s) skipped because one or both sides failed

	per-group pass counts (passes_observed/total_observed):
	  cgroup_steady/1n2l2c1t/SpinWait: 6.14=1/1 6.15=1/1
	  numa_spread/2n4l4c2t/SpinWait: 6.14=0/1 6.15=0/1
	  performance_mode_cgroup_steps/1n1l2c1t/SpinWait: 6.14=- 6.15=1/1
	  1 row(s) new in '"'"'6.15'"'"' (no matching key in '"'"'6.14'"'"')

	host: identical between '"'"'6.14'"'"' and '"'"'6.15'"'"' (arch: x86_64)
	EOF
	test_expect_code 1 ktstr-compare --dir gen/g2 --a-kernel 6.14 --b-kernel 6.15 >actual 2>err &&
	test_cmp expect actual &&
	grep "^  - project: abc1234-dirty" err
'

test_expect_success 'a pool of 0.4.9 runs: the 0.4.9 registry, the eight dimensions of 0.4.9' '
	ktstr-compare --dir "$FIXTURES/sidecars" --a-kernel 6.14 --b-kernel 7.0 >auto 2>/dev/null &&
	ktstr-compare --dir "$FIXTURES/sidecars" --a-kernel 6.14 --b-kernel 7.0 --registry 0.4 \
		>named 2>/dev/null &&
	test_cmp auto named &&
	grep "^pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags$" auto &&
	grep "^summary: [0-9]* regressions, [0-9]* improvements, [0-9]* unchanged$" auto
'

test_expect_success 'CpuSpin and SpinWait are one work type to a filter' '
	test_expect_code 1 ktstr-compare --dir gen/mixed --work-type CpuSpin --a-kernel 6.14 --b-kernel 7.0 >a 2>/dev/null &&
	test_expect_code 1 ktstr-compare --dir gen/mixed --work-type SpinWait --a-kernel 6.14 --b-kernel 7.0 >b 2>/dev/null &&
	test_cmp a b &&
	grep "worst_p99_wake_latency_us" a
'

test_expect_success 'a pool with a newest run names CpuSpin SpinWait in every table; a 0.4.9 pool keeps CpuSpin' '
	cat >wt.expect <<-\EOF &&
	By work_type:
	  Mixed                     1/2 passed (0 skipped, 1 failed)  avg_spread=26.5%  avg_gap=212ms  imbal=4.0  dsq=12  fallback=156
	  SpinWait                  2/2 passed (0 skipped, 0 failed)  avg_spread=5.2%  avg_gap=14ms  imbal=1.5  dsq=2
	EOF
	ktstr-compare --analyze --dir gen/mixed >wt.out &&
	sed -n "/^By work_type:/,/^\$/p" wt.out | sed "/^\$/d" >wt.actual &&
	test_cmp wt.expect wt.actual &&
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 --json \
		>wt.json 2>/dev/null &&
	! grep CpuSpin wt.json &&
	cat >wt.expect <<-\EOF &&
	By work_type:
	  Mixed                     0/1 passed (0 skipped, 1 failed)  avg_spread=26.5%  avg_gap=212ms  imbal=4.0  dsq=12  fallback=311
	  CpuSpin                   1/1 passed (0 skipped, 0 failed)  avg_spread=5.2%  avg_gap=14ms  imbal=1.5
	EOF
	mkdir -p wt.old/6.14-abc1234 &&
	cp gen/mixed/6.14-abc1234/*.json wt.old/6.14-abc1234/ &&
	ktstr-compare --analyze --dir wt.old >wt.out &&
	sed -n "/^By work_type:/,/^\$/p" wt.out | sed "/^\$/d" >wt.actual &&
	test_cmp wt.expect wt.actual &&
	ktstr-compare --list-values --dir wt.old >wt.values &&
	grep "^  CpuSpin\$" wt.values &&
	! grep SpinWait wt.values
'

test_expect_success 'a run on a budget of 4 CPUs pairs with a budget-less one only where cpu-budget slices' '
	test_expect_code 1 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 >mixed 2>/dev/null &&
	grep "^  1 row(s) new in .7.0. (no matching key in .6.14.)$" mixed &&
	grep "^  1 row(s) removed from .6.14. (no matching key in .7.0.)$" mixed &&
	cat >expect <<-\EOF &&
	slicing dimensions: kernel, cpu-budget
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 2 runs (6.14:A) and 1 runs (7.0:4)
	 TEST  METRIC  6.14:A  7.0:4  DELTA  VERDICT 

	summary: 0 regressions, 0 improvements, 0 informational, 0 unchanged
	  1 pairing-key row pair(s) skipped because one or both sides failed

	per-group pass counts (passes_observed/total_observed):
	  cgroup_steady/1n2l2c1t/SpinWait: 6.14:A=1/1 7.0:4=-
	  mixed_workload_fairness/2n2l2c2t/Mixed: 6.14:A=0/1 7.0:4=1/1
	  1 row(s) removed from '"'"'6.14:A'"'"' (no matching key in '"'"'7.0:4'"'"')

	host: identical between '"'"'6.14:A'"'"' and '"'"'7.0:4'"'"' (arch: x86_64)
	EOF
	ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-kernel 7.0 --b-cpu-budget 4 >actual 2>err &&
	test_cmp expect actual &&
	echo "ktstr-compare: warning: slicing on 2 dimensions [kernel, cpu-budget]; results compress multiple axes into a single A/B contrast." >expect &&
	test_cmp expect err
'

test_expect_success 'a cpu-budget value is a number of CPUs or none, and 0 is none' '
	test_expect_code 2 ktstr-compare --dir gen/mixed --a-cpu-budget none --b-cpu-budget 0 2>err &&
	grep "^ktstr-compare: A and B select identical rows" err &&
	test_expect_code 2 ktstr-compare --dir gen/mixed --cpu-budget x 2>err &&
	head -n 1 err >first &&
	echo "ktstr-compare: invalid value '"'"'x'"'"' for '"'"'--cpu-budget'"'"': expected a number of CPUs or none" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ktstr-compare --dir gen/mixed --b-cpu-budget 4294967296 2>err &&
	grep "^ktstr-compare: invalid value .4294967296. for .--b-cpu-budget.: expected a number of CPUs or none$" err &&
	test_expect_code 2 ktstr-compare --dir gen/mixed --a-kernel 6.14 --b-cpu-budget 8 2>err &&
	tail -n 1 err >hint &&
	echo "hint: --cpu-budget \`8\` not found in pool; distinct budgets present: \`4\`, \`none\`." >expect &&
	test_cmp expect hint
'

# newest A B SED-A SED-B: the newest cgroup_steady as run A, and on 6.15.0 as run B.
newest() {
	f=gen/g2/6.14.2-abc1234/cgroup_steady-9ae94dc0bc46fd51.ktstr.json &&
	mkdir -p "r/$1" "r/$2" &&
	sed -e "$3" $f >"r/$1/${f##*/}" &&
	sed -e "s/\"6.14.2\"/\"6.15.0\"/" -e "$4" $f >"r/$2/${f##*/}"
}

test_expect_success 'an informational metric is shown, never gated; a throughput rate across denominations is not compared' '
	newest 6.14.2-d 6.15.0-d "s/\"total_cpu_time_sec\": 19.588888888,/& \"total_hardirqs\": 100, \"iteration_rate\": 50,/" \
		"s/\"total_cpu_time_sec\": 19.588888888,/& \"total_hardirqs\": 5000, \"iteration_rate\": 40,/;s/\"throughput_denomination\": \"cpu_sec\"/\"throughput_denomination\": \"wall\"/" &&
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, cpu-budget
	averaged across 1 runs (6.14) and 1 runs (6.15)
	 TEST                                                             METRIC          6.14    6.15     DELTA     VERDICT       
	 cgroup_steady/eevdf/1n2l2c1t/SpinWait/abc1234/e5f6a7b/archive/4  total_hardirqs  100.00  5000.00  +4900.00  informational 

	summary: 0 regressions, 0 improvements, 1 informational, 16 unchanged
	  1 metric(s) not compared: the throughput denomination differs

	per-group pass counts (passes_observed/total_observed):
	  cgroup_steady/1n2l2c1t/SpinWait: 6.14=1/1 6.15=1/1

	host: identical between '"'"'6.14'"'"' and '"'"'6.15'"'"' (arch: x86_64)
	EOF
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-d r/6.15.0-d >actual &&
	test_cmp expect actual &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --json r/6.14.2-d r/6.15.0-d >json &&
	grep "\"metric\":\"total_hardirqs\".*\"verdict\":\"informational\"}$" json &&
	tail -n 1 json | grep "\"informational\":1,\"unchanged\":16,.*\"one_sided\":0,\"denomination_differs\":1}$"
'

test_expect_success 'an expected failure is never compared' '
	newest 6.14.2-a 6.15.0-a "" "s/\"expected_failure\": false/\"expected_failure\": true/;s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-a r/6.15.0-a >out &&
	grep "^summary: 0 regressions, 0 improvements, 0 informational, 0 unchanged$" out &&
	grep "^  1 pairing-key row pair(s) skipped because one or both sides failed$" out
'

test_expect_success 'an inconclusive run is never compared, nor a skip that did not pass' '
	newest 6.14.2-b 6.15.0-b "" "s/\"inconclusive\": false/\"inconclusive\": true/;s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-b r/6.15.0-b >out &&
	grep "^  1 pairing-key row pair(s) skipped because one or both sides failed$" out &&
	newest 6.14.2-c 6.15.0-c "" "s/\"worst_spread\": 5.25/\"worst_spread\": 50.0/" &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 r/6.14.2-c r/6.15.0-c >out &&
	grep " worst_spread  5.25  50.00  +44.75%  REGRESSION" out
'

test_expect_success 'a policy names metrics of the registry in force; stall_count is stuck_count' '
	echo "{\"per_metric_percent\":{\"stall_count\":10}}" >old.json &&
	echo "{\"per_metric_percent\":{\"avg_nr_running\":10}}" >new.json &&
	test_expect_code 1 ktstr-compare --dir gen/g1 --a-kernel 6.15 --b-kernel 6.16 --policy old.json >/dev/null &&
	test_expect_code 1 ktstr-compare --dir gen/g2 --a-kernel 6.14 --b-kernel 6.15 --policy old.json >/dev/null 2>&1 &&
	test_expect_code 1 ktstr-compare --dir gen/g2 --a-kernel 6.14 --b-kernel 6.15 --policy new.json >/dev/null 2>&1 &&
	test_expect_code 2 ktstr-compare --dir gen/g1 --a-kernel 6.15 --b-kernel 6.16 --policy new.json >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: validate comparison policy from new.json: ComparisonPolicy: per_metric_percent contains unknown metric \`avg_nr_running\`. A typo in the key would silently fall through to default_percent. Registered metrics: worst_spread, worst_gap_ms, total_migrations, worst_migration_ratio, max_imbalance_ratio, max_dsq_depth, stuck_count, total_fallback, total_keep_last, worst_p99_wake_latency_us, worst_median_wake_latency_us, worst_wake_latency_cv, total_iterations, worst_mean_run_delay_us, worst_run_delay_us, worst_wake_latency_tail_ratio, worst_iterations_per_worker, worst_page_locality, worst_cross_node_migration_ratio" >expect &&
	test_cmp expect err
'

test_expect_success '--list-values of 0.5.2 runs: no cpu_budget, no flags' '
	cat >expect <<-\EOF &&
	kernel:
	  6.15.3
	  6.16.0

	commit:
	  1a2b3c4

	kernel_commit:
	  unknown

	source:
	  archive

	scheduler:
	  eevdf
	  scx_lavd
	  scx_rusty

	topology:
	  1n2l2c1t
	  2n2l2c2t
	  2n4l2c1t

	work_type:
	  Mixed
	  SpinWait
	  skipped

	EOF
	ktstr-compare --list-values --dir gen/g1 >actual &&
	test_cmp expect actual
'

test_expect_success '--list-values of newest runs: cpu_budget, no flags' '
	cat >expect <<-\EOF &&
	kernel:
	  6.14.2
	  6.15.0
	  7.0.14

	commit:
	  6be77c7
	  abc1234
	  abc1234-dirty

	kernel_commit:
	  unknown
	  b4dc42d
	  e5f6a7b

	source:
	  archive

	cpu_budget:
	  1
	  4
	  none

	scheduler:
	  eevdf
	  scx-ktstr
	  scx_lavd

	topology:
	  1n1l2c1t
	  1n2l2c1t
	  2n4l4c2t

	work_type:
	  SpinWait

	EOF
	ktstr-compare --list-values --dir gen/g2 >actual &&
	test_cmp expect actual &&
	cat >expect.json <<-\EOF &&
	{
	  "commit": [
	    "6be77c7",
	    "abc1234",
	    "abc1234-dirty"
	  ],
	  "cpu_budget": [
	    "1",
	    "4",
	    "none"
	  ],
	  "kernel": [
	    "6.14.2",
	    "6.15.0",
	    "7.0.14"
	  ],
	  "kernel_commit": [
	    null,
	    "b4dc42d",
	    "e5f6a7b"
	  ],
	  "scheduler": [
	    "eevdf",
	    "scx-ktstr",
	    "scx_lavd"
	  ],
	  "source": [
	    "archive"
	  ],
	  "topology": [
	    "1n1l2c1t",
	    "1n2l2c1t",
	    "2n4l4c2t"
	  ],
	  "work_type": [
	    "SpinWait"
	  ]
	}
	EOF
	ktstr-compare --list-values --json --dir gen/g2 >actual.json &&
	test_cmp expect.json actual.json
'

test_expect_success '--list-values of the mixed tree: both' '
	cat >expect <<-\EOF &&
	kernel:
	  6.14
	  7.0.1

	commit:
	  abc1234

	kernel_commit:
	  unknown

	source:
	  archive

	cpu_budget:
	  4
	  none

	scheduler:
	  eevdf
	  scx_lavd

	topology:
	  1n2l2c1t
	  2n2l2c2t

	work_type:
	  Mixed
	  SpinWait

	flags:
	  (no sidecars in pool)

	EOF
	ktstr-compare --list-values --dir gen/mixed >actual &&
	test_cmp expect actual
'

test_expect_success 'ktstr-compare(1) EXAMPLES: runs of 0.4.9 against the newest, and the budget sliced' '
	cp -R gen/mixed old-runs &&
	test_expect_code 1 ktstr-compare --dir old-runs --a-kernel 6.14 --b-kernel 7.0 >out 2>/dev/null &&
	grep "  worst_p99_wake_latency_us  84.00  240.00  +156.00µs  REGRESSION $" out &&
	ktstr-compare --dir old-runs --a-kernel 6.14 --b-kernel 7.0 --b-cpu-budget 4 >out 2>/dev/null &&
	grep "^slicing dimensions: kernel, cpu-budget$" out
'

test_done
