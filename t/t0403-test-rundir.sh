#!/bin/sh
# ktstr-test: which directory, which probes, and the run decision of
# doc/runs.md (start, join, superseded), seen from the outside.
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

# A sidecar-shaped file that belongs to no run of these tests.
old_sidecar() {
	mkdir -p "$1" && printf "{}" >"$1/old-0000000000000000.ktstr.json"
}

# run_dir: the only run directory under target/ktstr.
run_dir() {
	ls target/ktstr | grep -v "^\." >runs && test "$(wc -l <runs)" = 1 &&
	echo "target/ktstr/$(cat runs)"
}

test_expect_success 'default: {runs root}/{kernel}-{commit}, kernel from KTSTR_KERNEL' '
	KTSTR_KERNEL=6.14 KTSTR_RUN_ID=k1 ktstr-test -q -- true &&
	d=$(run_dir) &&
	case $d in target/ktstr/6.14-*) ;; *) false ;; esac &&
	ls "$d" | grep -q "^true-" &&
	grep -q "\"kernel_version\": \"6.14\"" "$d"/true-*.ktstr.json &&
	test -f target/ktstr/.locks/"${d#target/ktstr/}".lock &&
	printf "id:k1\n" >expect &&
	test_cmp expect target/ktstr/.locks/"${d#target/ktstr/}".run
'

test_expect_success '--kernel sets KTSTR_KERNEL; CARGO_TARGET_DIR moves the root' '
	CARGO_TARGET_DIR=other KTSTR_RUN_ID=k2 ktstr-test -q --kernel 7.0 -- sh -c "echo \$KTSTR_KERNEL >seen" &&
	ls other/ktstr | grep -q "^7\.0-" &&
	echo 7.0 >expect && test_cmp expect seen
'

test_expect_success 'no project commit: one warning naming the shared directory' '
	mkdir -p nogit/.git/objects nogit/.git/refs &&
	echo "ref: refs/heads/main" >nogit/.git/HEAD &&
	(cd nogit && KTSTR_KERNEL=6.14 ktstr-test -q -n a -- true 2>../err) &&
	grep -c "warning: the project commit could not be determined" err >count &&
	echo 1 >expect && test_cmp expect count &&
	grep -q "target/ktstr/6.14-unknown;" err &&
	grep -q "KTSTR_SIDECAR_DIR" err &&
	grep -q "\"project_commit\": null" nogit/target/ktstr/6.14-unknown/a-*.ktstr.json
'

test_expect_success 'a begun run: its directory and probe values, no pre-clear, no warning' '
	old_sidecar begun &&
	(cd nogit &&
	 KTSTR_RUN_ID=b1 KTSTR_RUN_DIR=$TRASH/begun KTSTR_PROJECT_COMMIT=abc1234-dirty \
	 KTSTR_KERNEL_VERSION=6.15-rc3 KTSTR_KERNEL_COMMIT= KTSTR_RUN_SOURCE=ci \
	 ktstr-test -q -n b -- true 2>../err) &&
	test_cmp /dev/null err &&
	test -f begun/old-0000000000000000.ktstr.json &&
	f=$(ls begun/b-*.ktstr.json) &&
	grep -q "\"project_commit\": \"abc1234-dirty\"" $f &&
	grep -q "\"kernel_version\": \"6.15-rc3\"" $f &&
	grep -q "\"kernel_commit\": null" $f &&
	grep -q "\"run_source\": \"ci\"" $f &&
	printf "id:b1\n" >expect && test_cmp expect .locks/begun.run
'

test_expect_success 'a begun run with a bad KTSTR_RUN_SOURCE is a usage error' '
	KTSTR_RUN_ID=b1 KTSTR_RUN_DIR=$TRASH/begun KTSTR_RUN_SOURCE=archive \
		test_must_fail ktstr-test -q -n never -- true 2>err &&
	grep -q "KTSTR_RUN_SOURCE" err &&
	! ls begun | grep -q "^never-"
