# t/lib-history.sh: git repositories with fixed dates, and runs per commit,
# for the --perf-delta and --history tests (needs GIT).
#
#   repo_init DIR            a repository on branch main, identity fixed
#   commit MSG               an empty commit dated one minute after the last
#   merge MSG REV            a --no-ff merge of REV, dated the same way
#   short REV                the 7-hex id sidecars record
#   runs POOL COMMIT N VAR=VALUE...   N sidecars of test t1 at COMMIT
#                            (TESTS="t1 t2" for several tests; RUN numbers them)

GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com
GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_CONFIG_NOSYSTEM

repo_init() {
	git init -q -b main "$1" && git -C "$1" config commit.gpgsign false
}

tick_() {
	tick_n_=$(($(cat "$TRASH/.tick" 2>/dev/null || echo 0) + 1)) &&
	echo $tick_n_ >"$TRASH/.tick" &&
	GIT_AUTHOR_DATE="@$((1700000000 + tick_n_ * 60)) +0000" &&
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE &&
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

commit() {
	(tick_ && git commit -q --allow-empty -m "$1")
}

merge() {
	(tick_ && git merge -q --no-ff -m "$1" "$2")
}

short() {
	git rev-parse --short=7 "$1"
}

runs() (
	pool=$1 commit=$2 n=$3
	shift 3
	i=0
	while [ $i -lt "$n" ]; do
		for t in ${TESTS:-t1}; do
			sidecar "$pool/$commit-$t-$i.ktstr.json" test_name=$t \
				project_commit=\"$commit\" ts=2025-01-01T00:00:0${i}Z "$@" || exit 1
		done
		i=$((i + 1))
	done
)
