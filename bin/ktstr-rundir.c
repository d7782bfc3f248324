/* ktstr-rundir: say where runs live (ktstr-rundir(1)). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "rundir/rundir.h"
#include "sidecar/sidecar.h"
#include "util/table.h"
#include "util/text.h"
#include "util/util.h"

enum { OPT_JSON = 256, OPT_DIR };

static int json;
static struct json_writer w;

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [-C DIR] [--json]\n"
	        "       %s [-C DIR] [--json] --key | --commit | --check-dirty | --kernel |\n"
	        "           --kernel-commit | --root | --newest\n"
	        "       %s [-C DIR] [--json] --list [--dir ROOT]\n"
	        "       %s [-C DIR] [--json] --begin\n",
	        progname, progname, progname, progname);
	exit(stdout_status(status));
}

/* Text mode: the value (or "unknown") and a newline; --json: {key: value or null}. */
static void
put_value(const char *key, const char *value)
{
	if (!json) {
		printf("%s\n", value ? value : "unknown");
		return;
	}
	jw_object_begin(&w);
	jw_key(&w, key);
	if (value)
		jw_string(&w, value);
	else
		jw_null(&w);
	jw_object_end(&w);
}

static void
jw_string_or_null(const char *s)
{
	if (s)
		jw_string(&w, s);
	else
		jw_null(&w);
}

static int
mode_dir(const char *dir)
{
	struct rundir_run run;
	struct buf err = BUF_INIT;

	if (rundir_run_init(&run, &err) < 0)
		die("%s", err.s);
	if (json) {
		jw_object_begin(&w);
		jw_key(&w, "dir");
		jw_string(&w, run.dir);
		jw_key(&w, "branch");
		jw_string(&w, rundir_branch_name(run.branch));
		jw_key(&w, "key");
		jw_string_or_null(run.key);
		jw_object_end(&w);
	} else {
		printf("%s\n", run.dir);
	}
	rundir_run_free(&run);
	return EXIT_OK;
}

static int
mode_check_dirty(const char *dir)
{
	struct rundir_commit c;
	char *cwd = getcwd(NULL, 0);

	if (cwd == NULL)
		die("cannot get the current directory:");
	rundir_probe_commit(cwd, 1, &c);
	free(cwd);
	if (c.status != RUNDIR_COMMIT_FOUND)
		die("no project commit: %s", c.why);
	if (json) {
		jw_object_begin(&w);
		jw_key(&w, "project_commit");
		jw_string(&w, c.str);
		jw_key(&w, "dirty");
		jw_bool(&w, c.dirty);
		jw_object_end(&w);
	}
	return c.dirty ? EXIT_FOUND : EXIT_OK;
}

static int
mode_newest(const char *dir)
{
	char *root = sidecar_runs_root(), *name = sidecar_newest_run(root), *path;

	if (name == NULL)
		die("no runs found at %s", root);
	path = easprintf("%s/%s", root, name);
	if (json) {
		jw_object_begin(&w);
		jw_key(&w, "dir");
		jw_string(&w, path);
		jw_key(&w, "run");
		jw_string(&w, name);
		jw_object_end(&w);
	} else {
		/* A name anyone could have made reaches a terminal: --json has its bytes. */
		text_fwrite(stdout, path, strlen(path), 0);
		putchar('\n');
	}
	free(path);
	free(name);
	free(root);
	return EXIT_OK;
}

/* The runs, newest first: name, valid sidecars, earliest timestamp, arch. */
static int
mode_list(const char *dir)
{
	char *root = dir ? estrdup(dir) : sidecar_runs_root(), e[128], num[32];
	static const char *const head[4] = {"RUN", "TESTS", "DATE", "ARCH"};
	struct rundir_row *rows;
	size_t n;

	if (rundir_list(root, &rows, &n) < 0) {
		if (errno != ENOENT)
			die("cannot list %s: %s", root, os_error(errno, e, sizeof(e)));
		n = 0;
		rows = NULL;
	}
	if (n == 0)
		warning("no runs found at %s. Run `ktstr-test` to generate sidecar data.", root);
	if (json) {
		jw_object_begin(&w);
		jw_key(&w, "root");
		jw_string(&w, root);
		jw_key(&w, "runs");
		jw_array_begin(&w);
		for (size_t i = 0; i < n; i++) {
			jw_object_begin(&w);
			jw_key(&w, "run");
			jw_string(&w, rows[i].run);
			jw_key(&w, "tests");
			jw_int(&w, rows[i].tests);
			jw_key(&w, "date");
			jw_string_or_null(rows[i].date);
			jw_key(&w, "arch");
			jw_string_or_null(rows[i].arch);
			jw_object_end(&w);
		}
		jw_array_end(&w);
		jw_object_end(&w);
	} else if (n > 0) {
		struct table t;
		struct buf out = BUF_INIT;

		table_init(&t, 4, head);
		for (size_t i = 0; i < n; i++) {
			const char *cells[4] = {rows[i].run, num, rows[i].date ? rows[i].date : "-",
			                        rows[i].arch ? rows[i].arch : "-"};

			snprintf(num, sizeof(num), "%ld", rows[i].tests);
			table_add(&t, cells);
		}
		table_render(&t, 0, &out);
		printf("%s\n", out.s);
		buf_free(&out);
		table_free(&t);
	}
	rundir_rows_free(rows, n);
	free(root);
	return EXIT_OK;
}

