/* host_int: what the host family's files share and no caller outside it needs. */
#ifndef KTSTR_HOST_INT_H
#define KTSTR_HOST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* u64::from_str: optional '+', then digits only, no overflow.  0 or -1. */
int host_parse_unsigned(const char *s, size_t n, uint64_t *out);

void host_str_set(struct host_str *dst, const char *s, size_t n);
void host_str_free(struct host_str *s);
int host_str_eq(const struct host_str *a, const struct host_str *b);
/* Rust's byte-wise String order: memcmp, then the shorter first. */
int host_str_cmp(const struct host_str *a, const struct host_str *b);
void host_u64_set(struct host_u64 *f, uint64_t v);

enum host_kind { K_STR, K_U64, K_TUNABLES, K_GOVERNORS, K_HEAP };

/* One member of the host object: its key, kind and place in the struct. */
struct host_field {
	const char *key;
	enum host_kind kind;
	size_t off;
};

#define HOST_NFIELDS 17
#define HOST_NHEAP_FIELDS 5
extern const struct host_field host_fields[HOST_NFIELDS];
/* heap_state's members in JSON order; the report and diff use host_heap_order. */
extern const struct host_field host_heap_fields[HOST_NHEAP_FIELDS];
extern const unsigned host_heap_order[HOST_NHEAP_FIELDS];

#endif
