#!/bin/sh
# ktstr-scan on hostile input: every bad file is one stderr line, never a crash.
. "${0%/*}/lib.sh"
. "$TOP/t/lib-scan.sh"

# A valid sidecar: the required members, then $1 (more members, or empty).
sidecar() {
	printf '{"test_name":"t","topology":"1n1l1c1t","scheduler":"eevdf","metrics":[],'
	printf '"passed":true,"skipped":false,"stats":{"cgroups":[],"total_workers":0,'
	printf '"total_cpus":0,"total_migrations":0,"worst_spread":%s,"worst_gap_ms":0,' "${2:-0}"
	printf '"worst_gap_cpu":0,"worst_migration_ratio":0,"worst_p99_wake_latency_us":0,'
	printf '"worst_median_wake_latency_us":0,"worst_wake_latency_cv":0,"total_iterations":0,'
	printf '"worst_mean_run_delay_us":0,"worst_run_delay_us":0,"worst_page_locality":0,'
	printf '"worst_cross_node_migration_ratio":0,"worst_wake_latency_tail_ratio":0,'
	printf '"worst_iterations_per_worker":0},"stimulus_events":[],"work_type":"CpuSpin",'
	printf '"active_flags":[],"verifier_stats":[],"sysctls":[],"kargs":[],"timestamp":"",'
	printf '"run_id":""%s}' "${1:+,$1}"
}

# scan_one NAME: scan the single file r/r1/NAME; stdout to out, stderr to err.
scan_one() {
	ktstr-scan r/r1/"$1" >out 2>err
}

# skipped FILE MESSAGE: err holds exactly the two lines of one skipped file.
skipped() {
	printf "%s\n" "ktstr-scan: skipping $1: $2" "ktstr-scan: 1 of 1 sidecar files skipped" >expect.err &&
	test_cmp expect.err err && must_be_empty out
}

unreadable() {
	printf "%s\n" "ktstr-scan: cannot read $1: $2" "ktstr-scan: 1 of 1 sidecar files skipped" >expect.err &&
	test_cmp expect.err err && must_be_empty out
}

test_expect_success 'setup' '
	mkdir -p r/r1 &&
	sidecar >r/r1/good.ktstr.json &&
	ktstr-scan r/r1/good.ktstr.json >out &&
	test "$(wc -l <out)" -eq 1
'

test_expect_success 'a truncated file' '
	head -c 100 "$FIXTURES/sidecars/6.14-abc1234/fio_randread-e9a8f9ab8d1ca062.ktstr.json" >r/r1/trunc.ktstr.json &&
	test_expect_code 1 scan_one trunc.ktstr.json &&
	skipped r/r1/trunc.ktstr.json "EOF while parsing a string at line 5 column 18"
'

test_expect_success 'an empty file' '
	: >r/r1/empty.ktstr.json &&
	test_expect_code 1 scan_one empty.ktstr.json &&
	skipped r/r1/empty.ktstr.json "EOF while parsing a value at line 1 column 1"
'

test_expect_success 'binary garbage that is valid UTF-8' '
	printf "\000\001\002\003{}" >r/r1/nul.ktstr.json &&
	test_expect_code 1 scan_one nul.ktstr.json &&
	skipped r/r1/nul.ktstr.json "expected value at line 1 column 1"
'

test_expect_success 'binary garbage that is not UTF-8 is a read failure' '
	printf "\377\376\375\000garbage\200" >r/r1/bin.ktstr.json &&
	test_expect_code 1 scan_one bin.ktstr.json &&
	unreadable r/r1/bin.ktstr.json "stream did not contain valid UTF-8"
'

test_expect_success 'invalid UTF-8 inside a string of a valid sidecar' '
	sidecar "\"x\":\"$(printf "caf\351")\"" >r/r1/latin1.ktstr.json &&
	test_expect_code 1 scan_one latin1.ktstr.json &&
	unreadable r/r1/latin1.ktstr.json "stream did not contain valid UTF-8"
'

test_expect_success 'a byte order mark is not skipped' '
	{ printf "\357\273\277" && sidecar; } >r/r1/bom.ktstr.json &&
	test_expect_code 1 scan_one bom.ktstr.json &&
	skipped r/r1/bom.ktstr.json "expected value at line 1 column 1"
'

