/* Unit tests for lib/json/json.h: the conformance corpus, numbers, writer. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>

#include "json/json.h"
#include "tap.h"
#include "util/util.h"

static int
parses(const char *text, size_t len, struct json_error *err)
{
	struct json_doc doc = {0};
	int rc = json_parse(&doc, text, len, 0, err);

	json_doc_free(&doc);
	return rc == 0;
}

/* The cursor's verdict on the whole text, which must be json_parse's. */
static int
cursor_agrees(const char *text, size_t len, const struct json_error *want, int accepted)
{
	struct json_cursor c;
	struct json_error err;
	int rc;

	memset(&err, 0, sizeof err);
	json_cursor_init(&c, text, len, 0, &err);
	rc = json_cursor_end(&c);
	json_cursor_free(&c);
	if (accepted)
		return rc == 0;
	return rc < 0 && err.offset == want->offset && err.line == want->line &&
	       err.col == want->col && strcmp(err.msg, want->msg) == 0;
}

static int walk_agrees(struct json_cursor *c, const struct json_item *it,
                       const struct json_value *v);

static int
scalar_agrees(const struct json_item *it, const struct json_value *v)
{
	double d;

	if (it->rawlen != v->rawlen)
		return 0;
	switch (v->type) {
	case JSON_BOOL:
		return it->u.boolean == v->u.boolean;
	case JSON_NUMBER:
		d = json_item_double(it);
		return it->u.num.flags == v->u.num.flags && it->u.num.i == v->u.num.i &&
		       it->u.num.u == v->u.num.u && memcmp(&d, &v->u.num.d, sizeof d) == 0;
	case JSON_STRING:
		return it->u.str.len == v->u.str.len &&
		       memcmp(it->u.str.s, v->u.str.s, v->u.str.len) == 0 &&
		       it->u.str.lone_surrogate == v->u.str.lone_surrogate;
	default:
		return 1;
	}
}

/* The children the cursor yields, then the close, against a container's. */
static int
children_agree(struct json_cursor *c, const struct json_value *v)
{
	size_t n = v->type == JSON_ARRAY ? v->u.arr.n : v->u.obj.n;
	struct json_item child;

	for (size_t i = 0; i < n; i++) {
		const struct json_member *m = v->type == JSON_OBJECT ? &v->u.obj.members[i] : NULL;

		if (json_cursor_next(c, &child) != 1)
			return 0;
		/* The key first: the child's own members reuse its buffer. */
		if (m ? child.keylen != m->keylen || memcmp(child.key, m->key, m->keylen) != 0 ||
		            child.rawkey != m->rawkey || child.rawkeylen != m->rawkeylen ||
		            child.key_lone_surrogate != m->key_lone_surrogate
		      : child.key != NULL)
			return 0;
		if (!walk_agrees(c, &child, m ? &m->value : &v->u.arr.items[i]))
			return 0;
	}
	return json_cursor_next(c, &child) == 0 && json_cursor_pos(c) == v->raw + v->rawlen;
}

/* Does the walk from item it on yield the tree v, node by node? */
static int
walk_agrees(struct json_cursor *c, const struct json_item *it, const struct json_value *v)
{
	if (it->type != v->type || it->raw != v->raw)
		return 0;
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT)
		return it->rawlen == 1 && children_agree(c, v);
	return scalar_agrees(it, v);
}

/* json_parse's tree of text, against a cursor's walk of it. */
static int
tree_agrees(const char *text, size_t len)
{
	struct json_doc doc = {0};
	struct json_cursor c;
	struct json_item it;
	int agree;

	if (json_parse(&doc, text, len, 0, NULL) < 0)
		return 0;
	json_cursor_init(&c, text, len, 0, NULL);
	agree = json_cursor_next(&c, &it) == 1 && it.key == NULL && walk_agrees(&c, &it, doc.root) &&
	        json_cursor_next(&c, &it) == 0 && json_cursor_end(&c) == 0;
	json_cursor_free(&c);
	json_doc_free(&doc);
	return agree;
}

