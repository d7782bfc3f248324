/* Unit tests for lib/util. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "util/lines.h"
#include "util/utf8.h"
#include "util/util.h"

static void
integers(void)
{
	int64_t i;
	uint64_t u;

	ok(parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &i) == 0 && i == INT64_MIN, "i64 min");
	ok(parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &i) == 0 && i == INT64_MAX, "i64 max");
	ok(parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &i) < 0 && errno == ERANGE, "i64 max + 1 is ERANGE");
	ok(parse_i64("+5", 0, 10, &i) == 0 && i == 5, "a leading + is accepted");
	ok(parse_i64("11", 0, 10, &i) < 0 && errno == ERANGE, "above max is ERANGE");
	ok(parse_i64("-1", 0, 10, &i) < 0 && errno == ERANGE, "below min is ERANGE");
	ok(parse_i64("", 0, 10, &i) < 0 && errno == EINVAL, "empty is EINVAL");
	ok(parse_i64(" 1", 0, 10, &i) < 0 && errno == EINVAL, "leading space is EINVAL");
	ok(parse_i64("1x", 0, 10, &i) < 0 && errno == EINVAL, "trailing junk is EINVAL");
	ok(parse_i64("-", 0, 10, &i) < 0 && errno == EINVAL, "a lone sign is EINVAL");
	ok(parse_u64("18446744073709551615", UINT64_MAX, &u) == 0 && u == UINT64_MAX, "u64 max");
	ok(parse_u64("18446744073709551616", UINT64_MAX, &u) < 0 && errno == ERANGE, "u64 max + 1 is ERANGE");
	ok(parse_u64("-0", UINT64_MAX, &u) < 0 && errno == EINVAL, "no sign for unsigned");
}

static void
paths(void)
{
	char *p;

	is_str(p = path_join("a", "b"), "a/b", "join"), free(p);
	is_str(p = path_join("a/", "b"), "a/b", "join does not double the slash"), free(p);
	is_str(p = path_join("a", "/b"), "/b", "an absolute second part replaces the first"), free(p);
	is_str(p = path_join("", "b"), "b", "empty first part"), free(p);
	is_str(p = path_basename("x/y/"), "y", "basename ignores trailing slashes"), free(p);
	is_str(p = path_basename("y"), "y", "basename of a bare name"), free(p);
	is_str(p = path_basename("/"), "/", "basename of the root"), free(p);
}

static void
buffers(void)
{
	struct buf b = BUF_INIT;
	char *s;

	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	ok(b.len == 3890 && strncmp(b.s, "0,1,2,", 6) == 0 && b.s[b.len] == '\0', "buf grows and stays terminated");
	buf_reset(&b);
	buf_add(&b, "a\0b", 3);
	ok(b.len == 3 && b.s[1] == '\0' && b.s[2] == 'b', "buf holds NUL bytes");
	s = buf_detach(&b);
	ok(s != NULL && b.s == NULL && b.len == 0, "detach hands the memory over");
	free(s);
	s = buf_detach(&b);
	is_str(s, "", "detach of an empty buf is an empty string");
	free(s);
}

static void
utf8(void)
{
	ok(utf8_valid("plain \xc2\xb5 \xe2\x86\x92 \xf0\x9f\x98\x80", 17), "valid multibyte text");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong is invalid");
	ok(!utf8_valid("\xed\xa0\x80", 3), "a UTF-16 surrogate is invalid");
	ok(!utf8_valid("\xf4\x90\x80\x80", 4), "beyond U+10FFFF is invalid");
	ok(!utf8_valid("\xe2\x86", 2), "a truncated sequence is invalid");
	ok(!utf8_valid("\x80", 1), "a lone continuation byte is invalid");
	ok(utf8_valid("a\0b", 3), "NUL is valid UTF-8");
}

static void
distance(void)
{
	is_int(edit_distance("kitten", "sitting"), 3, "kitten/sitting");
	is_int(edit_distance("", "abc"), 3, "from empty");
	is_int(edit_distance("same", "same"), 0, "identical");
	is_int(edit_distance("\xc2\xb5s", "us"), 1, "a two-byte character counts once");
	is_int(edit_distance("a\xff" "b", "ab"), 1, "a stray byte counts as one character");
}

static void
files(void)
{
	struct buf b = BUF_INIT;
	char msg[64];

	ok(read_file("/proc/self/stat", &b, 0) == 0 && b.len > 0, "procfs files (st_size 0) are read whole");
	buf_reset(&b);
	ok(read_file("/proc/self/stat", &b, 4) < 0 && errno == EFBIG && b.len == 0, "the size bound fails with EFBIG and keeps nothing");
	ok(read_file("/nonexistent/x", &b, 0) < 0 && errno == ENOENT, "a missing file is ENOENT");
	is_str(os_error(ENOENT, msg, sizeof msg), "No such file or directory (os error 2)", "Rust's io::Error rendering");
	buf_free(&b);
}

/* A scratch directory for the file tests; caller removes it with rm_rf. */
static char *
scratch(void)
{
	char *d = estrdup("/tmp/ktstr-util-dir-XXXXXX");

	if (mkdtemp(d) == NULL)
		die("mkdtemp:");
	return d;
}

