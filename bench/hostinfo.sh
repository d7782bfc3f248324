#!/bin/sh
# bench/hostinfo.sh [N]: the cost of one live host capture.
#
# Times N runs of `ktstr-hostinfo --json` against N runs of `cat` over
# the same /proc and /sys files the collector reads, in the same run,
# and prints the time per run of each and their ratio.  The collector
# runs once per ktstr-test process, so the per-run figure is what a
# test pays (target: under 5 ms).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
prog=$top/bin/ktstr-hostinfo
n=${1:-200}
[ -x "$prog" ] || { echo "bench/hostinfo.sh: build first (make)" >&2; exit 2; }

# Every file the collector opens on this host.
files=$(
	for f in /proc/cpuinfo /proc/meminfo /proc/cmdline \
		/sys/kernel/mm/transparent_hugepage/enabled \
		/sys/kernel/mm/transparent_hugepage/defrag \
		/sys/devices/system/cpu/online /proc/sys/kernel/sched_*; do
		if [ -f "$f" ] && [ -r "$f" ]; then echo "$f"; fi
	done
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		for f in "$c"/cache/index*/level "$c"/cache/index*/id \
			"$c"/cpufreq/scaling_governor; do
			if [ -r "$f" ]; then echo "$f"; fi
		done
	done
)
nfiles=$(printf '%s\n' "$files" | wc -l)

now() { date +%s%N; }

t0=$(now)
i=0
while [ $i -lt "$n" ]; do
	"$prog" --json >/dev/null
	i=$((i + 1))
done
t1=$(now)
i=0
while [ $i -lt "$n" ]; do
	# shellcheck disable=SC2086
	cat $files >/dev/null
	i=$((i + 1))
done
t2=$(now)

ours=$(( (t1 - t0) / n ))
peer=$(( (t2 - t1) / n ))
awk -v o="$ours" -v p="$peer" -v n="$n" -v f="$nfiles" 'BEGIN {
	printf "ktstr-hostinfo --json: %.3f ms per run (%d runs)\n", o / 1e6, n
	printf "cat of the same %d files: %.3f ms per run\n", f, p / 1e6
	printf "ratio: %.2f x cat\n", o / p
}'
