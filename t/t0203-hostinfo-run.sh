#!/bin/sh
# ktstr-hostinfo --run: the host recorded in a run (the first sidecar
# with one), from a runs root, --dir, or the ktstr-scan stream.
. "${0%/*}/lib.sh"

H=$FIXTURES/host
S=$FIXTURES/sidecars

# A sidecar of the fixture tree with its host set to null.
null_host() {
	perl -0pe 's/"host": \{.*?\n  \}/"host": null/s' "$1"
}

test_expect_success 'the host of a run under --dir' '
	ktstr-hostinfo --run 7.0-def5678 --dir $S </dev/null >actual &&
	test_cmp $H/run-7.0.expect actual
'

test_expect_success 'the default runs root, and CARGO_TARGET_DIR' '
	mkdir -p target && cp -R $S target/ktstr &&
	ktstr-hostinfo --run 7.0-def5678 </dev/null >actual &&
	test_cmp $H/run-7.0.expect actual &&
	mkdir elsewhere && cd elsewhere &&
	CARGO_TARGET_DIR=../target ktstr-hostinfo --run 7.0-def5678 </dev/null >actual &&
	test_cmp $H/run-7.0.expect actual
'

test_expect_success 'the first sidecar with a host wins; a parse error is skipped' '
	ktstr-hostinfo --run 6.14-abc1234-dirty --dir $S </dev/null >actual 2>err &&
	grep -x "kernel_release: 6.13.7-200.fc41.x86_64" actual &&
	grep "^ktstr-hostinfo: skipping $S/6.14-abc1234-dirty/pipe_pingpong-1f65a7a7963ff767.ktstr.json: " err
'

test_expect_success 'a null host is passed over' '
	mkdir -p runs/r1 &&
	null_host $S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json \
		>runs/r1/a-0000000000000000.ktstr.json &&
	cp $S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json \
		runs/r1/b-0000000000000000.ktstr.json &&
	ktstr-hostinfo --run r1 --dir runs </dev/null >actual &&
	grep -x "arch: x86_64" actual
'

test_expect_success 'an empty host object counts as a host' '
	mkdir -p runs/r2 &&
	perl -0pe "s/\"host\": \{.*?\n  \}/\"host\": {}/s" \
		$S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json \
		>runs/r2/a-0000000000000000.ktstr.json &&
	cp $S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json runs/r2/ &&
	ktstr-hostinfo --run r2 --dir runs </dev/null >actual &&
	grep -x "arch: (unknown)" actual &&
	grep -x "sched_tunables: (unknown)" actual
'

test_expect_success 'no sidecar has a host: error 3' '
	mkdir -p runs/r3/sub &&
	null_host $S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json \
		>runs/r3/a-0000000000000000.ktstr.json &&
	null_host $S/7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json \
		>runs/r3/sub/b-0000000000000000.ktstr.json &&
	echo "{" >runs/r3/broken.ktstr.json &&
	test_must_fail ktstr-hostinfo --run r3 --dir runs </dev/null >out 2>err &&
	test ! -s out &&
	grep -x "ktstr-hostinfo: run '\''r3'\'' has 2 sidecar(s) but none carries a populated host context; this usually means the run predates host-context enrichment. Re-run the test to produce a sidecar with the current schema." err
'

test_expect_success 'no sidecar at all: error 2' '
	mkdir -p runs/r4 && echo "{}" >runs/r4/notes.json &&
	test_must_fail ktstr-hostinfo --run r4 --dir runs </dev/null >out 2>err &&
	test ! -s out &&
	echo "ktstr-hostinfo: run '\''r4'\'' has no sidecar data" >expect &&
	test_cmp expect err
'

test_expect_success 'a run that is not there: error 1 with a suggestion' '
	test_must_fail ktstr-hostinfo --run 6.14-abc1243 --dir $S </dev/null >out 2>err &&
	test ! -s out &&
	echo "ktstr-hostinfo: run '\''6.14-abc1243'\'' not found under $S. Did you mean \`6.14-abc1234\`? Run \`ktstr-rundir --list\` to enumerate available run keys." >expect &&
	test_cmp expect err
