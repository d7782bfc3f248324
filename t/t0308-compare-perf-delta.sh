#!/bin/sh
# ktstr-compare --perf-delta: the base each precedence rule picks (checked
# against git merge-base), the gates and their exit statuses, the header.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-history.sh"
. "$TOP/t/lib-markdown.sh"

# main m1-m2-m3; feature off m1: f1-f2; other off f1: o1; rel at m2,
# origin/rel at f1; x and y criss-cross merges of each other.
test_expect_success GIT 'setup: a repository with branches, a merge and runs per commit' '
	repo_init r && (
		cd r && commit m1 && commit m2 && git branch rel && commit m3 &&
		git checkout -q -b feature main~2 && commit f1 && git branch other &&
		commit f2 && git checkout -q other && commit o1 &&
		git update-ref refs/remotes/origin/rel feature~1 &&
		git checkout -q -b merged feature && merge "merge main" main &&
		git checkout -q -b x main && commit x1 && git checkout -q -b y main && commit y1 &&
		git checkout -q x && merge mx y && git checkout -q y && merge my x~1 &&
		git checkout -q feature
	) &&
	for c in main~2 main~1 main feature~1 feature other merged x y x~1 y~1; do
		h=$(git -C r rev-parse --short=7 $c) || return 1
		TESTS="t1 t2 t3 t4 t5 t6" runs pool $h 1 spread=10.0 gap=100 || return 1
	done
'

# The base --perf-delta names in its header, run in r with the given arguments.
base_of() {
	(cd r && ktstr-compare --perf-delta "$@" ../pool) >out 2>err
	sed -n "s/^base: \([0-9a-f]*\) (\(.*\))\$/\1 \2/p" out
}

test_expect_success GIT 'default: merge-base of HEAD and main, as git merge-base says' '
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD main)") &&
	base_of >got &&
	echo "$want merge-base of HEAD and main" >expect &&
	test_cmp expect got &&
	sed -n 2p out >head &&
	echo "head: $(short r/HEAD 2>/dev/null || git -C r rev-parse --short=7 HEAD)" >expect &&
	test_cmp expect head
'

test_expect_success GIT '--default-branch names the branch' '
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD other)") &&
	base_of --default-branch other >got &&
	echo "$want merge-base of HEAD and other" >expect &&
	test_cmp expect got
'

test_expect_success GIT '$GITHUB_BASE_REF: merge-base with origin/REF, beating the default' '
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD origin/rel)") &&
	GITHUB_BASE_REF=rel base_of >got &&
	echo "$want merge-base of HEAD and origin/rel (\$GITHUB_BASE_REF)" >expect &&
	test_cmp expect got
'

test_expect_success GIT '$GITHUB_BASE_REF falls back to the local branch when origin/REF is not fetched' '
	git -C r update-ref -d refs/remotes/origin/rel &&
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD rel)") &&
	GITHUB_BASE_REF=rel base_of >got &&
	git -C r update-ref refs/remotes/origin/rel feature~1 &&
	echo "$want merge-base of HEAD and rel (\$GITHUB_BASE_REF; origin/rel is not fetched)" >expect &&
	test_cmp expect got
'

test_expect_success GIT '--base-ref beats $GITHUB_BASE_REF; --base beats both, without a merge base' '
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD other)") &&
	GITHUB_BASE_REF=rel base_of --base-ref other >got &&
	echo "$want merge-base of HEAD and other" >expect &&
	test_cmp expect got &&
	want=$(git -C r rev-parse --short=7 main) &&
	GITHUB_BASE_REF=rel base_of --base-ref other --base main >got &&
	echo "$want --base main" >expect &&
	test_cmp expect got
'

test_expect_success GIT 'after a merge of main the base is main itself' '
	git -C r checkout -q merged &&
	want=$(git -C r rev-parse --short=7 main) &&
	test "$want" = "$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD main)")" &&
	base_of >got &&
	git -C r checkout -q feature &&
	echo "$want merge-base of HEAD and main" >expect &&
	test_cmp expect got
