/*
 * perfdelta: the base of a pull request, and the gate (compare_perfdelta.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_perfdelta.h"
#include "git/git.h"
#include "json/json.h"
#include "util/markdown.h"

/* The commit a ref names, and the words that say which ref it was. */
struct target {
	struct git_oid id;
	char what[256];
};

/*
 * The ref to take the merge base with: --base-ref, else origin/ of
 * $GITHUB_BASE_REF (its local branch when the remote one is not
 * fetched), else the default branch.
 */
static int
merge_target(struct git_repo *repo, const struct perf_base_spec *spec, struct target *t, struct buf *err)
{
	const char *gh = spec->github_base_ref;

	if (spec->base_ref) {
		snprintf(t->what, sizeof t->what, "%s", spec->base_ref);
		if (git_rev_parse(repo, spec->base_ref, &t->id) == 0)
			return 0;
		buf_printf(err, "--base-ref: cannot resolve '%s': %s", spec->base_ref, git_error(repo));
		return -1;
	}
	if (gh && *gh) {
		char remote[256];

		snprintf(remote, sizeof remote, "origin/%.200s", gh);
		snprintf(t->what, sizeof t->what, "%.210s ($GITHUB_BASE_REF)", remote);
		if (git_rev_parse(repo, remote, &t->id) == 0)
			return 0;
		snprintf(t->what, sizeof t->what, "%.100s ($GITHUB_BASE_REF; %.100s is not fetched)", gh, remote);
		if (git_rev_parse(repo, gh, &t->id) == 0)
			return 0;
		buf_printf(err, "$GITHUB_BASE_REF: cannot resolve '%s' or '%s': %s", remote, gh, git_error(repo));
		return -1;
	}
	gh = spec->default_branch ? spec->default_branch : "main";
	snprintf(t->what, sizeof t->what, "%s", gh);
	if (git_rev_parse(repo, gh, &t->id) == 0)
		return 0;
	buf_printf(err, "cannot resolve the default branch '%s' (--default-branch names another): %s", gh,
	           git_error(repo));
	return -1;
}

/* The newest merge base of HEAD and the target, into base; how says which. */
static int
merge_base(struct git_repo *repo, const struct git_oid *head, const struct perf_base_spec *spec,
           struct git_oid *base, struct perf_base *out, struct buf *err)
{
	struct target t;
	struct git_oid *v;
	size_t n;

	if (merge_target(repo, spec, &t, err) < 0)
		return -1;
	if (git_merge_bases(repo, head, &t.id, &v, &n) < 0) {
		buf_printf(err, "merge base of HEAD and %s: %s", t.what, git_error(repo));
		return -1;
	}
	if (n == 0) {
		free(v);
		buf_printf(err, "HEAD and %s have no common ancestor", t.what);
		return -1;
	}
	*base = v[0];
	free(v);
	if (n > 1)
		snprintf(out->how, sizeof out->how,
		         "merge-base of HEAD and %s; %zu merge bases, the most recent by committer date", t.what,
		         n);
	else
		snprintf(out->how, sizeof out->how, "merge-base of HEAD and %s", t.what);
	return 0;
}

int
compare_perf_base(const char *dir, const char *head, const struct perf_base_spec *spec,
                  struct perf_base *out, struct buf *err)
{
	struct git_repo *repo;
	struct git_oid hid, base;
	char e[512], hex[GIT_MAX_HEXSZ + 1];
	int rc = -1;

	memset(out, 0, sizeof *out);
	snprintf(out->head, sizeof out->head, "%s", head);
	if ((repo = git_open(dir, 1, e, sizeof e)) == NULL) {
		buf_printf(err, "no git repository to find the base in: %s", e);
		return -1;
	}
	if (git_head_oid(repo, &hid) < 0) {
		buf_printf(err, "HEAD does not resolve: %s", git_error(repo));
		goto out;
	}
	if (spec->base) {
		if (git_rev_parse(repo, spec->base, &base) < 0) {
			buf_printf(err, "--base: cannot resolve '%s': %s", spec->base, git_error(repo));
			goto out;
		}
		snprintf(out->how, sizeof out->how, "--base %s", spec->base);
	} else if (merge_base(repo, &hid, spec, &base, out, err) < 0) {
		goto out;
	}
	snprintf(out->base, sizeof out->base, "%.7s", git_oid_hex(repo, &base, hex));
	/* A dirty HEAD against its own commit is the work-in-progress case. */
	if (strcmp(out->base, out->head) == 0) {
		buf_printf(err,
		           "the base (%s) resolves to HEAD %s and the work tree is clean: both sides would be "
		           "the same runs; name another base with --base or --base-ref",
		           out->how, out->head);
		goto out;
	}
	rc = 0;
out:
	git_close(repo);
	return rc;
}

/* Why m is never a regression, or NULL when it may be one. */
static const char *
never_gated(const struct metric *m)
{
	if (m->flags & METRIC_SUPPRESSED)
		return "a rate's component, never compared";
	if (m->flags & METRIC_PHASE)
		return "kept per phase, never compared for a run";
	if (m->kind == KIND_PER_RUN_DISTRIBUTION)
		return "compared run by run, never averaged";
	if (m->polarity == INFORMATIONAL)
		return "informational: shown, never gated";
	return NULL;
}

