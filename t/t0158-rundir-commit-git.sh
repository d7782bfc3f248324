#!/bin/sh
# ktstr-rundir --commit in the states of t/lib-git-cases.sh, each
# checked against git itself: `git diff-index --cached HEAD` and
# `git diff`, or git refusing the repository.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-git-cases.sh"

GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com
GIT_CONFIG_NOSYSTEM=1 TOPDIR=$TRASH
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_CONFIG_NOSYSTEM TOPDIR
unset GIT_CEILING_DIRECTORIES GIT_DISCOVERY_ACROSS_FILESYSTEM XDG_CONFIG_HOME GIT_CONFIG_GLOBAL \
	GIT_CONFIG_SYSTEM GIT_ATTR_NOSYSTEM GIT_NO_REPLACE_OBJECTS GIT_REPLACE_REF_BASE

# c MESSAGE: a commit one minute after the last, so every run has the same ids.
c() {
	n=$(($(cat "$TRASH/.n" 2>/dev/null || echo 0) + 1)) && echo $n >"$TRASH/.n" &&
	GIT_AUTHOR_DATE="@$((1577836800 + n * 60)) +0000" GIT_COMMITTER_DATE="@$((1577836800 + n * 60)) +0000" \
		git commit -q --allow-empty -m "$1"
}

# git's answer in DIR: abc1234, abc1234-dirty, or unknown when it refuses.
# Asked after ktstr-rundir: git diff writes the index when it finds stat
# data changed over an unchanged content, which would spare the reader
# the hashing under test.
git_says() {
	h=$(cd "$1" && git rev-parse --verify --quiet 'HEAD^{commit}' 2>/dev/null) || { echo unknown; return; }
	d=
	(cd "$1" && git diff-index --cached --quiet HEAD -- && git --no-optional-locks diff --quiet \
		--ignore-submodules=all) 2>/dev/null || d=-dirty
	printf '%.7s%s\n' "$h" "$d"
}

# with_env ENV CMD...: CMD with the case's variables (@ is $TRASH), in a subshell.
with_env() (
	IFS=,
	for v in $1; do
		v=$(printf '%s' "$v" | sed "s|@|$TRASH|g")
		case $v in
		*=*) export "$v" ;;
		*) unset "$v" ;;
		esac
	done
	shift
	unset IFS
	"$@"
)

test_expect_success GIT 'the base repository' '
	git_cases_base base
'

git_cases >cases
while IFS='|' read -r id sub env want name; do
	test_expect_success GIT "$name" "
		rm -rf $id && cp -a base $id && (cd $id && case_$id) &&
		with_env '$env' ktstr-rundir -C $id$sub --commit >actual 2>err &&
		with_env '$env' git_says $id$sub >expect &&
		case $want in
		none) grep -x unknown expect ;;
		dirty) grep -e -dirty expect ;;
		clean) ! grep -e -dirty -e unknown expect ;;
		esac &&
		test_cmp expect actual
	"
done <cases

test_done
