#!/bin/sh
# The library's families include only downwards, in the order README.md
# states (t/check-layers.sh); a planted back-edge is caught.
. "${0%/*}/lib.sh"

copy_tree() {
	rm -rf tree && mkdir tree &&
	cp "$TOP/README.md" tree/ &&
	cp -R "$TOP/lib" tree/lib &&
	rm -f tree/lib/*/*.o tree/lib/*.a
}

test_expect_success 'the library follows the stated order' '
	sh "$TOP/t/check-layers.sh" "$TOP" >out &&
	test_cmp /dev/null out
'

test_expect_success 'util including compare is a back-edge' '
	copy_tree &&
	printf "#include \"compare/compare.h\"\n" >>tree/lib/util/util.c &&
	test_expect_code 1 sh "$TOP/t/check-layers.sh" tree >out &&
	printf "%s\n" "lib/util/util.c: includes compare/compare.h (util may use: nothing)" >expect &&
	test_cmp expect out
'

test_expect_success 'git including sidecar is a back-edge' '
	copy_tree &&
	printf "#include \"sidecar/sidecar.h\"\n" >>tree/lib/git/git_rev.c &&
	test_expect_code 1 sh "$TOP/t/check-layers.sh" tree >out &&
	printf "%s\n" "lib/git/git_rev.c: includes sidecar/sidecar.h (git may use: util)" >expect &&
	test_cmp expect out
'

test_expect_success 'a bare include must be a file of the same family' '
	copy_tree &&
	printf "#include \"json.h\"\n" >>tree/lib/host/host.c &&
	test_expect_code 1 sh "$TOP/t/check-layers.sh" tree >out &&
	printf "%s\n" "lib/host/host.c: includes json.h, which is not in lib/host/" >expect &&
	test_cmp expect out
'

test_expect_success 'a family the README does not place is reported' '
	copy_tree &&
	mkdir tree/lib/extra &&
	test_expect_code 1 sh "$TOP/t/check-layers.sh" tree >out &&
	printf "%s\n" "lib/extra/: a family the README'"'"'s layout does not place" >expect &&
	test_cmp expect out
'

test_expect_success 'a README without the order is an error, not a pass' '
	copy_tree &&
	printf "# nothing here\n" >tree/README.md &&
	test_expect_code 2 sh "$TOP/t/check-layers.sh" tree 2>err &&
	grep "states no family order" err
'

test_done
