/*
 * sidecar: finding and reading sidecars (ktstr-sidecar(5), ktstr-scan(1),
 * ktstr-compare(1) Inputs; the run rules of doc/runs.md).  Listings are sorted
 * byte-wise so every walk is deterministic; the file type is taken from
 * d_type when the file system gives it, so a walk costs one stat only
 * per symlink or unknown entry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sidecar.h"
#include "sidecar_schema.h"
#include "json/json.h"
#include "util/lines.h"
#include "util/utf8.h"
#include "util/util.h"

#define ENRICHMENT                                                                         \
	" — the `host` field was added to SidecarResult; pre-1.0 policy is disposable-sidecar: " \
	"re-run the test to regenerate this file under the current schema (no migration shim " \
	"exists)"

char *
sidecar_runs_root(void)
{
	const char *t = getenv("CARGO_TARGET_DIR");

	if (t == NULL || *t == '\0' || !utf8_valid(t, strlen(t)))
		t = "target";
	return path_join(t, "ktstr");
}

int
sidecar_is_candidate(const char *name)
{
	const char *dot = strrchr(name, '.');

	/* A name whose only dot is its first byte has no extension. */
	return dot != NULL && dot != name && strcmp(dot + 1, "json") == 0 &&
	       strstr(name, ".ktstr.") != NULL && utf8_valid(name, strlen(name));
}

/* serde's position: the line, and the column of the last byte consumed. */
static void
position(const char *text, const char *where, unsigned long *line, unsigned long *col)
{
	const char *bol = text;

	*line = 1;
	for (const char *p = text; p < where; p++)
		if (*p == '\n') {
			(*line)++;
			bol = p + 1;
		}
	*col = (unsigned long)(where - bol);
}

/* " at line L column C" of where, after the reason in err. */
static void
add_position(const char *text, const char *where, char *err, size_t errlen)
{
	size_t n = strlen(err);
	unsigned long line, col;

	if (where == NULL || n >= errlen)
		return;
	position(text, where, &line, &col);
	snprintf(err + n, errlen - n, " at line %lu column %lu", line, col);
}

int
sidecar_parse(struct json_doc *doc, const char *text, size_t len, unsigned gen, char *err,
              size_t errlen)
{
	struct json_error je;
	const char *where;

	doc->chunks = NULL;
	if (json_parse(doc, text, len, 0, &je) < 0) {
		json_error_string(&je, err, errlen);
		json_doc_free(doc);
		return -1;
	}
	if (sidecar_check(doc->root, gen, err, errlen, &where) < 0) {
		add_position(text, where, err, errlen);
		json_doc_free(doc);
		return -1;
	}
	return 0;
}

/* The generation a walker's flags ask files to be checked against. */
static unsigned
parse_gen(unsigned flags)
{
	return flags >> 4 ? (flags >> 4) - 1 : SIDECAR_ANY;
}

/* sidecar_parse as the walker's flags ask: the whole tree, or what the suite models. */
static int
parse(struct json_doc *doc, const char *text, size_t len, unsigned flags, char *err,
      size_t errlen)
{
	const char *where;

	if (!(flags & SIDECAR_MODELLED))
		return sidecar_parse(doc, text, len, parse_gen(flags), err, errlen);
	doc->chunks = NULL;
	if (sidecar_check_text(doc, text, len, parse_gen(flags), err, errlen, &where) < 0) {
		add_position(text, where, err, errlen);
		json_doc_free(doc);
		return -1;
	}
	return 0;
}

/* ---- sets ---- */

void
sidecar_free(struct sidecar *sc)
{
	if (sc == NULL)
		return;
	json_doc_free(&sc->doc);
	free(sc->path);
	free(sc->run);
	free(sc->text);
	free(sc);
}

