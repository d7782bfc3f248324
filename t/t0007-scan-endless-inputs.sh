#!/bin/sh
# Inputs that are not files, or never end: a FIFO or a device among the
# sidecars, a huge (sparse) file, a policy or host file that is a
# device.  Each is one stderr line and the other inputs go on; nothing
# blocks and nothing is read without bound.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

# bounded CMD...: CMD, stopped if it still runs after 20 s (exit 124).
bounded() {
	timeout 20 "$@"
}

test_expect_success 'setup: one good run, a FIFO, /dev/zero and a huge sparse sidecar beside it' '
	sidecar runs/6.14-aaaaaaa/a.ktstr.json &&
	sidecar runs/6.15-bbbbbbb/b.ktstr.json kernel="\"6.15.0\"" spread=9.0 &&
	mkfifo runs/6.14-aaaaaaa/fifo.ktstr.json &&
	ln -s /dev/zero runs/6.14-aaaaaaa/zero.ktstr.json &&
	: >runs/6.14-aaaaaaa/huge.ktstr.json &&
	truncate -s 1G runs/6.14-aaaaaaa/huge.ktstr.json
'

test_expect_success 'ktstr-scan: each is one line, the good sidecars are streamed' '
	test_expect_code 1 bounded ktstr-scan --dir runs >out 2>err &&
	test "$(wc -l <out)" -eq 2 &&
	cat >expect <<-\EOF &&
	ktstr-scan: cannot read runs/6.14-aaaaaaa/fifo.ktstr.json: not a regular file
	ktstr-scan: cannot read runs/6.14-aaaaaaa/huge.ktstr.json: File too large (os error 27)
	ktstr-scan: cannot read runs/6.14-aaaaaaa/zero.ktstr.json: not a regular file
	ktstr-scan: 3 of 5 sidecar files skipped
	EOF
	test_cmp expect err
'

test_expect_success 'ktstr-compare and ktstr-rundir -l go on past them' '
	test_expect_code 1 bounded ktstr-compare --dir runs --a-kernel 6.14 --b-kernel 6.15 \
		>out 2>err &&
	grep -q "REGRESSION" out &&
	test "$(grep -c "cannot read" err)" -eq 3 &&
	bounded ktstr-rundir -l --dir runs >out 2>err &&
	grep -q "^ 6.14-aaaaaaa  1 " out &&
	test "$(grep -c "cannot read" err)" -eq 3
'

test_expect_success 'a FIFO named on the command line is read, as a pipe is' '
	mkfifo pipe &&
	{ cat runs/6.15-bbbbbbb/b.ktstr.json >pipe & } &&
	bounded ktstr-scan pipe >out 2>err &&
	test "$(wc -l <out)" -eq 1 &&
	{ cat runs/6.14-aaaaaaa/a.ktstr.json >pipe & } &&
	bounded ktstr-compare --analyze pipe >out 2>err &&
	grep -q "GAUNTLET" out
'

test_expect_success 'a device named on the command line is refused, not read' '
	test_expect_code 1 bounded ktstr-scan /dev/zero >out 2>err &&
	grep -q "^ktstr-scan: cannot read /dev/zero: not a regular file$" err &&
	bounded ktstr-compare --dir runs --a-kernel 6.14 --b-kernel 6.15 --policy /dev/zero \
		>out 2>err;
	test $? = 2 &&
	grep -q "^ktstr-compare: read comparison policy from /dev/zero: not a regular file$" err &&
	bounded ktstr-hostinfo --diff /dev/zero runs/6.14-aaaaaaa/a.ktstr.json >out 2>err </dev/null;
	test $? = 2 &&
	grep -q "^ktstr-hostinfo: cannot read '"'"'/dev/zero'"'"': not a regular file$" err
'

test_expect_success 'a huge policy file is refused before it is read' '
	: >huge.json && truncate -s 1G huge.json &&
	bounded ktstr-compare --dir runs --a-kernel 6.14 --b-kernel 6.15 --policy huge.json \
		>out 2>err;
	test $? = 2 &&
	grep -q "^ktstr-compare: read comparison policy from huge.json: File too large (os error 27)$" err
'

test_done
