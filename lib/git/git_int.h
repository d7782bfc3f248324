/*
 * git_int: the repository state shared by the files of lib/git (not an
 * API).  The files call one another in one direction only, each using
 * only those before it:
 *
 *   sha1, sha256 <- git_hash <- git_oid (errors, ids, object hashing)
 *   <- git_wildmatch, git_config, git_refs, inflate <- git_odb, git_index
 *   <- git_attr <- git_convert <- git_worktree
 *   <- git (open, close), git_walk (the commit graph)
 *   <- git_rev (HEAD, expressions, A..B), git_merge_base
 *   <- git_first_parents, git_dirty
 */
#ifndef KTSTR_GIT_INT_H
#define KTSTR_GIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "git.h"
#include "git_hash.h"
#include "util/util.h"

struct git_pack;
struct git_base_cache;

/* The system-wide configuration file, as Debian's and most distributions' git has it. */
#ifndef GIT_ETC_GITCONFIG
#define GIT_ETC_GITCONFIG "/etc/gitconfig"
#endif
#ifndef GIT_ETC_GITATTRIBUTES
#define GIT_ETC_GITATTRIBUTES "/etc/gitattributes"
#endif

enum { GIT_AUTOCRLF_FALSE, GIT_AUTOCRLF_TRUE, GIT_AUTOCRLF_INPUT };

/* A filter driver the configuration defines (filter.<name>.*). */
struct git_filter {
	char *name;
	int required; /* git fails when the filter does */
};

struct git_repo {
	char *gitdir, *commondir, *worktree; /* absolute, real; worktree NULL if bare */
	char *gitdir_given;                  /* gitdir before symlinks were resolved, or NULL */
	enum git_hash_algo algo;
	size_t rawsz; /* git_hash_size(algo) */
	int filemode, trustctime, checkstat, symlinks; /* checkstat: 1 default, 0 minimal */
	int autocrlf;                                  /* GIT_AUTOCRLF_* */
	int replace_refs;                              /* core.useReplaceRefs */
	int worktree_config;                           /* extensions.worktreeConfig */
	char *attributes_file;                         /* core.attributesFile, or NULL */
	struct git_filter *filters;
	size_t nfilters;
	char err[512];

	char **objdirs; /* objects/ then alternates, in order */
	size_t nobjdirs;
	int objdirs_loaded;
	struct git_pack *packs;
	size_t npacks;
	int packs_loaded;
	struct git_base_cache *cache; /* delta bases, by pack and offset */

	struct buf packed_refs;
	int packed_loaded, packed_ok;
	struct git_oid (*replace)[2]; /* replaced id, replacement; sorted */
	size_t nreplace;
	int replace_loaded;

	struct git_oid *shallow; /* commits whose parents were cut off, sorted */
	size_t nshallow;
	int shallow_loaded;
};

