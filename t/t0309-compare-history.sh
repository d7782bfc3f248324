#!/bin/sh
# ktstr-compare --history: change points along a first-parent history of
# a real repository, at the right commit and not on noise; ranges, JSON,
# Markdown, the chart, and a shallow clone.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-history.sh"
. "$TOP/t/lib-markdown.sh"

# The value of run R at commit I: BASE within ±10% (a fixed sequence per seed).
noisy() {
	awk -v i="$1" -v r="$2" -v base="$3" -v seed="$4" \
		'BEGIN { srand(seed * 1000 + i * 10 + r); printf "%.3f", base * (1 + 0.2 * (rand() - 0.5)) }'
}

# main: 14 commits c1..c14, c3 and c11 without runs, then a merge of a
# side branch (whose own commits have wild runs that must not count) and
# c15, c16.  t1's worst_spread steps +30% (20 -> 26) at c8; t3's
# worst_gap_ms halves at c13 (an improvement); t2 is noise.
test_expect_success GIT 'setup: a history with a step, an improvement, noise and a merged branch' '
	repo_init r && (
		cd r &&
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do commit c$i || exit 1; done &&
		git checkout -q -b side HEAD~2 && commit s1 && commit s2 &&
		git checkout -q main && merge "merge side" side && commit c15 && commit c16
	) &&
	i=0 &&
	for c in $(git -C r rev-list --first-parent --reverse main); do
		i=$((i + 1)) &&
		case $i in 3 | 11) continue ;; esac &&
		h=$(git -C r rev-parse --short=7 $c) &&
		runs=1 && case $i in 5 | 9) runs=3 ;; esac &&
		r=0 &&
		while [ $r -lt $runs ]; do
			b=20 && [ $i -ge 8 ] && b=26
			g=2400 && [ $i -ge 13 ] && g=1000
			sidecar pool/$h-t1-$r.ktstr.json test_name=t1 project_commit=\"$h\" \
				spread=$(noisy $i $r $b 1) &&
			sidecar pool/$h-t2-$r.ktstr.json test_name=t2 project_commit=\"$h\" \
				spread=$(noisy $i $r 40 2) &&
			sidecar pool/$h-t3-$r.ktstr.json test_name=t3 project_commit=\"$h\" \
				gap=$(noisy $i $r $g 3 | cut -d. -f1) || return 1
			r=$((r + 1))
		done || return 1
	done &&
	for s in side side~1; do
		h=$(git -C r rev-parse --short=7 $s) &&
		sidecar pool/$h-t1.ktstr.json test_name=t1 project_commit=\"$h\" spread=500.0 || return 1
	done &&
	sidecar pool/dirty.ktstr.json test_name=t1 project_commit=\"$(git -C r rev-parse --short=7 main)-dirty\" \
		spread=900.0 &&
	c8=$(git -C r rev-parse --short=7 main~9) && c13=$(git -C r rev-parse --short=7 main~4) &&
	test "$(git -C r log -1 --format=%s main~9)" = c8 &&
	test "$(git -C r log -1 --format=%s main~4)" = c13
'

test_expect_success GIT 'the step is found at its first commit, the improvement too, nothing on noise' '
	c8=$(git -C r rev-parse --short=7 main~9) && c13=$(git -C r rev-parse --short=7 main~4) &&
	(cd r && test_expect_code 1 ktstr-compare --history ../pool) >out 2>err &&
	test_cmp /dev/null err &&
	sed -n 1p out >head &&
	echo "history: HEAD'"'"'s first-parent history: 15 of 17 commits have runs; 3 tests, 3 series tested" >expect &&
	test_cmp expect head &&
	awk "NR > 3 && NF && !/^summary/ { print \$1, \$2, \$3, \$NF } /^summary/" out |
		sed "s,/6.14.2/scx_rusty/1n1l2c1t/CpuSpin//archive/,," >got &&
	printf "%s\n" "t1 worst_spread $c8 REGRESSION" "t3 worst_gap_ms $c13 improvement" \
		"summary: 2 change points: 1 regressions, 1 improvements, 0 below the gate" >expect &&
	test_cmp expect got
'

test_expect_success GIT 'several runs of a commit are one point: n counts the runs' '
	(cd r && test_expect_code 1 ktstr-compare --history --json -E t1 ../pool) >out &&
	c8=$(git -C r rev-parse --short=7 main~9) &&
	grep -q "\"commit\":\"$c8\"" out &&
	grep -q "\"n_before\":8,\"n_after\":11," out
'

test_expect_success GIT '--json: one object per change point, the members in order, lowercase verdicts' '
	(cd r && test_expect_code 1 ktstr-compare --history --json ../pool) >out &&
	test "$(wc -l <out)" = 2 &&
	sed "s/\"before\":[^,]*,\"after\":[^,]*,/B,/; s/\"delta_pct\":[^,]*,\"p\":[^,]*,/D,/" out >got &&
	printf "{\"test\":\"%s\",\"metric\":\"%s\",\"commit\":\"%s\",B,\"n_before\":%s,\"n_after\":%s,D,\"verdict\":\"%s\"}\n" \
		t1/6.14.2/scx_rusty/1n1l2c1t/CpuSpin//archive/ worst_spread "$(git -C r rev-parse --short=7 main~9)" 8 11 regression \
		t3/6.14.2/scx_rusty/1n1l2c1t/CpuSpin//archive/ worst_gap_ms "$(git -C r rev-parse --short=7 main~4)" 14 5 improvement >expect &&
	test_cmp expect got
'

test_expect_success jq '--json: the step'"'"'s numbers: about +30%, p below 0.01' '
	grep worst_spread out >step &&
	jq -e ".delta_pct > 20 and .delta_pct < 40 and .p < 0.01 and .before > 18 and .after < 29" step
