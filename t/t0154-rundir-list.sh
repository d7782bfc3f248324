#!/bin/sh
# ktstr-rundir --list and --newest (doc/runs.md, Reading runs).
. "${0%/*}/lib.sh"

mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD

test_expect_success 'setup: the fixture runs with explicit mtimes' '
	mkdir -p target &&
	cp -R "$FIXTURES/sidecars" target/ktstr &&
	touch -d "2025-03-14 10:00:00" target/ktstr/6.14-abc1234 &&
	touch -d "2025-03-14 12:00:00" target/ktstr/6.14-abc1234-dirty &&
	touch -d "2025-04-02 03:20:00" target/ktstr/7.0-def5678
'

test_expect_success 'the table: newest first, exact layout' '
	cat >expect <<-\EOT &&
	 RUN                 TESTS  DATE                  ARCH    $
	 7.0-def5678         5      2025-04-01T22:40:10Z  aarch64 $
	 6.14-abc1234-dirty  3      2025-03-14T11:03:22Z  x86_64  $
	 6.14-abc1234        7      2025-03-14T09:26:53Z  x86_64  $
	EOT
	ktstr-rundir --list >out 2>err &&
	sed "s/\$/\$/" out >actual &&
	test_cmp expect actual &&
	printf "ktstr-rundir: skipping target/ktstr/6.14-abc1234-dirty/pipe_pingpong-1f65a7a7963ff767.ktstr.json: " >expect &&
	head -c $(wc -c <expect) err >actual &&
	test_cmp expect actual &&
	test $(wc -l <err) = 1
'

test_expect_success '-l, and --json in table order' '
	ktstr-rundir -l >actual 2>/dev/null &&
	test_cmp out actual &&
	printf "{\"root\":\"target/ktstr\",\"runs\":[%s,%s,%s]}\n" \
		"{\"run\":\"7.0-def5678\",\"tests\":5,\"date\":\"2025-04-01T22:40:10Z\",\"arch\":\"aarch64\"}" \
		"{\"run\":\"6.14-abc1234-dirty\",\"tests\":3,\"date\":\"2025-03-14T11:03:22Z\",\"arch\":\"x86_64\"}" \
		"{\"run\":\"6.14-abc1234\",\"tests\":7,\"date\":\"2025-03-14T09:26:53Z\",\"arch\":\"x86_64\"}" >expect &&
	ktstr-rundir --list --json >actual 2>/dev/null &&
	test_cmp expect actual
'

test_expect_success 'equal mtimes: by name; runs without sidecars show -' '
	touch -d "2025-04-02 03:20:00" target/ktstr/6.14-abc1234 &&
	mkdir target/ktstr/empty-run target/ktstr/.hidden &&
	touch -d "2020-01-01 00:00:00" target/ktstr/empty-run &&
	: >target/ktstr/a-file &&
	cat >expect <<-\EOT &&
	 RUN                 TESTS  DATE                  ARCH    $
	 6.14-abc1234        7      2025-03-14T09:26:53Z  x86_64  $
	 7.0-def5678         5      2025-04-01T22:40:10Z  aarch64 $
	 6.14-abc1234-dirty  3      2025-03-14T11:03:22Z  x86_64  $
	 empty-run           0      -                     -       $
	EOT
	ktstr-rundir --list 2>/dev/null | sed "s/\$/\$/" >actual &&
	test_cmp expect actual
'

test_expect_success '--dir lists another root; CARGO_TARGET_DIR moves the default' '
	mkdir -p other/r1 &&
	cp "$FIXTURES/sidecars/7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json" other/r1/ &&
	printf " RUN  TESTS  DATE                  ARCH    \n r1   1      2025-04-02T03:17:40Z  aarch64 \n" >expect &&
	ktstr-rundir --list --dir other >actual &&
	test_cmp expect actual &&
	mkdir -p ct && mv other ct/ktstr &&
	CARGO_TARGET_DIR=ct ktstr-rundir --list >actual &&
	test_cmp expect actual &&
	printf "{\"root\":\"ct/ktstr\",\"runs\":[{\"run\":\"r1\",\"tests\":1,\"date\":\"2025-04-02T03:17:40Z\",\"arch\":\"aarch64\"}]}\n" >expect &&
	ktstr-rundir --list --dir ct/ktstr --json >actual &&
	test_cmp expect actual
