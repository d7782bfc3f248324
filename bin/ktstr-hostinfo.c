/* ktstr-hostinfo: this host's context, the host of a run, or the delta of two. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host.h"
#include "json/json.h"
#include "sidecar/sidecar.h"
#include "util/lines.h"
#include "util/strlist.h"
#include "util/util.h"

/* One side of a --diff, or the answer of a --run. */
struct side {
	struct host_context hc;
	int found;      /* hc holds a context */
	size_t nvalid;  /* sidecars that parsed */
	size_t nlines;  /* items read; from a stream, the lines of the run */
	struct strlist *later; /* when set, where take_host's warnings wait */
};

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [--json]\n"
	        "       %s --run RUN [--dir ROOT]\n"
	        "       %s --diff A B\n",
	        progname, progname, progname);
	exit(stdout_status(status));
}

static void
print_buf(const struct buf *b)
{
	if (b->len > 0)
		fwrite(b->s, 1, b->len, stdout);
}

static void
print_report(const struct host_context *hc)
{
	struct buf b = BUF_INIT;

	host_format_human(&b, hc);
	print_buf(&b);
	buf_free(&b);
}

static int
live(int json)
{
	struct host_context hc = HOST_CONTEXT_INIT;
	struct strlist why = {0};

	/* A missing /proc explains a dozen (unknown)s: say so, once. */
	host_unreadable_trees(&why, NULL);
	for (size_t i = 0; i < why.n; i++)
		warning("%s", why.v[i]);
	strlist_free(&why);
	host_collect(&hc, NULL);
	if (json) {
		struct json_writer w;

		jw_init(&w, 1);
		host_write_json(&w, &hc);
		fwrite(w.s, 1, w.len, stdout);
		putchar('\n');
		jw_free(&w);
	} else {
		print_report(&hc);
	}
	host_free(&hc);
	return EXIT_OK;
}

/*
 * Count one valid sidecar and take its host unless s has one already
 * (the first non-null host wins).  A host the reader
 * rejects makes the sidecar unparseable, as upstream's serde would.
 */
static void
take_host(struct side *s, const struct json_value *sidecar, const char *where)
{
	struct host_context hc;
	char err[256];

	switch (host_from_sidecar(&hc, sidecar, err, sizeof(err))) {
	case -1:
		if (s->later) {
			char *msg = easprintf("skipping %s: %s", where, err);

			strlist_add(s->later, msg);
			free(msg);
		} else {
			warning("skipping %s: %s", where, err);
		}
		return;
	case 1:
		if (s->found) {
			host_free(&hc);
		} else {
			s->hc = hc;
			s->found = 1;
		}
		break;
	}
	s->nvalid++;
}

/* The first "_run" member of a stream line, as ktstr-scan puts it first. */
static int
line_is_run(const struct json_value *v, const char *run)
{
	const struct json_value *r = json_get(v, "_run");

	return r && r->type == JSON_STRING && r->u.str.len == strlen(run) &&
	       memcmp(r->u.str.s, run, r->u.str.len) == 0;
}

/*
 * One JSON item of an input: a sidecar (it has "test_name", or run is
 * set: a stream line of that run) gives its host; any other object is a
 * bare host context.  Returns -1 after printing why the item is
 * unusable as a host context.
 */
static int
read_item(const char *text, size_t len, const struct json_value *v, const char *where,
          const char *run, struct side *s)
{
	struct json_doc sc;
	char err[512];

	if (run && (v->type != JSON_OBJECT || !line_is_run(v, run)))
		return 0;
	s->nlines++;
	if (v->type == JSON_OBJECT && (run || json_get(v, "test_name"))) {
		/* parsed again by the shared loader, for its exact messages */
		if (sidecar_parse(&sc, text, len, SIDECAR_ANY, err, sizeof(err)) < 0) {
			warning("skipping %s: %s", where, err);
			return 0;
		}
		take_host(s, sc.root, where);
		json_doc_free(&sc);
		return 0;
	}
	if (s->found)
		return 0;
	if (host_from_json(&s->hc, v, err, sizeof(err)) < 0) {
		warning("cannot parse '%s': %s", where, err);
		return -1;
	}
	s->found = 1;
	return 0;
}

