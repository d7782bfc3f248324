#!/bin/sh
# ktstr-rundir --commit on a real repository nobody wrote for the test:
# a clone of the project's own, fresh, with every file touched, with one
# changed, under core.autocrlf, and repacked with REF_DELTA links, each
# against `git diff-index --cached --quiet HEAD && git diff --quiet`.
. "${0%/*}/lib.sh"

GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_NOSYSTEM
unset GIT_CEILING_DIRECTORIES XDG_CONFIG_HOME GIT_CONFIG_GLOBAL

# The source tree is a repository git can clone (not a tarball's copy).
test_lazy_prereq CLONE '
	git -C "$TOP" rev-parse --verify --quiet HEAD >/dev/null &&
	git clone -q --no-hardlinks "$TOP" "$TRASH/clone" 2>/dev/null
'

# agree DIR: ours and git's verdict are the same; prints it.  Ours
# first: git diff writes the index when stat data changed over an
# unchanged content, which would spare the reader the hashing.
agree() {
	ktstr-rundir -C "$1" --commit >actual &&
	h=$(git -C "$1" rev-parse HEAD | cut -c1-7) &&
	if git -C "$1" diff-index --cached --quiet HEAD -- && git -C "$1" diff --quiet; then
		printf "%s\n" "$h" >expect
	else
		printf "%s-dirty\n" "$h" >expect
	fi &&
	test_cmp expect actual &&
	cat actual
}

test_expect_success CLONE 'a fresh clone of this project' '
	agree clone >verdict &&
	! grep -e -dirty verdict
'

test_expect_success CLONE 'every file touched' '
	find clone -path clone/.git -prune -o -type f -exec touch -d "2030-01-01 00:00:00" {} + &&
	agree clone >verdict &&
	! grep -e -dirty verdict
'

test_expect_success CLONE 'every file touched, core.autocrlf=true' '
	git -C clone config core.autocrlf true &&
	agree clone >verdict &&
	git -C clone config --unset core.autocrlf
'

test_expect_success CLONE 'one file changed' '
	f=$(git -C clone ls-files | sed -n "\$p") &&
	printf "x\n" >>"clone/$f" &&
	agree clone >verdict &&
	grep -e -dirty verdict &&
	git -C clone checkout -q -- "$f"
'

test_expect_success CLONE 'repacked with REF_DELTA links, every file touched' '
	git -C clone -c repack.useDeltaBaseOffset=false repack -adfq --depth=100 &&
	find clone -path clone/.git -prune -o -type f -exec touch -d "2030-01-02 00:00:00" {} + &&
	agree clone >verdict &&
	! grep -e -dirty verdict
'

test_done