/* One sh word: the value in single quotes, each ' written as '\''. */
static void
put_export(const char *name, const char *value)
{
	printf("export %s='", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	fputs("'\n", stdout);
}

static int
mode_begin(const char *dir)
{
	struct rundir_begin b;
	struct buf err = BUF_INIT;
	const char *names[6] = {"KTSTR_RUN_ID",         "KTSTR_RUN_DIR",        "KTSTR_PROJECT_COMMIT",
	                        "KTSTR_KERNEL_VERSION", "KTSTR_KERNEL_COMMIT", "KTSTR_RUN_SOURCE"};

	if (rundir_begin(&b, RUNDIR_LOCK_TIMEOUT_MS, &err) < 0)
		die("%s", err.s);
	const char *values[6] = {b.run_id,         b.dir,           b.project_commit,
	                         b.kernel_version, b.kernel_commit, b.run_source};

	if (json)
		jw_object_begin(&w);
	for (size_t i = 0; i < LEN(names); i++) {
		if (json) {
			jw_key(&w, names[i]);
			jw_string_or_null(values[i]);
		} else {
			put_export(names[i], values[i]);
		}
	}
	if (json)
		jw_object_end(&w);
	rundir_begin_free(&b);
	return EXIT_OK;
}

static int
mode_key(const char *dir)
{
	char *kv = rundir_kernel_version(), *key = rundir_key(kv, rundir_project_commit());

	put_value("key", key);
	free(key);
	free(kv);
	return EXIT_OK;
}

static int
mode_commit(const char *dir)
{
	put_value("project_commit", rundir_project_commit());
	return EXIT_OK;
}

static int
mode_kernel(const char *dir)
{
	char *kv = rundir_kernel_version();

	put_value("kernel_version", kv);
	free(kv);
	return EXIT_OK;
}

static int
mode_kernel_commit(const char *dir)
{
	put_value("kernel_commit", rundir_kernel_commit());
	return EXIT_OK;
}

static int
mode_root(const char *dir)
{
	char *root = sidecar_runs_root();

	put_value("root", root);
	free(root);
	return EXIT_OK;
}

/*
 * What the command line asks for.  Every mode is given --dir's value;
 * only --list takes one.
 */
struct args {
	int (*mode)(const char *dir); /* one of the mode_* functions */
	const char *chdir_to; /* -C */
	const char *dir;      /* --dir, for --list */
};

static void
parse_args(struct args *a, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"key", no_argument, NULL, 'k'},
		{"commit", no_argument, NULL, 'c'},
		{"check-dirty", no_argument, NULL, 'd'},
		{"kernel", no_argument, NULL, 'K'},
		{"kernel-commit", no_argument, NULL, 'm'},
		{"root", no_argument, NULL, 'r'},
		{"newest", no_argument, NULL, 'n'},
		{"list", no_argument, NULL, 'l'},
		{"begin", no_argument, NULL, 'b'},
		{"dir", required_argument, NULL, OPT_DIR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const struct {
		int opt;
		int (*mode)(const char *dir);
	} modes[] = {
		{'k', mode_key},    {'c', mode_commit}, {'d', mode_check_dirty},
		{'K', mode_kernel}, {'m', mode_kernel_commit}, {'r', mode_root},
		{'n', mode_newest}, {'l', mode_list},   {'b', mode_begin},
	};
	int c, nmodes = 0;

	/* the short letters other than -C and -l exist only to name long options */
	while ((c = getopt_long(argc, argv, "C:lh", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			a->chdir_to = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_DIR:
			a->dir = optarg;
			break;
		case 'h':
			usage(EXIT_OK);
		default:
			for (size_t i = 0; i < LEN(modes); i++)
				if (modes[i].opt == c) {
					if (nmodes++ > 0 && a->mode != modes[i].mode)
						die("only one mode option may be given");
					a->mode = modes[i].mode;
					goto next;
				}
			usage(EXIT_ERROR);
		next:
			break;
		}
	}
	if (optind < argc) {
		warning("unexpected operand '%s'", argv[optind]);
		usage(EXIT_ERROR);
	}
	if (a->dir != NULL && a->mode != mode_list)
		die("--dir is accepted only with --list");
}

int
main(int argc, char *argv[])
{
	struct args a = {mode_dir, NULL, NULL};
	int status;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	parse_args(&a, argc, argv);
	if (a.chdir_to != NULL && chdir(a.chdir_to) < 0)
		die("cannot change to directory '%s':", a.chdir_to);

	jw_init(&w, 0);
	status = a.mode(a.dir);
	if (json && w.len > 0) {
		fwrite(w.s, 1, w.len, stdout);
		putchar('\n');
	}
	jw_free(&w);
	return stdout_status(status);
}
