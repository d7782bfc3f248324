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
	size_t skipped; /* valid sidecars that cannot be streamed */
	int status;     /* EXIT_ERROR once a fatal problem was reported */
};

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [--dir ROOT] [--run NAME]... [--newest] [PATH...]\n"
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
	} else if (sidecar_walk_run(dir, name, archive, 0, set) < 0) {
		cannot_open(s, dir);
	}
	free(dir);
}

/* A PATH operand, classified as sidecar.md §13.1 says. */
static void
scan_operand(struct scan *s, const char *path, struct sidecar_set *set)
{
	struct stat st;

	if (stat(path, &st) < 0)
		cannot_open(s, path);
	else if (!S_ISDIR(st.st_mode))
		sidecar_load(path, NULL, 0, 0, set);
	else if (sidecar_read_dir(path, 0, set) < 0)
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

static char outbuf[1 << 17];

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'd'},
		{"run", required_argument, NULL, 'r'},
		{"newest", no_argument, NULL, 'n'},
		{"explain", no_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct scan s = {.status = EXIT_OK};
	struct sidecar_set set = {.each = emit, .arg = &s};
	const char *dir = NULL;
	char **runs = NULL, *root, *newest = NULL;
	size_t nruns = 0, failed;
	int c, want_newest = 0, explain = 0, json = 0;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (dir != NULL) {
				warning("--dir given twice");
				usage(EXIT_ERROR);
			}
			dir = optarg;
			break;
		case 'r':
			runs = ereallocarray(runs, nruns + 1, sizeof *runs);
			runs[nruns++] = optarg;
			break;
		case 'n':
			want_newest = 1;
			break;
		case 'e':
			explain = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(EXIT_OK);
		default:
			usage(EXIT_ERROR);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && (dir || nruns || want_newest)) {
		warning("PATH operands cannot be combined with --dir, --run or --newest");
		usage(EXIT_ERROR);
	}
	if (json && !explain) {
		warning("--json needs --explain");
		usage(EXIT_ERROR);
	}
	if (explain && (argc > 0 || (nruns == 0 && !want_newest))) {
		warning("--explain needs --run NAME or --newest, and no PATH");
		usage(EXIT_ERROR);
	}

	root = dir ? estrdup(dir) : sidecar_runs_root();
	if (want_newest && (newest = sidecar_newest_run(root)) == NULL) {
		warning("no runs found at %s", root);
		s.status = EXIT_ERROR;
	}
	if (newest) {
		runs = ereallocarray(runs, nruns + 1, sizeof *runs);
		memmove(runs + 1, runs, nruns * sizeof *runs);
		runs[0] = newest;
		nruns++;
	}

	if (explain) {
		struct buf out = BUF_INIT;
		size_t printed = 0;

		for (size_t i = 0; i < nruns; i++) {
			if (seen_before(runs, i))
				continue;
			buf_reset(&out);
			if (explain_run(root, runs[i], json, &out) < 0) {
				s.status = EXIT_ERROR;
				continue;
			}
			/* JSON reports are separated, not terminated, by a newline. */
			if (json && printed++ > 0)
				fputc('\n', stdout);
			fwrite(out.s, 1, out.len, stdout);
		}
		buf_free(&out);
		goto done;
	}

	/*
	 * Lines are about 10 kB: a larger buffer saves most write(2) calls.
	 * (glibc ignores the size when it is to allocate the buffer itself.)
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	jw_init(&s.w, 0);
	if (argc > 0) {
		for (int i = 0; i < argc; i++)
			scan_operand(&s, argv[i], &set);
	} else if (nruns > 0 || want_newest) {
		for (size_t i = 0; i < nruns; i++)
			if (!seen_before(runs, i))
				scan_run(&s, root, runs[i], dir != NULL, &set);
	} else if (sidecar_walk_pool(root, dir != NULL, 0, &set) < 0) {
		cannot_open(&s, root);
	}
	jw_free(&s.w);

	failed = set.nerrs + s.skipped;
	if (failed > 0) {
		warning("%zu of %zu sidecar files skipped", failed, set.walked);
		if (s.status == EXIT_OK)
			s.status = EXIT_FOUND;
	} else if (set.walked == 0 && s.status == EXIT_OK) {
		warning("no sidecar files found");
		s.status = EXIT_ERROR;
	}
	sidecar_set_free(&set);
done:
	free(runs);
	free(newest);
	free(root);
	return stdout_status(s.status);
}
