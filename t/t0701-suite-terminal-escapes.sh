#!/bin/sh
# Names from sidecars reach a terminal escaped: a test, scheduler,
# topology, kernel, run or host string holding an escape sequence shows
# as \xHH in every text output of every program, and in their messages.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-compare.sh"

ESC=$(printf '\033')
# What a sidecar holds (JSON escapes) and what the tools must print.
EVIL='x\u001b]0;PWNED\u0007\u001b[2J'
SHOWN='x\x1b]0;PWNED\x07\x1b[2J'

# no_raw FILE...: not one control character but newline in them.
no_raw() {
	for f; do
		if LC_ALL=C tr -d '\n' <"$f" | LC_ALL=C grep -q "[[:cntrl:]]"; then
			echo "raw control character in $f:" >&2
			od -c "$f" | head -20 >&2
			return 1
		fi
	done
}

# host MODEL: a host object whose cpu_model is MODEL (JSON text).
host() {
	model_=$(printf '%s' "$1" | sed 's/[\\&/]/\\&/g')
	sed "s/\"cpu_model\": \"[^\"]*\"/\"cpu_model\": \"$model_\"/" \
		"$FIXTURES/host/cpufreq.json.expect" | tr -d '\n'
}

test_expect_success 'setup: runs whose names and hosts hold escape sequences' '
	sidecar "runs/6.14-aaaaaaa/a.ktstr.json" test_name="$EVIL" scheduler="$EVIL" \
		topology="$EVIL" work_type="$EVIL" kernel="\"6.14.2\"" host="$(host "$EVIL")" &&
	sidecar "runs/6.15-bbbbbbb/b.ktstr.json" test_name="$EVIL" scheduler="$EVIL" \
		topology="$EVIL" work_type="$EVIL" kernel="\"6.15.0\"" spread=9.0 \
		host="$(host "safe")" &&
	mkdir "runs/$(printf "r\033[2J")" &&
	cp runs/6.14-aaaaaaa/a.ktstr.json "runs/$(printf "r\033[2J")/" &&
	grep -q PWNED runs/6.14-aaaaaaa/a.ktstr.json
'

test_expect_success 'ktstr-compare: the table, the per-group counts and the host section' '
	test_expect_code 1 ktstr-compare --color=always --dir runs --a-kernel 6.14 --b-kernel 6.15 \
		>out 2>err &&
	grep -q "PWNED" out &&
	sed "s/$ESC\[38;5;9m//g; s/$ESC\[39m//g" out >plain &&
	no_raw plain err &&
	grep -F -q "$SHOWN/$SHOWN/$SHOWN" plain &&
	grep -F -q "  $SHOWN/$SHOWN/$SHOWN: 6.14=2/2 6.15=1/1" plain &&
	grep -F -q "  cpu_model: $SHOWN $(printf "\342\206\222") safe" plain
'

test_expect_success 'ktstr-compare --analyze and --list-values' '
	ktstr-compare --analyze runs/6.14-aaaaaaa/a.ktstr.json runs/6.15-bbbbbbb/b.ktstr.json \
		>out 2>err &&
	grep -q PWNED out && no_raw out err &&
	grep -F -q "  $SHOWN " out &&
	ktstr-compare --list-values --dir runs >out 2>err &&
	grep -q PWNED out && no_raw out err &&
	grep -F -q "  $SHOWN" out
'

test_expect_success 'ktstr-scan --explain' '
	ktstr-scan --explain --dir runs --run 6.14-aaaaaaa >out 2>err &&
	grep -q PWNED out && no_raw out err &&
	grep -F -x -q "test: $SHOWN" out &&
	grep -F -x -q "  scheduler: $SHOWN" out
'

test_expect_success 'ktstr-rundir -l: a run named with an escape, its arch from a sidecar' '
	ktstr-rundir -l --dir runs >out 2>err &&
	no_raw out err &&
	grep -F -q " r\x1b[2J " out
'

test_expect_success 'ktstr-hostinfo: the report of a run and the delta of two' '
	ktstr-hostinfo --run 6.14-aaaaaaa --dir runs </dev/null >out 2>err &&
	no_raw out err &&
	grep -F -x -q "cpu_model: $SHOWN" out &&
	test_expect_code 1 ktstr-hostinfo --diff runs/6.14-aaaaaaa/a.ktstr.json runs/6.15-bbbbbbb/b.ktstr.json \
		</dev/null >out 2>err;
	no_raw out err &&
	grep -F -q "$SHOWN" out
'

test_expect_success 'messages: a file name and its contents are escaped on stderr' '
	mkdir -p bad/r &&
	printf "{\"x\":1}" >"bad/r/$(printf "n\033[2J").ktstr.json" &&
	test_expect_code 1 ktstr-scan --dir bad >out 2>err &&
	no_raw err &&
	grep -F -q "ktstr-scan: skipping bad/r/n\x1b[2J.ktstr.json: " err
'

test_done
