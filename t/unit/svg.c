/*
 * lib/compare/compare_chart: the chart is well-formed XML (checked by a small parser
 * here, so the test needs no XML library), has one rect.bar per
 * compared metric in the verdict's colour, a gate band per bar, and
 * escapes what labels may hold.
 *
 * With KTSTR_SVG_SAMPLE set to a path, the sample chart is also written
 * there, for t0690's check in a real browser.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare/compare_chart.h"
#include "tap.h"
#include "util/util.h"

/*
 * The subset of XML 1.0 the writer may produce: elements with quoted
 * attributes, character data and the five predefined entities.  Returns
 * NULL when well-formed, else what is wrong.  Tags must nest and the
 * document must be exactly one element.
 */
static const char *
xml_check(const char *s)
{
	static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz";
	struct { const char *p; size_t n; } stack[64];
	size_t depth = 0, roots = 0, n, i;

	while (*s) {
		if (*s == '&') {
			for (i = 0; i < LEN(ent); i++)
				if (strncmp(s, ent[i], strlen(ent[i])) == 0)
					break;
			if (i == LEN(ent))
				return "bare '&'";
			s += strlen(ent[i]);
		} else if (*s == '>') {
			return "bare '>' in text";
		} else if (*s != '<') {
			if (depth == 0 && *s != '\n')
				return "text outside the root";
			if ((unsigned char)*s < 0x20 && *s != '\n')
				return "control character";
			s++;
		} else if (s[1] == '/') {
			n = strspn(s + 2, name_chars);
			if (depth == 0 || stack[depth - 1].n != n ||
			    strncmp(stack[depth - 1].p, s + 2, n) != 0 || s[2 + n] != '>')
				return "mismatched end tag";
			depth--;
			s += 2 + n + 1;
		} else {
			n = strspn(s + 1, name_chars);
			if (n == 0)
				return "bad tag name";
			if (depth == 0 && roots++)
				return "second root element";
			if (depth == LEN(stack))
				return "too deep";
			stack[depth].p = s + 1;
			stack[depth].n = n;
			for (s += 1 + n; *s != '>' && !(s[0] == '/' && s[1] == '>');) {
				if (*s != ' ')
					return "no space before an attribute";
				s++;
				s += strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:");
				if (s[0] != '=' || s[1] != '"')
					return "attribute without a quoted value";
				for (s += 2; *s != '"'; s++) {
					if (*s == '\0' || *s == '<')
						return "'<' or end in an attribute";
					if (*s != '&')
						continue;
					for (i = 0; i < LEN(ent); i++)
						if (strncmp(s, ent[i], strlen(ent[i])) == 0)
							break;
					if (i == LEN(ent))
						return "bare '&' in an attribute";
				}
				s++;
			}
			if (*s == '/') {
				s += 2;
				continue;
			}
			depth++;
			s++;
		}
	}
	if (depth)
		return "unclosed element";
	if (!roots)
		return "no element";
	return NULL;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The value of attribute name in the i-th element that starts with tag. */
static double
attr_num(const char *doc, const char *tag, size_t i, const char *name)
{
	const char *p = doc, *end;
	char pat[32];

	while ((p = strstr(p, tag)) && i--)
		p += strlen(tag);
	if (!p)
		return NAN;
	end = strchr(p, '>');
	snprintf(pat, sizeof(pat), " %s=\"", name);
	p = strstr(p, pat);
	if (!p || p > end)
		return NAN;
	return strtod(p + strlen(pat), NULL);
}

static const struct svg_bar sample[] = {
	{"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/", "worst_spread", 81.818181, 25,
	 SVG_REGRESSION, "11.00 → 20.00"},
	{"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/", "total_iterations", 15, 10,
	 SVG_IMPROVEMENT, "1000.00 → 1150.00"},
	{"steady/scx_rusty/1n1l2c1t/CpuSpin/aaaaaaa//local/", "worst_gap_ms", -2, 50,
	 SVG_UNCHANGED, NULL},
	{"a<b&c\"d'e>f", "stall_count", INFINITY, 50, SVG_REGRESSION, "0.00 → 1.00"},
	{"a<b&c\"d'e>f", "worst_p99_wake_latency_us", -40, NAN, SVG_NOT_SIGNIFICANT, "p=0.21"},
	{"ctl\001bad\377utf8\xed\xa0\x80", "m\x7f<", 0, INFINITY, SVG_UNCHANGED, ""},
};

static void
test_sample(void)
{
	struct svg_chart c = {"ktstr-compare: 6.14 → 6.15 & <more>", sample, LEN(sample)};
	struct buf b = BUF_INIT;
	const char *why, *out = getenv("KTSTR_SVG_SAMPLE");
	size_t i;

	compare_chart_render(&b, &c);
	why = xml_check(b.s);
	is_str(why, NULL, "sample: well-formed XML");
	ok(strncmp(b.s, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0,
	   "sample: an SVG root element in the SVG namespace");
	is_int(count(b.s, "<rect class=\"bar "), LEN(sample), "sample: one rect.bar per metric");
	is_int(count(b.s, "<rect class=\"bar regression\""), 2, "sample: two regressions");
	is_int(count(b.s, "<rect class=\"bar improvement\""), 1, "sample: one improvement");
	is_int(count(b.s, "<rect class=\"bar unchanged\""), 2, "sample: two unchanged");
	is_int(count(b.s, "<rect class=\"bar not-significant\""), 1, "sample: one not significant");
	for (i = 0; i < SVG_NVERDICTS; i++) {
		char want[96];

		snprintf(want, sizeof(want), "<rect class=\"bar %s\"", compare_chart_verdict_class[i]);
		/* Every bar of a verdict, and its legend key, carry its fill. */
		{
			const char *p = b.s;
			int all = 1;
			char fill[32];

			snprintf(fill, sizeof(fill), "fill=\"%s\"", compare_chart_verdict_fill[i]);
			while ((p = strstr(p, want))) {
				const char *end = strchr(p, '>');
				const char *f = strstr(p, fill);

				all &= f && f < end;
				p = end;
			}
			ok(all, "sample: %s bars are %s", compare_chart_verdict_class[i], compare_chart_verdict_fill[i]);
		}
	}
	ok(strcmp(compare_chart_verdict_fill[SVG_REGRESSION], compare_chart_verdict_fill[SVG_IMPROVEMENT]) &&
	       strcmp(compare_chart_verdict_fill[SVG_REGRESSION], compare_chart_verdict_fill[SVG_UNCHANGED]) &&
	       strcmp(compare_chart_verdict_fill[SVG_IMPROVEMENT], compare_chart_verdict_fill[SVG_UNCHANGED]) &&
	       strcmp(compare_chart_verdict_fill[SVG_NOT_SIGNIFICANT], compare_chart_verdict_fill[SVG_REGRESSION]),
	   "verdict colours differ");
	is_int(count(b.s, "<rect class=\"key "), SVG_NVERDICTS + 1, "sample: legend keys");
	/* The NaN gate draws no band; the infinite one spans the axis. */
	is_int(count(b.s, "<rect class=\"gate\""), LEN(sample) - 1, "sample: a gate band per finite gate");

	/* Headings: one per run of equal groups. */
	is_int(count(b.s, "<text class=\"group\""), 3, "sample: three group headings");
	ok(strstr(b.s, ">a&lt;b&amp;c&quot;d&apos;e&gt;f</text>") != NULL,
	   "sample: heading escapes < & \" ' >");
	ok(strstr(b.s, "a<b") == NULL && strstr(b.s, "c\"d") == NULL,
	   "sample: no raw markup characters from labels");
	ok(strstr(b.s, ">ktstr-compare: 6.14 → 6.15 &amp; &lt;more&gt;</text>") != NULL,
	   "sample: title escaped, UTF-8 kept");
	ok(strstr(b.s, ">ctl\xef\xbf\xbd" "bad\xef\xbf\xbdutf8\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</text>") != NULL,
	   "sample: control bytes, bad UTF-8 and surrogates become U+FFFD");
	ok(strstr(b.s, ">m\x7f&lt;</text>") != NULL, "sample: metric label escaped");
	ok(strstr(b.s, ">+81.82%</text>\n<text class=\"note\" x=\"") &&
	       strstr(b.s, "\">11.00 → 20.00</text>\n"),
	   "sample: percentage, then the note");
	ok(strstr(b.s, ": +81.82%, 11.00 → 20.00 (regression)</title>") != NULL,
	   "sample: the bar's tooltip");
	ok(strstr(b.s, ">-2.00%</text>\n") && !strstr(b.s, ">-2.00%</text>\n<text class=\"note\""),
	   "sample: no note, no note element");
	ok(strstr(b.s, ">+inf%</text>") != NULL, "sample: zero baseline says +inf%%");
	is_int(count(b.s, "<text class=\"note\""), 4, "sample: an empty note is no note");

	/*
	 * Axis: the largest finite change is 81.8 %, so the axis runs to
	 * +-100 % over 480 px: 240 px per 100 %.
	 */
	ok(strstr(b.s, ">+100%</text>") && strstr(b.s, ">-100%</text>") && strstr(b.s, ">+50%</text>"),
	   "sample: axis ticks at +-100 %% and +-50 %%");
	{
		double x0 = attr_num(b.s, "<rect class=\"bar ", 1, "x");
		double w0 = attr_num(b.s, "<rect class=\"bar ", 0, "width");
		double w1 = attr_num(b.s, "<rect class=\"bar ", 1, "width");
		double w3 = attr_num(b.s, "<rect class=\"bar ", 3, "width");
		double x4 = attr_num(b.s, "<rect class=\"bar ", 4, "x");
		double w4 = attr_num(b.s, "<rect class=\"bar ", 4, "width");
		double w5 = attr_num(b.s, "<rect class=\"bar ", 5, "width");
		double g0 = attr_num(b.s, "<rect class=\"gate\"", 0, "width");
		double g4 = attr_num(b.s, "<rect class=\"gate\"", 4, "width");

		ok(fabs(w0 - 196.4) < 0.06, "sample: 81.8 %% is 196.4 px long (got %g)", w0);
		ok(fabs(w1 - 36) < 0.06, "sample: 15 %% is 36 px long (got %g)", w1);
		ok(fabs(w3 - 240) < 0.06, "sample: +inf runs to the end of the axis (got %g)", w3);
		ok(fabs(x4 + w4 - x0) < 0.06 && fabs(w4 - 96) < 0.06,
		   "sample: a negative change grows left from zero");
		ok(w5 == 1, "sample: a zero change is a 1 px sliver");
		ok(fabs(g0 - 120) < 0.06, "sample: a 25 %% gate is 120 px wide (got %g)", g0);
		ok(fabs(g4 - 480) < 0.06, "sample: an infinite gate spans the axis (got %g)", g4);
	}
	{
		double w = attr_num(b.s, "<svg", 0, "width");
		double x = attr_num(b.s, "<text class=\"note\"", 0, "x");

		ok(x > 16 + 480 && w > x + 18 * 7 && w < 2000, "sample: canvas fits the columns (width %g)", w);
	}

	if (out) {
		FILE *f = fopen(out, "w");

		ok(f && fwrite(b.s, 1, b.len, f) == b.len && fclose(f) == 0, "sample written to %s", out);
	}
	buf_free(&b);
}

static void
test_empty(void)
{
	struct svg_chart c = {"nothing", NULL, 0};
	struct buf b = BUF_INIT;

	compare_chart_render(&b, &c);
	is_str(xml_check(b.s), NULL, "empty: well-formed");
	is_int(count(b.s, "<rect class=\"bar "), 0, "empty: no bars");
	ok(strstr(b.s, ">no compared metrics</text>") != NULL, "empty: says so");
	buf_free(&b);
}

static void
test_checker(void)
{
	/* The checker itself must reject what it is there to catch. */
	ok(xml_check("<a><b></a></b>") != NULL, "checker: mismatched tags");
	ok(xml_check("<a>x & y</a>") != NULL, "checker: bare &");
	ok(xml_check("<a t=\"<\"/>") != NULL, "checker: < in an attribute");
	ok(xml_check("<a t=x/>") != NULL, "checker: unquoted attribute");
	ok(xml_check("<a></a><b/>") != NULL, "checker: two roots");
	ok(xml_check("<a>\001</a>") != NULL, "checker: control character");
	ok(xml_check("<a><b/>") != NULL, "checker: unclosed");
	ok(xml_check("<a x=\"&amp;\"><b/>t &lt;</a>\n") == NULL, "checker: accepts good XML");
}

int
main(void)
{
	test_checker();
	test_sample();
	test_empty();
	return done_testing();
}
