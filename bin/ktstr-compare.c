/*
 * ktstr-compare: A/B comparison of ktstr sidecars with the metric
 * registry (ktstr-compare(1)), and the registry (--list-metrics), the
 * filter values (--list-values) and the run analysis (--analyze).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare/compare.h"
#include "compare/compare_analyze.h"
#include "compare/compare_history.h"
#include "compare/compare_metrics.h"
#include "compare/compare_output.h"
#include "compare/compare_perfdelta.h"
#include "compare/compare_stats.h"
#include "host/host.h"
#include "host/host_preflight.h"
#include "json/json.h"
#include "rundir/rundir.h"
#include "sidecar/sidecar.h"
#include "util/publish.h"
#include "util/table.h"
#include "util/util.h"

enum mode { MODE_COMPARE, MODE_LIST_METRICS, MODE_LIST_VALUES, MODE_ANALYZE, MODE_PERF_DELTA, MODE_HISTORY };

/* The modes an option applies to, as a bit set. */
#define IN(m) (1u << (m))
#define COMPARING (IN(MODE_COMPARE) | IN(MODE_PERF_DELTA) | IN(MODE_HISTORY))
#define AB (IN(MODE_COMPARE) | IN(MODE_PERF_DELTA)) /* the modes with two sides */

/* What ktstr-compare(1) adds to the comparison beyond upstream. */
struct extras {
	int spread;
	double significance; /* P, or 0 */
	int json, tsv, markdown;
	const char *svg;     /* chart file, or NULL */
};

/* What the command line asks for. */
struct cmdline {
	enum mode mode;
	const char *substr, *threshold, *policy_file, *dir;
	const struct registry *reg;     /* --registry; NULL: the pool's newest generation's */
	enum colour_when when;
	int json, average;
	struct extras x;
	struct strlist lists[3][NDIMS]; /* the dimension filters: shared, --a-X, --b-X */
	const char *range;              /* --history's A..B, or NULL for HEAD's history */
	struct perf_base_spec base;     /* --perf-delta's base */
	struct perf_gate gate;
	struct strlist must_fail;
	int filters;                    /* a dimension filter was given */
	int side_filters;               /* an --a-X or --b-X filter was given */
	char **operands;
	size_t noperands;
};

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [filters] [--threshold PCT | --policy FILE] [--registry REG]\n"
	        "           [--no-average] [-E SUBSTR] [--color=WHEN] [--spread] [--significance P]\n"
	        "           [--json | --tsv | --markdown] [--svg FILE] [--dir ROOT] [PATH...]\n"
	        "       %s --perf-delta [--base REV | --base-ref REF] [--default-branch BRANCH]\n"
	        "           [--fail-threshold N] [--must-fail METRIC[,METRIC...]] [filters]\n"
	        "           [--threshold PCT | --policy FILE] [--registry REG] [-E SUBSTR]\n"
	        "           [--significance P] [--json | --tsv | --markdown] [--dir ROOT] [PATH...]\n"
	        "       %s --history[=RANGE] [filters] [--threshold PCT | --policy FILE]\n"
	        "           [--registry REG] [-E SUBSTR] [--significance P] [--json | --markdown]\n"
	        "           [--svg FILE] [--dir ROOT] [PATH...]\n"
	        "       %s --list-metrics [--registry REG] [--json]\n"
	        "       %s --list-values [--json] [--dir ROOT] [PATH...]\n"
	        "       %s --analyze [--dir ROOT] [PATH...]\n",
	        progname, progname, progname, progname, progname, progname);
	exit(stdout_status(status));
}

/*
 * The pool as rows.  A worker makes each sidecar's row as it reads it;
 * in input order, its values join the pool's, the row is detached and
 * kept when a filter of the mode selects it, and its document is freed,
 * so memory grows with the kept rows only; each side's host (the first sidecar with one that the side
 * selects) is picked on the way, since the side filters are known
 * before the pool is read.
 */
struct pool {
	struct row *rows;  /* the rows one of keep selects, in input order */
	size_t n;
	const struct filter *keep; /* what the mode reads rows for: none, one or both sides */
	size_t nkeep;
	struct compare_values values; /* of every row read, kept or not */
	int archive;               /* "archive" run source for an explicit root */
	const struct filter *side; /* for the host section; NULL: none */
	struct host_context host[2];
	int have_host[2];
};

/* Does a filter the mode reads rows for select r? */
static int
pool_keeps(const struct pool *p, const struct row *r)
{
	for (size_t i = 0; i < p->nkeep; i++)
		if (compare_filter_match(&p->keep[i], r))
			return 1;
	return 0;
}

/* The row of a sidecar, made as soon as it is read (on any thread); its strings are the document's. */
static void *
pool_row(const struct sidecar *sc, void *arg)
{
	const struct pool *p = arg;
	struct row *r = emalloc(sizeof *r);

	compare_row_from_json(r, sc->doc.root, p->archive && sc->archive);
	return r;
}

