/* publish: staged and renamed files; special files written in place, never replaced. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util/publish.h"
#include "util/util.h"

static char dir[] = "/tmp/ktstr-publish.XXXXXX";

static char *
at(const char *name)
{
	return path_join(dir, name);
}

static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;

	if (read_file(path, &b, 0) < 0)
		return estrdup("(unreadable)");
	buf_putc(&b, '\0');
	return buf_detach(&b);
}

/* How many staging files are left in dir. */
static int
strays(void)
{
	char *cmd = easprintf("ls -A '%s' | grep -c tmp", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	free(cmd);
	return n;
}

int
main(void)
{
	char *file, *link, *victim, *got;
	struct stat st;

	if (!mkdtemp(dir)) {
		printf("1..0 # skip cannot create a scratch directory\n");
		return 0;
	}
	file = at("chart.svg");
	ok(file_publish(file, "one\n", 4) == 0, "a new file is published");
	is_str(got = slurp(file), "one\n", "with the bytes given");
	free(got);
	ok(file_publish(file, "two\n", 4) == 0, "an old one is replaced");
	is_str(got = slurp(file), "two\n", "by the new bytes");
	free(got);
	is_int(strays(), 0, "no staging file is left");

	victim = at("victim");
	link = at("link.svg");
	ok(file_publish(victim, "keep\n", 5) == 0 && symlink(victim, link) == 0, "a symlink to a file");
	errno = 0;
	ok(file_publish(link, "new\n", 4) < 0 && errno == ESYMLINK, "publishing at a symlink to a file is refused");
	is_str(got = slurp(victim), "keep\n", "the file it points to is left alone");
	free(got);
	ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "and so is the link (as root it could be /dev/stdout)");
	free(link);
	link = at("dangling.svg");
	errno = 0;
	ok(symlink("nowhere", link) == 0 && file_publish(link, "x", 1) < 0 && errno == ESYMLINK,
	   "a dangling symlink is refused too");
	free(link);
	link = at("null.svg");
	ok(symlink("/dev/null", link) == 0 && file_publish(link, "x", 1) == 0,
	   "a symlink to a device is written in place");
	ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "and stays a link");

	ok(file_publish("/dev/null", "x", 1) == 0, "/dev/null is written in place");
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "and is still a device");
	errno = 0;
	ok(file_publish(dir, "x", 1) < 0 && errno == EISDIR, "a directory is EISDIR");
	free(file);
	file = at("missing/x.svg");
	errno = 0;
	ok(file_publish(file, "x", 1) < 0 && errno == ENOENT, "a missing directory is ENOENT");
	is_int(strays(), 0, "still no staging file");

	free(file);
	free(link);
	free(victim);
	got = easprintf("rm -rf '%s'", dir);
	if (system(got) != 0)
		printf("# cannot remove %s\n", dir);
	free(got);
	return done_testing();
}
