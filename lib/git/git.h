/*
 * git: a libc-only reader of git repositories, so that the tools need
 * no git executable.
 *
 * Discovery, refs and packed-refs, the object database (loose objects,
 * packs with idx v1/v2 and delta chains, alternates), the index
 * (v2/v3/v4, split index), revision expressions and the dirty probe,
 * each answering as git does (ktstr-rundir(1) says what that means for
 * the project commit).  Object ids are SHA-1 or SHA-256, as the
 * repository's extensions.objectFormat says.
 *
 * Every function that can fail leaves a one-line reason (naming the file
 * and, for binary formats, the byte offset) in git_error(repo).  Nothing
 * here writes to stderr or exits; damaged repositories yield errors.
 */
#ifndef KTSTR_GIT_H
#define KTSTR_GIT_H

#include <stddef.h>
#include <stdint.h>

#define GIT_MAX_RAWSZ 32
#define GIT_MAX_HEXSZ 64

struct git_oid {
	unsigned char id[GIT_MAX_RAWSZ];
};

enum git_obj_type {
	GIT_OBJ_NONE = 0,
	GIT_OBJ_COMMIT = 1,
	GIT_OBJ_TREE = 2,
	GIT_OBJ_BLOB = 3,
	GIT_OBJ_TAG = 4,
};

struct git_repo;

/*
 * Open a repository.  walk_up = 1: discover from dir upwards, as git
 * does, but never across a mount boundary; walk_up = 0: dir itself must
 * hold .git (a directory or a "gitdir:" file) or be a git directory.
 * NULL when none is found or it cannot be read (unsupported object
 * format, reftable, a configuration file git would refuse), with the
 * reason in err.
 */
struct git_repo *git_open(const char *dir, int walk_up, char *err, size_t errlen);
void git_close(struct git_repo *repo);

/* The last failure's one-line reason ("" if none). */
const char *git_error(const struct git_repo *repo);


/* Bytes in an object id: 20 (sha1) or 32 (sha256); hex length is twice that. */
size_t git_rawsz(const struct git_repo *repo);

/* Lowercase hex of id into hex (rawsz * 2 + 1 bytes); returns hex. */
char *git_oid_hex(const struct git_repo *repo, const struct git_oid *id, char *hex);

/*
 * HEAD resolved through symbolic refs and peeled to a commit, as hex.
 * 0, or -1 when HEAD is unborn, dangling, or the repository is corrupt.
 */
int git_head(struct git_repo *repo, char hex[GIT_MAX_HEXSZ + 1]);
int git_head_oid(struct git_repo *repo, struct git_oid *out);

/*
 * The dirty probe: whether HEAD's tree, the index and the work tree
 * differ as `git diff-index --cached HEAD` and `git diff` would say
 * (untracked files and submodule work trees do not count).  1 dirty,
 * 0 clean (also when there is no HEAD tree or no index, and for a bare
 * repository's missing work tree).  An error during the work tree scan
 * counts as dirty, as upstream does.  -1 when the index exists but
 * cannot be read (damaged, unsupported), with the reason in
 * git_error(): git's own commands fail then, so callers count the
 * tree as dirty and say why.
 */
int git_dirty(struct git_repo *repo);

/*
 * The project commit string: HEAD's first seven hex digits, with
 * "-dirty" when git_dirty says so or cannot tell ("abc1234", "abc1234-dirty") into
 * out; -1 when there is none (no repository, or HEAD does not resolve).
 */
int git_commit_string(const char *dir, int walk_up, char out[32]);

/*
 * Resolve a revision expression to a commit: HEAD, ref names in
 * rev-parse order, full or abbreviated (>= 4 hex) ids, ~N, ^N,
 * ^{commit}, X^! (= X); tags are peeled.  0, or -1 (does not resolve:
 * unknown, ambiguous, not a commit, unsupported syntax).
 */
int git_rev_parse(struct git_repo *repo, const char *expr, struct git_oid *out);

/*
 * Every commit reachable from b but not from a.  fn is called once per
 * commit (any order); a nonzero return stops the walk and is returned.
 * Returns 0, or -1 when an object cannot be read (reason in git_error).
 */
int git_rev_walk(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
                 int (*fn)(const struct git_oid *id, void *arg), void *arg);

/*
 * The merge bases of a and b, as git merge-base --all finds them: the
 * common ancestors of which none is an ancestor of another, newest
 * committer date first (equal dates in the order the walk met them).
 * *bases is malloc'd; *nbases is 0 for unrelated histories.  0, or -1
 * when an object cannot be read or the walk would need history a
 * shallow clone cut off (the reason then says "shallow").
 */
int git_merge_bases(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
                    struct git_oid **bases, size_t *nbases);

/*
 * First-parent history, as git log --first-parent [a..]b lists it: b,
 * its first parent, and so on, newest first, ending at a root, at a
 * commit reachable from a (a NULL: none), or at a shallow clone's
 * boundary.  fn is called per commit; a nonzero return stops the walk
 * and is returned.  Returns 0, 1 when a shallow boundary ended the
 * history early (the boundary itself was listed), or -1 when an object
 * cannot be read.
 */
int git_first_parents(struct git_repo *repo, const struct git_oid *a, const struct git_oid *b,
                      int (*fn)(const struct git_oid *id, void *arg), void *arg);

/*
 * Read an object, following delta chains.  *data is malloc'd (NUL
 * terminated for convenience, not counted in *len).  0, or -1.
 */
int git_read_object(struct git_repo *repo, const struct git_oid *id, enum git_obj_type *type,
                    unsigned char **data, size_t *len);

/*
 * Peel id through tags to a commit (want = GIT_OBJ_COMMIT) or further to
 * the commit's tree (want = GIT_OBJ_TREE).  0, or -1.
 */
int git_peel(struct git_repo *repo, const struct git_oid *id, enum git_obj_type want,
             struct git_oid *out);

#endif