/*
 * The sidecars in input order: each row's values into the pool's, the
 * row itself only when the mode reads it, and each side's first host.
 */
static void
pool_take(struct sidecar *sc, void *arg)
{
	struct pool *p = arg;
	struct row *r = sc->prepared;
	size_t i;

	compare_values_add(&p->values, r);
	for (i = 0; p->side && i < 2; i++) {
		const struct json_value *h;
		char err[256];

		if (p->have_host[i] || (h = json_get(sc->doc.root, "host")) == NULL ||
		    h->type == JSON_NULL || !compare_filter_match(&p->side[i], r))
			continue;
		p->have_host[i] = host_from_json(&p->host[i], h, err, sizeof err) == 0;
	}
	if (pool_keeps(p, r)) {
		/*
		 * Detached here, not by the worker that made it: what the pool
		 * keeps is then allocated by one thread, apart from the
		 * documents the workers allocate and free.
		 */
		compare_row_detach(r);
		/* Grow by doubling: 10k sidecars must not be quadratic. */
		if ((p->n & (p->n - 1)) == 0)
			p->rows = ereallocarray(p->rows, p->n ? p->n * 2 : 1, sizeof *p->rows);
		p->rows[p->n++] = *r;
	} else {
		compare_row_free(r);
	}
	free(r);
	sidecar_free(sc);
}

/*
 * An input named on the command line (or $KTSTR_SIDECAR_DIR) could not
 * be read: whatever the mode finds in the others, the exit status is 2.
 */
static int input_failed;

/* Read the inputs (ktstr-compare(1), Inputs) into p; *source names them. */
static void
pool_load(struct pool *p, const char *dir, char **operands, size_t noperands, char **source)
{
	struct sidecar_set set = {0};

	set.prepare = pool_row;
	set.each = pool_take;
	set.lend = 1; /* pool_take frees every sidecar */
	set.arg = p;
	/* A row reads the view and the host: nothing else needs building. */
	if (sidecar_load_inputs(dir, operands, noperands, SIDECAR_MODELLED, &set, source) < 0)
		input_failed = 1;
	sidecar_set_free(&set);
	compare_rows_spell(p->rows, p->n, p->values.newest);
	compare_values_spell(&p->values);
}

static void
pool_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		compare_row_free(&p->rows[i]);
	free(p->rows);
	compare_values_free(&p->values);
	host_free(&p->host[0]);
	host_free(&p->host[1]);
}

static void
analysis_take(struct sidecar *sc, void *arg)
{
	compare_analysis_add(arg, sc->doc.root);
	sidecar_free(sc);
}

/* The explicit inputs or stdin stream, else $KTSTR_SIDECAR_DIR, else the newest run. */
static void
load_analysis(const char *dir, char **operands, size_t noperands, struct analysis *a)
{
	struct sidecar_set set = {0};
	const char *env = getenv("KTSTR_SIDECAR_DIR");
	char *root, *name, *path, *source = NULL;

	set.each = analysis_take;
	set.lend = 1; /* analysis_take frees every sidecar */
	set.arg = a;
	if (dir || noperands || sidecar_stdin_is_input()) {
		if (sidecar_load_inputs(dir, operands, noperands, 0, &set, &source) < 0)
			input_failed = 1;
		free(source);
	} else if (env && *env) {
		if (sidecar_walk_run(env, NULL, 0, 0, &set) < 0) {
			char e[128];

			warning("cannot read KTSTR_SIDECAR_DIR %s: %s", env, os_error(errno, e, sizeof e));
			input_failed = 1;
		}
	} else {
		root = sidecar_runs_root();
		if ((name = sidecar_newest_run(root)) != NULL) {
			path = path_join(root, name);
			sidecar_walk_run(path, name, 0, 0, &set);
			free(path);
			free(name);
		}
		free(root);
	}
	sidecar_set_free(&set);
}

static void
build_policy(struct policy *p, const char *threshold, const char *file)
{
	struct buf err = BUF_INIT, text = BUF_INIT;
	char ebuf[128];

	memset(p, 0, sizeof *p);
	if (threshold) {
		p->has_default = 1;
		if (compare_parse_rust_float(threshold, &p->default_percent) < 0) {
			warning("invalid value '%s' for '--threshold <THRESHOLD>': invalid float literal",
			     threshold);
			usage(EXIT_ERROR);
		}
		if (compare_policy_validate(p, NULL, &err) < 0)
			die("%s", err.s);
	}
	if (file) {
		if (read_file_at(AT_FDCWD, file, &text, COMPARE_POLICY_MAX, READ_FIFO) < 0)
			die("read comparison policy from %s: %s", file, os_error(errno, ebuf, sizeof ebuf));
		if (compare_policy_parse(p, text.s, text.len, &err) < 0)
			die("parse comparison policy from %s: %s", file, err.s);
		if (compare_policy_validate(p, NULL, &err) < 0)
			die("validate comparison policy from %s: %s", file, err.s);
	}
	buf_free(&text);
	buf_free(&err);
}

