/*
 * git_attr: the attributes lib/git finds for a set of paths, against
 * `git check-attr`, under attribute files that use every kind of line:
 * basename and path patterns, anchors, "**", classes, quoting, macros
 * (and macros where they are not allowed), set, unset, reset and
 * values, in every source and its precedence.  Skips without git.
 */
#include <stdlib.h>

#include "git/git_attr.h"
#include "git/git_wildmatch.h"
#include "git_sh.h"

static const char *const paths[] = {
	"a.txt", "d/a.txt", "d/e/a.txt", "top.c", "d/top.c", "x.bin", "sub/r.md", "d/sub/r.md",
	"q/deep/k.x", "deep/k.x", "sp ace.q", "m.mm", "d/m.mm", "n.neg", "ab.cls", "aX.cls", "abc.cls",
	"f.c", "f.h", "dir", "dir/f", "a/b.y", "a/q/r/b.y", "xb.y", "s.s", "d/s.s", "d/x.y", "d/e/x.y",
	"k.starAx", "k.star/x", "z.info", "d/z.info", "g.glob", "plain", "d/e/deeper/plain", "B.CASE",
};

static const char *const names[GIT_ATTR_NWANT] = {"text", "crlf", "eol", "ident", "filter"};

/* Our answer in check-attr's format: "path: name: set|unset|unspecified|value". */
static void
ours(struct git_attrs *a, struct buf *out)
{
	size_t i, k;

	for (i = 0; i < LEN(paths); i++) {
		struct git_attr_value v[GIT_ATTR_NWANT];

		git_attr_check(a, NULL, paths[i], v);
		for (k = 0; k < GIT_ATTR_NWANT; k++)
			buf_printf(out, "%s: %s: %s\n", paths[i], names[k],
			           v[k].state == GIT_ATTR_SET     ? "set"
			           : v[k].state == GIT_ATTR_UNSET ? "unset"
			           : v[k].state == GIT_ATTR_VALUE ? v[k].value
			                                          : "unspecified");
	}
}

/* Compare every path's attributes with git's in the repository at dir. */
static void
compare(const char *name, const char *dir)
{
	struct buf cmd = BUF_INIT, got = BUF_INIT;
	char err[256], path[PATH_MAX * 2], *want;
	struct git_repo *repo;
	struct git_index ix;
	struct git_attrs *a;
	size_t i;

	buf_printf(&cmd, "cd %s && git check-attr text crlf eol ident filter --", dir);
	for (i = 0; i < LEN(paths); i++)
		buf_printf(&cmd, " '%s'", paths[i]);
	want = capture("%s", cmd.s);
	buf_putc(&cmd, '\0');
	snprintf(path, sizeof(path), "%s/%s", top, dir);
	repo = git_open(path, 0, err, sizeof(err));
	if (!ok(repo != NULL, "%s: open: %s", name, repo ? "" : err))
		goto out;
	if (git_index_read(repo, &ix) < 0)
		memset(&ix, 0, sizeof(ix));
	a = git_attrs_new(repo, &ix);
	ours(a, &got);
	while (got.len && got.s[got.len - 1] == '\n')
		got.s[--got.len] = '\0';
	is_str(got.s, want, "%s: every path's attributes as git check-attr says", name);
	git_attrs_free(a);
	git_index_free(&ix);
	git_close(repo);
out:
	free(want);
	buf_free(&cmd);
	buf_free(&got);
}

int
main(int argc, char **argv)
{
	setprogname(argv[0]);
	(void)argc;
	if (!git_sh_begin("git-attr"))
		return 0;
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_ATTR_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	ok(sh("git init -q r && cd r && mkdir -p d/e sub && printf '%%s' "
	      "'*.txt text\\n*.bin binary\\n/top.c ident\\nsub/*.md eol=crlf\\n**/deep/*.x crlf=input\\n"
	      "\"sp ace.q\" text=auto\\n[attr]mymacro text eol=lf ident\\n*.mm mymacro\\n*.neg -text\\n"
	      "[ab]?.cls filter=f1\\n*.[ch] !eol eol=lf\\ndir/ text\\na/**/b.y text\\n*.star*x eol=lf\\n"
	      "*.[[:alpha:]]lob crlf\\n!*.neg ident\\n#*.txt ident\\n   *.txt   ident  \\n"
	      "*.s -ident\\n*.CASE text\\n' >.gitattributes && "
	      "printf '*.txt -text\\n*.mm !ident\\n[attr]sub ident\\n*.s sub\\nx.* filter=f2\\n"
	      "e/x.y eol=crlf\\n' >d/.gitattributes && printf '* eol=crlf\\n*.x- bad\\n-bad text\\n' "
	      ">d/e/.gitattributes && mkdir -p .git/info && printf '*.info text\\nd/*.txt eol=lf\\n' "
	      ">.git/info/attributes") == 0,
	   "repository with attribute files built");
	compare("per-directory files and info/attributes", "r");
	ok(sh("cd r && printf '*.glob -crlf\\n*.y ident\\nplain filter=global\\n' >../global && "
	      "git config core.attributesFile \"$TOPDIR/global\"") == 0,
	   "core.attributesFile set");
	compare("core.attributesFile under the repository's own", "r");
	ok(sh("cd r && git add -A && git -c user.name=a -c user.email=a@b commit -q -m attrs && "
	      "git update-index --skip-worktree d/.gitattributes && rm d/.gitattributes && "
	      "ln -s ../.gitattributes d/e/.gitattributes.tmp && rm d/e/.gitattributes && "
	      "mv d/e/.gitattributes.tmp d/e/.gitattributes") == 0,
	   "d/.gitattributes only in the index, d/e/.gitattributes a symlink");
	compare("from the index, and not through a symlink", "r");
	{
		/* Fuzzer regression: many double-star components tried every split of the text. */
		struct buf pat = BUF_INIT, text = BUF_INIT;
		int i;

		for (i = 0; i < 60; i++) {
			buf_puts(&pat, "**/");
			buf_puts(&text, "a/");
		}
		buf_puts(&pat, "y");
		buf_puts(&text, "b");
		ok(!git_wildmatch(pat.s, text.s, GIT_WM_PATHNAME) && git_wildmatch(pat.s, "a/a/y", GIT_WM_PATHNAME),
		   "sixty double-star components: no match, quickly, and a match where there is one");
		buf_free(&pat);
		buf_free(&text);
	}
	return git_sh_end();
}
