#!/bin/sh
# ktstr-test: a busy run-directory lock, and runs roots where flock is
# not trustworthy (doc/runs.md, The lock; Scenarios row 15).
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

mkdir -p t &&
for n in one two; do
	printf '#!/bin/sh\nexit 0\n' >t/$n && chmod +x t/$n
done

# hold LOCKFILE SECONDS: hold an flock on LOCKFILE in the background
# (perl is there: prove needs it); returns once the lock is held.
hold() {
	rm -f held
	perl -e 'use Fcntl qw(:flock);
		open(my $f, ">>", $ARGV[0]) or die "$ARGV[0]: $!";
		flock($f, LOCK_EX) or die "flock: $!";
		open(my $r, ">", "held") or die; close($r);
		sleep $ARGV[1];' "$1" "$2" &
	holder=$!
	i=0
	while ! test -e held && test $i -lt 200; do sleep 0.05; i=$((i + 1)); done
	test -e held
}

test_expect_success 'a busy lock: a clear timeout error, the other tests go on, exit 2' '
	mkdir -p .locks &&
	hold .locks/rd.lock 30 &&
	KTSTR_RUN_ID=l KTSTR_RUN_DIR=$TRASH/rd test_must_fail \
		ktstr-test --lock-timeout 1 --json t/one t/two >out 2>err;
	rc=$?
	kill $holder; wait $holder
	test $rc = 0 &&
	grep -q "^ktstr-test: flock LOCK_EX on run-dir $TRASH/rd timed out after 1s (lockfile $TRASH/.locks/rd.lock, holders:" err &&
	grep -q "pid=$holder cmd=perl -e" err &&
	printf "{\"test\":\"one\",\"verdict\":\"passed\",\"path\":null}\n{\"test\":\"two\",\"verdict\":\"passed\",\"path\":null}\n" >expect &&
	test_cmp expect out &&
	grep -q "^2 passed, 0 failed, 0 skipped$" err &&
	! ls rd | grep -q "ktstr.json"
'

test_expect_success 'a lock released in time is taken: the sidecar is written' '
	hold .locks/rd.lock 1 &&
	KTSTR_RUN_ID=l KTSTR_RUN_DIR=$TRASH/rd ktstr-test -q --lock-timeout 10 t/one &&
	wait $holder &&
	ls rd | grep -q "^one-"
'

test_expect_success 'the lock is never held while a test runs' '
	KTSTR_RUN_ID=l KTSTR_RUN_DIR=$TRASH/rd ktstr-test -q --lock-timeout 1 -n outer -- \
		sh -c "KTSTR_RUN_ID=l KTSTR_RUN_DIR=$TRASH/rd ktstr-test -q --lock-timeout 1 -n inner -- true" &&
	ls rd | grep -q "^inner-" && ls rd | grep -q "^outer-"
'

test_expect_success '--lock-timeout is range-checked' '
	test_must_fail ktstr-test --lock-timeout -1 -- true 2>err &&
	grep -q "invalid lock timeout" err &&
	test_must_fail ktstr-test --lock-timeout 3601 -- true
'

# The refusal needs a writable directory on NFS, CIFS, Ceph, AFS or FUSE,
# which few machines have: name one in KTSTR_TEST_REMOTE_DIR to run these.
# (The prerequisite is a shell function, which test_have_prereq finds.)
if test -n "$KTSTR_TEST_REMOTE_DIR" && test -d "$KTSTR_TEST_REMOTE_DIR" &&
	test -w "$KTSTR_TEST_REMOTE_DIR"; then
	REMOTE=$KTSTR_TEST_REMOTE_DIR/ktstr-test.$$
	REMOTE() { :; }
fi

test_expect_success REMOTE 'a runs root on a network filesystem is refused' '
	KTSTR_RUN_ID=n KTSTR_RUN_DIR=$REMOTE/rd test_must_fail ktstr-test -q -n nfs -- true 2>err;
	rc=$?
	rm -rf "$REMOTE"
	test $rc = 0 &&
	grep -q "is not supported for ktstr lockfiles" err
'

test_expect_success REMOTE 'with KTSTR_SIDECAR_DIR the same filesystem works' '
	KTSTR_SIDECAR_DIR=$REMOTE/sd ktstr-test -q -n nfs -- true;
	rc=$?
	rm -rf "$REMOTE"
	test $rc = 0
'

test_done
