#!/bin/sh
# ktstr-hostinfo --diff: the host delta (the example A to B) and its
# operands: host objects, sidecars, streams, run names, stdin.
. "${0%/*}/lib.sh"

H=$FIXTURES/host
S=$FIXTURES/sidecars
ARROW=$(printf '\342\206\222')

test_expect_success 'the example delta byte for byte' '
	cp $H/example-a.json A &&
	cp $H/example-b.json B &&
	test_expect_code 1 ktstr-hostinfo --diff A B >actual &&
	test_cmp $H/delta-a-b.txt actual
'

test_expect_success 'identical contexts: the arch line, exit 0' '
	cp A B2 &&
	test_expect_code 0 ktstr-hostinfo --diff A B2 >actual &&
	printf "\nhost: identical between '\''A'\'' and '\''B2'\'' (arch: x86_64)\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'identical without arch: the bare line' '
	echo "{}" >E1 && echo "{\"arch\": null}" >E2 &&
	test_expect_code 0 ktstr-hostinfo --diff E1 E2 >actual &&
	printf "\nhost: identical between '\''E1'\'' and '\''E2'\''\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'one field different: exit 1' '
	sed "s/\"numa_nodes\": 1/\"numa_nodes\": 2/" A >N &&
	test_expect_code 1 ktstr-hostinfo --diff A N >actual &&
	printf "\nhost delta ('\''A'\'' %s '\''N'\''):\n  numa_nodes: 1 %s 2\n" "$ARROW" "$ARROW" >expect &&
	test_cmp expect actual
'

test_expect_success 'tunables on one side only: the cardinality summary' '
	perl -0pe "s/  \"sched_tunables\": \{.*?\n  \},\n//s" A >NT &&
	test_expect_code 1 ktstr-hostinfo --diff NT A >actual &&
	printf "\nhost delta ('\''NT'\'' %s '\''A'\''):\n  sched_tunables: (unknown) %s (5 entries)\n" \
		"$ARROW" "$ARROW" >expect &&
	test_cmp expect actual
'

test_expect_success 'heap_state on one side only' '
	perl -0pe "s/,\n  \"heap_state\": \{.*?\n  \}//s" A >NH &&
	test_expect_code 1 ktstr-hostinfo --diff A NH >actual &&
	printf "\nhost delta ('\''A'\'' %s '\''NH'\''):\n  heap_state: (present) %s (unknown)\n" \
		"$ARROW" "$ARROW" >expect &&
	test_cmp expect actual
'

test_expect_success 'a sidecar with a null host: captured in one side only' '
	printf "{\"test_name\": \"t\", \"host\": null}\n" >nullhost &&
	perl -0pe "s/\"host\": \{.*?\n  \}/\"host\": null/s" \
		$S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json >nullhost &&
	test_expect_code 1 ktstr-hostinfo --diff A nullhost >actual &&
	printf "\nhost: captured in '\''A'\'' only, delta unavailable\n" >expect &&
	test_cmp expect actual &&
	test_expect_code 1 ktstr-hostinfo --diff nullhost A >actual &&
	printf "\nhost: captured in '\''A'\'' only, delta unavailable\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'neither side has a host: exit 2, nothing on stdout' '
	test_expect_code 2 ktstr-hostinfo --diff nullhost nullhost >out 2>err &&
	test ! -s out &&
	echo "ktstr-hostinfo: no host context in either operand" >expect &&
	test_cmp expect err
'

test_expect_success 'a sidecar, its host object and its run give the same delta' '
	sc=$S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json &&
	perl -0ne "print \$1, qq(\n) if /\"host\": (\{.*?\n  \})/s" $sc |
		sed "s/^  //" >host.json &&
	mkdir -p target && cp -R $S target/ktstr &&
	ktstr-hostinfo --diff $sc B >by-sidecar;
	test $? = 1 &&
	ktstr-hostinfo --diff host.json B >by-object;
	test $? = 1 &&
	ktstr-hostinfo --diff 6.14-abc1234 B </dev/null >by-run;
	test $? = 1 &&
	sed 2d by-sidecar >a && sed 2d by-object >b && sed 2d by-run >c &&
	test_cmp a b && test_cmp a c &&
	grep "^  kernel_release: 6.13.7-200.fc41.x86_64 $ARROW 6.15.0\$" by-run
'

test_expect_success 'an absolute path names a run directory' '
	ktstr-hostinfo --diff "$PWD/target/ktstr/6.14-abc1234" 6.14-abc1234 >actual &&
	grep "^host: identical between .*(arch: x86_64)\$" actual
'