static int
byname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus(void)
{
	const char *top = getenv("KTSTR_TOP");
	char *dir = easprintf("%s/t/fixtures/jsontestsuite/test_parsing", top ? top : ".");
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, bad_y = 0, bad_n = 0, seen_i = 0, bad_cursor = 0, bad_walk = 0;

	if (!ok(d != NULL, "corpus directory %s opens", dir))
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			names = ereallocarray(names, n + 1, sizeof *names);
			names[n++] = estrdup(de->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof *names, byname);
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		char *path = path_join(dir, names[i]);
		struct json_error err;
		int accepted;

		if (read_file(path, &b, 0) < 0) {
			ok(0, "read %s", path);
			continue;
		}
		accepted = parses(b.s ? b.s : "", b.len, &err);
		if (!cursor_agrees(b.s ? b.s : "", b.len, &err, accepted)) {
			bad_cursor++;
			printf("# the cursor disagrees on %s\n", names[i]);
		}
		if (accepted && !tree_agrees(b.s, b.len)) {
			bad_walk++;
			printf("# the cursor walks %s otherwise\n", names[i]);
		}
		if (names[i][0] == 'y' && !accepted) {
			bad_y++;
			printf("# rejected %s: %s at %lu:%lu\n", names[i], err.msg, err.line, err.col);
		} else if (names[i][0] == 'n' && accepted) {
			bad_n++;
			printf("# accepted %s\n", names[i]);
		} else if (names[i][0] == 'i') {
			seen_i++;
		}
		buf_free(&b);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	ok(n > 300, "corpus has %zu files", n);
	is_int(bad_y, 0, "every y_ file is accepted");
	is_int(bad_n, 0, "every n_ file is rejected");
	ok(seen_i > 0, "every i_ file parsed or failed cleanly (%zu)", seen_i);
	is_int(bad_cursor, 0, "the cursor accepts what json_parse accepts, and fails as it fails");
	is_int(bad_walk, 0, "the cursor's items are json_parse's tree, node by node");
}

static const struct json_value *
root_of(struct json_doc *doc, const char *text)
{
	struct json_error err;

	if (json_parse(doc, text, strlen(text), 0, &err) < 0) {
		printf("# parse error: %s\n", err.msg);
		return NULL;
	}
	return doc->root;
}

static void
integers(void)
{
	struct json_doc doc = {0};
	const struct json_value *v;

	v = root_of(&doc, "[18446744073709551615, -9223372036854775808, 9223372036854775807, -0, 4.0, 1e2, 18446744073709551616]");
	ok(v && v->type == JSON_ARRAY && v->u.arr.n == 7, "integer array parses");
	if (v) {
		const struct json_value *a = v->u.arr.items;
		ok(a[0].u.num.flags == (JSON_NUM_INT | JSON_NUM_U64) && a[0].u.num.u == UINT64_MAX, "u64 max exact");
		ok((a[1].u.num.flags & JSON_NUM_I64) && a[1].u.num.i == INT64_MIN, "i64 min exact");
		ok((a[2].u.num.flags & JSON_NUM_I64) && (a[2].u.num.flags & JSON_NUM_U64) && a[2].u.num.i == INT64_MAX, "i64 max fits both");
		ok((a[3].u.num.flags & JSON_NUM_I64) && a[3].u.num.i == 0 && signbit(a[3].u.num.d), "-0 is integer zero, double -0.0");
		ok(a[4].u.num.flags == 0 && a[4].u.num.d == 4.0, "4.0 is not an integer literal");
		ok(a[5].u.num.flags == 0 && a[5].u.num.d == 100.0, "1e2 is not an integer literal");
		ok(a[6].u.num.flags == JSON_NUM_INT && a[6].u.num.d == 18446744073709551616.0, "beyond u64: double only");
	}
	json_doc_free(&doc);
}

static void
roundtrip_u64(void)
{
	struct json_doc doc = {0};
	struct json_writer w;
	const struct json_value *v = root_of(&doc, "{\"a\":18446744073709551615,\"b\":-9223372036854775808}");

	jw_init(&w, 0);
	if (v)
		jw_value(&w, v);
	is_str(w.s, "{\"a\":18446744073709551615,\"b\":-9223372036854775808}", "64-bit integers survive a round trip");
	jw_free(&w);
	json_doc_free(&doc);
}

