#!/bin/sh
# ktstr-test: metrics reported through $KTSTR_METRICS, and the test's timing.
. "${0%/*}/lib.sh"

# Metrics files live in TMPDIR; what a killed ktstr-test leaves stays here.
TMPDIR=$TRASH/tmp
export TMPDIR
mkdir -p "$TMPDIR"

KTSTR_SIDECAR_DIR=$TRASH/sd
export KTSTR_SIDECAR_DIR

# metrics NAME: the sidecar's "metrics" member, pretty, timing value masked.
metrics() {
	sed -n '/^  "metrics": \[/,/^  \],$/p' sd/"$1"-*.ktstr.json |
		sed '/"name": "wall_time_ms"/{n;s/"value": [0-9.e+-]*,/"value": T,/;}'
}

test_expect_success 'reported metrics become one payload invocation' '
	cat >report <<-\EOF &&
	# comment, then a blank line

	iops 5123.5 ops/s higher
	latency_p99	12 us lower
	errors 0
	ratio -1.5e-3 lower
	bytes 1e+21 B
	EOF
	ktstr-test -q -n m -- sh -c "cat report >>\"\$KTSTR_METRICS\"" &&
	metrics m >actual &&
	cat >expect <<-\EOF &&
	  "metrics": [
	    {
	      "payload_index": 0,
	      "metrics": [
	        {
	          "name": "iops",
	          "value": 5123.5,
	          "polarity": "HigherBetter",
	          "unit": "ops/s",
	          "source": "Json",
	          "stream": "Stdout"
	        },
	        {
	          "name": "latency_p99",
	          "value": 12.0,
	          "polarity": "LowerBetter",
	          "unit": "us",
	          "source": "Json",
	          "stream": "Stdout"
	        },
	        {
	          "name": "errors",
	          "value": 0.0,
	          "polarity": "Unknown",
	          "unit": "",
	          "source": "Json",
	          "stream": "Stdout"
	        },
	        {
	          "name": "ratio",
	          "value": -0.0015,
	          "polarity": "LowerBetter",
	          "unit": "",
	          "source": "Json",
	          "stream": "Stdout"
	        },
	        {
	          "name": "bytes",
	          "value": 1e+21,
	          "polarity": "Unknown",
	          "unit": "B",
	          "source": "Json",
	          "stream": "Stdout"
	        },
	        {
	          "name": "wall_time_ms",
	          "value": T,
	          "polarity": "LowerBetter",
	          "unit": "ms",
	          "source": "Json",
	          "stream": "Synthesized"
	        }
	      ],
	      "exit_code": 0
	    }
	  ],
	EOF
	test_cmp expect actual
'

test_expect_success 'without reported metrics only the timing is recorded' '
	ktstr-test -q -n none -- true &&
	metrics none | grep -c "\"name\"" >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_expect_success 'the timing measures the test from start to exit' '
	ktstr-test -q -n slow -- sleep 0.3 &&
	v=$(sed -n "/\"wall_time_ms\"/{n;s/.*\"value\": \([0-9.]*\),/\1/p;}" sd/slow-*.ktstr.json) &&
	awk -v v="$v" "BEGIN { exit !(v >= 300 && v < 60000) }"
'

