/* ktstr-test: run tests and write one sidecar per test into the run directory. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "json/json.h"
#include "rundir/rundir.h"
#include "sidecar/metric_lines.h"
#include "sidecar/sidecar.h"
#include "sidecar/sidecar_view.h"
#include "sidecar/sidecar_write.h"
#include "supervise/junit.h"
#include "supervise/supervise.h"
#include "util/publish.h"
#include "util/utf8.h"
#include "util/util.h"
#include "workload/workload.h"

/* What the command line asks for. */
struct opts {
	const char *name;
	const char *kernel;
	const char *scheduler;
	const char *topology;
	const char *work_type;
	char **flags;
	size_t nflags;
	char **sysctls;
	size_t nsysctls;
	char **kargs;
	size_t nkargs;
	unsigned timeout_s;  /* 0: none */
	long lock_timeout_s; /* -1: the library's default */
	unsigned jobs;
	int quiet;
	int json;
	const char *junit; /* --junit FILE: the JUnit XML report */
	struct wl_opts wl; /* --scenario and its options */
	int scenario;      /* --scenario given */
	const char *wl_opt; /* a workload option given (needs --scenario) */
	int work_type_given;
	int action;         /* --list-scenarios, --list-work-types or --cleanup; 0: none */
	int command;        /* the operands are "-- COMMAND [ARG...]", not FILE... */
	char **operands;
	size_t noperands;
};

/* What is decided once per process, before the first test. */
struct env {
	const struct opts *o;
	struct rundir_run run;
	struct host_context host;
	char *topology;
	char *scheduler;
	int tty; /* stderr is a terminal: one progress line per test */
	unsigned passed, failed, skipped;
	int status; /* EXIT_ERROR once a sidecar could not be written */
	struct json_writer w;  /* pretty: the sidecars */
	struct json_writer jw; /* compact: the --json lines */
	struct supervise sv;   /* how the tests are run */
	struct junit junit;    /* --junit's report, one case per ended test */
	uint64_t start_ns; /* monotonic_ns() before the first test: the suite's time */
};

struct test {
	char *name;
	char *const *argv; /* argv[0] is run as given (PATH search when it has no '/') */
	char *path;        /* the sidecar's path */
	char *payload;     /* basename of argv[0] */
};

/* -h asks for the synopsis on stdout; a usage error gets it on stderr. */
static _Noreturn void
usage(int status)
{
	fprintf(status == EXIT_OK ? stdout : stderr,
	        "usage: %s [-n NAME] [--kernel DIR] [--scheduler NAME] [--topology LABEL]\n"
	        "           [--work-type NAME] [--flag F]... [--sysctl K=V]... [--karg ARG]...\n"
	        "           [--timeout SECS] [--lock-timeout SECS] [-j N] [--quiet] [--json]\n"
	        "           [--junit FILE] -- COMMAND [ARG...]\n"
	        "       %s [-n NAME] [--kernel DIR] [--scheduler NAME] [--topology LABEL]\n"
	        "           [--work-type NAME] [--flag F]... [--sysctl K=V]... [--karg ARG]...\n"
	        "           [--timeout SECS] [--lock-timeout SECS] [-j N] [--quiet] [--json]\n"
	        "           [--junit FILE] FILE...\n"
	        "       %s [--kernel DIR] [--scheduler NAME] [--topology LABEL]\n"
	        "           [--flag F]... [--sysctl K=V]... [--karg ARG]... [--lock-timeout SECS]\n"
	        "           [--quiet] [--json] [--junit FILE] --scenario NAME [--work-type TYPE[:K=V,...]]\n"
	        "           [--duration S] [--workers N] [--cgroups K] [--settle-ms MS]\n"
	        "           [--partition P] [--policy P] [--max-gap-ms T] [--max-spread-pct X]\n"
	        "           [--isolation] [--cgroup-mode auto|v2|v1|none] [--monitor]\n"
	        "       %s --list-scenarios | --list-work-types | --cleanup\n",
	        progname, progname, progname, progname);
	exit(stdout_status(status));
}

