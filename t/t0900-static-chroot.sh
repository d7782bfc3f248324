#!/bin/sh
# The static build in an empty root: the five programs copied alone into
# a directory and run there under chroot(8), with no shell, no /proc,
# /sys, /tmp or /etc, no locale files and no git, give what the normal
# build gives.  make check-static runs it; under make check the programs
# are dynamic and it says so.
. "${0%/*}/lib.sh"

PROGS="ktstr-compare ktstr-hostinfo ktstr-rundir ktstr-scan ktstr-test"
NORMAL=$TOP/bin
CHROOT=$(command -v chroot)

GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_AUTHOR_DATE='2025-01-01T00:00:00Z'
GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com GIT_COMMITTER_DATE='2025-01-01T00:00:00Z'
GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM

# STATIC: the programs under test name no ELF interpreter, as readelf(1)
# shows (make static; make check-static tests them).
test_lazy_prereq STATIC '
	for p in $PROGS; do
		readelf -lW "$BIN/$p" >ph && grep -q "^ *LOAD " ph && ! grep -q "^ *INTERP " ph ||
		exit 1
	done
'
test_have_prereq STATIC || say "$BIN is not a static build: make check-static runs these tests"
# NORMAL: the normal build is there to compare with.
test_lazy_prereq NORMAL 'test -x "$NORMAL/ktstr-scan" && test "$NORMAL" != "$BIN"'
# CHROOT: chroot(8) works here (root, and allowed to).
test_lazy_prereq CHROOT 'test -n "$CHROOT" && "$CHROOT" / true'
# USERSPEC: it can also drop to a uid that has no passwd entry.
test_lazy_prereq USERSPEC '"$CHROOT" --userspec=65534:65534 / true'

# in_root CMD ARG...: CMD of the empty root, with nothing of our
# environment but a locale that has no files there.
in_root() {
	env -i LC_ALL=de_DE.UTF-8 "$CHROOT" root "$@"
}

test_expect_success STATIC,ROOT,CHROOT 'setup: the five programs alone in an empty root' '
	mkdir root &&
	for p in $PROGS; do cp "$BIN/$p" root/ || exit 1; done &&
	ls -A root >actual &&
	printf "%s\n" $PROGS >expect &&
	test_cmp expect actual &&
	cp -R "$FIXTURES/sidecars" root/runs &&
	mkdir root/scratch
'

test_expect_success STATIC,ROOT,CHROOT,NORMAL 'ktstr-scan: the bytes, stderr and status of the normal build' '
	(cd root && test_expect_code 1 "$NORMAL/ktstr-scan" --dir runs >../normal.scan 2>../normal.err) &&
	test_expect_code 1 in_root /ktstr-scan --dir runs >static.scan 2>static.err &&
	test -s normal.scan &&
	test_cmp normal.scan static.scan &&
	test_cmp normal.err static.err
'

# compare_both ARG...: ktstr-compare ARG... of the normal build reading
# normal.scan, and of the empty root fed by its own ktstr-scan through a
# pipe; then their outputs and exit statuses must be the same.
compare_both() {
	{ "$NORMAL/ktstr-compare" "$@" <normal.scan >normal.cmp 2>normal.cmperr; echo $?; } >normal.code
	{
		in_root /ktstr-scan --dir runs 2>/dev/null |
		in_root /ktstr-compare "$@" >static.cmp 2>static.cmperr
		echo $?
	} >static.code
	test -s normal.cmp &&
	test_cmp normal.cmp static.cmp &&
	test_cmp normal.cmperr static.cmperr &&
	test_cmp normal.code static.code
}

test_expect_success STATIC,ROOT,CHROOT,NORMAL 'ktstr-scan | ktstr-compare: as the normal build' '
	compare_both --a-kernel 6.14 --b-kernel 7.0 &&
	echo 0 >expect &&
	test_cmp expect static.code &&
	grep -q "^summary: " static.cmp
'

test_expect_success STATIC,ROOT,CHROOT,NORMAL 'the same with --json and --spread' '
	compare_both --a-kernel 6.14 --b-kernel 7.0 --json &&
	compare_both --a-kernel 6.14 --b-kernel 7.0 --spread
'

test_expect_success STATIC,ROOT,CHROOT,NORMAL 'ktstr-compare --analyze and --list-metrics: the same' '
	compare_both --analyze &&
	compare_both --list-metrics
'

test_expect_success STATIC,ROOT,CHROOT 'ktstr-hostinfo: no /proc, no /sys, said on stderr, exit 0' '
	in_root /ktstr-hostinfo >actual 2>err &&
	{
		printf "kernel_name: %s\nkernel_release: %s\narch: %s\n" \
			"$(uname -s)" "$(uname -r)" "$(uname -m)" &&
		sed 1,3d "$FIXTURES/host/degraded.txt"
	} >expect &&
	test_cmp expect actual &&
	printf "ktstr-hostinfo: cannot read \047%s\047: No such file or directory\n" /proc /sys >expect &&
	test_cmp expect err &&
	in_root /ktstr-hostinfo --json >actual 2>err &&
	printf "{\n  \"kernel_name\": \"%s\",\n  \"kernel_release\": \"%s\",\n  \"arch\": \"%s\"\n}\n" \
		"$(uname -s)" "$(uname -r)" "$(uname -m)" >expect &&
	test_cmp expect actual
'

test_expect_success STATIC,ROOT,CHROOT,GIT 'setup: the root is a repository with one commit' '
	git init -q root &&
	echo one >root/README &&
	touch -d "2025-01-01 00:00:00" root/README &&
	git -C root add README &&
	git -C root commit -q -m one &&
	git -C root rev-parse HEAD | cut -c1-7 >commit
'