static void
rm_rf(char *d)
{
	char *cmd = easprintf("rm -rf '%s'", d);

	if (system(cmd) != 0)
		warning("cannot remove %s", d);
	free(cmd);
	free(d);
}

static void
hostile_inputs(void)
{
	char *d = scratch(), *fifo = path_join(d, "fifo"), *big = path_join(d, "big");
	char *link = path_join(d, "link"), msg[64];
	struct buf b = BUF_INIT;
	int fd;

	ok(mkfifo(fifo, 0666) == 0, "a FIFO");
	errno = 0;
	ok(read_file(fifo, &b, 0) < 0 && errno == ENOTREGULAR, "a FIFO is refused, without waiting for a writer");
	ok(read_file("/dev/zero", &b, 0) < 0 && errno == ENOTREGULAR, "a device is refused");
	ok(read_file("/", &b, 0) < 0 && errno == EISDIR, "a directory is EISDIR");
	is_str(error_text(ENOTREGULAR), "not a regular file", "error_text words the refusal");
	is_str(os_error(ENOTREGULAR, msg, sizeof msg), "not a regular file", "so does os_error, as no os error");
	ok((fd = open(big, O_WRONLY | O_CREAT, 0666)) >= 0 && ftruncate(fd, 1L << 30) == 0 && close(fd) == 0,
	   "a sparse 1 GiB file");
	ok(read_file(big, &b, 1 << 20) < 0 && errno == EFBIG && b.len == 0 && b.cap < (1 << 20),
	   "over the bound: EFBIG before anything is read or allocated");
	fd = open("/dev/zero", O_RDONLY);
	ok(read_fd(fd, &b, 1 << 16) < 0 && errno == EFBIG && b.len == 0,
	   "read_fd of an endless stream stops at the bound");
	close(fd);
	ok(symlink("/dev/zero", link) == 0, "a symlink to /dev/zero");
	ok(read_file_at(AT_FDCWD, link, &b, 0, 0) < 0 && errno == ENOTREGULAR, "followed, and refused");
	ok(read_file_at(AT_FDCWD, link, &b, 0, READ_NOFOLLOW) < 0 && errno == ESYMLINK,
	   "READ_NOFOLLOW refuses the link itself");
	if (fork() == 0) {
		int w = open(fifo, O_WRONLY);

		_exit(w >= 0 && write(w, "piped", 5) == 5 ? 0 : 1);
	}
	ok(read_file_at(AT_FDCWD, fifo, &b, 0, READ_FIFO) == 0 && b.len == 5 && strcmp(b.s, "piped") == 0,
	   "READ_FIFO reads a FIFO as a pipe");
	wait(NULL);
	buf_free(&b);
	free(fifo);
	free(big);
	free(link);
	rm_rf(d);
}

