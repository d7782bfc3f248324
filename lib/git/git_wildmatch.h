/* git_wildmatch: git's glob matching (git_wildmatch.c). */
#ifndef KTSTR_GIT_WILDMATCH_H
#define KTSTR_GIT_WILDMATCH_H

#define GIT_WM_PATHNAME 1u /* wildcards stop at '/'; "**" spans directories */
#define GIT_WM_CASEFOLD 2u /* letters match either case */

/* 1 when text matches pattern, both NUL-terminated. */
int git_wildmatch(const char *pattern, const char *text, unsigned flags);

#endif
