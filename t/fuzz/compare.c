/*
 * libFuzzer target for lib/compare, lib/metrics and lib/analyze: the
 * bytes are a policy file (first byte even) or one JSON value read as a
 * sidecar-shaped object (first byte odd), which becomes a row that is
 * detached, averaged with itself, compared with itself, listed and
 * analysed.  Checks: no crash, a row compared with itself has no
 * finding, a policy that parses either validates or says why.
 * Built and run by `make fuzz` (t/fuzz/run).
 */
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"
#include "compare/compare_analyze.h"
#include "compare/compare_metrics.h"
#include "json/json.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
policy(const char *text, size_t len)
{
	struct policy p;
	struct buf err = BUF_INIT;

	if (compare_policy_parse(&p, text, len, &err) == 0) {
		if (compare_policy_validate(&p, &compare_registries[REGISTRY_NEWEST], &err) < 0 && err.len == 0)
			abort();
		for (size_t i = 0; i < NMETRICS; i++)
			(void)compare_policy_threshold(&p, &compare_metrics[i]);
		compare_policy_free(&p);
	} else if (err.len == 0) {
		abort();
	}
	buf_free(&err);
}

static void
sidecar(const char *text, size_t len)
{
	struct json_doc doc = {0};
	struct analysis an = ANALYSIS_INIT;
	struct row rows[2];
	struct strlist none[NDIMS] = {{0}};
	struct filter f;
	struct slicing sl = {.nslice = 1, .npair = NDIMS - 1};
	struct side a, b;
	struct result res;
	struct policy p = {0};
	struct buf out = BUF_INIT;
	struct compare_values values = {0};
	size_t d, r;

	if (json_parse(&doc, text, len, 0, NULL) < 0 || doc.root->type != JSON_OBJECT) {
		json_doc_free(&doc);
		return;
	}
	compare_analysis_add(&an, doc.root);
	compare_analysis_add(&an, doc.root);
	compare_analysis_render(&out, &an);
	compare_analysis_free(&an);
	compare_row_from_json(&rows[0], doc.root, 0);
	compare_row_from_json(&rows[1], doc.root, 1);
	compare_row_detach(&rows[1]);
	compare_values_add(&values, &rows[0]);
	compare_values_add(&values, &rows[1]);
	compare_list_values(&out, &values, 1);
	compare_values_free(&values);
	for (d = 0; d < NDIMS; d++)
		f.dim[d] = &none[d];
	sl.slice[0] = DIM_KERNEL;
	for (d = 1; d < NDIMS; d++)
		sl.pair[d - 1] = (enum dim)d;
	/* The same run on both sides changes nothing, in every registry. */
	for (r = 0; r < NREGISTRIES; r++) {
		compare_side_select(&a, rows, 1, &f);
		compare_side_select(&b, rows, 1, &f);
		compare_side_group(&a, &sl, 1, &compare_registries[r]);
		compare_side_group(&b, &sl, 0, &compare_registries[r]);
		compare_sides(&a, &b, "", &p, &compare_registries[r], &res);
		if (res.nf != 0)
			abort();
		compare_result_free(&res);
		compare_side_free(&a);
		compare_side_free(&b);
	}
	compare_row_free(&rows[0]);
	compare_row_free(&rows[1]);
	buf_free(&out);
	json_doc_free(&doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] % 2 == 0)
		policy((const char *)data + 1, size - 1);
	else
		sidecar((const char *)data + 1, size - 1);
	return 0;
}
