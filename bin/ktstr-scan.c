/* ktstr-scan: find sidecars and write them as one JSON object per line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json/json.h"
#include "sidecar/sidecar.h"
#include "sidecar/sidecar_explain.h"
#include "util/utf8.h"
#include "util/util.h"

struct scan {
	struct json_writer w;
	unsigned flags; /* SIDECAR_STRICT(generation) with --strict */
	size_t skipped; /* valid sidecars that cannot be streamed */
	int status;     /* EXIT_ERROR once a fatal problem was reported */
};

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [--strict GEN] [--dir ROOT] [--run NAME]... [--newest] [PATH...]\n"
	        "       %s --explain [--json] [--dir ROOT] (--run NAME... | --newest)\n",
	        progname, progname);
	exit(stdout_status(status));
}

/* One stream line: the reserved members, then the file's own, as written. */
static void
emit(struct sidecar *sc, void *arg)
{
	struct scan *s = arg;
	const struct json_value *root = sc->doc.root;
	struct json_writer *w = &s->w;

	if (!utf8_valid(sc->path, strlen(sc->path)) ||
	    (sc->run && !utf8_valid(sc->run, strlen(sc->run)))) {
		warning("skipping %s: path is not valid UTF-8", sc->path);
		s->skipped++;
		sidecar_free(sc);
		return;
	}
	jw_reset(w);
	jw_object_begin(w);
	jw_key(w, "_path");
	jw_string(w, sc->path);
	jw_key(w, "_run");
	if (sc->run)
		jw_string(w, sc->run);
	else
		jw_null(w);
	if (sc->archive) {
		jw_key(w, "_archive");
		jw_bool(w, 1);
	}
	for (size_t i = 0; i < root->u.obj.n; i++) {
		jw_rawkey(w, root->u.obj.members[i].rawkey, root->u.obj.members[i].rawkeylen);
		jw_value_raw(w, &root->u.obj.members[i].value);
	}
	jw_object_end(w);
	jw_raw(w, "\n", 1);
	fwrite(w->s, 1, w->len, stdout);
	sidecar_free(sc);
}

static void
cannot_open(struct scan *s, const char *path)
{
	warning("cannot open '%s':", path);
	s->status = EXIT_ERROR;
}

/* A --run NAME or --newest run: ROOT/NAME walked as one run directory. */
static void
scan_run(struct scan *s, const char *root, const char *name, int archive,
         struct sidecar_set *set)
{
	char *dir = path_join(root, name), *msg;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		msg = sidecar_run_not_found(root, name);
		warning("%s", msg);
		free(msg);
		s->status = EXIT_ERROR;
	} else if (sidecar_walk_run(dir, name, archive, s->flags, set) < 0) {
		cannot_open(s, dir);
	}
	free(dir);
}

/* A PATH operand: a directory is a run or a runs root, anything else one sidecar. */
static void
scan_operand(struct scan *s, const char *path, struct sidecar_set *set)
{
	struct stat st;

	if (stat(path, &st) < 0)
		cannot_open(s, path);
	else if (!S_ISDIR(st.st_mode))
		sidecar_load(path, NULL, 0, s->flags, set);
	else if (sidecar_read_dir(path, s->flags, set) < 0)
		cannot_open(s, path);
}

/* Names in order, each once. */
static int
seen_before(char **names, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(names[j], names[i]) == 0)
			return 1;
	return 0;
}

/* What the command line asks for. */
struct args {
	const char *dir;
	char **runs; /* --run NAME..., then --newest's run first */
	size_t nruns;
	int want_newest, explain, json;
	unsigned strict; /* SIDECAR_STRICT(generation), or 0 */
	char **operands;
	size_t noperands;
};

