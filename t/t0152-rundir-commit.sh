#!/bin/sh
# ktstr-rundir --commit and --check-dirty on real repositories, checked
# against the git CLI: `git diff-index --cached HEAD` and `git diff`.
. "${0%/*}/lib.sh"

GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_AUTHOR_DATE='2025-01-01T00:00:00Z'
GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com GIT_COMMITTER_DATE='2025-01-01T00:00:00Z'
GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM
unset GIT_CEILING_DIRECTORIES GIT_DISCOVERY_ACROSS_FILESYSTEM

# Files get an old mtime before they are staged, so no index entry is racy.
old() { touch -d '2025-01-01 00:00:00' "$@"; }

# repo DIR: a repository with one commit of two files.
repo() {
	git init -q -b main "$1" 2>/dev/null || git init -q "$1" &&
	echo one >"$1/a" && echo two >"$1/b" && old "$1/a" "$1/b" &&
	git -C "$1" add a b && git -C "$1" commit -q -m one
}

short() { git -C "$1" rev-parse HEAD | cut -c1-7; }

# expect_commit DIR SUFFIX: --commit and --check-dirty agree with git.
expect_commit() {
	printf "%s%s\n" "$(short "$1")" "$2" >expect &&
	ktstr-rundir -C "$1" --commit >actual &&
	test_cmp expect actual &&
	if [ -n "$2" ]; then code=1; else code=0; fi &&
	test_expect_code $code ktstr-rundir -C "$1" --check-dirty >actual &&
	test_cmp /dev/null actual &&
	oracle=0 &&
	{ git -C "$1" diff-index --cached --quiet --ignore-submodules=none HEAD -- &&
	  git -C "$1" --no-optional-locks diff --quiet --ignore-submodules=all ||
	  oracle=1; } &&
	test $oracle = $code
}

test_expect_success GIT 'clean checkout' '
	repo clean &&
	expect_commit clean "" &&
	printf "{\"project_commit\":\"%s\"}\n" "$(short clean)" >expect &&
	ktstr-rundir -C clean --commit --json >actual &&
	test_cmp expect actual &&
	printf "{\"project_commit\":\"%s\",\"dirty\":false}\n" "$(short clean)" >expect &&
	ktstr-rundir -C clean --check-dirty --json >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'unstaged change to a tracked file' '
	repo modified &&
	echo changed >modified/a &&
	expect_commit modified -dirty &&
	printf "{\"project_commit\":\"%s-dirty\",\"dirty\":true}\n" "$(short modified)" >expect &&
	test_expect_code 1 ktstr-rundir -C modified --check-dirty --json >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'staged change' '
	repo staged &&
	echo changed >staged/b && old staged/b &&
	git -C staged add b &&
	expect_commit staged -dirty
'

test_expect_success GIT 'staged new file' '
	repo added &&
	echo new >added/c && old added/c &&
	git -C added add c &&
	expect_commit added -dirty
'

test_expect_success GIT 'tracked file deleted' '
	repo deleted &&
	rm deleted/a &&
	expect_commit deleted -dirty
'

test_expect_success GIT 'only untracked files' '
	repo untracked &&
	echo x >untracked/new && mkdir untracked/d && echo y >untracked/d/f &&
	expect_commit untracked ""
'

test_expect_success GIT 'touched file with identical content' '
	repo touched &&
	touch -d "2025-06-01 00:00:00" touched/a &&
	expect_commit touched ""
'

test_expect_success GIT 'from a subdirectory: discovery walks up' '
	repo up &&
	mkdir -p up/x/y &&
	printf "%s\n" "$(short up)" >expect &&
	ktstr-rundir -C up/x/y --commit >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'the commit is part of the key and the directory' '
	printf "7.0-%s\n" "$(short clean)" >expect &&
	(cd clean && KTSTR_KERNEL=7.0 ktstr-rundir --key) >actual &&
	test_cmp expect actual &&
	printf "target/ktstr/7.0-%s-dirty\n" "$(short modified)" >expect &&
	KTSTR_KERNEL=7.0 ktstr-rundir -C modified >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'unborn HEAD: unknown; --check-dirty fails' '
	git init -q unborn &&
	printf "unknown\n" >expect &&
	ktstr-rundir -C unborn --commit >actual &&
	test_cmp expect actual &&
	printf "{\"project_commit\":null}\n" >expect &&
	ktstr-rundir -C unborn --commit --json >actual &&
	test_cmp expect actual &&
	test_must_fail ktstr-rundir -C unborn --check-dirty >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: no project commit: HEAD" err
'

test_expect_success GIT 'bare repository' '
	git clone -q --bare clean bare.git &&
	printf "%s\n" "$(short clean)" >expect &&
	ktstr-rundir -C bare.git --commit >actual &&
	test_cmp expect actual &&
	test_expect_code 0 ktstr-rundir -C bare.git --check-dirty
'

test_expect_success GIT 'detached HEAD' '
	repo detached &&
	first=$(short detached) &&
	echo more >detached/a && old detached/a &&
	git -C detached commit -q -am two &&
	git -C detached checkout -q --detach HEAD~1 &&
	printf "%s\n" "$first" >expect &&
	ktstr-rundir -C detached --commit >actual &&
	test_cmp expect actual
'

test_expect_success GIT 'a missing index counts as clean' '
	repo noindex &&
	rm noindex/.git/index &&
	printf "%s\n" "$(short noindex)" >expect &&
	ktstr-rundir -C noindex --commit >actual &&
	test_cmp expect actual
'

