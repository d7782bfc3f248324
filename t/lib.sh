# t/lib.sh: TAP helpers for the shell tests, in the spirit of git's t/.
#
#   . "${0%/*}/lib.sh"
#   test_expect_success 'what it checks' '
#       commands && test_cmp expect actual
#   '
#   test_done
#
# Each test file runs in its own scratch directory (removed on success,
# kept on failure for inspection).  $TOP is the source tree, $BUILD the
# build under test ($KTSTR_BUILD, as make check-static sets it to
# static/; else $TOP), $BIN its programs (called by name through PATH),
# $FIXTURES t/fixtures.

TOP=${KTSTR_TOP:-$(cd "${0%/*}/.." && pwd)}
BUILD=${KTSTR_BUILD:-$TOP}
BIN=$BUILD/bin
FIXTURES=$TOP/t/fixtures
PATH=$BIN:$PATH
export TOP BUILD BIN FIXTURES PATH

# A predictable environment: nothing from the caller's shell leaks in.
unset CARGO_TARGET_DIR KTSTR_SIDECAR_DIR KTSTR_KERNEL KTSTR_CI KTSTR_RUN_ID \
	KTSTR_RUN_DIR KTSTR_RUN_SOURCE KTSTR_HOSTINFO_SYSROOT NO_COLOR \
	GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GITHUB_BASE_REF
LC_ALL=C TZ=UTC
export LC_ALL TZ

test_name_=$(basename "$0" .sh)
TRASH=$TOP/t/trash.$test_name_.$$
rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1
HOME=$TRASH
export HOME

test_count_=0
test_failed_=0
test_skipped_=0

say() { printf '# %s\n' "$*"; }

# test_expect_success [PREREQ[,PREREQ...]] DESCRIPTION SCRIPT
test_expect_success() {
	if [ $# -eq 3 ]; then
		prereqs_=$1
		shift
		while [ -n "$prereqs_" ]; do
			prereq_=${prereqs_%%,*}
			case $prereqs_ in *,*) prereqs_=${prereqs_#*,} ;; *) prereqs_= ;; esac
			if ! test_have_prereq "$prereq_"; then
				test_skip_ "$1" "missing $prereq_"
				return 0
			fi
		done
	fi
	test_count_=$((test_count_ + 1))
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		printf 'ok %d - %s\n' "$test_count_" "$1"
	else
		test_failed_=$((test_failed_ + 1))
		printf 'not ok %d - %s\n' "$test_count_" "$1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

test_skip_() {
	test_count_=$((test_count_ + 1))
	test_skipped_=$((test_skipped_ + 1))
	printf 'ok %d # skip %s (%s)\n' "$test_count_" "$1" "$2"
}

# test_lazy_prereq NAME SCRIPT: NAME holds when SCRIPT succeeds; the
# script runs on first use, in a subshell, and its answer is kept.
test_lazy_prereq() {
	eval "lazy_prereq_script_$(printf '%s' "$1" | tr -c 'A-Za-z0-9_' _)=\$2"
}

# test_have_prereq NAME: the built-in ones are GIT (a git binary), ROOT
# (running as root), NOTROOT (permissions are enforced) and DEVFULL
# (/dev/full refuses writes); then those of test_lazy_prereq; then any
# command or shell function of that name.
test_have_prereq() {
	var_=$(printf '%s' "$1" | tr -c 'A-Za-z0-9_' _)
	eval "known_=\${lazy_prereq_answer_$var_-}"
	if [ -n "$known_" ]; then
		[ "$known_" = yes ]
		return
	fi
	case $1 in
	GIT) command -v git >/dev/null 2>&1 ;;
	ROOT) [ "$(id -u)" = 0 ] ;;
	NOTROOT) [ "$(id -u)" != 0 ] ;;
	DEVFULL) test -c /dev/full && ! (printf x >/dev/full) 2>/dev/null ;;
	*)
		eval "script_=\${lazy_prereq_script_$var_-}"
		if [ -n "$script_" ]; then
			(eval "$script_") >/dev/null 2>&1
		else
			command -v "$1" >/dev/null 2>&1
		fi
		;;
	esac
	answer_=$?
	if [ $answer_ = 0 ]; then
		eval "lazy_prereq_answer_$var_=yes"
	else
		eval "lazy_prereq_answer_$var_=no"
	fi
	return $answer_
}

# test_cmp EXPECTED ACTUAL: whole-file comparison, diff shown on failure.
test_cmp() {
	if cmp -s "$1" "$2"; then
		return 0
	fi
	diff -u "$1" "$2" || true
	return 1
}

# test_expect_code CODE COMMAND...: the command must exit with CODE.
test_expect_code() {
	want_=$1
	shift
	"$@"
	got_=$?
	if [ "$got_" != "$want_" ]; then
		echo "exit status $got_, expected $want_: $*" >&2
		return 1
	fi
	return 0
}

# test_must_fail COMMAND...: exit 2 expected (an error, not a finding).
test_must_fail() {
	test_expect_code 2 "$@"
}

# check_generations FILE...: every file is what 0.4.9, 0.5.2 and the newest
# upstream each require (t/unit/generations.c, a reading of upstream's
# structs apart from lib/sidecar's); their defects are shown otherwise.
check_generations() {
	for gen_ in G0 G1 G2; do
		"$TOP/t/unit/generations.t" "$gen_" "$@" >"$TRASH/.generations" ||
			{ grep -v "^OK" "$TRASH/.generations" | sed "s/^/$gen_: /" >&2; return 1; }
	done
}

# Files are compared, so strip nothing: write expectations with printf.
test_done() {
	printf '1..%d\n' "$test_count_"
	if [ "$test_failed_" -eq 0 ]; then
		cd "$TOP" && rm -rf "$TRASH"
		exit 0
	fi
	say "failed $test_failed_ of $test_count_; scratch kept in $TRASH"
	exit 1
}