'

test_expect_success 'KTSTR_RUN_DIR without KTSTR_RUN_ID is a usage error' '
	KTSTR_RUN_DIR=$TRASH/begun test_must_fail ktstr-test -q -- true 2>err &&
	grep -q "KTSTR_RUN_DIR is set without KTSTR_RUN_ID" err
'

# In nogit/ the key is always 6.14-unknown (KTSTR_KERNEL=6.14, no commit).
test_expect_success 'a new run pre-clears top-level sidecars and stale temporary files (ours, upstream'"'"'s) only' '
	d=nogit/target/ktstr/6.14-unknown &&
	rm -rf nogit/target && mkdir -p $d/shard &&
	old_sidecar $d && old_sidecar $d/shard &&
	echo keep >$d/notes.txt &&
	echo junk >$d/.gone.ktstr.json.123.0.tmp &&
	echo junk >$d/.ktstr.json.tmp.123.0123abcd.tmp &&
	echo upstream >$d/up-0000000000000000.ktstr.json.tmp.4242.20260514T101112Z-0 &&
	(cd nogit && KTSTR_RUN_ID=r1 KTSTR_KERNEL=6.14 ktstr-test -q -n first -- true 2>/dev/null) &&
	ls -A $d | sed "s/^first-[0-9a-f]*\./first-H./" >actual &&
	printf "first-H.ktstr.json\nnotes.txt\nshard\n" >expect &&
	test_cmp expect actual &&
	test -f $d/shard/old-0000000000000000.ktstr.json &&
	printf "id:r1\n" >expect &&
	test_cmp expect nogit/target/ktstr/.locks/6.14-unknown.run
'

test_expect_success 'the next run id starts again: clears once, records the old token' '
	d=nogit/target/ktstr/6.14-unknown &&
	(cd nogit && KTSTR_RUN_ID=r2 KTSTR_KERNEL=6.14 ktstr-test -q -n second -- true 2>/dev/null) &&
	(cd nogit && KTSTR_RUN_ID=r2 KTSTR_KERNEL=6.14 ktstr-test -q -n third -- true 2>/dev/null) &&
	ls $d | sed "s/-[0-9a-f]*\.ktstr\.json$//" >actual &&
	printf "notes.txt\nsecond\nshard\nthird\n" >expect &&
	test_cmp expect actual &&
	printf "id:r2\nid:r1\n" >expect &&
	test_cmp expect nogit/target/ktstr/.locks/6.14-unknown.run
'

test_expect_success 'processes of one run join: nothing of the run is removed' '
	rm -rf sd && mkdir -p t &&
	for i in 1 2 3; do
		printf "#!/bin/sh\nexit 0\n" >t/j$i && chmod +x t/j$i || return 1
	done &&
	for i in 1 2 3; do
		KTSTR_RUN_ID=j KTSTR_RUN_DIR=$TRASH/jr ktstr-test -q t/j$i || return 1
	done &&
	test "$(ls jr | wc -l)" = 3
'

test_expect_success 'a superseded run warns and removes nothing' '
	KTSTR_RUN_ID=new KTSTR_RUN_DIR=$TRASH/jr ktstr-test -q -n newer -- true &&
	ls jr >after-new &&
	test "$(wc -l <after-new)" = 4 &&
	ls jr | grep -q "^newer-" &&
	mkdir -p jr && echo "{}" >jr/zz-0000000000000000.ktstr.json &&
	KTSTR_RUN_ID=j KTSTR_RUN_DIR=$TRASH/jr ktstr-test -q -n late -- true 2>err &&
	grep -q "warning: $TRASH/jr now belongs to a newer run; this process writes to it without pre-clear" err &&
	ls jr | grep -q "^late-" &&
	ls jr | grep -q "^newer-" &&
	test -f jr/zz-0000000000000000.ktstr.json &&
	printf "id:new\nid:j\n" >expect && test_cmp expect .locks/jr.run
'

