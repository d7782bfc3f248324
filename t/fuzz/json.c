/*
 * libFuzzer target: json_parse, the pull cursor, the raw re-emission of
 * ktstr-scan's stream, sidecar validation, and the file/NDJSON reader.
 * Whatever the input, nothing may crash; the cursor must accept what
 * json_parse accepts and fail with the same error where it fails, and
 * walk a document to the same bytes; the one-pass sidecar reader must
 * agree with json_parse + sidecar_check; a document that parses must
 * re-emit compactly to text that parses again and re-emits to the same
 * bytes.
 * Built and run by `make fuzz` (t/fuzz/run).
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

/* The compact re-emission of the value it opens, from the cursor's items. */
static int
emit_items(struct json_cursor *c, const struct json_item *it, struct json_writer *w)
{
	struct json_item child;
	int rc;

	if (it->key)
		jw_rawkey(w, it->rawkey, it->rawkeylen);
	if (it->type != JSON_ARRAY && it->type != JSON_OBJECT) {
		jw_raw(w, it->raw, it->rawlen);
		return 0;
	}
	if (it->type == JSON_ARRAY)
		jw_array_begin(w);
	else
		jw_object_begin(w);
	while ((rc = json_cursor_next(c, &child)) > 0)
		if (emit_items(c, &child, w) < 0)
			return -1;
	if (it->type == JSON_ARRAY)
		jw_array_end(w);
	else
		jw_object_end(w);
	return rc;
}

/* The cursor against json_parse's verdict rc (error je) and re-emission w. */
static void
check_cursor(const uint8_t *data, size_t size, int rc, const struct json_error *je,
             const struct json_writer *w)
{
	struct json_cursor c;
	struct json_error ce;
	struct json_writer cw;
	struct json_item it;

	json_cursor_init(&c, (const char *)data, size, 0, &ce);
	if ((json_cursor_end(&c) == 0) != (rc == 0))
		abort();
	if (rc != 0 && (ce.offset != je->offset || strcmp(ce.msg, je->msg) != 0))
		abort();
	if (rc == 0) {
		jw_init(&cw, 0);
		json_cursor_reset(&c, (const char *)data, size);
		if (json_cursor_next(&c, &it) != 1 || emit_items(&c, &it, &cw) < 0 ||
		    json_cursor_end(&c) < 0 || cw.len != w->len || memcmp(cw.s, w->s, w->len) != 0)
			abort();
		jw_free(&cw);
	}
	json_cursor_free(&c);
}

/*
 * sidecar_check_text against sidecar_parse: the same verdict, and where
 * both fail the same reason (the position the latter adds aside, whose
 * place the former returns).
 */
static void
check_one_pass(const uint8_t *data, size_t size)
{
	struct json_doc whole = {0}, pruned = {0};
	char e1[256], e2[256];
	const char *where;
	int r1 = sidecar_parse(&whole, (const char *)data, size, SIDECAR_ANY, e1, sizeof e1);
	int r2 = sidecar_check_text(&pruned, (const char *)data, size, SIDECAR_ANY, e2, sizeof e2, &where);

	if (r1 != r2 || (r1 < 0 && strncmp(e1, e2, strlen(e2)) != 0))
		abort();
	if (r2 < 0 && where != NULL && (where < (const char *)data || where > (const char *)data + size))
		abort();
	json_doc_free(&whole);
	json_doc_free(&pruned);
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
	int rc = json_parse(&doc, (const char *)data, size, 0, &je);

	jw_init(&w1, 0);
	if (rc == 0)
		emit(&w1, doc.root);
	check_cursor(data, size, rc, &je, &w1);
	if (rc == 0) {
		jw_init(&w2, 0);
		if (w1.len > size || json_parse(&again, w1.s, w1.len, 0, NULL) != 0)
			abort();
		emit(&w2, again.root);
		if (w1.len != w2.len || memcmp(w1.s, w2.s, w1.len) != 0)
			abort();
		/* Every generation's rule, and the reading rule, point inside the input. */
		for (unsigned g = 0; g <= SIDECAR_ANY; g++)
			if (sidecar_check(doc.root, g, err, sizeof err, &where) < 0 && where != NULL &&
			    (where < (const char *)data || where > (const char *)data + size))
				abort();
		jw_free(&w2);
	}
	jw_free(&w1);
	json_doc_free(&doc);
	json_doc_free(&again);
	/* The whole reading path, positions included, and the one-pass reader's verdict. */
	check_one_pass(data, size);
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
