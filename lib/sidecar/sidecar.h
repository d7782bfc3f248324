/*
 * sidecar: what a ktstr sidecar is (ktstr-sidecar(5)), how runs hold
 * them, and the walkers: a run, a pool of runs, the list of run names.
 * A loaded sidecar is a JSON tree (json/json.h) plus where it came
 * from: the whole text parsed, or, for readers of the modelled members
 * only (SIDECAR_MODELLED), the tree sidecar_check_text prunes as it
 * checks, which saves building what no such reader looks at.
 */
#ifndef KTSTR_SIDECAR_H
#define KTSTR_SIDECAR_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "sidecar_schema.h"

/*
 * A sidecar is a few kB (a test's blob can make it 100 MB): a file or
 * stream line over SIDECAR_FILE_MAX is damage or has no end, and is
 * reported, not read.  A stream read whole holds a pool:
 * SIDECAR_STREAM_MAX fits 100k sidecars.
 */
#define SIDECAR_FILE_MAX ((size_t)256 << 20)
#define SIDECAR_STREAM_MAX ((size_t)1 << 30)

/* {CARGO_TARGET_DIR or target}/ktstr (a non-UTF-8 value counts as unset); caller frees. */
char *sidecar_runs_root(void);

/*
 * The final path component is a sidecar candidate: it contains ".ktstr."
 * and its extension (after the last dot, a leading dot not counting) is
 * exactly "json" (ktstr-sidecar(5)).
 */
int sidecar_is_candidate(const char *name);

/*
 * Is root a sidecar of generation gen (SIDECAR_G0..G2: every member
 * that generation's upstream requires, of the kinds it accepts), or, for
 * gen SIDECAR_ANY, a file a reader can use: the core members present and
 * every known member of a kind some generation accepts
 * (ktstr-sidecar(5)).  On failure writes a one-line serde-style reason
 * ("missing field `run_id`", "invalid type: null, expected f64",
 * "duplicate field `passed`", ...) into err, without position, and
 * returns -1.  where, when not NULL, gets where the problem ends in the
 * parsed text (NULL when there is no place), so a caller holding the
 * text can add "at line L column C".
 */
int sidecar_check(const struct json_value *root, unsigned gen, char *err, size_t errlen,
                  const char **where);

/*
 * json_parse() and sidecar_check() in one pass that builds only what the
 * suite models (the members with a C side in sidecar_schema.h) and, at
 * the top, the stream's reserved members.  Another member the schema
 * knows is left as a null of the same extent, so it still counts as
 * present; a member no generation knows is dropped, as no reader asks
 * for it.  Only the members of gen's schema are checked, as
 * sidecar_check checks them.  A sidecar view read from doc->root is the
 * view of the whole tree.  The first error is the one the two would
 * give: a JSON error anywhere ("... at line L column C" in err, *where
 * NULL), else the first check failure (*where as sidecar_check sets
 * it).  doc is as json_parse wants it.  Returns 0 or -1.
 */
int sidecar_check_text(struct json_doc *doc, const char *text, size_t len, unsigned gen, char *err,
                       size_t errlen, const char **where);

/*
 * Parse and check text as one sidecar (gen as for sidecar_check).  On
 * failure fills err with the reason, "... at line L column C" for JSON
 * syntax errors, and returns -1 (the doc is freed).  text must outlive
 * doc.
 */
int sidecar_parse(struct json_doc *doc, const char *text, size_t len, unsigned gen, char *err,
                  size_t errlen);

struct sidecar {
	char *path;   /* as the walk built it, the operand, or a stream line's "_path" */
	char *run;    /* run directory name (stream "_run"), NULL for a loose file */
	int archive;  /* read from an explicit root, or "_archive": true */
	char *text;   /* the bytes doc points into; NULL when they are lent (sidecar_set's lend) */
	size_t len;
	struct json_doc doc; /* doc.root: the sidecar object */
	size_t line;  /* line in a stream (1-based), 0 for a whole file */
	void *prepared; /* what the set's prepare returned */
};

struct sidecar_error {
	char *path;
	char *error;     /* raw error text */
	char *enriched;  /* a missing `host` explained (re-run the test), or NULL */
	int io;          /* 1: read failure (I/O error bucket), 0: parse failure */
};

