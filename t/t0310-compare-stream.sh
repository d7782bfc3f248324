#!/bin/sh
# ktstr-compare and ktstr-hostinfo read a stream a line at a time: their
# peak memory follows the rows they keep, not the bytes they read (not
# a timing test: it bounds the resident set, measured by t/helper/rusage),
# and the lines read on several CPUs give what one CPU gives, in order.
. "${0%/*}/lib.sh"

RUSAGE=$TOP/t/helper/rusage
test_lazy_prereq RUSAGE 'test -x "$RUSAGE" && "$RUSAGE" true'

# peak_kib CMD: the peak resident set of the shell command CMD, in KiB.
# A sanitizer build (make check-asan) holds freed memory in quarantine
# unless told not to: here what is freed must count as freed.
peak_kib() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
		"$RUSAGE" sh -c "$1 >/dev/null 2>&1" | cut -d" " -f3
}

# The same 420 sidecars twice: as they are, and each line carrying an
# unknown 100 kB member that every reader must still check and skip
# (42 MB).  Memory that followed the bytes would grow tenfold.
test_expect_success 'setup: a stream, and the same stream ten times the size' '
	ktstr-scan --dir "$FIXTURES/sidecars" >fixtures.ndjson 2>/dev/null;
	test -s fixtures.ndjson &&
	i=0 &&
	while [ $i -lt 30 ]; do
		sed "s/\"test_name\":\"/\"test_name\":\"r$i-/" fixtures.ndjson || return 1
		i=$((i + 1))
	done >plain.ndjson &&
	head -c 100000 /dev/zero | tr "\0" x >pad &&
	awk "NR == FNR { pad = \$0; next } { sub(/^\\{/, \"{\\\"notes\\\":\\\"\" pad \"\\\",\"); print }" \
		pad plain.ndjson >padded.ndjson &&
	test $(wc -c <padded.ndjson) -gt 40000000 &&
	test $(wc -l <padded.ndjson) = $(wc -l <plain.ndjson)
'

test_expect_success 'the padded stream compares as the plain one' '
	test_expect_code 0 ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <plain.ndjson >expect 2>expect.err &&
	test_expect_code 0 ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <padded.ndjson >actual 2>actual.err &&
	test_cmp expect actual &&
	test_cmp expect.err actual.err &&
	grep -q "^averaged across" actual
'

# bounded NAME CMD: CMD's peak on the padded stream is within 8 MiB of
# its peak on the plain one (whole, the padded stream is 40 MB more).
bounded() {
	plain=$(peak_kib "$2 <plain.ndjson") &&
	padded=$(peak_kib "$2 <padded.ndjson") &&
	echo "$1: $plain KiB on the plain stream, $padded KiB on the padded one" &&
	test "$padded" -le $((plain + 8192))
}

test_expect_success RUSAGE 'a comparison holds a line at a time, from a file or a pipe' '
	bounded compare "ktstr-compare --a-kernel 6.14 --b-kernel 7.0" &&
	bounded "compare from a pipe" "cat | ktstr-compare --a-kernel 6.14 --b-kernel 7.0"
'

test_expect_success RUSAGE '--list-values and --analyze hold a line at a time' '
	bounded list-values "ktstr-compare --list-values" &&
	bounded analyze "ktstr-compare --analyze"
'

# The lines of a stream are read on every CPU the process may use, and
# handed over in order: one CPU or several, the same output, warnings and
# all (a broken line every 37, blank lines, the last line unterminated).
test_lazy_prereq ONE_CPU 'taskset -c 0 true'

# mixed IN OUT: IN with a broken line and a blank one every 37 lines, the
# last line without its newline.
mixed() {
	awk 'NR % 37 == 0 { print "{\"test_name\": 5}"; print "" } { print }' "$1" >"$2.tmp" &&
	printf '%s' "$(cat "$2.tmp")" >"$2"
}

test_expect_success ONE_CPU 'one CPU or several: the same answers, in the same order' '
	mixed plain.ndjson mixed.ndjson &&
	test_expect_code 0 ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <mixed.ndjson >several 2>several.err &&
	test_expect_code 0 taskset -c 0 ktstr-compare --a-kernel 6.14 --b-kernel 7.0 <mixed.ndjson >one 2>one.err &&
	test_cmp one several &&
	test_cmp one.err several.err &&
	test $(grep -c "skipping <stdin>:" one.err) -gt 10 &&
	ktstr-compare --list-values <mixed.ndjson >several 2>several.err &&
	taskset -c 0 ktstr-compare --list-values <mixed.ndjson >one 2>one.err &&
	test_cmp one several &&
	test_cmp one.err several.err
'

test_expect_success RUSAGE 'ktstr-hostinfo --run holds a line at a time' '
	ktstr-hostinfo --run 6.14-abc1234 <padded.ndjson >actual 2>/dev/null &&
	ktstr-hostinfo --run 6.14-abc1234 <plain.ndjson >expect 2>/dev/null &&
	test_cmp expect actual &&
	bounded hostinfo "ktstr-hostinfo --run 6.14-abc1234"
'

test_done
