/* rustnum: numbers as Rust prints them (rustnum.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rustnum.h"
#include "util.h"

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