/* Every string that ends up in a sidecar must be a JSON string. */
static const char *
utf8_arg(const char *what, const char *s)
{
	if (*s == '\0')
		die("invalid %s: empty", what);
	if (!utf8_valid(s, strlen(s)))
		die("invalid %s '%s': not valid UTF-8", what, s);
	return s;
}

static void
push(char ***v, size_t *n, char *s)
{
	*v = ereallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* ---- The sidecar --------------------------------------------------------- */

static void
write_host(struct json_writer *w, const void *ctx)
{
	host_write_json(w, ctx);
}

/*
 * Fill in what every sidecar of this process shares, serialise it (the
 * union every upstream generation reads, ktstr-sidecar(5)) and write it
 * atomically into the run directory.  Returns the written path (caller
 * frees), or NULL after reporting the error chain.
 */
static char *
write_sidecar(struct env *e, struct sidecar_result *s)
{
	const struct opts *o = e->o;
	struct buf err = BUF_INIT;
	char stamp[21], run_id[48], *file, *path = NULL;
	uint64_t hash;

	s->topology = e->topology;
	s->scheduler = e->scheduler;
	s->project_commit = e->run.project_commit;
	s->active_flags = (struct sidecar_strv){o->flags, o->nflags};
	s->sysctls = (struct sidecar_strv){o->sysctls, o->nsysctls};
	s->kargs = (struct sidecar_strv){o->kargs, o->nkargs};
	s->kernel_version = e->run.kernel_version;
	s->kernel_commit = e->run.kernel_commit;
	/*
	 * A host run: no VM, so no vCPUs and no budget (none, which pairs
	 * with every older run); no throughput rate is recorded, and cpu_sec
	 * is what the newest upstream writes.
	 */
	s->throughput_denomination = SIDECAR_CPU_SEC;
	sidecar_timestamp(time(NULL), stamp);
	s->timestamp = stamp;
	sidecar_next_run_id(run_id);
	s->run_id = run_id;
	s->host = (struct sidecar_cb){write_host, &e->host};
	s->run_source = e->run.run_source;

	hash = sidecar_variant_hash_json(s->topology, s->scheduler, s->payload, s->work_type,
	                                 o->flags, o->nflags, o->sysctls, o->nsysctls, o->kargs,
	                                 o->nkargs);
	file = sidecar_file_name(s->test_name, hash);
	jw_reset(&e->w);
	sidecar_write_json(&e->w, s);
	if (rundir_run_write(&e->run, file, e->w.s, e->w.len, s->skipped, &err) == 0) {
		path = path_join(e->run.dir, file);
	} else {
		if (s->skipped)
			warning("warning: skip-sidecar write failed for %s: %s", s->test_name, err.s);
		else
			warning("%s", err.s);
		e->status = EXIT_ERROR;
	}
	free(file);
	buf_free(&err);
	return path;
}

/* With --json: the test's line on standard output. */
static void
json_line(struct env *e, const char *name, const char *verdict, const char *path)
{
	struct json_writer *w = &e->jw;

	jw_reset(w);
	jw_object_begin(w);
	jw_key(w, "test");
	jw_string(w, name);
	jw_key(w, "verdict");
	jw_string(w, verdict);
	jw_key(w, "path");
	if (path && utf8_valid(path, strlen(path)))
		jw_string(w, path);
	else
		jw_null(w);
	jw_object_end(w);
	printf("%s\n", w->s);
}

/* ---- Running tests ------------------------------------------------------ */

/* The metrics the test reported; 0, or the number of malformed lines (reported). */
static size_t
read_metrics(const struct test *t, const char *path, struct metric_lines *ml)
{
	struct buf errs = BUF_INIT;
	size_t bad = metric_lines_read(path, "$KTSTR_METRICS", ml, &errs);

	for (char *line = errs.s, *nl; bad > 0 && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		warning("%s: %s", t->name, line);
	}
	buf_free(&errs);
	return bad;
}

/* The verdict line on stderr and the --json line on stdout. */
static void
report(struct env *e, const struct test *t, const struct supervise_verdict *v, double wall)
{
	const struct opts *o = e->o;

	if (!v->passed)
		fprintf(stderr, "FAIL: %s (%s)\n", t->name, v->why);
	else if (e->tty && !o->quiet)
		fprintf(stderr, "%s: %s (%.0f ms)\n", v->skipped ? "SKIP" : "PASS", t->name, wall);
	if (o->json)
		json_line(e, t->name, v->skipped ? "skipped" : v->passed ? "passed" : "failed", t->path);
	fflush(stdout);
}

/* Lines of each captured stream a failure's report shows. */
#define JUNIT_TAIL_LINES 20

/* The test's case in --junit's report; a failure carries the end of its output. */
static void
junit_case(struct env *e, const struct test *t, const struct supervise_job *j,
           const struct supervise_verdict *v)
{
	enum junit_result r = v->skipped ? JUNIT_SKIPPED : v->passed ? JUNIT_PASSED : JUNIT_FAILED;
	struct buf output = BUF_INIT, tail = BUF_INIT;
	char *classname = easprintf("%s.%s", e->scheduler, e->topology);

	for (int k = 0; r == JUNIT_FAILED && k < 2; k++) {
		buf_reset(&tail);
		supervise_tail(k ? j->err_fd : j->out_fd, JUNIT_TAIL_LINES, &tail);
		if (tail.len)
			buf_printf(&output, "--- %s (last lines) ---\n%s%s", k ? "stderr" : "stdout", tail.s,
			           tail.s[tail.len - 1] == '\n' ? "" : "\n");
	}
	junit_add(&e->junit, t->name, classname, j->wall_ms / 1000, r, r == JUNIT_FAILED ? v->why : NULL,
	          output.s);
	free(classname);
	buf_free(&output);
	buf_free(&tail);
}

/* A test's process has ended: verdict, sidecar, output, report. */
static void
finish(struct supervise_job *j, void *arg)
{
	struct env *e = arg;
	struct test *t = j->arg;
	const struct opts *o = e->o;
	struct metric_lines ml = {0};
	struct sidecar_metric *all;
	struct sidecar_payload_metrics pm;
	struct sidecar_result s;
	struct supervise_verdict v;

	supervise_verdict(&e->sv, j, read_metrics(t, j->file, &ml) ? "malformed metrics" : NULL, &v);

	/* The test's own measurements, then ktstr-test's: one payload invocation. */
	all = ereallocarray(NULL, ml.n + 1, sizeof(*all));
	if (ml.n)
		memcpy(all, ml.v, ml.n * sizeof(*all));
	all[ml.n] = (struct sidecar_metric){
		METRIC_WALL_TIME, j->wall_ms, POLARITY_LOWER, 0, "ms", SOURCE_JSON, STREAM_SYNTHESIZED,
	};
	pm = (struct sidecar_payload_metrics){0, all, ml.n + 1, v.code};

	sidecar_clear(sidecar_type_result, &s);
	s.test_name = t->name;
	s.payload = t->payload;
	s.metrics = (struct sidecar_payloads){&pm, 1};
	/* A skip is no pass: the newest generation's verdict bits exclude each other. */
	s.passed = v.passed && !v.skipped;
	s.skipped = v.skipped;
	s.work_type = o->work_type;
	t->path = write_sidecar(e, &s);
	free(all);
	metric_lines_free(&ml);
	if (o->junit)
		junit_case(e, t, j, &v);

	supervise_replay(j->out_fd, o->json ? stderr : stdout);
	supervise_replay(j->err_fd, stderr);
	/* The test's verdict stands; the output shown above is not all of it. */
	if (j->capture_err) {
		warning("%s: its output was cut short: cannot keep it in %s: %s", t->name, temp_dir(),
		        error_text(j->capture_err));
		e->status = EXIT_ERROR;
	}

	if (v.skipped)
		e->skipped++;
	else if (v.passed)
		e->passed++;
	else
		e->failed++;
	report(e, t, &v, j->wall_ms);
}

/*
 * Run the tests, at most -j at a time.  Returns 0, or the signal that
 * interrupted the run.
 */
static int
run_tests(struct env *e, struct test *v, size_t n)
{
	struct supervise_job *jobs = ecalloc(n, sizeof(*jobs));
	int sig;

	for (size_t i = 0; i < n; i++) {
		jobs[i].argv = v[i].argv;
		jobs[i].arg = &v[i];
	}
	e->sv = (struct supervise){
		.jobs = e->o->jobs,
		.timeout_ms = e->o->timeout_s * 1000ULL,
		.env = "KTSTR_METRICS",
		.stdout_to_stderr = e->o->json, /* stdout is ktstr-test's NDJSON */
		.capture = e->o->junit != NULL, /* a failure's report shows its output */
		.finish = finish,
		.arg = e,
	};
	sig = supervise_run(&e->sv, jobs, n);
	/* A test that could not start has no verdict, so no sidecar; the run fails. */
	if (e->sv.failed)
		e->status = EXIT_ERROR;
	for (size_t i = 0; e->o->junit && !sig && i < n; i++)
		if (jobs[i].pid == 0) {
			char *classname = easprintf("%s.%s", e->scheduler, e->topology);

			junit_add(&e->junit, v[i].name, classname, 0, JUNIT_ERROR, "could not be started", NULL);
			free(classname);
		}
	free(jobs);
	return sig;
}

/* ---- Modes --------------------------------------------------------------- */

/* The part of a path after its last '/' (empty when it ends in '/'). */
static const char *
file_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * A test name becomes a file name in the run directory: it must be a
 * JSON string and one safe path component short enough that its
 * sidecar's name fits NAME_MAX, refused now rather than after the test.
 */
static const char *
test_name_arg(const char *name)
{
	utf8_arg("test name", name);
	if (strchr(name, '/'))
		die("invalid test name '%s': contains '/'", name);
	if (strlen(name) > SIDECAR_TEST_NAME_MAX)
		die("invalid test name '%.40s...': %zu bytes, but a sidecar's file name has room "
		    "for %d (NAME_MAX)",
		    name, strlen(name), SIDECAR_TEST_NAME_MAX);
	if (!path_component_ok(name, SIDECAR_TEST_NAME_MAX))
		die("invalid test name '%s': a control character, '.' or '..' cannot name a file",
		    name);
	return name;
}

/* ktstr-test [options] -- COMMAND [ARG...] */
static struct test *
tests_command(const struct opts *o, char **argv, size_t *n)
{
	struct test *t;
	const char *base;

	if (*argv[0] == '\0')
		die("invalid command: empty");
	/* The payload is the program's own name, even for "dir/" forms. */
	base = file_base(argv[0]);
	if (*base == '\0')
		die("invalid command '%s': names a directory", argv[0]);
	utf8_arg("command name", base);
	test_name_arg(o->name ? o->name : base);
	t = ecalloc(1, sizeof(*t));
	t->argv = argv;
	t->payload = estrdup(base);
	t->name = estrdup(o->name ? o->name : base);
	*n = 1;
	return t;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Everything that can be wrong with the FILE operands, checked before
 * anything is allocated, so a usage error leaves nothing behind.
 */
static void
check_files(const struct opts *o, char **files, size_t n)
{
	const char **names;

	if (o->name)
		die("-n names the test of the command form (ktstr-test -n NAME -- COMMAND)");
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(files[i], &st) < 0)
			die("cannot open '%s':", files[i]);
		if (!S_ISREG(st.st_mode) || access(files[i], X_OK) < 0)
			die("'%s' is not an executable file", files[i]);
		test_name_arg(file_base(files[i]));
	}
	/* Two operands with one basename would write one sidecar. */
	names = ereallocarray(NULL, n, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = file_base(files[i]);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) == 0) {
			const char *dup = names[i];

			free(names);
			die("two tests are named '%s': each needs its own sidecar", dup);
		}
	free(names);
}

