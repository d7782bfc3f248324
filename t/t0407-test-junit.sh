#!/bin/sh
# ktstr-test --junit FILE: a JUnit XML report that an XML parser reads
# with the right counts, failures with their status and the end of their
# output, escaped; one file for all -j workers, staged and renamed.
. "${0%/*}/lib.sh"

TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"
mkdir -p w/.git/objects w/.git/refs && echo "ref: refs/heads/main" >w/.git/HEAD
cd w || exit 1
KTSTR_KERNEL=6.14
export KTSTR_KERNEL

test_lazy_prereq XMLLINT 'xmllint --version'

# xpath FILE EXPR: the value of an XPath expression.
xpath() {
	xmllint --xpath "$2" "$1"
}

test_expect_success 'setup: a passing, a failing, a skipped and a killed test' '
	mkdir t &&
	printf "#!/bin/sh\necho hello\n" >t/a.t &&
	printf "#!/bin/sh\nfor i in \$(seq 30); do echo line \$i; done\necho \"bad <&> ]]> \\\\033[31m\" >&2\nexit 3\n" >t/b.t &&
	printf "#!/bin/sh\nexit 77\n" >t/c.t &&
	printf "#!/bin/sh\nkill -9 \$\$\n" >t/d.t &&
	chmod +x t/*.t
'

test_expect_success 'the report is written, the run exits as without it' '
	test_expect_code 1 ktstr-test --quiet --scheduler sch --topology 1n1l1c1t --junit report.xml t/*.t \
		>out 2>err &&
	grep -q "^hello\$" out &&
	grep -q "^<testsuite name=\"6.14-unknown\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\" time=\"[0-9.]*\" timestamp=\"[0-9T:-]*\">\$" report.xml
'

test_expect_success XMLLINT 'xmllint reads it: 4 cases, 2 failures, 1 skipped' '
	xmllint --noout report.xml &&
	test "$(xpath report.xml "count(/testsuite/testcase)")" = 4 &&
	test "$(xpath report.xml "string(/testsuite/@tests)")" = 4 &&
	test "$(xpath report.xml "count(//testcase/failure)")" = 2 &&
	test "$(xpath report.xml "string(/testsuite/@failures)")" = 2 &&
	test "$(xpath report.xml "count(//testcase/skipped)")" = 1 &&
	test "$(xpath report.xml "string(/testsuite/@skipped)")" = 1 &&
	test "$(xpath report.xml "string(//testcase[@name=\"c.t\"]/skipped/../@classname)")" = "sch.1n1l1c1t"
'

test_expect_success XMLLINT 'a failure: the exit status or signal, the last lines of output, escaped' '
	test "$(xpath report.xml "string(//testcase[@name=\"b.t\"]/failure/@message)")" = "exit status 3" &&
	test "$(xpath report.xml "string(//testcase[@name=\"d.t\"]/failure/@message)")" = "killed by signal 9" &&
	xpath report.xml "string(//testcase[@name=\"b.t\"]/failure)" >body &&
	grep -q "^line 30\$" body &&
	grep -q "^line 11\$" body &&
	! grep -q "^line 10\$" body &&
	grep -q "^bad <&> ]]> " body &&
	! grep -q "$(printf "\033")" report.xml
'

test_expect_success '-j 4: eight tests, one report with every one of them' '
	for i in 1 2 3 4 5 6 7 8; do cp t/a.t "t/p$i.t" || return 1; done &&
	test_expect_code 1 ktstr-test --quiet -j 4 --junit many.xml t/*.t >out 2>err &&
	test "$(grep -c "<testcase " many.xml)" = 12 &&
	grep -q " tests=\"12\" failures=\"2\" errors=\"0\" skipped=\"1\" " many.xml
'

test_expect_success XMLLINT '-j 4: the report parses' '
	xmllint --noout many.xml &&
	test "$(xpath many.xml "count(//testcase[@name=\"p7.t\"])")" = 1
'

test_expect_success 'staged and renamed: the old report replaced, a symlink refused, nothing left' '
	echo old >report.xml &&
	test_expect_code 1 ktstr-test --quiet --junit report.xml t/a.t t/b.t >/dev/null 2>&1 &&
	grep -q " tests=\"2\" " report.xml &&
	echo old >victim && ln -s victim linked.xml &&
	test_must_fail ktstr-test --quiet --junit linked.xml t/a.t t/b.t >/dev/null 2>err &&
	grep -q "^ktstr-test: cannot write .linked.xml.: it is a symbolic link (refused)\$" err &&
	echo old >expect && test_cmp expect victim && test -L linked.xml &&
	! ls -a | grep -q "\.tmp"
'

test_expect_success 'a report that cannot be written: exit 2, the tests still ran' '
	test_must_fail ktstr-test --quiet --junit no/such/dir.xml t/a.t >out 2>err &&
	grep -q "^hello\$" out &&
	grep -q "^ktstr-test: cannot write .no/such/dir.xml.: No such file or directory\$" err
'

test_expect_success 'the COMMAND form, and --junit once' '
	ktstr-test --quiet -n one --scheduler sch --topology 1n1l1c1t --junit one.xml -- true &&
	grep -q "<testcase name=\"one\" classname=\"sch.1n1l1c1t\" time=\"[0-9.]*\"/>" one.xml &&
	test_must_fail ktstr-test --junit a.xml --junit b.xml -- true 2>err &&
	grep -q "junit given more than once" err &&
	test_must_fail ktstr-test --junit a.xml --list-scenarios 2>err
'

test_expect_success XMLLINT '--scenario: the workload is the case, a failure its findings' '
	KTSTR_SIDECAR_DIR=$TRASH/sd &&
	export KTSTR_SIDECAR_DIR &&
	test_expect_code 1 ktstr-test --quiet --scheduler sch --topology 1n1l1c1t --junit scen.xml \
		--scenario custom --cgroups 1 --workers 1 --settle-ms 0 --cgroup-mode none \
		--work-type Bursty:burst_ms=5,sleep_ms=20 --duration 0.3 --max-gap-ms 1 2>err &&
	unset KTSTR_SIDECAR_DIR &&
	xmllint --noout scen.xml &&
	test "$(xpath scen.xml "count(/testsuite/testcase)")" = 1 &&
	test "$(xpath scen.xml "string(//testcase/@name)")" = custom &&
	test "$(xpath scen.xml "string(//testcase/@classname)")" = sch.1n1l1c1t &&
	xpath scen.xml "string(//testcase/failure/@message)" >message &&
	grep -q "^[1-9][0-9]* findings*\$" message &&
	xpath scen.xml "string(//testcase/failure)" >body &&
	grep -q "^Stuck: stuck [0-9]*ms on cpu[0-9]* at +[0-9]*ms (threshold 1ms)\$" body &&
	time=$(xpath scen.xml "string(//testcase/@time)") &&
	awk -v t="$time" "BEGIN { exit !(t >= 0.2) }"
'

test_expect_success 'the man page example runs as printed' '
	cmd=$(sed -n "s/^\\$ \\(ktstr-test .*--junit report.xml.*\\)\$/\\1/p" "$TOP/man/ktstr-test.1") &&
	test -n "$cmd" &&
	mkdir ex && cp t/a.t t/c.t ex/ && mkdir ex/t && mv ex/a.t ex/c.t ex/t/ &&
	(cd ex && eval "$cmd") &&
	grep -q " tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\" " ex/report.xml
'

test_done
