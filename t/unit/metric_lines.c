/* Unit tests for lib/metric_lines: the $KTSTR_METRICS line format. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sidecar/metric_lines.h"
#include "tap.h"
#include "util/util.h"

/* Parse text; the malformed-line report lands in errs. */
static size_t
parse(const char *text, size_t len, struct metric_lines *ml, struct buf *errs)
{
	buf_reset(errs);
	buf_puts(errs, "");
	return metric_lines_parse(text, len, "M", ml, errs);
}

static void
fields(void)
{
	static const char text[] = "a 1\n"
	                           "b 2.5 ms\n"
	                           "c -3 higher\n"
	                           "d 4e2 ops/s lower\n"
	                           "  e\t5\t\tu  \n"
	                           "# a comment\n"
	                           "\n"
	                           "   \t\n"
	                           "f 6 x\r\n"
	                           "g 7";
	struct metric_lines ml = {0};
	struct buf errs = BUF_INIT;

	is_int(parse(text, sizeof(text) - 1, &ml, &errs), 0, "well-formed lines: nothing malformed");
	is_str(errs.s, "", "and nothing reported");
	is_int(ml.n, 7, "one metric per line, comments and blank lines skipped");
	is_str(ml.v[0].name, "a", "name");
	ok(ml.v[0].value == 1.0 && ml.v[0].polarity == POLARITY_UNKNOWN, "no polarity: Unknown");
	is_str(ml.v[0].unit, "", "no unit: empty");
	is_str(ml.v[1].unit, "ms", "a third field is the unit");
	ok(ml.v[2].value == -3.0 && ml.v[2].polarity == POLARITY_HIGHER && !*ml.v[2].unit,
	   "a third field 'higher' is the polarity");
	ok(ml.v[3].value == 400.0 && ml.v[3].polarity == POLARITY_LOWER, "unit and polarity");
	is_str(ml.v[3].unit, "ops/s", "unit before polarity");
	ok(strcmp(ml.v[4].name, "e") == 0 && strcmp(ml.v[4].unit, "u") == 0,
	   "any run of blanks separates fields");
	is_str(ml.v[5].unit, "x", "a carriage return before the newline is a blank");
	ok(strcmp(ml.v[6].name, "g") == 0 && ml.v[6].value == 7.0, "a last line without newline counts");
	ok(ml.v[0].source == SOURCE_JSON && ml.v[0].stream == STREAM_STDOUT, "source Json, stream Stdout");
	metric_lines_free(&ml);
	buf_free(&errs);
}

static void
malformed(void)
{
	static const char text[] = "ok 1\n"
	                           "name\n"
	                           "x nan\n"
	                           "x inf\n"
	                           "x -inf\n"
	                           "x 0x1p3\n"
	                           "x 1e400\n"
	                           "x .\n"
	                           "x 1 u higher more\n"
	                           "x 1 u upward\n"
	                           "wall_time_ms 1\n"
	                           "z\0 1\n"
	                           "\xff 1\n"
	                           "ok2 2\n";
	struct metric_lines ml = {0};
	struct buf errs = BUF_INIT;

	is_int(parse(text, sizeof(text) - 1, &ml, &errs), 12, "every malformed line counted");
	is_str(errs.s,
	       "M:2: missing value (expected NAME VALUE [UNIT] [higher|lower])\n"
	       "M:3: value is not a finite decimal number\n"
	       "M:4: value is not a finite decimal number\n"
	       "M:5: value is not a finite decimal number\n"
	       "M:6: value is not a finite decimal number\n"
	       "M:7: value is not a finite decimal number\n"
	       "M:8: value is not a finite decimal number\n"
	       "M:9: too many fields (expected NAME VALUE [UNIT] [higher|lower])\n"
	       "M:10: the fourth field must be 'higher' or 'lower'\n"
	       "M:11: the name wall_time_ms is reserved for ktstr-test's own measurement\n"
	       "M:12: NUL byte in line\n"
	       "M:13: line is not valid UTF-8\n",
	       "each reported with file:line");
	is_int(ml.n, 2, "the well-formed lines are kept");
	ok(ml.n == 2 && strcmp(ml.v[1].name, "ok2") == 0, "in order");
	metric_lines_free(&ml);
	buf_free(&errs);
}

static void
appends(void)
{
	struct metric_lines ml = {0};
	struct buf errs = BUF_INIT;

	parse("a 1\n", 4, &ml, &errs);
	parse("b 2\n", 4, &ml, &errs);
	is_int(ml.n, 2, "a second parse appends");
	is_int(parse("", 0, &ml, &errs), 0, "empty text: nothing");
	is_int(ml.n, 2, "and nothing added");
	metric_lines_free(&ml);
	ok(ml.n == 0 && ml.v == NULL, "free leaves it empty");
	buf_free(&errs);
}

/* metric_lines_read on what a test may leave at the path. */
static void
reads(void)
{
	char dir[] = "/tmp/metric_lines.XXXXXX", *path, *want;
	struct metric_lines ml = {0};
	struct buf errs = BUF_INIT;
	FILE *f;

	if (mkdtemp(dir) == NULL)
		die("cannot create a directory:");
	path = easprintf("%s/m", dir);
	is_int(metric_lines_read(path, "$M", &ml, &errs), 0, "a removed file holds no metrics");
	ok(ml.n == 0 && errs.len == 0, "and says nothing");

	if ((f = fopen(path, "w")) == NULL)
		die("cannot create '%s':", path);
	fputs("a 1\nb x\n", f);
	fclose(f);
	is_int(metric_lines_read(path, "$M", &ml, &errs), 1, "a file is parsed");
	ok(ml.n == 1 && strcmp(ml.v[0].name, "a") == 0, "its good lines kept");
	is_str(errs.s, "$M:2: value is not a finite decimal number\n", "its bad ones named by file");
	metric_lines_free(&ml);
	buf_reset(&errs);

	remove(path);
	if (mkfifo(path, 0600) < 0)
		die("cannot create a FIFO:");
	is_int(metric_lines_read(path, "$M", &ml, &errs), 1, "a FIFO is not waited on");
	is_str(errs.s, "$M is not a regular file\n", "it is one bad line");
	buf_reset(&errs);
	remove(path);

	if (mkdir(path, 0700) < 0)
		die("cannot create a directory:");
	is_int(metric_lines_read(path, "$M", &ml, &errs), 1, "a directory is one bad line");
	is_str(errs.s, "$M is not a regular file\n", "and says so");
	rmdir(path);
	buf_reset(&errs);

	/* A link to itself: open fails with ELOOP. */
	if (symlink(path, path) < 0)
		die("cannot create a link:");
	is_int(metric_lines_read(path, "$M", &ml, &errs), 1, "an unreadable path is one bad line");
	/* the libc's words for ELOOP: glibc and musl differ */
	want = easprintf("cannot read $M: %s (os error %d)\n", strerror(ELOOP), ELOOP);
	is_str(errs.s, want, "with the reason");
	remove(path);
	rmdir(dir);
	free(want);
	free(path);
	buf_free(&errs);
}

int
main(void)
{
	fields();
	malformed();
	appends();
	reads();
	return done_testing();
}
