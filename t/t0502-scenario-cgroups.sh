#!/bin/sh
# ktstr-test --scenario --cgroup-mode: v2, the v1 cpuset hierarchy, none; each torn down after.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scenario.sh"

# watch MOUNT ARGS...: run a 1.5 s scenario with ARGS in the background
# and, while it runs, copy what MOUNT/ktstr-<pid> holds into seen/:
# each group's member pids and cpuset.  Sets $pid; fails when the
# directories never held both groups' workers.
watch() {
	mnt=$1
	shift
	rm -rf seen && mkdir seen &&
	ktstr-test -q $LOOSE --scenario cgroup_steady --duration 1.5 "$@" &
	pid=$!
	i=0
	while [ $i -lt 60 ]; do
		if [ "$(wc -l <"$mnt/ktstr-$pid/cg_1/cgroup.procs" 2>/dev/null)" = 2 ] &&
		   [ "$(wc -l <"$mnt/ktstr-$pid/cg_0/cgroup.procs" 2>/dev/null)" = 2 ]; then
			for g in cg_0 cg_1; do
				cp "$mnt/ktstr-$pid/$g/cgroup.procs" "seen/$g.procs" &&
				if [ -f "$mnt/ktstr-$pid/$g/cpuset.cpus" ]; then
					cp "$mnt/ktstr-$pid/$g/cpuset.cpus" "seen/$g.cpus"
				fi
			done
			break
		fi
		sleep 0.02
		i=$((i + 1))
	done
	wait $pid &&
	test -f seen/cg_1.procs &&
	! test -e "$mnt/ktstr-$pid"
}

# keys FILE: the member names of "stats", in order (the JSON shape).
keys() {
	sed -n '/^  "stats": {$/,/^  },$/s/^ *"\([a-z_0-9]*\)": .*/\1/p' "$1"
}

test_expect_success CGV2 'v2: each group in its own cgroup while it runs, all removed after' '
	watch "$(cgroup_mount v2)" --cgroup-mode v2 &&
	check_run "$(sidecar cgroup_steady)" 4 2 &&
	cat seen/cg_0.procs seen/cg_1.procs | sort -u >pids &&
	test "$(wc -l <pids)" = 4
'

test_expect_success CGV2 'the JSON shape is the same with cgroups and without' '
	keys "$(sidecar cgroup_steady)" >v2 &&
	rm -rf sd &&
	scen --scenario cgroup_steady --duration 0.2 --cgroup-mode none &&
	keys "$(sidecar cgroup_steady)" >none &&
	test_cmp v2 none
'

test_expect_success CGV1 'v1: split cpusets written before the workers run, removed after' '
	rm -rf sd &&
	watch "$(cgroup_mount v1)" --cgroup-mode v1 --partition split-half &&
	f=$(sidecar cgroup_steady) &&
	if grep -q "^  \"skipped\": true,$" "$f"; then
		check_skip "$f"
	else
		check_run "$f" 4 2 &&
		test -s seen/cg_0.cpus && test -s seen/cg_1.cpus &&
		! cmp -s seen/cg_0.cpus seen/cg_1.cpus
	fi
'

test_expect_success 'none: no cgroup directory at all, the same statistics' '
	rm -rf sd &&
	ktstr-test -q $LOOSE --scenario cgroup_steady --duration 1 --cgroup-mode none &
	pid=$! &&
	sleep 0.4 &&
	for m in $(cgroup_mount v2) $(cgroup_mount v1); do
		! test -e "$m/ktstr-$pid" || return 1
	done &&
	wait $pid &&
	check_run "$(sidecar cgroup_steady)" 4 2
'

test_expect_success 'none with a partition: cpusets emulated by affinity' '
	rm -rf sd &&
	scen --scenario cgroup_affinity_inherit --cgroup-mode none --partition split-half \
		--duration 0.3 &&
	f=$(sidecar cgroup_affinity_inherit) &&
	if grep -q "^  \"skipped\": true,$" "$f"; then
		check_skip "$f"
	else
		check_run "$f" 4 2 &&
		test "$(stat "$f" total_cpus)" -le "$(ncpus)"
	fi
'

if [ "$(ncpus)" -ge 2 ]; then SMP() { :; }; fi

test_expect_success SMP '--isolation: every worker stayed inside its cpuset' '
	for mode in none auto; do
		rm -rf sd &&
		scen --scenario custom --cgroup-mode $mode --partition split-half --isolation \
			--duration 0.3 &&
		check_run "$(sidecar custom)" 4 2 || return 1
	done
'

test_expect_success SMP '--isolation with cpusets of one CPU each: each group on one CPU' '
	rm -rf sd &&
	scen --scenario cgroup_affinity_pinned --cgroup-mode none --isolation --duration 0.3 &&
	f=$(sidecar cgroup_affinity_pinned) &&
	check_run "$f" 4 2 &&
	test "$(stat "$f" total_cpus)" = 2
'

if ! CGV2 2>/dev/null; then NOV2() { :; }; fi
if ! CGV1 2>/dev/null; then NOV1() { :; }; fi

test_expect_success NOV2 'v2 unavailable: an error, exit 2, no sidecar' '
	rm -rf sd &&
	test_must_fail ktstr-test --scenario cgroup_steady --duration 0.2 --cgroup-mode v2 2>err &&
	grep -q "cgroup v2" err &&
	! test -d sd
'

test_expect_success NOV1 'v1 unavailable: an error, exit 2, no sidecar' '
	rm -rf sd &&
	test_must_fail ktstr-test --scenario cgroup_steady --duration 0.2 --cgroup-mode v1 2>err &&
	! test -d sd
'

test_done