# git refuses such an index (its commands fail), so the tree cannot be
# shown clean: it counts as dirty, with one line saying why.
test_expect_success GIT 'a corrupt index (entry count 0x80000000) counts as dirty, with a warning' '
	repo corrupt &&
	printf "\200\000\000\000" | dd of=corrupt/.git/index bs=1 seek=8 conv=notrunc 2>/dev/null &&
	! git -C corrupt diff --quiet 2>/dev/null &&
	printf "%s-dirty\n" "$(short corrupt)" >expect &&
	ktstr-rundir -C corrupt --commit >actual 2>err &&
	test_cmp expect actual &&
	printf "ktstr-rundir: cannot read the index: %s/.git/index: entry count 2147483648 does not fit the file at offset 8; the tree counts as dirty\n" \
		"$(cd corrupt && pwd -P)" >expect &&
	test_cmp expect err &&
	test_expect_code 1 ktstr-rundir -C corrupt --check-dirty 2>err &&
	test "$(wc -l <err)" -eq 1
'

test_expect_success GIT 'a FIFO planted as the index is refused, not waited on: dirty, with a warning' '
	repo fifo &&
	rm fifo/.git/index && mkfifo fifo/.git/index &&
	printf "%s-dirty\n" "$(short fifo)" >expect &&
	ktstr-rundir -C fifo --commit >actual 2>err &&
	test_cmp expect actual &&
	printf "ktstr-rundir: cannot read the index: %s/.git/index: not a regular file; the tree counts as dirty\n" \
		"$(cd fifo && pwd -P)" >expect &&
	test_cmp expect err
'

# Nanoseconds count, as in a git built with USE_NSEC (ktstr-rundir(1)):
# a git built without them misses this change.
test_expect_success GIT 'core.trustctime=false: a same-second change of the same size is found' '
	repo nsec &&
	git -C nsec config core.trustctime false &&
	echo aaa >nsec/a && touch -d "2021-01-01 00:00:00.100000000" nsec/a && git -C nsec add a &&
	git -C nsec commit -q -m aaa &&
	echo bbb >nsec/a && touch -d "2021-01-01 00:00:00.200000000" nsec/a &&
	printf "%s-dirty\n" "$(short nsec)" >expect &&
	ktstr-rundir -C nsec --commit >actual &&
	test_cmp expect actual
'

# Where reading a file just touched updates its access time (relatime).
test_lazy_prereq ATIME '
	echo x >atime-probe && touch -d "2031-01-01 00:00:00" atime-probe &&
	before=$(stat -c %X atime-probe) && cat atime-probe >/dev/null &&
	test "$(stat -c %X atime-probe)" != "$before"
'

test_expect_success GIT,ATIME 'hashing a touched file leaves its access time alone' '
	repo atime &&
	touch -d "2031-01-01 00:00:00" atime/a &&
	stat -c %X atime/a >expect &&
	printf "%s\n" "$(short atime)" >expect.commit &&
	ktstr-rundir -C atime --commit >actual.commit &&
	test_cmp expect.commit actual.commit &&
	stat -c %X atime/a >actual &&
	test_cmp expect actual
'

# Every other file needs hashing: each is opened and closed on its own.
test_expect_success GIT 'files hashed one at a time between unchanged ones, under a low descriptor limit' '
	repo many &&
	(cd many && for i in $(seq 1 400); do echo $i >f$i; done && old f* && git add . && git commit -q -m many) &&
	(cd many && for i in $(seq 1 2 400); do touch -d "2030-01-01 00:00:00" f$i; done) &&
	printf "%s\n" "$(short many)" >expect &&
	(ulimit -n 48 && ktstr-rundir -C many --commit) >actual &&
	test_cmp expect actual &&
	(cd many && for i in $(seq 1 400); do touch -d "2030-01-02 00:00:00" f$i; done) &&
	(ulimit -n 48 && ktstr-rundir -C many --commit) >actual &&
	test_cmp expect actual
'

test_expect_success '--commit ignores a begun run' '
	mkdir -p empty/.git/objects empty/.git/refs &&
	echo "ref: refs/heads/main" >empty/.git/HEAD &&
	printf "unknown\n" >expect &&
	KTSTR_RUN_ID=r KTSTR_RUN_DIR=d KTSTR_PROJECT_COMMIT=abc1234 \
		ktstr-rundir -C empty --commit >actual &&
	test_cmp expect actual
'

test_expect_success 'a deleted cwd: unknown; --check-dirty fails' '
	mkdir gone &&
	(
		cd gone && rmdir ../gone &&
		printf "unknown\n" >../expect &&
		ktstr-rundir --commit >../actual &&
		test_must_fail ktstr-rundir --check-dirty 2>../err
	) &&
	test_cmp expect actual &&
	grep "^ktstr-rundir: " err
'

# Outside every repository: a fresh directory under /tmp, if no
# repository encloses it on this host.
notrepo=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-t0152.XXXXXX")
d=$notrepo
while [ "$d" != / ] && [ ! -e "$d/.git" ]; do d=${d%/*}; d=${d:-/}; done
if [ ! -e "$d/.git" ]; then NOTREPO() { :; }; fi

test_expect_success NOTREPO 'not a repository: unknown; --check-dirty exits 2' '
	printf "unknown\n" >expect &&
	ktstr-rundir -C "$notrepo" --commit >actual &&
	test_cmp expect actual &&
	test_must_fail ktstr-rundir -C "$notrepo" --check-dirty >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: no project commit: " err
'
rm -rf "$notrepo"

test_done