static void
doubles(void)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
		{0.0, "0.0"}, {-0.0, "-0.0"}, {3.0, "3.0"}, {0.5, "0.5"}, {12.25, "12.25"},
		{0.00001, "0.00001"}, {0.00005044666316342617, "0.00005044666316342617"},
		{1000000000000000.0, "1000000000000000.0"}, {1e16, "1e+16"}, {1.5e16, "1.5e+16"},
		{1e-6, "1e-6"}, {2.220446049250313e-16, "2.220446049250313e-16"},
		{1.7976931348623157e308, "1.7976931348623157e+308"}, {5e-324, "5e-324"},
		{0.1, "0.1"}, {-2.5, "-2.5"}, {15.3 - 10.1, "5.200000000000001"},
		{123456789012345.6, "123456789012345.6"}, {0.000012, "0.000012"},
	};
	char buf[32];

	for (size_t i = 0; i < LEN(cases); i++) {
		json_format_double(cases[i].d, buf);
		is_str(buf, cases[i].want, "double %s", cases[i].want);
	}
	json_format_double(NAN, buf);
	is_str(buf, "0.0", "NaN is written as 0.0");
	json_format_double(-INFINITY, buf);
	is_str(buf, "0.0", "-inf is written as 0.0");
}

static void
shortest_roundtrip(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int bad = 0;
	char buf[32];

	for (int i = 0; i < 20000; i++) {
		double d, back;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		memcpy(&d, &x, sizeof d);
		if (!isfinite(d))
			continue;
		json_format_double(d, buf);
		if (json_strtod(buf, strlen(buf), &back) < 0 || memcmp(&back, &d, sizeof d) != 0)
			bad++;
	}
	is_int(bad, 0, "20000 random doubles round-trip through their spelling");
}

/* The parser's doubles against strtod, fast path and slow path alike. */
static void
parsed_doubles(void)
{
	static const char *const fixed[] = {
		"1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "0.1", "-0.0",
		"0e400", "123456789012345e-22", "1234567890123456e-22", "9007199254740993",
		"0.00005044666316342617", "1e22", "1e23", "4.0", "-3.5E+2",
	};
	uint64_t x = 0x243f6a8885a308d3ull;
	int bad = 0;
	char text[64];

	for (size_t i = 0; i < LEN(fixed) + 20000; i++) {
		struct json_doc doc = {0};
		double want;

		if (i < LEN(fixed)) {
			snprintf(text, sizeof text, "%s", fixed[i]);
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			snprintf(text, sizeof text, "%s%llu.%0*llue%d", x & 1 ? "-" : "",
			         (unsigned long long)(x >> 40 & 0xfffff), (int)(x >> 8 & 7) + 1,
			         (unsigned long long)(x >> 20 & 0xfffff) % 10000000,
			         (int)(x >> 3 & 63) - 32);
		}
		want = strtod(text, NULL);
		if (json_parse(&doc, text, strlen(text), 0, NULL) < 0 ||
		    memcmp(&doc.root->u.num.d, &want, sizeof want) != 0) {
			if (bad++ < 5)
				printf("# %s parsed wrong\n", text);
		}
		json_doc_free(&doc);
	}
	is_int(bad, 0, "doubles read as strtod reads them (fast and slow paths)");
}

