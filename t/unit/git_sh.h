/*
 * git_sh.h: the unit tests that check lib/git against the real git
 * (header only).  A scratch directory $TOPDIR holds the repositories;
 * sh() and capture() run a script there after a prelude that fixes
 * identities and gives each commit, made by c MESSAGE or merged by
 * m MESSAGE REV, a fresh date one minute after the last (a counter in
 * $TOPDIR/.n, so subshells and pipelines share it).
 */
#ifndef KTSTR_GIT_SH_H
#define KTSTR_GIT_SH_H

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/util.h"

static char top[PATH_MAX];

static const char prelude[] =
	"set -e; export GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=a "
	"GIT_COMMITTER_EMAIL=a@example.com GIT_CONFIG_NOSYSTEM=1;"
	"unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CEILING_DIRECTORIES GIT_OBJECT_DIRECTORY;"
	"tick() { n=$(($(cat \"$TOPDIR/.n\" 2>/dev/null || echo 0) + 1)); echo $n >\"$TOPDIR/.n\"; "
	"export GIT_AUTHOR_DATE=\"2020-01-01T00:00:00Z +$n minutes\" "
	"GIT_COMMITTER_DATE=\"@$((1577836800 + n * 60)) +0000\"; };"
	"c() { (tick; git commit -q --allow-empty -m \"$1\"); };"
	"m() { (tick; git merge -q --no-ff -m \"$1\" \"$2\"); };";

static void
script(struct buf *b, const char *fmt, va_list ap)
{
	buf_printf(b, "cd '%s' && { %s ", top, prelude);
	buf_vprintf(b, fmt, ap);
}

/* Run a script in $TOPDIR, output discarded; system()'s status. */
static int __attribute__((format(printf, 1, 2), unused))
sh(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	int r;

	va_start(ap, fmt);
	script(&b, fmt, ap);
	va_end(ap);
	buf_puts(&b, "; } >/dev/null 2>&1");
	r = system(b.s);
	buf_free(&b);
	return r;
}

/* A script's stdout without its trailing newlines; caller frees. */
static char *__attribute__((format(printf, 1, 2), unused))
capture(const char *fmt, ...)
{
	struct buf b = BUF_INIT, out = BUF_INIT;
	va_list ap;
	FILE *f;
	char chunk[4096];
	size_t n;

	va_start(ap, fmt);
	script(&b, fmt, ap);
	va_end(ap);
	buf_puts(&b, "; } 2>/dev/null");
	f = popen(b.s, "r");
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&out, chunk, n);
	if (f)
		pclose(f);
	buf_free(&b);
	buf_grow(&out, 0);
	out.s[out.len] = '\0';
	while (out.len && out.s[out.len - 1] == '\n')
		out.s[--out.len] = '\0';
	return buf_detach(&out);
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of s sorted, each ending in a newline, in a new string; s is freed. */
__attribute__((unused)) static char *
sorted(char *s)
{
	char **v = NULL, *p, *save = NULL;
	size_t n = 0, i;
	struct buf b = BUF_INIT;

	for (p = strtok_r(s, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		v = ereallocarray(v, n + 1, sizeof(*v));
		v[n++] = p;
	}
	if (n)
		qsort(v, n, sizeof(*v), line_cmp);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", v[i]);
	free(v);
	buf_putc(&b, '\0');
	free(s);
	return buf_detach(&b);
}

/*
 * The scratch directory, or a TAP skip-all line and 0 when git or a
 * directory is missing (the test then ends with status 0).
 */
static int __attribute__((unused))
git_sh_begin(const char *name)
{
	char tmpl[PATH_MAX];

	if (system("git --version >/dev/null 2>&1") != 0) {
		printf("1..0 # skip git is not installed\n");
		return 0;
	}
	snprintf(tmpl, sizeof(tmpl), "/tmp/ktstr-%s.XXXXXX", name);
	if (!mkdtemp(tmpl)) {
		printf("1..0 # skip cannot create a scratch directory\n");
		return 0;
	}
	snprintf(top, sizeof(top), "%s", tmpl);
	setenv("TOPDIR", top, 1);
	setenv("HOME", top, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	return 1;
}

/* Remove the scratch directory unless a test failed; the TAP plan. */
static int __attribute__((unused))
git_sh_end(void)
{
	if (!tap_failed)
		sh("cd / && rm -rf '%s'", top);
	else
		printf("# scratch kept in %s\n", top);
	return done_testing();
}

#endif
