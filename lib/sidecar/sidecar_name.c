/*
 * sidecar_name: what a writer needs to name a sidecar (ktstr-sidecar(5),
 * FILE NAME): the canonical flag order, the variant hash of 0.4.9 and
 * the one of 0.5.2 and later, the file name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "sidecar.h"
#include "util/strlist.h"
#include "util/util.h"

static const char *const canonical_flags[] = {"llc", "borrow", "steal", "rebal", "reject-pin",
                                              "no-ctrl"};

static size_t
flag_rank(const char *f)
{
	for (size_t i = 0; i < LEN(canonical_flags); i++)
		if (strcmp(f, canonical_flags[i]) == 0)
			return i;
	return LEN(canonical_flags);
}

static int
flag_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t rx = flag_rank(x), ry = flag_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

void
sidecar_sort_flags(char **flags, size_t n)
{
	if (n > 1)
		qsort(flags, n, sizeof *flags, flag_cmp);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                  \
	do {                                                      \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                   \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                   \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

uint64_t
sidecar_siphash13(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (int k = 7; k >= 0; k--)
			m = m << 8 | p[i + (size_t)k];
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	b = (uint64_t)(len & 0xff) << 56;
	for (size_t k = 0; k < tail; k++)
		b |= (uint64_t)p[i + k] << (8 * k);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Each string of v, NUL-terminated, sorted byte-wise when asked. */
static void
add_list(struct buf *m, char *const *v, size_t n, int sort)
{
	const char **sorted = sort ? strv_sorted_copy((const char *const *)v, n) : NULL;
	const char *const *l = sorted ? sorted : (const char *const *)v;

	for (size_t i = 0; i < n; i++)
		buf_add(m, l[i], strlen(l[i]) + 1);
	free(sorted);
}

uint64_t
sidecar_variant_hash(const char *topology, const char *scheduler, const char *payload,
                     const char *work_type, char *const *flags, size_t nflags,
                     char *const *sysctls, size_t nsysctls, char *const *kargs, size_t nkargs)
{
	struct buf m = BUF_INIT;
	uint64_t h;

	buf_add(&m, topology, strlen(topology) + 1);
	buf_add(&m, scheduler, strlen(scheduler) + 1);
	buf_putc(&m, 0xfc);
	if (payload)
		buf_puts(&m, payload);
	buf_add(&m, "", 1);
	buf_add(&m, work_type, strlen(work_type) + 1);
	buf_putc(&m, 0xfe);
	add_list(&m, flags, nflags, 0);
	buf_putc(&m, 0xfd);
	add_list(&m, sysctls, nsysctls, 1);
	buf_putc(&m, 0xff);
	add_list(&m, kargs, nkargs, 1);
	h = sidecar_siphash13(0, 0, m.s, m.len);
	buf_free(&m);
	return h;
}

static void
json_list(struct json_writer *w, const char *key, char *const *v, size_t n, int sort)
{
	const char **sorted = sort ? strv_sorted_copy((const char *const *)v, n) : NULL;
	const char *const *l = sorted ? sorted : (const char *const *)v;

	jw_key(w, key);
	jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_string(w, l[i]);
	jw_array_end(w);
	free(sorted);
}

/*
 * The hash input is compact JSON with its keys in byte order, as
 * serde_json writes a json! object without preserve_order.
 */
uint64_t
sidecar_variant_hash_json(const char *topology, const char *scheduler, const char *payload,
                          const char *work_type, char *const *flags, size_t nflags,
                          char *const *sysctls, size_t nsysctls, char *const *kargs,
                          size_t nkargs)
{
	struct json_writer w;
	uint64_t h;

	jw_init(&w, 0);
	jw_object_begin(&w);
	if (nflags > 0)
		json_list(&w, "active_flags", flags, nflags, 0);
	json_list(&w, "kargs", kargs, nkargs, 1);
	jw_key(&w, "payload");
	if (payload)
		jw_string(&w, payload);
	else
		jw_null(&w);
	jw_key(&w, "scheduler");
	jw_string(&w, scheduler);
	json_list(&w, "sysctls", sysctls, nsysctls, 1);
	jw_key(&w, "topology");
	jw_string(&w, topology);
	jw_key(&w, "work_type");
	jw_string(&w, work_type);
	jw_object_end(&w);
	h = sidecar_siphash13(0, 0, w.s, w.len);
	jw_free(&w);
	return h;
}

char *
sidecar_file_name(const char *test_name, uint64_t hash)
{
	return easprintf("%s-%016llx.ktstr.json", test_name, (unsigned long long)hash);
}