/*
 * The items of name one per line (the NDJSON stream of ktstr-scan), read
 * from l.  With run set, only that run's lines count and a bad line is
 * skipped with a warning, as a stream reader does; without, a bad line is
 * an error, and when no line was an item, whole_err (the error of the
 * text read as one document) says more.  Returns 0 or -1.
 */
static int
read_lines(const char *name, struct lines *l, const char *run, const char *whole_err,
           struct side *s)
{
	struct json_doc doc = {0};
	struct json_error jerr;
	const char *p, *ls, *le;
	size_t n, lineno = 0;
	char err[512], where[PATH_MAX + 32];
	int rc = 0, got;

	while (rc == 0 && (got = lines_next(l, &p, &n)) > 0) {
		le = p + n;
		lineno++;
		for (ls = p; ls < le && (*ls == ' ' || *ls == '\t' || *ls == '\r'); ls++)
			;
		if (ls == le)
			continue;
		snprintf(where, sizeof(where), "%s:%zu", name, lineno);
		if (json_parse(&doc, p, n, 0, &jerr) < 0) {
			json_error_string(&jerr, err, sizeof(err));
			if (run) {
				warning("skipping %s: %s", where, err);
			} else if (s->nlines == 0 && whole_err[0]) {
				/* not a stream at all: the document's own error says more */
				warning("cannot parse '%s': %s", name, whole_err);
				rc = -1;
			} else {
				warning("cannot parse '%s': %s", where, err);
				rc = -1;
			}
		} else {
			rc = read_item(p, n, doc.root, where, run, s);
		}
		json_doc_clear(&doc);
	}
	json_doc_free(&doc);
	if (rc == 0 && got < 0) {
		warning("cannot read '%s':", name);
		rc = -1;
	}
	if (rc == 0 && !run && s->nlines == 0) {
		warning("cannot parse '%s': %s", name, whole_err);
		rc = -1;
	}
	return rc;
}

/*
 * Read the items of path ("-": standard input): with run, the lines of a
 * stream as they come; without, one JSON document, else one per line.
 */
static int
read_path(const char *path, const char *run, struct side *s)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	struct json_doc doc = {0};
	struct json_error jerr;
	struct lines l;
	char whole_err[512] = "", *text = NULL;
	size_t len;
	int fd = STDIN_FILENO, rc;

	/* A host file, a sidecar or a stream of them: a FIFO too, no device. */
	if (strcmp(path, "-") != 0 && (fd = open_input_at(AT_FDCWD, path, READ_FIFO)) < 0) {
		warning("cannot read '%s':", name);
		return -1;
	}
	lines_init(&l, fd, !run);
	/* Bounded, so an input without end is an error, not all of memory. */
	lines_limit(&l, run ? SIDECAR_FILE_MAX : SIDECAR_STREAM_MAX);
	if (!run) {
		if (lines_rest(&l, &text, &len) < 0) {
			warning("cannot read '%s':", name);
			rc = -1;
			goto done;
		}
		if (json_parse(&doc, text, len, 0, &jerr) == 0) {
			rc = read_item(text, len, doc.root, name, NULL, s);
			goto done;
		}
		json_error_string(&jerr, whole_err, sizeof(whole_err));
		lines_free(&l);
		lines_init_text(&l, text, len);
	}
	rc = read_lines(name, &l, run, whole_err, s);
done:
	json_doc_free(&doc);
	lines_free(&l);
	free(text);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* A sidecar of a run directory's walk, read as it comes and freed. */
static void
take_sidecar(struct sidecar *sc, void *arg)
{
	take_host(arg, sc->doc.root, sc->path);
	sidecar_free(sc);
}

/*
 * The sidecars of run directory root/run, walked as a run.  Returns 0,
 * or -1 after printing the error ("not found" with its suggestion, or
 * "has no sidecar data").
 */
