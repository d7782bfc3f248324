#!/bin/sh
# bench/compare-extras.sh [N]: what ktstr-compare's options beyond
# upstream cost, against the plain comparison of the same pool.
#
# Writes one NDJSON stream of N sidecars (default 10000: two kernels,
# 50 tests x 5 schedulers x 4 topologies, 5 trials of each, noisy
# numbers so every compared metric has a spread and a t-test), then
# times, in the same run (best of five each),
#
#     ktstr-compare --a-kernel 6.14 --b-kernel 7.0 STREAM          (the peer)
#     ... --spread --significance 0.05
#     ... --json
#     ... --tsv
#     ... --svg chart.svg
#     ... --registry newest   (the newest upstream's 172 metrics, folded by kind)
#
# and prints each one's wall time and its ratio to the peer's (which,
# for these 0.4.9 sidecars, gates with 0.4.9's 19 metrics).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
[ -x "$top/bin/ktstr-compare" ] || { echo "bench/compare-extras.sh: build first (make)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
stream=$work/pool.ndjson

awk -v n="$n" 'BEGIN {
	split("6.14.2 7.0.0", kern, " ")
	split("scx_rusty scx_lavd scx_bpfland eevdf scx_flash", sched, " ")
	split("1n1l2c1t 1n2l2c1t 2n2l2c2t 1n1l4c1t", topo, " ")
	srand(1)
	made = 0
	for (test = 0; made < n; test++)
	for (k = 1; k <= 2 && made < n; k++)
	for (s = 1; s <= 5 && made < n; s++)
	for (t = 1; t <= 4 && made < n; t++)
	for (trial = 1; trial <= 5 && made < n; trial++) {
		printf "{\"test_name\":\"test%d\",\"topology\":\"%s\",\"scheduler\":\"%s\",", test, topo[t], sched[s]
		printf "\"scheduler_commit\":null,\"project_commit\":\"aaaaaaa\",\"payload\":null,"
		printf "\"metrics\":[],\"passed\":true,\"skipped\":false,"
		printf "\"stats\":{\"cgroups\":[],\"total_workers\":2,\"total_cpus\":2,\"total_migrations\":%d,", 50 + int(rand() * 20)
		printf "\"worst_spread\":%.2f,\"worst_gap_ms\":%d,\"worst_gap_cpu\":0,", 10 + k * 3 + rand() * 4, 100 + k * 300 + int(rand() * 50)
		printf "\"worst_migration_ratio\":0.1,\"worst_p99_wake_latency_us\":%.1f,", 100 + rand() * 80
		printf "\"worst_median_wake_latency_us\":%.1f,\"worst_wake_latency_cv\":0.2,", 40 + rand() * 10
		printf "\"total_iterations\":%d,\"worst_mean_run_delay_us\":%.1f,", 1000 + k * 100 + int(rand() * 60), 20 + rand() * 5
		printf "\"worst_run_delay_us\":%.1f,\"worst_page_locality\":0.9,", 200 + rand() * 100
		printf "\"worst_cross_node_migration_ratio\":0.0,"
		printf "\"worst_wake_latency_tail_ratio\":2.5,\"worst_iterations_per_worker\":500.0},"
		printf "\"monitor\":null,\"stimulus_events\":[],\"work_type\":\"CpuSpin\","
		printf "\"active_flags\":[],\"verifier_stats\":[],\"kvm_stats\":null,\"sysctls\":[],"
		printf "\"kargs\":[],\"kernel_version\":\"%s\",\"kernel_commit\":null,", kern[k]
		printf "\"timestamp\":\"2025-01-01T00:00:00Z\",\"run_id\":\"r\",\"host\":null,"
		printf "\"cleanup_duration_ms\":null,\"run_source\":\"local\"}\n"
		made++
	}
}' >"$stream"

# measure ARGS: the best wall time of five runs of the comparison, in
# seconds (date +%N: /usr/bin/time's centiseconds are too coarse here).
measure() {
	for i in 1 2 3 4 5; do
		s=$(date +%s%N)
		(cd "$work" && "$top/bin/ktstr-compare" --a-kernel 6.14 --b-kernel 7.0 $1 "$stream" \
			>/dev/null) || test $? -le 1
		e=$(date +%s%N)
		echo $((e - s))
	done | sort -n | head -1 | awk '{ printf "%.4f\n", $1 / 1e9 }'
}

cat "$stream" >/dev/null
base=$(measure "")
printf '%d sidecars (%d compared metrics)\n' "$n" \
	"$(cd "$work" && "$top/bin/ktstr-compare" --a-kernel 6.14 --b-kernel 7.0 --tsv "$stream" |
		tail -n +2 | wc -l)"
printf '%-36s %7.4f s\n' "plain comparison (peer)" "$base"
for args in "--spread --significance 0.05" "--json" "--tsv" "--svg chart.svg" "--registry newest"; do
	t=$(measure "$args")
	echo "$t $base" | awk -v a="$args" '{ printf "%-36s %7.4f s  %.2fx the peer\n", a, $1, $1 / $2 }'
done
