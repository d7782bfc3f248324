#!/bin/sh
# bench/git-probe.sh [NFILES [RUNS]]: HEAD + dirty probe of lib/git
# (bin/ktstr-rundir --commit when built, else bench/git-probe.c) against
#   GIT_OPTIONAL_LOCKS=0 git status --porcelain=v2 --branch -uno --ignore-submodules=all
# on a packed repository of NFILES files (default 100000): clean, one file
# modified, every file touched (same content).  Prints median wall and
# mean CPU times, the ratios probe/git, the floor (an lstat of every
# index path, one thread) and peak memory, then the two ratios the probe
# aims at, measured in this run: clean <= 0.6, every file touched <= 0.4.
set -e
N=${1:-100000}
RUNS=${2:-5}
TOP=$(cd "${0%/*}/.." && pwd)
command -v git >/dev/null || { echo "git-probe: git is not installed" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/git-probe.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

[ -f "$TOP/lib/libktstr.a" ] || make -C "$TOP" lib/libktstr.a >/dev/null
cc -O2 -D_GNU_SOURCE -I"$TOP/lib" -o "$W/git-probe" "$TOP/bench/git-probe.c" \
	"$TOP/lib/libktstr.a" -lm -lpthread
if [ -x "$TOP/bin/ktstr-rundir" ]; then
	PROBE="$TOP/bin/ktstr-rundir --commit"
else
	PROBE="$W/git-probe"
fi
FLOOR="$W/git-probe --lstat"
GIT="git status --porcelain=v2 --branch -uno --ignore-submodules=all"
export GIT_OPTIONAL_LOCKS=0 GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
	GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com GIT_CONFIG_NOSYSTEM=1 HOME=$W

echo "building a $N-file repository in $W"
git init -q "$W/r"
git -C "$W/r" config gc.auto 0
cd "$W/r"
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		d = sprintf("d%03d/e%02d", int(i / 1000), int(i / 100) % 10)
		if (d != last) { system("mkdir -p " d); last = d }
		f = sprintf("%s/f%05d.txt", d, i)
		printf "file %d\nsome content to hash, %d\n", i, i * 7919 > f
		close(f)
	}
}'
git add -A
git commit -q -m initial
git gc -q
sleep 1
git update-index -q --really-refresh
[ -z "$(ls .git/objects | grep -v -e pack -e info)" ] || echo "note: loose objects remain"

# stats CMD...: "median-wall-ms mean-cpu-ms" over RUNS runs after a
# warm-up run.  Wall time from date +%s%N (/usr/bin/time counts only
# centiseconds, too coarse for a clean probe); CPU time (user + system,
# all threads), the steadier figure on a loaded machine, from
# /usr/bin/time, else "-".
stats() {
	"$@" >/dev/null
	: >"$W/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%U %S' -o "$W/time" "$@" >/dev/null
		else
			"$@" >/dev/null
			echo "- -" >"$W/time"
		fi
		t1=$(date +%s%N)
		echo "$(((t1 - t0) / 1000)) $(cat "$W/time")" >>"$W/times"
		i=$((i + 1))
	done
	wall=$(awk '{ print $1 / 1000 }' "$W/times" | sort -n |
		awk '{ w[NR] = $1 } END { printf "%.1f", NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }')
	cpu=$(awk '$2 == "-" { no = 1 } { c += ($2 + $3) * 1000 } END { if (no) print "-"; else printf "%d", c / NR }' "$W/times")
	echo "$wall $cpu"
}

peak_kb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ { print $2 }'
	else
		echo "?"
	fi
}

row() {
	set -- "$1" $(stats $PROBE) $(stats $GIT) $(stats $FLOOR)
	ratio=$(awk -v p="$2" -v g="$4" 'BEGIN { printf "%.2f", g ? p / g : 0 }')
	cratio=$(awk -v p="$3" -v g="$5" 'BEGIN { printf "%s", g + 0 ? sprintf("%.2f", p / g) : "-" }')
	printf '%-19s %-14s wall probe %5s git %5s ratio %5s | cpu probe %5s git %5s ratio %5s | floor %5s | peak KiB probe %s git %s\n' \
		"$1" "$($PROBE)" "$2" "$4" "$ratio" "$3" "$5" "$cratio" "$6" \
		"$(peak_kb $PROBE)" "$(peak_kb $GIT)"
	last_ratio=$ratio last_cratio=$cratio
}

echo "probe: $PROBE; $RUNS runs each: median wall ms, mean cpu ms; load: $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null)"
row clean
clean_ratio=$last_ratio clean_cratio=$last_cratio
# The modified file sits mid-index, so neither side finds it at once.
mid=$((N / 2))
mid=$(printf 'd%03d/e%02d/f%05d.txt' $((mid / 1000)) $((mid / 100 % 10)) $mid)
echo changed >>"$mid"
row "one file modified"
git checkout -q "$mid"
sleep 1
find . -path ./.git -prune -o -type f -exec touch {} +
row "every file touched"
touched_ratio=$last_ratio touched_cratio=$last_cratio
echo "against git status -uno, median wall (cpu) in this run: clean $clean_ratio ($clean_cratio), goal <= 0.60;" \
	"every file touched $touched_ratio ($touched_cratio), goal <= 0.40"
