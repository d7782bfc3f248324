#!/bin/sh
# ktstr-compare --list-metrics and --list-values.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

test_expect_success '--list-metrics --registry 0.4: the 0.4.9 table, exactly' '
	ktstr-compare --list-metrics --registry 0.4 >actual 2>err &&
	test_cmp "$FIXTURES/compare/list-metrics.txt" actual &&
	test_cmp /dev/null err
'

test_expect_success '--list-metrics --registry 0.4 --json: pretty, no final newline' '
	ktstr-compare --list-metrics --json --registry 0.4 >actual &&
	test_cmp "$FIXTURES/compare/list-metrics.json" actual
'

test_expect_success '--list-metrics ignores its input' '
	echo garbage | ktstr-compare --list-metrics --registry 0.4 >actual &&
	test_cmp "$FIXTURES/compare/list-metrics.txt" actual
'

test_expect_success '--registry 0.5: the 0.4.9 table with stall_count renamed' '
	ktstr-compare --list-metrics --registry 0.5 >actual &&
	sed "s/stall_count/stuck_count/" "$FIXTURES/compare/list-metrics.txt" >expect &&
	test_cmp expect actual
'

# Each metric's kind as ktstr-compare(1) writes it, from the JSON.
kinds() {
	jq -r ".[] | .kind | if type == \"string\" then . elif has(\"Gauge\") then \"Gauge(\(.Gauge))\"
		elif has(\"Distribution\") then \"Distribution(\(.Distribution.source),\(.Distribution.reduction))\"
		else to_entries[0] | \"\(.key)(\(.value.numerator)/\(.value.denominator))\" end"
}

test_expect_success jq '--registry 0.5 --json: the 0.4.9 entries with a kind each' '
	ktstr-compare --list-metrics --json --registry 0.5 >actual &&
	jq "map(del(.kind))" actual >without &&
	sed "s/stall_count/stuck_count/" "$FIXTURES/compare/list-metrics.json" | jq . >expect &&
	test_cmp expect without &&
	kinds <actual | sort | uniq -c | sed "s/^ *//" >got &&
	printf "5 Counter\n10 Gauge(Last)\n4 Peak\n" >expect &&
	test_cmp expect got &&
	grep -A3 "\"worst_spread\"" actual >spread &&
	printf "%s\n" "    \"name\": \"worst_spread\"," "    \"polarity\": \"LowerBetter\"," \
		"    \"kind\": {" "      \"Gauge\": \"Last\"" >expect &&
	test_cmp expect spread
'

test_expect_success jq '--list-metrics: the newest registry by default, metric for metric' '
	ktstr-compare --list-metrics --json >actual &&
	ktstr-compare --list-metrics --json --registry newest >named &&
	ktstr-compare --list-metrics --json --registry auto >auto &&
	test_cmp actual named &&
	test_cmp actual auto &&
	kinds <actual >kind &&
	jq -r ".[] | [.name, .polarity, .default_abs, .default_rel, .display_unit] | @tsv" actual |
		paste - kind | awk -F "\t" "{ print \$1 \"\t\" \$2 \"\t\" \$6 \"\t\" \$3 \"\t\" \$4 \"\t\" \$5 }" >got &&
	test_cmp "$FIXTURES/compare/registry-newest.tsv" got
'

test_expect_success '--list-metrics: the newest table has a KIND column' '
	ktstr-compare --list-metrics >actual &&
	test $(wc -l <actual) = 173 &&
	awk "NR > 1 && NF { print \$1 }" actual >names &&
	cut -f1 "$FIXTURES/compare/registry-newest.tsv" >expect &&
	test_cmp expect names &&
	head -n 2 actual | sed "s/  */ /g" >top &&
	printf "%s\n" " NAME POLARITY KIND DEFAULT_ABS DEFAULT_REL UNIT " \
		" worst_spread lower Gauge(Last) 5 0.25 % " >expect &&
	test_cmp expect top &&
	grep "^ total_run_delay  *informational  *Counter  *1000  *0.1  *ns  *$" actual &&
	grep "^ iteration_rate  *higher  *Rate(total_phase_iterations/total_phase_duration_sec)  *1  *0.3  *iter/s  *$" actual
'

test_expect_success '--registry takes 0.4, 0.5, newest or auto, once' '
	test_expect_code 2 ktstr-compare --list-metrics --registry 0.4.9 2>err &&
	head -n 1 err >first &&
	echo "ktstr-compare: invalid value '"'"'0.4.9'"'"' for '"'"'--registry'"'"': expected 0.4, 0.5, newest or auto" >expect &&
	test_cmp expect first &&
	test_expect_code 2 ktstr-compare --list-metrics --registry 0.4 --registry 0.5 2>err &&
	grep "^ktstr-compare: option --registry given more than once$" err &&
	test_expect_code 2 ktstr-compare --list-values --registry 0.4 2>err &&
	grep "^ktstr-compare: --registry does not apply to --list-values$" err
'

test_expect_success '--list-values: a runs root reads run_source as archive' '
	ktstr-compare --list-values "$FIXTURES/sidecars" >actual 2>err &&
	cat >expect <<-\EOF &&
	kernel:
	  6.14
	  7.0

	commit:
	  abc1234
	  abc1234-dirty
	  def5678

	kernel_commit:
	  unknown
	  e5f6a7b

	source:
	  archive

	scheduler:
	  eevdf
	  scx_lavd
	  scx_rusty

	topology:
	  1n1l2c1t
	  1n1l4c1t
	  1n2l2c1t
	  2n2l2c2t
	  2n4l2c1t

	work_type:
	  CpuSpin
	  Mixed
	  YieldHeavy
	  skipped

	flags:
	  borrow
	  llc
	  no-ctrl
	  rebal
	  steal

	EOF
	test_cmp expect actual &&
	grep -c "^ktstr-compare: skipping .*pipe_pingpong" err >count &&
	echo 1 >one && test_cmp one count &&
	ktstr-compare --list-values --dir "$FIXTURES/sidecars" >actual2 2>/dev/null &&
	test_cmp expect actual2
'

test_expect_success '--list-values --json: sorted keys, null first, stored run_source' '
	find "$FIXTURES/sidecars" -name "*.ktstr.json" | sort >files &&
	ktstr-compare --list-values --json $(cat files) >actual 2>/dev/null &&
	cat >expect <<-\EOF &&
	{
	  "commit": [
	    "abc1234",
	    "abc1234-dirty",
	    "def5678"
	  ],
	  "flags": [
	    "borrow",
	    "llc",
	    "no-ctrl",
	    "rebal",
	    "steal"
	  ],
	  "kernel": [
	    "6.14",
	    "7.0"
	  ],
	  "kernel_commit": [
	    null,
	    "e5f6a7b"
	  ],
	  "scheduler": [
	    "eevdf",
	    "scx_lavd",
	    "scx_rusty"
	  ],
	  "source": [
	    "ci",
	    "local"
	  ],
	  "topology": [
	    "1n1l2c1t",
	    "1n1l4c1t",
	    "1n2l2c1t",
	    "2n2l2c2t",
	    "2n4l2c1t"
	  ],
	  "work_type": [
	    "CpuSpin",
	    "Mixed",
	    "YieldHeavy",
	    "skipped"
	  ]
	}
	EOF
	test_cmp expect actual
'

test_expect_success '--list-values: an empty pool is not an error, and carries no flags' '
	mkdir empty &&
	ktstr-compare --list-values empty >actual &&
	for k in kernel commit kernel_commit source scheduler topology work_type; do
		printf "%s:\n  (no sidecars in pool)\n\n" $k
	done >expect &&
	test_cmp expect actual &&
	ktstr-compare --list-values --json </dev/null >actual &&
	printf "{\n  \"commit\": [],\n  \"kernel\": [],\n  \"kernel_commit\": [],\n  \"scheduler\": [],\n  \"source\": [],\n  \"topology\": [],\n  \"work_type\": []\n}\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--list-values: an input that cannot be read is exit 2, the rest listed' '
	for k in kernel commit kernel_commit source scheduler topology work_type; do
		printf "%s:\n  (no sidecars in pool)\n\n" $k
	done >expect &&
	test_must_fail ktstr-compare --list-values nonexistent empty >actual 2>err &&
	test_cmp expect actual &&
	echo "ktstr-compare: cannot read nonexistent: No such file or directory (os error 2)" >expect &&
	test_cmp expect err
'

test_expect_success '--list-values: None sorts first and prints as unknown' '
	sidecar x.ktstr.json kernel=null project_commit=null source=absent &&
	sidecar y.ktstr.json kernel=\"6.15.0\" project_commit=\"0000000\" source=\"ci\" flags="[\"b\",\"a\",\"b\"]" &&
	cat x.ktstr.json y.ktstr.json | ktstr-compare --list-values >actual &&
	cat >expect <<-\EOF &&
	kernel:
	  unknown
	  6.15.0

	commit:
	  unknown
	  0000000

	kernel_commit:
	  unknown

	source:
	  unknown
	  ci

	scheduler:
	  scx_rusty

	topology:
	  1n1l2c1t

	work_type:
	  CpuSpin

	flags:
	  a
	  b

	EOF
	test_cmp expect actual
'

test_done
