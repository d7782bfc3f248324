#!/bin/sh
# ktstr-hostinfo: option combinations and usage errors (ktstr-hostinfo(1)).
. "${0%/*}/lib.sh"

cat >usage <<\EOF2
usage: ktstr-hostinfo [--json]
       ktstr-hostinfo --run RUN [--dir ROOT]
       ktstr-hostinfo --diff A B
EOF2

for args in '--json --run r' '--json --diff a b' '--dir d' '--dir d --json' \
	'--run r --diff a b' '--diff a' '--diff a b c' '--diff' 'extra' '--json extra' \
	'--run r extra' '--run' '--dir' '--bogus' '--dir d --diff a b' '-j'; do
	test_expect_success "usage error: $args" "
		test_must_fail ktstr-hostinfo $args </dev/null >out 2>err &&
		test ! -s out &&
		tail -n 3 err >actual &&
		test_cmp usage actual
	"
done

test_expect_success 'at most one operand may be -' '
	test_must_fail ktstr-hostinfo --diff - - </dev/null 2>err &&
	echo "ktstr-hostinfo: at most one operand may be '\''-'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'options may follow the operands' '
	echo "{}" >a && echo "{}" >b &&
	ktstr-hostinfo a b --diff >actual &&
	printf "\nhost: identical between '\''a'\'' and '\''b'\''\n" >expect &&
	test_cmp expect actual
'

test_expect_success DEVFULL 'a full stdout is an error' '
	test_must_fail ktstr-hostinfo >/dev/full 2>err &&
	grep "^ktstr-hostinfo: " err
'

test_expect_success 'SIGPIPE ends quietly' '
	ktstr-hostinfo | head -n 1 >actual 2>err &&
	test ! -s err &&
	grep "^kernel_name: " actual
'

test_done
