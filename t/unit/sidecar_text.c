/*
 * Unit tests for sidecar_check_text: the one-pass reader must give every
 * verdict, message and position that json_parse + sidecar_check give,
 * and the view of its pruned tree must be the view of the whole one.
 * The inputs: every fixture sidecar of every generation, and each of
 * them with every member's value replaced by each of a list of values
 * of other kinds, removed, repeated, its key escaped, and renamed with a
 * lone surrogate.
 */
#include <dirent.h>
#include <string.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "sidecar/sidecar_view.h"
#include "tap.h"
#include "util/util.h"

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The stored members of a modelled struct, and its present mask. */
static int
same_struct(const struct sc_type *t, const void *a, const void *b)
{
	for (size_t k = 0; k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k];
		const char *pa = (const char *)a + m->offset, *pb = (const char *)b + m->offset;

		if (m->how == SC_HOW_N || m->how == SC_HOW_D)
			continue;
		switch (m->ctype) {
		case SC_C_STR:
			if (!same_str(*(const char *const *)pa, *(const char *const *)pb))
				return 0;
			break;
		case SC_C_BOOL:
			if (*(const int *)pa != *(const int *)pb)
				return 0;
			break;
		case SC_C_UINT:
		case SC_C_INT:
		case SC_C_F64:
		case SC_C_OF64:
			if (memcmp(pa, pb, 8) != 0)
				return 0;
			break;
		case SC_C_DENOM:
			if (memcmp(pa, pb, sizeof(enum sidecar_denom)) != 0)
				return 0;
			break;
		default:
			break;
		}
	}
	return memcmp((const char *)a + t->present, (const char *)b + t->present, 8) == 0;
}

/* Two JSON values (or none) re-emitted to the same bytes. */
static int
same_json(const struct json_value *a, const struct json_value *b)
{
	struct json_writer wa, wb;
	int same;

	if (a == NULL || b == NULL)
		return a == b;
	jw_init(&wa, 0);
	jw_init(&wb, 0);
	jw_value_raw(&wa, a);
	jw_value_raw(&wb, b);
	same = wa.len == wb.len && memcmp(wa.s, wb.s, wa.len) == 0;
	jw_free(&wa);
	jw_free(&wb);
	return same;
}

static int
same_view(const struct json_value *whole, const struct json_value *pruned)
{
	struct sidecar_view a, b;

	sidecar_view_read(&a, whole);
	sidecar_view_read(&b, pruned);
	return a.gen == b.gen && same_str(a.work_type, b.work_type) &&
	       same_struct(sidecar_type_result, &a.r, &b.r) &&
	       same_struct(sidecar_type_stats, &a.stats, &b.stats) &&
	       same_struct(sidecar_type_monitor, &a.monitor, &b.monitor) &&
	       same_struct(sidecar_type_events, &a.events, &b.events) &&
	       same_struct(sidecar_type_schedstat, &a.schedstat, &b.schedstat) &&
	       (a.r.monitor == NULL) == (b.r.monitor == NULL) && same_json(a.ext, b.ext) &&
	       same_json(a.flags, b.flags) && same_json(json_get(whole, "host"), json_get(pruned, "host")) &&
	       same_json(json_get(whole, "_path"), json_get(pruned, "_path"));
}

struct tally {
	size_t cases, valid, differ;
};

/* The two readers on text[0..len) for generation gen. */
static void
compare_readers(struct tally *t, const char *text, size_t len, unsigned gen, const char *what)
{
	struct json_doc whole = {0}, pruned = {0};
	char e1[256], e2[256];
	const char *where;
	int r1, r2, same;

	r1 = sidecar_parse(&whole, text, len, gen, e1, sizeof e1);
	r2 = sidecar_check_text(&pruned, text, len, gen, e2, sizeof e2, &where);
	if (r2 < 0 && where != NULL) {
		/* The position sidecar_parse adds: the line, and the column of the last byte read. */
		unsigned long line = 1;
		const char *bol = text;
		size_t n = strlen(e2);

		for (const char *q = text; q < where; q++)
			if (*q == '\n') {
				line++;
				bol = q + 1;
			}
		snprintf(e2 + n, sizeof e2 - n, " at line %lu column %lu", line, (unsigned long)(where - bol));
	}
	same = r1 == r2 && (r1 == 0 ? same_view(whole.root, pruned.root) : strcmp(e1, e2) == 0);
	t->cases++;
	t->valid += r1 == 0;
	if (!same && t->differ++ < 5)
		printf("# %s (gen %u): %s / %s\n", what, gen, r1 ? e1 : "valid", r2 ? e2 : "valid");
	json_doc_free(&whole);
	json_doc_free(&pruned);
}