void
sidecar_set_free(struct sidecar_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		sidecar_free(set->v[i]);
	for (size_t i = 0; i < set->nerrs; i++) {
		free(set->errs[i].path);
		free(set->errs[i].error);
		free(set->errs[i].enriched);
	}
	free(set->v);
	free(set->errs);
	set->v = NULL;
	set->errs = NULL;
	set->n = set->nerrs = set->walked = 0;
}

static void hand_over(struct sidecar_set *set, struct sidecar *sc);

void
sidecar_set_add(struct sidecar_set *set, struct sidecar *sc)
{
	if (set->each && set->prepare)
		sc->prepared = set->prepare(sc, set->arg);
	hand_over(set, sc);
}

/* sc, prepared already when the set has prepare, to each or into v. */
static void
hand_over(struct sidecar_set *set, struct sidecar *sc)
{
	if (set->each) {
		set->each(sc, set->arg);
		return;
	}
	/* Grow by doubling: a pool of 10k sidecars must not be quadratic. */
	if ((set->n & (set->n - 1)) == 0)
		set->v = ereallocarray(set->v, set->n ? set->n * 2 : 1, sizeof *set->v);
	set->v[set->n++] = sc;
}

static void
add_error(struct sidecar_set *set, const char *path, const char *error, int io, unsigned flags)
{
	struct sidecar_error *e;

	if ((set->nerrs & (set->nerrs - 1)) == 0)
		set->errs = ereallocarray(set->errs, set->nerrs ? set->nerrs * 2 : 1, sizeof *set->errs);
	e = &set->errs[set->nerrs++];
	e->path = estrdup(path);
	e->error = estrdup(error);
	e->io = io;
	e->enriched = NULL;
	if (!io && strstr(error, "missing field") && strstr(error, "`host`"))
		e->enriched = easprintf("%s" ENRICHMENT, error);
	if (flags & SIDECAR_QUIET)
		return;
	if (io)
		warning("cannot read %s: %s", path, error);
	else
		warning("skipping %s: %s", path, e->enriched ? e->enriched : error);
}

static void
add_io_error(struct sidecar_set *set, const char *path, int err, unsigned flags)
{
	char msg[128];

	add_error(set, path, os_error(err, msg, sizeof msg), 1, flags);
}

/* ---- reading ---- */

static int
take(struct buf *b, int rc, char **text, size_t *len)
{
	int e = errno;

	*len = 0;
	*text = NULL;
	if (rc < 0) {
		buf_free(b);
		return e;
	}
	*len = b->len;
	*text = buf_detach(b);
	return 0;
}

/*
 * Read name relative to the directory dfd (AT_FDCWD: the working
 * directory), bounded, as read_file_at's flags say: a file found by a
 * walk must be regular (a FIFO or device among the sidecars would block
 * or never end); one named on the command line may be a pipe.
 */
static int
slurp_at(int dfd, const char *name, size_t max, unsigned how, char **text, size_t *len)
{
	struct buf b = BUF_INIT;

	return take(&b, read_file_at(dfd, name, &b, max, how), text, len);
}

/*
 * A valid document becomes a sidecar; text moves into it.  The first of
 * each of the stream's reserved members, when present, says where it
 * came from.
 */
static struct sidecar *
new_sidecar(const char *path, const char *run, int archive, char *text, size_t len,
            struct json_doc *doc, size_t line, int honour_reserved)
{
	struct sidecar *sc = ecalloc(1, sizeof *sc);
	const struct json_value *v;

	sc->doc = *doc;
	sc->text = text;
	sc->len = len;
	sc->line = line;
	sc->archive = archive;
	if (honour_reserved) {
		if ((v = json_get(doc->root, "_path")) && v->type == JSON_STRING)
			path = v->u.str.s;
		if ((v = json_get(doc->root, "_run")) && v->type == JSON_STRING)
			run = v->u.str.s;
		if ((v = json_get(doc->root, "_archive")))
			sc->archive = archive || (v->type == JSON_BOOL && v->u.boolean);
	}
	sc->path = estrdup(path);
	sc->run = run ? estrdup(run) : NULL;
	return sc;
}

