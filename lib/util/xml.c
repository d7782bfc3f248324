/* xml: escaped content (xml.h). */
#include "utf8.h"
#include "xml.h"

void
xml_text(struct buf *b, const char *s, size_t n, int multiline)
{
	size_t i = 0, len;
	uint32_t c;

	while (i < n) {
		if ((len = utf8_decode(s + i, n - i, &c)) == 0) {
			c = 0xfffd;
			len = 1;
		}
		i += len;
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		default:
			if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0xfffe || c == 0xffff)
				c = 0xfffd;
			utf8_encode(b, c);
		}
	}
}