int
compare_perf_check_metrics(const struct strlist *names, const struct registry *reg, struct buf *err)
{
	for (size_t i = 0; i < names->n; i++) {
		const char *name = names->v[i], *why;
		const struct metric *m = NULL;
		size_t r;

		for (r = 0; reg == NULL && m == NULL && r < NREGISTRIES; r++)
			m = compare_registry_find(&compare_registries[r], name);
		if (reg)
			m = compare_registry_find(reg, name);
		if (m == NULL && reg == NULL) {
			buf_printf(err, "--must-fail: unknown metric '%s' (--list-metrics lists the registry)",
			           name);
			return -1;
		}
		if (m == NULL) {
			buf_printf(err,
			           "--must-fail: '%s' is not a metric of the %s registry these runs are gated by "
			           "(--list-metrics --registry %s lists it)",
			           name, reg->name, reg->name);
			return -1;
		}
		if (reg && (why = never_gated(m)) != NULL) {
			buf_printf(err, "--must-fail: '%s' is %s", name, why);
			return -1;
		}
	}
	return 0;
}

/* A --must-fail name of m: its own, or its other one. */
static int
named(const struct strlist *l, const struct metric *m)
{
	const char *alias = compare_metric_alias(m->name);
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i], m->name) == 0 || (alias && strcmp(l->v[i], alias) == 0))
			return 1;
	return 0;
}

void
compare_perf_judge(const struct result *res, const struct registry *reg, const struct perf_gate *g,
                   struct perf_verdict *v)
{
	size_t k, i;

	memset(v, 0, sizeof *v);
	v->regressions = res->regressions;
	for (k = 0; k < reg->n; k++) {
		if (!named(g->must_fail, &reg->m[k]))
			continue;
		for (i = 0; i < res->nf; i++)
			if (res->f[i].metric == &reg->m[k] && res->f[i].verdict == VERDICT_REGRESSION) {
				strlist_add(&v->hit, reg->m[k].name);
				break;
			}
	}
	v->fail = v->regressions >= g->fail_threshold || v->hit.n > 0;
}

void
compare_perf_verdict_free(struct perf_verdict *v)
{
	strlist_free(&v->hit);
}

void
compare_perf_header(struct buf *out, const struct perf_base *b, int md)
{
	if (!md) {
		buf_printf(out, "base: %s (%s)\nhead: %s\n", b->base, b->how, b->head);
		return;
	}
	buf_printf(out, "**base** `%s` (", b->base);
	md_text(out, b->how);
	buf_printf(out, "), **head** `%s`\n\n", b->head);
}

void
compare_perf_footer(struct buf *out, const struct perf_gate *g, const struct perf_verdict *v, int md)
{
	struct buf line = BUF_INIT;

	buf_printf(&line, "%zu regression%s, %s --fail-threshold %zu", v->regressions,
	           v->regressions == 1 ? "" : "s",
	           v->regressions >= g->fail_threshold ? "reaching" : "below", g->fail_threshold);
	if (v->hit.n) {
		buf_puts(&line, "; --must-fail metric regressed: ");
		strv_join(&line, (const char *const *)v->hit.v, v->hit.n, ", ");
	} else if (g->must_fail && g->must_fail->n) {
		buf_puts(&line, "; no --must-fail metric regressed");
	}
	if (md) {
		buf_printf(out, "\n**gate: %s**: ", v->fail ? "FAIL" : "pass");
		md_text(out, line.s);
		buf_putc(out, '\n');
	} else {
		buf_printf(out, "\ngate: %s: %s\n", v->fail ? "FAIL" : "pass", line.s);
	}
	buf_free(&line);
}

static void
json_strings(struct json_writer *w, const char *key, const struct strlist *l)
{
	jw_key(w, key);
	jw_array_begin(w);
	for (size_t i = 0; l && i < l->n; i++)
		jw_string(w, l->v[i]);
	jw_array_end(w);
}

/* The opening members of --json's perf-delta object. */
static void
json_sides(struct json_writer *w, const struct perf_base *b)
{
	jw_object_begin(w);
	jw_key(w, "type");
	jw_string(w, "perf-delta");
	jw_key(w, "base");
	jw_string(w, b->base);
	jw_key(w, "head");
	jw_string(w, b->head);
	jw_key(w, "base_from");
	jw_string(w, b->how);
}

void
compare_perf_json(struct buf *out, const struct perf_base *b, const struct perf_gate *g,
                  const struct perf_verdict *v)
{
	struct json_writer w;

	jw_init(&w, 0);
	json_sides(&w, b);
	jw_key(&w, "base_runs");
	jw_bool(&w, 1);
	jw_key(&w, "regressions");
	jw_uint(&w, v->regressions);
	jw_key(&w, "fail_threshold");
	jw_uint(&w, g->fail_threshold);
	json_strings(&w, "must_fail", g->must_fail);
	json_strings(&w, "must_fail_regressed", &v->hit);
	jw_key(&w, "gate");
	jw_string(&w, v->fail ? "fail" : "pass");
	jw_object_end(&w);
	buf_add(out, w.s, w.len);
	buf_putc(out, '\n');
	jw_free(&w);
}

void
compare_perf_no_base(struct buf *out, const struct perf_base *b, int json, int md)
{
	struct json_writer w;

	if (!json) {
		buf_printf(out, "%snotice: the base %s has no runs: nothing to compare%s\n", md ? "\n" : "",
		           b->base, md ? "." : "");
		return;
	}
	jw_init(&w, 0);
	json_sides(&w, b);
	jw_key(&w, "base_runs");
	jw_bool(&w, 0);
	jw_key(&w, "gate");
	jw_string(&w, "pass");
	jw_object_end(&w);
	buf_add(out, w.s, w.len);
	buf_putc(out, '\n');
	jw_free(&w);
}
