/* serde: Rust's f64 Display and serde_json's wording for unexpected values (serde.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "serde.h"
#include "util.h"

int
serde_is_int(const struct json_value *v)
{
	unsigned f = v->u.num.flags;

	if (!(f & JSON_NUM_INT) || !(f & (JSON_NUM_I64 | JSON_NUM_U64)))
		return 0;
	return !(v->raw[0] == '-' && v->u.num.i == 0);
}

void
serde_unexpected(const struct json_value *v, char *dst, size_t size)
{
	struct buf num = BUF_INIT;
	int n;

	switch (v->type) {
	case JSON_NULL:
		snprintf(dst, size, "null");
		break;
	case JSON_BOOL:
		snprintf(dst, size, "boolean `%s`", v->u.boolean ? "true" : "false");
		break;
	case JSON_NUMBER:
		if (serde_is_int(v)) {
			snprintf(dst, size, "integer `%.*s`", (int)v->rawlen, v->raw);
		} else {
			format_plain(&num, v->u.num.d);
			if (isfinite(v->u.num.d) && strchr(num.s, '.') == NULL)
				buf_puts(&num, ".0");
			snprintf(dst, size, "floating point `%s`", num.s);
			buf_free(&num);
		}
		break;
	case JSON_STRING:
		/* The token keeps its escapes, so the message stays one line. */
		n = v->rawlen > 64 ? 64 : (int)v->rawlen;
		snprintf(dst, size, "string %.*s%s", n, v->raw, n < (int)v->rawlen ? "...\"" : "");
		break;
	case JSON_ARRAY:
		snprintf(dst, size, "sequence");
		break;
	case JSON_OBJECT:
		snprintf(dst, size, "map");
		break;
	}
}

void
format_plain(struct buf *b, double d)
{
	char digits[40], mant[24];
	char *e;
	int prec, exp10, nd = 0, i;

	if (isnan(d)) {
		buf_puts(b, "NaN");
		return;
	}
	if (isinf(d)) {
		buf_puts(b, d < 0 ? "-inf" : "inf");
		return;
	}
	if (signbit(d))
		buf_putc(b, '-');
	d = fabs(d);
	if (d == 0) {
		buf_putc(b, '0');
		return;
	}
	/* Fewest significant digits that read back as the same double. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(digits, sizeof digits, "%.*e", prec, d);
		if (strtod(digits, NULL) == d)
			break;
	}
	e = strchr(digits, 'e');
	for (char *q = digits; q < e; q++)
		if (*q != '.')
			mant[nd++] = *q;
	while (nd > 1 && mant[nd - 1] == '0')
		nd--;
	exp10 = atoi(e + 1);
	if (exp10 < 0) {
		buf_puts(b, "0.");
		for (i = -1; i > exp10; i--)
			buf_putc(b, '0');
		buf_add(b, mant, (size_t)nd);
		return;
	}
	for (i = 0; i <= exp10; i++)
		buf_putc(b, i < nd ? mant[i] : '0');
	if (nd > exp10 + 1) {
		buf_putc(b, '.');
		buf_add(b, mant + exp10 + 1, (size_t)(nd - exp10 - 1));
	}
}