test_expect_success 'CARGO_TARGET_DIR moves the runs root' '
	CARGO_TARGET_DIR=$PWD/target ktstr-hostinfo --diff 6.14-abc1234 7.0-def5678 >actual;
	test $? = 1 &&
	grep "^  arch: x86_64 $ARROW aarch64\$" actual &&
	grep "^  cpu_model: Intel(R) Core(TM) i7-9700K CPU @ 3.60GHz $ARROW (unknown)\$" actual
'

test_expect_success 'stdin as one operand' '
	ktstr-hostinfo --diff - B <A >actual;
	test $? = 1 &&
	sed "s/'\''A'\''/'\''-'\''/" $H/delta-a-b.txt >expect &&
	test_cmp expect actual
'

test_expect_success 'a stream: the first line with a host wins' '
	{
		tr -d "\n" <nullhost && echo &&
		echo &&
		tr -d "\n" <$S/7.0-def5678/cgroup_steady-158d5b4cb04a5b42.ktstr.json && echo &&
		tr -d "\n" <$S/6.14-abc1234/cgroup_steady-158d5b4cb04a5b42.ktstr.json && echo
	} >stream &&
	test_expect_code 0 ktstr-hostinfo --diff stream 7.0-def5678 >actual &&
	grep "(arch: aarch64)" actual
'

test_expect_success 'an invalid sidecar in a stream is skipped with a warning' '
	{ echo "{\"test_name\": 5}" && cat stream; } >stream2 &&
	ktstr-hostinfo --diff stream2 7.0-def5678 >actual 2>err &&
	grep "(arch: aarch64)" actual &&
	grep "^ktstr-hostinfo: skipping stream2:1: " err
'

test_expect_success 'errors: unreadable, unparseable, bad host, missing run' '
	test_must_fail ktstr-hostinfo --diff A /nonexistent/x >out 2>err &&
	test ! -s out &&
	grep "^ktstr-hostinfo: run '\''/nonexistent/x'\'' not found under target/ktstr\. Run \`ktstr-rundir --list\` to enumerate available run keys\.\$" err &&
	echo "{\"arch\": " >trunc &&
	test_must_fail ktstr-hostinfo --diff A trunc 2>err &&
	grep "^ktstr-hostinfo: cannot parse '\''trunc'\'': .* at line 2 column [0-9]*\$" err &&
	echo "{\"online_cpus\": \"2\"}" >badtype &&
	test_must_fail ktstr-hostinfo --diff badtype A 2>err &&
	grep "^ktstr-hostinfo: cannot parse '\''badtype'\'': invalid type: string \"2\", expected u64" err &&
	echo "{\"arch\": \"a\", \"arch\": \"b\"}" >dup &&
	test_must_fail ktstr-hostinfo --diff dup A 2>err &&
	grep "duplicate field \`arch\`" err &&
	echo "[1]" >array &&
	test_must_fail ktstr-hostinfo --diff array A 2>err &&
	grep "expected struct HostContext" err &&
	printf "{\"a\":1}\n{\n" >badstream &&
	test_must_fail ktstr-hostinfo --diff badstream A 2>err &&
	grep "^ktstr-hostinfo: cannot parse '\''badstream:2'\''" err
'

test_expect_success 'an empty operand is an error' '
	: >empty &&
	test_must_fail ktstr-hostinfo --diff empty A >out 2>err &&
	test ! -s out &&
	grep "^ktstr-hostinfo: cannot parse '\''empty'\'': EOF while parsing a value at line 1 column [0-9]*\$" err &&
	printf "\n \n" | test_must_fail ktstr-hostinfo --diff A - 2>err &&
	grep "^ktstr-hostinfo: cannot parse '\''<stdin>'\'': EOF while parsing" err
'

test_expect_success 'a sidecar that fails validation is no host, with a warning' '
	echo "{\"test_name\": 1, \"host\": {}}" >badsc &&
	test_expect_code 1 ktstr-hostinfo --diff badsc A >actual 2>err &&
	grep "captured in '\''A'\'' only" actual &&
	grep "^ktstr-hostinfo: skipping badsc: " err
'

test_expect_success 'a run with no sidecar data' '
	mkdir -p target/ktstr/empty-run &&
	test_must_fail ktstr-hostinfo --diff empty-run A </dev/null 2>err &&
	echo "ktstr-hostinfo: run '\''empty-run'\'' has no sidecar data" >expect &&
	test_cmp expect err
'

test_expect_success 'a directory operand is a run name' '
	mkdir -p sub &&
	test_must_fail ktstr-hostinfo --diff sub A 2>err &&
	grep "run '\''sub'\'' not found under target/ktstr" err
'

test_done
