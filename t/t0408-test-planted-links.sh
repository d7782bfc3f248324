#!/bin/sh
# The writers against planted symlinks and hostile names: whatever is
# put in place of a file ktstr-test, ktstr-rundir --begin or
# ktstr-compare --svg creates (temporary files, the sidecar, the run
# marker and its temporary file, the lock, the .locks directory, the
# run directory itself, the chart), nothing outside the run directory
# changes; a kernel version cannot name a directory elsewhere.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"
# An unborn repository: the project commit is unknown, the run key fixed.
mkdir -p .git/objects .git/refs &&
echo "ref: refs/heads/main" >.git/HEAD

# Everything a planted link points to lives in outside/; snap records it.
mkdir -p outside/dir &&
printf 'victim\n' >outside/victim &&
printf 'victim\n' >outside/marker &&
printf '{"keep":1}\n' >outside/dir/old-0000000000000000.ktstr.json
snap() {
	find outside | LC_ALL=C sort
	find outside -type f -exec cksum {} + | LC_ALL=C sort
	find outside -type l -exec ls -l {} + | sed 's/.* -> //' | LC_ALL=C sort
}
snap >outside.before

outside_unchanged() {
	snap >outside.after &&
	test_cmp outside.before outside.after
}

RUN=target/ktstr/unknown-unknown
LOCKS=target/ktstr/.locks
# The sidecar's name is fixed by the options: learn it once.
name=$(KTSTR_SIDECAR_DIR=$TRASH/probe ktstr-test --topology 1n1l1c1t --scheduler eevdf \
	-q --json -n t -- true | sed 's/.*"path":"[^"]*\/\([^"]*\)".*/\1/')

# run_test [ENV=VALUE...]: ktstr-test -n t in the planted runs root; the
# sh -c shell execs it, so $$ there is ktstr-test's pid: links planted at
# the temporary names a predictable writer would use (in the real run
# and .locks directories; a planted one of those is a case of its own).
run_test() {
	env "$@" sh -c '
		if test -d "$1" && ! test -L "$1"; then
			for n in 0 1 2 3; do
				ln -sf "$0/outside/victim" "$1/.$2.$$.$n.tmp"
			done
		fi
		if test -d "$3" && ! test -L "$3"; then
			ln -sf "$0/outside/victim" "$3/.unknown-unknown.run.$$.tmp"
		fi
		exec ktstr-test --topology 1n1l1c1t --scheduler eevdf -q -n t -- true
	' "$TRASH" "$RUN" "$name" "$LOCKS"
}

test_expect_success 'the sidecar name is known' '
	test -n "$name" && test "$name" != "${name%.ktstr.json}"
'

test_expect_success 'links at the temporary names and the sidecar: a regular sidecar, nothing followed' '
	mkdir -p $RUN $LOCKS &&
	ln -s "$TRASH/outside/victim" $RUN/$name &&
	run_test 2>err &&
	test -f $RUN/$name && ! test -L $RUN/$name &&
	grep -q "\"test_name\": \"t\"" $RUN/$name &&
	outside_unchanged
'

test_expect_success 'pre-clear removed the planted temporary links, not what they point to' '
	! ls -a $RUN | grep -q "\.tmp$" &&
	outside_unchanged
'

test_expect_success 'a symlinked lock is refused and creates nothing where it points' '
	rm -rf target &&
	mkdir -p $RUN $LOCKS &&
	ln -s "$TRASH/outside/made-by-lock" $LOCKS/unknown-unknown.lock &&
	test_must_fail run_test 2>err &&
	grep -q "^ktstr-test: open $LOCKS/unknown-unknown.lock: it is a symbolic link (refused)$" err &&
	! test -e outside/made-by-lock &&
	outside_unchanged
'

test_expect_success 'a symlinked marker is neither read nor written through' '
	rm -rf target &&
	mkdir -p $RUN $LOCKS &&
	ln -s "$TRASH/outside/marker" $LOCKS/unknown-unknown.run &&
	test_must_fail run_test 2>err &&
	grep -q "^ktstr-test: warning: cannot read run marker $LOCKS/unknown-unknown.run: it is a symbolic link (refused); writing to $RUN without pre-clear$" err &&
	test -L $LOCKS/unknown-unknown.run &&
	outside_unchanged
'

test_expect_success 'a symlinked run directory is refused: nothing there is cleared' '
	rm -rf target &&
	mkdir -p target/ktstr &&
	ln -s "$TRASH/outside/dir" $RUN &&
	test_must_fail run_test 2>err &&
	grep -q "^ktstr-test: open sidecar dir $RUN: it is a symbolic link (refused)$" err &&
	outside_unchanged
'