/* The registry that gates the pool: --registry's, else its newest generation's. */
static const struct registry *
pool_registry(const struct cmdline *cl, const struct pool *pool)
{
	return cl->reg ? cl->reg : compare_registry_of(pool->values.newest);
}

/* A policy file names metrics of the registry in force. */
static void
check_policy(const struct policy *p, const struct cmdline *cl, const struct registry *reg)
{
	struct buf err = BUF_INIT;

	if (cl->policy_file && compare_policy_validate(p, reg, &err) < 0)
		die("validate comparison policy from %s: %s", cl->policy_file, err.s);
	buf_free(&err);
}

/*
 * A chart, staged and renamed into place: a failed write leaves the old
 * file.  A symlink there is neither followed nor replaced (publish.h).
 */
static void
publish(const char *path, const struct buf *b)
{
	if (file_publish(path, b->s ? b->s : "", b->len) < 0)
		die("cannot write '%s':", path);
}

static void
write_svg(const char *path, const struct report *rep)
{
	struct buf svg = BUF_INIT;

	compare_svg(&svg, rep);
	publish(path, &svg);
	buf_free(&svg);
}

/* The two sides of a comparison, read, selected and grouped. */
struct sides {
	struct filter f[2];
	struct slicing sl;
	struct pool pool;
	const struct registry *reg; /* the registry in force */
	struct side side[2];
	char *source; /* what the pool was read from */
};

/*
 * The dimensions that separate A from B; more than one is warned about.
 * commits, when not NULL, are the project commits of A and B, taken
 * as they are (no revision to expand).
 */
static void
find_slicing(struct sides *sd, struct strlist lists[3][NDIMS], const char *const commits[2])
{
	struct buf msg = BUF_INIT;
	unsigned empty[3];

	compare_commits_expand_lists(lists, empty);
	for (size_t i = 0; commits && i < 2; i++) {
		strlist_add(&lists[1 + i][DIM_PROJECT_COMMIT], commits[i]);
		empty[1 + i] &= ~(1u << DIM_PROJECT_COMMIT);
	}
	compare_filters_build(lists[0], lists[1], lists[2], empty, sd->f);
	compare_slicing_find(sd->f, &sd->sl);
	if (sd->sl.nslice == 0)
		die("A and B select identical rows. Specify at least one per-side filter (e.g. "
		    "--a-kernel 6.14 --b-kernel 6.15) to define what dimension separates the two sides.");
	if (sd->sl.nslice > 1) {
		for (size_t i = 0; i < sd->sl.nslice; i++)
			buf_printf(&msg, "%s%s", i ? ", " : "", compare_dim_name[sd->sl.slice[i]]);
		warning("warning: slicing on %zu dimensions [%s]; results compress multiple axes into a "
		     "single A/B contrast.",
		     sd->sl.nslice, msg.s);
	}
	buf_free(&msg);
}

/*
 * Read the pool and sort its rows into the sides; every failure dies,
 * but an empty side A when base_may_be_empty: then 1.
 */
static int
load_sides(struct sides *sd, const struct cmdline *cl, int base_may_be_empty)
{
	struct buf msg = BUF_INIT;
	size_t i;

	sd->pool = (struct pool){.keep = sd->f, .nkeep = 2, .archive = 1, .side = sd->f};
	pool_load(&sd->pool, cl->dir, cl->operands, cl->noperands, &sd->source);
	if (sd->pool.values.n == 0)
		die("no sidecar data found in %s. Run `ktstr-test` to generate runs, or pass --dir to "
		    "point at an archived sidecar tree.",
		    sd->source);
	for (i = 0; i < 2; i++)
		compare_side_select(&sd->side[i], sd->pool.rows, sd->pool.n, &sd->f[i]);
	for (i = 0; i < 2; i++)
		if (sd->side[i].nrows == 0 && !(i == 0 && base_may_be_empty)) {
			compare_zero_match_message(&msg, (char)('A' + i), &sd->f[i], &sd->pool.values,
			                           sd->source);
			die("%s", msg.s);
		}
	if (sd->side[0].nrows == 0) {
		buf_free(&msg);
		return 1;
	}
	compare_dirty_warning(&msg, &sd->side[0], &sd->side[1]);
	if (msg.len)
		warning("%s", msg.s);
	buf_reset(&msg);
	sd->reg = pool_registry(cl, &sd->pool);
	compare_slicing_prune(&sd->sl, sd->pool.values.carries);
	for (i = 0; i < 2; i++)
		compare_side_group(&sd->side[i], &sd->sl, cl->average, sd->reg);
	for (i = 0; i < 2 && !cl->average; i++)
		if (compare_side_check_unique(&sd->side[i], (char)('A' + i), &msg) < 0)
			die("%s", msg.s);
	buf_free(&msg);
	return 0;
}

static void
sides_free(struct sides *sd)
{
	for (size_t i = 0; i < 2; i++)
		compare_side_free(&sd->side[i]);
	pool_free(&sd->pool);
	free(sd->source);
}

