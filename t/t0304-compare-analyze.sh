#!/bin/sh
# ktstr-compare --analyze: the report of one run ("Example 6") byte for byte,
# a gauntlet-style run with outliers, callback profile and KVM stats,
# and where the run comes from.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

test_expect_success 'setup: Example 6' '
	mkdir D &&
	sidecar D/alpha.ktstr.json test_name=alpha spread=4.0 gap=40 \
		verifier="[{\"name\":\"rusty_enqueue\",\"verified_insns\":800000},{\"name\":\"rusty_init\",\"verified_insns\":1200}]" &&
	sidecar D/beta.ktstr.json test_name=beta passed=false spread=20.0 gap=200 \
		monitor="$(MON_IMBAL=2.5 MON_DSQ=8 MON_STALL=true MON_FALLBACK=15 monitor)" \
		verifier="[{\"name\":\"rusty_enqueue\",\"verified_insns\":750000}]" &&
	cat >expect6 <<-\EOF
	
	=== GAUNTLET ANALYSIS ===
	
	No outliers detected.
	
	By scenario (worst first):
	  beta                      0/1 passed (0 skipped, 1 failed)  avg_spread=20.0%  avg_gap=200ms  imbal=2.5  dsq=8  stalls=1  fallback=15
	  alpha                     1/1 passed (0 skipped, 0 failed)  avg_spread=4.0%  avg_gap=40ms
	
	By topology:
	  1n1l2c1t                  1/2 passed (0 skipped, 1 failed)  avg_spread=12.0%  avg_gap=120ms  imbal=1.2  dsq=4  stalls=1  fallback=8
	
	=== BPF VERIFIER STATS ===
	
	  program                      verified   limit%
	  ------------------------ ------------ --------
	  rusty_enqueue                  800000    80.0% !
	  rusty_init                       1200     0.1%
	
	  total verified insns: 801200
	
	WARNING: programs near verifier complexity limit:
	  rusty_enqueue: 80.0% of 1M limit (800000 verified insns)
	EOF
'

test_expect_success 'Example 6: KTSTR_SIDECAR_DIR names the run' '
	KTSTR_SIDECAR_DIR=$TRASH/D ktstr-compare --analyze </dev/null >actual 2>err &&
	test_cmp expect6 actual &&
	test_cmp /dev/null err
'

