/*
 * git_index: the index file (gitformat-index(5)): versions 2, 3 and 4,
 * extended flags, the TREE (cache tree), link (split index) and sdir
 * extensions; other optional extensions are skipped, unknown required
 * ones (lower-case signature) are an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_bytes.h"
#include "git_int.h"

#define CTREE_MAXDEPTH 4096

/* The index being read: its bytes up to the trailer, its name and version. */
struct rd {
	struct git_repo *repo;
	const unsigned char *base, *end;
	const char *fname;
	uint32_t version;
};

static int
bad(const struct rd *r, const unsigned char *at, const char *what)
{
	return git_fail(r->repo, "%s: %s at offset %zu", r->fname, what, (size_t)(at - r->base));
}

static void
ctree_free(struct git_ctree *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nsub; i++)
		ctree_free(&t->sub[i]);
	free(t->sub);
	free(t->name);
}

/* "name\0count subtrees\n[oid]" followed by the subtrees, depth-first. */
static int
ctree_parse(const struct rd *r, const unsigned char **pp, const unsigned char *end, struct git_ctree *t,
            int depth)
{
	const unsigned char *p = *pp, *nul, *nl;
	char num[32], *sp;
	int64_t count, nsub;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (depth > CTREE_MAXDEPTH)
		return bad(r, p, "cache tree nested too deep");
	nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul)
		return bad(r, p, "truncated cache tree entry");
	nl = memchr(nul + 1, '\n', (size_t)(end - nul - 1));
	if (!nl || (size_t)(nl - nul - 1) >= sizeof(num))
		return bad(r, nul, "bad cache tree counts");
	memcpy(num, nul + 1, (size_t)(nl - nul - 1));
	num[nl - nul - 1] = '\0';
	sp = strchr(num, ' ');
	if (!sp)
		return bad(r, nul, "bad cache tree counts");
	*sp = '\0';
	if (parse_i64(num, -1, INT32_MAX, &count) < 0 || parse_i64(sp + 1, 0, INT32_MAX, &nsub) < 0)
		return bad(r, nul, "bad cache tree counts");
	t->name = estrndup((const char *)p, (size_t)(nul - p));
	t->count = (int)count;
	p = nl + 1;
	if (count >= 0) {
		if ((size_t)(end - p) < r->repo->rawsz)
			return bad(r, p, "truncated cache tree id");
		memcpy(t->oid.id, p, r->repo->rawsz);
		p += r->repo->rawsz;
	}
	/* Each subtree needs at least 5 bytes, which bounds the allocation. */
	if ((uint64_t)nsub > (size_t)(end - p) / 5)
		return bad(r, p, "bad cache tree subtree count");
	t->sub = ecalloc((size_t)nsub ? (size_t)nsub : 1, sizeof(*t->sub));
	for (i = 0; i < (size_t)nsub; i++) {
		t->nsub = i + 1;
		if (ctree_parse(r, &p, end, &t->sub[i], depth + 1) < 0)
			return -1;
	}
	*pp = p;
	return 0;
}