static void
errors(void)
{
	static const struct {
		const char *text;
		const char *msg;
		unsigned long line, col;
	} cases[] = {
		{"", "EOF while parsing a value", 1, 1},
		{"{\"a\":1,}", "trailing comma", 1, 8},
		{"{\"a\":1}\n x", "trailing characters", 2, 2},
		{"[1,\n  2", "EOF while parsing a list", 2, 4},
		{"{\"a\" 1}", "expected `:`", 1, 6},
		{"{1:2}", "key must be a string", 1, 2},
		{"[1e400]", "number out of range", 1, 2},
		{"\xef\xbb\xbf{}", "expected value", 1, 1},
		{"[\"a\x01\"]", "control character (\\u0000-\\u001F) found while parsing a string", 1, 4},
		{"[01]", "expected `,` or `]`", 1, 3},
		{"nul", "EOF while parsing a value", 1, 4},
		{"[\"\xff\"]", "invalid UTF-8 in string", 1, 3},
		{"[1,]", "trailing comma", 1, 4},
		{"[1 ,\n ]", "trailing comma", 2, 2},
		{"{\"a\":1 , }", "trailing comma", 1, 10},
		{"{\"a\":]", "expected value", 1, 6},
		{"]", "expected value", 1, 1},
		{"[]]", "trailing characters", 1, 3},
		{"[1 2]", "expected `,` or `]`", 1, 4},
		{"{\"a\":1 \"b\":2}", "expected `,` or `}`", 1, 8},
		{"{\"a\"", "EOF while parsing an object", 1, 5},
		{"[\"a\\q\"]", "invalid escape", 1, 5},
		{"[\"\\u12x4\"]", "invalid escape", 1, 5},
		{"[-]", "invalid number", 1, 3},
		{"[1.]", "invalid number", 1, 4},
		{"[1e+]", "invalid number", 1, 5},
		{"[1e999]", "number out of range", 1, 2},
		{"[123456789012345678901234567890e300]", "number out of range", 1, 2},
		{"[tru]", "expected ident", 1, 5},
	};
	const char *finite = "[1e308, 1.7976931348623157e308, 123456789012345678901234567890e278, 1e-999]";

	for (size_t i = 0; i < LEN(cases); i++) {
		struct json_error err;
		int accepted = parses(cases[i].text, strlen(cases[i].text), &err);
		ok(!accepted && strcmp(err.msg, cases[i].msg) == 0 && err.line == cases[i].line &&
		           err.col == cases[i].col,
		   "error '%s' at %lu:%lu (got '%s' at %lu:%lu)", cases[i].msg, cases[i].line,
		   cases[i].col, accepted ? "accepted" : err.msg, accepted ? 0 : err.line,
		   accepted ? 0 : err.col);
		ok(cursor_agrees(cases[i].text, strlen(cases[i].text), &err, accepted),
		   "the cursor fails there too");
	}
	ok(parses(finite, strlen(finite), NULL),
	   "the largest finite literals and an underflow are numbers");
}

static void
depth(void)
{
	size_t n = 10000;
	char *deep = emalloc(2 * n + 1);
	struct json_error err;

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	ok(!parses(deep, 2 * n, &err) && strcmp(err.msg, "recursion limit exceeded") == 0,
	   "10000-deep nesting is refused cleanly");
	ok(parses(deep + n - 512, 1024, &err), "512-deep nesting is accepted");
	ok(!parses(deep + n - 513, 1026, &err), "513-deep nesting is refused");
	free(deep);
}

static void
strings(void)
{
	struct json_doc doc = {0};
	const struct json_value *v = root_of(&doc, "[\"a\\u00e9\\ud83d\\ude00\\/\", \"\\ud800x\", \"\\u0000\"]");
	struct json_writer w;

	ok(v != NULL, "escaped strings parse");
	if (v) {
		is_str(v->u.arr.items[0].u.str.s, "a\xc3\xa9\xf0\x9f\x98\x80/", "escapes and surrogate pairs decode");
		ok(v->u.arr.items[1].u.str.lone_surrogate, "a lone surrogate is flagged");
		ok(!v->u.arr.items[0].u.str.lone_surrogate, "a pair is not flagged");
		is_int(v->u.arr.items[2].u.str.len, 1, "\\u0000 decodes to one NUL byte");
	}
	json_doc_free(&doc);

	jw_init(&w, 0);
	jw_stringn(&w, "q\"\\\b\f\n\r\t\x01\x1f\x7f/\xe2\x80\xa8", 15);
	is_str(w.s, "\"q\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\xe2\x80\xa8\"", "writer escapes as serde_json");
	jw_free(&w);
}

static void
pretty(void)
{
	struct json_writer w;

	jw_init(&w, 1);
	jw_object_begin(&w);
	jw_key(&w, "a");
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_key(&w, "b");
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_key(&w, "c");
	jw_array_begin(&w);
	jw_uint(&w, 1);
	jw_object_begin(&w);
	jw_key(&w, "d");
	jw_double(&w, 2.0);
	jw_object_end(&w);
	jw_array_end(&w);
	jw_key(&w, "e");
	jw_null(&w);
	jw_object_end(&w);
	is_str(w.s, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": 2.0\n    }\n  ],\n  \"e\": null\n}",
	       "pretty layout matches serde_json's to_string_pretty");
	jw_free(&w);
}

