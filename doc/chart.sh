#!/bin/sh
# doc/chart.sh [OUT.png]: the README's picture of ktstr-compare --svg.
# Builds a small pool of made-up runs (five per side), charts the
# comparison of kernel 6.14 against 6.15 with --significance 0.05, and,
# where a headless Chromium runs, takes a screenshot of it (default
# doc/chart.png).  Needs the programs built (make).

top=$(cd "${0%/*}/.." && pwd)
out=${1:-$top/doc/chart.png}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
PATH=$top/bin:$PATH
export PATH
. "$top/t/lib-compare.sh"
. "$top/t/lib-trials.sh"
. "$top/t/lib-browser.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-chart.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 2

stall=$(MON_STALL=true monitor)
calm=$(monitor)
trials pool 6.14.2 \
	"spread=10.0 gap=100 iterations=1000" "spread=11.0 gap=104 iterations=1020" \
	"spread=12.0 gap=98 iterations=985" "spread=10.5 gap=101 iterations=1010" \
	"spread=11.5 gap=99 iterations=990" \
	"test_name=wake_chain p99=100.0 monitor=$calm" "test_name=wake_chain p99=160.0 monitor=$calm" \
	"test_name=wake_chain p99=120.0 monitor=$calm" "test_name=wake_chain p99=180.0 monitor=$calm" \
	"test_name=wake_chain p99=140.0 monitor=$calm" &&
trials pool 6.15.0 \
	"spread=16.0 gap=102 iterations=1150" "spread=17.0 gap=99 iterations=1170" \
	"spread=15.5 gap=103 iterations=1140" "spread=16.5 gap=100 iterations=1160" \
	"spread=17.0 gap=101 iterations=1155" \
	"test_name=wake_chain p99=150.0 monitor=$stall" "test_name=wake_chain p99=260.0 monitor=$stall" \
	"test_name=wake_chain p99=140.0 monitor=$stall" "test_name=wake_chain p99=290.0 monitor=$stall" \
	"test_name=wake_chain p99=210.0 monitor=$stall" || exit 2

cmp_ab pool --significance 0.05 --svg chart.svg >/dev/null
rc=$?
test $rc -le 1 || exit 2
if ! command -v browser_ready >/dev/null 2>&1; then
	echo "chart.sh: no headless Chromium here; the chart is:" >&2
	cat chart.svg
	exit 0
fi
browser_screenshot chart.svg "$out" && echo "chart.sh: wrote $out"