test_expect_success '10,000-deep nesting in an unknown member is refused cleanly' '
	{
		sidecar "\"deep\":" | sed "s/}$//" &&
		awk "BEGIN { for (i = 0; i < 10000; i++) printf \"[\"; for (i = 0; i < 10000; i++) printf \"]\"; print \"}\" }"
	} >r/r1/deep.ktstr.json &&
	test_expect_code 1 scan_one deep.ktstr.json &&
	grep "^ktstr-scan: skipping r/r1/deep.ktstr.json: recursion limit exceeded at line 1 column [0-9]*$" err &&
	must_be_empty out
'

test_expect_success '500-deep nesting in an unknown member is kept' '
	{
		sidecar "\"deep\":" | sed "s/}$//" &&
		awk "BEGIN { for (i = 0; i < 500; i++) printf \"[\"; for (i = 0; i < 500; i++) printf \"]\"; print \"}\" }"
	} >r/r1/deep500.ktstr.json &&
	scan_one deep500.ktstr.json &&
	tr -d "\n" <r/r1/deep500.ktstr.json | sed "s|^{|{\"_path\":\"r/r1/deep500.ktstr.json\",\"_run\":null,|" >expect &&
	echo >>expect &&
	test_cmp expect out
'

test_expect_success '1e400 in an f64 slot' '
	sidecar "" 1e400 >r/r1/huge.ktstr.json &&
	test_expect_code 1 scan_one huge.ktstr.json &&
	grep "^ktstr-scan: skipping r/r1/huge.ktstr.json: number out of range at line 1 column [0-9]*$" err
'

test_expect_success '-0 in an integer slot (serde reads it as a float)' '
	sidecar "\"cleanup_duration_ms\":-0" >r/r1/negzero.ktstr.json &&
	test_expect_code 1 scan_one negzero.ktstr.json &&
	skipped r/r1/negzero.ktstr.json "invalid type: floating point \`-0.0\`, expected u64 at line 1 column 701"
'

test_expect_success 'a duplicate known key' '
	sidecar "\"passed\":false" >r/r1/dup.ktstr.json &&
	test_expect_code 1 scan_one dup.ktstr.json &&
	skipped r/r1/dup.ktstr.json "duplicate field \`passed\` at line 1 column 685"
'

test_expect_success 'a lone surrogate in a typed string' '
	sidecar "\"run_source\":\"\\ud800\"" >r/r1/lone.ktstr.json &&
	test_expect_code 1 scan_one lone.ktstr.json &&
	skipped r/r1/lone.ktstr.json "lone surrogate in hex escape at line 1 column 698"
'

test_expect_success 'a JSON array at the top level' '
	echo "[1, 2]" >r/r1/array.ktstr.json &&
	test_expect_code 1 scan_one array.ktstr.json &&
	skipped r/r1/array.ktstr.json "invalid type: sequence, expected struct SidecarResult at line 1 column 6"
'

test_expect_success 'tokens are copied exactly; unknown and repeated members kept in order' '
	m="\"_path\":\"mine\",\"z\":1,\"z\":[4.0,-0.0,1E5,1e+300,0.10],\"s\":\"\\u00e9\\/\\ud800\\n\""
	m="$m,\"cleanup_duration_ms\":18446744073709551615,\"kernel_version\":null"
	sidecar "$m" 4.0 >r/r1/tokens.ktstr.json &&
	scan_one tokens.ktstr.json &&
	must_be_empty err &&
	{ printf "{\"_path\":\"r/r1/tokens.ktstr.json\",\"_run\":null," && sidecar "$m" 4.0 | sed "s/^{//" && echo; } >expect &&
	test_cmp expect out
'

test_expect_success 'whitespace between tokens goes, inside strings it stays' '
	tab=$(printf "\t") &&
	sidecar "\"a b\" :  [ 1 ,$tab 2 ] , \"c\":\"x  y\"" | sed "s/,/ ,\n  /g" >r/r1/ws.ktstr.json &&
	scan_one ws.ktstr.json &&
	{ printf "{\"_path\":\"r/r1/ws.ktstr.json\",\"_run\":null," && sidecar "\"a b\":[1,2],\"c\":\"x  y\"" | sed "s/^{//" && echo; } >expect &&
	test_cmp expect out
'