static void
created_files(void)
{
	char *d = scratch(), *victim = path_join(d, "victim"), *link = path_join(d, "out");
	char name[TEMP_NAME_MAX], other[TEMP_NAME_MAX], *p;
	struct buf b = BUF_INIT;
	int dfd = dir_open(d), fd, fd2;

	ok(dfd >= 0, "dir_open of a directory");
	fd = temp_create_at(dfd, ".x", name, sizeof name);
	fd2 = temp_create_at(dfd, ".x", other, sizeof other);
	ok(fd >= 0 && fd2 >= 0 && strcmp(name, other) != 0 && strncmp(name, ".x.", 3) == 0 &&
	       strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".tmp") == 0,
	   "temporary files: new names, {prefix}.{pid}.{random}.tmp (%s)", name);
	close(fd);
	close(fd2);
	ok(temp_create_at(dfd, ".x", name, 8) < 0 && errno == ENAMETOOLONG, "no room for the name: ENAMETOOLONG");

	p = path_join(d, "victim");
	fd = open(p, O_WRONLY | O_CREAT, 0666);
	ok(fd >= 0 && write(fd, "keep", 4) == 4 && close(fd) == 0, "a victim file");
	free(p);
	ok(symlink(victim, link) == 0, "a symlink planted where a file is written");
	ok(file_replace_at(dfd, "out", ".x", "new", 3) == 0, "file_replace_at writes");
	ok(read_file(victim, &b, 0) == 0 && strcmp(b.s, "keep") == 0, "the link is not written through");
	buf_reset(&b);
	ok(read_file_at(dfd, "out", &b, 0, READ_NOFOLLOW) == 0 && strcmp(b.s, "new") == 0,
	   "the link was replaced by the file");
	p = path_join(d, "sub");
	ok(mkdir(p, 0777) == 0 && file_replace_at(dfd, "sub", ".x", "x", 1) < 0 && errno == EISDIR,
	   "a directory in the way fails");
	free(p);

	p = path_join(d, "dirlink");
	ok(symlink(d, p) == 0 && dir_open(p) < 0 && errno == ESYMLINK, "dir_open refuses a symlink: ESYMLINK");
	free(p);
	p = easprintf("%s/dirlink/", d);
	ok(dir_open(p) < 0 && errno == ESYMLINK, "also written with a trailing slash");
	free(p);
	close(dfd);
	/* Nothing but the files made on purpose: no temporary file left behind. */
	p = easprintf("ls -A '%s' | grep -c '^\\.x\\.' | grep -qx 2", d);
	ok(system(p) == 0, "only the two temporary files made on purpose remain");
	free(p);
	buf_free(&b);
	free(victim);
	free(link);
	rm_rf(d);
}

/* monotonic_ns: never backwards, and a sleep lasts at least its length. */
static void
clock_reads(void)
{
	uint64_t a = monotonic_ns(), b;

	usleep(10000);
	b = monotonic_ns();
	ok(b >= a + 10000000, "a 10 ms sleep measures at least 10 ms (%llu ns)",
	   (unsigned long long)(b - a));
}

/* temp_create: a private scratch file in $TMPDIR, else /tmp. */
static void
scratch_files(void)
{
	char *d = scratch(), *keep = getenv("TMPDIR") ? estrdup(getenv("TMPDIR")) : NULL;
	char *p, *q, *missing = path_join(d, "missing"), back[4] = "";
	struct stat st;
	int fd, fd2;

	setenv("TMPDIR", d, 1);
	is_str(temp_dir(), d, "temp_dir: $TMPDIR");
	fd = temp_create("ktstr-x", &p);
	fd2 = temp_create("ktstr-x", &q);
	ok(fd >= 0 && fd2 >= 0 && p && q && strcmp(p, q) != 0, "two scratch files, two names");
	ok(p && strncmp(p, d, strlen(d)) == 0 && strncmp(p + strlen(d), "/ktstr-x.", 9) == 0,
	   "in $TMPDIR, named from the prefix (%s)", p ? p : "");
	ok(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "private: mode 0600");
	ok(fd >= 0 && write(fd, "abc", 3) == 3 && pread(fd, back, 3, 0) == 3 && strcmp(back, "abc") == 0,
	   "open for reading and writing");
	close(fd);
	close(fd2);
	free(p);
	free(q);

	setenv("TMPDIR", "", 1);
	is_str(temp_dir(), "/tmp", "an empty $TMPDIR: /tmp");
	unsetenv("TMPDIR");
	is_str(temp_dir(), "/tmp", "no $TMPDIR: /tmp");

	setenv("TMPDIR", missing, 1);
	p = (char *)"x";
	ok(temp_create("ktstr-x", &p) < 0 && errno == ENOENT && p == NULL,
	   "a $TMPDIR that does not exist: ENOENT, no path");
	if (keep)
		setenv("TMPDIR", keep, 1);
	else
		unsetenv("TMPDIR");
	free(keep);
	free(missing);
	rm_rf(d);
}