/*
 * Load name, in the directory open as dfd; path names it in messages
 * and in the sidecar.  Opening relative to the listed directory spares
 * the kernel a walk of the whole path for every file.
 */
static void
load_at(int dfd, const char *name, const char *path, const char *run, int archive,
        unsigned flags, struct sidecar_set *out)
{
	struct json_doc doc;
	char err[256], *text;
	size_t len;
	int rc;

	out->walked++;
	if ((rc = slurp_at(dfd, name, SIDECAR_FILE_MAX, dfd == AT_FDCWD ? READ_FIFO : 0, &text,
	                   &len)) != 0) {
		add_io_error(out, path, rc, flags);
		return;
	}
	/*
	 * The parser refuses invalid UTF-8 anywhere, so only a failed parse
	 * needs the check that turns it into a read failure.
	 */
	if (parse(&doc, text, len, flags, err, sizeof err) < 0) {
		if (!utf8_valid(text, len))
			add_error(out, path, "stream did not contain valid UTF-8", 1, flags);
		else
			add_error(out, path, err, 0, flags);
		free(text);
		return;
	}
	sidecar_set_add(out, new_sidecar(path, run, archive, text, len, &doc, 0, 0));
}

void
sidecar_load(const char *path, const char *run, int archive, unsigned flags, struct sidecar_set *out)
{
	load_at(AT_FDCWD, path, path, run, archive, flags, out);
}

/* ---- listing ---- */

struct entry {
	char *name;
	unsigned char type; /* d_type */
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/*
 * The entries of dir but . and .., sorted byte-wise; -1 with errno set.
 * With keep, *keep receives the open directory (caller closes it).
 */
static long
list_dir(const char *dir, struct entry **out, DIR **keep)
{
	struct entry *v = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int saved;

	if ((d = opendir(dir)) == NULL)
		return -1;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((n & (n - 1)) == 0)
			v = ereallocarray(v, n ? n * 2 : 1, sizeof *v);
		v[n].name = estrdup(de->d_name);
		v[n].type = de->d_type;
		n++;
		errno = 0;
	}
	saved = errno;
	if (saved != 0 || keep == NULL)
		closedir(d);
	if (saved != 0) {
		while (n > 0)
			free(v[--n].name);
		free(v);
		errno = saved;
		return -1;
	}
	if (keep != NULL)
		*keep = d;
	if (n > 1)
		qsort(v, n, sizeof *v, entry_cmp);
	*out = v;
	return (long)n;
}