/*
 * The section on the two sides' hosts, after a warning when they
 * differ in a way that makes the comparison doubtful.
 */
static void
host_section(struct buf *host, const struct pool *pool, char *const label[2])
{
	struct buf msg = BUF_INIT;

	if (pool->have_host[0] && pool->have_host[1] &&
	    host_preflight(&msg, &pool->host[0], &pool->host[1]))
		warning("warning: '%s' and '%s' ran on different hosts (%s differ); the comparison may "
		     "measure the hosts, not the change",
		     label[0], label[1], msg.s);
	buf_free(&msg);
	host_format_delta(host, pool->have_host[0] ? &pool->host[0] : NULL,
	                  pool->have_host[1] ? &pool->host[1] : NULL, label[0], label[1]);
}

/* The comparison as the options ask for it: chart, JSON, TSV or the report. */
static void
render(struct buf *out, const struct report *rep, const struct extras *x)
{
	/* The chart first: a file that cannot be written leaves stdout empty. */
	if (x->svg)
		write_svg(x->svg, rep);
	if (x->json)
		compare_json(out, rep, x->significance);
	else if (x->tsv)
		compare_tsv(out, rep);
	else if (x->markdown)
		compare_markdown(out, rep);
	else
		compare_report_render(out, rep);
}

/* A comparison, from the options to the report. */
struct comparison {
	struct policy policy;
	struct sides sd;
	struct result res;
	struct buf host;
	char *label[2];
	struct report rep;
};

/*
 * Read, pair and judge; commits as find_slicing takes them.  Returns 1,
 * with nothing compared, when side A selects no run and base_may_be_empty.
 */
static int
comparison_run(struct comparison *c, struct cmdline *cl, const char *const commits[2],
               int base_may_be_empty)
{
	const struct extras *x = &cl->x;
	size_t untested;

	memset(c, 0, sizeof *c);
	build_policy(&c->policy, cl->threshold, cl->policy_file);
	find_slicing(&c->sd, cl->lists, commits);
	if (load_sides(&c->sd, cl, base_may_be_empty))
		return 1;
	check_policy(&c->policy, cl, c->sd.reg);
	compare_sides(&c->sd.side[0], &c->sd.side[1], cl->substr, &c->policy, c->sd.reg, &c->res);
	/* The runs behind each value matter only to what goes beyond upstream. */
	untested = x->spread || x->significance > 0 || x->json || x->tsv || x->svg
	                   ? compare_stats_attach(&c->res, x->significance)
	                   : 0;
	if (untested)
		warning("warning: --significance: %zu change(s) with fewer than %d runs on a side are "
		     "judged by the gates alone",
		     untested, WELCH_MIN_N);

	c->label[0] = compare_side_label(&c->sd.f[0], &c->sd.sl, 'A');
	c->label[1] = compare_side_label(&c->sd.f[1], &c->sd.sl, 'B');
	host_section(&c->host, &c->sd.pool, c->label);
	c->rep = (struct report){c->sd.reg, &c->sd.sl, {c->label[0], c->label[1]}, cl->average,
	                         colour_enabled(cl->when, 1), {&c->sd.side[0], &c->sd.side[1]},
	                         &c->res, c->host.len ? c->host.s : "", x->spread,
	                         x->significance > 0};
	return 0;
}

static void
comparison_free(struct comparison *c)
{
	compare_result_free(&c->res);
	free(c->label[0]);
	free(c->label[1]);
	sides_free(&c->sd);
	buf_free(&c->host);
	compare_policy_free(&c->policy);
}

/* ktstr-compare [filters] ...: the A/B comparison; EXIT_FOUND on a regression. */
static int
mode_compare(struct buf *out, struct cmdline *cl)
{
	struct comparison c;
	int status;

	comparison_run(&c, cl, NULL, 0);
	render(out, &c.rep, &cl->x);
	status = c.res.regressions > 0 ? EXIT_FOUND : EXIT_OK;
	comparison_free(&c);
	return status;
}

/* HEAD's project commit, as ktstr-rundir --commit says it, and the base. */
static void
perf_sides(const struct cmdline *cl, struct perf_base *pb)
{
	struct rundir_commit head;
	struct buf err = BUF_INIT;
	char *cwd = getcwd(NULL, 0);

	if (cwd == NULL)
		die("cannot find the current directory:");
	rundir_probe_commit(cwd, 1, &head);
	if (head.status != RUNDIR_COMMIT_FOUND)
		die("--perf-delta: no project commit for HEAD: %s", head.why);
	if (compare_perf_base(cwd, head.str, &cl->base, pb, &err) < 0)
		die("--perf-delta: %s", err.s);
	free(cwd);
	buf_free(&err);
}

