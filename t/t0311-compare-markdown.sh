#!/bin/sh
# ktstr-compare --markdown: GitHub-flavoured Markdown that a GFM parser
# reads as the tables meant, with names that would otherwise break them.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"
. "$TOP/t/lib-markdown.sh"

test_expect_success 'setup: a pool with a regression, an improvement and awkward names' '
	sidecar p/a1.ktstr.json project_commit=\"aaaaaaa\" spread=10.0 gap=100 &&
	sidecar p/b1.ktstr.json project_commit=\"bbbbbbb\" spread=20.0 gap=100 &&
	sidecar p/a2.ktstr.json "test_name=pipe|and*star_x" project_commit=\"aaaaaaa\" spread=10.0 \
		migrations=50 &&
	sidecar p/b2.ktstr.json "test_name=pipe|and*star_x" project_commit=\"bbbbbbb\" spread=5.0 \
		migrations=51 &&
	sidecar p/a3.ktstr.json "test_name=new\\nline\\u001b[31m" project_commit=\"aaaaaaa\" \
		spread=10.0 &&
	sidecar p/b3.ktstr.json "test_name=new\\nline\\u001b[31m" project_commit=\"bbbbbbb\" \
		spread=10.0 gap=500
'

test_expect_success 'summary, the changes, the unchanged collapsed; exit 1 as the table does' '
	test_expect_code 1 ktstr-compare --a-project-commit aaaaaaa --b-project-commit bbbbbbb \
		--markdown p >out &&
	cat >expect <<-\EOF &&
	**2 regressions, 1 improvements, 3 unchanged**: bbbbbbb against aaaaaaa (3 and 3 runs)

	| TEST | METRIC | aaaaaaa | bbbbbbb | DELTA | VERDICT |
	| --- | --- | --- | --- | --- | --- |
	| steady/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | worst\_spread | 10.00 | 20.00 | +10.00% | REGRESSION |
	| pipe\|and\*star\_x/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | worst\_spread | 10.00 | 5.00 | -5.00% | improvement |
	| new<br>line\x1b\[31m/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | worst\_gap\_ms | 0.00 | 500.00 | +500.00ms | REGRESSION |

	<details><summary>3 unchanged</summary>

	| TEST | METRIC | aaaaaaa | bbbbbbb | DELTA | VERDICT |
	| --- | --- | --- | --- | --- | --- |
	| steady/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | worst\_gap\_ms | 100.00 | 100.00 | +0.00ms | unchanged |
	| pipe\|and\*star\_x/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | total\_migrations | 50.00 | 51.00 | +1.00 | unchanged |
	| new<br>line\x1b\[31m/6.14.2/scx\_rusty/1n1l2c1t/CpuSpin//archive/ | worst\_spread | 10.00 | 10.00 | +0.00% | unchanged |

	</details>

	EOF
	test_cmp expect out
'

test_expect_success 'every table is well formed: 3 rows of 6 cells, then 3 more' '
	gfm_tables out >shape &&
	printf "3 x 6\n3 x 6\n" >expect &&
	test_cmp expect shape
'

test_expect_success 'no escape sequence even with --color=always' '
	test_expect_code 1 ktstr-compare --a-project-commit aaaaaaa --b-project-commit bbbbbbb \
		--markdown --color=always p >colour &&
	test_cmp out colour
'

test_expect_success CMARK_GFM 'cmark-gfm reads two tables of 4 rows of 6 cells, names intact' '
	gfm_html out >html &&
	test "$(grep -c "<table>" html)" = 2 &&
	test "$(grep -c "<tr>" html)" = 8 &&
	test "$(grep -c "^<t[hd]>" html)" = 48 &&
	grep -q "^<td>pipe|and\*star_x/6.14.2/scx_rusty/1n1l2c1t/CpuSpin//archive/</td>\$" html &&
	grep -q "^<td>new<br>line\\\\x1b\[31m/" html &&
	grep -q "^<details><summary>3 unchanged</summary>\$" html
'

test_expect_success 'a comparison without changes says so, the rest collapsed' '
	sidecar q/a.ktstr.json project_commit=\"aaaaaaa\" spread=10.0 &&
	sidecar q/b.ktstr.json project_commit=\"bbbbbbb\" spread=10.0 &&
	ktstr-compare --a-project-commit aaaaaaa --b-project-commit bbbbbbb --markdown q >out &&
	sed -n "1,3p" out >head &&
	printf "%s\n" "**0 regressions, 0 improvements, 1 unchanged**: bbbbbbb against aaaaaaa (1 and 1 runs)" \
		"" "No metric changed past its gate." >expect &&
	test_cmp expect head &&
	gfm_tables out >shape &&
	echo "1 x 6" >expect &&
	test_cmp expect shape
'

test_expect_success '--markdown excludes --json and --tsv' '
	test_must_fail ktstr-compare --a-project-commit aaaaaaa --b-project-commit bbbbbbb \
		--markdown --json p 2>err &&
	grep -q "^ktstr-compare: --json, --tsv and --markdown exclude each other\$" err &&
	test_must_fail ktstr-compare --markdown --list-metrics 2>err &&
	grep -q "only apply to a comparison" err
'

test_done
