/*
 * git_convert: what git does to a work tree file's content before it
 * hashes it (its convert_to_git): end-of-line normalisation as the text,
 * crlf and eol attributes and core.autocrlf ask, "$Id$" collapsing for
 * ident, and filters.  Not an API outside lib/git.
 */
#ifndef KTSTR_GIT_CONVERT_H
#define KTSTR_GIT_CONVERT_H

#include "git_attr.h"
#include "git_int.h"

struct git_conv {
	enum {
		GIT_CONV_NONE, /* binary: the content as it is */
		GIT_CONV_TEXT, /* text: CRLF becomes LF */
		GIT_CONV_AUTO, /* text=auto, autocrlf: CRLF becomes LF in what looks like text */
	} eol;
	int ident;                       /* "$Id: ... $" becomes "$Id$" */
	const struct git_filter *filter; /* the driver the filter attribute names, or NULL */
};

/* The conversion path gets, from its attributes (cur: as git_attr_check) and the configuration. */
void git_conv_for(struct git_repo *repo, struct git_attrs *attrs, struct git_attr_cursor *cur,
                  const char *path, struct git_conv *cv);

/* Whether git would run the content through a conversion at all (its would_convert_to_git). */
int git_conv_any(const struct git_conv *cv);

/*
 * Whether data, converted as cv says, hashes to the blob id want.  A
 * filter is never run: as git does when a filter's program is missing,
 * the content goes on unfiltered, except that a required filter fails
 * (git then refuses to hash the file), which counts as a difference.
 */
int git_conv_matches(struct git_repo *repo, const struct git_conv *cv, const char *data, size_t len,
                     const struct git_oid *want);

#endif