/* --perf-delta: HEAD's runs against the base's; EXIT_FOUND when the gate fails. */
static int
mode_perf_delta(struct buf *out, struct cmdline *cl)
{
	const struct extras *x = &cl->x;
	struct perf_base pb;
	struct perf_verdict v;
	struct comparison c;
	struct buf err = BUF_INIT;
	const char *commits[2];
	int status;

	cl->base.github_base_ref = getenv("GITHUB_BASE_REF");
	cl->gate.must_fail = &cl->must_fail;
	if (!cl->gate.fail_threshold)
		cl->gate.fail_threshold = PERF_FAIL_THRESHOLD;
	if (compare_perf_check_metrics(&cl->must_fail, cl->reg, &err) < 0)
		die("%s", err.s);
	perf_sides(cl, &pb);
	commits[0] = pb.base;
	commits[1] = pb.head;
	if (!x->json && !x->tsv)
		compare_perf_header(out, &pb, x->markdown);
	if (comparison_run(&c, cl, commits, 1)) {
		compare_perf_no_base(out, &pb, x->json, x->markdown);
		comparison_free(&c);
		buf_free(&err);
		return EXIT_OK;
	}
	if (compare_perf_check_metrics(&cl->must_fail, c.sd.reg, &err) < 0)
		die("%s", err.s);
	render(out, &c.rep, x);
	compare_perf_judge(&c.res, c.sd.reg, &cl->gate, &v);
	if (x->json)
		compare_perf_json(out, &pb, &cl->gate, &v);
	else if (!x->tsv)
		compare_perf_footer(out, &cl->gate, &v, x->markdown);
	status = v.fail ? EXIT_FOUND : EXIT_OK;
	compare_perf_verdict_free(&v);
	comparison_free(&c);
	buf_free(&err);
	return status;
}

/*
 * The runs the shared filters select, grouped one group per test over
 * every commit (project-commit sliced, so it is no part of the key).
 */
static const struct registry *
history_side(struct side *s, struct pool *pool, struct cmdline *cl, struct slicing *sl)
{
	const struct registry *reg;
	struct strlist apart[2][NDIMS] = {{{NULL, 0}}};
	struct filter fsel[2], fsl[2];
	char *source = NULL;
	unsigned empty[3];

	/* --a-X and --b-X are refused with --history: only the shared lists filter. */
	compare_commits_expand_lists(cl->lists, empty);
	compare_filters_build(cl->lists[0], cl->lists[0], cl->lists[0], empty, fsel);
	strlist_add(&apart[0][DIM_PROJECT_COMMIT], "a");
	strlist_add(&apart[1][DIM_PROJECT_COMMIT], "b");
	compare_filters_build(cl->lists[0], apart[0], apart[1], NULL, fsl);
	compare_slicing_find(fsl, sl);
	strlist_free(&apart[0][DIM_PROJECT_COMMIT]);
	strlist_free(&apart[1][DIM_PROJECT_COMMIT]);
	*pool = (struct pool){.keep = fsel, .nkeep = 1, .archive = 1};
	pool_load(pool, cl->dir, cl->operands, cl->noperands, &source);
	if (pool->values.n == 0)
		die("no sidecar data found in %s. Run `ktstr-test` to generate runs, or pass --dir to "
		    "point at an archived sidecar tree.",
		    source);
	compare_side_select(s, pool->rows, pool->n, &fsel[0]);
	if (s->nrows == 0)
		die("the filters match none of the %zu sidecars in %s", pool->values.n, source);
	reg = pool_registry(cl, pool);
	compare_slicing_prune(sl, pool->values.carries);
	compare_side_group(s, sl, 1, reg);
	free(source);
	return reg;
}

/* --history[=RANGE]: the change points along a history; EXIT_FOUND on a regressing one. */
static int
mode_history(struct buf *out, struct cmdline *cl)
{
	struct cp_params cp = CP_PARAMS_DEFAULT;
	const struct registry *reg;
	struct history h;
	struct history_result res;
	struct policy policy;
	struct slicing sl;
	struct pool pool;
	struct side side;
	struct buf err = BUF_INIT, svg = BUF_INIT;
	char *cwd = getcwd(NULL, 0);
	int status;

	if (cwd == NULL)
		die("cannot find the current directory:");
	if (cl->x.significance > 0)
		cp.significance = cl->x.significance;
	build_policy(&policy, cl->threshold, cl->policy_file);
	if (compare_history_commits(cwd, cl->range, &h, &err) < 0)
		die("%s", err.s);
	reg = history_side(&side, &pool, cl, &sl);
	check_policy(&policy, cl, reg);
	compare_history_find(&side, &h, &policy, reg, &cp, cl->substr, &res);
	if (cl->x.svg) {
		compare_history_svg(&svg, &h, &res);
		publish(cl->x.svg, &svg);
	}
	if (cl->x.json)
		compare_history_json(out, &h, &res);
	else if (cl->x.markdown)
		compare_history_markdown(out, &h, &res, &cp);
	else
		compare_history_render(out, &h, &res, &cp, colour_enabled(cl->when, 1));
	status = res.regressions ? EXIT_FOUND : EXIT_OK;
	compare_history_result_free(&res);
	compare_side_free(&side);
	pool_free(&pool);
	compare_history_free(&h);
	compare_policy_free(&policy);
	buf_free(&svg);
	buf_free(&err);
	free(cwd);
	return status;
}

