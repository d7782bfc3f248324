#!/bin/sh
# ktstr-test: -j and captured output, timeouts, process groups, signals.
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

KTSTR_SIDECAR_DIR=$TRASH/sd
export KTSTR_SIDECAR_DIR

# mktest NAME BODY: an executable shell test.
mktest() {
	mkdir -p t &&
	printf '#!/bin/sh\n%s\n' "$2" >"t/$1" &&
	chmod +x "t/$1"
}

# gone PID: the process has exited (an unreaped zombie counts as exited).
gone() {
	! kill -0 "$1" 2>/dev/null ||
		sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q "^[ZX]"
}

test_expect_success 'with -j each test output comes whole, after the test' '
	for i in 1 2 3 4; do
		mktest p$i "for k in 1 2 3; do echo p$i-\$k; echo e$i-\$k >&2; sleep 0.0$i; done" || return 1
	done &&
	ktstr-test -q -j 4 t/p1 t/p2 t/p3 t/p4 >out 2>err &&
	for i in 1 2 3 4; do
		grep -A2 "^p$i-1$" out >blk &&
		printf "p$i-1\np$i-2\np$i-3\n" >expect &&
		test_cmp expect blk &&
		grep -A2 "^e$i-1$" err >blk &&
		printf "e$i-1\ne$i-2\ne$i-3\n" >expect &&
		test_cmp expect blk || return 1
	done &&
	test "$(wc -l <out)" = 12 &&
	test "$(ls sd | wc -l)" = 4
'

test_expect_success '-j: a test writing more than its pipe holds runs through, output whole' '
	mktest chatty "head -c 3000000 /dev/zero | tr \"\\000\" x; echo; echo end" &&
	mktest quiet "echo quiet" &&
	ktstr-test -q -j 2 t/chatty t/quiet >out 2>err &&
	test_cmp /dev/null err &&
	test "$(wc -c <out)" -eq $((3000000 + 1 + 4 + 6)) &&
	tail -n 1 out | grep -qx "end\|quiet"
'

# RLIMIT_FSIZE stands in for a full TMPDIR (SIGXFSZ ignored: EFBIG), the
# limit on ktstr-test itself; the test writes to a pipe, which has none.
test_expect_success '-j: output that TMPDIR cannot hold is ktstr-test'"'"'s error, the verdict stands' '
	mktest big "head -c 100000 /dev/zero | tr \"\\000\" x; echo; echo done" &&
	mktest small "echo small" &&
	(trap "" XFSZ; ulimit -f 64; ktstr-test -j 2 t/big t/small >/dev/null 2>err);
	test $? = 2 &&
	grep -q "^ktstr-test: big: its output was cut short: cannot keep it in $TMPDIR: File too large$" err &&
	grep -q "^2 passed, 0 failed, 0 skipped$" err &&
	! grep -q "FAIL" err
'

test_expect_success '-j runs tests at the same time' '
	for i in 1 2 3 4; do
		mktest s$i "sleep 1" || return 1
	done &&
	start=$(date +%s) &&
	ktstr-test -q -j 4 t/s1 t/s2 t/s3 t/s4 &&
	end=$(date +%s) &&
	test $((end - start)) -le 3
'

test_expect_success 'a test past --timeout fails, and its whole group is stopped' '
	start=$(date +%s) &&
	test_expect_code 1 ktstr-test --timeout 1 -n slow -- \
		sh -c "sleep 30 & echo \$! >bg; sleep 30" 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 5 &&
	grep -q "^FAIL: slow (timed out after 1 s)$" err &&
	grep -q "\"passed\": false" sd/slow-*.ktstr.json &&
	grep -q "\"exit_code\": 143" sd/slow-*.ktstr.json &&
	sleep 0.2 &&
	gone "$(cat bg)"
'

test_expect_success 'a test that ignores SIGTERM is killed after the grace period' '
	test_expect_code 1 ktstr-test --timeout 1 -n stubborn -- \
		sh -c "trap \"\" TERM; sleep 30 & wait; sleep 30" 2>err &&
	grep -q "^FAIL: stubborn (timed out after 1 s)$" err &&
	grep -q "\"exit_code\": 137" sd/stubborn-*.ktstr.json
'

test_expect_success 'what a test leaves running in its group is killed when it exits' '
	ktstr-test -q -n leaver -- sh -c "sleep 30 & echo \$! >bg2" &&
	sleep 0.2 &&
	gone "$(cat bg2)"
'

test_expect_success 'a test within its timeout passes' '
	ktstr-test -q --timeout 5 -n quick -- sleep 0.1
'

# waitfor FILE...: until each file has content (at most 5 s).
waitfor() {
	for f in "$@"; do
		i=0
		while ! test -s "$f" && test $i -lt 100; do sleep 0.05; i=$((i + 1)); done
		test -s "$f" || return 1
	done
}

# A background job of a non-interactive shell starts with SIGINT
# ignored; perl gives ktstr-test the default action back.  Only for
# "dfl_int CMD &": the job becomes CMD itself, so $! is its pid.
dfl_int() {
	exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "$ARGV[0]: $!"' "$@"
}

test_expect_success 'SIGTERM to ktstr-test stops the tests; no sidecar for them' '
	mktest first "exit 0" &&
	mktest long "echo \$\$ >long.pid; exec sleep 30" || return 1
	ktstr-test -q t/first t/long &
	pid=$!
	waitfor long.pid &&
	kill -TERM $pid
	wait $pid
	test $? = 143 &&
	gone "$(cat long.pid)" &&
	ls sd | grep -q "^first-" &&
	! ls sd | grep -q "^long-"
'

test_expect_success 'SIGINT with -j: every running test is stopped' '
	for i in 1 2 3; do
		mktest w$i "echo \$\$ >w$i.pid; exec sleep 30" || return 1
	done
	dfl_int ktstr-test -q -j 3 t/w1 t/w2 t/w3 &
	pid=$!
	waitfor w1.pid w2.pid w3.pid &&
	kill -INT $pid
	wait $pid
	test $? = 130 &&
	for i in 1 2 3; do
		gone "$(cat w$i.pid)" || return 1
	done &&
	! ls sd | grep -q "^w[123]-"
'

test_expect_success 'a signal ignored by the caller stays ignored (nohup)' '
	mktest hup "echo \$\$ >hup.pid; sleep 1; exit 0" || return 1
	perl -e '"'"'$SIG{HUP} = "IGNORE"; exec @ARGV or die'"'"' ktstr-test -q t/hup &
	pid=$!
	waitfor hup.pid &&
	kill -HUP $pid
	wait $pid
	test $? = 0 &&
	ls sd | grep -q "^hup-"
'

test_expect_success 'every sidecar written above is what every generation requires' '
	ktstr-scan sd >stream &&
	test "$(wc -l <stream)" = "$(ls sd | wc -l)" &&
	check_generations sd/*.ktstr.json
'

test_done
