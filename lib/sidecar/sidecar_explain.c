/* explain: which optional sidecar fields are null in a run, and why. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json/json.h"
#include "sidecar.h"
#include "sidecar_explain.h"
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
		buf_printf(out, "test: %s\n  topology: %s\n  scheduler: %s\n  run_id: %s\n  arch: %s\n",
		           sidecar_str(sc, "test_name"), sidecar_str(sc, "topology"),
		           sidecar_str(sc, "scheduler"), sidecar_str(sc, "run_id"),
		           arch && arch->type == JSON_STRING ? arch->u.str.s : "-");
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
			buf_printf(out, "  %s\n    error: %s\n", set->errs[i].path, set->errs[i].error);
			if (set->errs[i].enriched)
				buf_printf(out, "    enriched: %s\n", set->errs[i].enriched);
		}
		buf_putc(out, '\n');
	}
	if (nio) {
		buf_printf(out, "io errors (%zu):\n", nio);
		for (size_t i = 0; i < set->nerrs; i++)
			if (set->errs[i].io)
				buf_printf(out, "  %s\n    error: %s\n", set->errs[i].path, set->errs[i].error);
		buf_putc(out, '\n');
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct field *)a)->name, ((const struct field *)b)->name);
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
