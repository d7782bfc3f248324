#!/bin/sh
# ktstr-scan PATH...: run directories, runs roots, files; usage errors.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

FIO=6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json

test_expect_success 'setup' '
	copy_runs runs
'

test_expect_success 'a directory with sidecars in it is one run' '
	ktstr-scan runs/6.14-abc1234 >actual &&
	expected_stream runs archive "6\.14-abc1234" >expect &&
	test_cmp expect actual
'

test_expect_success 'a trailing slash is not part of the run name' '
	ktstr-scan runs/6.14-abc1234/ >actual &&
	expected_stream runs archive "6\.14-abc1234" >expect &&
	test_cmp expect actual
'

test_expect_success '"." names its canonical directory' '
	(cd runs/7.0-def5678 && ktstr-scan .) >actual &&
	fixture_order | grep "^7\.0" | while read -r f; do
		stream_line runs/$f ./${f#*/} "\"7.0-def5678\"" archive
	done >expect &&
	test_cmp expect actual
'

test_expect_success 'any other directory is a runs root' '
	test_expect_code 1 ktstr-scan runs >actual 2>err &&
	expected_stream runs archive >expect &&
	test_cmp expect actual &&
	printf "%s\n" "ktstr-scan: skipping runs/$BAD: $BADMSG" \
		"ktstr-scan: 1 of 16 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a run with only shard directories is taken for a runs root' '
	mkdir -p gauntlet/shard-1 &&
	cp runs/$FIO gauntlet/shard-1/ &&
	ktstr-scan gauntlet >actual &&
	stream_line runs/$FIO gauntlet/shard-1/${FIO#*/} "\"shard-1\"" archive >expect &&
	test_cmp expect actual
'

test_expect_success 'a file operand: any name, _run null, no _archive' '
	cp runs/$FIO plain.txt &&
	ktstr-scan plain.txt runs/$FIO >actual &&
	{
		stream_line runs/$FIO plain.txt null &&
		stream_line runs/$FIO runs/$FIO null
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'operands in the order given' '
	test_expect_code 1 ktstr-scan runs/7.0-def5678 plain.txt runs/6.14-abc1234-dirty >actual 2>/dev/null &&
	{
		expected_stream runs archive "7\.0-def5678" &&
		stream_line runs/$FIO plain.txt null &&
		expected_stream runs archive "6\.14-abc1234-dirty"
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'a missing operand is an error; the others are scanned' '
	test_must_fail ktstr-scan missing plain.txt >actual 2>err &&
	stream_line runs/$FIO plain.txt null >expect &&
	test_cmp expect actual &&
	echo "ktstr-scan: cannot open '\''missing'\'': No such file or directory" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a file operand that is not a sidecar fails' '
	echo "{\"a\": 1}" >notes.json &&
	test_expect_code 1 ktstr-scan notes.json plain.txt >actual 2>err &&
	stream_line runs/$FIO plain.txt null >expect &&
	test_cmp expect actual &&
	printf "%s\n" "ktstr-scan: skipping notes.json: missing field \`test_name\` at line 1 column 8" \
		"ktstr-scan: 1 of 2 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a file operand is one sidecar, never a stream' '
	ktstr-scan plain.txt plain.txt >two.ndjson &&
	test_expect_code 1 ktstr-scan two.ndjson >actual 2>err &&
	test_expect_code 0 ktstr-scan runs/$FIO >/dev/null &&
	must_be_empty actual &&
	grep "^ktstr-scan: skipping two.ndjson: trailing characters at line 2 column 1$" err
'

test_expect_success 'operands cannot be combined with --dir, --run or --newest' '
	for opt in "--dir runs" "--run x" --newest; do
		test_must_fail ktstr-scan $opt plain.txt >actual 2>err &&
		must_be_empty actual &&
		grep "^ktstr-scan: PATH operands cannot be combined" err &&
		grep "^usage: ktstr-scan \[--strict GEN\] \[--dir ROOT\] \[--run NAME\]... \[--newest\] \[PATH...\]$" err || exit 1
	done
'

test_expect_success 'usage errors' '
	test_must_fail ktstr-scan --no-such-option 2>err &&
	grep "^usage: " err &&
	test_must_fail ktstr-scan --json --run x 2>err &&
	grep "^ktstr-scan: --json needs --explain$" err &&
	test_must_fail ktstr-scan --explain 2>err &&
	grep "^ktstr-scan: --explain needs --run NAME or --newest, and no PATH$" err &&
	test_must_fail ktstr-scan --explain --run x plain.txt 2>err &&
	test_must_fail ktstr-scan --dir a --dir b 2>err &&
	grep "^ktstr-scan: --dir given twice$" err &&
	test_must_fail ktstr-scan --run 2>err &&
	grep "^usage: " err
'

test_expect_success '--help prints the synopsis on standard output' '
	ktstr-scan --help >out &&
	printf "%s\n" "usage: ktstr-scan [--strict GEN] [--dir ROOT] [--run NAME]... [--newest] [PATH...]" \
		"       ktstr-scan --explain [--json] [--dir ROOT] (--run NAME... | --newest)" >expect &&
	test_cmp expect out
'

test_done
