#!/bin/sh
# bench/compare.sh [N]: ktstr-scan | ktstr-compare over N generated sidecars.
#
# Writes N sidecars (default 10000: four kernels, five schedulers, five
# topologies, three trials of each test) shaped like the fixture tree's
# largest one, then times, in the same run,
#
#     ktstr-scan ROOT | ktstr-compare --a-kernel 6.14 --b-kernel 7.0
#     jq -c . FILES >/dev/null
#
# (best of three each) and prints wall and CPU times, their ratios
# (target: ktstr-compare at least 10x faster than jq) and ktstr-compare's
# peak RSS (target: under 200 MB for 10000 sidecars, growing linearly).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
for p in ktstr-scan ktstr-compare; do
	[ -x "$top/bin/$p" ] || { echo "bench/compare.sh: build first (make)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "bench/compare.sh: jq is needed as the peer" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/ktstr
template=$top/t/fixtures/sidecars/6.14-abc1234/cgroup_steady-e76ee826182544b1.ktstr.json

# One awk process writes every file: the template with its identity and
# headline numbers replaced (a different value per trial, so averaging
# and the verdicts have work to do).
awk -v n="$n" -v root="$root" '
	{ tmpl[NR] = $0 }
	END {
		split("6.14.2 6.15.0 6.16.1 7.0.0", kern, " ")
		split("scx_rusty scx_lavd scx_bpfland eevdf scx_flash", sched, " ")
		split("1n1l2c1t 1n2l2c1t 2n2l2c2t 1n1l4c1t 2n4l2c1t", topo, " ")
		made = 0
		for (test = 0; made < n; test++)
		for (k = 1; k <= 4 && made < n; k++)
		for (s = 1; s <= 5 && made < n; s++)
		for (t = 1; t <= 5 && made < n; t++)
		for (trial = 1; trial <= 3 && made < n; trial++) {
			dir = root "/" kern[k] "-abc1234"
			if (!(dir in mk)) { system("mkdir -p " dir); mk[dir] = 1 }
			f = sprintf("%s/test%d-%s-%s-%d.ktstr.json", dir, test, sched[s], topo[t], trial)
			for (i = 1; i <= NR; i++) {
				line = tmpl[i]
				if (line ~ /^  "test_name"/) line = "  \"test_name\": \"test" test "\","
				else if (line ~ /^  "scheduler"/) line = "  \"scheduler\": \"" sched[s] "\","
				else if (line ~ /^  "topology"/) line = "  \"topology\": \"" topo[t] "\","
				else if (line ~ /^  "kernel_version"/) line = "  \"kernel_version\": \"" kern[k] "\","
				else if (line ~ /^    "worst_spread"/) line = "    \"worst_spread\": " (k * 2 + trial) ".5,"
				else if (line ~ /^    "worst_gap_ms"/) line = "    \"worst_gap_ms\": " (k * 300 + trial) ","
				print line > f
			}
			close(f)
			made++
		}
	}' "$template"

files=$work/files
find "$root" -name '*.ktstr.json' | sort >"$files"
bytes=$(xargs cat <"$files" | wc -c)

# measure CMD...: "wall cpu" in seconds (cpu = user + sys of every
# process of the pipeline), the best of three runs on a shared machine.
measure() {
	for i in 1 2 3; do
		/usr/bin/time -f "%e %U %S" sh -c "$1" 2>&1 >/dev/null | tail -1
	done | awk '{ w = $1; c = $2 + $3; if (NR == 1 || w < bw) bw = w; if (NR == 1 || c < bc) bc = c }
		END { printf "%.3f %.3f\n", bw, bc }'
}

# Warm the page cache for both.
xargs cat <"$files" >/dev/null

ours=$(measure "'$top/bin/ktstr-scan' '$root' | '$top/bin/ktstr-compare' --a-kernel 6.14 --b-kernel 7.0; test \$? -le 1")
peer=$(measure "xargs jq -c . <'$files'")
found=$("$top/bin/ktstr-scan" "$root" | "$top/bin/ktstr-compare" --a-kernel 6.14 --b-kernel 7.0 |
	grep -c 'REGRESSION\|improvement' || true)
rss=$(
	"$top/bin/ktstr-scan" "$root" |
		/usr/bin/time -f %M "$top/bin/ktstr-compare" --a-kernel 6.14 --b-kernel 7.0 \
			2>&1 >/dev/null | tail -1
)

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
echo "$ours $peer" | awk -v n="$n" -v b="$bytes" -v rss="$rss" -v found="$found" -v load="$load" '{
	printf "%d sidecars, %.1f MB (load: %s)\n", n, b / 1e6, load
	printf "ktstr-scan | ktstr-compare: %.3f s wall, %.3f s cpu (%d findings)\n", $1, $2, found
	printf "jq -c . over the same files: %.3f s wall, %.3f s cpu\n", $3, $4
	printf "ratio: ktstr-compare is %.1fx faster than jq (wall), %.1fx (cpu)\n", $3 / $1, $4 / $2
	printf "ktstr-compare peak RSS: %.1f MB\n", rss / 1024
}'
