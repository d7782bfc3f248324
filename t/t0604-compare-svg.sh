#!/bin/sh
# ktstr-compare --svg FILE: the chart of a real comparison, checked as
# XML and, where a headless Chromium runs, as a browser lays it out.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-trials.sh"
. "$TOP/t/lib-browser.sh"

# Three tests, 3 runs per side: "steady" regresses in worst_spread (and
# worst_gap_ms moves within its gate), "noisy" improves within the
# noise, "calm" moves within the gate.
test_expect_success 'setup' '
	trials pool 6.14.2 "spread=10.0 gap=100" "spread=12.0 gap=110" "spread=14.0 gap=120" \
		"test_name=noisy iterations=1000" "test_name=noisy iterations=1400" \
		"test_name=noisy iterations=900" \
		"test_name=calm spread=5.0" "test_name=calm spread=5.0" "test_name=calm spread=5.0" &&
	trials pool 6.15.0 "spread=20.0 gap=101" "spread=22.0 gap=111" "spread=24.0 gap=121" \
		"test_name=noisy iterations=1300" "test_name=noisy iterations=1000" \
		"test_name=noisy iterations=1600" \
		"test_name=calm spread=5.5" "test_name=calm spread=5.5" "test_name=calm spread=5.5"
'

test_expect_success '--svg leaves stdout and the exit status alone' '
	test_expect_code 1 cmp_ab pool --significance 0.05 >plain &&
	test_expect_code 1 cmp_ab pool --significance 0.05 --svg chart.svg >out &&
	test_cmp plain out &&
	test_expect_code 1 cmp_ab pool --significance 0.05 --json --svg chart2.svg >json &&
	test_cmp chart.svg chart2.svg
'

test_expect_success 'one bar per compared metric, in its verdict'"'"'s class' '
	grep -c "^{\"type\":\"metric\"" json >expect &&
	grep -c "<rect class=\"bar " chart.svg >actual &&
	test_cmp expect actual &&
	for v in regression improvement unchanged not-significant; do
		printf "%s " $(grep -c "\"verdict\":\"$v\"" json) $(grep -c "<rect class=\"bar $v\"" chart.svg) &&
		echo
	done >counts &&
	printf "1 1 \n0 0 \n2 2 \n1 1 \n" >expect &&
	test_cmp expect counts &&
	grep -c "<text class=\"group\"" chart.svg >actual &&
	echo 3 >expect &&
	test_cmp expect actual
'

test_expect_success 'labels: title, headings, values, p-values' '
	grep -F ">ktstr-compare: 6.14 → 6.15</text>" chart.svg &&
	grep -F ">noisy/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/</text>" chart.svg &&
	grep -F ">12.00 → 22.00 %, p=0.0036</text>" chart.svg &&
	grep -F ">+83.33%</text>" chart.svg
'

test_expect_success xmllint 'xmllint reads the chart' '
	xmllint --noout chart.svg
'

test_expect_success browser_ready 'Chromium finds every bar, nothing overflows or overlaps' '
	browser_inspect chart.svg >actual &&
	echo "bars=4 regression=1 improvement=0 unchanged=2 not-significant=1 overflow=0 overlap=0" >expect &&
	test_cmp expect actual
'

test_expect_success 'no compared metric: a chart that says so' '
	trials none 6.14.2 "spread=0.0" &&
	trials none 6.15.0 "spread=0.0" &&
	cmp_ab none --svg none.svg >/dev/null &&
	! grep -q "<rect class=\"bar " none.svg &&
	grep -F ">no compared metrics</text>" none.svg
'

test_expect_success 'a file that cannot be written: exit 2, nothing on stdout' '
	test_must_fail cmp_ab pool --svg missing/dir/chart.svg >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: cannot write '"'"'missing/dir/chart.svg'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test_must_fail cmp_ab pool --svg . >out 2>err &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: cannot write '"'"'.'"'"': Is a directory\$" err
'

test_expect_success NOTROOT 'a read-only directory' '
	mkdir ro && chmod 555 ro &&
	test_must_fail cmp_ab pool --svg ro/chart.svg >out 2>err &&
	chmod 755 ro &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: cannot write '"'"'ro/chart.svg'"'"': Permission denied\$" err
'

test_expect_success 'a full disk is a write error' '
	test -w /dev/full || return 0
	test_must_fail cmp_ab pool --svg /dev/full >out 2>err &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: cannot write '"'"'/dev/full'"'"': No space left on device\$" err
'

# RLIMIT_FSIZE stands in for a full disk; SIGXFSZ ignored turns it into EFBIG.
test_expect_success 'a write that fails leaves the previous chart whole' '
	echo OLDCHART >kept.svg &&
	(trap "" XFSZ; ulimit -f 1; cmp_ab pool --svg kept.svg) >out 2>err;
	test $? = 2 &&
	test_cmp /dev/null out &&
	grep "^ktstr-compare: cannot write '"'"'kept.svg'"'"': File too large\$" err &&
	echo OLDCHART >expect &&
	test_cmp expect kept.svg &&
	! ls -a | grep -q "\.tmp\$"
'

test_expect_success '--svg is a comparison option, once' '
	test_must_fail ktstr-compare --analyze --svg x.svg pool >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail cmp_ab pool --svg a.svg --svg b.svg >out 2>err &&
	test_cmp /dev/null out &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 pool --svg >out 2>err &&
	test_cmp /dev/null out &&
	! test -e a.svg
'

test_done
