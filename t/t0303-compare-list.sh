#!/bin/sh
# ktstr-compare --list-metrics and --list-values.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

test_expect_success '--list-metrics: the registry table, exactly' '
	ktstr-compare --list-metrics >actual 2>err &&
	test_cmp "$FIXTURES/compare/list-metrics.txt" actual &&
	test_cmp /dev/null err
'

test_expect_success '--list-metrics --json: pretty, no final newline' '
	ktstr-compare --list-metrics --json >actual &&
	test_cmp "$FIXTURES/compare/list-metrics.json" actual
'

test_expect_success '--list-metrics ignores its input' '
	echo garbage | ktstr-compare --list-metrics >actual &&
	test_cmp "$FIXTURES/compare/list-metrics.txt" actual
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

test_expect_success '--list-values: an empty pool is not an error' '
	mkdir empty &&
	ktstr-compare --list-values empty >actual &&
	for k in kernel commit kernel_commit source scheduler topology work_type flags; do
		printf "%s:\n  (no sidecars in pool)\n\n" $k
	done >expect &&
	test_cmp expect actual &&
	ktstr-compare --list-values --json </dev/null >actual &&
	printf "{\n  \"commit\": [],\n  \"flags\": [],\n  \"kernel\": [],\n  \"kernel_commit\": [],\n  \"scheduler\": [],\n  \"source\": [],\n  \"topology\": [],\n  \"work_type\": []\n}\n" >expect &&
	test_cmp expect actual
'

test_expect_success '--list-values: an input that cannot be read is exit 2, the rest listed' '
	for k in kernel commit kernel_commit source scheduler topology work_type flags; do
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
