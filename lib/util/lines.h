/*
 * lines: a file read one line at a time, in memory that follows the
 * longest line rather than the file, so a stream of any size costs what
 * one of its lines costs.  A reader that must look at the first lines
 * before it knows how to read the rest keeps them (keep = 1): then
 * lines_rewind() hands them out again, or lines_rest() takes the whole
 * file as one text.
 */
#ifndef KTSTR_LINES_H
#define KTSTR_LINES_H

#include <stddef.h>

struct lines {
	/* private */
	int fd;        /* -1: the text was given whole */
	char *buf;
	size_t cap;
	size_t len;    /* bytes in buf */
	size_t pos;    /* where the next line starts */
	size_t scan;   /* buf[pos..scan) holds no newline */
	int keep;      /* hand out, but drop nothing */
	int eof;
	int err;       /* errno of the read that failed */
	size_t max;    /* lines_limit's bound; 0: none */
};

/* Read fd (not closed by lines_free). */
void lines_init(struct lines *l, int fd, int keep);
/*
 * Bound what l holds at once to max bytes: a longer line, or with keep
 * more kept text, or a longer text for lines_rest, fails with EFBIG, so
 * an input without newlines or without end (a pipe from /dev/zero)
 * costs max, not all memory.
 */
void lines_limit(struct lines *l, size_t max);

/* Read text[0..len), which must outlive l and is not freed by it. */
void lines_init_text(struct lines *l, const char *text, size_t len);
void lines_free(struct lines *l);

/*
 * The next line without its newline (the last may lack one): returns 1
 * with *line and *n set, valid until the next call; 0 at the end; -1
 * when a read fails, with errno set (and kept in l->err).
 */
int lines_next(struct lines *l, const char **line, size_t *n);

/*
 * For a reader that splits lines itself: the next run of whole lines in
 * *buf, about want bytes (those read once want bytes are in, up to the
 * last newline; a longer line whole; at the end what remains, whose last
 * line may lack its newline).  The run is handed over, not copied:
 * *buf and *cap are exchanged for the buffer that held it, and the
 * buffer given back holds the start of the next line.  Returns 1 with
 * *n bytes, 0 at the end, -1 when a read fails (errno set).  Not with
 * keep.
 */
int lines_block(struct lines *l, char **buf, size_t *cap, size_t *n, size_t want);

/* With keep: hand out the kept lines again from the first, and keep no more. */
void lines_rewind(struct lines *l);

/*
 * With keep, on a descriptor (not a lines_init_text text): the whole
 * text, what was handed out and the rest of the file, in one
 * NUL-terminated buffer the caller frees.  Returns 0, or
 * -1 with errno set when a read fails.  l has nothing more to read.
 */
int lines_rest(struct lines *l, char **text, size_t *n);

#endif