/* Where each member's value lies in a compact text, found with a cursor. */
struct span {
	size_t key, start, end; /* key: the key token's first byte */
	unsigned depth;         /* 1: a member of the top level */
};

static void
spans_of(struct json_cursor *c, const struct json_item *it, const char *base, unsigned depth,
         struct span **v, size_t *n)
{
	struct json_item child;
	size_t at = 0;

	if (it->key != NULL) {
		*v = ereallocarray(*v, *n + 1, sizeof **v);
		at = (*n)++;
		(*v)[at].key = (size_t)(it->rawkey - base);
		(*v)[at].start = (size_t)(it->raw - base);
		(*v)[at].depth = depth;
	}
	if (it->type == JSON_ARRAY || it->type == JSON_OBJECT)
		while (json_cursor_next(c, &child) > 0)
			spans_of(c, &child, base, depth + 1, v, n);
	if (it->key != NULL)
		(*v)[at].end = (size_t)(json_cursor_pos(c) - base);
}

static const char *const others[] = {
	"null", "true", "0", "-1", "-0", "1.5", "1e300", "18446744073709551616", "4294967296",
	"\"x\"", "\"a\\u0000b\"", "\"\\ud800\"", "[]", "[\"s\"]", "[1]", "{}", "{\"a\":1}",
	"{\"TargetValue\":1.0}", "{\"TargetValue\":1,\"x\":2}", "{\"LowerBetter\":1}", "\"cpu_sec\"",
	"{\"0\":\"a\"}", "{\"01\":\"a\"}",
};

/* text with bytes [from, to) replaced by with. */
static void
splice(struct buf *b, const char *text, size_t len, size_t from, size_t to, const char *with)
{
	buf_reset(b);
	buf_add(b, text, from);
	buf_puts(b, with);
	buf_add(b, text + to, len - to);
}

static void
mutations(struct tally *t, const char *text, size_t len, const char *name)
{
	struct json_cursor c;
	struct json_item it;
	struct span *v = NULL;
	struct buf b = BUF_INIT;
	size_t n = 0;

	json_cursor_init(&c, text, len, 0, NULL);
	if (json_cursor_next(&c, &it) > 0)
		spans_of(&c, &it, text, 0, &v, &n);
	json_cursor_free(&c);
	for (size_t i = 0; i < n; i++) {
		/* Deep down, the kinds only: each struct's own members get them all. */
		for (size_t k = 0; k < LEN(others); k += v[i].depth > 3 ? 5 : 1) {
			splice(&b, text, len, v[i].start, v[i].end, others[k]);
			compare_readers(t, b.s, b.len, SIDECAR_ANY, name);
			if (k % 7 == 0)
				compare_readers(t, b.s, b.len, (unsigned)(i % SIDECAR_NGEN), name);
		}
		if (v[i].depth > 3)
			continue;
		/* The member gone (with the comma after it, or before it when last). */
		if (text[v[i].end] == ',')
			splice(&b, text, len, v[i].key, v[i].end + 1, "");
		else
			splice(&b, text, len, v[i].key - 1, v[i].end, "");
		compare_readers(t, b.s, b.len, SIDECAR_ANY, name);
		/* The member twice. */
		buf_reset(&b);
		buf_add(&b, text, v[i].end);
		buf_putc(&b, ',');
		buf_add(&b, text + v[i].key, v[i].end - v[i].key);
		buf_add(&b, text + v[i].end, len - v[i].end);
		compare_readers(t, b.s, b.len, SIDECAR_ANY, name);
		/* Its key with a lone surrogate. */
		splice(&b, text, len, v[i].key + 1, v[i].key + 1, "\\udc00");
		compare_readers(t, b.s, b.len, SIDECAR_ANY, name);
		/* Its key's first letter escaped: the same key, decoded in the cursor's buffer. */
		if (text[v[i].key + 1] != '\\' && text[v[i].key + 1] != '"') {
			char esc[8];

			snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)text[v[i].key + 1]);
			splice(&b, text, len, v[i].key + 1, v[i].key + 2, esc);
			compare_readers(t, b.s, b.len, SIDECAR_ANY, name);
		}
	}
	free(v);
	buf_free(&b);
}