static int
read_run_dir(const char *root, const char *run, struct side *s)
{
	struct sidecar_set set = {0};
	struct strlist later = {0};
	char *dir = path_join(root, run);
	struct stat st;

	if (stat(dir, &st) < 0) {
		char *msg = sidecar_run_not_found(root, run);

		warning("%s", msg);
		free(msg);
		free(dir);
		return -1;
	}
	/*
	 * Each sidecar is read and freed as the walk meets it; the warnings
	 * about hosts wait, so they still follow the walk's own.
	 */
	s->later = &later;
	set.each = take_sidecar;
	set.arg = s;
	sidecar_walk_run(dir, run, 0, 0, &set);
	sidecar_set_free(&set);
	s->later = NULL;
	for (size_t i = 0; i < later.n; i++)
		warning("%s", later.v[i]);
	strlist_free(&later);
	free(dir);
	if (s->nvalid == 0) {
		warning("run '%s' has no sidecar data", run);
		return -1;
	}
	return 0;
}

static int
show_run(const char *run, const char *dir)
{
	struct side s = {0};
	char *root = NULL;
	int rc;

	if (dir) {
		rc = read_run_dir(dir, run, &s);
	} else if (sidecar_stdin_is_input()) {
		rc = read_path("-", run, &s);
		if (rc == 0 && s.nlines == 0) {
			warning("run '%s' not found in the input stream", run);
			rc = -1;
		} else if (rc == 0 && s.nvalid == 0) {
			warning("run '%s' has no sidecar data", run);
			rc = -1;
		}
	} else {
		root = sidecar_runs_root();
		rc = read_run_dir(root, run, &s);
	}
	free(root);
	if (rc == 0 && !s.found) {
		warning("run '%s' has %zu sidecar(s) but none carries a populated host context; this "
		     "usually means the run predates host-context enrichment. Re-run the test to "
		     "produce a sidecar with the current schema.",
		     run, s.nvalid);
		rc = -1;
	}
	if (rc == 0)
		print_report(&s.hc);
	host_free(&s.hc);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

/* A --diff operand: "-", an existing non-directory path, else a run name. */
static int
resolve(const char *operand, struct side *s)
{
	struct stat st;
	char *root;
	int rc;

	if (strcmp(operand, "-") == 0 || (stat(operand, &st) == 0 && !S_ISDIR(st.st_mode)))
		return read_path(operand, NULL, s);
	root = sidecar_runs_root();
	rc = read_run_dir(root, operand, s);
	free(root);
	return rc;
}

static int
diff(const char *a, const char *b)
{
	struct side sa = {0}, sb = {0};
	struct buf out = BUF_INIT;
	int rc = EXIT_ERROR;

	if (resolve(a, &sa) < 0 || resolve(b, &sb) < 0)
		goto done;
	switch (host_format_delta(&out, sa.found ? &sa.hc : NULL, sb.found ? &sb.hc : NULL, a, b)) {
	case -1:
		warning("no host context in either operand");
		goto done;
	case 0: rc = EXIT_OK; break;
	default: rc = EXIT_FOUND; break;
	}
	print_buf(&out);
done:
	buf_free(&out);
	host_free(&sa.hc);
	host_free(&sb.hc);
	return rc;
}

int
main(int argc, char *argv[])
{
	enum { OPT_JSON = 1, OPT_RUN, OPT_DIR, OPT_DIFF };
	static const struct option opts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"run", required_argument, NULL, OPT_RUN},
		{"dir", required_argument, NULL, OPT_DIR},
		{"diff", no_argument, NULL, OPT_DIFF},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *run = NULL, *dir = NULL;
	int json = 0, do_diff = 0, c, status;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = 1; break;
		case OPT_RUN: run = optarg; break;
		case OPT_DIR: dir = optarg; break;
		case OPT_DIFF: do_diff = 1; break;
		case 'h': usage(EXIT_OK);
		default: usage(EXIT_ERROR);
		}
	}
	argc -= optind;
	argv += optind;

	if (do_diff) {
		if (json || run || dir || argc != 2)
			usage(EXIT_ERROR);
		if (strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0)
			die("at most one operand may be '-'");
		status = diff(argv[0], argv[1]);
	} else if (run) {
		if (json || argc != 0)
			usage(EXIT_ERROR);
		status = show_run(run, dir);
	} else {
		if (dir || argc != 0)
			usage(EXIT_ERROR);
		status = live(json);
	}
	return stdout_status(status);
}
