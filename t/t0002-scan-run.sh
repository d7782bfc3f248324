#!/bin/sh
# ktstr-scan --run NAME and --newest.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

test_expect_success 'setup' '
	copy_runs tgt/ktstr &&
	touch -d "2025-03-14 09:30" tgt/ktstr/6.14-abc1234 &&
	touch -d "2025-03-14 11:05" tgt/ktstr/6.14-abc1234-dirty &&
	touch -d "2025-04-02 03:20" tgt/ktstr/7.0-def5678 &&
	touch -d "2026-01-01 00:00" tgt/ktstr/.locks
'

test_expect_success '--run NAME walks one run, without _archive' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	ktstr-scan --run 7.0-def5678 >actual &&
	expected_stream tgt/ktstr "" "7\.0-def5678" >expect &&
	test_cmp expect actual
'

test_expect_success '--run in the order given, each once' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	ktstr-scan --run 7.0-def5678 --run 6.14-abc1234 --run 7.0-def5678 >actual &&
	{
		expected_stream tgt/ktstr "" "7\.0-def5678" &&
		expected_stream tgt/ktstr "" "6\.14-abc1234"
	} >expect &&
	test_cmp expect actual
'

test_expect_success '--dir with --run marks _archive' '
	ktstr-scan --dir tgt/ktstr --run 6.14-abc1234 >actual &&
	expected_stream tgt/ktstr archive "6\.14-abc1234" >expect &&
	test_cmp expect actual
'

test_expect_success '--run of a run with a corrupt file exits 1' '
	test_expect_code 1 ktstr-scan --dir tgt/ktstr --run 6.14-abc1234-dirty >actual 2>err &&
	expected_stream tgt/ktstr archive "6\.14-abc1234-dirty" >expect &&
	test_cmp expect actual &&
	printf "%s\n" "ktstr-scan: skipping tgt/ktstr/$BAD: $BADMSG" \
		"ktstr-scan: 1 of 4 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'a missing --run is an error with a suggestion; the others are scanned' '
	test_must_fail ktstr-scan --dir tgt/ktstr --run 7.0-def567 --run 6.14-abc1234 >actual 2>err &&
	expected_stream tgt/ktstr archive "6\.14-abc1234" >expect &&
	test_cmp expect actual &&
	echo "ktstr-scan: run '\''7.0-def567'\'' not found under tgt/ktstr. Did you mean \`7.0-def5678\`? Run \`ktstr-rundir --list\` to enumerate available run keys." >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'no suggestion when nothing is close' '
	test_must_fail ktstr-scan --dir tgt/ktstr --run something-else-entirely >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: run '\''something-else-entirely'\'' not found under tgt/ktstr. Run \`ktstr-rundir --list\` to enumerate available run keys." >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'ties in distance go to the first name in sorted order' '
	mkdir -p ties/ab ties/ac &&
	test_must_fail ktstr-scan --dir ties --run aa 2>err &&
	grep "Did you mean \`ab\`?" err
'

test_expect_success 'a --run naming a file is not found' '
	test_must_fail ktstr-scan --dir tgt/ktstr --run README.md 2>err &&
	grep "^ktstr-scan: run '\''README.md'\'' not found under tgt/ktstr\." err
'

test_expect_success 'an absolute --run replaces the root' '
	ktstr-scan --dir /nonexistent --run "$PWD/tgt/ktstr/7.0-def5678" >actual &&
	expected_stream "$PWD/tgt/ktstr" archive "7\.0-def5678" |
		sed "s|\"_run\":\"7.0-def5678\"|\"_run\":\"$PWD/tgt/ktstr/7.0-def5678\"|" >expect &&
	test_cmp expect actual
'

test_expect_success 'a multi-component --run walks that directory as a run' '
	ktstr-scan --dir tgt/ktstr --run 6.14-abc1234/gauntlet-job-3 >actual &&
	fixture_order | grep gauntlet | while read -r f; do
		stream_line tgt/ktstr/$f tgt/ktstr/$f "\"6.14-abc1234/gauntlet-job-3\"" archive
	done >expect &&
	test_cmp expect actual
'

test_expect_success '--newest takes the run with the latest mtime, not dot directories' '
	ktstr-scan --dir tgt/ktstr --newest >actual &&
	expected_stream tgt/ktstr archive "7\.0-def5678" >expect &&
	test_cmp expect actual
'

test_expect_success '--newest follows the mtimes' '
	touch -d "2025-05-01 00:00" tgt/ktstr/6.14-abc1234 &&
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	ktstr-scan --newest >actual &&
	expected_stream tgt/ktstr "" "6\.14-abc1234" >expect &&
	test_cmp expect actual
'

test_expect_success '--newest ties go to the greatest name' '
	touch -d "2025-05-01 00:00" tgt/ktstr/6.14-abc1234 tgt/ktstr/6.14-abc1234-dirty &&
	test_expect_code 1 ktstr-scan --dir tgt/ktstr --newest >actual 2>/dev/null &&
	expected_stream tgt/ktstr archive "6\.14-abc1234-dirty" >expect &&
	test_cmp expect actual
'

test_expect_success '--newest comes before --run names, and is not walked twice' '
	touch -d "2025-03-14 09:30" tgt/ktstr/6.14-abc1234 &&
	touch -d "2025-03-14 11:05" tgt/ktstr/6.14-abc1234-dirty &&
	ktstr-scan --dir tgt/ktstr --run 6.14-abc1234 --newest --run 7.0-def5678 >actual &&
	{
		expected_stream tgt/ktstr archive "7\.0-def5678" &&
		expected_stream tgt/ktstr archive "6\.14-abc1234"
	} >expect &&
	test_cmp expect actual
'

test_expect_success '--newest without any run is an error' '
	mkdir -p noruns/.hidden &&
	test_must_fail ktstr-scan --dir noruns --newest >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: no runs found at noruns" >expect &&
	test_cmp expect err
'

test_expect_success 'an empty run is an error' '
	mkdir -p emptyrun/r &&
	test_must_fail ktstr-scan --dir emptyrun --run r 2>err &&
	echo "ktstr-scan: no sidecar files found" >expect &&
	test_cmp expect err
'

test_done