/* --list-values: every value of every dimension in the pool. */
static int
mode_list_values(struct buf *out, const struct cmdline *cl)
{
	struct pool p = {.archive = 1}; /* no row kept: the values are all it lists */
	char *source = NULL;

	pool_load(&p, cl->dir, cl->operands, cl->noperands, &source);
	compare_list_values(out, &p.values, cl->json);
	pool_free(&p);
	free(source);
	return EXIT_OK;
}

/* --analyze: the report of one run. */
static int
mode_analyze(struct buf *out, const struct cmdline *cl)
{
	struct analysis a = ANALYSIS_INIT;

	load_analysis(cl->dir, cl->operands, cl->noperands, &a);
	if (a.n == 0)
		warning("no sidecar data found (skipped)");
	else
		compare_analysis_render(out, &a);
	compare_analysis_free(&a);
	return EXIT_OK;
}

/* ---- Options --------------------------------------------------------------- */

static void
parse_color(struct cmdline *cl, const char *arg)
{
	if (colour_parse(arg, &cl->when) < 0) {
		warning("invalid value '%s' for '--color': expected auto, always or never", arg);
		usage(EXIT_ERROR);
	}
}

/* --significance P: a probability in (0, 1]. */
static void
parse_significance(struct cmdline *cl, const char *arg)
{
	double p;

	if (compare_parse_rust_float(arg, &p) < 0 || !(p > 0 && p <= 1)) {
		warning("invalid value '%s' for '--significance': expected a p-value threshold in (0, 1]",
		        arg);
		usage(EXIT_ERROR);
	}
	cl->x.significance = p;
}

/* --fail-threshold N: regressions that fail the gate, at least 1. */
static void
parse_fail_threshold(struct cmdline *cl, const char *arg)
{
	cl->gate.fail_threshold = (size_t)num_arg("--fail-threshold", arg, 1, 1000000000);
}

/* --registry 0.4|0.5|newest|auto. */
static void
parse_registry(struct cmdline *cl, const char *arg)
{
	if (strcmp(arg, "auto") == 0) {
		cl->reg = NULL;
		return;
	}
	if ((cl->reg = compare_registry_named(arg)) == NULL) {
		warning("invalid value '%s' for '--registry': expected 0.4, 0.5, newest or auto", arg);
		usage(EXIT_ERROR);
	}
}