struct sidecar_set {
	struct sidecar **v; /* valid sidecars in walk / input order */
	size_t n;
	struct sidecar_error *errs; /* failures in walk order */
	size_t nerrs;
	size_t walked; /* candidates seen (valid + failed) */
	/*
	 * When set, each valid sidecar is handed to each(sc, arg) as soon
	 * as it is loaded instead of being kept in v (each owns it: free
	 * with sidecar_free), so a stream of any size runs in constant memory.
	 */
	void (*each)(struct sidecar *sc, void *arg);
	/*
	 * With each: when set, prepare(sc, arg) runs on each sidecar first,
	 * as soon as it is read, on any thread and in any order (the lines of
	 * a stream are read by several); each then finds what it returned in
	 * sc->prepared, in order.  prepare reads sc and arg only and writes
	 * only what it returns.
	 */
	void *(*prepare)(const struct sidecar *sc, void *arg);
	/*
	 * With each: set when each frees every sidecar before it returns.
	 * A stream's lines are then lent to their sidecars (sc->text NULL,
	 * doc pointing into the reader's buffer) instead of copied.
	 */
	int lend;
	void *arg;
};

/* Flags for the walkers. */
enum {
	SIDECAR_QUIET = 1, /* do not print the per-file stderr lines */
	/*
	 * Build only what the suite models (sidecar_check_text): for readers
	 * of the view and the reserved members, which then read nothing else.
	 */
	SIDECAR_MODELLED = 2,
};
/* Check each file against generation g's required members, not the reading rule. */
#define SIDECAR_STRICT(g) ((unsigned)((g) + 1) << 4)

void sidecar_free(struct sidecar *sc);
void sidecar_set_free(struct sidecar_set *set);
/* Appends one sidecar (takes ownership). */
void sidecar_set_add(struct sidecar_set *set, struct sidecar *sc);

/*
 * W-RUN(dir), the walk of one run, deterministic order: top-level files
 * sorted byte-wise, then each subdirectory (sorted) and its files
 * (sorted), no deeper.  run is recorded in each sidecar (may be NULL).
 * Per-file failures print "{progname}: cannot read {path}: {error}" or
 * "{progname}: skipping {path}: {error}" unless SIDECAR_QUIET.
 * Returns the number of candidates walked; -1 (errno set) when dir
 * cannot be listed (nothing added, nothing printed).
 */
long sidecar_walk_run(const char *dir, const char *run, int archive, unsigned flags,
                      struct sidecar_set *out);

/*
 * W-POOL(root), the walk of a runs root: every directory entry of root (dot
 * directories included, symlinks followed), sorted, walked by W-RUN
 * with run = the entry's name.  Returns candidates walked, -1 (errno
 * set) when root cannot be listed.
 */
long sidecar_walk_pool(const char *root, int archive, unsigned flags, struct sidecar_set *out);

/*
 * W-LIST(root): run-directory names (directories, symlinks followed,
 * not starting with '.', valid UTF-8), sorted byte-wise.  Returns the
 * count, -1 (errno set) when root cannot be listed.  Free with
 * sidecar_free_names().
 */
long sidecar_list_runs(const char *root, char ***names);
void sidecar_free_names(char **names, size_t n);

/*
 * Read path as one sidecar (whatever its name)
 * into out, or record and report its failure as W-RUN does.
 */
void sidecar_load(const char *path, const char *run, int archive, unsigned flags,
                  struct sidecar_set *out);

/* 1 when dir holds at least one sidecar candidate directly in it. */
int sidecar_dir_has_candidate(const char *dir);

/*
 * The newest run directory under root: the latest mtime of the entry
 * itself, a tie to the greatest name (doc/runs.md, Reading runs); NULL
 * when there is none.  Returns the name; caller frees.
 */
char *sidecar_newest_run(const char *root);

/*
 * The "did you mean" suggestion for a missing run: the
 * closest W-LIST name by Levenshtein distance (characters), if within
 * max(3, len/3); ties to the first in sorted order.  NULL if none.
 */
char *sidecar_suggest_run(const char *root, const char *run);

/*
 * The fatal message for a run that is not under root, with its "Did you
 * mean" suggestion and a hint to list the runs; caller frees.
 */
