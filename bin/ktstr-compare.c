/*
 * ktstr-compare: A/B comparison of ktstr sidecars with the metric
 * registry (spec/stats.md §5), and the registry (--list-metrics), the
 * filter values (--list-values) and the run analysis (--analyze).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"
#include "compare/compare_analyze.h"
#include "compare/compare_metrics.h"
#include "compare/compare_output.h"
#include "compare/compare_stats.h"
#include "host/host.h"
#include "host/host_preflight.h"
#include "json/json.h"
#include "sidecar/sidecar.h"
#include "util/table.h"
#include "util/util.h"

enum mode { MODE_COMPARE, MODE_LIST_METRICS, MODE_LIST_VALUES, MODE_ANALYZE };

enum {
	OPT_THRESHOLD = 256,
	OPT_POLICY,
	OPT_DIR,
	OPT_NO_AVERAGE,
	OPT_COLOR,
	OPT_LIST_METRICS,
	OPT_LIST_VALUES,
	OPT_ANALYZE,
	OPT_JSON,
	OPT_SPREAD,
	OPT_SIGNIFICANCE,
	OPT_TSV,
	OPT_SVG,
	OPT_DIM, /* + side * NDIMS + dimension; side 0 shared, 1 A, 2 B */
};

/* Options that may be given once; indexed by option code. */
static int seen[OPT_DIM];

static struct strlist lists[3][NDIMS];

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [filters] [--threshold PCT | --policy FILE] [--no-average] [-E SUBSTR]\n"
	        "           [--color=WHEN] [--spread] [--significance P]\n"
	        "           [--json | --tsv] [--svg FILE] [--dir ROOT] [PATH...]\n"
	        "       %s --list-metrics [--json]\n"
	        "       %s --list-values [--json] [--dir ROOT] [PATH...]\n"
	        "       %s --analyze [--dir ROOT] [PATH...]\n",
	        progname, progname, progname, progname);
	exit(stdout_status(status));
}

static void
once(int code, const char *name)
{
	if (seen[code]++) {
		warning("option --%s given more than once", name);
		usage(EXIT_ERROR);
	}
}

/*
 * The pool as rows.  Each sidecar becomes a detached row as soon as it
 * is read and its document is freed, so memory grows with the rows
 * only; the host of §5.12 is picked on the way, since the side filters
 * are known before the pool is read (§5.13).
 */
struct pool {
	struct row *rows;
	size_t n;
	int archive;               /* apply the §1.5 override */
	const struct filter *side; /* for the host section; NULL: none */
	struct host_context host[2];
	int have_host[2];
};

static void
pool_take(struct sidecar *sc, void *arg)
{
	struct pool *p = arg;
	struct row *r;
	size_t i;

	/* Grow by doubling: 10k sidecars must not be quadratic. */
	if ((p->n & (p->n - 1)) == 0)
		p->rows = ereallocarray(p->rows, p->n ? p->n * 2 : 1, sizeof *p->rows);
	r = &p->rows[p->n++];
	compare_row_from_json(r, sc->doc.root, p->archive && sc->archive);
	for (i = 0; p->side && i < 2; i++) {
		const struct json_value *h = json_get(sc->doc.root, "host");
		char err[256];

		if (p->have_host[i] || h == NULL || h->type == JSON_NULL || !compare_filter_match(&p->side[i], r))
			continue;
		p->have_host[i] = host_from_json(&p->host[i], h, err, sizeof err) == 0;
	}
	compare_row_detach(r);
	sidecar_free(sc);
}

/* §1.1: read the inputs into p; *source names them. */
static void
pool_load(struct pool *p, const char *dir, char **operands, size_t noperands, char **source)
{
	struct sidecar_set set = {0};

	set.each = pool_take;
	set.arg = p;
	sidecar_load_inputs(dir, operands, noperands, 0, &set, source);
	sidecar_set_free(&set);
}

static void
pool_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		compare_row_free(&p->rows[i]);
	free(p->rows);
	host_free(&p->host[0]);
	host_free(&p->host[1]);
}

static void
analysis_take(struct sidecar *sc, void *arg)
{
	compare_analysis_add(arg, sc->doc.root);
	sidecar_free(sc);
}