test_expect_success 'a symlinked .locks directory is refused' '
	rm -rf target &&
	mkdir -p $RUN &&
	ln -s "$TRASH/outside/dir" $LOCKS &&
	test_must_fail run_test 2>err &&
	grep -q "^ktstr-test: create lock subdirectory $LOCKS: it is a symbolic link (refused)$" err &&
	outside_unchanged
'

test_expect_success 'ktstr-rundir --begin refuses the same links' '
	rm -rf target &&
	mkdir -p target/ktstr &&
	ln -s "$TRASH/outside/dir" $RUN &&
	test_must_fail ktstr-rundir --begin >out 2>err &&
	grep -q "^ktstr-rundir: open sidecar dir $RUN: it is a symbolic link (refused)$" err &&
	rm $RUN && mkdir -p $RUN $LOCKS &&
	ln -s "$TRASH/outside/marker" $LOCKS/unknown-unknown.run &&
	test_must_fail ktstr-rundir --begin >out 2>err &&
	grep -q "^ktstr-rundir: read run marker $LOCKS/unknown-unknown.run: it is a symbolic link (refused)$" err &&
	rm -f $LOCKS/unknown-unknown.run $LOCKS/unknown-unknown.lock &&
	ln -s "$TRASH/outside/made-by-lock" $LOCKS/unknown-unknown.lock &&
	test_must_fail ktstr-rundir --begin >out 2>err &&
	grep -q "it is a symbolic link (refused)$" err &&
	outside_unchanged
'

# meta VERSION: a kernel directory's metadata.json naming that version.
meta() {
	printf '{"version":"%s","source":{"type":"tarball"},"arch":"x86_64",' "$1"
	printf '"image_name":"bzImage","built_at":"2025-01-01T00:00:00Z",'
	printf '"has_vmlinux":true,"vmlinux_stripped":false}\n'
}

test_expect_success 'a kernel version that walks out of the runs root counts as none' '
	rm -rf target k &&
	mkdir k &&
	meta "../../outside/evil" >k/metadata.json &&
	KTSTR_KERNEL=./k ktstr-rundir --kernel >out &&
	echo unknown >expect &&
	test_cmp expect out &&
	KTSTR_KERNEL=./k ktstr-rundir >out &&
	echo $RUN >expect &&
	test_cmp expect out &&
	run_test KTSTR_KERNEL=./k 2>err &&
	test -f $RUN/$name &&
	grep -q "\"kernel_version\": null" $RUN/$name &&
	outside_unchanged
'

test_expect_success 'control characters and dot names are not versions either' '
	echo unknown >expect &&
	for v in "6.14\\u001b[2J" "." ".." "a/b" "6.14\\n"; do
		meta "$v" >k/metadata.json &&
		KTSTR_KERNEL=./k ktstr-rundir --kernel >out &&
		test_cmp expect out || return 1
	done &&
	meta "6.14.0-rc3+" >k/metadata.json &&
	echo "6.14.0-rc3+" >expect &&
	KTSTR_KERNEL=./k ktstr-rundir --kernel >out &&
	test_cmp expect out
'

test_expect_success '--junit: a symlink at its path is refused, never written through' '
	rm -rf target &&
	ln -s "$TRASH/outside/victim" report.xml &&
	test_must_fail ktstr-test -q --junit report.xml -n t -- true 2>err &&
	grep -q "^ktstr-test: cannot write .report.xml.: it is a symbolic link (refused)$" err &&
	test -L report.xml &&
	outside_unchanged
'

test_expect_success '--svg: a symlink at its path is refused, never written through' '
	mkdir -p pool &&
	sidecar pool/a.ktstr.json &&
	sidecar pool/b.ktstr.json kernel="\"6.15.0\"" spread=9.0 &&
	ln -s "$TRASH/outside/victim" chart.svg &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --svg chart.svg \
		pool/a.ktstr.json pool/b.ktstr.json >out 2>err &&
	echo "ktstr-compare: cannot write '"'"'chart.svg'"'"': it is a symbolic link (refused)" >expect &&
	test_cmp expect err &&
	test -L chart.svg &&
	! ls -a | grep -q "\.tmp$" &&
	outside_unchanged
'

test_expect_success '--svg: a regular file is replaced whole; a FIFO is written as a stream' '
	rm chart.svg && echo OLDCHART >chart.svg &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --svg chart.svg \
		pool/a.ktstr.json pool/b.ktstr.json >out &&
	grep -q "<svg" chart.svg && ! grep -q OLDCHART chart.svg &&
	mkfifo fifo.svg &&
	{ cat fifo.svg >got.svg & } &&
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --svg fifo.svg \
		pool/a.ktstr.json pool/b.ktstr.json >out &&
	wait &&
	test_cmp chart.svg got.svg &&
	test -p fifo.svg
'

test_done