static void
components(void)
{
	ok(path_component_ok("6.14.0-rc3+", 128), "a kernel version");
	ok(path_component_ok("tÂµ", 128), "UTF-8");
	ok(!path_component_ok("", 128), "empty");
	ok(!path_component_ok(".", 128) && !path_component_ok("..", 128), ". and ..");
	ok(path_component_ok("..x", 128) && path_component_ok(".hidden", 128), "other dot names are one component");
	ok(!path_component_ok("../../tmp/x", 128) && !path_component_ok("a/b", 128), "a slash");
	ok(!path_component_ok("a\033b", 128) && !path_component_ok("a\nb", 128) &&
	       !path_component_ok("a\xc2\x85", 128),
	   "control characters, C1 included");
	ok(!path_component_ok("a\xff", 128), "invalid UTF-8");
	ok(path_component_ok("abc", 3) && !path_component_ok("abcd", 3), "bounded length");
}

static void
values(void)
{
	char path[] = "/tmp/ktstr-util-XXXXXX", *s;
	static const char text[] = " 0-3,8\t\r\n\n";
	int fd = mkstemp(path);

	if (!ok(fd >= 0 && write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) &&
	        close(fd) == 0, "a temporary file"))
		return;
	s = read_value(path, 0);
	is_str(s, " 0-3,8", "read_value drops the trailing white space only");
	free(s);
	errno = 0;
	ok(read_value(path, 4) == NULL && errno == EFBIG, "read_value keeps read_file's bound");
	unlink(path);
	errno = 0;
	ok(read_value(path, 0) == NULL && errno == ENOENT, "read_value of a missing file is NULL, ENOENT");
}

static void
writes(void)
{
	static char big[1 << 17]; /* more than a pipe holds: short writes */
	struct buf b = BUF_INIT;
	int p[2], status;
	pid_t pid;

	memset(big, 'x', sizeof big);
	if (!ok(pipe(p) == 0, "a pipe"))
		return;
	if ((pid = fork()) == 0) {
		close(p[0]);
		_exit(write_all(p[1], big, sizeof big) == 0 ? 0 : 1);
	}
	close(p[1]);
	ok(read_fd(p[0], &b, 0) == 0 && b.len == sizeof big && memcmp(b.s, big, sizeof big) == 0,
	   "write_all writes everything through short writes");
	close(p[0]);
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "write_all in the writer returns 0");
	errno = 0;
	ok(write_all(-1, "x", 1) < 0 && errno == EBADF, "write_all fails with the write's errno");
	ok(write_all(-1, "", 0) == 0, "write_all of nothing writes nothing");
	buf_free(&b);
}

