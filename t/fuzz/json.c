/*
 * libFuzzer target: json_parse, the raw re-emission of ktstr-scan's
 * stream, sidecar validation, and the file/NDJSON reader.  Whatever the input, nothing may
 * crash, and a document that parses must re-emit compactly to text
 * that parses again and re-emits to the same bytes.
 *
 *   clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 -g -O1 -Ilib \
 *       -o t/fuzz/json.fuzz t/fuzz/json.c lib/json.c lib/util.c lib/sidecar*.c lib/serde.c -lm
 *   t/fuzz/json.fuzz -max_total_time=300 t/fixtures/sidecars/6.14-abc1234
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json/json.h"
#include "sidecar/sidecar.h"

static void
emit(struct json_writer *w, const struct json_value *v)
{
	jw_reset(w);
	jw_value_raw(w, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc doc = {0}, again = {0};
	struct json_writer w1, w2;
	struct json_error je;
	char err[256];
	const char *where;

	if (json_parse(&doc, (const char *)data, size, 0, &je) == 0) {
		jw_init(&w1, 0);
		jw_init(&w2, 0);
		emit(&w1, doc.root);
		if (w1.len > size || json_parse(&again, w1.s, w1.len, 0, NULL) != 0)
			abort();
		emit(&w2, again.root);
		if (w1.len != w2.len || memcmp(w1.s, w2.s, w1.len) != 0)
			abort();
		if (sidecar_check(doc.root, err, sizeof err, &where) < 0 && where != NULL &&
		    (where < (const char *)data || where > (const char *)data + size))
			abort();
		jw_free(&w1);
		jw_free(&w2);
	}
	json_doc_free(&doc);
	json_doc_free(&again);
	/* The whole reading path, positions included. */
	if (sidecar_parse(&doc, (const char *)data, size, err, sizeof err) == 0)
		json_doc_free(&doc);
	/* The same bytes as a file that may hold a stream. */
	int fd = memfd_create("fuzz", 0);
	if (fd >= 0) {
		struct sidecar_set set = {0};

		if (write(fd, data, size) == (ssize_t)size && lseek(fd, 0, SEEK_SET) == 0) {
			sidecar_read_fd(fd, "fuzz", SIDECAR_QUIET, &set);
			if (set.walked != set.n + set.nerrs)
				abort();
		}
		sidecar_set_free(&set);
		close(fd);
	}
	return 0;
}