test_expect_success 'without KTSTR_RUN_ID one session is one run' '
	rm -rf target &&
	KTSTR_KERNEL=6.14 ktstr-test -q -n one -- true &&
	KTSTR_KERNEL=6.14 ktstr-test -q -n two -- true &&
	d=$(run_dir) &&
	ls "$d" | grep -q "^one-" && ls "$d" | grep -q "^two-" &&
	grep -q "^sid:[0-9]*:[0-9?]*:" target/ktstr/.locks/*.run
'

test_expect_success setsid 'a new session starts a new run' '
	KTSTR_KERNEL=6.14 setsid ktstr-test -q -n three -- true </dev/null &&
	d=$(run_dir) &&
	! ls "$d" | grep -q "^one-" &&
	ls "$d" | grep -q "^three-" &&
	test "$(wc -l <target/ktstr/.locks/"${d#target/ktstr/}".run)" = 2
'

test_expect_success 'KTSTR_SIDECAR_DIR: no lock, no marker, nothing removed' '
	old_sidecar plain/sd &&
	echo junk >plain/sd/.x.ktstr.json.1.0.tmp &&
	KTSTR_SIDECAR_DIR=plain/sd KTSTR_RUN_ID=other ktstr-test -q -n p -- true &&
	test -f plain/sd/old-0000000000000000.ktstr.json &&
	test -f plain/sd/.x.ktstr.json.1.0.tmp &&
	ls plain/sd | grep -q "^p-" &&
	! test -e plain/.locks
'

test_expect_success 'KTSTR_SIDECAR_DIR in a begun run: its directory, the run'"'"'s probe values' '
	KTSTR_SIDECAR_DIR=sd2 KTSTR_RUN_ID=x KTSTR_RUN_DIR=$TRASH/never \
	KTSTR_PROJECT_COMMIT=fff0000 KTSTR_KERNEL_VERSION=7.1 \
		ktstr-test -q -n both -- true &&
	grep -q "\"project_commit\": \"fff0000\"" sd2/both-*.ktstr.json &&
	grep -q "\"kernel_version\": \"7.1\"" sd2/both-*.ktstr.json &&
	! test -e never && ! test -e .locks/never.run
'

test_expect_success 'a sidecar that cannot be written: the error, the others, exit 2' '
	echo file >blocker &&
	mkdir -p t && printf "#!/bin/sh\nexit 0\n" >t/ok1 && chmod +x t/ok1 &&
	KTSTR_SIDECAR_DIR=blocker/sub test_must_fail ktstr-test --json t/ok1 >out 2>err &&
	grep -q "^ktstr-test: create sidecar dir blocker/sub: Not a directory (os error 20)$" err &&
	printf "{\"test\":\"ok1\",\"verdict\":\"passed\",\"path\":null}\n" >expect &&
	test_cmp expect out &&
	grep -q "^1 passed, 0 failed, 0 skipped$" err
'

test_expect_success 'a skip sidecar that cannot be written is named as such' '
	KTSTR_SIDECAR_DIR=blocker/sub test_must_fail ktstr-test -q -n sk -- sh -c "exit 77" 2>err &&
	grep -q "^ktstr-test: warning: skip-sidecar write failed for sk: create sidecar dir blocker/sub:" err
'

test_expect_success 'a failed test whose sidecar cannot be written still exits 2' '
	KTSTR_SIDECAR_DIR=blocker/sub test_must_fail ktstr-test -q -n f -- false 2>err
'

test_expect_success 'an unreadable run marker: a warning, no pre-clear, exit 2' '
	old_sidecar mk &&
	mkdir -p .locks/mk.run &&
	KTSTR_RUN_ID=m KTSTR_RUN_DIR=$TRASH/mk test_must_fail ktstr-test -q -n m -- true 2>err &&
	grep -q "warning: cannot read run marker" err &&
	test -f mk/old-0000000000000000.ktstr.json &&
	ls mk | grep -q "^m-"
'

test_done
