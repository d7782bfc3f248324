/*
 * git_attr: the gitattributes(5) a work tree's paths have, as far as
 * they change what git hashes for a file: text, crlf, eol, ident and
 * filter (with the macros, binary among them, that set them).  Not an
 * API outside lib/git.
 */
#ifndef KTSTR_GIT_ATTR_H
#define KTSTR_GIT_ATTR_H

#include "git_int.h"

/* The attributes asked about, in the order git_attr_check fills them. */
enum git_attr_want { GIT_ATTR_TEXT, GIT_ATTR_CRLF, GIT_ATTR_EOL, GIT_ATTR_IDENT, GIT_ATTR_FILTER,
                     GIT_ATTR_NWANT };

enum git_attr_state {
	GIT_ATTR_UNSPECIFIED, /* no line says anything, or "!name" reset it */
	GIT_ATTR_SET,         /* "name" */
	GIT_ATTR_UNSET,       /* "-name" */
	GIT_ATTR_VALUE,       /* "name=value" */
};

struct git_attr_value {
	enum git_attr_state state;
	const char *value; /* GIT_ATTR_VALUE: owned by the git_attrs */
};

struct git_attrs;

/*
 * The attribute files of repo's work tree, read on first use: the
 * system file (unless GIT_ATTR_NOSYSTEM), core.attributesFile (or
 * $XDG_CONFIG_HOME/git/attributes), each directory's .gitattributes (a
 * symlink is not followed; one missing from the work tree is read from
 * ix, as git does), $GIT_DIR/info/attributes.  Safe to share between
 * threads.
 */
struct git_attrs *git_attrs_new(struct git_repo *repo, const struct git_index *ix);
/* For fuzzers and tests: attributes whose only file is text, taken as $GIT_DIR/info/attributes. */
struct git_attrs *git_attrs_from_text(struct git_repo *repo, const char *text, size_t len);
void git_attrs_free(struct git_attrs *a);

/*
 * One thread's place among the directories: the one it asked about
 * last, which it may ask about again without a lock.  Zeroed to begin.
 */
struct git_attr_cursor {
	const void *dir;
	size_t nnames;
};

/*
 * The attributes of path (relative to the work tree), with git's
 * precedence.  cur: the calling thread's cursor, or NULL.
 */
void git_attr_check(struct git_attrs *a, struct git_attr_cursor *cur, const char *path,
                    struct git_attr_value out[GIT_ATTR_NWANT]);

#endif
