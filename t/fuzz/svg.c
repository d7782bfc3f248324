/*
 * libFuzzer target for lib/svg: the bytes are the chart's text (title,
 * then groups, metrics and notes, separated by NUL bytes) and each bar
 * takes a percentage and a gate from the bytes too, NaN and infinities
 * included.  Checks: no crash, the document is valid UTF-8, holds one
 * rect.bar per bar, and every '<' and '&' that is not markup was
 * escaped (each '&' starts one of the five entities, and the labels'
 * markup characters never reach the output raw), and no coordinate is
 * NaN or infinite.
 * Built and run by `make fuzz` (t/fuzz/run).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare/compare_chart.h"
#include "util/utf8.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double special[] = {0, -0.0, NAN, INFINITY, -INFINITY, 1e308, -1e-308, 25, -100};

static double
number(uint8_t b)
{
	return b < LEN(special) ? special[b] : ((double)b - 128) * 3.7;
}

static int
entities_ok(const char *s)
{
	static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	size_t i;

	for (; (s = strchr(s, '&')); s++) {
		for (i = 0; i < LEN(ent); i++)
			if (strncmp(s, ent[i], strlen(ent[i])) == 0)
				break;
		if (i == LEN(ent))
			return 0;
	}
	return 1;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = emalloc(size + 1), *p, *end;
	const char *str[64];
	struct svg_bar bar[20];
	struct svg_chart c;
	struct buf b = BUF_INIT;
	size_t nstr = 0, i;

	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text, end = text + size; nstr < LEN(str);) {
		str[nstr++] = p;
		p += strlen(p);
		if (p >= end)
			break;
		p++;
	}
	c.title = str[0];
	c.bar = bar;
	c.n = (nstr - 1) / 3 < LEN(bar) ? (nstr - 1) / 3 : LEN(bar);
	for (i = 0; i < c.n; i++) {
		uint8_t x = size > i ? data[i] : 0, y = size > i + 1 ? data[i + 1] : 0;

		bar[i] = (struct svg_bar){str[1 + 3 * i], str[2 + 3 * i], number(x), number(y),
		                          (enum svg_verdict)(x % SVG_NVERDICTS), str[3 + 3 * i]};
	}
	compare_chart_render(&b, &c);
	if (!utf8_valid(b.s, b.len) || !entities_ok(b.s) || count(b.s, "<rect class=\"bar ") != c.n)
		abort();
	/* No coordinate is NaN or infinite (labels cannot hold a raw quote). */
	if (strstr(b.s, "=\"nan") || strstr(b.s, "=\"-nan") || strstr(b.s, "=\"inf") ||
	    strstr(b.s, "=\"-inf"))
		abort();
	/* Markup starts only with the writer's own tags. */
	for (p = b.s; (p = strchr(p, '<')); p++)
		if (!(p[1] == '/' || (p[1] >= 'a' && p[1] <= 'z')))
			abort();
	buf_free(&b);
	free(text);
	return 0;
}
