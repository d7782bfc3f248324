# t/lib-browser.sh: look at an SVG chart in a real browser.
#
#   browser_inspect FILE.svg >result
#
# wraps the chart in an XHTML page (so the browser parses it as XML and
# a malformed chart fails to load) with a script that lays it out and
# prints one line:
#
#   bars=N regression=N improvement=N unchanged=N not-significant=N overflow=N overlap=N
#
# bars counts rect.bar; overflow counts text and bars that stick out of
# the canvas; overlap counts pairs of text elements whose rendered boxes
# intersect (labels that cannot be read at a glance).  Nothing is
# printed when the page did not load.
#
# The prerequisite browser_ready exists only when a headless Chromium
# (Debian's chromium) runs here; tests that need it skip otherwise.

browser_cmd_=
for b in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$b" >/dev/null 2>&1; then
		browser_cmd_=$b
		break
	fi
done

browser_run_() {
	profile_=$(mktemp -d) || return 1
	if command -v timeout >/dev/null 2>&1; then
		set -- timeout 120 "$browser_cmd_" "$@"
	else
		set -- "$browser_cmd_" "$@"
	fi
	"$@" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--user-data-dir="$profile_" 2>/dev/null
	rc_=$?
	rm -rf "$profile_"
	return $rc_
}

# The page's script: count the bars, then check the real layout.
browser_script_='
var svg = document.querySelector("svg");
var box = svg.getBoundingClientRect();
var bars = document.querySelectorAll("rect.bar");
var count = {"regression": 0, "improvement": 0, "unchanged": 0, "not-significant": 0};
var overflow = 0, overlap = 0, i, j;
function out(r) {
	return r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
		r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
}
for (i = 0; i < bars.length; i++) {
	for (var k in count)
		if (bars[i].classList.contains(k))
			count[k]++;
	if (out(bars[i].getBoundingClientRect()))
		overflow++;
}
var texts = Array.prototype.map.call(document.querySelectorAll("svg text"),
	function (t) { return t.getBoundingClientRect(); });
for (i = 0; i < texts.length; i++) {
	if (out(texts[i]))
		overflow++;
	for (j = i + 1; j < texts.length; j++) {
		var a = texts[i], b = texts[j];
		if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
		    a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
			overlap++;
	}
}
var line = "bars=" + bars.length;
for (var k in count)
	line += " " + k + "=" + count[k];
line += " overflow=" + overflow + " overlap=" + overlap;
var pre = document.createElementNS("http://www.w3.org/1999/xhtml", "pre");
pre.id = "result";
pre.textContent = line;
document.body.appendChild(pre);
'

browser_inspect() {
	page_=${1%.svg}.xhtml
	{
		printf '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>chart</title></head><body>\n'
		cat "$1"
		printf '<script>//<![CDATA[\n%s\n//]]></script></body></html>\n' "$browser_script_"
	} >"$page_" || return 1
	case $page_ in /*) ;; *) page_=$(pwd)/$page_ ;; esac
	browser_run_ --dump-dom "file://$page_" >"$page_.dom" || return 1
	sed -n 's/.*<pre id="result">\([^<]*\)<\/pre>.*/\1/p' "$page_.dom"
}

# browser_screenshot FILE.svg OUT.png: a picture of the chart at its size.
browser_screenshot() {
	w_=$(sed -n '1s/.* width="\([0-9]*\)".*/\1/p' "$1")
	h_=$(sed -n '1s/.* height="\([0-9]*\)".*/\1/p' "$1")
	case $2 in /*) png_=$2 ;; *) png_=$(pwd)/$2 ;; esac
	case $1 in /*) svg_=$1 ;; *) svg_=$(pwd)/$1 ;; esac
	browser_run_ --hide-scrollbars --window-size="$w_,$h_" --screenshot="$png_" \
		"file://$svg_" >/dev/null
}

if [ -n "$browser_cmd_" ] && browser_run_ --dump-dom 'data:text/html,<p>ok</p>' 2>/dev/null |
	grep -q '<p>ok</p>'; then
	browser_ready() { :; }
fi
