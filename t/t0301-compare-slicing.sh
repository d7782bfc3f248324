#!/bin/sh
# ktstr-compare: slicing on each dimension, shared and per-side filters,
# -E, several dimensions at once, the fatal cases and their hints,
# dirty and mixed commits, upstream sidecars without optional fields.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

# slice DIM FIELD VALUE_A VALUE_B OPTION_A OPTION_B: two sidecars that
# differ in one field; the comparison must slice on DIM only.
slice() {
	dim=$1 field=$2 va=$3 vb=$4 oa=$5 ob=$6
	rm -rf pool && mkdir pool &&
	sidecar pool/a.ktstr.json "$field=$va" spread=10.0 &&
	sidecar pool/b.ktstr.json "$field=$vb" spread=20.0 &&
	test_expect_code 1 ktstr-compare $oa $ob pool/a.ktstr.json pool/b.ktstr.json >out 2>err &&
	test_cmp /dev/null err &&
	echo "slicing dimensions: $dim" >expect &&
	head -1 out >actual &&
	test_cmp expect actual &&
	grep -q "^summary: 1 regressions, 0 improvements, 0 unchanged\$" out
}

test_expect_success 'slicing on kernel' '
	slice kernel kernel "\"6.14.2\"" "\"6.15.0\"" "--a-kernel 6.14" "--b-kernel 6.15"
'
test_expect_success 'slicing on scheduler' '
	slice scheduler scheduler scx_rusty scx_lavd "--a-scheduler scx_rusty" "--b-scheduler scx_lavd"
'
test_expect_success 'slicing on topology' '
	slice topology topology 1n1l2c1t 2n2l2c1t "--a-topology 1n1l2c1t" "--b-topology 2n2l2c1t"
'
test_expect_success 'slicing on work-type' '
	slice work-type work_type CpuSpin Mixed "--a-work-type CpuSpin" "--b-work-type Mixed"
'
test_expect_success 'slicing on project-commit' '
	slice project-commit project_commit "\"aaaaaaa\"" "\"bbbbbbb\"" \
		"--a-project-commit aaaaaaa" "--b-project-commit bbbbbbb"
'
test_expect_success 'slicing on kernel-commit' '
	slice kernel-commit kernel_commit "\"ccccccc\"" "\"ddddddd\"" \
		"--a-kernel-commit ccccccc" "--b-kernel-commit ddddddd"
'
test_expect_success 'slicing on run-source' '
	slice run-source source "\"local\"" "\"ci\"" "--a-run-source local" "--b-run-source ci"
'
test_expect_success 'slicing on flags: a side without flags is labelled by its letter' '
	slice flags flags "[]" "[\"llc\"]" "" "--b-flag llc" &&
	grep -q "^ TEST  *METRIC  *A  *llc  *DELTA  *VERDICT *\$" out &&
	grep -q "^  steady/1n1l2c1t/CpuSpin: A=2/2 llc=-\$" out &&
	grep -q "^  steady/1n1l2c1t/CpuSpin: A=- llc=1/1\$" out
'

test_expect_success 'setup: a pool over two kernels and two schedulers' '
	mkdir p &&
	sidecar p/r1.ktstr.json kernel=\"6.13.1\" spread=10.0 &&
	sidecar p/r2.ktstr.json kernel=\"6.14.2\" spread=20.0 &&
	sidecar p/r3.ktstr.json kernel=\"6.14.2\" scheduler=scx_lavd spread=40.0 &&
	sidecar p/r4.ktstr.json kernel=\"6.14.2\" test_name=other spread=1.0 &&
	sidecar p/r5.ktstr.json kernel=\"6.13.1\" test_name=other spread=1.0
'

test_expect_success 'more specific replaces: --kernel 6.14 --a-kernel 6.13' '
	test_expect_code 1 ktstr-compare --kernel 6.14 --a-kernel 6.13 --scheduler scx_rusty p >out &&
	sed -n 3p out >actual &&
	echo "averaged across 2 runs (6.13) and 2 runs (6.14)" >expect &&
	test_cmp expect actual &&
	grep -q "^ steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//archive/  worst_spread  10.00  20.00  +10.00%  REGRESSION \$" out
'

test_expect_success 'per-side lists are not merged with the shared one' '
	test_must_fail ktstr-compare --kernel 6.14 --a-kernel 6.14 p 2>err &&
	grep -q "A and B select identical rows" err
'

