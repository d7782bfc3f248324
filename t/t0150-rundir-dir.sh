#!/bin/sh
# ktstr-rundir without a mode, --root: the runs root and the directory
# a writer would use (doc/runs.md, Choosing the directory).
. "${0%/*}/lib.sh"

# An empty repository (unborn HEAD) stops discovery from reaching the
# source tree's own: the commit is unknown.
mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD

test_expect_success 'runs root defaults to target/ktstr' '
	printf "target/ktstr\n" >expect &&
	ktstr-rundir --root >actual &&
	test_cmp expect actual &&
	printf "{\"root\":\"target/ktstr\"}\n" >expect &&
	ktstr-rundir --root --json >actual &&
	test_cmp expect actual
'

test_expect_success 'CARGO_TARGET_DIR is the base, used verbatim' '
	printf "/tmp/x y/ktstr\n" >expect &&
	CARGO_TARGET_DIR="/tmp/x y" ktstr-rundir --root >actual &&
	test_cmp expect actual &&
	printf "rel/ktstr\n" >expect &&
	CARGO_TARGET_DIR=rel ktstr-rundir --root >actual &&
	test_cmp expect actual
'

test_expect_success 'an empty CARGO_TARGET_DIR means target' '
	printf "target/ktstr\n" >expect &&
	CARGO_TARGET_DIR= ktstr-rundir --root >actual &&
	test_cmp expect actual
'

test_expect_success 'a non-UTF-8 CARGO_TARGET_DIR means target' '
	printf "target/ktstr\n" >expect &&
	CARGO_TARGET_DIR="$(printf "x\377")" ktstr-rundir --root >actual &&
	test_cmp expect actual
'

test_expect_success 'computed branch: {root}/{kernel}-{commit}' '
	printf "target/ktstr/6.14-unknown\n" >expect &&
	KTSTR_KERNEL=6.14 ktstr-rundir >actual 2>err &&
	test_cmp expect actual &&
	test_cmp /dev/null err &&
	printf "{\"dir\":\"t/ktstr/unknown-unknown\",\"branch\":\"computed\",\"key\":\"unknown-unknown\"}\n" >expect &&
	CARGO_TARGET_DIR=t ktstr-rundir --json >actual &&
	test_cmp expect actual
'

test_expect_success 'KTSTR_SIDECAR_DIR wins, untrimmed, no key' '
	printf " \n" >expect &&
	KTSTR_SIDECAR_DIR=" " ktstr-rundir >actual &&
	test_cmp expect actual &&
	printf "{\"dir\":\"/tmp/run1\",\"branch\":\"sidecar-dir\",\"key\":null}\n" >expect &&
	KTSTR_SIDECAR_DIR=/tmp/run1 KTSTR_RUN_ID=r KTSTR_RUN_DIR=/x/k ktstr-rundir --json >actual &&
	test_cmp expect actual
'

test_expect_success 'an empty KTSTR_SIDECAR_DIR is not set' '
	printf "target/ktstr/unknown-unknown\n" >expect &&
	KTSTR_SIDECAR_DIR= ktstr-rundir >actual &&
	test_cmp expect actual
'

test_expect_success 'a non-UTF-8 KTSTR_SIDECAR_DIR is not set' '
	printf "target/ktstr/unknown-unknown\n" >expect &&
	KTSTR_SIDECAR_DIR="$(printf "x\377")" ktstr-rundir >actual &&
	test_cmp expect actual
'

test_expect_success 'a begun run: KTSTR_RUN_DIR, key is its leaf' '
	printf "{\"dir\":\"/a/b/6.14-abc1234\",\"branch\":\"run-dir\",\"key\":\"6.14-abc1234\"}\n" >expect &&
	KTSTR_RUN_ID=r1 KTSTR_RUN_DIR=/a/b/6.14-abc1234 ktstr-rundir --json >actual &&
	test_cmp expect actual &&
	printf "rel/dir\n" >expect &&
	KTSTR_RUN_ID=r1 KTSTR_RUN_DIR=rel/dir ktstr-rundir >actual &&
	test_cmp expect actual
'

test_expect_success 'KTSTR_RUN_ID alone is no begun run' '
	printf "target/ktstr/unknown-unknown\n" >expect &&
	KTSTR_RUN_ID=r1 KTSTR_PROJECT_COMMIT=abc ktstr-rundir >actual &&
	test_cmp expect actual
'

test_expect_success 'KTSTR_RUN_DIR without KTSTR_RUN_ID is an error' '
	test_must_fail env KTSTR_RUN_DIR=/x ktstr-rundir >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: KTSTR_RUN_DIR is set without KTSTR_RUN_ID$" err
'

test_expect_success 'an invalid KTSTR_RUN_ID is an error' '
	test_must_fail env KTSTR_RUN_ID="a b" ktstr-rundir 2>err &&
	grep "^ktstr-rundir: invalid KTSTR_RUN_ID" err &&
	long=$(printf "%0201d" 0) &&
	test_must_fail env KTSTR_RUN_ID=$long ktstr-rundir 2>err &&
	ok=$(printf "%0200d" 0) &&
	KTSTR_RUN_ID=$ok KTSTR_RUN_DIR=d ktstr-rundir
'

test_expect_success 'a begun run with a bad KTSTR_RUN_SOURCE is an error' '
	test_must_fail env KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_RUN_SOURCE=CI ktstr-rundir 2>err &&
	grep "KTSTR_RUN_SOURCE" err &&
	test_must_fail env KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_RUN_SOURCE= ktstr-rundir &&
	KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_RUN_SOURCE=ci ktstr-rundir
'

test_expect_success 'no mode never prints the unknown-commit warning' '
	ktstr-rundir >actual 2>err &&
	test_cmp /dev/null err
'

test_expect_success '-C changes directory first' '
	mkdir -p sub &&
	printf "{\"dir\":\"target/ktstr/unknown-unknown\",\"branch\":\"computed\",\"key\":\"unknown-unknown\"}\n" >expect &&
	ktstr-rundir -C sub --json >actual &&
	test_cmp expect actual &&
	test_must_fail ktstr-rundir -C nowhere 2>err &&
	grep "^ktstr-rundir: cannot change to directory .nowhere.: " err
'

test_expect_success 'strings in JSON are escaped' '
	printf "{\"dir\":\"a\\\\\"b\\\\tc\",\"branch\":\"sidecar-dir\",\"key\":null}\n" >expect &&
	KTSTR_SIDECAR_DIR="$(printf "a\"b\tc")" ktstr-rundir --json >actual &&
	test_cmp expect actual
'

test_done