/* ktstr-test [options] FILE...: one test per file, named by its basename. */
static struct test *
tests_files(const struct opts *o, char **files, size_t nfiles, size_t *n)
{
	struct test *v;

	check_files(o, files, nfiles);
	v = ecalloc(nfiles, sizeof(*v));
	for (size_t i = 0; i < nfiles; i++) {
		char **argv = ecalloc(2, sizeof(*argv));

		/* execvp would search PATH for a bare name: run the file itself. */
		argv[0] = strchr(files[i], '/') ? estrdup(files[i]) : easprintf("./%s", files[i]);
		v[i].argv = argv;
		v[i].payload = estrdup(file_base(files[i]));
		v[i].name = estrdup(v[i].payload);
	}
	*n = nfiles;
	return v;
}

static void
tests_free(struct test *v, size_t n, int files)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		free(v[i].payload);
		if (files) {
			free(v[i].argv[0]);
			free((void *)v[i].argv);
		}
	}
	free(v);
}

/* The scenario's case in --junit's report: its findings are the failure. */
static void
junit_scenario(struct env *e, const char *name, const struct wl_result *res, int failed)
{
	struct buf msg = BUF_INIT, body = BUF_INIT;
	char *classname = easprintf("%s.%s", e->scheduler, e->topology);

	buf_printf(&msg, "%zu finding%s", res->ndetails, res->ndetails == 1 ? "" : "s");
	for (size_t i = 0; failed && i < res->ndetails; i++)
		buf_printf(&body, "%s: %s\n", wl_detail_kind_name(res->details[i].kind), res->details[i].msg);
	junit_add(&e->junit, name, classname, (double)res->elapsed_ms / 1000,
	          res->skipped ? JUNIT_SKIPPED : failed ? JUNIT_FAILED : JUNIT_PASSED, failed ? msg.s : NULL,
	          body.s);
	free(classname);
	buf_free(&msg);
	buf_free(&body);
}

