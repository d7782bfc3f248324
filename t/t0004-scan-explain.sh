#!/bin/sh
# ktstr-scan --explain [--json]: the optional-field report of a run.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

SC='no SchedulerSpec variant currently exposes a reliable commit source — reserved on the schema for future enrichment (e.g. --version probe or ELF-note read on the resolved scheduler binary)'
PL='test declared no binary payload (scheduler-only test or pure-scenario test that never invokes ctx.payload(...))'

test_expect_success 'setup' '
	copy_runs runs &&
	touch -d "2025-03-14 09:30" runs/6.14-abc1234 &&
	touch -d "2025-03-14 11:05" runs/6.14-abc1234-dirty &&
	touch -d "2025-04-02 03:20" runs/7.0-def5678
'

test_expect_success 'text report of a run with a corrupt sidecar' '
	ktstr-scan --explain --dir runs --run 6.14-abc1234-dirty >actual 2>err &&
	cat >expect <<-EOF &&
	walked 4 sidecar file(s), parsed 3 valid

	test: cgroup_steady
	  topology: 1n2l2c1t
	  scheduler: eevdf
	  run_id: 20250314T110240Z-0
	  arch: x86_64
	  generation: G0 (0.4.9); valid for: G0
	  work_type: CpuSpin, read as SpinWait
	  defaults (16): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.ext_metrics {}, stats.phases [], monitor.stuck_count from stall_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	  populated optional fields (8): project_commit, monitor, kvm_stats, kernel_version, kernel_commit, host, cleanup_duration_ms, run_source
	  none fields (2):
	    scheduler_commit [expected]
	      - $SC
	    payload [expected]
	      - $PL

	test: cgroup_steady
	  topology: 1n2l2c1t
	  scheduler: scx_rusty
	  run_id: 20250314T110240Z-1
	  arch: x86_64
	  generation: G0 (0.4.9); valid for: G0
	  work_type: CpuSpin, read as SpinWait
	  defaults (16): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.ext_metrics {}, stats.phases [], monitor.stuck_count from stall_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	  populated optional fields (8): project_commit, monitor, kvm_stats, kernel_version, kernel_commit, host, cleanup_duration_ms, run_source
	  none fields (2):
	    scheduler_commit [expected]
	      - $SC
	    payload [expected]
	      - $PL

	test: fio_randread
	  topology: 1n1l2c1t
	  scheduler: eevdf
	  run_id: 20250314T110240Z-2
	  arch: x86_64
	  generation: G0 (0.4.9); valid for: G0
	  work_type: CpuSpin, read as SpinWait
	  defaults (16): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.ext_metrics {}, stats.phases [], monitor.stuck_count from stall_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	  populated optional fields (9): project_commit, payload, monitor, kvm_stats, kernel_version, kernel_commit, host, cleanup_duration_ms, run_source
	  none fields (1):
	    scheduler_commit [expected]
	      - $SC

	corrupt sidecars (1):
	  runs/$BAD
	    error: $BADMSG

	EOF
	test_cmp expect actual &&
	echo "ktstr-scan: skipping runs/$BAD: $BADMSG" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a sidecar with every optional field null, and io errors' '
	mkdir -p runs/bare runs/bare/sub/x.ktstr.json &&
	cat >runs/bare/t-55f6b9881e152f8c.ktstr.json <<-\EOF &&
	{"test_name": "t", "topology": "1n1l1c1t", "scheduler": "eevdf", "metrics": [],
	 "passed": true, "skipped": false,
	 "stats": {"cgroups": [], "total_workers": 0, "total_cpus": 0, "total_migrations": 0,
	  "worst_spread": 0, "worst_gap_ms": 0, "worst_gap_cpu": 0, "worst_migration_ratio": 0,
	  "worst_p99_wake_latency_us": 0, "worst_median_wake_latency_us": 0,
	  "worst_wake_latency_cv": 0, "total_iterations": 0, "worst_mean_run_delay_us": 0,
	  "worst_run_delay_us": 0, "worst_page_locality": 0, "worst_cross_node_migration_ratio": 0,
	  "worst_wake_latency_tail_ratio": 0, "worst_iterations_per_worker": 0},
	 "stimulus_events": [], "work_type": "CpuSpin", "active_flags": [], "verifier_stats": [],
	 "sysctls": [], "kargs": [], "timestamp": "", "run_id": "", "host": {"arch": null},
	 "source": "ci"}
	EOF
	ktstr-scan --explain --dir runs --run bare >actual 2>err &&
	cat >expect <<-EOF &&
	walked 2 sidecar file(s), parsed 1 valid

	test: t
	  topology: 1n1l1c1t
	  scheduler: eevdf
	  run_id: 
	  arch: -
	  generation: G0 (0.4.9); valid for: G0, G1
	  work_type: CpuSpin, read as SpinWait
	  defaults (20): scheduler_commit none, resolve_source none, project_commit none, payload none, inconclusive false, expected_failure false, monitor none, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, kvm_stats none, kernel_version none, kernel_commit none, cleanup_duration_ms none, run_source none, perf_delta_assertions [], stats.ext_metrics {}, stats.phases []
	  populated optional fields (1): host
	  none fields (9):
	    scheduler_commit [expected]
	      - $SC
	    project_commit [actionable]
	      - current_dir() could not be resolved at sidecar-write time (process cwd was rmdir'\''d while alive)
	      - test process cwd was not inside any git repository
	      - HEAD could not be read (unborn HEAD on a fresh \`git init\` with zero commits, or a corrupt repository)
	      fix: run from inside a git-tracked source tree with at least one commit
	    payload [expected]
	      - $PL
	    monitor [actionable]
	      - host-only test path: monitor loop never started
	      - early VM failure: monitor loop terminated before producing samples
	      - sample collection produced no valid data
	    kvm_stats [actionable]
	      - host-only test path: VM did not run
	      - KVM stats were unavailable on this host (e.g. KVM module not loaded, /dev/kvm permissions, or kernel missing the stats interface)
	    kernel_version [actionable]
	      - host-only test path: no kernel under test
	      - neither cache metadata nor \`include/config/kernel.release\` yielded a version string
	    kernel_commit [actionable]
	      - KTSTR_KERNEL is unset or empty
	      - kernel source is a Tarball or Git transient cache entry (no on-disk source tree to probe)
	      - resolved kernel directory is not a git repository (gix::open failed)
	      - HEAD cannot be read (unborn HEAD on a fresh \`git init\` with zero commits)
	      - gix probe failed for another reason — metadata, not a gate
	      fix: set KTSTR_KERNEL to a local kernel source tree that is a git repository (e.g. a git clone of the kernel)
	    cleanup_duration_ms [actionable]
	      - host-only / host-only-stub test path: no VM teardown window to time
	      - run was killed by the watchdog before \`KtstrVm::collect_results\` returned
	    run_source [actionable]
	      - pre-rename archive: sidecar carries the old \`source\` key which the current schema drops as an unknown field, leaving \`run_source\` to fall back to None via serde'\''s tolerate-absence rule. Re-run the test to regenerate under the new schema, or rename the key in-place before deserialize
	      fix: re-run the test to regenerate, or rename the on-disk \`source\` key to \`run_source\`

	io errors (1):
	  runs/bare/sub/x.ktstr.json
	    error: Is a directory (os error 21)

	EOF
	test_cmp expect actual &&
	echo "ktstr-scan: cannot read runs/bare/sub/x.ktstr.json: Is a directory (os error 21)" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'all populated, and the host report cause strings' '
	mkdir -p runs/full &&
	sed -e "s/\"scheduler_commit\": null/\"scheduler_commit\": \"1234567\"/" \
	    -e "s/\"payload\": null/\"payload\": \"p\"/" \
		runs/6.14-abc1234-dirty/cgroup_steady-158d5b4cb04a5b42.ktstr.json \
		>runs/full/cgroup_steady-158d5b4cb04a5b42.ktstr.json &&
	ktstr-scan --explain --dir runs --run full >actual &&
	cat >expect <<-\EOF &&
	walked 1 sidecar file(s), parsed 1 valid

	test: cgroup_steady
	  topology: 1n2l2c1t
	  scheduler: eevdf
	  run_id: 20250314T110240Z-0
	  arch: x86_64
	  generation: G0 (0.4.9); valid for: G0
	  work_type: CpuSpin, read as SpinWait
	  defaults (16): resolve_source none, inconclusive false, expected_failure false, periodic_fired 0, periodic_target 0, vcpus unknown, cpu_budget none, throughput_denomination wall, perf_delta_assertions [], stats.ext_metrics {}, stats.phases [], monitor.stuck_count from stall_detected, monitor.avg_irq_util none, monitor.max_avg_irq_util none, monitor.psi_irq_full_avg10 none, monitor.total_irq_pressure_us none
	  populated optional fields (10): scheduler_commit, project_commit, payload, monitor, kvm_stats, kernel_version, kernel_commit, host, cleanup_duration_ms, run_source
	  none fields: <all populated>

	EOF
	test_cmp expect actual
'

test_expect_success 'sidecars are sorted by test_name, then run_id' '
	ktstr-scan --explain --dir runs --run 7.0-def5678 >actual &&
	sed -n "s/^test: //p; s/^  run_id: //p" actual | paste - - >got &&
	printf "%s\t%s\n" cgroup_steady 20250401T223955Z-0 cgroup_steady 20250402T031509Z-0 \
		mixed_workload_fairness 20250402T031509Z-1 schbench_latency 20250402T031509Z-3 \
		yield_storm 20250402T031509Z-2 >want &&
	test_cmp want got
'

test_expect_success 'JSON report' '
	ktstr-scan --explain --json --dir runs --run 6.14-abc1234-dirty >actual 2>/dev/null &&
	cat >expect <<-EOF &&
	{
	  "_schema_version": "1",
	  "_walk": {
	    "walked": 4,
	    "valid": 3,
	    "errors": [
	      {
	        "path": "runs/$BAD",
	        "error": "$BADMSG",
	        "enriched_message": null
	      }
	    ],
	    "io_errors": []
	  },
	  "_generations": {
	    "G0": 3,
	    "G1": 0,
	    "G2": 0
	  },
	  "_defaults": {
	    "cpu_budget": 3,
	    "expected_failure": 3,
	    "inconclusive": 3,
	    "monitor.avg_irq_util": 3,
	    "monitor.max_avg_irq_util": 3,
	    "monitor.psi_irq_full_avg10": 3,
	    "monitor.stuck_count": 3,
	    "monitor.total_irq_pressure_us": 3,
	    "perf_delta_assertions": 3,
	    "periodic_fired": 3,
	    "periodic_target": 3,
	    "resolve_source": 3,
	    "stats.ext_metrics": 3,
	    "stats.phases": 3,
	    "throughput_denomination": 3,
	    "vcpus": 3
	  },
	  "fields": {
	    "cleanup_duration_ms": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "host-only / host-only-stub test path: no VM teardown window to time",
	        "run was killed by the watchdog before \`KtstrVm::collect_results\` returned"
	      ],
	      "fix": null
	    },
	    "host": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "test-fixture path: not the production sidecar writer (production writers always populate \`host\`)",
	        "pre-enrichment archive: sidecar predates the host-context landing — re-run the test to regenerate under the current schema"
	      ],
	      "fix": "for pre-enrichment archives, re-run the test to regenerate under the current schema; test-fixture sidecars are not production runs and cannot be recovered by re-running"
	    },
	    "kernel_commit": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "KTSTR_KERNEL is unset or empty",
	        "kernel source is a Tarball or Git transient cache entry (no on-disk source tree to probe)",
	        "resolved kernel directory is not a git repository (gix::open failed)",
	        "HEAD cannot be read (unborn HEAD on a fresh \`git init\` with zero commits)",
	        "gix probe failed for another reason — metadata, not a gate"
	      ],
	      "fix": "set KTSTR_KERNEL to a local kernel source tree that is a git repository (e.g. a git clone of the kernel)"
	    },
	    "kernel_version": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "host-only test path: no kernel under test",
	        "neither cache metadata nor \`include/config/kernel.release\` yielded a version string"
	      ],
	      "fix": null
	    },
	    "kvm_stats": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "host-only test path: VM did not run",
	        "KVM stats were unavailable on this host (e.g. KVM module not loaded, /dev/kvm permissions, or kernel missing the stats interface)"
	      ],
	      "fix": null
	    },
	    "monitor": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "host-only test path: monitor loop never started",
	        "early VM failure: monitor loop terminated before producing samples",
	        "sample collection produced no valid data"
	      ],
	      "fix": null
	    },
	    "payload": {
	      "none_count": 2,
	      "some_count": 1,
	      "classification": "expected",
	      "causes": [
	        "$PL"
	      ],
	      "fix": null
	    },
	    "project_commit": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "current_dir() could not be resolved at sidecar-write time (process cwd was rmdir'\''d while alive)",
	        "test process cwd was not inside any git repository",
	        "HEAD could not be read (unborn HEAD on a fresh \`git init\` with zero commits, or a corrupt repository)"
	      ],
	      "fix": "run from inside a git-tracked source tree with at least one commit"
	    },
	    "run_source": {
	      "none_count": 0,
	      "some_count": 3,
	      "classification": "actionable",
	      "causes": [
	        "pre-rename archive: sidecar carries the old \`source\` key which the current schema drops as an unknown field, leaving \`run_source\` to fall back to None via serde'\''s tolerate-absence rule. Re-run the test to regenerate under the new schema, or rename the key in-place before deserialize"
	      ],
	      "fix": "re-run the test to regenerate, or rename the on-disk \`source\` key to \`run_source\`"
	    },
	    "scheduler_commit": {
	      "none_count": 3,
	      "some_count": 0,
	      "classification": "expected",
	      "causes": [
	        "$SC"
	      ],
	      "fix": null
	    }
	  }
	}
	EOF
	printf %s "$(cat expect)" >expect.nonl &&
	test_cmp expect.nonl actual
'

test_expect_success 'several runs: text reports concatenated, JSON separated by a newline' '
	ktstr-scan --explain --dir runs --run full --run 7.0-def5678 >both &&
	{ ktstr-scan --explain --dir runs --run full && ktstr-scan --explain --dir runs --run 7.0-def5678; } >expect &&
	test_cmp expect both &&
	ktstr-scan --explain --json --dir runs --run full --run bare >both 2>/dev/null &&
	{
		ktstr-scan --explain --json --dir runs --run full && echo &&
		ktstr-scan --explain --json --dir runs --run bare
	} >expect 2>/dev/null &&
	test_cmp expect both
'

test_expect_success '--newest explains the newest run under its own name' '
	touch -d "2030-01-01 00:00" runs/full &&
	ktstr-scan --explain --dir runs --newest >actual &&
	ktstr-scan --explain --dir runs --run full >expect &&
	test_cmp expect actual
'

test_expect_success 'the default root, with no archive override' '
	mkdir -p tgt && cp -R runs tgt/ktstr &&
	CARGO_TARGET_DIR=tgt ktstr-scan --explain --run full >actual &&
	grep "^  populated optional fields (10): .*run_source$" actual
'

test_expect_success 'an empty RUN is refused before any I/O' '
	test_must_fail ktstr-scan --explain --dir nowhere --run "" >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: run argument must not be empty. The run argument is joined onto the run-root via \`Path::join\` and must contain at least one \`Normal\` path component — i.e. must not be empty, \`.\`, \`..\`, or absolute (e.g. a typical run key shape: \`6.14-abc1234\` or \`6.14-abc1234-dirty\`). To point at a different pool root, use \`--dir\`. Run \`ktstr-rundir --list\` to enumerate available run keys." >expect &&
	test_cmp expect err
'

test_expect_success 'path traversal and pool aliasing are refused' '
	for run in . ./7.0-def5678 .. ../runs/full full/.. /abs "a/../b" //x; do
		test_must_fail ktstr-scan --explain --dir runs --run "$run" >actual 2>err &&
		must_be_empty actual &&
		echo "ktstr-scan: run '\''$run'\'' contains pool-root-aliasing or path-traversal components (\`.\`, \`..\`, or absolute path). The run argument is joined onto the run-root via \`Path::join\` and must contain only \`Normal\` path components — no \`.\`, \`..\`, or absolute prefix (e.g. a typical run key shape: \`6.14-abc1234\` or \`6.14-abc1234-dirty\`; multi-component paths like \`gauntlet/job-1\` are also accepted). To point at a different pool root, use \`--dir\`. Run \`ktstr-rundir --list\` to enumerate available run keys." >expect &&
		test_cmp expect err || exit 1
	done
'

test_expect_success 'inner . components, doubled and trailing slashes are accepted' '
	for run in 6.14-abc1234/./gauntlet-job-3 6.14-abc1234//gauntlet-job-3 6.14-abc1234/gauntlet-job-3/; do
		ktstr-scan --explain --dir runs --run "$run" >actual &&
		head -1 actual >got &&
		echo "walked 2 sidecar file(s), parsed 2 valid" >expect &&
		test_cmp expect got || exit 1
	done
'

test_expect_success 'a missing run: not found, with a suggestion' '
	test_must_fail ktstr-scan --explain --dir runs --run 6.14-abc1235 >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: run '\''6.14-abc1235'\'' not found under runs. Did you mean \`6.14-abc1234\`? Run \`ktstr-rundir --list\` to enumerate available run keys." >expect &&
	test_cmp expect err
'

test_expect_success 'a run without candidates' '
	mkdir -p runs/empty/sub &&
	echo "{}" >runs/empty/notes.json &&
	test_must_fail ktstr-scan --explain --dir runs --run empty >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: run '\''empty'\'' has no sidecar data (searched runs/empty)" >expect &&
	test_cmp expect err
'

test_expect_success 'a failing run does not stop the others' '
	test_must_fail ktstr-scan --explain --dir runs --run nope --run full >actual 2>err &&
	ktstr-scan --explain --dir runs --run full >expect &&
	test_cmp expect actual &&
	grep "^ktstr-scan: run '\''nope'\'' not found under runs\." err
'

test_expect_success 'a run whose sidecars are all corrupt is explained, exit 0' '
	mkdir -p runs/corrupt &&
	printf "nope" >runs/corrupt/a.ktstr.json &&
	ktstr-scan --explain --dir runs --run corrupt >actual 2>/dev/null &&
	printf "%s\n" "walked 1 sidecar file(s), parsed 0 valid" "" "corrupt sidecars (1):" \
		"  runs/corrupt/a.ktstr.json" "    error: expected ident at line 1 column 2" "" >expect &&
	test_cmp expect actual
'

test_done
