#!/bin/sh
# The scenario EXAMPLES of man/ktstr-test.1, run as written.
. "${0%/*}/lib.sh"

test_expect_success 'a Bursty scenario, then its p99 wake latency' '
	ktstr-test --scenario custom --work-type Bursty:burst_ms=20,sleep_ms=10 --duration 1 \
		2>err &&
	echo "1 passed, 0 failed, 0 skipped" >expect &&
	grep -v "^ktstr-test: warning:" err >actual &&
	test_cmp expect actual
'

test_expect_success jq 'the statistics through ktstr-scan and jq' '
	ktstr-scan --newest | jq .stats.worst_p99_wake_latency_us >p99 &&
	awk "{ exit !(\$1 > 0) }" p99
'

test_expect_success 'twice as many SpinWait workers as CPUs: the sidecar is written' '
	rm -rf target &&
	ktstr-test --scenario cgroup_steady --workers "$(nproc)" --max-spread-pct 10 2>err
	test $? -le 1 &&
	test "$(ktstr-scan --newest | wc -l)" = 1
'

test_expect_success '--cleanup, as in the example' '
	ktstr-test --cleanup 2>err &&
	grep "^ktstr-test: removed [0-9]* stale cgroup director" err
'

test_expect_success 'the page renders without warnings' '
	if command -v mandoc >/dev/null; then
		mandoc -Tlint -Wwarning "$TOP/man/ktstr-test.1"
	elif command -v groff >/dev/null; then
		groff -mandoc -Tutf8 -ww -z "$TOP/man/ktstr-test.1" 2>warnings &&
		test_cmp /dev/null warnings
	fi
'

test_done
