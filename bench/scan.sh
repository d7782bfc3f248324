#!/bin/sh
# bench/scan.sh [N]: ktstr-scan of N sidecars (default 10000) against
# cat and jq over the same files, measured in the same run.
#
# The sidecars are the fixture sidecars with varied names and values,
# spread over 10 run directories of a temporary runs root.  Each command
# runs 5 times after a warm-up; the best wall time counts.  Targets
# (DESIGN.md): ktstr-scan <= 3x cat, and >= 10x faster than jq -c .
set -eu

n=${1:-10000}
top=$(cd "${0%/*}/.." && pwd)
scan=$top/bin/ktstr-scan
[ -x "$scan" ] || { echo "bench/scan.sh: build first (make)" >&2; exit 2; }

root=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM

# Valid fixtures only: the truncated one would make every tool fail differently.
find "$top/t/fixtures/sidecars" -name '*.ktstr.json' ! -name 'pipe_pingpong-*' | sort >"$root/.src"
awk -v n="$n" -v root="$root" '
	FNR == 1 { nf++ }
	{ line[nf, FNR] = $0; len[nf] = FNR }
	END {
		for (r = 0; r < 10; r++)
			system("mkdir -p " root "/run-" r)
		for (i = 0; i < n; i++) {
			f = i % nf + 1
			out = sprintf("%s/run-%d/t%05d-%08x%08x.ktstr.json", root, i % 10, i, i, (i * 40503) % 65536)
			for (k = 1; k <= len[f]; k++) {
				l = line[f, k]
				if (l ~ /^  "test_name": /)
					sub(/": "/, "\": \"t" i "_", l)
				else if (match(l, /"total_iterations": [0-9]+/))
					l = substr(l, 1, RSTART + 19) (substr(l, RSTART + 20, RLENGTH - 20) + i % 97) \
					    substr(l, RSTART + RLENGTH)
				else if (l ~ /"run_id": /)
					sub(/Z-[0-9]+/, "Z-" i, l)
				printf "%s%s", l, k < len[f] ? "\n" : "" > out
			}
			close(out)
		}
	}' $(cat "$root/.src")
rm "$root/.src"

# best CMD: the best wall time of 5 runs, in seconds.
best() {
	sh -c "$1" >/dev/null 2>&1 || true
	b=
	for _ in 1 2 3 4 5; do
		t0=$(date +%s%N)
		sh -c "$1" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		t=$((t1 - t0))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	awk -v t="$b" 'BEGIN { printf "%.4f", t / 1e9 }'
}

bytes=$(cat "$root"/run-*/*.ktstr.json | wc -c)
echo "bench/scan.sh: $n sidecars, $bytes bytes, in 10 runs"
t_cat=$(best "cat '$root'/run-*/*.ktstr.json")
t_scan=$(best "'$scan' --dir '$root'")
printf '%-28s %8ss\n' "cat" "$t_cat" "ktstr-scan --dir" "$t_scan"
awk -v s="$t_scan" -v c="$t_cat" 'BEGIN {
	printf "ktstr-scan / cat            %8.2fx   (target <= 3x)\n", s / c }'
if command -v jq >/dev/null 2>&1; then
	t_jq=$(best "jq -c . '$root'/run-*/*.ktstr.json")
	printf '%-28s %8ss\n' "jq -c ." "$t_jq"
	awk -v s="$t_scan" -v j="$t_jq" 'BEGIN {
		printf "jq / ktstr-scan             %8.2fx   (target >= 10x)\n", j / s }'
else
	echo "jq not found: the jq comparison is skipped"
fi
