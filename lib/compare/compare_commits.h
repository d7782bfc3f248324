/* compare_commits: the commit options' values, expanded through lib/git. */
#ifndef KTSTR_REVSPEC_H
#define KTSTR_REVSPEC_H

#include <stddef.h>

/*
 * Expand one value of a commit flag into filter values, appended to
 * *vals (an ereallocarray'd array of malloc'd strings; *n counts them):
 * a single commit gives its 7-hex id ("-dirty" appended when it is HEAD
 * and the worktree is dirty), a range A..B one 7-hex value per commit
 * (possibly none), and everything else the input itself.
 *
 * flag is the option name without dashes ("a-project-commit"); it only
 * appears in the stderr warnings, upstream's wording
 * ("{progname}: --{flag} ...").  kernel = 0 uses the repository
 * discovered from the cwd; kernel = 1 the one named by $KTSTR_KERNEL
 * (after the metadata.json source_tree_path rule), without walking up.
 * The repository is opened once per process and kind and kept open.
 */
void compare_commits_expand(const char *flag, int kernel, const char *value, char ***vals, size_t *n);

/* Free an array filled by compare_commits_expand. */
void compare_commits_free(char **vals, size_t n);

#endif
