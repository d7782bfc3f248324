#!/bin/sh
# make demo: run the programs that are built on the sample runs tree in
# t/fixtures/sidecars, with a caption before each command.  Builds
# nothing; a program that is not built is skipped.  To show a new
# program, add a demo_NAME function and list it in the loop at the end.

top=$(cd "${0%/*}/.." && pwd)
PATH=$top/bin:$PATH
export PATH
unset CARGO_TARGET_DIR NO_COLOR
# A scratch copy keeps the sample tree pristine and gives it the run
# directory times that the "newest run" rules look at.
work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-demo.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/target" &&
	cp -R "$top/t/fixtures/sidecars" "$work/target/ktstr" &&
	touch -d '2025-03-14 09:30' "$work/target/ktstr/6.14-abc1234" &&
	touch -d '2025-03-14 11:05' "$work/target/ktstr/6.14-abc1234-dirty" &&
	touch -d '2025-04-02 03:20' "$work/target/ktstr/7.0-def5678" || exit 2
cd "$work" || exit 2

# show CAPTION COMMAND: print the caption and the command, then run it.
show() {
	printf '\n### %s\n$ %s\n' "$1" "$2"
	sh -c "$2" 2>&1
	printf '(exit status %d)\n' $?
}

demo_ktstr_scan() {
	show 'Every sidecar of every run under target/ktstr, one line each (shortened here)' \
		'ktstr-scan | cut -c 1-110'
	show 'Which run and file each line came from' \
		"ktstr-scan 2>/dev/null | sed 's/^{\"_path\":\\(\"[^\"]*\"\\),\"_run\":\\(\"[^\"]*\"\\).*/\\2 \\1/'"
	show 'Only the newest run' 'ktstr-scan --newest | wc -l'
	show 'A run that does not exist' 'ktstr-scan --run 6.14-abc123'
	show 'Why are optional fields null in a run?' 'ktstr-scan --explain --run 6.14-abc1234-dirty 2>/dev/null | head -22'
}

demo_ktstr_rundir() {
	show 'The runs under target/ktstr, newest first' 'ktstr-rundir --list 2>/dev/null'
	show 'Where the next sidecar of this tree would go' 'ktstr-rundir'
}

demo_ktstr_compare() {
	show 'The report of the newest run' 'ktstr-compare --analyze 2>/dev/null | head -16'
	show 'The values each filter can take' 'ktstr-compare --list-values 2>/dev/null | head -12'
	# A "6.15" run of the baseline's steady tests, slower in the tail:
	# enough for a comparison with verdicts.
	mkdir -p target/ktstr/6.15-abc1234 &&
		for f in target/ktstr/6.14-abc1234/cgroup_steady-*.ktstr.json; do
			sed -e 's/"kernel_version": "6.14"/"kernel_version": "6.15"/' \
				-e 's/"worst_p99_wake_latency_us": [0-9.]*/"worst_p99_wake_latency_us": 131.0/' \
				-e 's/"worst_spread": [0-9.]*/"worst_spread": 4.5/' \
				"$f" >"target/ktstr/6.15-abc1234/${f##*/}"
		done
	show 'Kernel 6.14 against 6.15, from the scan stream; exit 1 means a regression' \
		'ktstr-scan 2>/dev/null | ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --project-commit abc1234'
	rm -rf target/ktstr/6.15-abc1234
	demo_generations
	demo_history
}

# The same two tests run by ktstr 0.4.9 (kernel 6.14) and by the newest
# upstream (7.0): one pool, paired across the generations.
demo_generations() {
	cp -R "$top/t/fixtures/generations/mixed" mixed || return
	show 'Runs of ktstr 0.4.9 and of the newest upstream as one pool: which generation wrote each' \
		'ktstr-scan --explain --dir mixed --run 6.14-abc1234 --run 7.0-abc1234 | grep -E "^(test|  generation)"'
	show 'The 0.4.9 run against the newest one, gated by the newest registry (the first lines)' \
		'ktstr-compare --dir mixed --a-kernel 6.14 --b-kernel 7.0 2>/dev/null | head -12'
	show 'The same pool gated as 0.4.9 gated it: what the newest run lacks reads 0' \
		'ktstr-compare --dir mixed --a-kernel 6.14 --b-kernel 7.0 --registry 0.4 2>/dev/null | head -8'
	rm -rf mixed
}