/* git_oid.c: record the reason for a failure in repo->err; returns -1. */
int git_fail(struct git_repo *repo, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The object format: sets algo and rawsz together. */
void git_set_format(struct git_repo *repo, enum git_hash_algo algo);

/* Hex helpers: 0 when exactly rawsz*2 hex digits were parsed. */
int git_hex_to_oid(const struct git_repo *repo, const char *hex, struct git_oid *out);
int git_hexval(int c);
int git_oid_eq(const struct git_repo *repo, const struct git_oid *a, const struct git_oid *b);

/* Start hashing an object of len bytes: the "type len\0" header fed to c. */
void git_hash_object_init(const struct git_repo *repo, struct git_hash_ctx *c, const char *type,
                          size_t len);
/* Hash "type len\0" + data into out. */
void git_hash_object(const struct git_repo *repo, const char *type, const void *data, size_t len,
                     struct git_oid *out);

/* git_config.c: the configuration files git reads, into repo; 0 or -1. */
int git_config_load(struct git_repo *repo);
/* An environment variable as git reads a boolean one: 0, or -1 for a bad value (*out 0 when unset). */
int git_env_bool(const char *name, int *out);
/* $XDG_CONFIG_HOME/git/name, else ~/.config/git/name; NULL when neither is set. Malloc'd. */
char *git_xdg_path(const char *name);
/* For fuzzers and tests: text applied as the repository's own file named name. */
int git_config_from_text(struct git_repo *repo, const char *name, const char *text, size_t len);
void git_config_free(struct git_repo *repo);

/* git_refs.c: resolve a full ref name ("HEAD", "refs/heads/x") to an id. */
int git_resolve_ref(struct git_repo *repo, const char *name, struct git_oid *out);
/*
 * The object refs/replace/<id> (or GIT_REPLACE_REF_BASE) puts in place
 * of id: 1 with it in out, 0 when none does or replacing is off
 * (GIT_NO_REPLACE_OBJECTS, core.useReplaceRefs=false).
 */
int git_replace_lookup(struct git_repo *repo, const struct git_oid *id, struct git_oid *out);
void git_refs_free(struct git_repo *repo);

/* Object database (git_odb.c). */
int git_odb_has_prefix(struct git_repo *repo, const char *hex, size_t hexlen, struct git_oid *found,
                       size_t maxfound, size_t *nfound);
void git_odb_free(struct git_repo *repo);

/* Parsed commit: tree, parents, committer time. */
struct git_commit {
	struct git_oid tree;
	struct git_oid *parents;
	size_t nparents;
	int64_t time;
	int shallow; /* a shallow clone's boundary: parents cut off, nparents 0 */
};
int git_read_commit(struct git_repo *repo, const struct git_oid *id, struct git_commit *c);
void git_commit_free(struct git_commit *c);

/* Index (git_index.c). */
struct git_ientry {
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, mode, uid, gid, size;
	struct git_oid oid;
	uint16_t flags, xflags;
	const char *path; /* NUL-terminated, in the index's name arena */
	size_t pathlen;
};
#define GIT_IE_STAGE(e) (((e)->flags >> 12) & 3)
/* The object types of index and tree entry modes. */
#define GIT_MODE_TYPE 0170000
#define GIT_MODE_DIR 0040000
#define GIT_MODE_REG 0100000
#define GIT_MODE_LINK 0120000
#define GIT_MODE_GITLINK 0160000
#define GIT_IE_VALID 0x8000          /* assume-unchanged */
#define GIT_IE_SKIP_WORKTREE 0x4000  /* in xflags */
#define GIT_IE_INTENT_TO_ADD 0x2000  /* in xflags */

struct git_ctree {
	char *name;
	int count; /* -1 invalid */
	struct git_oid oid;
	struct git_ctree *sub;
	size_t nsub;
};

struct git_index {
	struct git_ientry *e;
	size_t n;
	struct git_ctree *tree; /* NULL without a TREE extension */
	int64_t mtime_s;        /* the index file's own mtime, for racy entries */
	long mtime_ns;
	char *names; /* the arena the entries' paths point into */
	struct git_index *shared; /* a split index's base, owning its names */
};

/*
 * Parse index bytes (errors name fname).  Follows a link extension to
 * gitdir/sharedindex.<id> (an error when gitdir is NULL).  The trailing
 * checksum is verified when verify is set.  0 or -1 (reason in repo->err).
 */
int git_index_parse(struct git_repo *repo, const unsigned char *p, size_t len, const char *fname,
                    const char *gitdir, int verify, struct git_index *ix);
/* The repository's index: 0, 1 when there is none, -1 when it cannot be read. */
int git_index_read(struct git_repo *repo, struct git_index *ix);
void git_index_free(struct git_index *ix);

/* The index against the work tree (git_worktree.c): 1 when something differs. */
int git_worktree_dirty(struct git_repo *repo, const struct git_index *ix);

/* Delta application (git_odb.c): 0 or -1 with a reason in err. */
int git_delta_apply(const unsigned char *base, size_t baselen, const unsigned char *delta,
                    size_t deltalen, struct buf *out, char *err, size_t errlen);

/* A pack and its index, mapped (or, for tests and fuzzers, borrowed). */
struct git_pack {
	char *packpath, *idxpath;
	const unsigned char *idx, *pack;
	size_t idxlen, packlen;
	int mapped;  /* munmap on free */
	int tried;   /* pack file mapping attempted */
	uint32_t n;  /* objects */
	int version; /* idx version 1 or 2 */
	size_t n64;  /* 64-bit offsets in an idx v2 */
};

/* Validate idx bytes: the idx version (1 or 2) with *nobjects set, or -1. */
int git_idx_check(struct git_repo *repo, const unsigned char *p, size_t len, const char *fname,
                  uint32_t *nobjects);
/* Validate pack bytes against the pack's idx (count, header). */
int git_pack_check(struct git_repo *repo, struct git_pack *pk);
/* The object at offset off of pk, deltas applied; appended to out. */
int git_pack_read_at(struct git_repo *repo, struct git_pack *pk, uint64_t off, enum git_obj_type *type,
                     struct buf *out);

#endif
