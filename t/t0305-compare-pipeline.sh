#!/bin/sh
# ktstr-compare in pipelines with ktstr-scan, and the man page EXAMPLES.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

CARGO_TARGET_DIR=tgt
export CARGO_TARGET_DIR

test_expect_success 'setup: the fixture runs root, and a pool with findings' '
	mkdir tgt &&
	cp -R "$FIXTURES/sidecars" tgt/ktstr &&
	cp -R tgt/ktstr old-runs &&
	rm tgt/ktstr/6.14-abc1234-dirty/pipe_pingpong-*.ktstr.json &&
	mkdir -p R/6.14.2-aaaaaaa R/6.15.0-aaaaaaa &&
	for s in scx_rusty scx_lavd; do
		sidecar R/6.14.2-aaaaaaa/$s.ktstr.json scheduler=$s spread=10.0 gap=100 &&
		sidecar R/6.15.0-aaaaaaa/$s.ktstr.json scheduler=$s kernel=\"6.15.0\" spread=20.0 \
			gap=900 || return 1
	done
'

test_expect_success 'ktstr-scan | ktstr-compare reads the same pool as the default root' '
	ktstr-compare --a-kernel 6.14 --b-kernel 7.0 </dev/null >expect 2>expect.err &&
	ktstr-scan | ktstr-compare --a-kernel 6.14 --b-kernel 7.0 >actual 2>actual.err &&
	test_cmp expect actual &&
	test_cmp expect.err actual.err
'

test_expect_success 'ktstr-scan ROOT | ktstr-compare equals ktstr-compare ROOT' '
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 R >expect &&
	grep -q "/archive/" expect &&
	ktstr-scan R | test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 >actual &&
	test_cmp expect actual &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --dir R >actual &&
	test_cmp expect actual
'

test_expect_success 'ktstr-scan | grep scx_lavd | ktstr-compare' '
	ktstr-scan R | grep scx_lavd | test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 >actual &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --scheduler scx_lavd R >expect &&
	test_cmp expect actual &&
	grep -c "REGRESSION" actual >count &&
	echo 2 >two && test_cmp two count
'

test_expect_success 'an archive against the stored runs: the "_archive" member' '
	{ ktstr-scan --dir old-runs; ktstr-scan; } 2>/dev/null |
		ktstr-compare --a-run-source archive --b-run-source local >actual &&
	sed -n 1,3p actual >head &&
	cat >expect <<-\EOF &&
	slicing dimensions: run-source
	pairing on: scenario, kernel, scheduler, topology, work-type, project-commit, kernel-commit, flags
	averaged across 15 runs (archive) and 10 runs (local)
	EOF
	test_cmp expect head &&
	grep -q "^summary: 0 regressions, 0 improvements, [1-9][0-9]* unchanged\$" actual
'

test_expect_success DEVFULL 'a write error on standard output exits 2, even with a regression' '
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 R >/dev/full 2>err &&
	echo "ktstr-compare: write error on standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success 'the man page EXAMPLES run' '
	awk "/^\\.Bd -literal/ { on = 1; next } /^\\.Ed/ { on = 0 } on" "$TOP/man/ktstr-compare.1" |
		sed "s/\\\\e\$/\\\\/" >examples &&
	test -s examples &&
	sed -n "s/^\\$ //p; /^    /p" examples | sed "s/^    //" >commands &&
	test $(grep -c ktstr-compare commands) -ge 6 &&
	(
		while IFS= read -r line; do
			case $line in
			*\\) cmd="$cmd${line%\\} "; continue ;;
			esac
			cmd="$cmd$line"
			sh -c "$cmd" </dev/null >/dev/null 2>&1
			rc=$?
			test $rc -le 1 || { echo "exit $rc: $cmd"; exit 1; }
			cmd=
		done <commands
	)
'

test_expect_success 'usage mirrors the man page SYNOPSIS' '
	ktstr-compare --help >usage &&
	for opt in --threshold --policy --registry --no-average -E --color --dir --list-metrics --list-values \
		--analyze --json --spread --significance --tsv --svg --markdown --perf-delta --base \
		--base-ref --default-branch --fail-threshold --must-fail --history; do
		grep -q -- "$opt" usage && grep -q -- "Fl ${opt#-}" "$TOP/man/ktstr-compare.1" ||
			{ echo "missing $opt"; return 1; }
	done
'

test_done
