#!/bin/sh
# bench/git-probe.sh [NFILES [RUNS]]: HEAD + dirty probe of lib/git
# (bin/ktstr-rundir --commit when built, else bench/git-probe.c) against
#   GIT_OPTIONAL_LOCKS=0 git status --porcelain=v2 --branch -uno --ignore-submodules=all
# on a packed repository of NFILES files (default 100000): clean, one file
# modified, every file touched (same content).  Prints mean wall times,
# the ratio probe/git (targets: clean <= 0.8, touched <= 1.0), the floor
# (an lstat of every index path, one thread) and peak memory.
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

# now_ms: wall clock in milliseconds (GNU date).
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# mean_ms CMD...: mean wall time of RUNS runs, after one warm-up run.
mean_ms() {
	"$@" >/dev/null
	t0=$(now_ms)
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$@" >/dev/null
		i=$((i + 1))
	done
	t1=$(now_ms)
	echo $(((t1 - t0) / RUNS))
}

peak_kb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ { print $2 }'
	else
		echo "?"
	fi
}

row() {
	p=$(mean_ms $PROBE)
	g=$(mean_ms $GIT)
	f=$(mean_ms $FLOOR)
	ratio=$(awk -v p="$p" -v g="$g" 'BEGIN { printf "%.2f", g ? p / g : 0 }')
	printf '%-24s %-14s probe %6d ms  git %6d ms  ratio %5s  floor %6d ms  peak KiB probe %s git %s\n' \
		"$1" "$($PROBE)" "$p" "$g" "$ratio" "$f" "$(peak_kb $PROBE)" "$(peak_kb $GIT)"
}

echo "probe: $PROBE; $RUNS runs each, mean wall time"
row clean
echo changed >>d000/e00/f00000.txt
row "one file modified"
git checkout -q d000/e00/f00000.txt
sleep 1
find . -path ./.git -prune -o -type f -exec touch {} +
row "every file touched"
