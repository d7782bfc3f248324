#!/bin/sh
# ktstr-compare: commit options given as revision expressions, read from
# .git by lib/git; cross-checked with git when present.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

# The commits' abbreviated ids (each test runs in its own subshell).
ids() {
	old=$(git -C repo rev-parse --short=7 HEAD~1) &&
	new=$(git -C repo rev-parse --short=7 HEAD)
}

test_expect_success GIT 'setup: a repository with two commits, sidecars of each' '
	git init -q repo &&
	(
		cd repo &&
		git config user.email t@example.com && git config user.name t &&
		echo one >f && git add f && git commit -q -m one &&
		echo two >f && git commit -q -am two
	) &&
	ids &&
	sidecar pool/a.ktstr.json project_commit=\"$old\" spread=10.0 &&
	sidecar pool/b.ktstr.json project_commit=\"$new\" spread=20.0 &&
	sidecar pool/c.ktstr.json project_commit=\"$new-dirty\" spread=40.0
'

test_expect_success GIT 'HEAD~1 and HEAD resolve to the recorded ids' '
	ids &&
	(
		cd repo &&
		test_expect_code 1 ktstr-compare --a-project-commit HEAD~1 --b-project-commit HEAD \
			../pool/a.ktstr.json ../pool/b.ktstr.json >../out 2>../err
	) &&
	test_cmp /dev/null err &&
	grep -q "averaged across 1 runs ($old) and 1 runs ($new)" out &&
	grep -q "worst_spread  10.00  *20.00  " out
'

test_expect_success GIT 'HEAD of a modified work tree is the -dirty id' '
	ids &&
	echo three >repo/f &&
	(
		cd repo &&
		test_expect_code 1 ktstr-compare --a-project-commit HEAD~1 --b-project-commit HEAD \
			../pool/a.ktstr.json ../pool/c.ktstr.json >../out 2>../err
	) &&
	grep -q "^  - project: $new-dirty (working tree may have changed since this run)\$" err &&
	grep -q "averaged across 1 runs ($old) and 1 runs ($new-dirty)" out &&
	git -C repo checkout -q f
'

test_expect_success GIT 'a range expands to its commits' '
	(
		cd repo &&
		test_expect_code 1 ktstr-compare --a-project-commit HEAD~1 --b-project-commit HEAD~1..HEAD \
			../pool/a.ktstr.json ../pool/b.ktstr.json >../out
	) &&
	grep -q "^summary: 1 regressions" out
'

test_expect_success GIT 'a range of no commit selects nothing: the zero-match error, exit 2' '
	(
		cd repo &&
		test_must_fail ktstr-compare --a-project-commit HEAD..HEAD --b-project-commit HEAD \
			../pool/a.ktstr.json ../pool/b.ktstr.json >../out 2>../err
	) &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: A side filter matched 0 sidecars in pool (2 pooled from " err &&
	(
		cd repo &&
		test_must_fail ktstr-compare --project-commit HEAD..HEAD --a-kernel 6.14 \
			--b-kernel 6.15 ../pool/a.ktstr.json >../out 2>../err
	) &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: A side filter matched 0 sidecars" err
'

test_expect_success GIT 'an expression that does not resolve is used as given, with a warning' '
	(
		cd repo &&
		test_must_fail ktstr-compare --a-project-commit no-such-branch --b-project-commit HEAD \
			../pool/a.ktstr.json ../pool/b.ktstr.json 2>../err
	) &&
	grep -q "^ktstr-compare: --a-project-commit .no-such-branch. did not resolve as a revspec; using as literal filter\$" err &&
	grep -q "^ktstr-compare: A side filter matched 0 sidecars" err
'

test_expect_success 'outside a repository every value is literal and silent' '
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-norepo.XXXXXX") &&
	sidecar "$dir/a.ktstr.json" project_commit=\"HEAD\" spread=10.0 &&
	sidecar "$dir/b.ktstr.json" project_commit=\"main\" spread=20.0 &&
	(
		cd "$dir" &&
		test_expect_code 1 ktstr-compare --a-project-commit HEAD --b-project-commit main \
			a.ktstr.json b.ktstr.json >out 2>err &&
		test_cmp /dev/null err
	)
	status=$?
	rm -rf "$dir"
	test $status = 0
'

test_done