# A project of twelve commits, each with a run of the baseline's first
# cgroup_steady test whose worst_spread steps up at the eighth (git
# builds the repository, so this needs git; without it the step is skipped).
demo_history() {
	command -v git >/dev/null 2>&1 || return 0
	src=$(ls "$PWD"/target/ktstr/6.14-abc1234/cgroup_steady-*.ktstr.json | head -1)
	mkdir -p project && (
		cd project && git init -q -b main . &&
		n=0 && for spread in 20.2 19.6 20.6 19.8 20.4 19.4 20.0 26.4 25.8 26.8 26.0 25.6; do
			n=$((n + 1))
			GIT_AUTHOR_DATE="@$((1741944600 + n * 3600)) +0000" GIT_COMMITTER_DATE="@$((1741944600 + n * 3600)) +0000" \
				git -c user.name=demo -c user.email=demo@example.com commit -q --allow-empty -m "change $n" || exit 1
			h=$(git rev-parse --short=7 HEAD)
			mkdir -p "../history/6.14-$h"
			sed -e "s/\"project_commit\": \"abc1234\"/\"project_commit\": \"$h\"/" \
				-e "s/\"worst_spread\": [0-9.]*/\"worst_spread\": $spread/" "$src" \
				>"../history/6.14-$h/${src##*/}" || exit 1
		done
	) || return
	show 'Where along main did a metric move? Change points by E-divisive means; exit 1: a regression' \
		'cd project && git log --format="%h %s" | tail -8 | head -2 && ktstr-compare --history ../history 2>/dev/null'
	show 'The same as JSON Lines, for a CI job to act on' \
		'cd project && ktstr-compare --history --json ../history 2>/dev/null'
	show 'The pull-request gate: HEAD against an earlier commit, as Markdown for a job summary' \
		'cd project && ktstr-compare --perf-delta --base HEAD~6 --markdown ../history 2>/dev/null | head -12'
	rm -rf project history
}

demo_ktstr_hostinfo() {
	show 'The host a run was recorded on' 'ktstr-hostinfo --run 6.14-abc1234'
	show 'What differs between the hosts of two runs; exit 1 when anything does' \
		'ktstr-hostinfo --diff 6.14-abc1234 7.0-def5678'
}

demo_ktstr_test() {
	# Its own directory, and KTSTR_SIDECAR_DIR so the sample runs stay as they are.
	mkdir -p "$work/tests" && cd "$work/tests" || return
	KTSTR_SIDECAR_DIR=sidecars
	export KTSTR_SIDECAR_DIR
	show 'Run a command as a test; it reports a metric through $KTSTR_METRICS' \
		'ktstr-test -n smoke -- sh -c '"'"'echo "throughput 512.5 MB/s higher" >>"$KTSTR_METRICS"'"'"''
	show 'A failing and a skipped test file, two at a time, as JSON lines' \
		'mkdir -p t && printf "#!/bin/sh\nexit 1\n" >t/bad && printf "#!/bin/sh\nexit 77\n" >t/later && chmod +x t/* && ktstr-test -j 2 --json t/bad t/later'
	show 'The metrics of the first sidecar: the reported one and the wall time' \
		'sed -n "/^      \"metrics\": \[/,/^      \],/p" sidecars/smoke-*.ktstr.json'
	# A busy or small host may judge the run unfair: what it measured is shown either way.
	show 'A real workload: 2 cgroups of 2 spinning workers for half a second, and what it measured' \
		'ktstr-test --scenario cgroup_steady --duration 0.5 --settle-ms 0 --cgroup-mode none; grep "^    \"\(total_iterations\|worst_spread\|worst_run_delay_us\)\"" sidecars/cgroup_steady-*.ktstr.json'
	unset KTSTR_SIDECAR_DIR
	cd "$work" || return
}

for prog in ktstr-rundir ktstr-scan ktstr-compare ktstr-hostinfo ktstr-test; do
	fn=demo_$(echo "$prog" | tr - _)
	if [ -x "$top/bin/$prog" ] && command -v "$fn" >/dev/null 2>&1; then
		"$fn"
	fi
done
