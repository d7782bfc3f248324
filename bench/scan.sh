#!/bin/sh
# bench/scan.sh [N]: ktstr-scan of N sidecars (default 10000) against
# cat and jq over the same files, measured in the same run.
#
# The sidecars are the fixture sidecars with varied names and values,
# spread over 10 run directories of a temporary runs root.  Each command
# runs 5 times after a warm-up; the best wall time and the best CPU
# time (user + system) are reported.  Targets:
# ktstr-scan <= 3x cat, and >= 10x faster than jq -c .
set -eu

n=${1:-10000}
top=$(cd "${0%/*}/.." && pwd)
scan=$top/bin/ktstr-scan
[ -x "$scan" ] || { echo "bench/scan.sh: build first (make)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/runs
mkdir "$root"

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

. "$top/bench/lib.sh"

# row NAME "WALL CPU"
row() {
	echo "$2" | awk -v n="$1" '{ printf "%-22s %9ss wall %9ss cpu\n", n, $1, $2 }'
}

# ratio LABEL "A_WALL A_CPU" "B_WALL B_CPU" TARGET: A / B
ratio() {
	printf '%s %s\n' "$2" "$3" | awk -v l="$1" -v t="$4" '{
		printf "%-22s %9.2fx wall %9.2fx cpu   (target %s)\n", l, $1 / $3, $2 / $4, t }'
}

bytes=$(cat "$root"/run-*/*.ktstr.json | wc -c)
echo "bench/scan.sh: $n sidecars, $bytes bytes, in 10 runs (load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
t_cat=$(best "cat '$root'/run-*/*.ktstr.json")
t_scan=$(best "'$scan' --dir '$root'")
row cat "$t_cat"
row "ktstr-scan --dir" "$t_scan"
if command -v jq >/dev/null 2>&1; then
	t_jq=$(best "jq -c . '$root'/run-*/*.ktstr.json")
	row "jq -c ." "$t_jq"
fi
ratio "ktstr-scan / cat" "$t_scan" "$t_cat" "<= 3x"
if [ -n "${t_jq:-}" ]; then
	ratio "jq / ktstr-scan" "$t_jq" "$t_scan" ">= 10x"
else
	echo "jq not found: the jq comparison is skipped"
fi
