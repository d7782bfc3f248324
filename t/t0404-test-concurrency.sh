#!/bin/sh
# ktstr-test: many writers into one run directory lose nothing; a new run
# clears the old one exactly once; writes are atomic (doc/runs.md, Scenarios).
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

# No repository around the runs root: the key is always 6.14-unknown.
mkdir -p w/.git/objects w/.git/refs && echo "ref: refs/heads/main" >w/.git/HEAD
cd w || exit 1
KTSTR_KERNEL=6.14
export KTSTR_KERNEL
D=target/ktstr/6.14-unknown

printf '#!/bin/sh\nexit 0\n' >ok && chmod +x ok

# tests PREFIX: 8 x 50 test files PREFIX{p}_{i}, all the same script.
tests() {
	mkdir -p "$1" &&
	for p in 1 2 3 4 5 6 7 8; do
		for i in $(seq 50); do
			ln -s ../ok "$1/$1${p}_$i" || return 1
		done
	done
}

# writers PREFIX: 8 concurrent ktstr-test processes of 50 tests each.
writers() {
	for p in 1 2 3 4 5 6 7 8; do
		ktstr-test -q "$1/$1${p}"_* 2>>"$1.err" &
	done
	wait
}

# count PREFIX: sidecars of that prefix in the run directory.
count() {
	ls "$D" | grep -c "^$1[1-8]_[0-9]*-[0-9a-f]\{16\}\.ktstr\.json$"
}

test_expect_success 'setup' '
	tests a && tests b && tests c
'

test_expect_success '8 writers x 50 tests with one KTSTR_RUN_ID: 400 of 400' '
	KTSTR_RUN_ID=run-a writers a &&
	test "$(count a)" = 400 &&
	test "$(ls "$D" | wc -l)" = 400 &&
	printf "id:run-a\n" >expect &&
	test_cmp expect target/ktstr/.locks/6.14-unknown.run
'

test_expect_success 'every one is a valid sidecar' '
	ktstr-scan "$D" >stream &&
	test "$(wc -l <stream)" = 400 &&
	test "$(grep -c "\"passed\":true" stream)" = 400
'

test_expect_success 'the next run clears the first exactly once, never its own' '
	KTSTR_RUN_ID=run-b writers b &&
	test "$(count b)" = 400 &&
	test "$(count a)" = 0 &&
	test "$(ls -A "$D" | wc -l)" = 400 &&
	printf "id:run-b\nid:run-a\n" >expect &&
	test_cmp expect target/ktstr/.locks/6.14-unknown.run
'

test_expect_success 'a begun run: 8 writers, nothing lost, nothing cleared' '
	KTSTR_RUN_ID=run-c KTSTR_RUN_DIR=$D writers c &&
	test "$(count c)" = 400 &&
	test "$(count b)" = 400
'

test_expect_success 'one process with -j 8: one decision, all written' '
	rm -rf d && mkdir d &&
	for i in $(seq 100); do ln -s ../ok d/d$i || return 1; done &&
	KTSTR_RUN_ID=run-d ktstr-test -q -j 8 d/* &&
	test "$(ls "$D" | grep -c "^d[0-9]*-")" = 100 &&
	test "$(ls -A "$D" | wc -l)" = 100
'

# reader: scan the run directory until the file "done" appears; any
# unreadable sidecar seen on the way is recorded in "torn".
reader() {
	while ! test -e done; do
		ktstr-scan "$D" >/dev/null 2>>torn
		if test $? = 1; then echo "exit 1" >>torn; fi
	done
}

test_expect_success 'readers never see a partial sidecar, even when one is replaced' '
	rm -f done && : >torn &&
	mkdir -p r && for i in $(seq 20); do ln -sf ../ok r/r$i || return 1; done
	reader &
	rpid=$!
	pids=
	for p in 1 2 3 4; do
		(for k in 1 2; do KTSTR_RUN_ID=run-d ktstr-test -q r/* || exit 1; done) &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do wait $p || rc=1; done
	touch done && wait $rpid &&
	test $rc = 0 &&
	test_cmp /dev/null torn &&
	test "$(ls "$D" | grep -c "^r[0-9]*-")" = 20
'

test_expect_success 'no temporary file is left behind' '
	! ls -A "$D" | grep "\.tmp$"
'

test_expect_success 'a writer killed mid-run leaves only whole sidecars' '
	rm -rf k && mkdir k &&
	for i in $(seq 300); do ln -s ../ok k/k$i || return 1; done &&
	for delay in 0.1 0.25 0.4 0.55; do
		KTSTR_RUN_ID=run-k ktstr-test -q k/* 2>/dev/null &
		pid=$! &&
		sleep $delay &&
		kill -9 $pid &&
		wait $pid
		{ ls "$D" | grep -v "\.ktstr\.json$" || true; } >other &&
		test_cmp /dev/null other &&
		ktstr-scan "$D" >/dev/null || return 1
	done
'

test_expect_success 'the next run start removes any leftover temporary file' '
	echo partial >"$D/.k1-0000000000000000.ktstr.json.999.0.tmp" &&
	KTSTR_RUN_ID=run-after ktstr-test -q -n after -- true &&
	ls -A "$D" >left &&
	test "$(wc -l <left)" = 1 &&
	grep -q "^after-" left
'

test_done