test_expect_success 'a symlink loop is a read failure' '
	mkdir -p loop/r &&
	ln -s l.ktstr.json loop/r/l.ktstr.json &&
	sidecar >loop/r/ok.ktstr.json &&
	test_expect_code 1 ktstr-scan --dir loop >out 2>err &&
	test "$(wc -l <out)" -eq 1 &&
	printf "%s\n" "ktstr-scan: cannot read loop/r/l.ktstr.json: Too many levels of symbolic links (os error 40)" \
		"ktstr-scan: 1 of 2 sidecar files skipped" >expect.err &&
	# The reason is strerror(3) of the libc, as upstream prints it: musl words ELOOP so.
	sed "s/: Symbolic link loop (/: Too many levels of symbolic links (/" err >err.glibc &&
	test_cmp expect.err err.glibc
'

test_expect_success 'a directory symlink loop is walked one level only' '
	ln -s . loop/r/self &&
	test_expect_code 1 ktstr-scan --dir loop >out 2>/dev/null &&
	sed -n "s/^{\"_path\":\"\([^\"]*\)\".*/\1/p" out >paths &&
	printf "%s\n" loop/r/ok.ktstr.json loop/r/self/ok.ktstr.json >expect &&
	test_cmp expect paths
'

test_expect_success 'a directory named like a sidecar in a subdirectory' '
	mkdir -p isdir/r/sub/x.ktstr.json isdir/r/y.ktstr.json &&
	sidecar >isdir/r/y.ktstr.json/z.ktstr.json &&
	test_expect_code 1 ktstr-scan --dir isdir >out 2>err &&
	sed -n "s/^{\"_path\":\"\([^\"]*\)\".*/\1/p" out >paths &&
	echo isdir/r/y.ktstr.json/z.ktstr.json >expect &&
	test_cmp expect paths &&
	printf "%s\n" "ktstr-scan: cannot read isdir/r/sub/x.ktstr.json: Is a directory (os error 21)" \
		"ktstr-scan: 1 of 2 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success NOTROOT 'an unreadable file' '
	mkdir -p perm/r &&
	sidecar >perm/r/a.ktstr.json &&
	chmod 000 perm/r/a.ktstr.json &&
	test_expect_code 1 ktstr-scan --dir perm >out 2>err &&
	chmod 644 perm/r/a.ktstr.json &&
	must_be_empty out &&
	printf "%s\n" "ktstr-scan: cannot read perm/r/a.ktstr.json: Permission denied (os error 13)" \
		"ktstr-scan: 1 of 1 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success NOTROOT 'an unlistable run directory contributes nothing' '
	mkdir -p perm2/a perm2/b &&
	sidecar >perm2/a/x.ktstr.json &&
	sidecar >perm2/b/x.ktstr.json &&
	chmod 000 perm2/a &&
	ktstr-scan --dir perm2 >out 2>err;
	status=$? &&
	chmod 755 perm2/a &&
	test $status -eq 0 &&
	must_be_empty err &&
	sed -n "s/^{\"_path\":\"\([^\"]*\)\".*/\1/p" out >paths &&
	echo perm2/b/x.ktstr.json >expect &&
	test_cmp expect paths
'

test_expect_success 'a path that is not UTF-8 cannot be streamed' '
	d=$(printf "u\377") &&
	mkdir -p "$d/r" &&
	sidecar >"$d/r/a.ktstr.json" &&
	test_expect_code 1 ktstr-scan --dir "$d" >out 2>err &&
	must_be_empty out &&
	printf "%s\n" "ktstr-scan: skipping u\\xff/r/a.ktstr.json: path is not valid UTF-8" \
		"ktstr-scan: 1 of 1 sidecar files skipped" >expect.err &&
	test_cmp expect.err err
'

test_expect_success 'non-UTF-8 names are never candidates' '
	mkdir -p nonutf/r &&
	sidecar >"nonutf/r/$(printf "\377").ktstr.json" &&
	sidecar >nonutf/r/ok.ktstr.json &&
	ktstr-scan --dir nonutf >out &&
	test "$(wc -l <out)" -eq 1
'

test_expect_success 'a 100 MB sidecar' '
	{
		sidecar "\"blob\":\"X" | sed "s/X}$//" &&
		head -c 100000000 /dev/zero | tr "\000" a &&
		printf "\"}"
	} >r/r1/big.ktstr.json &&
	scan_one big.ktstr.json &&
	must_be_empty err &&
	test "$(wc -c <out)" -eq $(( $(wc -c <r/r1/big.ktstr.json) + 43 )) &&
	tail -c 12 out >tail &&
	printf "aaaaaaaaa\"}\n" >expect &&
	test_cmp expect tail
'

test_done