char *sidecar_run_not_found(const char *root, const char *run);

/*
 * The "_run" name of a run directory given as a path: its last
 * component, or that of its canonical path for ".",
 * ".." and "/"; caller frees.
 */
char *sidecar_run_name(const char *path);

/*
 * A directory operand (ktstr-scan(1), PATH): a run
 * directory (walked by W-RUN, run = sidecar_run_name) when it has a
 * candidate directly inside, else a runs root (W-POOL); archive marked.
 * Returns 0, -1 (errno set) when it cannot be listed.
 */
int sidecar_read_dir(const char *path, unsigned flags, struct sidecar_set *out);

/*
 * Read a file (or stdin when path is "-", named
 * "<stdin>" in messages) holding one sidecar or an NDJSON stream of
 * them; reserved members "_path", "_run", "_archive" are honoured (the
 * first of each).  Per-item failures are reported on stderr, one line
 * each, and recorded in out->errs.  Returns 0, or -1 when the file
 * cannot be read (message printed: "cannot read {path}: {error}").
 */
int sidecar_read_file(const char *path, unsigned flags, struct sidecar_set *out);
int sidecar_read_fd(int fd, const char *name, unsigned flags, struct sidecar_set *out);

/*
 * The inputs of ktstr-compare and ktstr-hostinfo (ktstr-compare(1), Inputs):
 * dir (--dir ROOT, may be NULL) and the operands when any is given; else
 * stdin when it is a FIFO or regular file; else the default runs root.
 * Directory operands are read as ktstr-scan reads them (a run directory
 * when it has a candidate directly inside, else a runs root), with the
 * archive override.  *source receives the words that name the inputs
 * in "no sidecar data found in {source}" (caller frees).  An input
 * named (--dir, an operand) that cannot be read at all is reported on
 * stderr and contributes nothing; the others are still read, and then
 * -1 is returned (else 0).  The default runs root may be missing.
 */
int sidecar_load_inputs(const char *dir, char *const *operands, size_t noperands, unsigned flags,
                        struct sidecar_set *out, char **source);
/*
 * Standard input is an input when it is a pipe or
 * a regular file, so a bare command in CI (stdin on a terminal, on
 * /dev/null or closed) reads the runs root instead.
 */
int sidecar_stdin_is_input(void);

/* Member accessors on a loaded sidecar: NULL when absent or null. */
const struct json_value *sidecar_get(const struct sidecar *sc, const char *key);
const char *sidecar_str(const struct sidecar *sc, const char *key);
/* run_source, "archive" for a sidecar read from an explicit root. */
const char *sidecar_run_source(const struct sidecar *sc);

/*
 * Naming a sidecar (ktstr-sidecar(5), FILE NAME).  Flags go in their
 * canonical order.  sidecar_variant_hash_json is the name's hash since
 * 0.5.2: SipHash-1-3 over compact JSON of the sorted sysctls and kargs,
 * payload, scheduler, topology and work type, and, when there are flags,
 * the flags (the form 0.5.x wrote before flags were removed), so variants
 * differing only in flags keep apart.  sidecar_variant_hash is 0.4.9's
 * byte stream.  Readers never check either.
 */
void sidecar_sort_flags(char **flags, size_t n);
uint64_t sidecar_variant_hash(const char *topology, const char *scheduler, const char *payload,
                              const char *work_type, char *const *flags, size_t nflags,
                              char *const *sysctls, size_t nsysctls, char *const *kargs,
                              size_t nkargs);
uint64_t sidecar_variant_hash_json(const char *topology, const char *scheduler, const char *payload,
                                   const char *work_type, char *const *flags, size_t nflags,
                                   char *const *sysctls, size_t nsysctls, char *const *kargs,
                                   size_t nkargs);
/* The longest test name whose sidecar's name fits NAME_MAX (227 bytes). */
#define SIDECAR_TEST_NAME_MAX (NAME_MAX - (int)(sizeof("-0123456789abcdef.ktstr.json") - 1))
/* "{test_name}-{hash:016x}.ktstr.json"; caller frees. */
char *sidecar_file_name(const char *test_name, uint64_t hash);
uint64_t sidecar_siphash13(uint64_t k0, uint64_t k1, const void *data, size_t len);

#endif