test_expect_success 'Example 6: the same run as an operand, a stream, or the newest run' '
	ktstr-compare --analyze D >actual &&
	test_cmp expect6 actual &&
	cat D/alpha.ktstr.json D/beta.ktstr.json | ktstr-compare --analyze >actual &&
	test_cmp expect6 actual &&
	mkdir -p target/ktstr/old target/ktstr/new &&
	sidecar target/ktstr/old/x.ktstr.json test_name=old &&
	cp D/*.json target/ktstr/new/ &&
	touch -d "2025-01-01 00:00" target/ktstr/old &&
	touch -d "2025-01-02 00:00" target/ktstr/new &&
	ktstr-compare --analyze </dev/null >actual &&
	test_cmp expect6 actual
'

test_expect_success 'the newest run: equal times go to the last name' '
	touch -d "2025-01-02 00:00" target/ktstr/old &&
	ktstr-compare --analyze </dev/null >actual &&
	grep -q "^  old  " actual &&
	touch -d "2025-01-03 00:00" target/ktstr/new &&
	ktstr-compare --analyze </dev/null >actual &&
	test_cmp expect6 actual
'

test_expect_success 'no run, no sidecars: a notice and exit 0' '
	mkdir none &&
	KTSTR_SIDECAR_DIR=$TRASH/none ktstr-compare --analyze </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: no sidecar data found (skipped)" >expect &&
	test_cmp expect err &&
	CARGO_TARGET_DIR=$TRASH/nowhere ktstr-compare --analyze </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp expect err
'

test_expect_success 'an input that cannot be read: its line and exit 2' '
	test_must_fail ktstr-compare --analyze "$TRASH/nonexistent" </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	printf "%s\n" "ktstr-compare: cannot read $TRASH/nonexistent: No such file or directory (os error 2)" \
		"ktstr-compare: no sidecar data found (skipped)" >expect &&
	test_cmp expect err &&
	: >afile &&
	KTSTR_SIDECAR_DIR=$TRASH/afile test_must_fail ktstr-compare --analyze </dev/null >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: cannot read KTSTR_SIDECAR_DIR $TRASH/afile: Not a directory (os error 20)\$" err &&
	test_must_fail ktstr-compare --analyze --dir "$TRASH/nonexistent" </dev/null >out 2>err &&
	grep -q "^ktstr-compare: cannot read $TRASH/nonexistent: No such file or directory" err
'

test_expect_success 'setup: a gauntlet run with an outlier, callbacks and KVM' '
	mkdir G &&
	for t in a b c d e f g h i j; do
		sidecar G/$t.ktstr.json test_name=s_$t spread=1.0 gap=10 topology=1n1l2c1t || return 1
	done &&
	sidecar G/z1.ktstr.json test_name=s_z spread=50.0 gap=10 topology=2n2l2c1t work_type=Mixed \
		monitor="$(MON_PROGS="[{\"name\":\"lavd_enqueue\",\"cnt\":1000,\"nsecs\":1500000,\"nsecs_per_call\":1500.5},{\"name\":\"lavd_dispatch\",\"cnt\":0,\"nsecs\":0,\"nsecs_per_call\":0.0}]" monitor)" \
		kvm="{\"per_vcpu\":[{\"exits\":1000,\"halt_exits\":300,\"halt_wait_ns\":2500000,\"halt_successful_poll\":30,\"halt_attempted_poll\":40,\"preemption_reported\":2,\"signal_exits\":1,\"hypercalls\":7},{\"exits\":2001,\"halt_exits\":100,\"halt_attempted_poll\":40}]}" &&
	sidecar G/z2.ktstr.json test_name=s_y spread=1.0 gap=10 skipped=true \
		kvm="{\"per_vcpu\":[{\"exits\":10},{}]}" &&
	cat >expectG <<-\EOF
	
	=== GAUNTLET ANALYSIS ===
	
	Outliers detected:
	  s_z: spread 50.0 (overall avg 5.1, +3.2σ)
	    worst on: 2n2l2c1t
	
	By scenario (worst first):
	  s_z                       1/1 passed (0 skipped, 0 failed)  avg_spread=50.0%  avg_gap=10ms
	  s_a                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_b                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_c                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_d                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_e                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_f                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_g                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_h                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_i                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_j                       1/1 passed (0 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	  s_y                       0/1 passed (1 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	
	By topology:
	  2n2l2c1t                  1/1 passed (0 skipped, 0 failed)  avg_spread=50.0%  avg_gap=10ms
	  1n1l2c1t                  10/11 passed (1 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	
	By work_type:
	  Mixed                     1/1 passed (0 skipped, 0 failed)  avg_spread=50.0%  avg_gap=10ms
	  CpuSpin                   10/11 passed (1 skipped, 0 failed)  avg_spread=1.0%  avg_gap=10ms
	
	=== BPF CALLBACK PROFILE ===
	
	  s_z (2n2l2c1t):
	    program                           cnt       total_ns       avg_ns
	    ------------------------ ------------ -------------- ------------
	    lavd_enqueue                     1000        1500000         1500
	    lavd_dispatch                       0              0            0
	
	=== KVM STATS (avg across 2 VMs) ===
	
	  exits/vcpu      752   halt/vcpu       100   halt_wait_ms     0.6
	  poll_ok%      37.5%   preempted/vcpu    0   signal/vcpu        0
	  hypercalls/vcpu    1
	EOF
'

test_expect_success 'a gauntlet run: outliers, summaries, callback profile, KVM' '
	ktstr-compare --analyze G >actual &&
	test_cmp expectG actual
'

test_expect_success 'KVM: host preemptions warn' '
	mkdir K &&
	sidecar K/k.ktstr.json kvm="{\"per_vcpu\":[{\"exits\":5,\"preemption_reported\":3},{\"exits\":5,\"preemption_reported\":4}]}" &&
	ktstr-compare --analyze K >actual &&
	sed -n "/=== KVM/,\$p" actual >kvm &&
	cat >expect <<-\EOF &&
	=== KVM STATS (avg across 1 VMs) ===
	
	  exits/vcpu        5   halt/vcpu         0   halt_wait_ms     0.0
	  poll_ok%       0.0%   preempted/vcpu    3   signal/vcpu        0
	
	  WARNING: 7 host preemptions detected -- timing results may be unreliable
	EOF
	test_cmp expect kvm
'

test_expect_success '--analyze on the fixture runs root' '
	ktstr-compare --analyze "$FIXTURES/sidecars" >actual 2>err &&
	grep -q "^=== GAUNTLET ANALYSIS ===\$" actual &&
	grep -q "^=== BPF CALLBACK PROFILE ===\$" actual &&
	grep -q "^=== KVM STATS (avg across [0-9]* VMs) ===\$" actual
'

test_done
