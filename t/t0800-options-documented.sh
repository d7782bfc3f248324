#!/bin/sh
# Every program: -h and --help print the synopsis on standard output and
# exit 0; a usage error prints it on standard error and exits 2, after a
# message that starts with the program's name however it was run; every
# option of the synopsis is in the man page, and every option of the man
# page is one the program accepts.
. "${0%/*}/lib.sh"

# The programs that follow the -h/--help convention (ktstr-scan(1)).
progs="ktstr-rundir ktstr-scan ktstr-hostinfo ktstr-test ktstr-compare"

for p in $progs; do
	test_expect_success "$p: -h and --help, on standard output, exit 0" '
		$p -h >h.out 2>h.err &&
		$p --help >help.out 2>help.err &&
		! test -s h.err && ! test -s help.err &&
		test_cmp h.out help.out &&
		head -n 1 h.out | grep "^usage: $p " >/dev/null
	'

	test_expect_success "$p: a usage error, on standard error, exit 2" '
		test_must_fail $p --no-such-option >out 2>err &&
		! test -s out &&
		grep "^usage: $p " err >/dev/null
	'

	test_expect_success "$p: getopt's messages carry the program name, not the path" '
		test_must_fail "$BIN/$p" --no-such-option 2>err &&
		head -n 1 err | grep "^$p: " >/dev/null
	'

	test_expect_success "$p: the options of usage() are in the man page" '
		$p --help >usage &&
		{ grep -o -e "--[a-z][a-z-]*" usage; grep -o -e "\[-[A-Za-z] " usage | cut -c2-3; } |
			sort -u >opts &&
		test -s opts &&
		while read -r opt; do
			# an entry of the option list: .It Fl -x, .It Fl y , Fl \-x
			grep -E -e "^\.It Fl .*${opt#-}( |,|\$)" "$TOP/man/$p.1" >/dev/null ||
				{ echo "not in the options of $p.1: $opt"; exit 1; }
		done <opts
	'

	test_expect_success "$p: the options of the man page exist" '
		sed -n "s/^\.It Fl \\\\\{0,1\}-\([a-z][a-z-]*\).*/--\1/p" "$TOP/man/$p.1" |
			sort -u >opts &&
		test -s opts &&
		while read -r opt; do
			# -h ends the run once the option is parsed (or is its
			# argument): nothing is begun, written or probed.
			$p "$opt" -h >/dev/null 2>err </dev/null
			if grep -e "unrecognized option" -e "invalid option" err >/dev/null; then
				echo "$p does not take $opt"; exit 1
			fi
		done <opts
	'
done

test_done
