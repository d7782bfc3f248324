#!/bin/sh
# ktstr-rundir --begin: start a run, pre-clear, marker, the variables
# for eval (doc/runs.md, Run identity).
. "${0%/*}/lib.sh"

mkdir -p work/.git/objects work/.git/refs && cd work || exit 1
echo "ref: refs/heads/main" >.git/HEAD
K=target/ktstr/6.14-unknown

test_expect_success 'setup: an earlier run' '
	mkdir -p $K/gauntlet-job-3 $K/.scratch $K/sub.ktstr.json &&
	for f in a-0000000000000000.ktstr.json b-0000000000000000.ktstr.json .c.ktstr.json \
		notes.json run.ktstr.log .a-0000000000000000.ktstr.json.17.0.tmp .x.tmp \
		gauntlet-job-3/g-0000000000000000.ktstr.json .scratch/s-0000000000000000.ktstr.json
	do
		echo "{}" >$K/$f || return 1
	done &&
	ln -s notes.json $K/link.ktstr.json &&
	ln -s gauntlet-job-3 $K/dirlink.ktstr.json
'

test_expect_success '--begin prints the six variables' '
	KTSTR_KERNEL=6.14 ktstr-rundir --begin >out 2>err &&
	sed -n "s/^export \\([A-Z_]*\\)=.*/\\1/p" out >actual &&
	printf "%s\n" KTSTR_RUN_ID KTSTR_RUN_DIR KTSTR_PROJECT_COMMIT KTSTR_KERNEL_VERSION \
		KTSTR_KERNEL_COMMIT KTSTR_RUN_SOURCE >expect &&
	test_cmp expect actual &&
	grep -E "^export KTSTR_RUN_ID=.[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{8}.\$" out &&
	printf "export KTSTR_RUN_DIR='\''%s/%s'\''\n" "$PWD" "$K" >expect &&
	grep "^export KTSTR_RUN_DIR=" out >actual &&
	test_cmp expect actual &&
	printf "%s\n" "export KTSTR_PROJECT_COMMIT='\'''\''" \
		"export KTSTR_KERNEL_VERSION='\''6.14'\''" \
		"export KTSTR_KERNEL_COMMIT='\'''\''" \
		"export KTSTR_RUN_SOURCE='\''local'\''" >expect &&
	tail -n 4 out >actual &&
	test_cmp expect actual
'

test_expect_success '--begin warns once about the unknown commit' '
	test $(wc -l <err) = 1 &&
	grep "^ktstr-rundir: warning: the project commit could not be determined" err &&
	grep "target/ktstr/6.14-unknown" err &&
	grep "KTSTR_SIDECAR_DIR" err
'

test_expect_success '--begin pre-cleared the top-level sidecars only' '
	(cd $K && ls -A) >actual &&
	printf "%s\n" .scratch .x.tmp dirlink.ktstr.json gauntlet-job-3 notes.json \
		run.ktstr.log sub.ktstr.json >expect &&
	test_cmp expect actual &&
	test -f $K/gauntlet-job-3/g-0000000000000000.ktstr.json &&
	test -f $K/.scratch/s-0000000000000000.ktstr.json
'

test_expect_success '--begin records the run in the marker' '
	id=$(sed -n "s/^export KTSTR_RUN_ID=.\\(.*\\).\$/\\1/p" out) &&
	printf "id:%s\n" "$id" >expect &&
	test_cmp expect target/ktstr/.locks/6.14-unknown.run &&
	test -f target/ktstr/.locks/6.14-unknown.lock &&
	test ! -s target/ktstr/.locks/6.14-unknown.lock
'

