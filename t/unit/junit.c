/* junit: the report's document, and the tail of a captured stream. */
#include <stdlib.h>
#include <unistd.h>

#include "supervise/junit.h"
#include "supervise/supervise.h"
#include "tap.h"

static char *
tail_of(const char *text, size_t len, size_t max)
{
	char path[] = "/tmp/ktstr-junit.XXXXXX";
	struct buf b = BUF_INIT;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return estrdup("(no scratch file)");
	unlink(path);
	supervise_tail(fd, max, &b);
	close(fd);
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

static void
check_tail(const char *text, size_t max, const char *want, const char *what)
{
	char *got = tail_of(text, strlen(text), max);

	is_str(got, want, "tail: %s", what);
	free(got);
}

int
main(void)
{
	struct junit j = {estrdup("6.14-abc1234"), 0, NULL, 0};
	struct buf b = BUF_INIT, big = BUF_INIT;
	char *got;

	junit_add(&j, "ok", "eevdf.1n1l1c1t", 0.0125, JUNIT_PASSED, NULL, NULL);
	junit_add(&j, "a\"<b>", "s&c", 1, JUNIT_FAILED, "exit status 3", "x <y>\n\x1b[0m\n");
	junit_add(&j, "sk", "c", 0, JUNIT_SKIPPED, NULL, NULL);
	junit_add(&j, "gone", "c", 0, JUNIT_ERROR, "could not be started", NULL);
	junit_write(&b, &j, 2.5);
	buf_putc(&b, '\0');
	is_str(b.s,
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<testsuite name=\"6.14-abc1234\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" "
	       "time=\"2.500\" timestamp=\"1970-01-01T00:00:00\">\n"
	       "  <testcase name=\"ok\" classname=\"eevdf.1n1l1c1t\" time=\"0.013\"/>\n"
	       "  <testcase name=\"a&quot;&lt;b&gt;\" classname=\"s&amp;c\" time=\"1.000\">\n"
	       "    <failure message=\"exit status 3\">x &lt;y&gt;\n\xef\xbf\xbd[0m\n</failure>\n"
	       "  </testcase>\n"
	       "  <testcase name=\"sk\" classname=\"c\" time=\"0.000\">\n    <skipped/>\n  </testcase>\n"
	       "  <testcase name=\"gone\" classname=\"c\" time=\"0.000\">\n"
	       "    <error message=\"could not be started\"/>\n  </testcase>\n"
	       "</testsuite>\n",
	       "the document: counts, escaped names and output, a control character replaced");
	junit_free(&j);

	check_tail("a\nb\nc\n", 2, "b\nc\n", "the last two lines");
	check_tail("a\nb\nc", 2, "b\nc", "a last line without a newline counts");
	check_tail("a\nb\n", 5, "a\nb\n", "fewer lines than asked: all of them");
	check_tail("", 3, "", "an empty stream");
	for (int i = 0; i < 4000; i++)
		buf_printf(&big, "line %d\n", i);
	got = tail_of(big.s, big.len, 3);
	is_str(got, "line 3997\nline 3998\nline 3999\n", "the end of a stream longer than the window");
	free(got);
	got = tail_of(big.s, big.len, 100000);
	ok(strncmp(got, "line ", 5) == 0 && strstr(got, "line 3999\n"), "more lines than the window: whole lines only");
	free(got);
	buf_free(&big);
	buf_free(&b);
	return done_testing();
}
