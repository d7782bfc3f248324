/* compare_policy: the per-metric threshold file and --threshold's number syntax (compare.h). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "json/json.h"
#include "json/json_serde.h"

/* "at line L column C" of a position inside text. */
static void
where(struct buf *err, const char *text, const char *at)
{
	unsigned long line = 1, col = 1;
	const char *p;

	for (p = text; p < at; p++) {
		if (*p == '\n')
			line++, col = 1;
		else
			col++;
	}
	buf_printf(err, " at line %lu column %lu", line, col);
}

static int
type_error(struct buf *err, const char *text, const struct json_value *v, const char *expected)
{
	/* Room for the longest plain f64, about 330 digits. */
	char what[512];

	serde_unexpected(v, what, sizeof what);
	buf_printf(err, "invalid type: %s, expected %s", what, expected);
	where(err, text, v->raw);
	return -1;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct policy_entry *)a)->name, ((const struct policy_entry *)b)->name);
}

static int
policy_set_default(struct policy *p, const char *text, const struct json_value *v, struct buf *err)
{
	if (v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_NUMBER)
		return type_error(err, text, v, "f64");
	p->has_default = 1;
	p->default_percent = v->u.num.d;
	return 0;
}

static int
policy_set_map(struct policy *p, const char *text, const struct json_value *v, struct buf *err)
{
	size_t i, j;

	if (v->type != JSON_OBJECT)
		return type_error(err, text, v, "a map");
	for (i = 0; i < v->u.obj.n; i++) {
		const struct json_member *m = &v->u.obj.members[i];

		if (m->value.type != JSON_NUMBER)
			return type_error(err, text, &m->value, "f64");
		/* A repeated key keeps its last value. */
		for (j = 0; j < p->nper; j++)
			if (strcmp(p->per[j].name, m->key) == 0)
				break;
		if (j == p->nper) {
			p->per = ereallocarray(p->per, p->nper + 1, sizeof *p->per);
			p->per[p->nper++].name = estrdup(m->key);
		}
		p->per[j].percent = m->value.u.num.d;
	}
	if (p->nper > 1)
		qsort(p->per, p->nper, sizeof *p->per, cmp_entry);
	return 0;
}

int
compare_policy_parse(struct policy *p, const char *text, size_t len, struct buf *err)
{
	struct json_doc doc = {0};
	struct json_error jerr;
	const struct json_value *root;
	int rc = -1;
	size_t i, j;

	memset(p, 0, sizeof *p);
	if (json_parse(&doc, text, len, 0, &jerr) < 0) {
		char msg[256];
		json_error_string(&jerr, msg, sizeof msg);
		buf_puts(err, msg);
		goto out;
	}
	root = doc.root;
	if (root->type == JSON_ARRAY) {
		if (root->u.arr.n > 2) {
			buf_printf(err, "invalid length %zu, expected struct ComparisonPolicy with 2 elements",
			           root->u.arr.n);
			where(err, text, root->raw + root->rawlen - 1);
			goto out;
		}
		if (root->u.arr.n > 0 && policy_set_default(p, text, &root->u.arr.items[0], err) < 0)
			goto out;
		if (root->u.arr.n > 1 && policy_set_map(p, text, &root->u.arr.items[1], err) < 0)
			goto out;
		rc = 0;
		goto out;
	}
	if (root->type != JSON_OBJECT) {
		type_error(err, text, root, "struct ComparisonPolicy");
		goto out;
	}
	for (i = 0; i < root->u.obj.n; i++) {
		const struct json_member *m = &root->u.obj.members[i];
		int r;

		for (j = 0; j < i; j++)
			if (strcmp(root->u.obj.members[j].key, m->key) == 0)
				break;
		if (j < i) {
			buf_printf(err, "duplicate field `%s`", m->key);
			where(err, text, m->rawkey);
			goto out;
		}
		if (strcmp(m->key, "default_percent") == 0) {
			r = policy_set_default(p, text, &m->value, err);
		} else if (strcmp(m->key, "per_metric_percent") == 0) {
			r = policy_set_map(p, text, &m->value, err);
		} else {
			buf_printf(err, "unknown field `%s`, expected `default_percent` or `per_metric_percent`",
			           m->key);
			where(err, text, m->rawkey);
			r = -1;
		}
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	json_doc_free(&doc);
	if (rc < 0)
		compare_policy_free(p);
	return rc;
}

int
compare_policy_validate(const struct policy *p, const struct registry *reg, struct buf *err)
{
	size_t i;

	if (p->has_default && p->default_percent < 0) {
		buf_puts(err, "ComparisonPolicy: default_percent must be non-negative; got ");
		format_plain(err, p->default_percent);
		buf_puts(err, ". Thresholds are absolute-value comparisons \u2014 a negative value "
		              "would invert the dual-gate logic and silently classify every delta "
		              "as significant.");
		return -1;
	}
	for (i = 0; i < p->nper; i++) {
		if (reg && compare_registry_find(reg, p->per[i].name) == NULL) {
			size_t k;

			buf_printf(err,
			           "ComparisonPolicy: per_metric_percent contains unknown metric `%s`. "
			           "A typo in the key would silently fall through to default_percent. "
			           "Registered metrics: ",
			           p->per[i].name);
			for (k = 0; k < reg->n; k++)
				buf_printf(err, "%s%s", k ? ", " : "", reg->m[k].name);
			return -1;
		}
		if (p->per[i].percent < 0) {
			buf_printf(err, "ComparisonPolicy: per_metric_percent[\"%s\"] must be non-negative; got ",
			           p->per[i].name);
			format_plain(err, p->per[i].percent);
			return -1;
		}
	}
	return 0;
}

static int
cmp_name_entry(const void *name, const void *e)
{
	return strcmp(name, ((const struct policy_entry *)e)->name);
}

static const struct policy_entry *
policy_find(const struct policy *p, const char *name)
{
	return p->nper ? bsearch(name, p->per, p->nper, sizeof *p->per, cmp_name_entry) : NULL;
}

double
compare_policy_threshold(const struct policy *p, const struct metric *m)
{
	const struct policy_entry *e = policy_find(p, m->name);
	const char *alias;

	/* The metric's own name first, then its other one (stall_count, stuck_count). */
	if (e == NULL && (alias = compare_metric_alias(m->name)) != NULL)
		e = policy_find(p, alias);
	if (e)
		return e->percent / 100;
	if (p->has_default)
		return p->default_percent / 100;
	return m->default_rel;
}

void
compare_policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->nper; i++)
		free(p->per[i].name);
	free(p->per);
	memset(p, 0, sizeof *p);
}

int
compare_parse_rust_float(const char *s, double *out)
{
	const char *p = s;
	size_t digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (strcasecmp(p, "nan") == 0) {
		*out = NAN;
		return 0;
	}
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0')
		return -1;
	/* An overflowing literal is infinity, as Rust reads it. */
	json_strtod(s, strlen(s), out);
	return 0;
}