static void
raw_reemit(void)
{
	const char *text = "{ \"b\" : 4.0 , \"a\\u0041\":[ 1e+300, -0.0 ,18446744073709551615 ],\n\"b\": {} }";
	struct json_doc doc = {0};
	const struct json_value *v = root_of(&doc, text);
	struct json_writer w;

	jw_init(&w, 0);
	if (v)
		jw_value_raw(&w, v);
	is_str(w.s, "{\"b\":4.0,\"a\\u0041\":[1e+300,-0.0,18446744073709551615],\"b\":{}}",
	       "raw re-emission keeps order, duplicates and spellings");
	ok(v && json_count(v, "b") == 2 && json_get(v, "b")->type == JSON_NUMBER &&
	           json_get_last(v, "b")->type == JSON_OBJECT && json_get(v, "aA") != NULL,
	   "lookups: first, last, count, decoded keys");
	jw_free(&w);
	json_doc_free(&doc);
}

/* Every fixture sidecar, walked by the cursor as json_parse reads it. */
static void
fixture_walks(void)
{
	static const char *const files[] = {
		"6.14-abc1234/cgroup_steady-e76ee826182544b1.ktstr.json",
		"6.14-abc1234/mixed_workload_fairness-d2b5e0decdb72ebb.ktstr.json",
		"7.0-def5678/schbench_latency-ead14fb7efa0ecbd.ktstr.json",
	};
	const char *top = getenv("KTSTR_TOP");

	for (size_t i = 0; i < LEN(files); i++) {
		char *path = easprintf("%s/t/fixtures/sidecars/%s", top ? top : ".", files[i]);
		struct buf b = BUF_INIT;

		ok(read_file(path, &b, 0) == 0 && tree_agrees(b.s, b.len), "the cursor walks %s",
		   files[i]);
		buf_free(&b);
		free(path);
	}
}

static int
next_is(struct json_cursor *c, struct json_item *it, enum json_type type, const char *key)
{
	return json_cursor_next(c, it) == 1 && it->type == type &&
	       (key ? it->key && it->keylen == strlen(key) && memcmp(it->key, key, it->keylen) == 0
	            : it->key == NULL);
}

/* Strings and keys are views into the text until an escape needs decoding. */
static void
cursor_views(void)
{
	const char *text = "{\"plain\":\"abc\",\"k\\u0041\":\"x\\ny\\ud800\",\"\xc3\xa9\":\"\xe2\x82\xac\"}";
	struct json_cursor c;
	struct json_item it;

	json_cursor_init(&c, text, strlen(text), 0, NULL);
	ok(next_is(&c, &it, JSON_OBJECT, NULL) && it.raw == text && it.rawlen == 1, "an object opens");
	ok(next_is(&c, &it, JSON_STRING, "plain") && it.key == text + 2 && it.u.str.s == text + 10 &&
	           it.u.str.len == 3 && it.raw == text + 9 && it.rawlen == 5,
	   "an unescaped key and value point into the text");
	ok(next_is(&c, &it, JSON_STRING, "kA") && it.u.str.len == 6 &&
	           memcmp(it.u.str.s, "x\ny\xed\xa0\x80", 6) == 0 && it.u.str.lone_surrogate &&
	           !it.key_lone_surrogate && it.rawkeylen == 9,
	   "escapes decode into the cursor's buffers, a lone surrogate flagged");
	ok(next_is(&c, &it, JSON_STRING, "\xc3\xa9") && it.u.str.len == 3 &&
	           it.u.str.s == it.raw + 1,
	   "UTF-8 without escapes is still a view");
	ok(json_cursor_next(&c, &it) == 0 && json_cursor_pos(&c) == text + strlen(text),
	   "the object closes at the end");
	ok(json_cursor_next(&c, &it) == 0 && json_cursor_end(&c) == 0, "nothing follows it");
	json_cursor_free(&c);
}

