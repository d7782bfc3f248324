#!/bin/sh
# The EXAMPLES of man/ktstr-rundir.1, run as written.
. "${0%/*}/lib.sh"

GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_AUTHOR_DATE='2025-01-01T00:00:00Z'
GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com GIT_COMMITTER_DATE='2025-01-01T00:00:00Z'
GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM

test_expect_success GIT 'where does the next run go, and under which key' '
	git init -q sched && echo x >sched/f && touch -d "2025-01-01 00:00:00" sched/f &&
	git -C sched add f && git -C sched commit -q -m one &&
	c=$(git -C sched rev-parse HEAD | cut -c1-7) &&
	cd sched &&
	printf "target/ktstr/6.14-%s\n" "$c" >../expect &&
	KTSTR_KERNEL=6.14 ktstr-rundir >../actual &&
	test_cmp ../expect ../actual &&
	printf "{\"key\":\"6.14-%s\"}\n" "$c" >../expect &&
	KTSTR_KERNEL=6.14 ktstr-rundir --key --json >../actual &&
	test_cmp ../expect ../actual
'

test_expect_success GIT 'refuse to record a baseline from a dirty tree' '
	cd sched &&
	{ ktstr-rundir --check-dirty || { echo "commit first" >&2; exit 1; }; } &&
	echo y >f &&
	( ktstr-rundir --check-dirty || { echo "commit first" >&2; exit 1; } ) 2>../err;
	test $? = 1 &&
	grep "^commit first$" ../err
'

test_expect_success 'one run for a whole suite' '
	mkdir -p suite/tests/.git/objects suite/tests/.git/refs &&
	echo "ref: refs/heads/main" >suite/tests/.git/HEAD &&
	cd suite/tests &&
	( vars=$(ktstr-rundir --begin 2>/dev/null) && eval "$vars" || exit 2
	  test -n "$KTSTR_RUN_ID" && test -d "$KTSTR_RUN_DIR" )
'

test_expect_success 'list the runs of an archive' '
	cp -R "$FIXTURES/sidecars" old-runs &&
	rm -r old-runs/6.14-abc1234-dirty &&
	touch -d "2025-03-14 10:00:00" old-runs/6.14-abc1234 &&
	touch -d "2025-04-02 03:20:00" old-runs/7.0-def5678 &&
	sed -n "/^\\\$ ktstr-rundir --list --dir old-runs/,/^\\.Ed/p" "$TOP/man/ktstr-rundir.1" |
		sed "1d;\$d" >expect &&
	ktstr-rundir --list --dir old-runs | sed "s/ *\$//" >actual &&
	test_cmp expect actual
'

test_done
