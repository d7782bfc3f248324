/*
 * explain: which optional sidecar fields are null in a run, and why; and
 * which upstream generation's members each file carries and what a
 * reader of the newest one fills in (ktstr-scan(1), --explain).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "sidecar.h"
#include "sidecar_explain.h"
#include "sidecar_schema.h"
#include "sidecar_view.h"
#include "util/strlist.h"
#include "util/text.h"
#include "util/util.h"

#define RUN_RULES                                                                                 \
	"The run argument is joined onto the run-root via `Path::join` and must contain "          \
	"%s (e.g. a typical run key shape: `6.14-abc1234` or `6.14-abc1234-dirty`%s). To point " \
	"at a different pool root, use `--dir`. Run `ktstr-rundir --list` to enumerate available " \
	"run keys."

struct field {
	const char *name;
	const char *class;
	const char *causes[6];
	const char *fix;
};

/* Catalogue order; the strings are upstream's explain-sidecar output, word for word. */
static const struct field catalog[] = {
	{"scheduler_commit", "expected",
	 {"no SchedulerSpec variant currently exposes a reliable commit source — reserved on the "
	  "schema for future enrichment (e.g. --version probe or ELF-note read on the resolved "
	  "scheduler binary)"},
	 NULL},
	{"project_commit", "actionable",
	 {"current_dir() could not be resolved at sidecar-write time (process cwd was rmdir'd while "
	  "alive)",
	  "test process cwd was not inside any git repository",
	  "HEAD could not be read (unborn HEAD on a fresh `git init` with zero commits, or a corrupt "
	  "repository)"},
	 "run from inside a git-tracked source tree with at least one commit"},
	{"payload", "expected",
	 {"test declared no binary payload (scheduler-only test or pure-scenario test that never "
	  "invokes ctx.payload(...))"},
	 NULL},
	{"monitor", "actionable",
	 {"host-only test path: monitor loop never started",
	  "early VM failure: monitor loop terminated before producing samples",
	  "sample collection produced no valid data"},
	 NULL},
	{"kvm_stats", "actionable",
	 {"host-only test path: VM did not run",
	  "KVM stats were unavailable on this host (e.g. KVM module not loaded, /dev/kvm "
	  "permissions, or kernel missing the stats interface)"},
	 NULL},
	{"kernel_version", "actionable",
	 {"host-only test path: no kernel under test",
	  "neither cache metadata nor `include/config/kernel.release` yielded a version string"},
	 NULL},
	{"kernel_commit", "actionable",
	 {"KTSTR_KERNEL is unset or empty",
	  "kernel source is a Tarball or Git transient cache entry (no on-disk source tree to probe)",
	  "resolved kernel directory is not a git repository (gix::open failed)",
	  "HEAD cannot be read (unborn HEAD on a fresh `git init` with zero commits)",
	  "gix probe failed for another reason — metadata, not a gate"},
	 "set KTSTR_KERNEL to a local kernel source tree that is a git repository (e.g. a git clone "
	 "of the kernel)"},
	{"host", "actionable",
	 {"test-fixture path: not the production sidecar writer (production writers always populate "
	  "`host`)",
	  "pre-enrichment archive: sidecar predates the host-context landing — re-run the test to "
	  "regenerate under the current schema"},
	 "for pre-enrichment archives, re-run the test to regenerate under the current schema; "
	 "test-fixture sidecars are not production runs and cannot be recovered by re-running"},
	{"cleanup_duration_ms", "actionable",
	 {"host-only / host-only-stub test path: no VM teardown window to time",
	  "run was killed by the watchdog before `KtstrVm::collect_results` returned"},
	 NULL},
	{"run_source", "actionable",
	 {"pre-rename archive: sidecar carries the old `source` key which the current schema drops "
	  "as an unknown field, leaving `run_source` to fall back to None via serde's "
	  "tolerate-absence rule. Re-run the test to regenerate under the new schema, or rename the "
	  "key in-place before deserialize"},
	 "re-run the test to regenerate, or rename the on-disk `source` key to `run_source`"},
};

/* Rejects what Path::join could not confine to root: empty, absolute, a leading "." or any "..". */
static int
check_run(const char *run)
{
	const char *p = run;
	int first = 1;

	if (*run == '\0') {
		warning("run argument must not be empty. " RUN_RULES,
		     "at least one `Normal` path component — i.e. must not be empty, `.`, `..`, or "
		     "absolute",
		     "");
		return -1;
	}
	if (*run != '/') {
		for (;;) {
			size_t n = strcspn(p, "/");

			if ((n == 1 && p[0] == '.' && first) || (n == 2 && p[0] == '.' && p[1] == '.'))
				break;
			first = 0;
			p += n;
			if (*p == '\0')
				return 0;
			p++;
		}
	}
	warning("run '%s' contains pool-root-aliasing or path-traversal components (`.`, `..`, or "
	     "absolute path). " RUN_RULES,
	     run, "only `Normal` path components — no `.`, `..`, or absolute prefix",
	     "; multi-component paths like `gauntlet/job-1` are also accepted");
	return -1;
}