test_expect_success 'eval: the bare command then names the begun run' '
	(
		eval "$(cat out)" &&
		printf "%s\n" "$PWD/$K" >expect &&
		ktstr-rundir >actual &&
		test_cmp expect actual &&
		printf "{\"dir\":\"%s\",\"branch\":\"run-dir\",\"key\":\"6.14-unknown\"}\n" "$PWD/$K" >expect &&
		ktstr-rundir --json >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'a second --begin starts the next run; the marker keeps the first' '
	first=$(cat target/ktstr/.locks/6.14-unknown.run) &&
	echo "{}" >$K/new-0000000000000000.ktstr.json &&
	vars=$(KTSTR_KERNEL=6.14 ktstr-rundir --begin 2>/dev/null) && eval "$vars" &&
	test ! -e $K/new-0000000000000000.ktstr.json &&
	printf "id:%s\n%s\n" "$KTSTR_RUN_ID" "$first" >expect &&
	test_cmp expect target/ktstr/.locks/6.14-unknown.run
'

test_expect_success '--begin ignores an earlier run in its environment' '
	vars=$(KTSTR_RUN_ID=old KTSTR_RUN_DIR=/elsewhere KTSTR_KERNEL_VERSION=1.0 \
		KTSTR_KERNEL=6.14 ktstr-rundir --begin 2>/dev/null) &&
	eval "$vars" &&
	test "$KTSTR_RUN_DIR" = "$PWD/$K" &&
	test "$KTSTR_KERNEL_VERSION" = 6.14 &&
	test "$KTSTR_RUN_ID" != old
'

test_expect_success '--begin --json' '
	KTSTR_CI=1 KTSTR_KERNEL=6.14 ktstr-rundir --begin --json >actual 2>/dev/null &&
	sed "s/\"KTSTR_RUN_ID\":\"[^\"]*\"/\"KTSTR_RUN_ID\":\"X\"/" actual >got &&
	printf "{\"KTSTR_RUN_ID\":\"X\",\"KTSTR_RUN_DIR\":\"%s\",\"KTSTR_PROJECT_COMMIT\":null,\"KTSTR_KERNEL_VERSION\":\"6.14\",\"KTSTR_KERNEL_COMMIT\":null,\"KTSTR_RUN_SOURCE\":\"ci\"}\n" "$PWD/$K" >expect &&
	test_cmp expect got
'

test_expect_success 'run source: any non-empty KTSTR_CI is ci' '
	KTSTR_CI=0 ktstr-rundir --begin 2>/dev/null | grep "^export KTSTR_RUN_SOURCE='\''ci'\''\$" &&
	KTSTR_CI=" " ktstr-rundir --begin 2>/dev/null | grep "^export KTSTR_RUN_SOURCE='\''ci'\''\$" &&
	KTSTR_CI= ktstr-rundir --begin 2>/dev/null | grep "^export KTSTR_RUN_SOURCE='\''local'\''\$"
'

test_expect_success 'quotes in values survive eval' '
	mkdir -p "it'\''s" &&
	(
		cd "it'\''s" &&
		vars=$(KTSTR_SIDECAR_DIR="a'\''b" ktstr-rundir --begin) &&
		eval "$vars" &&
		test "$KTSTR_RUN_DIR" = "$PWD/a'\''b"
	)
'

test_expect_success 'KTSTR_SIDECAR_DIR: no lock, no marker, no pre-clear, no warning' '
	mkdir -p side &&
	echo "{}" >side/keep-0000000000000000.ktstr.json &&
	KTSTR_SIDECAR_DIR=side ktstr-rundir --begin >out2 2>err &&
	test_cmp /dev/null err &&
	test -f side/keep-0000000000000000.ktstr.json &&
	test ! -e .locks && test ! -e side/.locks &&
	printf "export KTSTR_RUN_DIR='\''%s/side'\''\n" "$PWD" >expect &&
	grep "^export KTSTR_RUN_DIR=" out2 >actual &&
	test_cmp expect actual
'

test_expect_success '--begin waits for a busy lock' '
	test -f target/ktstr/.locks/6.14-unknown.lock &&
	{ perl -e "
		use Fcntl qw(:flock);
		open(my \$fh, q(<), q(target/ktstr/.locks/6.14-unknown.lock)) or die;
		flock(\$fh, LOCK_EX) or die;
		open(my \$m, q(>), q(held)) or die; close(\$m);
		select(undef, undef, undef, 0.6);
	" & } &&
	n=0 &&
	while [ ! -e held ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done &&
	test -e held &&
	KTSTR_KERNEL=6.14 ktstr-rundir --begin >out3 2>/dev/null &&
	wait &&
	test $(wc -l <out3) = 6
'

test_expect_success 'errors: nothing on stdout, exit 2' '
	mkdir -p bad && : >bad/target &&
	test_must_fail ktstr-rundir -C bad --begin >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: create sidecar dir target/ktstr/unknown-unknown: Not a directory (os error 20)$" err &&
	mkdir -p badlock/target/ktstr && : >badlock/target/ktstr/.locks &&
	test_must_fail ktstr-rundir -C badlock --begin >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: create lock subdirectory target/ktstr/.locks: " err &&
	mkdir -p badmarker/target/ktstr/.locks/unknown-unknown.run &&
	test_must_fail ktstr-rundir -C badmarker --begin >actual 2>err &&
	test_cmp /dev/null actual &&
	grep "^ktstr-rundir: read run marker target/ktstr/.locks/unknown-unknown.run: Is a directory (os error 21)$" err
'

test_done
