#!/bin/sh
# make fuzz: every t/fuzz harness from one list, its seeds and crash
# inputs beside it; a compiler that cannot link libFuzzer is named.
# (Building and running them is .ci/run's: minutes, not a unit test's.)
. "${0%/*}/lib.sh"

test_expect_success 'a compiler without libFuzzer fails clearly' '
	test_expect_code 1 sh "$TOP/t/fuzz/run" check false >out 2>err &&
	test_cmp /dev/null out &&
	grep -q "^make fuzz: .false. cannot link a libFuzzer target (-fsanitize=fuzzer):$" err &&
	grep -q "install clang" err
'

test_expect_success 'every corpus and crash directory belongs to a harness' '
	for d in "$TOP"/t/fuzz/corpus/* "$TOP"/t/fuzz/crashes/*; do
		test -d "$d" || continue
		test -f "$TOP/t/fuzz/$(basename "$d").c" || { echo "no harness for $d"; return 1; }
	done
'

test_expect_success 'every harness has seeds, and they are small' '
	for h in "$TOP"/t/fuzz/*.c; do
		n=$(basename "$h" .c) &&
		ls "$TOP/t/fuzz/corpus/$n" | grep -q . || { echo "no seeds for $n"; return 1; }
	done &&
	test "$(du -sk "$TOP/t/fuzz/corpus" | cut -f1)" -lt 512
'

test_expect_success 'the Makefile builds harnesses from the one list, with no link line of their own' '
	! grep -n "clang -fsanitize" "$TOP"/t/fuzz/*.c &&
	grep -q "^FUZZSRC != ls t/fuzz/\*.c" "$TOP/Makefile"
'

test_done
