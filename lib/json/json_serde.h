/*
 * json_serde: how serde_json sees a value of the strict reader, so that
 * the sidecar, host-context and metadata readers reject a bad value
 * with the message upstream would print.
 */
#ifndef KTSTR_JSON_SERDE_H
#define KTSTR_JSON_SERDE_H

#include <stddef.h>

#include "json.h"

/*
 * Is this number an integer to serde_json?  It reads "-0", integers
 * below i64's range and literals past u64's range as floats.
 */
int serde_is_int(const struct json_value *v);

/*
 * serde's Unexpected rendering of v, the X of "invalid type: X,
 * expected Y": "null", "boolean `true`", "integer `5`", "floating
 * point `4.0`" (format_plain, then ".0" when it has no point, as
 * serde's WithDecimalPoint does), "string \"s\"" (at most 64 bytes of
 * the token, then ...), "sequence", "map".
 */
void serde_unexpected(const struct json_value *v, char *dst, size_t size);

#endif
