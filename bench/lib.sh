# bench/lib.sh: what the benchmarks share; sourced with top set to the
# source tree, after work names a scratch directory.

# t/helper/rusage, built once per run.
cc -O2 -o "$work/rusage" "$top/t/helper/rusage.c" ||
	{ echo "bench: cannot build t/helper/rusage.c" >&2; exit 2; }

# measure CMD: "WALL CPU MAXRSS STATUS" of one run of the shell command
# CMD, its output discarded (t/helper/rusage.c).
measure() {
	"$work/rusage" sh -c "$1 >/dev/null 2>&1"
}

# best CMD: "WALL CPU", the best wall time and the best CPU time (user +
# system of every process) of five runs after a warm-up, in seconds.
# On a busy machine wall time also counts other processes; CPU time
# does not.
best() {
	measure "$1" >/dev/null
	for _ in 1 2 3 4 5; do
		measure "$1"
	done | awk 'NR == 1 || $1 < w { w = $1 } NR == 1 || $2 < c { c = $2 }
		END { printf "%.4f %.4f", w, c }'
}
