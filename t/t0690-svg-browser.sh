#!/bin/sh
# lib/svg's sample chart (t/unit/svg.c, hostile labels included) as a
# browser lays it out: it parses as XML, every bar is there in its
# verdict's class, and no text sticks out of the canvas or covers other
# text.

. "${0%/*}/lib.sh"
. "$TOP/t/lib-browser.sh"

test_expect_success 'the unit test writes its sample chart' '
	KTSTR_SVG_SAMPLE=$TRASH/sample.svg "$BUILD/t/unit/svg.t" >unit.out &&
	test -s sample.svg
'

test_expect_success browser_ready 'Chromium parses the chart and finds every bar' '
	browser_inspect sample.svg >actual &&
	echo "bars=6 regression=2 improvement=1 unchanged=2 not-significant=1 overflow=0 overlap=0" >expect &&
	test_cmp expect actual
'

test_expect_success browser_ready 'a malformed chart yields no result' '
	sed "s/&amp;/\\&/" sample.svg >broken.svg &&
	browser_inspect broken.svg >actual &&
	test_cmp /dev/null actual
'

test_done