static int
by_test(const void *a, const void *b)
{
	const struct sidecar *x = *(struct sidecar *const *)a, *y = *(struct sidecar *const *)b;
	int c = strcmp(sidecar_str(x, "test_name"), sidecar_str(y, "test_name"));

	return c ? c : strcmp(sidecar_str(x, "run_id"), sidecar_str(y, "run_id"));
}

/* What an absent member of the newest generation reads as. */
static const char *
default_of(const struct sc_member *m)
{
	/* An old file says nothing about its VM; a newest skip writes 0. */
	if (strcmp(m->name, "vcpus") == 0)
		return "unknown";
	if (strcmp(m->name, "cpu_budget") == 0)
		return "none";
	if (m->rule[SIDECAR_G2] == SC_R_OPT || m->ctype == SC_C_OF64)
		return "none";
	switch (m->type->kind) {
	case SC_K_BOOL:
		return "false";
	case SC_K_SEQ:
		return "[]";
	case SC_K_MAP:
	case SC_K_CPU_MAP:
		return "{}";
	case SC_K_ENUM:
		return m->type->variants[0].name; /* serde's default: the first variant */
	case SC_K_STR:
		return "\"\"";
	default:
		return "0";
	}
}

/* One member of the newest generation a file lacks, and what it reads as. */
typedef void default_fn(const char *prefix, const struct sc_member *m, const char *value, void *arg);

/*
 * The members of t the newest generation writes and obj lacks, with what
 * they read as (a member it omits when it has no value is no default).
 */
static void
defaults_of(const char *prefix, const struct sc_type *t, const struct json_value *obj,
            default_fn *fn, void *arg)
{
	for (size_t k = 0; k < t->nmembers; k++) {
		const struct sc_member *m = &t->members[k];
		unsigned rule = m->rule[SIDECAR_G2];
		const char *v;

		if (rule == SC_R_NO || rule == SC_R_EXT || rule == SC_R_OMIT ||
		    json_get(obj, m->name) != NULL)
			continue;
		v = default_of(m);
		if (strcmp(m->name, "stuck_count") == 0)
			v = json_get(obj, "stuck_detected")   ? "from stuck_detected"
			    : json_get(obj, "stall_detected") ? "from stall_detected"
			                                       : "0";
		fn(prefix, m, v, arg);
	}
}

/* Every default of one sidecar: its top level, its statistics and its monitor. */
static void
each_default(const struct json_value *root, default_fn *fn, void *arg)
{
	const struct json_value *st = json_get(root, "stats"), *mon = json_get(root, "monitor");

	defaults_of("", sidecar_type_result, root, fn, arg);
	if (st && st->type == JSON_OBJECT)
		defaults_of("stats.", sidecar_type_stats, st, fn, arg);
	if (mon && mon->type == JSON_OBJECT)
		defaults_of("monitor.", sidecar_type_monitor, mon, fn, arg);
}

struct listing {
	struct buf b;
	size_t n;
};

static void
list_default(const char *prefix, const struct sc_member *m, const char *value, void *arg)
{
	struct listing *l = arg;

	buf_printf(&l->b, "%s%s%s %s", l->n++ ? ", " : "", prefix, m->name, value);
}

/* The generation lines of one sidecar's text report. */
static void
generation(struct buf *out, const struct sidecar *sc)
{
	const struct json_value *root = sc->doc.root;
	struct listing d = {BUF_INIT, 0};
	struct sidecar_view v;
	char err[256];
	size_t valid = 0;

	sidecar_view_read(&v, root);
	buf_printf(out, "  generation: %s (%s); valid for:", sidecar_gen_label[v.gen],
	           sidecar_gen_version[v.gen]);
	for (unsigned g = 0; g < SIDECAR_NGEN; g++)
		if (sidecar_check(root, g, err, sizeof err, NULL) == 0)
			buf_printf(out, "%s %s", valid++ ? "," : "", sidecar_gen_label[g]);
	buf_puts(out, valid ? "\n" : " none\n");
	if (strcmp(v.work_type, v.r.work_type ? v.r.work_type : "") != 0) {
		text_printf(out, "  work_type: %s, read as %s", v.r.work_type ? v.r.work_type : "", v.work_type);
		buf_putc(out, '\n');
	}
	each_default(root, list_default, &d);
	buf_printf(out, "  defaults (%zu): %s\n", d.n, d.n ? d.b.s : "<none>");
	buf_free(&d.b);
}

