#!/bin/sh
# ktstr-test: verdicts, exit statuses, the sidecar's fields, usage errors.
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

KTSTR_SIDECAR_DIR=$TRASH/sd
export KTSTR_SIDECAR_DIR

# mktest NAME STATUS: an executable test that prints and exits STATUS.
mktest() {
	mkdir -p t &&
	printf '#!/bin/sh\necho "out of %s"\nexit %s\n' "$1" "$2" >"t/$1" &&
	chmod +x "t/$1"
}

# line NAME: the sidecar of test NAME as one compact line.
line() {
	ktstr-scan sd | grep "\"test_name\":\"$1\""
}

test_expect_success 'a passing command passes, and its sidecar is valid' '
	ktstr-test -- true 2>err &&
	printf "1 passed, 0 failed, 0 skipped\n" >expect &&
	test_cmp expect err &&
	ls sd >names &&
	test "$(wc -l <names)" = 1 &&
	grep -q "^true-[0-9a-f]\{16\}\.ktstr\.json$" names &&
	ktstr-scan sd >stream &&
	test "$(wc -l <stream)" = 1 &&
	grep -q "\"passed\":true,\"skipped\":false" stream
'

test_expect_success 'exit 77 is a skip, not a pass, exit 0' '
	ktstr-test -n skipper -- sh -c "exit 77" 2>err &&
	printf "0 passed, 0 failed, 1 skipped\n" >expect &&
	test_cmp expect err &&
	line skipper | grep -q "\"passed\":false,\"skipped\":true,\"inconclusive\":false" &&
	line skipper | grep -q "\"work_type\":\"SpinWait\"" &&
	line skipper | grep -q "\"exit_code\":77"
'

test_expect_success 'any other status fails the test and exits 1' '
	test_expect_code 1 ktstr-test -n bad -- sh -c "exit 3" 2>err &&
	printf "FAIL: bad (exit status 3)\n0 passed, 1 failed, 0 skipped\n" >expect &&
	test_cmp expect err &&
	line bad | grep -q "\"passed\":false,\"skipped\":false" &&
	line bad | grep -q "\"exit_code\":3"
'

test_expect_success 'death by a signal fails; exit_code is 128 + signal' '
	test_expect_code 1 ktstr-test -n sig -- sh -c "kill -9 \$\$" 2>err &&
	grep -q "^FAIL: sig (killed by signal 9)$" err &&
	line sig | grep -q "\"exit_code\":137"
'

test_expect_success 'a command that does not exist fails with 127' '
	test_expect_code 1 ktstr-test -n nope -- ./no-such-program 2>err &&
	grep -q "cannot run .\./no-such-program." err &&
	line nope | grep -q "\"exit_code\":127,\|\"exit_code\":127}" &&
	line nope | grep -q "\"payload\":\"no-such-program\""
'

# cannot_run FILE REASON: the stderr of a test that could not be started.
cannot_run() {
	printf "ktstr-test: cannot run '%s': %s\nFAIL: %s (exit status 126)\n" "$1" "$2" "${1##*/}" &&
	printf "0 passed, 1 failed, 0 skipped\n"
}

test_expect_success 'a file without #! is not handed to a shell: 126, and why' '
	mkdir -p t && printf "exit 0\n" >t/plain && chmod +x t/plain &&
	test_expect_code 1 ktstr-test t/plain 2>err &&
	cannot_run t/plain "Exec format error (neither a binary nor a script with a #! line)" >expect &&
	test_cmp expect err &&
	line plain | grep -q "\"exit_code\":126"
'

test_expect_success 'a #! interpreter that is missing is 126, not "not found"' '
	mkdir -p t && printf "#!/nonexistent/sh\nexit 0\n" >t/orphan && chmod +x t/orphan &&
	test_expect_code 1 ktstr-test t/orphan 2>err &&
	cannot_run t/orphan "the interpreter it names (#! line or ELF loader) is missing" >expect &&
	test_cmp expect err
'

test_expect_success 'a TMPDIR that does not exist: no test starts, the directory is named' '
	TMPDIR=$TRASH/no-tmp &&
	test_expect_code 2 ktstr-test -n notmp -- true 2>err &&
	printf "ktstr-test: cannot create a temporary file in \047%s\047: %s\n" "$TMPDIR" \
		"No such file or directory" >expect &&
	echo "0 passed, 0 failed, 0 skipped" >>expect &&
	test_cmp expect err &&
	! line notmp
'

test_expect_success 'file operands: one test each, named by basename' '
	mktest alpha 0 && mktest beta 77 && mktest gamma 1 &&
	test_expect_code 1 ktstr-test t/alpha t/beta t/gamma >out 2>err &&
	printf "out of alpha\nout of beta\nout of gamma\n" >expect &&
	test_cmp expect out &&
	printf "FAIL: gamma (exit status 1)\n1 passed, 1 failed, 1 skipped\n" >expect &&
	test_cmp expect err &&
	line alpha | grep -q "\"payload\":\"alpha\"" &&
	line beta | grep -q "\"skipped\":true" &&
	line gamma | grep -q "\"passed\":false"
