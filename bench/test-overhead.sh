#!/bin/sh
# bench/test-overhead.sh [FILES] [N]: what ktstr-test adds to a test.
#
# Builds a git repository of FILES files (default 100000) and, with the
# cwd inside it, times in one run:
#   - N runs of `true` (the test itself, spawned the same way),
#   - N runs of `ktstr-test -q -- true` in a run begun by
#     `ktstr-rundir --begin` (nothing probed: the per-test cost),
#   - N/10 runs of plain `ktstr-test -q -- true` (every process reads
#     HEAD and checks the 100k-file tree for changes: the cost without
#     --begin).
# It prints the time per test of each and the overhead over `true`.
# Target: at most 10 ms per test after --begin.  Needs git
# to build the repository; when ktstr-rundir is not built, the six
# variables --begin would export are set by hand (same effect).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
test_prog=$top/bin/ktstr-test
rundir_prog=$top/bin/ktstr-rundir
nfiles=${1:-100000}
n=${2:-200}
[ -x "$test_prog" ] || { echo "bench/test-overhead.sh: build first (make)" >&2; exit 2; }
command -v git >/dev/null 2>&1 || { echo "bench/test-overhead.sh: needs git" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
repo=$work/repo
mkdir -p "$repo"
cd "$repo"

printf 'building a repository of %d files...\n' "$nfiles" >&2
perl -e '
	my $n = shift;
	for my $i (0 .. $n - 1) {
		my $d = sprintf("d%03d", $i % 1000);
		mkdir $d unless -d $d;
		open(my $f, ">", "$d/f$i.c") or die "$d/f$i.c: $!";
		print $f "int f$i(void) { return $i; }\n";
		close $f;
	}' "$nfiles"
git init -q .
git -c gc.auto=0 -c maintenance.auto=0 add -A
git -c gc.auto=0 -c maintenance.auto=0 -c user.name=b -c user.email=b@b commit -q -m files
unset KTSTR_SIDECAR_DIR KTSTR_RUN_ID KTSTR_RUN_DIR KTSTR_KERNEL CARGO_TARGET_DIR

now() { date +%s%N; }

# Seconds of CPU used so far by the children of this shell.  times(1)
# runs in this shell, not in a $(...) subshell, which has no children yet.
child_cpu() {
	times >"$work/times"
	awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' \
		"$work/times"
}

# loop COUNT CMD...: run CMD COUNT times; print the wall nanoseconds and
# the CPU seconds they took (the CPU figure does not count waiting for a
# CPU, so it holds on a loaded machine).
loop() {
	count=$1
	shift
	child_cpu >"$work/c0"
	t0=$(now)
	i=0
	while [ $i -lt "$count" ]; do
		"$@" >/dev/null 2>&1
		i=$((i + 1))
	done
	t1=$(now)
	child_cpu >"$work/c1"
	echo "$((t1 - t0)) $(awk -v a="$(cat "$work/c0")" -v b="$(cat "$work/c1")" 'BEGIN { print b - a }')"
}

plain_n=$(( n / 10 > 0 ? n / 10 : 1 ))
plain=$(loop "$plain_n" "$test_prog" -q -- true)
status=$(loop "$plain_n" git -c gc.auto=0 status --porcelain -uno)

if [ -x "$rundir_prog" ]; then
	vars=$("$rundir_prog" --begin)
	eval "$vars"
else
	echo "ktstr-rundir not built: exporting what --begin would" >&2
	KTSTR_RUN_ID=bench-$$ KTSTR_RUN_DIR=$repo/target/ktstr/unknown-bench
	KTSTR_PROJECT_COMMIT=bench KTSTR_KERNEL_VERSION= KTSTR_KERNEL_COMMIT=
	KTSTR_RUN_SOURCE=local
	export KTSTR_RUN_ID KTSTR_RUN_DIR KTSTR_PROJECT_COMMIT KTSTR_KERNEL_VERSION \
		KTSTR_KERNEL_COMMIT KTSTR_RUN_SOURCE
fi
# The peer before and after, so that drift of the machine hits both.
half=$(( n / 2 > 0 ? n / 2 : 1 ))
true_a=$(loop "$half" /bin/true)
begun=$(loop "$n" "$test_prog" -q -- true)
true_b=$(loop "$half" /bin/true)

# Figures on a loaded machine mostly measure waiting for a CPU: say so.
load=$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
echo "$true_a $true_b $begun $plain $status" | awk -v load="$load" -v n="$n" -v h="$half" \
	-v pn="$plain_n" -v f="$nfiles" '{
	t = ($1 + $3) / (2 * h); tc = ($2 + $4) / (2 * h)
	bg = $5 / n; bc = $6 / n; pl = $7 / pn; pc = $8 / pn; st = $9 / pn; sc = $10 / pn
	printf "repository: %d files; load average: %s\n", f, load
	printf "per test                            wall ms    CPU ms\n"
	printf "/bin/true                          %8.3f  %8.3f  (%d runs)\n", t / 1e6, tc * 1e3, 2 * h
	printf "ktstr-test -- true after --begin   %8.3f  %8.3f  (%d runs)\n", bg / 1e6, bc * 1e3, n
	printf "ktstr-test -- true, no --begin     %8.3f  %8.3f  (%d runs)\n", pl / 1e6, pc * 1e3, pn
	printf "git status --porcelain -uno        %8.3f  %8.3f  (%d runs, the same tree check)\n", st / 1e6, sc * 1e3, pn
	printf "overhead after --begin             %8.3f  %8.3f  target <= 10 ms wall: %s\n", \
		(bg - t) / 1e6, (bc - tc) * 1e3, (bg - t) / 1e6 <= 10 ? "met" : "MISSED"
	printf "overhead without --begin           %8.3f  %8.3f\n", (pl - t) / 1e6, (pc - tc) * 1e3
	printf "ratio after --begin                %8.2f x /bin/true (wall)\n", bg / t
}'