static void
free_entries(struct entry *v, long n)
{
	for (long i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * Is name in the directory dfd a directory, symlinks followed?  d_type
 * answers without a stat when it can.
 */
static int
is_dir(int dfd, const char *name, unsigned char type)
{
	struct stat st;

	if (type == DT_DIR)
		return 1;
	if (type != DT_LNK && type != DT_UNKNOWN)
		return 0;
	return fstatat(dfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

long
sidecar_walk_run(const char *dir, const char *run, int archive, unsigned flags,
                 struct sidecar_set *out)
{
	struct entry *top, *sub;
	size_t before = out->walked;
	char **subdirs = NULL;
	size_t nsub = 0;
	DIR *d, *sd;
	long n, m;

	if ((n = list_dir(dir, &top, &d)) < 0)
		return -1;
	for (long i = 0; i < n; i++) {
		char *path;

		if (is_dir(dirfd(d), top[i].name, top[i].type)) {
			subdirs = ereallocarray(subdirs, nsub + 1, sizeof *subdirs);
			subdirs[nsub++] = path_join(dir, top[i].name);
		} else if (sidecar_is_candidate(top[i].name)) {
			path = path_join(dir, top[i].name);
			load_at(dirfd(d), top[i].name, path, run, archive, flags, out);
			free(path);
		}
	}
	closedir(d);
	free_entries(top, n);
	for (size_t i = 0; i < nsub; i++) {
		/* One level only, and no type check: a directory named like a
		 * sidecar is a candidate that fails to read. */
		if ((m = list_dir(subdirs[i], &sub, &sd)) >= 0) {
			for (long j = 0; j < m; j++) {
				char *path;

				if (!sidecar_is_candidate(sub[j].name))
					continue;
				path = path_join(subdirs[i], sub[j].name);
				load_at(dirfd(sd), sub[j].name, path, run, archive, flags, out);
				free(path);
			}
			closedir(sd);
			free_entries(sub, m);
		}
		free(subdirs[i]);
	}
	free(subdirs);
	return (long)(out->walked - before);
}

long
sidecar_walk_pool(const char *root, int archive, unsigned flags, struct sidecar_set *out)
{
	struct entry *v;
	size_t before = out->walked;
	DIR *d;
	long n;

	if ((n = list_dir(root, &v, &d)) < 0)
		return -1;
	for (long i = 0; i < n; i++) {
		if (is_dir(dirfd(d), v[i].name, v[i].type)) {
			char *path = path_join(root, v[i].name);

			sidecar_walk_run(path, v[i].name, archive, flags, out);
			free(path);
		}
	}
	closedir(d);
	free_entries(v, n);
	return (long)(out->walked - before);
}

long
sidecar_list_runs(const char *root, char ***names)
{
	struct entry *v;
	char **out = NULL;
	size_t k = 0;
	DIR *d;
	long n;

	if ((n = list_dir(root, &v, &d)) < 0)
		return -1;
	for (long i = 0; i < n; i++) {
		if (v[i].name[0] == '.' || !utf8_valid(v[i].name, strlen(v[i].name)))
			continue;
		if (is_dir(dirfd(d), v[i].name, v[i].type)) {
			out = ereallocarray(out, k + 1, sizeof *out);
			out[k++] = v[i].name;
			v[i].name = NULL;
		}
	}
	closedir(d);
	free_entries(v, n);
	*names = out;
	return (long)k;
}

void
sidecar_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
sidecar_dir_has_candidate(const char *dir)
{
	struct dirent *de;
	int found = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL)
		found = sidecar_is_candidate(de->d_name);
	closedir(d);
	return found;
}

char *
sidecar_newest_run(const char *root)
{
	struct timespec best = {0, 0};
	char **names, *winner = NULL;
	int have_time = 0;
	long n;

	if ((n = sidecar_list_runs(root, &names)) < 0)
		return NULL;
	for (long i = 0; i < n; i++) {
		char *path = path_join(root, names[i]);
		struct stat st;

		/* The entry's own time: a symlinked run counts the link's. */
		if (lstat(path, &st) == 0) {
			if (!have_time || st.st_mtim.tv_sec > best.tv_sec ||
			    (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec >= best.tv_nsec)) {
				best = st.st_mtim;
				have_time = 1;
				winner = names[i];
			}
		} else if (!have_time) {
			winner = names[i]; /* timeless entries rank lowest; last one wins among them */
		}
		free(path);
	}
	winner = winner ? estrdup(winner) : NULL;
	sidecar_free_names(names, (size_t)n);
	return winner;
}

char *
sidecar_suggest_run(const char *root, const char *run)
{
	size_t limit = strlen(run) / 3, best = SIZE_MAX;
	char **names, *pick = NULL;
	long n;

	if (limit < 3)
		limit = 3;
	if ((n = sidecar_list_runs(root, &names)) < 0)
		return NULL;
	for (long i = 0; i < n; i++) {
		size_t d = edit_distance(run, names[i]);

		if (d <= limit && d < best) {
			best = d;
			pick = names[i];
		}
	}
	pick = pick ? estrdup(pick) : NULL;
	sidecar_free_names(names, (size_t)n);
	return pick;
}

char *
sidecar_run_not_found(const char *root, const char *run)
{
	char *name = sidecar_suggest_run(root, run), *msg;

	msg = easprintf("run '%s' not found under %s.%s%s%s Run `ktstr-rundir --list` to enumerate "
	                "available run keys.",
	                run, root, name ? " Did you mean `" : "", name ? name : "", name ? "`?" : "");
	free(name);
	return msg;
}

char *
sidecar_run_name(const char *path)
{
	char *base = path_basename(path), *real;

	if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0 && strcmp(base, "/") != 0 &&
	    *base != '\0')
		return base;
	free(base);
	if ((real = realpath(path, NULL)) == NULL)
		return estrdup(path);
	base = path_basename(real);
	free(real);
	return base;
}

/* ---- files and streams ---- */

static int
blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* Is p[0..n) by itself one JSON value? */
static int
one_value(const char *p, size_t n)
{
	struct json_cursor c;
	int rc;

	json_cursor_init(&c, p, n, 0, NULL);
	rc = json_cursor_end(&c);
	json_cursor_free(&c);
	return rc == 0;
}

/*
 * A stream line read into a sidecar (sc) or its reason for failing
 * (err): the part of reading a stream that reads nothing else, so that
 * it can run anywhere, in any order.
 */
struct line {
	char *text; /* the line's own copy, which its sidecar takes, or a lent view */
	size_t n;
	size_t lineno;
	struct sidecar *sc;
	char *err;
};

static void
read_line(struct line *ln, const char *name, unsigned flags, const struct sidecar_set *set)
{
	char err[256];
	struct json_doc doc;

	if (parse(&doc, ln->text, ln->n, flags, err, sizeof err) < 0) {
		ln->err = estrdup(err);
		if (!set->lend)
			free(ln->text);
	} else {
		ln->sc = new_sidecar(name, NULL, 0, set->lend ? NULL : ln->text, ln->n, &doc,
		                     ln->lineno, 1);
		if (set->each && set->prepare)
			ln->sc->prepared = set->prepare(ln->sc, set->arg);
	}
}

/* A line's result, handed over in stream order. */
static void
deliver(struct line *ln, const char *name, unsigned flags, struct sidecar_set *out)
{
	char *where;

	out->walked++;
	if (ln->sc != NULL) {
		hand_over(out, ln->sc);
		return;
	}
	where = easprintf("%s:%zu", name, ln->lineno);
	add_error(out, where, ln->err, 0, flags);
	free(where);
	free(ln->err);
}

/*
 * The lines of a stream in blocks of about BATCH_BYTES of whole lines,
 * split and read by worker threads while the reader reads the next
 * blocks, and handed over in order: results, messages and counts are
 * those of one thread reading line by line.  At most 2 blocks a worker
 * are read ahead, so memory stays bounded whatever the stream's size.
 */
#define BATCH_BYTES (128 * 1024)
#define MAX_WORKERS 8

enum batch_state { BATCH_FREE, BATCH_QUEUED, BATCH_BUSY, BATCH_DONE };

struct batch {
	enum batch_state state;
	char *text; /* the block, handed over by lines_block */
	size_t len, cap;
	size_t lineno; /* the stream's number of the block's first line */
	struct line *lines; /* its lines that are not blank */
	size_t n, capl;
};

struct stream {
	const char *name;
	unsigned flags;
	const struct sidecar_set *set; /* for its prepare, which the workers run */
	pthread_mutex_t lock;
	pthread_cond_t queued, done; /* a batch to read; a batch read */
	struct batch *b;
	size_t nbatch;
	int closing;
};

/*
 * The block's lines, each copied for the sidecar it becomes (or lent,
 * when the set's each frees every sidecar before the block is read
 * again), then read.
 */
static void
read_batch(struct stream *st, struct batch *b)
{
	char *p = b->text, *end = b->text + b->len;
	size_t lineno = b->lineno;

	b->n = 0;
	for (; p < end; lineno++) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *text = p;
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (!blank(p, n)) {
			if (b->n == b->capl) {
				b->capl = b->capl ? 2 * b->capl : 16;
				b->lines = ereallocarray(b->lines, b->capl, sizeof *b->lines);
			}
			if (!st->set->lend) {
				/* Not estrndup: a line may hold NUL bytes (then it fails to parse). */
				text = emalloc(n + 1);
				memcpy(text, p, n);
				text[n] = '\0';
			}
			b->lines[b->n++] = (struct line){text, n, lineno, NULL, NULL};
		}
		p += n + 1;
	}
	for (size_t i = 0; i < b->n; i++)
		read_line(&b->lines[i], st->name, st->flags, st->set);
}

static void *
worker(void *arg)
{
	struct stream *st = arg;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		struct batch *b = NULL;

		for (size_t i = 0; i < st->nbatch && b == NULL; i++)
			if (st->b[i].state == BATCH_QUEUED)
				b = &st->b[i];
		if (b == NULL) {
			if (st->closing)
				break;
			pthread_cond_wait(&st->queued, &st->lock);
			continue;
		}
		b->state = BATCH_BUSY;
		pthread_mutex_unlock(&st->lock);
		read_batch(st, b);
		pthread_mutex_lock(&st->lock);
		b->state = BATCH_DONE;
		pthread_cond_broadcast(&st->done);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* The lines in p[0..n): its newlines, and one more for a last line without one. */
static size_t
count_lines(const char *p, size_t n)
{
	const char *end = p + n, *nl;
	size_t count = 0;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1)
		count++;
	return count + (p < end);
}

/*
 * The stream's next block into b, its first line numbered after *lineno.
 * Returns 1, 0 at the end, -1 on a read error.
 */
static int
fill_batch(struct lines *l, size_t *lineno, struct batch *b)
{
	int rc = lines_block(l, &b->text, &b->cap, &b->len, BATCH_BYTES);

	if (rc > 0) {
		b->lineno = *lineno + 1;
		*lineno += count_lines(b->text, b->len);
	}
	return rc;
}
static void
deliver_batch(struct batch *b, const char *name, unsigned flags, struct sidecar_set *out)
{
	for (size_t i = 0; i < b->n; i++)
		deliver(&b->lines[i], name, flags, out);
}

/* The threads that read a stream's lines besides the one that reads the stream. */
static size_t
workers(void)
{
	cpu_set_t cpus;
	int n;

	if (sched_getaffinity(0, sizeof cpus, &cpus) < 0 || (n = CPU_COUNT(&cpus)) < 2)
		return 0;
	return n > MAX_WORKERS ? MAX_WORKERS : (size_t)n;
}

/*
 * The reader's side: fill batches ahead while the workers read them,
 * hand the oldest over once it is read.  Returns fill_batch's last
 * answer, 0 or -1.
 */
static int
run_stream(struct stream *st, struct lines *l, struct sidecar_set *out)
{
	size_t head = 0, tail = 0, lineno = 0;
	int rc = 1;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		struct batch *b;

		if (rc > 0 && head - tail < st->nbatch) {
			/* A free batch is the reader's alone: fill it unlocked. */
			b = &st->b[head % st->nbatch];
			pthread_mutex_unlock(&st->lock);
			rc = fill_batch(l, &lineno, b);
			pthread_mutex_lock(&st->lock);
			if (rc > 0) {
				b->state = BATCH_QUEUED;
				head++;
				pthread_cond_signal(&st->queued);
			}
			continue;
		}
		if (tail == head)
			break;
		b = &st->b[tail % st->nbatch];
		while (b->state != BATCH_DONE)
			pthread_cond_wait(&st->done, &st->lock);
		pthread_mutex_unlock(&st->lock);
		deliver_batch(b, st->name, st->flags, out);
		pthread_mutex_lock(&st->lock);
		b->state = BATCH_FREE;
		tail++;
	}
	st->closing = 1;
	pthread_cond_broadcast(&st->queued);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * The lines of an NDJSON stream, one sidecar each; blank lines count in
 * the numbering only.  With more than one CPU to run on, worker threads
 * read the lines (run_stream); else this thread reads them a batch at
 * a time.  Either way only a few batches are held at once.
 */
static int
read_stream(struct lines *l, const char *name, unsigned flags, struct sidecar_set *out)
{
	struct stream st = {.name = name, .flags = flags, .set = out};
	pthread_t tid[MAX_WORKERS];
	size_t nw = workers(), started = 0, lineno = 0;
	int rc;

	pthread_mutex_init(&st.lock, NULL);
	pthread_cond_init(&st.queued, NULL);
	pthread_cond_init(&st.done, NULL);
	st.nbatch = nw ? 2 * nw + 1 : 1;
	st.b = ecalloc(st.nbatch, sizeof *st.b);
	while (started < nw && pthread_create(&tid[started], NULL, worker, &st) == 0)
		started++;
	if (started > 0) {
		rc = run_stream(&st, l, out);
	} else {
		while ((rc = fill_batch(l, &lineno, &st.b[0])) > 0) {
			read_batch(&st, &st.b[0]);
			deliver_batch(&st.b[0], name, flags, out);
		}
	}
	while (started > 0)
		pthread_join(tid[--started], NULL);
	for (size_t i = 0; i < st.nbatch; i++) {
		free(st.b[i].text);
		free(st.b[i].lines);
	}
	free(st.b);
	pthread_cond_destroy(&st.done);
	pthread_cond_destroy(&st.queued);
	pthread_mutex_destroy(&st.lock);
	if (rc < 0) {
		add_io_error(out, name, l->err, flags);
		return -1;
	}
	return 0;
}

/* The whole text of a file that is not a stream: one sidecar, or its error. */
static void
read_text(char *text, size_t len, const char *name, unsigned flags, struct sidecar_set *out)
{
	struct json_doc doc;
	char err[256];

	if (blank(text, len)) {
		free(text);
		return;
	}
	out->walked++;
	if (parse(&doc, text, len, flags, err, sizeof err) == 0) {
		sidecar_set_add(out, new_sidecar(name, NULL, 0, text, len, &doc, 0, 1));
		return;
	}
	if (!utf8_valid(text, len))
		add_error(out, name, "stream did not contain valid UTF-8", 1, flags);
	else
		add_error(out, name, err, 0, flags);
	free(text);
}

/*
 * The first non-blank line decides: a stream when it is one JSON value
 * by itself and more follows it (then the whole text cannot be one
 * value), else the whole text is one document.  Only the lines up to
 * that decision are held before a stream is read line by line.
 */
static int
read_input(int fd, const char *name, unsigned flags, struct sidecar_set *out)
{
	struct lines l;
	struct stat st;
	const char *p;
	char *text;
	size_t n;
	int rc;

	if (fstat(fd, &st) < 0) {
		add_io_error(out, name, errno, flags);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		add_io_error(out, name, EISDIR, flags);
		return -1;
	}
	pipe_widen(fd);
	lines_init(&l, fd, 1);
	/* A line (or a whole document) past a sidecar's bound has no end worth reading. */
	lines_limit(&l, SIDECAR_FILE_MAX);
	while ((rc = lines_next(&l, &p, &n)) > 0 && blank(p, n))
		;
	if (rc > 0 && one_value(p, n)) {
		while ((rc = lines_next(&l, &p, &n)) > 0 && blank(p, n))
			;
		if (rc > 0) {
			lines_rewind(&l);
			rc = read_stream(&l, name, flags, out);
			lines_free(&l);
			return rc;
		}
	}
	if (rc < 0 || lines_rest(&l, &text, &n) < 0) {
		add_io_error(out, name, l.err, flags);
		lines_free(&l);
		return -1;
	}
	lines_free(&l);
	read_text(text, n, name, flags, out);
	return 0;
}

int
sidecar_read_fd(int fd, const char *name, unsigned flags, struct sidecar_set *out)
{
	return read_input(fd, name, flags, out);
}

int
sidecar_read_file(const char *path, unsigned flags, struct sidecar_set *out)
{
	int fd, rc;

	if (strcmp(path, "-") == 0)
		return sidecar_read_fd(STDIN_FILENO, "<stdin>", flags, out);
	if ((fd = open_input_at(AT_FDCWD, path, READ_FIFO)) < 0) {
		add_io_error(out, path, errno, flags);
		return -1;
	}
	rc = read_input(fd, path, flags, out);
	close(fd);
	return rc;
}

int
sidecar_read_dir(const char *path, unsigned flags, struct sidecar_set *out)
{
	char *run;
	long n;

	if (!sidecar_dir_has_candidate(path))
		return sidecar_walk_pool(path, 1, flags, out) < 0 ? -1 : 0;
	run = sidecar_run_name(path);
	n = sidecar_walk_run(path, run, 1, flags, out);
	free(run);
	return n < 0 ? -1 : 0;
}

int
sidecar_stdin_is_input(void)
{
	struct stat st;

	return fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode));
}