'

test_expect_success 'a bare file name is run from the current directory' '
	mktest delta 0 &&
	(cd t && ktstr-test -q delta >../out) &&
	printf "out of delta\n" >expect &&
	test_cmp expect out
'

test_expect_success 'recorded options: scheduler, topology, work type, flags, sysctls, kargs' '
	ktstr-test -q -n opts --scheduler scx_x --topology 2n4l8c2t --work-type Mixed \
		--flag steal --flag zz --flag llc --sysctl kernel.a=1 --karg nosmt \
		--karg quiet -- true &&
	line opts >l &&
	grep -q "\"topology\":\"2n4l8c2t\",\"scheduler\":\"scx_x\"" l &&
	grep -q "\"work_type\":\"Mixed\",\"active_flags\":\[\"llc\",\"steal\",\"zz\"\]" l &&
	grep -q "\"sysctls\":\[\"sysctl.kernel.a=1\"\],\"kargs\":\[\"nosmt\",\"quiet\"\]" l
'

test_expect_success 'every field each upstream generation requires is there, in order' '
	line opts | grep -q "^{\"_path\":\"sd/opts-[0-9a-f]*\.ktstr\.json\",\"_run\":\"sd\",\"_archive\":true,\"test_name\":\"opts\",\"topology\":" &&
	line opts | grep -q "\"scheduler_commit\":null,\"resolve_source\":null,\"project_commit\":" &&
	line opts | grep -q "\"passed\":true,\"skipped\":false,\"inconclusive\":false,\"expected_failure\":false,\"stats\":" &&
	line opts | grep -q "\"monitor\":null,\"periodic_fired\":0,\"periodic_target\":0,\"vcpus\":0,\"cpu_budget\":0,\"throughput_denomination\":\"cpu_sec\",\"stimulus_events\":\[\]" &&
	line opts | grep -q "\"verifier_stats\":\[\],\"kvm_stats\":null" &&
	line opts | grep -q "\"timestamp\":\"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z\",\"run_id\":\"[0-9]\{8\}T[0-9]\{6\}Z-0\",\"host\":{" &&
	line opts | grep -q "\"cleanup_duration_ms\":null,\"run_source\":\"local\",\"perf_delta_assertions\":\[\]}$"
'

test_expect_success 'KTSTR_CI makes the run source ci' '
	KTSTR_CI=1 ktstr-test -q -n ci -- true &&
	line ci | grep -q "\"run_source\":\"ci\",\"perf_delta_assertions\":\[\]}$"
'

test_expect_success 'run_id counts the sidecars of one process from 0' '
	mktest r1 0 && mktest r2 0 && mktest r3 0 &&
	ktstr-test -q t/r1 t/r2 t/r3 >/dev/null &&
	for i in 1 2 3; do
		line r$i | grep -o "\"run_id\":\"[^\"]*\"" | sed "s/.*-//; s/\"//"
	done >ids &&
	printf "0\n1\n2\n" >expect &&
	test_cmp expect ids
'

test_expect_success 'the run_id stamp is the process start, the timestamp the write' '
	ktstr-test -q -n late -- sleep 1.5 &&
	l=$(line late) &&
	ts=$(echo "$l" | sed "s/.*\"timestamp\":\"\([^\"]*\)\".*/\1/" | tr -d ":-") &&
	id=$(echo "$l" | sed "s/.*\"run_id\":\"\([^\"]*\)-0\".*/\1/") &&
	test "$id" != "$ts" &&
	test "$(printf "%s\n%s\n" "$id" "$ts" | sort | head -1)" = "$id"
'

test_expect_success '--json prints one line per test; test output goes to stderr' '
	mktest j1 0 && mktest j2 77 && mktest j3 2 &&
	test_expect_code 1 ktstr-test --json -q t/j1 t/j2 t/j3 >out 2>err &&
	sed "s/-[0-9a-f]\{16\}\.ktstr\.json/-H.ktstr.json/" out >actual &&
	cat >expect <<-EOF &&
	{"test":"j1","verdict":"passed","path":"$TRASH/sd/j1-H.ktstr.json"}
	{"test":"j2","verdict":"skipped","path":"$TRASH/sd/j2-H.ktstr.json"}
	{"test":"j3","verdict":"failed","path":"$TRASH/sd/j3-H.ktstr.json"}
	EOF
	test_cmp expect actual &&
	grep -q "^out of j1$" err
'

test_expect_success 'the file name is the test name and the variant hash' '
	a=$(ls sd | grep "^opts-") &&
	ktstr-test -q -n opts --scheduler scx_x --topology 2n4l8c2t --work-type Mixed \
		--flag llc --flag zz --flag steal --sysctl kernel.a=1 --karg quiet \
		--karg nosmt -- true &&
	test "$(ls sd | grep "^opts-")" = "$a" &&
	ktstr-test -q -n opts --scheduler scx_y -- true &&
	test "$(ls sd | grep -c "^opts-")" = 2