/*
 * ktstr-test --scenario NAME: one real workload on this host, one test
 * (ktstr-test(1), SCENARIOS).  Returns 0, or the signal that
 * interrupted it: then no verdict and no sidecar.
 */
static int
run_scenario(struct env *e, struct wl_opts *wo)
{
	const struct opts *o = e->o;
	struct wl_result res;
	struct sidecar_result s;
	char err[512], *path;
	const char *verdict;
	int sig, failed;

	wo->quiet = o->quiet;
	wo->progress = o->quiet ? NULL : wl_progress_tty;
	switch (wl_scenario_run(wo, &res, err, sizeof err)) {
	case -1:
		warning("%s", err);
		e->status = EXIT_ERROR;
		return 0;
	case -2:
		sig = res.signal;
		wl_result_free(&res);
		return sig;
	}
	/* The scheduler found when the workload started, unless --scheduler names one. */
	if (o->scheduler == NULL && res.scheduler) {
		free(e->scheduler);
		e->scheduler = estrdup(res.scheduler);
	}
	sidecar_clear(sidecar_type_result, &s);
	s.test_name = wo->scenario;
	s.passed = res.passed && !res.skipped;
	s.skipped = res.skipped;
	s.stats = &res.stats;
	s.monitor = res.monitor ? &res.monitor->summary : NULL;
	s.work_type = res.work_type;
	path = write_sidecar(e, &s);

	failed = !res.skipped && !(res.passed && !res.monitor_failed);
	verdict = res.skipped ? "skipped" : failed ? "failed" : "passed";
	if (res.skipped) {
		e->skipped++;
		if (!o->quiet)
			fprintf(stderr, "SKIP: %s (%s)\n", wo->scenario,
			        res.ndetails ? res.details[0].msg : "cannot run here");
	} else if (!failed) {
		e->passed++;
		if (e->tty && !o->quiet)
			fprintf(stderr, "PASS: %s (%llu ms)\n", wo->scenario,
			        (unsigned long long)res.elapsed_ms);
	} else {
		/* The sidecar keeps the workers' verdict; a failing monitor fails only the run. */
		e->failed++;
		fprintf(stderr, "FAIL: %s (%zu finding%s)\n", wo->scenario, res.ndetails,
		        res.ndetails == 1 ? "" : "s");
		for (size_t i = 0; i < res.ndetails; i++)
			fprintf(stderr, "  %s: %s\n", wl_detail_kind_name(res.details[i].kind),
			        res.details[i].msg);
	}
	if (o->json)
		json_line(e, wo->scenario, verdict, path);
	if (o->junit)
		junit_scenario(e, wo->scenario, &res, failed);
	fflush(stdout);
	free(path);
	wl_result_free(&res);
	return 0;
}

