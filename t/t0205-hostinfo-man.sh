#!/bin/sh
# ktstr-hostinfo: the EXAMPLES of man/ktstr-hostinfo.1.
. "${0%/*}/lib.sh"

S=$FIXTURES/sidecars
ARROW=$(printf '\342\206\222')

test_expect_success 'setup: a runs root here and an archive' '
	mkdir -p target && cp -R $S target/ktstr && cp -R $S old-runs
'

test_expect_success 'example: save this host and compare it with a run' '
	ktstr-hostinfo --json >host.json &&
	ktstr-hostinfo --diff host.json 6.14-abc1234 </dev/null >actual;
	test $? = 1 &&
	head -n 2 actual >head &&
	printf "\nhost delta ('\''host.json'\'' %s '\''6.14-abc1234'\''):\n" "$ARROW" >expect &&
	test_cmp expect head
'

test_expect_success 'example: the host of a run in an archived runs root' '
	ktstr-hostinfo --run 6.14-abc1234 --dir old-runs </dev/null >actual &&
	grep -x "kernel_release: 6.13.7-200.fc41.x86_64" actual
'

test_expect_success ktstr-scan 'example: the same through the stream' '
	ktstr-scan --dir old-runs | ktstr-hostinfo --run 6.14-abc1234 >stream 2>/dev/null &&
	test_cmp actual stream
'

test_expect_success 'example: the hosts of two runs' '
	ktstr-hostinfo --diff 6.14-abc1234 7.0-def5678 </dev/null >actual;
	test $? = 1 &&
	grep "^  arch: x86_64 $ARROW aarch64\$" actual
'

test_expect_success 'the man page lists every option of usage' '
	for o in --json --run --dir --diff; do
		grep -q "Fl ${o#-}" "$TOP/man/ktstr-hostinfo.1" || return 1
	done
'

test_done