'

# script(1) of util-linux gives ktstr-test a terminal.
test_expect_success script 'on a terminal, a progress line per test' '
	mktest tp 0 && mktest ts 77 &&
	script -qec "ktstr-test t/tp t/ts" /dev/null </dev/null >typescript &&
	tr -d "\r" <typescript | sed "s/([0-9]* ms)/(T ms)/" >actual &&
	printf "out of tp\nPASS: tp (T ms)\nout of ts\nSKIP: ts (T ms)\n1 passed, 0 failed, 1 skipped\n" >expect &&
	test_cmp expect actual &&
	script -qec "ktstr-test -q t/tp" /dev/null </dev/null >typescript &&
	tr -d "\r" <typescript >actual &&
	printf "out of tp\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'usage errors exit 2 before any test runs' '
	test_must_fail ktstr-test 2>err && grep -q "^usage:" err &&
	test_must_fail ktstr-test -n x t/alpha 2>err &&
	test_must_fail ktstr-test -n a/b -- true 2>err &&
	grep -q "invalid test name .a/b.: contains ./." err &&
	test_must_fail ktstr-test -- "" 2>err &&
	grep -q "invalid command: empty" err &&
	test_must_fail ktstr-test -- / 2>err &&
	grep -q "invalid command ./.: names a directory" err &&
	test_must_fail ktstr-test -- /usr/bin/ 2>err &&
	test_must_fail ktstr-test -n "" -- true 2>err &&
	test_must_fail ktstr-test --flag a --sysctl novalue -- true 2>err &&
	grep -q "expected KEY=VALUE" err &&
	test_must_fail ktstr-test --timeout -1 -- true 2>err &&
	test_must_fail ktstr-test -j 0 t/alpha 2>err &&
	test_must_fail ktstr-test --bogus -- true 2>err &&
	mkdir -p u && cp t/alpha u/alpha &&
	test_must_fail ktstr-test t/alpha u/alpha 2>err &&
	grep -q "two tests are named .alpha." err &&
	printf "x\n" >noexec &&
	test_must_fail ktstr-test noexec 2>err &&
	grep -q "not an executable file" err &&
	test_must_fail ktstr-test t/missing 2>err &&
	KTSTR_RUN_ID="has space" test_must_fail ktstr-test -- true 2>err &&
	grep -q "invalid KTSTR_RUN_ID" err &&
	KTSTR_RUN_ID=r KTSTR_RUN_DIR=$TRASH/rd test_must_fail ktstr-test --kernel 6.14 -- true 2>err &&
	grep -q "begun run" err &&
	! test -e rd
'

# NAME_MAX is 255: "-{16 hex}.ktstr.json" leaves 227 bytes for the name.
test_expect_success 'the longest test name whose sidecar fits is written, as a file operand too' '
	n227=$(printf "%227s" "" | tr " " a) &&
	ktstr-test -q -n "$n227" -- true &&
	ls sd | grep -q "^$n227-[0-9a-f]\{16\}\.ktstr\.json$" &&
	mkdir -p long && cp t/alpha "long/$n227" &&
	ktstr-test -q "long/$n227" &&
	test "$(ls sd | grep -c "^$n227-")" -eq 2
'

test_expect_success 'a longer name, or one no file can bear, is refused before the test runs' '
	n228=$(printf "%228s" "" | tr " " a) &&
	test_must_fail ktstr-test -n "$n228" -- touch ran 2>err &&
	grep -q "^ktstr-test: invalid test name .a\{40\}\.\.\..: 228 bytes, but a sidecar.s file name has room for 227 (NAME_MAX)$" err &&
	! test -e ran &&
	test_must_fail ktstr-test -n "$(printf "t\033[2J")" -- touch ran 2>err &&
	grep -F -q "ktstr-test: invalid test name '"'"'t\x1b[2J'"'"': a control character" err &&
	test_must_fail ktstr-test -n .. -- touch ran 2>err &&
	! test -e ran
'

test_expect_success 'a "--" given as an option argument does not start the command form' '
	test_must_fail ktstr-test -n -- t/alpha 2>err &&
	grep -q "names the test of the command form" err &&
	ktstr-test -q -n -- -- true &&
	ls sd | grep -q "^---[0-9a-f]\{16\}\.ktstr\.json$"
'

test_expect_success 'the command gets its arguments untouched' '
	ktstr-test -q -n args -- printf "%s|" a "b c" -n -- >out &&
	printf "a|b c|-n|--|" >expect &&
	test_cmp expect out
'

test_expect_success 'standard input of a test is /dev/null' '
	echo data | ktstr-test -q -n stdin -- sh -c "cat; echo end" >out &&
	printf "end\n" >expect &&
	test_cmp expect out
'

test_expect_success 'every sidecar written above is what every generation requires' '
	ktstr-scan sd >stream &&
	test "$(wc -l <stream)" = "$(ls sd | wc -l)" &&
	check_generations sd/*.ktstr.json
'

test_done