test_expect_success STATIC,ROOT,CHROOT,GIT 'ktstr-rundir --commit reads it without git, clean and dirty' '
	in_root /ktstr-rundir --commit >actual &&
	test_cmp commit actual &&
	echo two >root/README &&
	in_root /ktstr-rundir --commit >actual &&
	printf "%s-dirty\n" "$(cat commit)" >expect &&
	test_cmp expect actual &&
	git -C root checkout -q README &&
	in_root /ktstr-rundir --commit >actual &&
	test_cmp commit actual
'

test_expect_success STATIC,ROOT,CHROOT,GIT 'ktstr-test runs a program of the image and writes its sidecar' '
	env -i TMPDIR=/scratch KTSTR_KERNEL=6.14 "$CHROOT" root \
		/ktstr-test -n smoke -- /ktstr-hostinfo --json >out 2>err &&
	in_root /ktstr-hostinfo --json >expect 2>/dev/null &&
	test_cmp expect out &&
	tail -n 1 err >actual &&
	echo "1 passed, 0 failed, 0 skipped" >expect &&
	test_cmp expect actual &&
	ls -A root/target/ktstr >actual &&
	printf "%s\n" .locks "6.14-$(cat commit)" >expect &&
	test_cmp expect actual &&
	ls root/scratch >left &&
	test_cmp /dev/null left &&
	"$NORMAL/ktstr-scan" --dir root/target/ktstr >stream &&
	test "$(wc -l <stream)" = 1 &&
	grep -q "\"test_name\":\"smoke\"" stream &&
	grep -q "\"project_commit\":\"$(cat commit)\"" stream &&
	grep -q "\"payload\":\"ktstr-hostinfo\"" stream &&
	grep -q "\"passed\":true,\"skipped\":false" stream
'

test_expect_success STATIC,ROOT,CHROOT 'ktstr-test: a bare name is found in PATH, no shell started' '
	env -i PATH=/ TMPDIR=/scratch KTSTR_KERNEL=6.14 "$CHROOT" root \
		/ktstr-test -n bare -- ktstr-rundir --kernel >out 2>err &&
	echo 6.14 >expect &&
	test_cmp expect out
'

test_expect_success STATIC,ROOT,CHROOT 'ktstr-test: a #!/bin/sh test in an image without one is 126, said so' '
	printf "#!/bin/sh\nexit 0\n" >root/needs-sh &&
	chmod +x root/needs-sh &&
	env -i TMPDIR=/scratch KTSTR_KERNEL=6.14 "$CHROOT" root /ktstr-test /needs-sh >out 2>err;
	test $? = 1 &&
	printf "ktstr-test: cannot run \047/needs-sh\047: %s\n" \
		"the interpreter it names (#! line or ELF loader) is missing" >expect &&
	printf "FAIL: needs-sh (exit status 126)\n0 passed, 1 failed, 0 skipped\n" >>expect &&
	test_cmp expect err
'

test_expect_success STATIC,ROOT,CHROOT 'ktstr-test: no TMPDIR and no /tmp is exit 2, and says so' '
	env -i KTSTR_KERNEL=6.14 "$CHROOT" root /ktstr-test -n notmp -- /ktstr-hostinfo >out 2>err;
	test $? = 2 &&
	printf "ktstr-test: cannot create a temporary file in \047/tmp\047 (TMPDIR is not set): %s\n" \
		"No such file or directory" >expect &&
	echo "0 passed, 0 failed, 0 skipped" >>expect &&
	grep -v "warning: the project commit" err >actual &&
	test_cmp expect actual &&
	test_cmp /dev/null out
'

# as_nobody CMD ARG...: CMD of the empty root as a uid that has no
# passwd entry, to whom the root is read-only.
as_nobody() {
	env -i "$CHROOT" --userspec=65534:65534 root "$@"
}

test_expect_success STATIC,ROOT,CHROOT,USERSPEC 'read-only root, no passwd entry: the readers are unchanged' '
	{ in_root /ktstr-scan --dir runs >rw.scan 2>rw.err; echo $?; } >rw.code &&
	{ as_nobody /ktstr-scan --dir runs >ro.scan 2>ro.err; echo $?; } >ro.code &&
	test_cmp rw.scan ro.scan &&
	test_cmp rw.err ro.err &&
	test_cmp rw.code ro.code &&
	in_root /ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <rw.scan >rw.cmp 2>&1 &&
	as_nobody /ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <ro.scan >ro.cmp 2>&1 &&
	test_cmp rw.cmp ro.cmp &&
	in_root /ktstr-hostinfo >rw.host 2>&1 &&
	as_nobody /ktstr-hostinfo >ro.host 2>&1 &&
	test_cmp rw.host ro.host
'

test_expect_success STATIC,ROOT,CHROOT,USERSPEC,GIT 'read-only root: ktstr-test writes only where it is told' '
	mkdir root/w &&
	chown 65534:65534 root/w &&
	env -i TMPDIR=/w KTSTR_KERNEL=6.14 CARGO_TARGET_DIR=/w "$CHROOT" --userspec=65534:65534 root \
		/ktstr-test -n ro -- /ktstr-rundir --commit >out 2>err &&
	test_cmp commit out &&
	ls root/w/ktstr/6.14-$(cat commit) >actual &&
	grep -q "^ro-[0-9a-f]\{16\}\.ktstr\.json$" actual &&
	env -i TMPDIR=/w KTSTR_KERNEL=6.14 "$CHROOT" --userspec=65534:65534 root \
		/ktstr-test -n ro -- /ktstr-rundir --commit >out 2>err;
	test $? = 2 &&
	grep -q "^ktstr-test: .*target/ktstr/.*: Permission denied (os error 13)$" err &&
	find root -user 65534 ! -path "root/w" ! -path "root/w/*" >outside &&
	test_cmp /dev/null outside
'

test_done