test_expect_success 'the same values in another order are not a slice' '
	test_must_fail ktstr-compare --a-kernel 6.13 --a-kernel 6.14 --b-kernel 6.14 --b-kernel 6.13 p 2>err &&
	grep -q "identical rows" err
'

test_expect_success 'two slicing dimensions: warning, labels joined by ":"' '
	test_expect_code 1 ktstr-compare --a-kernel 6.13 --b-kernel 6.14 \
		--a-scheduler scx_rusty --b-scheduler scx_lavd p >out 2>err &&
	echo "ktstr-compare: warning: slicing on 2 dimensions [kernel, scheduler]; results compress multiple axes into a single A/B contrast." >expect &&
	test_cmp expect err &&
	sed -n 1,3p out >actual &&
	cat >expect <<-\EOF &&
	slicing dimensions: kernel, scheduler
	pairing on: scenario, topology, work-type, project-commit, kernel-commit, run-source, flags
	averaged across 2 runs (6.13:scx_rusty) and 1 runs (6.14:scx_lavd)
	EOF
	test_cmp expect actual &&
	grep -q "^ steady/1n1l2c1t/CpuSpin/aaaaaaa//archive/  worst_spread  10.00  *40.00  *+30.00%  REGRESSION \$" out
'

test_expect_success '-E keeps a pair when either side matches, counts the rest' '
	ktstr-compare --a-kernel 6.13 --b-kernel 6.14 -E other p >out &&
	grep -q "^summary: 0 regressions, 0 improvements, 1 unchanged\$" out &&
	! grep -q "new in" out &&
	test_expect_code 1 ktstr-compare --a-kernel 6.13 --b-kernel 6.14 -E steady p >out &&
	grep -q "^summary: 1 regressions, 0 improvements, 0 unchanged\$" out &&
	grep -q "^  1 row(s) new in .6.14. (no matching key in .6.13.)\$" out &&
	test_expect_code 1 ktstr-compare --a-scheduler scx_rusty --b-scheduler scx_lavd --kernel 6.14 \
		-E scx_rusty p >out &&
	grep -q "worst_spread  20.00  *40.00  " out &&
	grep -q "^  1 row(s) removed from .scx_rusty. (no matching key in .scx_lavd.)\$" out &&
	test_expect_code 1 ktstr-compare --a-scheduler scx_rusty --b-scheduler scx_lavd --kernel 6.14 \
		-E scx_lavd p >out &&
	grep -q "worst_spread  20.00  *40.00  " out &&
	! grep -q "removed from" out
'

test_expect_success 'new and removed rows, failed pairs skipped' '
	mkdir nr &&
	sidecar nr/a1.ktstr.json test_name=gone &&
	sidecar nr/a2.ktstr.json test_name=broken &&
	sidecar nr/b1.ktstr.json test_name=fresh kernel=\"6.15.0\" &&
	sidecar nr/b2.ktstr.json test_name=broken kernel=\"6.15.0\" passed=false &&
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --no-average nr >out &&
	cat >expect <<-\EOF &&
	slicing dimensions: kernel
	pairing on: scenario, scheduler, topology, work-type, project-commit, kernel-commit, run-source, flags
	 TEST  METRIC  6.14  6.15  DELTA  VERDICT 

	summary: 0 regressions, 0 improvements, 0 unchanged
	  1 pairing-key row pair(s) skipped because one or both sides failed
	  1 row(s) new in '\''6.15'\'' (no matching key in '\''6.14'\'')
	  1 row(s) removed from '\''6.14'\'' (no matching key in '\''6.15'\'')
	EOF
	test_cmp expect out
'

test_expect_success 'setup: dirty and clean commits' '
	mkdir d &&
	sidecar d/a1.ktstr.json spread=10.0 kernel_commit=\"eeeeeee\" &&
	sidecar d/a2.ktstr.json spread=12.0 project_commit=\"aaaaaaa-dirty\" \
		kernel_commit=\"eeeeeee-dirty\" &&
	sidecar d/b1.ktstr.json kernel=\"6.15.0\" spread=30.0 source=\"ci\" \
		project_commit=\"ccccccc-dirty\" &&
	sidecar d/b2.ktstr.json kernel=\"6.15.0\" spread=30.0 source=\"ci\" \
		kernel_commit=\"eeeeeee\" &&
	sidecar d/b3.ktstr.json kernel=\"6.15.0\" spread=30.0 source=null
'