static void
cursor_skip(void)
{
	const char *text = " {\"a\": [1, {\"b\": [2, \"]\"]}], \"c\": 3} ";
	const char *bad = "{\"a\":[1,{\"b\":x}],\"c\":3}";
	struct json_cursor c;
	struct json_error err;
	struct json_item it;

	json_cursor_init(&c, text, strlen(text), 0, NULL);
	ok(next_is(&c, &it, JSON_OBJECT, NULL) && next_is(&c, &it, JSON_ARRAY, "a") &&
	           next_is(&c, &it, JSON_NUMBER, NULL) && it.u.num.u == 1,
	   "into a nested list");
	ok(json_cursor_skip(&c) == 0 && next_is(&c, &it, JSON_NUMBER, "c") && it.u.num.u == 3,
	   "skipping the rest of the list reads its sibling next");
	ok(json_cursor_next(&c, &it) == 0 && json_cursor_skip(&c) == 0 && json_cursor_end(&c) == 0,
	   "at the top, skip has nothing to do and the text ends well");
	json_cursor_reset(&c, "[[1,2],3]", 9);
	ok(next_is(&c, &it, JSON_ARRAY, NULL) && next_is(&c, &it, JSON_ARRAY, NULL) &&
	           json_cursor_skip(&c) == 0 && next_is(&c, &it, JSON_NUMBER, NULL) && it.u.num.u == 3,
	   "a reset cursor reads another text; skip right after an open skips it whole");
	json_cursor_free(&c);

	json_cursor_init(&c, bad, strlen(bad), 0, &err);
	ok(next_is(&c, &it, JSON_OBJECT, NULL) && next_is(&c, &it, JSON_ARRAY, "a") &&
	           json_cursor_skip(&c) < 0 && strcmp(err.msg, "expected value") == 0 &&
	           err.col == 14,
	   "skip still checks what it skips");
	ok(json_cursor_next(&c, &it) < 0 && json_cursor_end(&c) < 0 && err.col == 14,
	   "after an error every call fails, and the first error stays");
	json_cursor_free(&c);

	json_cursor_init(&c, " 42 ", 4, 0, NULL);
	ok(next_is(&c, &it, JSON_NUMBER, NULL) && it.u.num.u == 42 && json_cursor_next(&c, &it) == 0 &&
	           json_cursor_end(&c) == 0,
	   "a scalar text is one item");
	json_cursor_reset(&c, "1 2", 3);
	ok(json_cursor_end(&c) < 0, "end reads an unread value and refuses what trails it");
	json_cursor_free(&c);
}

static void
cursor_depth(void)
{
	size_t n = 2000;
	char *deep = emalloc(2 * n);
	struct json_cursor c;
	struct json_error err;

	memset(deep, '[', n);
	memset(deep + n, ']', n);
	json_cursor_init(&c, deep, 2 * n, 2000, NULL);
	ok(json_cursor_end(&c) == 0, "a cursor's own depth limit may exceed the default");
	json_cursor_free(&c);
	json_cursor_init(&c, deep, 2 * n, 1999, &err);
	ok(json_cursor_end(&c) < 0 && strcmp(err.msg, "recursion limit exceeded") == 0 &&
	           err.col == 2000,
	   "and is kept");
	json_cursor_free(&c);
	free(deep);
}

/* An expected key is matched as it is read; anything else reads as ever. */
static void
cursor_expected_keys(void)
{
	const char *text = "{\"ab\":1,\"a\":2,\"\\u0061\":3,\"b\" : [4],\"a\"}";
	struct json_cursor c;
	struct json_error err;
	struct json_item it;

	json_cursor_init(&c, text, strlen(text), 0, &err);
	ok(next_is(&c, &it, JSON_OBJECT, NULL), "an object");
	ok(json_cursor_next_key(&c, &it, "a", 1) == 1 && it.keylen == 2 && it.u.num.u == 1,
	   "a longer key is not the expected one");
	ok(json_cursor_next_key(&c, &it, "a", 1) == 2 && it.key == text + 9 && it.rawkeylen == 3 &&
	           it.u.num.u == 2,
	   "the expected key: 2, the item as ever");
	ok(json_cursor_next_key(&c, &it, "a", 1) == 1 && it.keylen == 1 && *it.key == 'a' &&
	           it.rawkeylen == 8,
	   "an escaped spelling of it is read, and decoded, as any key");
	ok(json_cursor_next_key(&c, &it, "b", 1) == 2 && it.type == JSON_ARRAY &&
	           json_cursor_skip(&c) == 0,
	   "whitespace before the colon, a container as the value");
	ok(json_cursor_next_key(&c, &it, "a", 1) < 0 && strcmp(err.msg, "expected `:`") == 0,
	   "and a member without its colon fails as ever");
	json_cursor_free(&c);
	json_cursor_init(&c, "{\"a\":[1]}", 9, 1, &err);
	ok(next_is(&c, &it, JSON_OBJECT, NULL) &&
	           json_cursor_next_key(&c, &it, "a", 1) < 0 &&
	           strcmp(err.msg, "recursion limit exceeded") == 0,
	   "a container too deep under the expected key fails, not read as the close");
	json_cursor_free(&c);
}

