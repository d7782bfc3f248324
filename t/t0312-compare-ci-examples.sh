#!/bin/sh
# The CI scripts of ktstr-compare(1)'s EXAMPLES, run as printed: the
# pull-request gate and the nightly history check, in real repositories.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-history.sh"
. "$TOP/t/lib-markdown.sh"

# example TAG FILE: the man page's script whose second line names TAG.
example() {
	awk -v tag="$1" '
		/^\.Bd -literal/ { n = 0; keep = 0; next }
		/^\.Ed/ { keep = 0 }
		{ n++ }
		n == 1 && $0 == "#!/bin/sh" { buf = $0 "\n"; next }
		n == 2 && index($0, "# " tag ":") == 1 { keep = 1; printf "%s", buf }
		keep { sub(/\\e$/, "\\"); print }
	' "$TOP/man/ktstr-compare.1" >"$2" && test -s "$2"
}

test_expect_success 'the two scripts are in the man page' '
	example ci/perf-gate gate.sh &&
	example ci/nightly nightly.sh &&
	grep -q "^ktstr-compare --perf-delta" gate.sh &&
	grep -q "^ktstr-compare --history=main~20..main" nightly.sh
'

# A project whose tests live in the repository; its runs go to target/ktstr.
test_expect_success GIT 'setup: a project with perf tests on main and a pull-request branch' '
	repo_init p && (
		cd p && mkdir -p tests/perf &&
		printf "#!/bin/sh\necho fast\n" >tests/perf/fast.t &&
		printf "#!/bin/sh\nexit 77\n" >tests/perf/later.t &&
		chmod +x tests/perf/*.t && echo target/ >.gitignore &&
		git add . && commit tests && commit m2 &&
		git checkout -q -b pr && commit "the change" &&
		git checkout -q main &&
		KTSTR_KERNEL=6.14 ktstr-test -q -j 2 tests/perf/*.t &&
		git checkout -q pr
	)
'

test_expect_success GIT 'the pull-request gate: tests at HEAD, the comparison with the base, the summary' '
	(cd p && GITHUB_STEP_SUMMARY=../summary.md KTSTR_KERNEL=6.14 sh ../gate.sh) >out 2>err &&
	printf "**base** \`%s\` (merge-base of HEAD and main), **head** \`%s\`\n" \
		$(git -C p rev-parse --short=7 main) $(git -C p rev-parse --short=7 pr) >expect &&
	head -1 summary.md >got &&
	test_cmp expect got &&
	grep -q "^\*\*gate: pass\*\*: 0 regressions, below --fail-threshold 5; no --must-fail metric regressed\$" summary.md &&
	gfm_tables summary.md >/dev/null &&
	grep -q " tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\" " p/report.xml
'

test_expect_success GIT 'the gate stops the job when a test fails' '
	(cd p && printf "#!/bin/sh\nexit 1\n" >tests/perf/fast.t &&
		GITHUB_STEP_SUMMARY=../summary2.md KTSTR_KERNEL=6.14 sh ../gate.sh) >out 2>err ;
	test $? = 1 &&
	test ! -e summary2.md &&
	git -C p checkout -q tests/perf/fast.t
'

# main: 24 commits, each with a run; t1'"'"'s worst_spread steps up at c16.
test_expect_success GIT 'setup: a main branch with a run per commit and a step in it' '
	repo_init n && (cd n && for i in $(seq 24); do commit c$i || exit 1; done) &&
	i=0 &&
	for c in $(git -C n rev-list --reverse main); do
		i=$((i + 1)) && h=$(git -C n rev-parse --short=7 $c) &&
		v=$(awk -v i=$i "BEGIN { srand(i); printf \"%.2f\", (i >= 16 ? 26 : 20) * (0.95 + 0.1 * rand()) }") &&
		sidecar n/target/ktstr/6.14.2-$h/t1.ktstr.json test_name=t1 project_commit=\"$h\" \
			spread=$v || return 1
	done
'

test_expect_success GIT 'the nightly check: the change point in the Markdown and the chart, exit 1' '
	(cd n && sh ../nightly.sh) ;
	test $? = 1 &&
	c16=$(git -C n rev-parse --short=7 main~8) &&
	grep -q "^| t1/6\.14\.2/scx\\\\_rusty/1n1l2c1t/CpuSpin//local/ | worst\\\\_spread | $c16 | .* | REGRESSION |\$" n/history.md &&
	gfm_tables n/history.md >shape &&
	echo "1 x 8" >expect &&
	test_cmp expect shape &&
	test "$(grep -c "<line class=\"change regression\"" n/history.svg)" = 1
'

test_done