test_expect_success 'clean and dirty runs average into a "+mixed" group that still pairs' '
	test_expect_code 1 ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --run-source local \
		--b-run-source ci d/*.json >out 2>err &&
	grep -q "^ steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa/eeeeeee/  worst_spread  11.00  *30.00  *+19.00%  REGRESSION \$" out &&
	grep -q "^  1 row(s) new in .6.15:ci. (no matching key in .6.14:local.)\$" out &&
	! grep -q "removed from" out &&
	cat >expect <<-\EOF &&
	ktstr-compare: warning: slicing on 2 dimensions [kernel, run-source]; results compress multiple axes into a single A/B contrast.
	ktstr-compare: warning: comparison includes dirty builds:
	  - kernel source: eeeeeee-dirty (working tree may have changed since this run)
	  - project: aaaaaaa-dirty (working tree may have changed since this run)
	  - project: ccccccc-dirty (working tree may have changed since this run)
	  Dirty runs overwrite previous results with the same HEAD.
	  Commit changes for reproducible-ish comparisons.
	EOF
	test_cmp expect err
'

test_expect_success 'a side matching nothing: dirty, run-source and list-values hints' '
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --b-project-commit ccccccc \
		--b-run-source CI --b-run-source ci d/a1.ktstr.json d/b1.ktstr.json d/b3.ktstr.json >out 2>err &&
	test_cmp /dev/null out &&
	cat >expect <<-EOF &&
	ktstr-compare: warning: slicing on 3 dimensions [kernel, project-commit, run-source]; results compress multiple axes into a single A/B contrast.
	ktstr-compare: B side filter matched 0 sidecars in pool (3 pooled from d/a1.ktstr.json, d/b1.ktstr.json, d/b3.ktstr.json). Check the per-side filters or confirm the runs exist with \`ktstr-rundir --list\`.
	hint: no rows match \`--project-commit ccccccc\` but \`ccccccc-dirty\` exists in the pool — did you mean \`--project-commit ccccccc-dirty\`?
	hint: --run-source \`CI\` not found in pool; distinct values present: \`ci\`, \`local\`. Values are case-sensitive (\`ci\` ≠ \`CI\`).
	hint: run \`ktstr-compare --list-values\` to see every distinct commit value present in the pool — the specific value the filter expected may not have a sidecar yet, or may differ from what was recorded by \`ktstr-rundir --commit\` / \`ktstr-rundir --kernel-commit\`.
	EOF
	test_cmp expect err
'

test_expect_success 'run-source hint when no row has a run_source' '
	test_must_fail ktstr-compare --a-kernel 6.15 --b-kernel 6.14 --a-run-source ci d/b3.ktstr.json d/a1.ktstr.json 2>err &&
	grep -q "^hint: --run-source \`ci\` not found in pool; distinct values present: \`local\`. " err &&
	test_must_fail ktstr-compare --a-kernel 6.15 --b-kernel 6.14 --a-run-source ci d/b3.ktstr.json 2>err &&
	grep -q "distinct values present: (none — every row has \`run_source: null\`). Values" err
'

test_expect_success 'upstream sidecars without optional members' '
	mkdir up &&
	sidecar up/a.ktstr.json source=absent kernel=null project_commit=null spread=1.0 &&
	sidecar up/b.ktstr.json source=absent kernel=null project_commit=null spread=9.0 \
		scheduler=scx_lavd &&
	test_expect_code 1 ktstr-compare --a-scheduler scx_rusty --b-scheduler scx_lavd up/*.json >out &&
	grep -q "^ steady//1n1l2c1t/CpuSpin////  worst_spread  1.00  *9.00  *+8.00%  REGRESSION \$" out &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 up/*.json 2>err &&
	grep -q "A side filter matched 0 sidecars" err
'

test_expect_success 'an empty pool is an error, whatever the input' '
	mkdir empty &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 --dir empty >out 2>err &&
	test_cmp /dev/null out &&
	echo "ktstr-compare: no sidecar data found in empty. Run \`ktstr-test\` to generate runs, or pass --dir to point at an archived sidecar tree." >expect &&
	test_cmp expect err &&
	test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 </dev/null 2>err &&
	grep -q "no sidecar data found in target/ktstr\\." err &&
	: | test_must_fail ktstr-compare --a-kernel 6.14 --b-kernel 6.15 2>err &&
	grep -q "no sidecar data found in standard input\\." err
'

test_done