/* A child writing text[0..n) to a pipe in pieces; returns the read end. */
static int
piped(const char *text, size_t n, pid_t *pid)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	if ((*pid = fork()) == 0) {
		close(p[0]);
		/* Uneven pieces: lines end anywhere in a read. */
		for (size_t off = 0, k = 1; off < n; off += k, k = k * 7 % 4093 + 1)
			if (write_all(p[1], text + off, off + k > n ? n - off : k) < 0)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void
unpipe(struct lines *l, int fd, pid_t pid)
{
	int status;

	lines_free(l);
	close(fd);
	waitpid(pid, &status, 0);
}

static void
lines_read(void)
{
	static char text[700000];
	struct lines l;
	const char *line;
	size_t n, count = 0, total = 0;
	int fd, same = 1;
	char *whole = NULL;
	pid_t pid;

	/* Lines of 0 to 300 kB, NUL bytes in some, the last without a newline. */
	for (size_t off = 0, len = 0, i = 0; off < sizeof text; i++) {
		len = i % 5 == 4 ? 300000 : i * 37 % 900;
		for (size_t j = 0; j < len && off < sizeof text - 1; j++)
			text[off++] = (char)(j % 61 == 0 ? '\0' : 'a' + (i + j) % 26);
		if (off < sizeof text - 1)
			text[off++] = '\n';
		else
			break;
	}
	text[sizeof text - 1] = 'z';
	if ((fd = piped(text, sizeof text, &pid)) < 0)
		return;
	lines_init(&l, fd, 0);
	while (lines_next(&l, &line, &n) > 0) {
		same &= memcmp(line, text + total, n) == 0 &&
		        (total + n == sizeof text || text[total + n] == '\n');
		total += n + 1;
		count++;
	}
	ok(same && total == sizeof text + 1, "a pipe read line by line gives its bytes back (%zu lines)",
	   count);
	ok(l.cap < 2 * 300000 + 2 * 256 * 1024, "the buffer follows the longest line (%zu bytes)",
	   l.cap);
	ok(lines_next(&l, &line, &n) == 0, "and then the end");
	unpipe(&l, fd, pid);

	if ((fd = piped(text, sizeof text, &pid)) < 0)
		return;
	lines_init(&l, fd, 1);
	ok(lines_next(&l, &line, &n) > 0 && lines_next(&l, &line, &n) > 0, "kept lines");
	lines_rewind(&l);
	ok(lines_next(&l, &line, &n) > 0 && n == 0 && lines_next(&l, &line, &n) > 0 && n == 37,
	   "are handed out again after a rewind");
	unpipe(&l, fd, pid);

	if ((fd = piped(text, sizeof text, &pid)) < 0)
		return;
	lines_init(&l, fd, 1);
	ok(lines_next(&l, &line, &n) > 0 && lines_next(&l, &line, &n) > 0 &&
	           lines_rest(&l, &whole, &n) == 0 && n == sizeof text &&
	           memcmp(whole, text, n) == 0 && whole[n] == '\0',
	   "lines_rest takes the kept lines and the rest as one text");
	free(whole);
	unpipe(&l, fd, pid);

	/* Blocks of whole lines, handed over: together, the text. */
	if ((fd = piped(text, sizeof text, &pid)) < 0)
		return;
	lines_init(&l, fd, 0);
	{
		char *block = NULL;
		size_t cap = 0, blocks = 0, off = 0;
		int lines_whole = 1;

		while (lines_block(&l, &block, &cap, &n, 100000) > 0) {
			lines_whole &= memcmp(block, text + off, n) == 0 &&
			               (off + n == sizeof text || block[n - 1] == '\n');
			off += n;
			blocks++;
		}
		ok(lines_whole && off == sizeof text && blocks > 3,
		   "blocks of whole lines give the text back (%zu blocks)", blocks);
		free(block);
	}
	unpipe(&l, fd, pid);

	lines_init_text(&l, "a\n\nb", 4);
	ok(lines_next(&l, &line, &n) > 0 && n == 1 && lines_next(&l, &line, &n) > 0 && n == 0 &&
	           lines_next(&l, &line, &n) > 0 && n == 1 && *line == 'b' &&
	           lines_next(&l, &line, &n) == 0,
	   "a text in memory: its lines, an empty one, the last without a newline");
	lines_free(&l);

	/* The 300 kB lines are past a 100 kB bound: the read stops there. */
	if ((fd = piped(text, sizeof text, &pid)) < 0)
		return;
	lines_init(&l, fd, 0);
	lines_limit(&l, 100000);
	count = 0;
	while (lines_next(&l, &line, &n) > 0)
		count++;
	ok(count == 4 && l.err == EFBIG && l.cap < 100000 + 2 * 256 * 1024,
	   "lines_limit: a line past the bound is EFBIG, after the lines before it");
	unpipe(&l, fd, pid);
	fd = open("/dev/zero", O_RDONLY);
	lines_init(&l, fd, 1);
	lines_limit(&l, 1 << 20);
	errno = 0;
	ok(fd >= 0 && lines_rest(&l, &whole, &n) < 0 && errno == EFBIG,
	   "and lines_rest of an endless input stops at it");
	lines_free(&l);
	close(fd);

	fd = open("/", O_RDONLY);
	lines_init(&l, fd, 0);
	errno = 0;
	ok(fd >= 0 && lines_next(&l, &line, &n) < 0 && errno == EISDIR && l.err == EISDIR &&
	           lines_next(&l, &line, &n) < 0,
	   "a read error is -1 with errno, and stays");
	{
		char *block = NULL;
		size_t cap = 0;

		errno = 0;
		ok(lines_block(&l, &block, &cap, &n, 4096) < 0 && errno == EISDIR,
		   "for blocks too");
		free(block);
	}
	lines_free(&l);
	if (fd >= 0)
		close(fd);
}

int
main(void)
{
	integers();
	paths();
	buffers();
	utf8();
	distance();
	files();
	hostile_inputs();
	created_files();
	scratch_files();
	clock_reads();
	components();
	values();
	writes();
	lines_read();
	return done_testing();
}