/* git's "offset" varint (also the OFS_DELTA encoding). */
static int
varint(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	uint64_t v;
	unsigned c;

	if (p == end)
		return -1;
	c = *p++;
	v = c & 127;
	while (c & 128) {
		if (p == end || v >= (UINT64_MAX >> 7) - 1)
			return -1;
		c = *p++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*pp = p;
	*out = v;
	return 0;
}

/* EWAH bitmap (ewah/ewah_io.c layout) into a byte-per-bit array of n. */
static int
ewah_read(const struct rd *r, const unsigned char **pp, const unsigned char *end, unsigned char *bits,
          size_t n)
{
	const unsigned char *p = *pp, *words;
	uint32_t nwords, i;
	uint64_t pos = 0;

	if ((size_t)(end - p) < 8)
		return bad(r, p, "truncated ewah bitmap");
	nwords = git_be32(p + 4);
	p += 8;
	if ((size_t)(end - p) / 8 < nwords || (size_t)(end - p) - 8 * (size_t)nwords < 4)
		return bad(r, p, "truncated ewah bitmap");
	words = p;
	for (i = 0; i < nwords;) {
		const unsigned char *w = words + 8 * (size_t)i;
		uint64_t rlw = git_be64(w), run = (rlw >> 1) & 0xffffffffu;
		uint64_t lit = rlw >> 33, k;

		i++;
		if (rlw & 1) {
			if (run && (pos >= n || run > (n - pos + 63) / 64))
				return bad(r, w, "ewah bit beyond the shared index");
			for (k = 0; k < run * 64 && pos + k < n; k++)
				bits[pos + k] = 1;
		}
		pos += run * 64;
		if (lit > nwords - i)
			return bad(r, w, "ewah literal words beyond the bitmap");
		for (k = 0; k < lit; k++, i++) {
			const unsigned char *lw = words + 8 * (size_t)i;
			uint64_t word = git_be64(lw);
			int b;

			for (b = 0; b < 64; b++)
				if (word >> b & 1) {
					if (pos + (uint64_t)b >= n)
						return bad(r, lw, "ewah bit beyond the shared index");
					bits[pos + (uint64_t)b] = 1;
				}
			pos += 64;
			if (pos > ((uint64_t)1 << 40))
				return bad(r, lw, "ewah bitmap too long");
		}
	}
	*pp = words + 8 * (size_t)nwords + 4;
	return 0;
}

static int
entry_cmp(const struct git_ientry *a, const struct git_ientry *b)
{
	size_t n = a->pathlen < b->pathlen ? a->pathlen : b->pathlen;
	int c = memcmp(a->path, b->path, n);

	if (c)
		return c;
	if (a->pathlen != b->pathlen)
		return a->pathlen < b->pathlen ? -1 : 1;
	return (int)GIT_IE_STAGE(a) - (int)GIT_IE_STAGE(b);
}

static int
entry_qcmp(const void *a, const void *b)
{
	return entry_cmp(a, b);
}

/*
 * Apply a split index (the entries of ix) to its shared base: replace
 * and delete as the bitmaps say, then add the remaining entries in order.
 */
static int
merge_split(const struct rd *r, struct git_index *ix, struct git_index *base, const unsigned char *del,
            const unsigned char *rep)
{
	struct git_ientry *out, *adds;
	size_t i, used = 0, nadd, nout = 0, a = 0;

	for (i = 0; i < base->n; i++) {
		if (!rep[i])
			continue;
		if (del[i])
			return git_fail(r->repo, "%s: entry %zu both replaced and deleted", r->fname, i);
		if (used >= ix->n || ix->e[used].pathlen)
			return git_fail(r->repo, "%s: bad split index replacement %zu", r->fname, used);
		{
			struct git_ientry e = ix->e[used++];

			e.path = base->e[i].path;
			e.pathlen = base->e[i].pathlen;
			base->e[i] = e;
		}
	}
	nadd = ix->n - used;
	adds = ix->e + used;
	for (i = 0; i < nadd; i++)
		if (!adds[i].pathlen)
			return git_fail(r->repo, "%s: split index entry %zu has no name", r->fname, used + i);
	qsort(adds, nadd, sizeof(*adds), entry_qcmp);
	out = ereallocarray(NULL, base->n + nadd ? base->n + nadd : 1, sizeof(*out));
	for (i = 0; i < base->n || a < nadd;) {
		int c;

		if (i < base->n && del[i]) {
			i++;
			continue;
		}
		c = i == base->n ? 1 : a == nadd ? -1 : entry_cmp(&base->e[i], &adds[a]);
		if (c < 0)
			out[nout++] = base->e[i++];
		else {
			if (c == 0)
				i++;
			out[nout++] = adds[a++];
		}
	}
	free(ix->e);
	ix->e = out;
	ix->n = nout;
	return 0;
}

static int
read_shared(struct git_repo *repo, const char *gitdir, const struct git_oid *id, struct git_index *out)
{
	char hex[GIT_MAX_HEXSZ + 1], name[GIT_MAX_HEXSZ + 16], *path;
	struct buf b = BUF_INIT;
	int r;

	snprintf(name, sizeof(name), "sharedindex.%s", git_oid_hex(repo, id, hex));
	path = path_join(gitdir, name);
	if (read_file(path, &b, 0) < 0) {
		r = git_fail(repo, "cannot read '%s': %s", path, error_text(errno));
	} else {
		/* A shared index never links further: pass no gitdir. */
		r = git_index_parse(repo, (unsigned char *)b.s, b.len, path, NULL, 0, out);
	}
	free(path);
	buf_free(&b);
	return r;
}

/* "DIRC", a version from 2 to 4, the entry count, which bounds the file. */
static int
read_header(const struct rd *r, size_t len, uint32_t *version, uint32_t *n)
{
	size_t fixed = 40 + r->repo->rawsz + 2;

	if (len < 12 + r->repo->rawsz)
		return git_fail(r->repo, "%s: truncated header at offset 0", r->fname);
	if (memcmp(r->base, "DIRC", 4) != 0)
		return git_fail(r->repo, "%s: bad signature at offset 0", r->fname);
	*version = git_be32(r->base + 4);
	if (*version < 2 || *version > 4)
		return git_fail(r->repo, "%s: unsupported index version %u at offset 4", r->fname, *version);
	*n = git_be32(r->base + 8);
	/* Every entry takes at least fixed + 1 bytes. */
	if (*n > (size_t)(r->end - r->base - 12) / (fixed + 1))
		return git_fail(r->repo, "%s: entry count %u does not fit the file at offset 8", r->fname,
		                *n);
	return 0;
}

/* The trailer hashes everything before it; index.skipHash writes zeros. */
static int
check_trailer(const struct rd *r)
{
	size_t rawsz = r->repo->rawsz, body = (size_t)(r->end - r->base);
	unsigned char sum[GIT_HASH_MAX_SIZE], zero[GIT_HASH_MAX_SIZE] = {0};
	struct git_hash_ctx c;

	if (!memcmp(r->end, zero, rawsz))
		return 0;
	git_hash_init(&c, r->repo->algo);
	git_hash_update(&c, r->base, body);
	git_hash_final(&c, sum);
	if (memcmp(sum, r->end, rawsz) != 0)
		return git_fail(r->repo, "%s: checksum mismatch at offset %zu", r->fname, body);
	return 0;
}

/* Version 4: strip that many bytes of the previous name, then a NUL-terminated suffix. */
static int
read_path_v4(const struct rd *r, const unsigned char **qp, struct buf *names, size_t prevlen,
             size_t *namelen)
{
	const unsigned char *q = *qp, *nul;
	uint64_t strip = 0;
	size_t keep;

	if (varint(&q, r->end, &strip) < 0 || strip > prevlen)
		return bad(r, q, "bad path prefix length");
	nul = memchr(q, '\0', (size_t)(r->end - q));
	if (!nul)
		return bad(r, q, "unterminated path");
	keep = prevlen - (size_t)strip;
	/* The previous name is the last one in the arena. */
	buf_grow(names, keep + (size_t)(nul - q) + 1);
	memmove(names->s + names->len, names->s + names->len - prevlen - 1, keep);
	names->len += keep;
	buf_add(names, q, (size_t)(nul - q));
	buf_putc(names, '\0');
	*namelen = keep + (size_t)(nul - q);
	*qp = nul + 1;
	return 0;
}

/* Versions 2 and 3: the name, then 1 to 8 NULs padding the entry to 8 bytes. */
static int
read_path_padded(const struct rd *r, const unsigned char **qp, const unsigned char *start,
                 size_t hdr, struct buf *names, size_t *namelen)
{
	const unsigned char *q = *qp, *nul = memchr(q, '\0', (size_t)(r->end - q)), *padded;

	if (!nul)
		return bad(r, q, "unterminated path");
	*namelen = (size_t)(nul - q);
	buf_add(names, q, *namelen);
	buf_putc(names, '\0');
	if ((size_t)(r->end - start) < ((hdr + *namelen + 8) & ~(size_t)7))
		return bad(r, q, "truncated entry padding");
	padded = start + ((hdr + *namelen + 8) & ~(size_t)7);
	for (q = nul; q < padded; q++)
		if (*q)
			return bad(r, q, "bad entry padding");
	*qp = padded;
	return 0;
}

/* One entry: stat data, id, flags, extended flags (v3+), path. */
static int
read_entry(const struct rd *r, const unsigned char **qp, struct git_ientry *e, struct buf *names,
           size_t *prevlen)
{
	const unsigned char *q = *qp, *start = q;
	size_t rawsz = r->repo->rawsz, hdr = 40 + rawsz + 2, namelen = 0;
	int rc;

	if ((size_t)(r->end - q) < hdr)
		return bad(r, q, "truncated entry");
	e->ctime_s = git_be32(q), e->ctime_ns = git_be32(q + 4);
	e->mtime_s = git_be32(q + 8), e->mtime_ns = git_be32(q + 12);
	e->dev = git_be32(q + 16), e->ino = git_be32(q + 20), e->mode = git_be32(q + 24);
	e->uid = git_be32(q + 28), e->gid = git_be32(q + 32), e->size = git_be32(q + 36);
	memset(&e->oid, 0, sizeof(e->oid));
	memcpy(e->oid.id, q + 40, rawsz);
	e->flags = (uint16_t)(q[40 + rawsz] << 8 | q[41 + rawsz]);
	e->xflags = 0;
	e->path = NULL;
	q += hdr;
	if (e->flags & 0x4000) {
		if (r->version < 3)
			return bad(r, start, "extended flags in a version 2 index");
		if ((size_t)(r->end - q) < 2)
			return bad(r, q, "truncated entry");
		e->xflags = (uint16_t)(q[0] << 8 | q[1]);
		if (e->xflags & ~(GIT_IE_SKIP_WORKTREE | GIT_IE_INTENT_TO_ADD))
			return bad(r, q, "unknown extended flags");
		q += 2;
		hdr += 2;
	}
	rc = r->version == 4 ? read_path_v4(r, &q, names, *prevlen, &namelen)
	                     : read_path_padded(r, &q, start, hdr, names, &namelen);
	if (rc < 0)
		return -1;
	if ((e->flags & 0xfff) != (namelen < 0xfff ? namelen : 0xfff))
		return bad(r, start, "path length does not match the entry flags");
	e->pathlen = *prevlen = namelen;
	*qp = q;
	return 0;
}

/* The entries, their names into one arena; offs[i] is entry i's name. */
static int
read_entries(const struct rd *r, const unsigned char **qp, struct git_index *ix, size_t *offs,
             struct buf *names)
{
	size_t i, prevlen = 0;

	for (i = 0; i < ix->n; i++) {
		offs[i] = names->len;
		if (read_entry(r, qp, &ix->e[i], names, &prevlen) < 0)
			return -1;
	}
	return 0;
}

/* A split index's link: the shared index's id and two bitmaps. */
struct link {
	int present;
	struct git_oid id;
	const unsigned char *bits, *end;
};

/*
 * One extension: TREE (the cache tree), link (split index), sdir
 * (sparse directories carry skip-worktree already); other optional ones
 * (upper-case signature) are skipped, unknown required ones refused.
 */
static int
read_extension(const struct rd *r, const unsigned char **qp, struct git_index *ix, struct link *lk)
{
	const unsigned char *sig = *qp, *data = sig + 8;
	uint32_t sz = git_be32(sig + 4);

	if (sz > (size_t)(r->end - data))
		return bad(r, sig, "truncated extension");
	if (!memcmp(sig, "TREE", 4)) {
		const unsigned char *t = data;

		if (ix->tree)
			return bad(r, sig, "second TREE extension");
		if (sz) {
			ix->tree = ecalloc(1, sizeof(*ix->tree));
			if (ctree_parse(r, &t, data + sz, ix->tree, 0) < 0)
				return -1;
		}
	} else if (!memcmp(sig, "link", 4)) {
		if (sz < r->repo->rawsz)
			return bad(r, data, "truncated link extension");
		lk->present = 1;
		memset(&lk->id, 0, sizeof(lk->id));
		memcpy(lk->id.id, data, r->repo->rawsz);
		lk->bits = data + r->repo->rawsz;
		lk->end = data + sz;
	} else if (memcmp(sig, "sdir", 4) != 0 && (sig[0] < 'A' || sig[0] > 'Z')) {
		return git_fail(r->repo, "%s: unsupported required extension '%.4s' at offset %zu",
		                r->fname, (const char *)sig, (size_t)(sig - r->base));
	}
	*qp = data + sz;
	return 0;
}

static int
read_extensions(const struct rd *r, const unsigned char **qp, struct git_index *ix, struct link *lk)
{
	while ((size_t)(r->end - *qp) >= 8)
		if (read_extension(r, qp, ix, lk) < 0)
			return -1;
	if (*qp != r->end)
		return bad(r, *qp, "trailing garbage");
	return 0;
}

/* Read the shared index the link names and merge ix's entries into it. */
static int
apply_link(const struct rd *r, const char *gitdir, const struct link *lk, struct git_index *ix)
{
	const unsigned char *bits = lk->bits;
	struct git_index *base;
	unsigned char *del = NULL, *rep = NULL;
	int rc = -1;

	if (!gitdir)
		return git_fail(r->repo, "%s: a shared index cannot link to another", r->fname);
	base = ecalloc(1, sizeof(*base));
	ix->shared = base;
	if (read_shared(r->repo, gitdir, &lk->id, base) < 0)
		return -1;
	del = ecalloc(base->n ? base->n : 1, 1);
	rep = ecalloc(base->n ? base->n : 1, 1);
	if (bits < lk->end && (ewah_read(r, &bits, lk->end, del, base->n) < 0 ||
	                       ewah_read(r, &bits, lk->end, rep, base->n) < 0))
		goto out;
	rc = merge_split(r, ix, base, del, rep);
out:
	free(del);
	free(rep);
	return rc;
}

/* Names are non-empty, sorted and unique per stage, as git requires. */
static int
check_order(const struct rd *r, const struct git_index *ix)
{
	size_t i;

	for (i = 0; i < ix->n; i++) {
		if (!ix->e[i].pathlen)
			return git_fail(r->repo, "%s: entry %zu has an empty path", r->fname, i);
		if (i && entry_cmp(&ix->e[i - 1], &ix->e[i]) >= 0)
			return git_fail(r->repo, "%s: entries out of order at '%s'", r->fname, ix->e[i].path);
	}
	return 0;
}

int
git_index_parse(struct git_repo *repo, const unsigned char *p, size_t len, const char *fname,
                const char *gitdir, int verify, struct git_index *ix)
{
	struct rd r = {repo, p, p + (len > repo->rawsz ? len - repo->rawsz : 0), fname, 0};
	const unsigned char *q = p + 12;
	struct buf names = BUF_INIT;
	struct link lk = {0};
	size_t *offs = NULL, i;
	uint32_t n = 0;

	memset(ix, 0, sizeof(*ix));
	if (read_header(&r, len, &r.version, &n) < 0 || (verify && check_trailer(&r) < 0))
		return -1;
	/* Not zeroed: read_entry sets every field, and a large index pays for zeroing. */
	ix->e = ereallocarray(NULL, n ? n : 1, sizeof(*ix->e));
	ix->n = n;
	offs = ereallocarray(NULL, n ? n : 1, sizeof(*offs));
	buf_grow(&names, len);
	if (read_entries(&r, &q, ix, offs, &names) < 0 || read_extensions(&r, &q, ix, &lk) < 0)
		goto fail;
	ix->names = buf_detach(&names);
	for (i = 0; i < n; i++)
		ix->e[i].path = ix->names + offs[i];
	free(offs);
	offs = NULL;
	if ((lk.present && apply_link(&r, gitdir, &lk, ix) < 0) || check_order(&r, ix) < 0)
		goto fail;
	return 0;
fail:
	free(offs);
	buf_free(&names);
	git_index_free(ix);
	return -1;
}

int
git_index_read(struct git_repo *repo, struct git_index *ix)
{
	char *path = path_join(repo->gitdir, "index");
	struct stat st;
	void *map;
	int fd, r;

	memset(ix, 0, sizeof(*ix));
	/* Not open(): a FIFO planted as the index must not block the probe. */
	fd = open_input_at(AT_FDCWD, path, 0);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = errno == ENOENT ? 1 : git_fail(repo, "%s: %s", path, error_text(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return r;
	}
	map = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (map == MAP_FAILED) {
		r = git_fail(repo, "cannot map '%s': %s", path, error_text(errno));
	} else {
		/*
		 * Like git, which checks the trailer only in fsck: hashing a
		 * large index costs more than the rest of the probe, and the
		 * parser rejects damaged structure anyway.
		 */
		r = git_index_parse(repo, map ? map : "", (size_t)st.st_size, path, repo->gitdir, 0, ix);
		ix->mtime_s = st.st_mtim.tv_sec;
		ix->mtime_ns = st.st_mtim.tv_nsec;
		if (map)
			munmap(map, (size_t)st.st_size);
	}
	free(path);
	return r;
}

void
git_index_free(struct git_index *ix)
{
	if (ix->tree) {
		ctree_free(ix->tree);
		free(ix->tree);
	}
	if (ix->shared) {
		git_index_free(ix->shared);
		free(ix->shared);
	}
	free(ix->e);
	free(ix->names);
	memset(ix, 0, sizeof(*ix));
}