/* §11: the explicit inputs or stdin stream, else the one run directory. */
static void
load_analysis(const char *dir, char **operands, size_t noperands, struct analysis *a)
{
	struct sidecar_set set = {0};
	const char *env = getenv("KTSTR_SIDECAR_DIR");
	char *root, *name, *path, *source = NULL;

	set.each = analysis_take;
	set.arg = a;
	if (dir || noperands || sidecar_stdin_is_input()) {
		sidecar_load_inputs(dir, operands, noperands, 0, &set, &source);
		free(source);
	} else if (env && *env) {
		sidecar_walk_run(env, NULL, 0, 0, &set);
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

/* §5.3 for the six commit lists, in place. */
static void
expand_commits(void)
{
	static const char *const prefix[3] = {"", "a-", "b-"};
	static const enum dim dims[2] = {DIM_PROJECT_COMMIT, DIM_KERNEL_COMMIT};
	size_t s, d, i;

	for (s = 0; s < 3; s++)
		for (d = 0; d < 2; d++) {
			struct strlist *l = &lists[s][dims[d]], out = {NULL, 0};
			char *option = easprintf("%s%s", prefix[s], compare_dim_option[dims[d]]);

			for (i = 0; i < l->n; i++)
				compare_commit_expand(option, l->v[i], dims[d] == DIM_KERNEL_COMMIT, &out);
			strlist_free(l);
			*l = out;
			free(option);
		}
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
		if (compare_policy_validate(p, &err) < 0)
			die("%s", err.s);
	}
	if (file) {
		if (read_file(file, &text, 0) < 0)
			die("read comparison policy from %s: %s", file, os_error(errno, ebuf, sizeof ebuf));
		if (compare_policy_parse(p, text.s, text.len, &err) < 0)
			die("parse comparison policy from %s: %s", file, err.s);
		if (compare_policy_validate(p, &err) < 0)
			die("validate comparison policy from %s: %s", file, err.s);
	}
	buf_free(&text);
	buf_free(&err);
}

/* What ktstr-compare(1) adds to the comparison beyond upstream. */
struct extras {
	int spread;
	double significance; /* P, or 0 */
	int json, tsv;
	const char *svg;     /* chart file, or NULL */
};

/* --significance P: a probability in (0, 1]. */
static double
significance_arg(const char *s)
{
	double p;

	if (compare_parse_rust_float(s, &p) < 0 || !(p > 0 && p <= 1)) {
		warning("invalid value '%s' for '--significance': expected a p-value threshold in (0, 1]", s);
		usage(EXIT_ERROR);
	}
	return p;
}

static void
write_svg(const char *path, const struct report *rep)
{
	struct buf svg = BUF_INIT;
	FILE *f;

	compare_svg(&svg, rep);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write '%s':", path);
	if (fwrite(svg.s, 1, svg.len, f) != svg.len || fflush(f) == EOF) {
		int err = errno;

		fclose(f);
		errno = err;
		die("cannot write '%s':", path);
	}
	if (fclose(f) == EOF)
		die("cannot write '%s':", path);
	buf_free(&svg);
}

static int
compare(const char *dir, char **operands, size_t noperands, const char *substr,
        const struct policy *policy, int average, int colour, const struct extras *x)
{
	struct filter f[2];
	struct slicing sl;
	struct pool pool = {.archive = 1, .side = f};
	struct side side[2];
	struct result res;
	struct buf msg = BUF_INIT, out = BUF_INIT, host = BUF_INIT;
	struct report rep;
	char *source = NULL, *label[2];
	size_t i, untested;
	int status;

	expand_commits();
	compare_filters_build(lists[0], lists[1], lists[2], f);
	compare_slicing_find(f, &sl);
	if (sl.nslice == 0)
		die("A and B select identical rows. Specify at least one per-side filter (e.g. "
		    "--a-kernel 6.14 --b-kernel 6.15) to define what dimension separates the two sides.");
	if (sl.nslice > 1) {
		for (i = 0; i < sl.nslice; i++)
			buf_printf(&msg, "%s%s", i ? ", " : "", compare_dim_name[sl.slice[i]]);
		warning("warning: slicing on %zu dimensions [%s]; results compress multiple axes into a "
		     "single A/B contrast.",
		     sl.nslice, msg.s);
		buf_reset(&msg);
	}
	pool_load(&pool, dir, operands, noperands, &source);
	if (pool.n == 0)
		die("no sidecar data found in %s. Run `ktstr-test` to generate runs, or pass --dir to "
		    "point at an archived sidecar tree.",
		    source);
	for (i = 0; i < 2; i++)
		compare_side_select(&side[i], pool.rows, pool.n, &f[i]);
	for (i = 0; i < 2; i++)
		if (side[i].nrows == 0) {
			compare_zero_match_message(&msg, (char)('A' + i), &f[i], pool.rows, pool.n, source);
			die("%s", msg.s);
		}
	compare_dirty_warning(&msg, &side[0], &side[1]);
	if (msg.len)
		warning("%s", msg.s);
	buf_reset(&msg);
	for (i = 0; i < 2; i++)
		compare_side_group(&side[i], &sl, average);
	for (i = 0; i < 2 && !average; i++)
		if (compare_side_check_unique(&side[i], (char)('A' + i), &msg) < 0)
			die("%s", msg.s);
	compare_sides(&side[0], &side[1], substr, policy, &res);
	/* The runs behind each value matter only to what goes beyond upstream. */
	untested = x->spread || x->significance > 0 || x->json || x->tsv || x->svg
	                   ? compare_stats_attach(&res, x->significance)
	                   : 0;
	if (untested)
		warning("warning: --significance: %zu change(s) with fewer than %d runs on a side are "
		     "judged by the gates alone",
		     untested, WELCH_MIN_N);

	label[0] = compare_side_label(&f[0], &sl, 'A');
	label[1] = compare_side_label(&f[1], &sl, 'B');
	if (pool.have_host[0] && pool.have_host[1] &&
	    host_preflight(&msg, &pool.host[0], &pool.host[1]))
		warning("warning: '%s' and '%s' ran on different hosts (%s differ); the comparison may "
		     "measure the hosts, not the change",
		     label[0], label[1], msg.s);
	buf_reset(&msg);
	host_format_delta(&host, pool.have_host[0] ? &pool.host[0] : NULL,
	                  pool.have_host[1] ? &pool.host[1] : NULL, label[0], label[1]);
	rep = (struct report){&sl, {label[0], label[1]}, average, colour, {&side[0], &side[1]},
	                      &res, host.len ? host.s : "", x->spread, x->significance > 0};
	/* The chart first: a file that cannot be written leaves stdout empty. */
	if (x->svg)
		write_svg(x->svg, &rep);
	if (x->json)
		compare_json(&out, &rep, x->significance);
	else if (x->tsv)
		compare_tsv(&out, &rep);
	else
		compare_report_render(&out, &rep);
	fwrite(out.s, 1, out.len, stdout);
	status = res.regressions > 0 ? EXIT_FOUND : EXIT_OK;

	compare_result_free(&res);
	for (i = 0; i < 2; i++) {
		compare_side_free(&side[i]);
		free(label[i]);
	}
	pool_free(&pool);
	free(source);
	buf_free(&msg);
	buf_free(&out);
	buf_free(&host);
	return status;
}

int
main(int argc, char *argv[])
{
	static const char *const prefix[3] = {"", "a-", "b-"};
	struct option longopts[15 + 3 * NDIMS + 1] = {
		{"filter", required_argument, NULL, 'E'},
		{"threshold", required_argument, NULL, OPT_THRESHOLD},
		{"policy", required_argument, NULL, OPT_POLICY},
		{"dir", required_argument, NULL, OPT_DIR},
		{"no-average", no_argument, NULL, OPT_NO_AVERAGE},
		{"color", required_argument, NULL, OPT_COLOR},
		{"list-metrics", no_argument, NULL, OPT_LIST_METRICS},
		{"list-values", no_argument, NULL, OPT_LIST_VALUES},
		{"analyze", no_argument, NULL, OPT_ANALYZE},
		{"json", no_argument, NULL, OPT_JSON},
		{"spread", no_argument, NULL, OPT_SPREAD},
		{"significance", required_argument, NULL, OPT_SIGNIFICANCE},
		{"tsv", no_argument, NULL, OPT_TSV},
		{"svg", required_argument, NULL, OPT_SVG},
		{"help", no_argument, NULL, 'h'},
	};
	char *names[3 * NDIMS];
	const char *substr = NULL, *threshold = NULL, *policy_file = NULL, *dir = NULL;
	enum colour_when when = COLOUR_AUTO;
	enum mode mode = MODE_COMPARE;
	struct policy policy;
	struct extras x = {0};
	struct buf out = BUF_INIT;
	int c, json = 0, average = 1, filters = 0, status = EXIT_OK;
	size_t s, d;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	for (s = 0; s < 3; s++)
		for (d = 0; d < NDIMS; d++) {
			size_t k = s * NDIMS + d;

			names[k] = easprintf("%s%s", prefix[s], compare_dim_option[d]);
			longopts[15 + k] = (struct option){names[k], required_argument, NULL, OPT_DIM + (int)k};
		}
	while ((c = getopt_long(argc, argv, "E:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'E':
			once('E', "filter");
			substr = optarg;
			break;
		case OPT_THRESHOLD:
			once(c, "threshold");
			threshold = optarg;
			break;
		case OPT_POLICY:
			once(c, "policy");
			policy_file = optarg;
			break;
		case OPT_DIR:
			once(c, "dir");
			dir = optarg;
			break;
		case OPT_NO_AVERAGE:
			once(c, "no-average");
			average = 0;
			break;
		case OPT_COLOR:
			once(c, "color");
			if (colour_parse(optarg, &when) < 0) {
				warning("invalid value '%s' for '--color': expected auto, always or never", optarg);
				usage(EXIT_ERROR);
			}
			break;
		case OPT_JSON:
			once(c, "json");
			json = 1;
			break;
		case OPT_SPREAD:
			once(c, "spread");
			x.spread = 1;
			break;
		case OPT_SIGNIFICANCE:
			once(c, "significance");
			x.significance = significance_arg(optarg);
			break;
		case OPT_TSV:
			once(c, "tsv");
			x.tsv = 1;
			break;
		case OPT_SVG:
			once(c, "svg");
			x.svg = optarg;
			break;
		case 'h':
			usage(EXIT_OK);
		case OPT_LIST_METRICS:
		case OPT_LIST_VALUES:
		case OPT_ANALYZE:
			if (mode != MODE_COMPARE) {
				warning("--list-metrics, --list-values and --analyze exclude each other");
				usage(EXIT_ERROR);
			}
			mode = c == OPT_LIST_METRICS ? MODE_LIST_METRICS
			       : c == OPT_LIST_VALUES ? MODE_LIST_VALUES
			                              : MODE_ANALYZE;
			break;
		default:
			if (c < OPT_DIM || c >= OPT_DIM + 3 * NDIMS)
				usage(EXIT_ERROR);
			c -= OPT_DIM;
			strlist_add(&lists[c / NDIMS][c % NDIMS], optarg);
			filters = 1;
			break;
		}
	}
	argc -= optind;
	argv += optind;

	if (threshold && policy_file) {
		warning("the argument '--threshold <THRESHOLD>' cannot be used with '--policy <POLICY>'");
		usage(EXIT_ERROR);
	}
	/* Every option that only the comparison takes. */
	if (mode != MODE_COMPARE &&
	    (filters || substr || threshold || policy_file || !average || seen[OPT_COLOR] ||
	     x.spread || x.significance > 0 || x.tsv || x.svg)) {
		warning("filter, threshold and output options only apply to a comparison");
		usage(EXIT_ERROR);
	}
	if (json && x.tsv) {
		warning("--json and --tsv exclude each other");
		usage(EXIT_ERROR);
	}
	if (json && mode == MODE_ANALYZE) {
		warning("--json does not apply to --analyze");
		usage(EXIT_ERROR);
	}
	x.json = json && mode == MODE_COMPARE;
	if (mode == MODE_LIST_METRICS && (argc > 0 || dir)) {
		warning("--list-metrics takes no inputs");
		usage(EXIT_ERROR);
	}

	switch (mode) {
	case MODE_LIST_METRICS:
		compare_list_metrics(&out, json);
		break;
	case MODE_LIST_VALUES: {
		struct pool p = {.archive = 1};
		char *source = NULL;

		pool_load(&p, dir, argv, (size_t)argc, &source);
		compare_list_values(&out, p.rows, p.n, json);
		pool_free(&p);
		free(source);
		break;
	}
	case MODE_ANALYZE: {
		struct analysis a = ANALYSIS_INIT;

		load_analysis(dir, argv, (size_t)argc, &a);
		if (a.n == 0)
			warning("no sidecar data found (skipped)");
		else
			compare_analysis_render(&out, &a);
		compare_analysis_free(&a);
		break;
	}
	case MODE_COMPARE:
		build_policy(&policy, threshold, policy_file);
		status = compare(dir, argv, (size_t)argc, substr, &policy, average,
		                 colour_enabled(when, 1), &x);
		compare_policy_free(&policy);
		break;
	}
	fwrite(out.s ? out.s : "", 1, out.len, stdout);
	buf_free(&out);
	for (s = 0; s < 3; s++)
		for (d = 0; d < NDIMS; d++)
			strlist_free(&lists[s][d]);
	for (s = 0; s < 3 * NDIMS; s++)
		free(names[s]);
	return stdout_status(status);
}
