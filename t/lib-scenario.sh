# t/lib-scenario.sh: helpers for the ktstr-test --scenario tests (t05NN).
#
# Scenario runs share this host with everything else, so unless a test
# is about the thresholds it lifts them (spread and gap are measured,
# not judged) and keeps runs short with few workers.

KTSTR_SIDECAR_DIR=$TRASH/sd
export KTSTR_SIDECAR_DIR

LOOSE='--settle-ms 0 --max-spread-pct 100 --max-gap-ms 60000'

# scen ARGS...: a quiet scenario run with the loose thresholds.  The
# suite runs two test files at a time on machines with as few as two
# CPUs, so a worker can now and then be starved by the tests beside it:
# a failed verdict (exit 1) is shown and the run tried once more.  Tests
# about failed verdicts call ktstr-test directly.
scen() {
	# shellcheck disable=SC2086
	ktstr-test -q $LOOSE "$@" >"$TRASH/.scen.out" 2>"$TRASH/.scen.err"
	scen_status_=$?
	if [ "$scen_status_" = 1 ]; then
		sed "s/^/# first try: /" "$TRASH/.scen.err" >&2
		# shellcheck disable=SC2086
		ktstr-test -q $LOOSE "$@" >"$TRASH/.scen.out" 2>"$TRASH/.scen.err"
		scen_status_=$?
	fi
	cat "$TRASH/.scen.out"
	cat "$TRASH/.scen.err" >&2
	return "$scen_status_"
}

# sidecar NAME: the one sidecar written for test NAME.
sidecar() {
	set -- "$KTSTR_SIDECAR_DIR/$1"-*.ktstr.json
	test $# = 1 && test -f "$1" && echo "$1"
}

# stat FILE KEY: a scenario-level member of "stats" (the pretty layout
# puts those, and only those, at four spaces).
stat() {
	sed -n "s/^    \"$2\": \\([^,]*\\),\\{0,1\\}\$/\\1/p" "$1"
}

# ncgroups FILE: how many CgroupStats entries "stats.cgroups" holds.
ncgroups() {
	grep -c '^        "num_workers": ' "$1"
}

# positive X: X is a number greater than zero.
positive() {
	awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'
}

# valid FILE: the sidecar parses (ktstr-scan rejects an invalid one) and is
# what 0.4.9, 0.5.2 and the newest upstream each require.
valid() {
	ktstr-scan "$1" >/dev/null && check_generations "$1"
}

# check_run FILE WORKERS CGROUPS: a sidecar of a scenario that ran.
check_run() {
	valid "$1" &&
	grep -q '^  "passed": true,$' "$1" &&
	grep -q '^  "skipped": false,$' "$1" &&
	test "$(stat "$1" total_workers)" = "$2" &&
	test "$(ncgroups "$1")" = "$3" &&
	positive "$(stat "$1" total_iterations)"
}

# check_skip FILE: the sidecar of a scenario this host cannot hold (a skip is no pass).
check_skip() {
	valid "$1" &&
	grep -q '^  "passed": false,$' "$1" &&
	grep -q '^  "skipped": true,$' "$1" &&
	grep -q '^    "cgroups": \[\],$' "$1" &&
	test "$(stat "$1" total_workers)" = 0
}

# ncpus: the CPUs this process may run on.
ncpus() {
	nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
}

# cgroup_mount v2|v1: the writable mount point of that hierarchy, if any
# (v1: the one with the cpuset controller), as ktstr-test looks for it.
cgroup_mount() {
	awk -v want="$1" '
		want == "v2" && $3 == "cgroup2" { print $2; exit }
		want == "v1" && $3 == "cgroup" && ("," $4 ",") ~ /,cpuset,/ { print $2; exit }
	' /proc/self/mounts | sed 's/\\040/ /g' | while read -r m; do
		test -w "$m" && echo "$m"
	done
}

# Prerequisites: test_have_prereq accepts any command name, so each is
# a function defined only when the host has the thing.
if [ "$(id -u)" = 0 ] && test -n "$(cgroup_mount v2)"; then CGV2() { :; }; fi
if [ "$(id -u)" = 0 ] && test -n "$(cgroup_mount v1)"; then CGV1() { :; }; fi
if test -r /proc/self/schedstat; then SCHEDSTAT() { :; }; fi