/* Subtrees built from a cursor's items, as json_parse builds them, in one arena. */
static void
cursor_values(void)
{
	const char *text = "{\"a\":[1,{\"b\":\"x\\ty\"}],\"c\":2.5,\"d\":{\"e\":[]}}";
	struct json_doc doc = {0}, whole = {0};
	struct json_value a = {0}, c = {0}, *kept;
	struct json_cursor cur;
	struct json_item it;
	struct json_writer w;

	json_cursor_init(&cur, text, strlen(text), 0, NULL);
	ok(next_is(&cur, &it, JSON_OBJECT, NULL) && next_is(&cur, &it, JSON_ARRAY, "a") &&
	           json_cursor_value(&cur, &doc, &it, &a) == 0,
	   "a list built from its opening item");
	ok(next_is(&cur, &it, JSON_NUMBER, "c") && json_cursor_value(&cur, &doc, &it, &c) == 0 &&
	           c.u.num.d == 2.5 && c.raw == it.raw,
	   "a scalar built from its item, its double rounded");
	ok(next_is(&cur, &it, JSON_OBJECT, "d") && json_cursor_skip(&cur) == 0 &&
	           json_cursor_next(&cur, &it) == 0 && json_cursor_end(&cur) == 0,
	   "the cursor goes on after them");
	json_cursor_free(&cur);
	kept = json_doc_alloc(&doc, sizeof *kept);
	*kept = a;
	json_parse(&whole, text, strlen(text), 0, NULL);
	jw_init(&w, 0);
	jw_value(&w, kept);
	jw_value(&w, json_get(whole.root, "a"));
	is_str(w.s, "[1,{\"b\":\"x\\ty\"}][1,{\"b\":\"x\\ty\"}]",
	       "the built list is json_parse's, and lives in the document's arena");
	ok(a.raw == text + 5 && a.rawlen == 16, "with the extent of its text");
	jw_free(&w);
	json_doc_free(&doc);
	json_doc_free(&whole);
}

/* A cleared document keeps one arena, big enough for the largest tree so far. */
static void
doc_clear(void)
{
	struct buf big = BUF_INIT;
	struct json_doc doc = {0};
	int same = 1;

	buf_puts(&big, "[");
	for (int i = 0; i < 5000; i++)
		buf_printf(&big, "%s{\"n\":%d}", i ? "," : "", i);
	buf_puts(&big, "]");
	ok(json_parse(&doc, big.s, big.len, 0, NULL) == 0 && doc.root->u.arr.n == 5000,
	   "a tree bigger than one arena chunk");
	json_doc_clear(&doc);
	ok(doc.root == NULL && doc.chunks != NULL, "clear drops the tree, keeps memory");
	for (int i = 0; i < 3; i++) {
		const struct json_arena_chunk *first;

		same &= json_parse(&doc, big.s, big.len, 0, NULL) == 0 &&
		        json_get(json_index(doc.root, 4999), "n")->u.num.u == 4999;
		first = doc.chunks;
		json_doc_clear(&doc);
		same &= doc.chunks == first;
	}
	ok(same, "the same tree again fits the kept arena: no new chunk");
	json_doc_free(&doc);
	buf_free(&big);
}

int
main(void)
{
	corpus();
	integers();
	roundtrip_u64();
	doubles();
	shortest_roundtrip();
	parsed_doubles();
	errors();
	depth();
	strings();
	pretty();
	raw_reemit();
	fixture_walks();
	cursor_views();
	cursor_skip();
	cursor_depth();
	cursor_values();
	cursor_expected_keys();
	doc_clear();
	return done_testing();
}
