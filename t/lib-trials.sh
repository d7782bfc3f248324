# t/lib-trials.sh: pools of repeated runs for the ktstr-compare tests of
# spread, significance, --json, --tsv and --svg (t06xx).  Needs
# t/lib-compare.sh.
#
#   trials DIR KERNEL SETTINGS...
#
# writes one sidecar per SETTINGS argument (a space-separated list of
# lib-compare.sh NAME=VALUE settings) into DIR, for kernel KERNEL.
#
#   example5 DIR
#
# is the end-to-end example's pool (t0300): two 6.14.2 runs, one 6.15.0.
#
#   cmp_ab DIR [OPTION...]
#
# compares kernel 6.14 (A) with 6.15 (B) over DIR's sidecars, given as
# file operands so the run source stays "local".

trials() {
	dir_=$1 kernel_=$2
	shift 2
	n_=0
	mkdir -p "$dir_" || return 1
	for set_; do
		n_=$((n_ + 1))
		# shellcheck disable=SC2086 # a list of settings
		sidecar "$dir_/$kernel_-$n_.ktstr.json" kernel="\"$kernel_\"" $set_ || return 1
	done
}

example5() {
	trials "$1" 6.14.2 "spread=10.0 gap=100 iterations=1000" \
		"spread=12.0 gap=101 iterations=1000" &&
	trials "$1" 6.15.0 "spread=20.0 gap=700 iterations=1150"
}

cmp_ab() {
	dir_=$1
	shift
	ktstr-compare --a-kernel 6.14 --b-kernel 6.15 "$@" "$dir_"/*.ktstr.json
}