'

test_expect_success GIT 'a criss-cross: the most recent of two merge bases, and it says so' '
	git -C r checkout -q x &&
	git -C r merge-base --all HEAD y >all &&
	test "$(wc -l <all)" -eq 2 &&
	want=$(git -C r rev-parse --short=7 "$(git -C r merge-base HEAD y)") &&
	base_of --base-ref y >got &&
	git -C r checkout -q feature &&
	echo "$want merge-base of HEAD and y; 2 merge bases, the most recent by committer date" >expect &&
	test_cmp expect got
'

test_expect_success GIT 'the base resolving to a clean HEAD is an error; a dirty HEAD is the WIP case' '
	git -C r checkout -q main &&
	(cd r && test_must_fail ktstr-compare --perf-delta ../pool) >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: --perf-delta: the base (merge-base of HEAD and main) resolves to HEAD $(git -C r rev-parse --short=7 HEAD) and the work tree is clean" err &&
	h=$(git -C r rev-parse --short=7 HEAD) &&
	TESTS="t1 t2 t3 t4 t5 t6" runs pool $h-dirty 1 spread=40.0 gap=100 &&
	echo wip >r/f && git -C r add f &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta ../pool) >out 2>err &&
	git -C r rm -qf f && git -C r checkout -q feature &&
	printf "base: %s (merge-base of HEAD and main)\nhead: %s-dirty\n" $h $h >expect &&
	sed -n 1,2p out >got &&
	test_cmp expect got &&
	grep -q "^gate: FAIL: 6 regressions, reaching --fail-threshold 5\$" out
'

# Runs at HEAD (feature) where N of the six tests regress in worst_spread.
regress() {
	h=$(git -C r rev-parse --short=7 feature) && b=$(git -C r rev-parse --short=7 main~2) &&
	rm -f pool/$h-* pool/$b-* &&
	TESTS="t1 t2 t3 t4 t5 t6" runs pool $b 1 spread=10.0 gap=100 &&
	TESTS="t1 t2 t3 t4 t5 t6" runs pool $h 1 spread=10.0 gap=100 &&
	TESTS=$(echo t1 t2 t3 t4 t5 t6 | cut -d" " -f-"$1") runs pool $h 1 spread=20.0 gap=100
}

test_expect_success GIT 'gate: 5 regressions fail at the default --fail-threshold, 4 pass' '
	regress 5 &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta ../pool) >out &&
	grep -q "^gate: FAIL: 5 regressions, reaching --fail-threshold 5\$" out &&
	regress 4 &&
	(cd r && ktstr-compare --perf-delta ../pool) >out &&
	grep -q "^summary: 4 regressions, 0 improvements, 8 unchanged\$" out &&
	grep -q "^gate: pass: 4 regressions, below --fail-threshold 5\$" out
'

test_expect_success GIT 'gate: --fail-threshold N' '
	regress 1 &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta --fail-threshold 1 ../pool) >out &&
	grep -q "^gate: FAIL: 1 regression, reaching --fail-threshold 1\$" out &&
	(cd r && ktstr-compare --perf-delta --fail-threshold 2 ../pool) >out &&
	(cd r && test_must_fail ktstr-compare --perf-delta --fail-threshold 0 ../pool) 2>err &&
	grep -q "fail-threshold" err
'

test_expect_success GIT 'gate: a --must-fail metric that regresses fails alone; one that does not, does not' '
	regress 1 &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta --must-fail worst_gap_ms,worst_spread ../pool) >out &&
	grep -q "^gate: FAIL: 1 regression, below --fail-threshold 5; --must-fail metric regressed: worst_spread\$" out &&
	(cd r && ktstr-compare --perf-delta --must-fail worst_gap_ms ../pool) >out &&
	grep -q "^gate: pass: 1 regression, below --fail-threshold 5; no --must-fail metric regressed\$" out
'

