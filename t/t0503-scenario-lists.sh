#!/bin/sh
# ktstr-test --list-scenarios, --list-work-types: the names, exactly.
. "${0%/*}/lib.sh"

test_expect_success '--list-scenarios: the catalog in order, then steady and custom' '
	ktstr-test --list-scenarios >actual &&
	cat >expect <<-\EOF &&
	cgroup_steady
	cgroup_cpuset_llc_steady
	cgroup_cpuset_crossllc_steady
	cgroup_cpuset_overlap_steady
	cgroup_partial_cpus_steady
	cgroup_uneven_steady
	cgroup_oversubscribed
	cgroup_affinity_inherit
	cgroup_affinity_random
	cgroup_affinity_spanning
	cgroup_affinity_pinned
	sched_batch
	sched_idle
	sched_fifo
	sched_rr
	steady
	custom
	EOF
	test_cmp expect actual
'

test_expect_success '--list-work-types: every type a bare name can make, in declaration order' '
	ktstr-test --list-work-types >actual &&
	cat >expect <<-\EOF &&
	SpinWait
	YieldHeavy
	Mixed
	IoSync
	Bursty
	PipeIo
	FutexPingPong
	CachePressure
	CacheYield
	CachePipe
	FutexFanOut
	ForkExit
	NiceSweep
	AffinityChurn
	PolicyChurn
	FanOutCompute
	PageFaultChurn
	MutexContention
	EOF
	test_cmp expect actual
'

test_expect_success 'the lists write nothing else, and no sidecar' '
	ktstr-test --list-scenarios >/dev/null 2>err &&
	ktstr-test --list-work-types >/dev/null 2>>err &&
	test_cmp /dev/null err &&
	! test -d target
'

test_expect_success 'every listed scenario and work type is accepted by name' '
	for s in $(ktstr-test --list-scenarios); do
		ktstr-test --scenario "$s" --duration 86401 2>err
		grep -q "invalid duration" err || return 1
	done &&
	for t in $(ktstr-test --list-work-types); do
		ktstr-test --scenario custom --work-type "$t" --workers 0 2>err
		grep -q "invalid workers" err || return 1
	done
'

test_expect_success DEVFULL 'a write error on standard output is an error' '
	test_must_fail ktstr-test --list-scenarios >/dev/full 2>err &&
	test -s err
'

test_done
