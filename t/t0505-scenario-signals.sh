#!/bin/sh
# ktstr-test --scenario killed mid-run: no worker, no cgroup, no sidecar left behind.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scenario.sh"

# children PID: the pids whose parent is PID.
children() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v p="$1" '{ pid = $1; sub(/.*\) /, ""); if ($2 == p) print pid }'
}

# gone PID: the process has exited (an unreaped zombie counts as exited).
gone() {
	! kill -0 "$1" 2>/dev/null ||
		sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q "^[ZX]"
}

# left PID: what a runner PID left behind: live pids of kids, cgroup directories.
left() {
	for k in $(cat kids); do
		gone "$k" || echo "process $k"
	done
	for m in $(cgroup_mount v2) $(cgroup_mount v1); do
		test -e "$m/ktstr-$1" && echo "cgroup $m/ktstr-$1"
	done
}

# interrupt SIGNAL STATUS: start a long scenario, wait for its 4
# workers, kill the runner with SIGNAL, expect STATUS and, within 5 s,
# nothing left behind.
interrupt() {
	rm -rf sd &&
	ktstr-test -q $LOOSE --scenario cgroup_steady --duration 30 &
	pid=$!
	i=0
	while [ $i -lt 150 ] && [ "$(children $pid | wc -l)" -lt 4 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	children $pid >kids
	test "$(wc -l <kids)" -ge 4 || { kill -KILL $pid; return 1; }
	# the workers run before the runner is stopped
	sleep 0.2
	kill -"$1" $pid
	wait $pid
	st=$?
	echo "exit status $st"
	test "$st" = "$2" || return 1
	i=0
	while [ $i -lt 100 ] && test -n "$(left $pid)"; do
		sleep 0.05
		i=$((i + 1))
	done
	left $pid >rest
	test_cmp /dev/null rest &&
	! ls sd/*.ktstr.json 2>/dev/null
}

test_expect_success 'SIGTERM: workers and cgroups removed, no sidecar, death by SIGTERM' '
	interrupt TERM 143
'

test_expect_success 'SIGHUP: the same' '
	interrupt HUP 129
'

test_expect_success 'SIGKILL: the workers die with the runner, the cgroups are still removed' '
	interrupt KILL 137
'

test_expect_success 'after all that, a run completes normally' '
	scen --scenario cgroup_steady --duration 0.2 &&
	check_run "$(sidecar cgroup_steady)" 4 2
'

test_done