'

test_expect_success 'a sidecar without host or timestamp' '
	mkdir -p bare/r &&
	sed -e "s/\"timestamp\": \"[^\"]*\"/\"timestamp\": \"\"/" \
	    -e "/\"host\": {/,/^  }/d" -e "s/^}\$/,\"host\": null}/" \
		"$FIXTURES/sidecars/7.0-def5678/yield_storm-a1766172d31eac5d.ktstr.json" >bare/r/x.ktstr.json &&
	grep "^,\"host\": null}\$" bare/r/x.ktstr.json &&
	printf " RUN  TESTS  DATE  ARCH \n r    1      -     -    \n" >expect &&
	ktstr-rundir --list --dir bare >actual &&
	test_cmp expect actual
'

test_expect_success 'no runs: the notice, nothing on stdout, exit 0' '
	printf "ktstr-rundir: no runs found at nowhere. Run \`ktstr-test\` to generate sidecar data.\n" >expect &&
	ktstr-rundir --list --dir nowhere >actual 2>err &&
	test_cmp /dev/null actual &&
	test_cmp expect err &&
	mkdir -p onlydots/.locks &&
	ktstr-rundir --list --dir onlydots >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "no runs found at onlydots\\." err &&
	printf "{\"root\":\"nowhere\",\"runs\":[]}\n" >expect &&
	ktstr-rundir --list --dir nowhere --json >actual 2>/dev/null &&
	test_cmp expect actual
'

test_expect_success 'a root that cannot be listed is an error' '
	: >plain &&
	test_must_fail ktstr-rundir --list --dir plain >actual 2>err &&
	test_cmp /dev/null actual &&
	printf "ktstr-rundir: cannot list plain: Not a directory (os error 20)\n" >expect &&
	test_cmp expect err
'

test_expect_success NOTROOT 'an unreadable root is an error' '
	mkdir locked && chmod 000 locked &&
	test_must_fail ktstr-rundir --list --dir locked 2>err &&
	chmod 755 locked &&
	grep "^ktstr-rundir: cannot list locked: Permission denied (os error 13)$" err
'

test_expect_success '--newest: the run directory with the latest mtime' '
	touch -d "2025-05-01 00:00:00" target/ktstr/7.0-def5678 &&
	printf "target/ktstr/7.0-def5678\n" >expect &&
	ktstr-rundir --newest >actual &&
	test_cmp expect actual &&
	printf "{\"dir\":\"target/ktstr/7.0-def5678\",\"run\":\"7.0-def5678\"}\n" >expect &&
	ktstr-rundir --newest --json >actual &&
	test_cmp expect actual
'

test_expect_success '--newest: ties go to the greatest name; dot dirs never count' '
	touch -d "2025-05-01 00:00:00" target/ktstr/6.14-abc1234 &&
	touch -d "2030-01-01 00:00:00" target/ktstr/.hidden target/ktstr/.locks &&
	printf "target/ktstr/7.0-def5678\n" >expect &&
	ktstr-rundir --newest >actual &&
	test_cmp expect actual &&
	touch -d "2025-05-01 00:00:00" target/ktstr/empty-run &&
	printf "target/ktstr/empty-run\n" >expect &&
	ktstr-rundir --newest >actual &&
	test_cmp expect actual
'

test_expect_success '--newest: a control character in the name is shown escaped, exact in --json' '
	mkdir -p esc/ktstr &&
	mkdir "esc/ktstr/7.0-$(printf "\033")]0;owned" &&
	printf "esc/ktstr/7.0-\\x1b]0;owned\n" >expect &&
	CARGO_TARGET_DIR=esc ktstr-rundir --newest >actual &&
	test_cmp expect actual &&
	printf "{\"dir\":\"esc/ktstr/7.0-\\u001b]0;owned\",\"run\":\"7.0-\\u001b]0;owned\"}\n" >expect &&
	CARGO_TARGET_DIR=esc ktstr-rundir --newest --json >actual &&
	test_cmp expect actual
'

test_expect_success '--newest with no runs is an error' '
	test_must_fail env CARGO_TARGET_DIR=none ktstr-rundir --newest >actual 2>err &&
	test_cmp /dev/null actual &&
	printf "ktstr-rundir: no runs found at none/ktstr\n" >expect &&
	test_cmp expect err
'

test_done
