#!/bin/sh
# bench/scenarios.sh [SECONDS]: calibrate the scenario statistics.
#
# Runs cgroup_steady with CpuSpin at 1x, 2x and 4x as many workers as
# this process may use CPUs (split over its two cgroups), three trials
# each, SECONDS long (default 3), into one runs root; then asks
# ktstr-compare, at its default gates,
#
#   1. oversubscription 1x -> 2x and 2x -> 4x: run delay and spread
#      should grow (reported as regressions, exit 1);
#   2. trial 1 -> 2 and 1 -> 3 of each setting: nothing should change
#      (exit 0), i.e. the gates sit above this host's run-to-run noise.
#
# The setting is recorded as the topology label (this host's label plus
# "-1x", "-2x", "-4x") and the trial as a flag ("trial1".."trial3"), two
# dimensions ktstr-compare can slice by while the test name stays the
# pairing key.  Each comparison is between two settings or between two
# trials, never both, so exactly one dimension slices it.  For the
# settings the trial flag is dropped from the stream, so that the three
# trials of a setting share a key and average into one row.  The runs'
# own spread and gap checks are lifted: a failed run would be left out of
# the means, and judging the numbers is ktstr-compare's job here (the
# table marks the runs whose spread exceeds the default 15-point limit).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-3}
for p in ktstr-test ktstr-scan ktstr-compare; do
	[ -x "$top/bin/$p" ] || { echo "bench/scenarios.sh: build first (make)" >&2; exit 2; }
done
PATH=$top/bin:$PATH
export PATH
unset CARGO_TARGET_DIR KTSTR_RUN_ID KTSTR_RUN_DIR

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
KTSTR_SIDECAR_DIR=$work/runs/scenarios
export KTSTR_SIDECAR_DIR

cpus=$(nproc)
# This host's label, from a 1 ms run of its own.
KTSTR_SIDECAR_DIR=$work/probe ktstr-test -q --scenario custom --cgroups 1 --workers 1 \
	--duration 0.001 --settle-ms 0 --cgroup-mode none --max-gap-ms 86400000 2>/dev/null
label=$(sed -n 's/^  "topology": "\(.*\)",$/\1/p' "$work"/probe/*.ktstr.json 2>/dev/null)
[ -n "$label" ] || label=host
echo "# $cpus CPUs, $secs s per run, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

for x in 1 2 4; do
	per=$(((x * cpus + 1) / 2))
	for t in 1 2 3; do
		ktstr-test -q --scenario cgroup_steady --duration "$secs" --workers "$per" \
			--max-spread-pct 100 --max-gap-ms 86400000 \
			--topology "$label-${x}x" --flag "trial$t" ||
			echo "# ${x}x trial $t: exit status $?"
	done
done

echo
echo "# per run: workers, worst_spread (pp), worst_mean_run_delay_us, worst_gap_ms, total_iterations"
for f in "$KTSTR_SIDECAR_DIR"/*.ktstr.json; do
	awk '
		/^  "topology": / { gsub(/[",]/, "", $2); topo = $2 }
		/^    "trial[0-9]"$/ { gsub(/"/, "", $1); trial = $1 }
		/^    "total_workers": / { sub(/,/, "", $2); w = $2 }
		/^    "worst_spread": / { sub(/,/, "", $2); s = $2 }
		/^    "worst_mean_run_delay_us": / { sub(/,/, "", $2); d = $2 }
		/^    "worst_gap_ms": / { sub(/,/, "", $2); g = $2 }
		/^    "total_iterations": / { sub(/,/, "", $2); i = $2 }
		END {
			mark = s + 0 > 15 ? "  (spread over 15)" : ""
			printf "%-14s %-7s %3d %8.2f %12.0f %6d %10d%s\n", topo, trial, w, s, d, g, i, mark
		}
	' "$f"
done | sort

# compare ARGS...: ktstr-compare ARGS over every run.
compare() {
	echo
	echo "\$ ktstr-scan | ktstr-compare $*"
	ktstr-scan "$work/runs" | ktstr-compare --color=never "$@"
	echo "(exit status $?)"
}

# compare_settings ARGS...: the same with the trials averaged.
compare_settings() {
	echo
	echo "\$ ktstr-scan | (trial flags dropped) | ktstr-compare $*"
	ktstr-scan "$work/runs" | sed 's/"active_flags":\["trial[0-9]"\]/"active_flags":[]/' |
		ktstr-compare --color=never "$@"
	echo "(exit status $?)"
}

echo
echo "## oversubscription (expected: run delay and spread regress)"
compare_settings --a-topology "$label-1x" --b-topology "$label-2x"
compare_settings --a-topology "$label-2x" --b-topology "$label-4x"
compare_settings --a-topology "$label-1x" --b-topology "$label-4x"

echo
echo "## trials of one setting (expected: no regression, exit 0)"
for x in 1 2 4; do
	compare --topology "$label-${x}x" --a-flag trial1 --b-flag trial2
	compare --topology "$label-${x}x" --a-flag trial1 --b-flag trial3
done
