#!/bin/sh
# ktstr-scan's standard output: write errors, closed pipes, the man page EXAMPLES.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

test_expect_success 'setup' '
	copy_runs tgt/ktstr &&
	rm tgt/ktstr/$BAD &&
	touch -d "2025-03-14 09:30" tgt/ktstr/6.14-abc1234 &&
	touch -d "2025-03-14 11:05" tgt/ktstr/6.14-abc1234-dirty &&
	touch -d "2025-04-02 03:20" tgt/ktstr/7.0-def5678 &&
	cp -R tgt/ktstr old-runs
'

test_expect_success DEVFULL 'a write error on standard output exits 2' '
	test_must_fail ktstr-scan --dir tgt/ktstr >/dev/full 2>err &&
	echo "ktstr-scan: write error on standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success DEVFULL 'a write error with --explain exits 2' '
	test_must_fail ktstr-scan --explain --dir tgt/ktstr --run 7.0-def5678 >/dev/full 2>err &&
	echo "ktstr-scan: write error on standard output: No space left on device" >expect &&
	test_cmp expect err
'

test_expect_success 'a closed pipe ends the scan quietly' '
	{ ktstr-scan --dir tgt/ktstr 2>err; echo $? >status; } | head -c 10 >/dev/null &&
	must_be_empty err &&
	test "$(cat status)" -eq 141 -o "$(cat status)" -eq 0
'

test_expect_success 'EXAMPLES: count the sidecars of every run' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	ktstr-scan | wc -l >actual &&
	echo 15 >expect &&
	test_cmp expect actual
'

test_expect_success jq 'EXAMPLES: the failed tests of an archive' '
	ktstr-scan --dir old-runs | jq -r "select(.passed | not) | ._path" >actual &&
	echo old-runs/6.14-abc1234/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json >expect &&
	test_cmp expect actual
'

test_expect_success ktstr-compare 'EXAMPLES: compare the newest run against an archive' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	# the newest run must hold local sidecars for the two sides to pair
	touch tgt/ktstr/6.14-abc1234 &&
	{ ktstr-scan --dir old-runs; ktstr-scan --newest; } |
		ktstr-compare --a-run-source archive --b-run-source local >actual;
	test $? -le 1 && test -s actual
'

test_expect_success 'EXAMPLES: why are some fields null' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	ktstr-scan --explain --run 6.14-abc1234 >actual &&
	head -1 actual >got &&
	echo "walked 7 sidecar file(s), parsed 7 valid" >expect &&
	test_cmp expect got
'

test_expect_success 'EXAMPLES: the sidecars of an archive that 0.5.2 would refuse' '
	test_expect_code 1 ktstr-scan --strict 0.5.2 --dir old-runs >out 2>err &&
	grep -c "missing field \`stuck_detected\`" err >actual &&
	echo 14 >expect &&
	test_cmp expect actual &&
	# only the skip record has no monitor, so 0.5.2 takes it
	sed "s/\",\"_run\".*//; s/.*\"//" out >actual &&
	echo old-runs/6.14-abc1234/numa_spread-0c40d85a5019dd4d.ktstr.json >expect &&
	test_cmp expect actual
'

test_expect_success 'ktstr-sidecar(5) EXAMPLES: the smallest sidecar is valid' '
	awk "/^\.Sh EXAMPLES/ { ex = 1 } ex && /^\.Bd -literal/ { n++; next } /^\.Ed/ { if (n == 1) exit } n == 1" \
		"$TOP/man/ktstr-sidecar.5" >t-55f6b9881e152f8c.ktstr.json &&
	test -s t-55f6b9881e152f8c.ktstr.json &&
	ktstr-scan t-55f6b9881e152f8c.ktstr.json >/dev/null && echo valid >actual &&
	echo valid >expect &&
	test_cmp expect actual
'

# Linux's F_GETPIPE_SZ and F_SETPIPE_SZ; can this process grow a pipe to a MiB?
test_lazy_prereq PIPE_MIB '
	: | perl -e "fcntl(STDIN, 1031, 1 << 20) or exit 1"
'

test_expect_success PIPE_MIB 'a pipe on standard output is grown to a MiB, so 10 kB lines do not cross 64 KiB at a time' '
	ktstr-scan "$FIXTURES/sidecar-minimal.json" |
		perl -e "local \$/; <STDIN>; printf qq(%d\n), fcntl(STDIN, 1032, 0)" >actual &&
	echo 1048576 >expect &&
	test_cmp expect actual
'

test_expect_success 'the man page lists every option of usage()' '
	ktstr-scan --help >usage &&
	for opt in --strict --dir --run --newest --explain --json; do
		grep -e "$opt" usage >/dev/null &&
		grep -e "Fl ${opt#-}" "$TOP/man/ktstr-scan.1" >/dev/null || exit 1
	done
'

test_done