static void
parse_args(struct args *a, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"run", required_argument, NULL, 'r'},
		{"newest", no_argument, NULL, 'n'},
		{"explain", no_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		{"strict", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, gen;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (a->dir != NULL) {
				warning("--dir given twice");
				usage(EXIT_ERROR);
			}
			a->dir = optarg;
			break;
		case 'r':
			a->runs = ereallocarray(a->runs, a->nruns + 1, sizeof *a->runs);
			a->runs[a->nruns++] = optarg;
			break;
		case 'n':
			a->want_newest = 1;
			break;
		case 'e':
			a->explain = 1;
			break;
		case 'j':
			a->json = 1;
			break;
		case 's':
			if (a->strict != 0) {
				warning("--strict given twice");
				usage(EXIT_ERROR);
			}
			if ((gen = sidecar_gen_parse(optarg)) < 0) {
				warning("invalid value '%s' for '--strict': expected G0, G1 or G2", optarg);
				usage(EXIT_ERROR);
			}
			a->strict = SIDECAR_STRICT(gen);
			break;
		case 'h':
			usage(EXIT_OK);
		default:
			usage(EXIT_ERROR);
		}
	}
	a->operands = argv + optind;
	a->noperands = (size_t)(argc - optind);
	if (a->noperands > 0 && (a->dir || a->nruns || a->want_newest)) {
		warning("PATH operands cannot be combined with --dir, --run or --newest");
		usage(EXIT_ERROR);
	}
	if (a->json && !a->explain) {
		warning("--json needs --explain");
		usage(EXIT_ERROR);
	}
	if (a->strict && a->explain) {
		warning("--strict does not apply to --explain, which checks every generation");
		usage(EXIT_ERROR);
	}
	if (a->explain && (a->noperands > 0 || (a->nruns == 0 && !a->want_newest))) {
		warning("--explain needs --run NAME or --newest, and no PATH");
		usage(EXIT_ERROR);
	}
}

/* --explain: each named run's report, once. */
static void
explain_runs(struct scan *s, const char *root, const struct args *a)
{
	struct buf out = BUF_INIT;
	size_t printed = 0;

	for (size_t i = 0; i < a->nruns; i++) {
		if (seen_before(a->runs, i))
			continue;
		buf_reset(&out);
		if (explain_run(root, a->runs[i], a->json, &out) < 0) {
			s->status = EXIT_ERROR;
			continue;
		}
		/* JSON reports are separated, not terminated, by a newline. */
		if (a->json && printed++ > 0)
			fputc('\n', stdout);
		fwrite(out.s, 1, out.len, stdout);
	}
	buf_free(&out);
}

static char outbuf[1 << 17];

/* The stream of the operands, the named runs or the whole pool. */
static void
stream(struct scan *s, const char *root, const struct args *a)
{
	struct sidecar_set set = {.each = emit, .arg = s};
	size_t failed;

	/*
	 * Lines are about 10 kB: a larger buffer saves most write(2) calls.
	 * (glibc ignores the size when it is to allocate the buffer itself.)
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	pipe_widen(STDOUT_FILENO);
	jw_init(&s->w, 0);
	if (a->noperands > 0) {
		for (size_t i = 0; i < a->noperands; i++)
			scan_operand(s, a->operands[i], &set);
	} else if (a->nruns > 0 || a->want_newest) {
		for (size_t i = 0; i < a->nruns; i++)
			if (!seen_before(a->runs, i))
				scan_run(s, root, a->runs[i], a->dir != NULL, &set);
	} else if (sidecar_walk_pool(root, a->dir != NULL, s->flags, &set) < 0) {
		cannot_open(s, root);
	}
	jw_free(&s->w);

	failed = set.nerrs + s->skipped;
	if (failed > 0) {
		warning("%zu of %zu sidecar files skipped", failed, set.walked);
		if (s->status == EXIT_OK)
			s->status = EXIT_FOUND;
	} else if (set.walked == 0 && s->status == EXIT_OK) {
		warning("no sidecar files found");
		s->status = EXIT_ERROR;
	}
	sidecar_set_free(&set);
}

int
main(int argc, char *argv[])
{
	struct scan s = {.status = EXIT_OK};
	struct args a = {0};
	char *root, *newest = NULL;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	parse_args(&a, argc, argv);
	s.flags = a.strict;
	root = a.dir ? estrdup(a.dir) : sidecar_runs_root();
	if (a.want_newest && (newest = sidecar_newest_run(root)) == NULL) {
		warning("no runs found at %s", root);
		s.status = EXIT_ERROR;
	}
	if (newest) {
		a.runs = ereallocarray(a.runs, a.nruns + 1, sizeof *a.runs);
		memmove(a.runs + 1, a.runs, a.nruns * sizeof *a.runs);
		a.runs[0] = newest;
		a.nruns++;
	}
	if (a.explain)
		explain_runs(&s, root, &a);
	else
		stream(&s, root, &a);
	free(a.runs);
	free(newest);
	free(root);
	return stdout_status(s.status);
}
