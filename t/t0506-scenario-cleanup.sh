#!/bin/sh
# ktstr-test --cleanup: stale ktstr-<pid> cgroups of dead runners are removed, live ones kept.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scenario.sh"

# A pid above every pid_max (2^22): never a live process.
DEAD=2000000001

test_expect_success '--cleanup with nothing stale: exit 0' '
	ktstr-test --cleanup 2>err &&
	grep -q "^ktstr-test: removed [0-9]* stale cgroup director" err &&
	ktstr-test -q --cleanup 2>err &&
	test_cmp /dev/null err
'

for v in v2 v1; do
	if [ "$v" = v2 ]; then prereq=CGV2; else prereq=CGV1; fi
	test_expect_success $prereq "$v: a dead runner's tree goes, a live one stays" '
		m=$(cgroup_mount $v) &&
		mkdir "$m/ktstr-$DEAD" "$m/ktstr-$DEAD/cg_0" "$m/ktstr-$$" &&
		ktstr-test --cleanup 2>err &&
		! test -e "$m/ktstr-$DEAD" &&
		test -d "$m/ktstr-$$" &&
		rmdir "$m/ktstr-$$" &&
		grep -q "^ktstr-test: removed [1-9][0-9]* stale cgroup directories$" err
	'
done

test_expect_success CGV2 'a stale tree holding a process: the process is moved out first' '
	sleep 5 &
	sl=$!
	m=$(cgroup_mount v2) &&
	mkdir "$m/ktstr-$DEAD" &&
	echo $sl >"$m/ktstr-$DEAD/cgroup.procs" &&
	ktstr-test -q --cleanup &&
	! test -e "$m/ktstr-$DEAD" &&
	kill -0 $sl &&
	kill $sl
'

test_done
