#!/bin/sh
# ktstr-rundir: usage errors and exit statuses (ktstr-rundir(1)).
. "${0%/*}/lib.sh"

mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD

test_expect_success 'operands are usage errors' '
	test_must_fail ktstr-rundir extra >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: unexpected operand .extra." err &&
	grep "^usage: ktstr-rundir \\[-C DIR\\] \\[--json\\]$" err
'

test_expect_success 'two modes are a usage error' '
	test_must_fail ktstr-rundir --key --commit >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: only one mode option may be given$" err &&
	test_must_fail ktstr-rundir --list --begin &&
	test_must_fail ktstr-rundir -l --newest
'

test_expect_success 'the same mode twice is one mode' '
	ktstr-rundir --root --root >actual &&
	printf "target/ktstr\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--dir only with --list' '
	test_must_fail ktstr-rundir --dir x 2>err &&
	grep "^ktstr-rundir: --dir is accepted only with --list$" err &&
	test_must_fail ktstr-rundir --newest --dir x &&
	test_must_fail ktstr-rundir --dir
'

test_expect_success 'unknown options and missing values' '
	test_must_fail ktstr-rundir --bogus 2>err &&
	grep "^usage: " err &&
	test_must_fail ktstr-rundir -k &&
	test_must_fail ktstr-rundir -C
'

test_expect_success '-h prints the synopsis on standard output' '
	ktstr-rundir -h >out 2>err &&
	test $(grep -c "ktstr-rundir \\[-C DIR\\] \\[--json\\]" out) = 4 &&
	! test -s err
'

test_expect_success DEVFULL 'a full stdout is an error' '
	test_must_fail ktstr-rundir --root >/dev/full 2>err &&
	grep "^ktstr-rundir: " err
'

test_done