/* --must-fail M[,M...]: empty names are a usage error. */
static void
parse_must_fail(struct cmdline *cl, const char *arg)
{
	const char *p = arg, *comma;

	for (;;) {
		char *name;

		comma = strchr(p, ',');
		if ((comma ? (size_t)(comma - p) : strlen(p)) == 0) {
			warning("invalid value '%s' for '--must-fail': an empty metric name", arg);
			usage(EXIT_ERROR);
		}
		name = comma ? estrndup(p, (size_t)(comma - p)) : estrdup(p);
		strlist_add(&cl->must_fail, name);
		free(name);
		/* Not NULL + 1: undefined, and UBSan says so. */
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

/* How an option's value is kept. */
enum opt_kind {
	OPT_STRING, /* the argument, in the const char * at off */
	OPT_SET,    /* 1 in the int at off */
	OPT_CLEAR,  /* 0 in the int at off */
	OPT_PARSE,  /* parse(cl, argument) */
	OPT_MODE,   /* the mode at off: one mode at most */
	OPT_HELP,
};

#define AT(member) offsetof(struct cmdline, member)

/*
 * The options besides the dimension filters, one line each, with the
 * modes that take them.  Every option but a mode and --help may be
 * given once.
 */
static const struct opt {
	const char *name;
	int has_arg;
	int short_name; /* 0: none */
	enum opt_kind kind;
	size_t off;
	void (*parse)(struct cmdline *cl, const char *arg);
	unsigned modes;
} opts[] = {
	{"filter", required_argument, 'E', OPT_STRING, AT(substr), NULL, COMPARING},
	{"threshold", required_argument, 0, OPT_STRING, AT(threshold), NULL, COMPARING},
	{"policy", required_argument, 0, OPT_STRING, AT(policy_file), NULL, COMPARING},
	{"registry", required_argument, 0, OPT_PARSE, 0, parse_registry, COMPARING | IN(MODE_LIST_METRICS)},
	{"dir", required_argument, 0, OPT_STRING, AT(dir), NULL, ~0u},
	{"no-average", no_argument, 0, OPT_CLEAR, AT(average), NULL, AB},
	{"color", required_argument, 0, OPT_PARSE, 0, parse_color, COMPARING},
	{"list-metrics", no_argument, 0, OPT_MODE, MODE_LIST_METRICS, NULL, ~0u},
	{"list-values", no_argument, 0, OPT_MODE, MODE_LIST_VALUES, NULL, ~0u},
	{"analyze", no_argument, 0, OPT_MODE, MODE_ANALYZE, NULL, ~0u},
	{"perf-delta", no_argument, 0, OPT_MODE, MODE_PERF_DELTA, NULL, ~0u},
	{"history", optional_argument, 0, OPT_MODE, MODE_HISTORY, NULL, ~0u},
	{"json", no_argument, 0, OPT_SET, AT(json), NULL, ~IN(MODE_ANALYZE)},
	{"spread", no_argument, 0, OPT_SET, AT(x.spread), NULL, AB},
	{"significance", required_argument, 0, OPT_PARSE, 0, parse_significance, COMPARING},
	{"tsv", no_argument, 0, OPT_SET, AT(x.tsv), NULL, AB},
	{"markdown", no_argument, 0, OPT_SET, AT(x.markdown), NULL, COMPARING},
	{"svg", required_argument, 0, OPT_STRING, AT(x.svg), NULL, COMPARING},
	{"base", required_argument, 0, OPT_STRING, AT(base.base), NULL, IN(MODE_PERF_DELTA)},
	{"base-ref", required_argument, 0, OPT_STRING, AT(base.base_ref), NULL, IN(MODE_PERF_DELTA)},
	{"default-branch", required_argument, 0, OPT_STRING, AT(base.default_branch), NULL,
	 IN(MODE_PERF_DELTA)},
	{"fail-threshold", required_argument, 0, OPT_PARSE, 0, parse_fail_threshold, IN(MODE_PERF_DELTA)},
	{"must-fail", required_argument, 0, OPT_PARSE, 0, parse_must_fail, IN(MODE_PERF_DELTA)},
	{"help", no_argument, 'h', OPT_HELP, 0, NULL, ~0u},
};

/* getopt_long's value for opts[i]; a dimension filter k is OPT_BASE + LEN(opts) + k. */
#define OPT_BASE 256

static void
apply_option(struct cmdline *cl, const struct opt *o, const char *arg, unsigned char *seen)
{
	char *p = (char *)cl + o->off;

	if (o->kind != OPT_MODE && o->kind != OPT_HELP && seen[o - opts]++) {
		warning("option --%s given more than once", o->name);
		usage(EXIT_ERROR);
	}
	if (o->kind == OPT_MODE)
		seen[o - opts] = 1;
	switch (o->kind) {
	case OPT_STRING:
		*(const char **)(void *)p = arg;
		break;
	case OPT_SET:
	case OPT_CLEAR:
		*(int *)(void *)p = o->kind == OPT_SET;
		break;
	case OPT_PARSE:
		o->parse(cl, arg);
		break;
	case OPT_MODE:
		if (cl->mode != MODE_COMPARE) {
			warning("--list-metrics, --list-values, --analyze, --perf-delta and --history exclude "
			        "each other");
			usage(EXIT_ERROR);
		}
		cl->mode = (enum mode)o->off;
		if (cl->mode == MODE_HISTORY)
			cl->range = arg;
		break;
	case OPT_HELP:
		usage(EXIT_OK);
	}
}

static const char *
mode_option(enum mode m)
{
	for (size_t i = 0; i < LEN(opts); i++)
		if (opts[i].kind == OPT_MODE && opts[i].off == (size_t)m)
			return opts[i].name;
	return NULL;
}

/* Every option given applies to the mode. */
static void
check_modes(const struct cmdline *cl, const unsigned char *seen)
{
	const char *mode = mode_option(cl->mode);

	for (size_t i = 0; i < LEN(opts); i++) {
		if (!seen[i] || (opts[i].modes & IN(cl->mode)))
			continue;
		if ((opts[i].modes & ~COMPARING) == 0 && !(COMPARING & IN(cl->mode)))
			warning("filter, threshold and output options only apply to a comparison");
		else if (opts[i].modes == IN(MODE_PERF_DELTA))
			warning("--%s only applies to --perf-delta", opts[i].name);
		else
			warning("--%s does not apply to %s%s", opts[i].name, mode ? "--" : "a comparison",
			        mode ? mode : "");
		usage(EXIT_ERROR);
	}
	if (cl->filters && !(COMPARING & IN(cl->mode))) {
		warning("filter, threshold and output options only apply to a comparison");
		usage(EXIT_ERROR);
	}
	if (cl->side_filters && cl->mode == MODE_HISTORY) {
		warning("--history follows each test along one history: --a-X and --b-X filters do not apply");
		usage(EXIT_ERROR);
	}
}

/* --perf-delta chooses the project commits of both sides itself. */
static void
check_perf_delta(const struct cmdline *cl)
{
	for (size_t s = 0; s < 3; s++)
		if (cl->lists[s][DIM_PROJECT_COMMIT].n) {
			warning("--perf-delta sets the project commit of both sides: --%sproject-commit does "
			        "not apply",
			        s == 0 ? "" : s == 1 ? "a-" : "b-");
			usage(EXIT_ERROR);
		}
}

/* The options that exclude or need each other. */
static void
check_options(struct cmdline *cl, const unsigned char *seen)
{
	check_modes(cl, seen);
	if (cl->mode == MODE_PERF_DELTA)
		check_perf_delta(cl);
	if (cl->threshold && cl->policy_file) {
		warning("the argument '--threshold <THRESHOLD>' cannot be used with '--policy <POLICY>'");
		usage(EXIT_ERROR);
	}
	if (cl->json + cl->x.tsv + cl->x.markdown > 1) {
		warning("--json, --tsv and --markdown exclude each other");
		usage(EXIT_ERROR);
	}
	cl->x.json = cl->json && (COMPARING & IN(cl->mode));
	if (cl->mode == MODE_LIST_METRICS && (cl->noperands > 0 || cl->dir)) {
		warning("--list-metrics takes no inputs");
		usage(EXIT_ERROR);
	}
}

/* A dimension filter's value; a CPU budget as the dimension spells it. */
static void
add_filter(struct strlist *l, size_t d, const char *option, const char *value)
{
	char budget[11];

	if (d == DIM_CPU_BUDGET) {
		if (compare_budget_value(value, budget) == NULL) {
			warning("invalid value '%s' for '--%s': expected a number of CPUs or none", value,
			        option);
			usage(EXIT_ERROR);
		}
		value = budget;
	}
	strlist_add(l, value);
}

/*
 * The command line into cl.  The long options are opts[] and, for each
 * dimension, its shared, --a- and --b- filter; names[] keeps the
 * filters' option names.
 */
static void
parse_args(struct cmdline *cl, int argc, char **argv, char *names[3 * NDIMS])
{
	static const char *const prefix[3] = {"", "a-", "b-"};
	struct option longopts[LEN(opts) + 3 * NDIMS + 1];
	unsigned char seen[LEN(opts)] = {0};
	size_t i, k;
	int c;

	for (i = 0; i < LEN(opts); i++)
		longopts[i] = (struct option){opts[i].name, opts[i].has_arg, NULL,
		                              opts[i].short_name ? opts[i].short_name : OPT_BASE + (int)i};
	for (k = 0; k < 3 * NDIMS; k++) {
		names[k] = easprintf("%s%s", prefix[k / NDIMS], compare_dim_option[k % NDIMS]);
		longopts[LEN(opts) + k] =
			(struct option){names[k], required_argument, NULL, OPT_BASE + (int)(LEN(opts) + k)};
	}
	longopts[LEN(opts) + 3 * NDIMS] = (struct option){NULL, 0, NULL, 0};
	while ((c = getopt_long(argc, argv, "E:h", longopts, NULL)) != -1) {
		if (c == 'E' || c == 'h') {
			for (i = 0; opts[i].short_name != c; i++)
				;
		} else if (c >= OPT_BASE && c < OPT_BASE + (int)LEN(opts)) {
			i = (size_t)(c - OPT_BASE);
		} else if (c >= OPT_BASE + (int)LEN(opts) && c < OPT_BASE + (int)(LEN(opts) + 3 * NDIMS)) {
			k = (size_t)c - OPT_BASE - LEN(opts);
			add_filter(&cl->lists[k / NDIMS][k % NDIMS], k % NDIMS, names[k], optarg);
			cl->filters = 1;
			cl->side_filters |= k >= NDIMS;
			continue;
		} else {
			usage(EXIT_ERROR);
		}
		apply_option(cl, &opts[i], optarg, seen);
	}
	cl->operands = argv + optind;
	cl->noperands = (size_t)(argc - optind);
	check_options(cl, seen);
}

int
main(int argc, char *argv[])
{
	static struct cmdline cl = {.mode = MODE_COMPARE, .when = COLOUR_AUTO, .average = 1};
	char *names[3 * NDIMS];
	struct buf out = BUF_INIT;
	int status = EXIT_OK;
	size_t s, d;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	parse_args(&cl, argc, argv, names);
	switch (cl.mode) {
	case MODE_LIST_METRICS:
		/* No pool to take a generation from: the newest, unless named. */
		compare_list_metrics(&out, cl.reg ? cl.reg : &compare_registries[REGISTRY_NEWEST], cl.json);
		break;
	case MODE_LIST_VALUES:
		status = mode_list_values(&out, &cl);
		break;
	case MODE_ANALYZE:
		status = mode_analyze(&out, &cl);
		break;
	case MODE_COMPARE:
		status = mode_compare(&out, &cl);
		break;
	case MODE_PERF_DELTA:
		status = mode_perf_delta(&out, &cl);
		break;
	case MODE_HISTORY:
		status = mode_history(&out, &cl);
		break;

	}
	fwrite(out.s ? out.s : "", 1, out.len, stdout);
	buf_free(&out);
	if (input_failed)
		status = EXIT_ERROR;
	for (s = 0; s < 3; s++)
		for (d = 0; d < NDIMS; d++)
			strlist_free(&cl.lists[s][d]);
	strlist_free(&cl.must_fail);
	for (s = 0; s < 3 * NDIMS; s++)
		free(names[s]);
	return stdout_status(status);
}