/* "{label}{value}\n", the value escaped: it comes from a file (util/text.h). */
static void
put_line(struct buf *out, const char *label, const char *value)
{
	buf_puts(out, label);
	text_puts(out, value);
	buf_putc(out, '\n');
}

static void
text_report(const struct sidecar_set *set, struct buf *out)
{
	size_t nio = 0, nparse = 0;

	buf_printf(out, "walked %zu sidecar file(s), parsed %zu valid\n\n", set->walked, set->n);
	for (size_t i = 0; i < set->n; i++) {
		const struct sidecar *sc = set->v[i];
		const struct json_value *host = sidecar_get(sc, "host"), *arch;
		size_t k = 0, j = 0;

		arch = host && host->type == JSON_OBJECT ? json_get(host, "arch") : NULL;
		put_line(out, "test: ", sidecar_str(sc, "test_name"));
		put_line(out, "  topology: ", sidecar_str(sc, "topology"));
		put_line(out, "  scheduler: ", sidecar_str(sc, "scheduler"));
		put_line(out, "  run_id: ", sidecar_str(sc, "run_id"));
		put_line(out, "  arch: ", arch && arch->type == JSON_STRING ? arch->u.str.s : "-");
		generation(out, sc);
		for (size_t f = 0; f < LEN(catalog); f++)
			k += sidecar_get(sc, catalog[f].name) != NULL;
		buf_printf(out, "  populated optional fields (%zu): ", k);
		for (size_t f = 0; f < LEN(catalog); f++)
			if (sidecar_get(sc, catalog[f].name))
				buf_printf(out, "%s%s", j++ ? ", " : "", catalog[f].name);
		buf_puts(out, k ? "\n" : "<none>\n");
		if (k == LEN(catalog)) {
			buf_puts(out, "  none fields: <all populated>\n\n");
			continue;
		}
		buf_printf(out, "  none fields (%zu):\n", LEN(catalog) - k);
		for (size_t f = 0; f < LEN(catalog); f++) {
			if (sidecar_get(sc, catalog[f].name))
				continue;
			buf_printf(out, "    %s [%s]\n", catalog[f].name, catalog[f].class);
			for (size_t c = 0; c < LEN(catalog[f].causes) && catalog[f].causes[c]; c++)
				buf_printf(out, "      - %s\n", catalog[f].causes[c]);
			if (catalog[f].fix)
				buf_printf(out, "      fix: %s\n", catalog[f].fix);
		}
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < set->nerrs; i++)
		set->errs[i].io ? nio++ : nparse++;
	if (nparse) {
		buf_printf(out, "corrupt sidecars (%zu):\n", nparse);
		for (size_t i = 0; i < set->nerrs; i++) {
			if (set->errs[i].io)
				continue;
			put_line(out, "  ", set->errs[i].path);
			put_line(out, "    error: ", set->errs[i].error);
			if (set->errs[i].enriched)
				put_line(out, "    enriched: ", set->errs[i].enriched);
		}
		buf_putc(out, '\n');
	}
	if (nio) {
		buf_printf(out, "io errors (%zu):\n", nio);
		for (size_t i = 0; i < set->nerrs; i++)
			if (set->errs[i].io) {
				put_line(out, "  ", set->errs[i].path);
				put_line(out, "    error: ", set->errs[i].error);
			}
		buf_putc(out, '\n');
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct field *)a)->name, ((const struct field *)b)->name);
}

struct tally {
	char **name; /* "prefix.member" */
	size_t *count;
	size_t n;
};

static void
tally_default(const char *prefix, const struct sc_member *m, const char *value, void *arg)
{
	struct tally *t = arg;
	char *name = easprintf("%s%s", prefix, m->name);
	size_t i;

	(void)value;
	for (i = 0; i < t->n && strcmp(t->name[i], name) != 0; i++)
		;
	if (i == t->n) {
		t->name = ereallocarray(t->name, t->n + 1, sizeof *t->name);
		t->count = ereallocarray(t->count, t->n + 1, sizeof *t->count);
		t->name[t->n] = name;
		t->count[t->n++] = 0;
	} else {
		free(name);
	}
	t->count[i]++;
}

