# t/lib-scan.sh: helpers shared by the ktstr-scan tests (t00NN-scan-*.sh).

# A private copy of the fixture runs root at ./$1 (default tgt/ktstr).
copy_runs() {
	mkdir -p "$(dirname "${1:-tgt/ktstr}")" &&
	cp -R "$FIXTURES/sidecars" "${1:-tgt/ktstr}"
}

# stream_line FILE PATH RUN [archive]: the stream line ktstr-scan must
# write for the pretty-printed sidecar FILE, built independently of the
# program: serde's layout puts one token (or key and token) per line, so
# dropping the indentation and the space after each key's colon and
# joining the lines gives the compact text.  RUN is a JSON value.
stream_line() {
	printf '{"_path":"%s","_run":%s,' "$2" "$3"
	if [ -n "$4" ]; then
		printf '"_archive":true,'
	fi
	sed -e 's/^ *//' -e 's/^\("[^"]*"\): /\1:/' "$1" | tr -d '\n' | sed 's/^{//'
	echo
}

# The valid fixture sidecars in walk order, relative to a runs root.
fixture_order() {
	cat <<-\EOF2
	6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json
	6.14-abc1234/cgroup_steady-e76ee826182544b1.ktstr.json
	6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json
	6.14-abc1234/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json
	6.14-abc1234/numa_spread-0c40d85a5019dd4d.ktstr.json
	6.14-abc1234/gauntlet-job-3/cgroup_steady-074da016e9dfc526.ktstr.json
	6.14-abc1234/gauntlet-job-3/cgroup_steady-9af5ff3a35993979.ktstr.json
	6.14-abc1234-dirty/cgroup_steady-158d5b4cb04a5b42.ktstr.json
	6.14-abc1234-dirty/cgroup_steady-e76ee826182544b1.ktstr.json
	6.14-abc1234-dirty/fio_randread-e9a8f9ab8d1ca062.ktstr.json
	7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json
	7.0-def5678/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json
	7.0-def5678/schbench_latency-ead14fb7efa0ecbd.ktstr.json
	7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json
	7.0-def5678/.scratch/cgroup_steady-158d5b4cb04a5b42.ktstr.json
	EOF2
}

# expected_stream ROOT [archive] [RUN-FILTER]: the stream of the fixture
# copy at ROOT (paths as ROOT/...), optionally only the runs matching the
# extended regular expression RUN-FILTER.
expected_stream() {
	fixture_order | grep -E "^(${3:-.*})/" | while read -r f; do
		stream_line "$1/$f" "$1/$f" "\"${f%%/*}\"" "$2"
	done
}

BAD=6.14-abc1234-dirty/pipe_pingpong-1f65a7a7963ff767.ktstr.json
BADMSG='EOF while parsing an object at line 22 column 31'

# must_be_empty FILE
must_be_empty() {
	if [ -s "$1" ]; then
		echo "$1 is not empty:" >&2
		cat "$1" >&2
		return 1
	fi
}