/* --list-scenarios, --list-work-types: one name per line. */
static int
list_names(const char *(*name)(size_t))
{
	const char *n;

	for (size_t i = 0; (n = name(i)) != NULL; i++)
		puts(n);
	return EXIT_OK;
}

/* ---- Setup --------------------------------------------------------------- */

/* Everything decided once, before the first test: directory, token, probes, host. */
static void
env_init(struct env *e, const struct opts *o)
{
	struct buf err = BUF_INIT;

	memset(e, 0, sizeof(*e));
	e->o = o;
	if (o->kernel && setenv("KTSTR_KERNEL", o->kernel, 1) < 0)
		die("cannot set KTSTR_KERNEL:");
	if (rundir_run_init(&e->run, &err) < 0)
		die("%s", err.s);
	if (o->kernel && e->run.begun)
		die("--kernel cannot change the kernel of a begun run (set KTSTR_KERNEL before "
		    "ktstr-rundir --begin)");
	if (o->lock_timeout_s >= 0)
		e->run.lock_timeout_ms = (unsigned)o->lock_timeout_s * 1000u;
	rundir_warn_unknown_commit(&e->run);
	host_collect(&e->host, NULL);
	e->topology = o->topology ? estrdup(o->topology) : wl_topology_label(NULL, NULL, o->quiet);
	e->scheduler = o->scheduler ? estrdup(o->scheduler) : wl_scheduler_name(NULL, o->quiet);
	e->tty = isatty(STDERR_FILENO);
	jw_init(&e->w, 1);
	jw_init(&e->jw, 0);
	e->junit.suite = estrdup(e->run.key ? e->run.key : "ktstr-test");
	e->junit.timestamp = time(NULL);
	e->start_ns = monotonic_ns();
	buf_free(&err);
}

