#!/bin/sh
# bench/stream.sh [N [BIG]]: ktstr-compare on an NDJSON stream, against
# its peers measured in the same run.
#
# Writes N sidecars (default 4000) into a temporary runs root: the
# fixture tree's sidecars in turn, with test name, kernel (four of them),
# scheduler, topology and headline numbers varied, three trials of each.
# Then prints, each figure the best of five runs after a warm-up:
#
#   ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <STREAM     MB/s, and the
#       ratio to jq -c . <STREAM >/dev/null  (target: >= 1 GB/s, >= 40x)
#   ktstr-scan --dir R | ktstr-compare ...   against ktstr-scan --dir R
#       >/dev/null alone                     (target: <= 1.2x)
#   ktstr-compare's peak RSS on a stream of BIG lines (default 60000: the
#       stream's lines again under other test names), with the stream's
#       size beside it                       (target: <= 64 MB)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-4000}
big=${2:-60000}
scan=$top/bin/ktstr-scan
cmp=$top/bin/ktstr-compare
for p in "$scan" "$cmp"; do
	[ -x "$p" ] || { echo "bench/stream.sh: build first (make)" >&2; exit 2; }
done
command -v jq >/dev/null 2>&1 || { echo "bench/stream.sh: jq is the peer (apt-get install jq)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/runs
stream=$work/stream.ndjson
bigstream=$work/big.ndjson

# One awk process writes every file.  Each template's top-level identity
# lines and two headline numbers are replaced (a different value per
# kernel and trial, so averaging and the verdicts have work to do).
find "$top/t/fixtures/sidecars/6.14-abc1234" "$top/t/fixtures/sidecars/7.0-def5678" \
	-maxdepth 1 -name '*.ktstr.json' | sort >"$work/templates"
awk -v n="$n" -v root="$root" '
	FNR == 1 { nt++ }
	{ tmpl[nt, FNR] = $0; len[nt] = FNR }
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
			m = test % nt + 1
			for (i = 1; i <= len[m]; i++) {
				line = tmpl[m, i]
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
	}' $(cat "$work/templates")

"$scan" --dir "$root" >"$stream"
# The big stream: the stream again and again, each copy's tests renamed
# (the first "test_name" of a line is the sidecar's own).
copies=$(( (big + n - 1) / n ))
i=0
while [ "$i" -lt "$copies" ]; do
	sed "s/\"test_name\":\"test/\"test_name\":\"c$i-test/" "$stream"
	i=$((i + 1))
done | head -n "$big" >"$bigstream"

. "$top/bench/lib.sh"

filters="--a-kernel 6.14 --b-kernel 7.0"
# A comparison that failed would time nothing: each input must compare.
for f in "$stream" "$bigstream"; do
	rc=0
	"$cmp" $filters <"$f" >"$work/out" || rc=$?
	if [ "$rc" -gt 1 ] || ! grep -q REGRESSION "$work/out"; then
		echo "bench/stream.sh: ktstr-compare failed on $f (exit $rc)" >&2
		exit 2
	fi
done
bytes=$(wc -c <"$stream")
bigbytes=$(wc -c <"$bigstream")
t_cmp=$(best "'$cmp' $filters <'$stream'")
t_jq=$(best "jq -c . <'$stream'")
t_pipe=$(best "'$scan' --dir '$root' | '$cmp' $filters")
t_scan=$(best "'$scan' --dir '$root'")
rss=$(measure "'$cmp' $filters <'$bigstream'" | cut -d' ' -f3)
rss_small=$(measure "'$cmp' $filters <'$stream'" | cut -d' ' -f3)

echo "bench/stream.sh: $n sidecars, $bytes bytes of stream (load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
printf '%s %s %s %s\n' "$t_cmp" "$t_jq" "$t_pipe" "$t_scan" | awk -v b="$bytes" '{
	printf "%-36s %8.4f s wall %8.4f s cpu  %7.0f MB/s\n", "ktstr-compare <stream", $1, $2, b / $1 / 1e6
	printf "%-36s %8.4f s wall %8.4f s cpu  %7.0f MB/s\n", "jq -c . <stream (peer)", $3, $4, b / $3 / 1e6
	printf "%-36s %8.4f s wall %8.4f s cpu\n", "ktstr-scan --dir R | ktstr-compare", $5, $6
	printf "%-36s %8.4f s wall %8.4f s cpu\n", "ktstr-scan --dir R (peer)", $7, $8
	printf "%-36s %8.1fx wall %8.1fx cpu   (target >= 40x, >= 1000 MB/s)\n", "jq / ktstr-compare", $3 / $1, $4 / $2
	printf "%-36s %8.2fx wall %8.2fx cpu   (target <= 1.2x wall)\n", "pipeline / scan alone", $5 / $7, $6 / $8
}'
awk -v r="$rss" -v rs="$rss_small" -v big="$big" -v bb="$bigbytes" -v n="$n" -v b="$bytes" 'BEGIN {
	printf "%-36s %8.1f MB  (%d lines, %.0f MB of stream)\n", "ktstr-compare peak RSS", rs / 1024, n, b / 1e6
	printf "%-36s %8.1f MB  (%d lines, %.0f MB of stream; target <= 64 MB)\n", "ktstr-compare peak RSS", r / 1024, big, bb / 1e6
}'