/* "_generations": files by the newest generation they carry; "_defaults": files per default. */
static void
json_generations(struct json_writer *w, const struct sidecar_set *set)
{
	size_t gen[SIDECAR_NGEN] = {0};
	struct tally t = {NULL, NULL, 0};
	const char **sorted;

	for (size_t i = 0; i < set->n; i++) {
		struct sidecar_view v;

		sidecar_view_read(&v, set->v[i]->doc.root);
		gen[v.gen]++;
		each_default(set->v[i]->doc.root, tally_default, &t);
	}
	jw_key(w, "_generations");
	jw_object_begin(w);
	for (int g = 0; g < SIDECAR_NGEN; g++) {
		jw_key(w, sidecar_gen_label[g]);
		jw_uint(w, gen[g]);
	}
	jw_object_end(w);
	sorted = strv_sorted_copy((const char *const *)t.name, t.n);
	jw_key(w, "_defaults");
	jw_object_begin(w);
	for (size_t i = 0; i < t.n; i++) {
		size_t k;

		for (k = 0; t.name[k] != sorted[i]; k++)
			;
		jw_key(w, sorted[i]);
		jw_uint(w, t.count[k]);
	}
	jw_object_end(w);
	for (size_t i = 0; i < t.n; i++)
		free(t.name[i]);
	free(t.name);
	free(t.count);
	free(sorted);
}

static void
json_report(const struct sidecar_set *set, struct buf *out)
{
	struct field sorted[LEN(catalog)];
	struct json_writer w;

	memcpy(sorted, catalog, sizeof catalog);
	qsort(sorted, LEN(sorted), sizeof sorted[0], by_name);
	jw_init(&w, 1);
	jw_object_begin(&w);
	jw_key(&w, "_schema_version");
	jw_string(&w, "1");
	jw_key(&w, "_walk");
	jw_object_begin(&w);
	jw_key(&w, "walked");
	jw_uint(&w, set->walked);
	jw_key(&w, "valid");
	jw_uint(&w, set->n);
	for (int io = 0; io <= 1; io++) {
		jw_key(&w, io ? "io_errors" : "errors");
		jw_array_begin(&w);
		for (size_t i = 0; i < set->nerrs; i++) {
			if (set->errs[i].io != io)
				continue;
			jw_object_begin(&w);
			jw_key(&w, "path");
			jw_string(&w, set->errs[i].path);
			jw_key(&w, "error");
			jw_string(&w, set->errs[i].error);
			if (!io) {
				jw_key(&w, "enriched_message");
				if (set->errs[i].enriched)
					jw_string(&w, set->errs[i].enriched);
				else
					jw_null(&w);
			}
			jw_object_end(&w);
		}
		jw_array_end(&w);
	}
	jw_object_end(&w);
	json_generations(&w, set);
	jw_key(&w, "fields");
	jw_object_begin(&w);
	for (size_t f = 0; f < LEN(sorted); f++) {
		size_t none = 0;

		for (size_t i = 0; i < set->n; i++)
			none += sidecar_get(set->v[i], sorted[f].name) == NULL;
		jw_key(&w, sorted[f].name);
		jw_object_begin(&w);
		jw_key(&w, "none_count");
		jw_uint(&w, none);
		jw_key(&w, "some_count");
		jw_uint(&w, set->n - none);
		jw_key(&w, "classification");
		jw_string(&w, sorted[f].class);
		jw_key(&w, "causes");
		jw_array_begin(&w);
		for (size_t c = 0; c < LEN(sorted[f].causes) && sorted[f].causes[c]; c++)
			jw_string(&w, sorted[f].causes[c]);
		jw_array_end(&w);
		jw_key(&w, "fix");
		if (sorted[f].fix)
			jw_string(&w, sorted[f].fix);
		else
			jw_null(&w);
		jw_object_end(&w);
	}
	jw_object_end(&w);
	jw_object_end(&w);
	buf_add(out, w.s, w.len);
	jw_free(&w);
}

int
explain_run(const char *root, const char *run, int json, struct buf *out)
{
	struct sidecar_set set = {0};
	struct stat st;
	char *dir, *msg;
	int rc = 0;

	if (check_run(run) < 0)
		return -1;
	dir = path_join(root, run);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		msg = sidecar_run_not_found(root, run);
		warning("%s", msg);
		free(msg);
		free(dir);
		return -1;
	}
	/* On-disk state: no archive override, even under --dir. */
	sidecar_walk_run(dir, run, 0, 0, &set);
	if (set.walked == 0) {
		warning("run '%s' has no sidecar data (searched %s)", run, dir);
		rc = -1;
	} else {
		if (set.n > 1)
			qsort(set.v, set.n, sizeof *set.v, by_test);
		if (json)
			json_report(&set, out);
		else
			text_report(&set, out);
	}
	sidecar_set_free(&set);
	free(dir);
	return rc;
}