/* The fixture sidecars under dir, one directory deep, each compacted. */
static void
fixtures(struct tally *t, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *path = path_join(dir, de->d_name);
		struct json_doc doc = {0};
		struct json_writer w;
		struct buf b = BUF_INIT;

		if (de->d_name[0] == '.') {
			free(path);
			continue;
		}
		if (depth > 0 && de->d_type == DT_DIR)
			fixtures(t, path, depth - 1);
		else if (read_file(path, &b, 0) == 0) {
			for (unsigned g = 0; g <= SIDECAR_ANY; g++)
				compare_readers(t, b.s ? b.s : "", b.len, g, path);
			if (json_parse(&doc, b.s ? b.s : "", b.len, 0, NULL) == 0) {
				jw_init(&w, 0);
				jw_value_raw(&w, doc.root);
				mutations(t, w.s, w.len, path);
				jw_free(&w);
			}
		}
		json_doc_free(&doc);
		buf_free(&b);
		free(path);
	}
	closedir(d);
}

static void
every_fixture(void)
{
	const char *top = getenv("KTSTR_TOP");
	char *root = easprintf("%s/t/fixtures", top ? top : ".");
	char *sidecars = path_join(root, "sidecars"), *generations = path_join(root, "generations");
	struct tally t = {0, 0, 0};

	fixtures(&t, sidecars, 1);
	fixtures(&t, generations, 2);
	ok(t.cases > 50000 && t.valid > 1000, "%zu texts read both ways, %zu of them valid", t.cases,
	   t.valid);
	is_int(t.differ, 0, "the one-pass reader agrees on every verdict, message, position and view");
	free(sidecars);
	free(generations);
	free(root);
}

/* Beyond what a sidecar holds: JSON errors, which win wherever they are. */
static void
json_errors(void)
{
	static const char *const texts[] = {
		"", "[]", "{", "{\"test_name\": 1", "{\"test_name\": 1,}", "{\"test_name\": 1} x",
		"{\"test_name\": \"t\", \"x\": [1,]}", "{\"stats\": 5, \"x\": 1e999}",
		"{\"test_name\": \"\\ud800\", \"x\": \"\\u12\"}", "{\"a\":\"\xff\"}",
	};
	struct tally t = {0, 0, 0};

	for (size_t i = 0; i < LEN(texts); i++)
		compare_readers(&t, texts[i], strlen(texts[i]), SIDECAR_ANY, texts[i]);
	is_int(t.differ, 0, "a JSON error comes first, as json_parse finds it before any check");
}

/* What the pruned tree keeps: the modelled members built, the rest a null in place. */
static void
pruned_tree(void)
{
	const char *top = getenv("KTSTR_TOP");
	char *path = easprintf("%s/t/fixtures/sidecars/6.14-abc1234/cgroup_steady-e76ee826182544b1.ktstr.json",
	                       top ? top : ".");
	struct buf b = BUF_INIT, line = BUF_INIT;
	struct json_doc doc = {0};
	const struct json_value *root, *v;
	char err[256];
	const char *where;

	if (!ok(read_file(path, &b, 0) == 0, "read %s", path))
		return;
	buf_puts(&line, "{\"_path\":\"p\",\"_archive\":true,");
	buf_add(&line, b.s + 1, b.len - 1);
	ok(sidecar_check_text(&doc, line.s, line.len, SIDECAR_ANY, err, sizeof err, &where) == 0,
	   "a fixture with reserved members reads");
	root = doc.root;
	ok(root && (v = json_get(root, "_path")) && v->type == JSON_STRING &&
	           strcmp(v->u.str.s, "p") == 0 && json_get(root, "_archive")->type == JSON_BOOL,
	   "the reserved members are kept");
	ok(root && (v = json_get(root, "verifier_stats")) && v->type == JSON_NULL && v->rawlen > 2,
	   "an unmodelled member is a null spanning its value");
	ok(root && (v = json_get(root, "host")) && v->type == JSON_OBJECT &&
	           json_get(v, "cpu_model") != NULL,
	   "the host is kept whole");
	ok(root && (v = json_get(json_get(root, "monitor"), "prog_stats_deltas")) &&
	           v->type == JSON_NULL,
	   "inside a kept struct too");
	json_doc_free(&doc);
	buf_free(&b);
	buf_free(&line);
	free(path);
}

int
main(void)
{
	every_fixture();
	json_errors();
	pruned_tree();
	return done_testing();
}