test_expect_success GIT 'gate: an unknown --must-fail metric is refused before anything is read' '
	(cd r && test_must_fail ktstr-compare --perf-delta --must-fail worst_spread,no_such_metric \
		/nonexistent) >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: --must-fail: unknown metric '"'"'no_such_metric'"'"' (--list-metrics lists the registry)" >expect &&
	test_cmp expect err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --must-fail worst_spread, ../pool) 2>err &&
	grep -q "an empty metric name" err
'

test_expect_success GIT 'gate: --must-fail names a gated metric of the registry in force' '
	(cd r && test_must_fail ktstr-compare --perf-delta --registry newest --must-fail total_run_delay \
		/nonexistent) 2>err &&
	echo "ktstr-compare: --must-fail: '"'"'total_run_delay'"'"' is informational: shown, never gated" >expect &&
	test_cmp expect err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --registry newest --must-fail total_taobench_ops \
		/nonexistent) 2>err &&
	grep -q "is a rate.s component, never compared\$" err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --must-fail avg_nr_running ../pool) >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: --must-fail: '"'"'avg_nr_running'"'"' is not a metric of the 0.4 registry these runs are gated by (--list-metrics --registry 0.4 lists it)" >expect &&
	test_cmp expect err &&
	regress 1 &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta --registry 0.5 --must-fail stall_count,worst_spread \
		../pool) >out &&
	grep -q "^gate: FAIL: 1 regression, below --fail-threshold 5; --must-fail metric regressed: worst_spread\$" out
'

test_expect_success GIT 'a base without runs: a notice, exit 0; HEAD without runs: exit 2' '
	(cd r && ktstr-compare --perf-delta --base other ../pool) >out &&
	printf "base: %s (--base other)\nhead: %s\nnotice: the base %s has no runs: nothing to compare\n" \
		"$(git -C r rev-parse --short=7 other)" "$(git -C r rev-parse --short=7 HEAD)" \
		"$(git -C r rev-parse --short=7 other)" >expect &&
	rm -f pool/$(git -C r rev-parse --short=7 other)-* &&
	(cd r && ktstr-compare --perf-delta --base other ../pool) >out &&
	test_cmp expect out &&
	git -C r checkout -q other &&
	(cd r && test_must_fail ktstr-compare --perf-delta ../pool) >out 2>err &&
	git -C r checkout -q feature &&
	grep -q "^ktstr-compare: B side filter matched 0 sidecars" err
'

test_expect_success GIT 'bases that cannot be resolved, and no repository, exit 2' '
	(cd r && test_must_fail ktstr-compare --perf-delta --base-ref nope ../pool) 2>err &&
	grep -q "^ktstr-compare: --perf-delta: --base-ref: cannot resolve .nope." err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --default-branch nope ../pool) 2>err &&
	grep -q "cannot resolve the default branch .nope." err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --base nope ../pool) 2>err &&
	grep -q "^ktstr-compare: --perf-delta: --base: cannot resolve .nope." err &&
	git init -q -b main lone && (cd lone && commit root) &&
	(cd lone && test_must_fail ktstr-compare --perf-delta --base-ref ../r/.git 2>/dev/null; true) &&
	d=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-norepo.XXXXXX") &&
	(cd "$d" && test_must_fail ktstr-compare --perf-delta "$TRASH/pool") 2>err &&
	rm -rf "$d" &&
	grep -q "^ktstr-compare: --perf-delta: no project commit for HEAD" err
'

test_expect_success GIT 'unrelated histories have no merge base: exit 2 says so' '
	git -C r checkout -q --orphan island && git -C r rm -rqf --cached . 2>/dev/null;
	(cd r && commit island) &&
	(cd r && test_must_fail ktstr-compare --perf-delta ../pool) 2>err &&
	git -C r checkout -q -f feature &&
	grep -q "^ktstr-compare: --perf-delta: HEAD and main have no common ancestor\$" err
'