test_expect_success 'a CRLF metrics file reads the same' '
	printf "x 1 ms higher\r\ny 2\r\n" >crlf &&
	ktstr-test -q -n crlf -- sh -c "cat crlf >>\"\$KTSTR_METRICS\"" &&
	metrics crlf | grep -c "\"unit\": \"ms\"" >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'malformed lines are reported with their line and fail the test' '
	cat >bad <<-\EOF &&
	good 1
	novalue
	nan_value nan
	hex 0x10
	inf_value inf
	text abc
	toomany 1 u higher extra
	badpol 1 u sideways
	wall_time_ms 3
	big 1e999
	also_good 2 higher
	EOF
	test_expect_code 1 ktstr-test -n bad -- sh -c "cat bad >>\"\$KTSTR_METRICS\"" 2>err &&
	cat >expect <<-\EOF &&
	ktstr-test: bad: $KTSTR_METRICS:2: missing value (expected NAME VALUE [UNIT] [higher|lower])
	ktstr-test: bad: $KTSTR_METRICS:3: value is not a finite decimal number
	ktstr-test: bad: $KTSTR_METRICS:4: value is not a finite decimal number
	ktstr-test: bad: $KTSTR_METRICS:5: value is not a finite decimal number
	ktstr-test: bad: $KTSTR_METRICS:6: value is not a finite decimal number
	ktstr-test: bad: $KTSTR_METRICS:7: too many fields (expected NAME VALUE [UNIT] [higher|lower])
	ktstr-test: bad: $KTSTR_METRICS:8: the fourth field must be '\''higher'\'' or '\''lower'\''
	ktstr-test: bad: $KTSTR_METRICS:9: the name wall_time_ms is reserved for ktstr-test'\''s own measurement
	ktstr-test: bad: $KTSTR_METRICS:10: value is not a finite decimal number
	FAIL: bad (malformed metrics)
	0 passed, 1 failed, 0 skipped
	EOF
	test_cmp expect err &&
	metrics bad | grep "\"name\"" >names &&
	cat >expect <<-\EOF &&
	          "name": "good",
	          "name": "also_good",
	          "name": "wall_time_ms",
	EOF
	test_cmp expect names &&
	grep -q "\"passed\": false" sd/bad-*.ktstr.json
'

test_expect_success 'binary junk in the metrics file is reported, not crashed on' '
	printf "a 1\nb\0c 2\n\377\376 3\n" >junk &&
	test_expect_code 1 ktstr-test -q -n junk -- sh -c "cat junk >>\"\$KTSTR_METRICS\"" 2>err &&
	grep -q ":2: NUL byte in line" err &&
	grep -q ":3: line is not valid UTF-8" err
'

test_expect_success 'a skipped test with malformed metrics fails' '
	test_expect_code 1 ktstr-test -q -n skipbad -- sh -c "echo x >>\"\$KTSTR_METRICS\"; exit 77" 2>err &&
	grep -q "\"passed\": false" sd/skipbad-*.ktstr.json &&
	grep -q "\"skipped\": false" sd/skipbad-*.ktstr.json &&
	grep -q "^FAIL: skipbad (malformed metrics)$" err
'

test_expect_success 'a test may replace its metrics file, or remove it' '
	ktstr-test -q -n mv -- sh -c "echo \"r 1\" >tmpm && mv tmpm \"\$KTSTR_METRICS\"" &&
	metrics mv | grep -q "\"name\": \"r\"" &&
	ktstr-test -q -n rm -- sh -c "rm \"\$KTSTR_METRICS\"" &&
	metrics rm | grep -c "\"name\"" >count &&
	echo 1 >expect && test_cmp expect count
'

test_expect_success 'a metrics path that is not a regular file fails the test, never hangs' '
	test_expect_code 1 ktstr-test -q -n fifo -- sh -c "rm \"\$KTSTR_METRICS\"; mkfifo \"\$KTSTR_METRICS\"" 2>err &&
	grep -q "^ktstr-test: fifo: \$KTSTR_METRICS is not a regular file$" err &&
	test_expect_code 1 ktstr-test -q -n dir -- sh -c "rm \"\$KTSTR_METRICS\"; mkdir \"\$KTSTR_METRICS\"" 2>err &&
	grep -q "^FAIL: dir (malformed metrics)$" err
'

test_expect_success 'each test gets its own metrics file, removed afterwards' '
	mkdir -p t &&
	for i in 1 2 3; do
		printf "#!/bin/sh\necho \"\$KTSTR_METRICS\" >>seen\necho v$i $i >>\"\$KTSTR_METRICS\"\n" >t/p$i &&
		chmod +x t/p$i || return 1
	done &&
	ktstr-test -q -j 3 t/p1 t/p2 t/p3 &&
	test "$(sort -u seen | wc -l)" = 3 &&
	ls -A "$TMPDIR" >left &&
	test_cmp /dev/null left &&
	for i in 1 2 3; do
		metrics p$i | grep -q "\"name\": \"v$i\"" || return 1
	done
'

test_expect_success 'nothing is left in TMPDIR, whatever the tests did to their files' '
	ls -A "$TMPDIR" >left &&
	test_cmp /dev/null left
'

test_expect_success 'every sidecar written above is what every generation requires' '
	ktstr-scan sd >stream &&
	test "$(wc -l <stream)" = "$(ls sd | wc -l)" &&
	check_generations sd/*.ktstr.json
'

test_done