/* A directory named as an input cannot be listed: its one line, -1. */
static int
unlistable(const char *dir, unsigned flags)
{
	char msg[128];

	if (!(flags & SIDECAR_QUIET))
		warning("cannot read %s: %s", dir, os_error(errno, msg, sizeof msg));
	return -1;
}

int
sidecar_load_inputs(const char *dir, char *const *operands, size_t noperands, unsigned flags,
                    struct sidecar_set *out, char **source)
{
	struct buf src = BUF_INIT;
	struct stat st;
	int rc = 0;

	if (dir != NULL || noperands > 0) {
		if (dir != NULL) {
			if (sidecar_walk_pool(dir, 1, flags, out) < 0)
				rc = unlistable(dir, flags);
			buf_puts(&src, dir);
		}
		for (size_t i = 0; i < noperands; i++) {
			const char *op = operands[i];

			if (src.len)
				buf_puts(&src, ", ");
			if (strcmp(op, "-") == 0) {
				if (sidecar_read_fd(STDIN_FILENO, "<stdin>", flags, out) < 0)
					rc = -1;
				buf_puts(&src, "standard input");
				continue;
			}
			buf_puts(&src, op);
			if (stat(op, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (sidecar_read_dir(op, flags, out) < 0)
					rc = unlistable(op, flags);
			} else if (sidecar_read_file(op, flags, out) < 0) {
				rc = -1; /* reported */
			}
		}
	} else if (sidecar_stdin_is_input()) {
		if (sidecar_read_fd(STDIN_FILENO, "<stdin>", flags, out) < 0)
			rc = -1;
		buf_puts(&src, "standard input");
	} else {
		char *root = sidecar_runs_root();

		sidecar_walk_pool(root, 0, flags, out);
		buf_puts(&src, root);
		free(root);
	}
	if (source)
		*source = buf_detach(&src);
	else
		buf_free(&src);
	return rc;
}

/* ---- members ---- */

const struct json_value *
sidecar_get(const struct sidecar *sc, const char *key)
{
	const struct json_value *v = json_get(sc->doc.root, key);

	return v && v->type != JSON_NULL ? v : NULL;
}

const char *
sidecar_str(const struct sidecar *sc, const char *key)
{
	const struct json_value *v = sidecar_get(sc, key);

	return v && v->type == JSON_STRING ? v->u.str.s : NULL;
}

const char *
sidecar_run_source(const struct sidecar *sc)
{
	return sc->archive ? "archive" : sidecar_str(sc, "run_source");
}
