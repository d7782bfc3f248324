/* util: errors, checked allocation, strings, paths, files, numbers. */
#ifndef KTSTR_UTIL_H
#define KTSTR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses shared by every program: 0 ok, 1 "found something", 2 error. */
enum { EXIT_OK = 0, EXIT_FOUND = 1, EXIT_ERROR = 2 };

/* Program name used as the prefix of every message; set by setprogname(). */
extern const char *progname;
void setprogname(const char *argv0);

/*
 * "prog: message\n" on stderr.  A format ending in ':' appends
 * " error_text(errno)" (error_text).  die() exits with EXIT_ERROR.  The
 * message is escaped for a terminal (text.h), its own line breaks
 * kept: it may quote a file name or a file's contents.
 */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vwarning(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Rust's io::Error rendering: "No such file or directory (os error 2)". */
const char *os_error(int err, char *dst, size_t size);

/* Allocators that die on failure; the count forms check for overflow. */
void *emalloc(size_t size);
void *ecalloc(size_t n, size_t size);
void *erealloc(void *p, size_t size);
void *ereallocarray(void *p, size_t n, size_t size);
char *estrdup(const char *s);
char *estrndup(const char *s, size_t n);
char *easprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte string, always NUL-terminated once anything is added. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};
#define BUF_INIT {NULL, 0, 0}

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);  /* empty, keeps the memory */
void buf_free(struct buf *b);
char *buf_detach(struct buf *b); /* caller frees; never NULL */

/* a + "/" + b without doubling a '/'; an absolute b replaces a. */
char *path_join(const char *a, const char *b);
/* Last component, ignoring trailing slashes; a pointer into a new string. */
char *path_basename(const char *path);

/*
 * Is s one safe path component: 1 to max bytes of valid UTF-8, no '/',
 * no control character, not "." or ".."?  Every value that becomes a
 * file or directory name passes this check first.
 */
int path_component_ok(const char *s, size_t max);

/*
 * The errno of read_file() for a file that is neither regular nor a
 * directory (a FIFO, a device, a socket), whose reading could block or
 * never end.  Outside the range of errno values; error_text() words it.
 */
#define ENOTREGULAR 4096
/*
 * The errno for a symlink where none is followed (O_NOFOLLOW's ELOOP
 * on the last component, confirmed by lstat): "it is a symbolic link
 * (refused)" rather than the kernel's "too many levels".
 */
#define ESYMLINK 4097

/* strerror(), knowing ENOTREGULAR and ESYMLINK. */
const char *error_text(int err);

/*
 * Read a whole file into b (appending), also one whose st_size lies
 * (procfs, sysfs).  Returns 0, or -1 with errno set.  max bounds the
 * size read (0 = no bound); a longer file fails with EFBIG, before any
 * byte is read when its size is known.  read_file opens with O_NONBLOCK
 * and refuses what is not a regular file (ENOTREGULAR, EISDIR);
 * READ_FIFO also reads a FIFO, opened as FIFOs are (a pipe named on a
 * command line: <(cmd)); READ_NOFOLLOW refuses a symlink (ESYMLINK).
 * read_fd reads whatever fd is, but a directory.
 */
enum { READ_FIFO = 1, READ_NOFOLLOW = 2 };
int read_file(const char *path, struct buf *b, size_t max);
/* The descriptor read_file_at would read, checked the same way; -1 with errno set. */
int open_input_at(int dfd, const char *name, unsigned flags);
int read_file_at(int dfd, const char *name, struct buf *b, size_t max, unsigned flags);
int read_fd(int fd, struct buf *b, size_t max);
/*
 * When fd is a pipe, grow its buffer to a MiB (the most an unprivileged
 * process may ask for by default), so a stream of 10 kB lines is not
 * handed over 64 KiB at a time, a context switch each.  Best effort,
 * and safe on any fd: a pipe that cannot grow works as it is, and
 * anything else is left alone (the kernel refuses it with EBADF), so a
 * caller need not know what fd is.
 */
void pipe_widen(int fd);
/* Write all n bytes, through short writes and EINTR.  0, or -1 with errno set. */
int write_all(int fd, const void *p, size_t n);
/*
 * A small file holding one value (a sysfs or cgroup file, a git HEAD)
 * as a string without its trailing white space; NULL with errno set
 * when read_file fails.
 */
char *read_value(const char *path, size_t max);

/* 32 random bits: getrandom(2), else /dev/urandom, else the clock. */
uint32_t random_u32(void);

/* Room for a temporary file name of temp_create_at, prefix included. */
#define TEMP_NAME_MAX 96

/*
 * A new file in the directory dfd, named "{prefix}.{pid}.{8 hex}.tmp"
 * (short whatever the final name, so it always fits NAME_MAX), created
 * O_CREAT|O_EXCL|O_NOFOLLOW, so nothing already there is opened, a
 * planted symlink included: another random name on EEXIST.  Returns
 * the descriptor with its name in name[size], or -1 with errno set.
 */
int temp_create_at(int dfd, const char *prefix, char *name, size_t size);

/* Where temporary files go: $TMPDIR when set and not empty, else /tmp. */
const char *temp_dir(void);

/*
 * A scratch file of this process in temp_dir(), created as
 * temp_create_at does but private (mode 0600) and open for reading and
 * writing; its path in *path (caller frees).  The descriptor, or -1
 * with errno set (*path NULL).
 */
int temp_create(const char *prefix, char **path);

/*
 * Write data as dfd/name atomically: a temporary file beside it (named
 * from prefix), then rename(2) over name, which replaces whatever is
 * there, a symlink included, and never writes through it.  0, or -1
 * with errno set and no temporary file left behind.  (A path a user
 * named is file_publish's, publish.h.)
 */
int file_replace_at(int dfd, const char *name, const char *prefix, const void *data, size_t len);

/*
 * openat(2) with O_NOFOLLOW: a symlink as name's last component fails
 * with ESYMLINK.
 */
int openat_nofollow(int dfd, const char *name, int flags, unsigned mode);

/*
 * Open the directory path to work in with the *at calls: O_DIRECTORY|
 * O_NOFOLLOW, so a symlink in its place is refused (ESYMLINK) and a path
 * swapped later cannot redirect what is done through the descriptor.
 */
int dir_open(const char *path);

/*
 * Strict decimal integers in [min, max]: optional sign (unsigned: none),
 * digits only, no spaces.  Return 0, or -1 with errno EINVAL or ERANGE.
 */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int parse_u64(const char *s, uint64_t max, uint64_t *out);
/* parse_i64 that dies with "invalid NAME 'S': reason" on failure. */
int64_t num_arg(const char *name, const char *s, int64_t min, int64_t max);

/*
 * Levenshtein distance between a and b counted in characters (UTF-8
 * code points; a byte that starts no valid sequence counts as one).
 */
size_t edit_distance(const char *a, const char *b);

/* CLOCK_MONOTONIC in nanoseconds: for intervals and deadlines. */
uint64_t monotonic_ns(void);

/* Flush stdout and report a write error; returns the status to exit with. */
int stdout_status(int status);

#endif
