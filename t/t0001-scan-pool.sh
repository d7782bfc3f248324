#!/bin/sh
# ktstr-scan over a whole runs root: the default root, --dir, order, counts.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

test_expect_success 'setup: a copy of the fixture runs root' '
	copy_runs tgt/ktstr &&
	expected_stream tgt/ktstr >expect.default &&
	expected_stream tgt/ktstr archive >expect.archive &&
	test "$(wc -l <expect.default)" -eq 15
'

test_expect_success 'the default root streams every valid sidecar in walk order' '
	CARGO_TARGET_DIR=tgt && export CARGO_TARGET_DIR &&
	test_expect_code 1 ktstr-scan >actual 2>err &&
	test_cmp expect.default actual &&
	printf "%s\n" \
		"ktstr-scan: skipping tgt/ktstr/$BAD: $BADMSG" \
		"ktstr-scan: 1 of 16 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'CARGO_TARGET_DIR with a trailing slash' '
	CARGO_TARGET_DIR=tgt/ && export CARGO_TARGET_DIR &&
	test_expect_code 1 ktstr-scan >actual 2>/dev/null &&
	test_cmp expect.default actual
'

test_expect_success 'without CARGO_TARGET_DIR the root is target/ktstr' '
	mkdir -p target && cp -R tgt/ktstr target/ktstr &&
	test_expect_code 1 ktstr-scan >actual 2>/dev/null &&
	sed "s|\"_path\":\"tgt/|\"_path\":\"target/|" expect.default >expect &&
	test_cmp expect actual
'

test_expect_success '--dir marks every line _archive' '
	test_expect_code 1 ktstr-scan --dir tgt/ktstr >actual 2>err &&
	test_cmp expect.archive actual &&
	test_cmp expect.err err
'

test_expect_success '--dir with an absolute root keeps absolute paths' '
	test_expect_code 1 ktstr-scan --dir "$PWD/tgt/ktstr" >actual 2>/dev/null &&
	expected_stream "$PWD/tgt/ktstr" archive >expect &&
	test_cmp expect actual
'

test_expect_success '--dir ignores CARGO_TARGET_DIR' '
	CARGO_TARGET_DIR=/nonexistent && export CARGO_TARGET_DIR &&
	test_expect_code 1 ktstr-scan --dir tgt/ktstr >actual 2>/dev/null &&
	test_cmp expect.archive actual
'

test_expect_success jq 'every line is valid JSON holding the file unchanged' '
	test_expect_code 1 ktstr-scan --dir tgt/ktstr 2>/dev/null >stream &&
	while read -r l; do
		p=$(printf "%s\n" "$l" | jq -r ._path) &&
		printf "%s\n" "$l" | jq -S "del(._path, ._run, ._archive)" >a &&
		jq -S . "$p" >b &&
		test_cmp b a || exit 1
	done <stream
'

test_expect_success 'files directly in the root are ignored; dot directories are runs' '
	copy_runs r2 &&
	cp r2/6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json r2/loose-0000000000000000.ktstr.json &&
	cp r2/6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json r2/.locks/x.ktstr.json &&
	rm r2/$BAD &&
	ktstr-scan --dir r2 >actual &&
	{
		stream_line r2/.locks/x.ktstr.json r2/.locks/x.ktstr.json "\".locks\"" archive &&
		expected_stream r2 archive
	} >expect &&
	test_cmp expect actual
'

test_expect_success 'a symlinked run directory is followed' '
	mkdir r3 &&
	ln -s ../r2/7.0-def5678 r3/linked &&
	ktstr-scan --dir r3 >actual &&
	expected_stream r2 archive "7\.0-def5678" |
		sed -e "s|\"_path\":\"r2/7.0-def5678/|\"_path\":\"r3/linked/|" \
		    -e "s|\"_run\":\"7.0-def5678\"|\"_run\":\"linked\"|" >expect &&
	test_cmp expect actual
'

test_expect_success 'a root without candidates is an error' '
	mkdir -p empty/run1 &&
	test_must_fail ktstr-scan --dir empty >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: no sidecar files found" >expect &&
	test_cmp expect err
'

test_expect_success 'a missing root is an error' '
	test_must_fail ktstr-scan --dir nowhere >actual 2>err &&
	must_be_empty actual &&
	echo "ktstr-scan: cannot open '\''nowhere'\'': No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a root that is a file is an error' '
	: >plain &&
	test_must_fail ktstr-scan --dir plain 2>err &&
	echo "ktstr-scan: cannot open '\''plain'\'': Not a directory" >expect &&
	test_cmp expect err
'

test_expect_success 'a run whose files are all corrupt exits 1' '
	mkdir -p bad/r &&
	printf "{" >bad/r/a.ktstr.json &&
	test_expect_code 1 ktstr-scan --dir bad >actual 2>err &&
	must_be_empty actual &&
	printf "%s\n" "ktstr-scan: skipping bad/r/a.ktstr.json: EOF while parsing an object at line 1 column 2" \
		"ktstr-scan: 1 of 1 sidecar files skipped" >expect &&
	test_cmp expect err
'

test_done