'

test_expect_success 'nothing close: no suggestion' '
	test_must_fail ktstr-hostinfo --run zzzzzzzzzzzzzzzzzzzzzz </dev/null 2>err &&
	echo "ktstr-hostinfo: run '\''zzzzzzzzzzzzzzzzzzzzzz'\'' not found under target/ktstr. Run \`ktstr-rundir --list\` to enumerate available run keys." >expect &&
	test_cmp expect err
'

test_expect_success 'dot directories are not suggested' '
	test_must_fail ktstr-hostinfo --run .lock --dir $S </dev/null 2>err &&
	! grep "Did you mean" err
'

# The stream ktstr-scan writes: "_path" and "_run" first, compact.
stream_line() {
	printf '{"_path":"%s","_run":"%s",' "$1" "$2"
	tr -d '\n' <"$1" | sed 's/^{//'
	echo
}

test_expect_success 'from the stream on stdin' '
	{
		stream_line $S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json 6.14-abc1234 &&
		stream_line $S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json 7.0-def5678 &&
		stream_line $S/7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json 7.0-def5678
	} >stream &&
	ktstr-hostinfo --run 7.0-def5678 <stream >actual &&
	test_cmp $H/run-7.0.expect actual &&
	cat stream | ktstr-hostinfo --run 7.0-def5678 >actual &&
	test_cmp $H/run-7.0.expect actual
'

test_expect_success 'the stream: --dir wins over stdin' '
	ktstr-hostinfo --run 6.14-abc1234 --dir $S <stream >actual &&
	grep -x "arch: x86_64" actual
'

test_expect_success 'the stream: a run not in it' '
	test_must_fail ktstr-hostinfo --run 6.14-abc1234-dirty <stream >out 2>err &&
	test ! -s out &&
	echo "ktstr-hostinfo: run '\''6.14-abc1234-dirty'\'' not found in the input stream" >expect &&
	test_cmp expect err
'

test_expect_success 'the stream: invalid lines of the run are skipped' '
	{
		echo "{\"_run\":\"r\",\"test_name\":1}" &&
		echo "{\"_run\":\"other\",\"test_name\":1}" &&
		echo "not json" &&
		null_host $S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json | tr -d "\n" |
			sed "s/^{/{\"_run\":\"r\",/" && echo &&
		grep . stream | sed -n 1p | sed "s/\"_run\":\"6.14-abc1234\"/\"_run\":\"r\"/"
	} >s2 &&
	ktstr-hostinfo --run r <s2 >actual 2>err &&
	grep -x "arch: x86_64" actual &&
	grep "^ktstr-hostinfo: skipping <stdin>:1: " err &&
	! grep "<stdin>:2" err &&
	grep "^ktstr-hostinfo: skipping <stdin>:3: " err
'

test_expect_success 'the stream: only invalid or hostless lines' '
	head -n 1 s2 >s3 &&
	test_must_fail ktstr-hostinfo --run r <s3 2>err &&
	grep -x "ktstr-hostinfo: run '\''r'\'' has no sidecar data" err &&
	sed -n 4p s2 >s4 &&
	test_must_fail ktstr-hostinfo --run r <s4 2>err &&
	grep "^ktstr-hostinfo: run '\''r'\'' has 1 sidecar(s) but none carries" err
'

test_expect_success ktstr-scan 'ktstr-scan | ktstr-hostinfo --run gives the same report' '
	ktstr-scan --dir $S | ktstr-hostinfo --run 7.0-def5678 >actual &&
	test_cmp $H/run-7.0.expect actual &&
	ktstr-scan --dir $S | ktstr-hostinfo --run 6.14-abc1234 >a 2>/dev/null &&
	ktstr-hostinfo --run 6.14-abc1234 --dir $S </dev/null >b &&
	test_cmp a b
'

test_done