'

test_expect_success GIT 'a range: only its change points count, the history before it is the baseline' '
	(cd r && ktstr-compare --history=main~5..main ../pool) >out &&
	grep -q "^summary: 1 change points: 0 regressions, 1 improvements, 0 below the gate\$" out &&
	(cd r && test_expect_code 1 ktstr-compare --history=main~10..main ../pool) >out &&
	grep -q "^summary: 2 change points: 1 regressions, 1 improvements" out &&
	(cd r && ktstr-compare --history=main~4..main ../pool) >out &&
	grep -q "^summary: 0 change points" out &&
	(cd r && test_expect_code 1 ktstr-compare --history=main~10.. ../pool) >out &&
	grep -q "^history: the first-parent history of main~10..: 15 of 17 commits" out
'

test_expect_success GIT 'the history is first-parent: the merged branch'"'"'s runs play no part' '
	git -C r rev-list --first-parent main | wc -l >n &&
	echo 17 >expect &&
	test_cmp expect n &&
	(cd r && ktstr-compare --history=side ../pool) >out ;
	grep -q "^history: the first-parent history of side: " out
'

test_expect_success GIT '--significance changes the detector'"'"'s level' '
	(cd r && ktstr-compare --history --significance 0.001 ../pool) >out &&
	grep -q "^change points by E-divisive means: significance 0.001, 999 permutations" out &&
	grep -q "^summary: 0 change points" out
'

test_expect_success GIT '--markdown: the summary, the table, the quiet series collapsed' '
	(cd r && test_expect_code 1 ktstr-compare --history --markdown ../pool) >out &&
	gfm_tables out >shape &&
	printf "2 x 8\n1 x 4\n" >expect &&
	test_cmp expect shape &&
	sed -n 1p out >head &&
	echo "**2 change points: 1 regressions, 1 improvements, 0 below the gate** in HEAD'"'"'s first-parent history (15 of 17 commits have runs; E-divisive means, significance 0.01, 999 permutations)" >expect &&
	test_cmp expect head
'

test_expect_success CMARK_GFM '--markdown: cmark-gfm reads the tables' '
	gfm_html out >html &&
	test "$(grep -c "<table>" html)" = 2 &&
	grep -q "^<td>REGRESSION</td>\$" html
'

test_lazy_prereq XMLLINT 'xmllint --version'

test_expect_success GIT '--svg: a series per change, the change points marked; staged and renamed' '
	echo old >chart.svg &&
	(cd r && test_expect_code 1 ktstr-compare --history --svg ../chart.svg ../pool) >out &&
	test "$(grep -c "<g class=\"series\">" chart.svg)" = 2 &&
	test "$(grep -c "<line class=\"change regression\"" chart.svg)" = 1 &&
	test "$(grep -c "<line class=\"change improvement\"" chart.svg)" = 1 &&
	test "$(grep -c "<circle class=\"point\"" chart.svg)" = 30 &&
	! ls -a | grep -q "^\.chart\.svg\.tmp" &&
	(cd r && test_must_fail ktstr-compare --history --svg ../no/such/dir.svg ../pool) >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^ktstr-compare: cannot write .../no/such/dir.svg.: No such file or directory" err
'

test_expect_success XMLLINT '--svg: the chart is well-formed XML' '
	xmllint --noout chart.svg
'

test_expect_success GIT 'pure noise: 20 tests over 20 commits give at most one false change point' '
	repo_init q && (cd q && for i in $(seq 20); do commit n$i || exit 1; done) &&
	i=0 &&
	for c in $(git -C q rev-list --reverse main); do
		i=$((i + 1)) && h=$(git -C q rev-parse --short=7 $c) &&
		for t in $(seq 20); do
			sidecar noise/$h-$t.ktstr.json test_name=n$t project_commit=\"$h\" \
				spread=$(noisy $i 0 30 $((t + 10))) || return 1
		done
	done &&
	(cd q && ktstr-compare --history --json ../noise) >out ;
	test $? -le 1 &&
	test "$(wc -l <out)" -le 1
'

test_expect_success GIT 'a shallow clone: the history ends at its boundary, and says so' '
	git clone -q --depth 5 "file://$TRASH/r" sh &&
	(cd sh && ktstr-compare --history ../pool) >out &&
	grep -q "^history: HEAD'"'"'s first-parent history: 5 of 5 commits have runs" out &&
	grep -q "^the history is shallow: it ends at $(git -C r rev-parse --short=7 main~4)\$" out
'

test_expect_success GIT 'errors: a bad range, side filters, no repository' '
	(cd r && test_must_fail ktstr-compare --history=nope..main ../pool) 2>err &&
	grep -q "^ktstr-compare: --history: cannot resolve .nope." err &&
	(cd r && test_must_fail ktstr-compare --history=a...b ../pool) 2>err &&
	grep -q "is not a range A..B" err &&
	(cd r && test_must_fail ktstr-compare --history --a-kernel 6.14 ../pool) 2>err &&
	grep -q "^ktstr-compare: --history follows each test along one history" err &&
	(cd r && test_must_fail ktstr-compare --history --tsv ../pool) 2>err &&
	grep -q "^ktstr-compare: --tsv does not apply to --history\$" err &&
	(cd r && test_must_fail ktstr-compare --history --kernel 7.0 ../pool) 2>err &&
	grep -q "^ktstr-compare: the filters match none of the" err &&
	d=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-norepo.XXXXXX") &&
	(cd "$d" && test_must_fail ktstr-compare --history "$TRASH/pool") 2>err &&
	rm -rf "$d" &&
	grep -q "^ktstr-compare: --history: no git repository" err
'

test_done