static void
env_free(struct env *e)
{
	jw_free(&e->w);
	jw_free(&e->jw);
	free(e->topology);
	free(e->scheduler);
	host_free(&e->host);
	rundir_run_free(&e->run);
	junit_free(&e->junit);
}

/* --junit FILE, staged and renamed as a sidecar is; 0, or -1 (reported). */
static int
write_junit(const struct env *e, const char *path)
{
	struct buf xml = BUF_INIT;
	int rc;

	junit_write(&xml, &e->junit, (double)(monotonic_ns() - e->start_ns) / 1e9);
	if ((rc = file_publish(path, xml.s, xml.len)) < 0)
		warning("cannot write '%s':", path);
	buf_free(&xml);
	return rc;
}

enum {
	O_KERNEL = 256, O_SCHEDULER, O_TOPOLOGY, O_WORK_TYPE, O_FLAG, O_SYSCTL, O_KARG, O_TIMEOUT,
	O_LOCK_TIMEOUT, O_JSON, O_JUNIT, O_SCENARIO, O_WL, O_ISOLATION, O_MONITOR, O_LIST_SCENARIOS,
	O_LIST_WORK_TYPES, O_CLEANUP,
};

static const struct option longopts[] = {
	{"name", required_argument, NULL, 'n'},
	{"kernel", required_argument, NULL, O_KERNEL},
	{"scheduler", required_argument, NULL, O_SCHEDULER},
	{"topology", required_argument, NULL, O_TOPOLOGY},
	{"work-type", required_argument, NULL, O_WORK_TYPE},
	{"flag", required_argument, NULL, O_FLAG},
	{"sysctl", required_argument, NULL, O_SYSCTL},
	{"karg", required_argument, NULL, O_KARG},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"lock-timeout", required_argument, NULL, O_LOCK_TIMEOUT},
	{"jobs", required_argument, NULL, 'j'},
	{"quiet", no_argument, NULL, 'q'},
	{"json", no_argument, NULL, O_JSON},
	{"junit", required_argument, NULL, O_JUNIT},
	{"scenario", required_argument, NULL, O_SCENARIO},
	/* Parsed by wl_opt_set under their own names. */
	{"duration", required_argument, NULL, O_WL},
	{"workers", required_argument, NULL, O_WL},
	{"cgroups", required_argument, NULL, O_WL},
	{"settle-ms", required_argument, NULL, O_WL},
	{"partition", required_argument, NULL, O_WL},
	{"policy", required_argument, NULL, O_WL},
	{"max-gap-ms", required_argument, NULL, O_WL},
	{"max-spread-pct", required_argument, NULL, O_WL},
	{"cgroup-mode", required_argument, NULL, O_WL},
	{"isolation", no_argument, NULL, O_ISOLATION},
	{"monitor", no_argument, NULL, O_MONITOR},
	{"list-scenarios", no_argument, NULL, O_LIST_SCENARIOS},
	{"list-work-types", no_argument, NULL, O_LIST_WORK_TYPES},
	{"cleanup", no_argument, NULL, O_CLEANUP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The workload's options, parsed by the library under their own names. */
static void
wl_option(struct opts *o, const char *name, const char *arg)
{
	char err[512];

	if (wl_opt_set(&o->wl, name, arg, err, sizeof err) < 0)
		die("%s", err);
}

/* --scenario and the options of the scenario form; 0 when c is none of them. */
static int
scenario_option(struct opts *o, int c, const char *name, const char *arg)
{
	switch (c) {
	case O_SCENARIO:
		wl_option(o, "scenario", arg);
		o->scenario = 1;
		return 1;
	case O_WL:
		wl_option(o, name, arg);
		o->wl_opt = name;
		return 1;
	case O_ISOLATION:
		o->wl.isolation = 1;
		o->wl_opt = "isolation";
		return 1;
	case O_MONITOR:
		o->wl.monitor = 1;
		o->wl_opt = "monitor";
		return 1;
	}
	return 0;
}

/* One option: c as getopt_long returned it, name its long name. */
static void
parse_option(struct opts *o, int c, const char *name, char *arg)
{
	switch (c) {
	case 'n':
		o->name = test_name_arg(arg);
		break;
	case O_KERNEL:
		o->kernel = arg;
		break;
	case O_SCHEDULER:
		o->scheduler = utf8_arg("scheduler", arg);
		break;
	case O_TOPOLOGY:
		o->topology = utf8_arg("topology", arg);
		break;
	case O_WORK_TYPE:
		/* 0.4.9's names as the newest generation spells them: CpuSpin is SpinWait. */
		o->work_type = sidecar_work_type_name(utf8_arg("work type", arg));
		o->work_type_given = 1;
		break;
	case O_FLAG:
		push(&o->flags, &o->nflags, (char *)utf8_arg("flag", arg));
		break;
	case O_SYSCTL: {
		const char *eq = strchr(utf8_arg("sysctl", arg), '=');

		if (eq == NULL || eq == arg)
			die("invalid sysctl '%s': expected KEY=VALUE", arg);
		push(&o->sysctls, &o->nsysctls, easprintf("sysctl.%s", arg));
		break;
	}
	case O_KARG:
		push(&o->kargs, &o->nkargs, (char *)utf8_arg("kernel argument", arg));
		break;
	case O_TIMEOUT:
		o->timeout_s = num_arg("timeout", arg, 0, 7 * 86400);
		break;
	case O_LOCK_TIMEOUT:
		o->lock_timeout_s = num_arg("lock timeout", arg, 0, 3600);
		break;
	case 'j':
		o->jobs = num_arg("job count", arg, 1, 1024);
		break;
	case 'q':
		o->quiet = 1;
		break;
	case O_JUNIT:
		if (o->junit)
			die("--junit given more than once");
		if (!*arg)
			die("--junit needs a file name");
		o->junit = arg;
		break;
	case O_JSON:
		o->json = 1;
		break;
	case 'h':
		usage(EXIT_OK);
	case O_LIST_SCENARIOS:
	case O_LIST_WORK_TYPES:
	case O_CLEANUP:
		if (o->action && o->action != c)
			usage(EXIT_ERROR);
		o->action = c;
		break;
	default:
		if (!scenario_option(o, c, name, arg))
			usage(EXIT_ERROR);
	}
}

/* The options that exclude or need each other. */
static void
check_options(struct opts *o)
{
	if (o->action) {
		if (o->noperands || o->scenario || o->wl_opt || o->junit)
			usage(EXIT_ERROR);
		return;
	}
	if (o->wl_opt && !o->scenario)
		die("--%s needs --scenario", o->wl_opt);
	if (o->scenario) {
		if (o->noperands)
			die("--scenario runs no command or file: unexpected operand '%s'", o->operands[0]);
		if (o->name)
			die("-n cannot rename a scenario: its test name is the scenario's");
		if (o->timeout_s || o->jobs > 1)
			die("--timeout and -j apply to commands and files, not to --scenario");
		/* Here the work type is run, not only recorded. */
		if (o->work_type_given)
			wl_option(o, "work-type", o->work_type);
	} else if (o->noperands == 0) {
		usage(EXIT_ERROR);
	}
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
	const char *lastarg = NULL;
	int c, li;

	/* '+': the first operand ends the options, as the COMMAND form needs. */
	while ((c = getopt_long(argc, argv, "+n:j:qh", longopts, &li)) != -1) {
		lastarg = optarg;
		parse_option(o, c, c == O_WL ? longopts[li].name : NULL, optarg);
	}
	o->operands = argv + optind;
	o->noperands = (size_t)(argc - optind);
	check_options(o);
	/* "--" ends the options (not when it was an option's argument). */
	o->command = optind > 1 && strcmp(argv[optind - 1], "--") == 0 && lastarg != argv[optind - 1];
	sidecar_sort_flags(o->flags, o->nflags);
}

/* --list-scenarios, --list-work-types, --cleanup. */
static int
run_action(const struct opts *o)
{
	int n;

	if (o->action == O_LIST_SCENARIOS)
		return list_names(wl_list_scenario);
	if (o->action == O_LIST_WORK_TYPES)
		return list_names(wl_list_work_type);
	if ((n = wl_cleanup()) < 0)
		return EXIT_ERROR;
	if (!o->quiet)
		fprintf(stderr, "%s: removed %d stale cgroup director%s\n", progname, n,
		        n == 1 ? "y" : "ies");
	return EXIT_OK;
}

static void
opts_free(struct opts *o)
{
	free(o->flags);
	for (size_t i = 0; i < o->nsysctls; i++)
		free(o->sysctls[i]);
	free(o->sysctls);
	free(o->kargs);
}

int
main(int argc, char **argv)
{
	/*
	 * Static: what a usage error's die() leaves allocated stays
	 * reachable, so leak checkers report only real leaks.
	 */
	static struct opts o = {.work_type = "SpinWait", .lock_timeout_s = -1, .jobs = 1};
	static struct env e;
	static struct test *tests;
	size_t ntests = 0;
	int sig, status;

	setprogname(argv[0]);
	argv[0] = (char *)progname; /* getopt names the program by argv[0] */
	wl_opts_init(&o.wl);
	sidecar_run_id_start();
	parse_args(&o, argc, argv);
	if (o.action)
		return stdout_status(run_action(&o));

	if (o.scenario) {
		env_init(&e, &o);
		sig = run_scenario(&e, &o.wl);
	} else {
		tests = o.command ? tests_command(&o, o.operands, &ntests)
		                  : tests_files(&o, o.operands, o.noperands, &ntests);
		env_init(&e, &o);
		sig = run_tests(&e, tests, ntests);
	}
	if (sig) {
		/* Interrupted: no verdict, no summary; die of the same signal. */
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	if (!o.quiet)
		fprintf(stderr, "%u passed, %u failed, %u skipped\n", e.passed, e.failed, e.skipped);
	status = e.failed ? EXIT_FOUND : EXIT_OK;
	if (o.junit && write_junit(&e, o.junit) < 0)
		e.status = EXIT_ERROR;
	if (e.status || e.run.failed)
		status = EXIT_ERROR;
	env_free(&e);
	tests_free(tests, ntests, !o.command);
	opts_free(&o);
	return stdout_status(status);
}