test_expect_success GIT 'a shallow clone: exit 2, the message says the history is shallow' '
	git clone -q --depth 1 -b feature "file://$TRASH/r" sh &&
	git -C sh fetch -q --depth 1 origin main:main &&
	(cd sh && test_must_fail ktstr-compare --perf-delta ../pool) >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: --perf-delta: merge base of HEAD and main: the history is shallow" err
'

test_expect_success GIT '--significance: with several runs per side only a confirmed change counts' '
	h=$(git -C r rev-parse --short=7 feature) && b=$(git -C r rev-parse --short=7 main~2) &&
	rm -f pool/$h-* pool/$b-* &&
	sidecar pool/$b-0.ktstr.json project_commit=\"$b\" spread=10.0 &&
	sidecar pool/$b-1.ktstr.json project_commit=\"$b\" spread=30.0 &&
	sidecar pool/$b-2.ktstr.json project_commit=\"$b\" spread=20.0 &&
	sidecar pool/$h-0.ktstr.json project_commit=\"$h\" spread=40.0 &&
	sidecar pool/$h-1.ktstr.json project_commit=\"$h\" spread=10.0 &&
	sidecar pool/$h-2.ktstr.json project_commit=\"$h\" spread=28.0 &&
	(cd r && ktstr-compare --perf-delta --fail-threshold 1 ../pool) >out0 ;
	test $? = 1 &&
	(cd r && ktstr-compare --perf-delta --fail-threshold 1 --significance 0.05 ../pool) >out &&
	grep -q "^summary: 0 regressions, 0 improvements, 0 unchanged, 1 not significant\$" out &&
	grep -q "^gate: pass: 0 regressions, below --fail-threshold 1\$" out
'

test_expect_success GIT 'filters apply: -E and --kernel narrow both sides' '
	regress 5 &&
	(cd r && ktstr-compare --perf-delta -E t1 ../pool) >out &&
	grep -q "^gate: pass: 1 regression, below" out &&
	(cd r && test_must_fail ktstr-compare --perf-delta --kernel 7.0 ../pool) 2>err &&
	grep -q "side filter matched 0 sidecars" err &&
	(cd r && test_must_fail ktstr-compare --perf-delta --a-project-commit x ../pool) 2>err &&
	grep -q "^ktstr-compare: --perf-delta sets the project commit of both sides" err &&
	(cd r && test_must_fail ktstr-compare --base main ../pool) 2>err &&
	grep -q "^ktstr-compare: --base only applies to --perf-delta\$" err
'

test_expect_success GIT '--json: the records, then the perf-delta object' '
	regress 5 &&
	(cd r && test_expect_code 1 ktstr-compare --perf-delta --json --must-fail worst_spread ../pool) >out &&
	tail -1 out >last &&
	printf "{\"type\":\"perf-delta\",\"base\":\"%s\",\"head\":\"%s\",\"base_from\":\"merge-base of HEAD and main\",\"base_runs\":true,\"regressions\":5,\"fail_threshold\":5,\"must_fail\":[\"worst_spread\"],\"must_fail_regressed\":[\"worst_spread\"],\"gate\":\"fail\"}\n" \
		$(git -C r rev-parse --short=7 main~2) $(git -C r rev-parse --short=7 feature) >expect &&
	test_cmp expect last &&
	test "$(grep -c "\"type\":\"metric\"" out)" = 12
'

test_expect_success GIT '--markdown: the header, the report and the gate, tables well formed' '
	(cd r && test_expect_code 1 ktstr-compare --perf-delta --markdown ../pool) >out &&
	printf "**base** \`%s\` (merge-base of HEAD and main), **head** \`%s\`\n" \
		$(git -C r rev-parse --short=7 main~2) $(git -C r rev-parse --short=7 feature) >expect &&
	head -1 out >got &&
	test_cmp expect got &&
	tail -1 out >got &&
	echo "**gate: FAIL**: 5 regressions, reaching --fail-threshold 5" >expect &&
	test_cmp expect got &&
	gfm_tables out >shape &&
	printf "5 x 6\n7 x 6\n" >expect &&
	test_cmp expect shape
'

test_done
