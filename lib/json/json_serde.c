/* json_serde: serde_json's view of a parsed value, for messages upstream would print (json_serde.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "json_serde.h"
#include "util/rustnum.h"
#include "util/util.h"

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
