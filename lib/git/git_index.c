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

#include "git_int.h"
#include "sha.h"

#define CTREE_MAXDEPTH 4096

struct rd {
	struct git_repo *repo;
	const unsigned char *base;
	size_t len;
	const char *fname;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

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
	nwords = be32(p + 4);
	p += 8;
	if ((size_t)(end - p) / 8 < nwords || (size_t)(end - p) - 8 * (size_t)nwords < 4)
		return bad(r, p, "truncated ewah bitmap");
	words = p;
	for (i = 0; i < nwords;) {
		const unsigned char *w = words + 8 * (size_t)i;
		uint64_t rlw = (uint64_t)be32(w) << 32 | be32(w + 4), run = (rlw >> 1) & 0xffffffffu;
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
			uint64_t word = (uint64_t)be32(lw) << 32 | be32(lw + 4);
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
		r = git_fail(repo, "cannot read '%s': %s", path, strerror(errno));
	} else {
		/* A shared index never links further: pass no gitdir. */
		r = git_index_parse(repo, (unsigned char *)b.s, b.len, path, NULL, 0, out);
	}
	free(path);
	buf_free(&b);
	return r;
}

int
git_index_parse(struct git_repo *repo, const unsigned char *p, size_t len, const char *fname,
                const char *gitdir, int verify, struct git_index *ix)
{
	struct rd r = {repo, p, len, fname};
	const unsigned char *q, *end;
	size_t rawsz = repo->rawsz, fixed = 40 + rawsz + 2, i, *offs = NULL, prevlen = 0;
	uint32_t version, n;
	struct buf names = BUF_INIT;
	int have_link = 0;
	struct git_oid shared_id;
	unsigned char *del = NULL, *rep = NULL;
	const unsigned char *link_bits = NULL, *link_end = NULL;

	memset(ix, 0, sizeof(*ix));
	if (len < 12 + rawsz)
		return git_fail(repo, "%s: truncated header at offset 0", fname);
	if (memcmp(p, "DIRC", 4) != 0)
		return git_fail(repo, "%s: bad signature at offset 0", fname);
	version = be32(p + 4);
	if (version < 2 || version > 4)
		return git_fail(repo, "%s: unsupported index version %u at offset 4", fname, version);
	n = be32(p + 8);
	end = p + len - rawsz;
	if (verify) {
		unsigned char sum[GIT_MAX_RAWSZ], zero[GIT_MAX_RAWSZ] = {0};

		/* index.skipHash writes a zero trailer. */
		if (memcmp(end, zero, rawsz) != 0) {
			if (rawsz == 32) {
				struct sha256_ctx c;

				sha256_init(&c);
				sha256_update(&c, p, len - rawsz);
				sha256_final(&c, sum);
			} else {
				struct sha1_ctx c;

				sha1_init(&c);
				sha1_update(&c, p, len - rawsz);
				sha1_final(&c, sum);
			}
			if (memcmp(sum, end, rawsz) != 0)
				return git_fail(repo, "%s: checksum mismatch at offset %zu", fname, len - rawsz);
		}
	}
	/* Every entry takes at least fixed + 1 bytes, which bounds n. */
	if (n > (size_t)(end - p - 12) / (fixed + 1))
		return git_fail(repo, "%s: entry count %u does not fit the file at offset 8", fname, n);
	/* Not zeroed: every field is set below, and a large index pays for zeroing. */
	ix->e = ereallocarray(NULL, n ? n : 1, sizeof(*ix->e));
	offs = ereallocarray(NULL, n ? n : 1, sizeof(*offs));
	buf_grow(&names, len);
	q = p + 12;
	for (i = 0; i < n; i++) {
		struct git_ientry *e = &ix->e[i];
		const unsigned char *start = q, *nul;
		uint32_t f[10];
		size_t namelen, k, hdr;

		if ((size_t)(end - q) < fixed) {
			bad(&r, q, "truncated entry");
			goto fail;
		}
		for (k = 0; k < 10; k++)
			f[k] = be32(q + 4 * k);
		e->ctime_s = f[0], e->ctime_ns = f[1], e->mtime_s = f[2], e->mtime_ns = f[3];
		e->dev = f[4], e->ino = f[5], e->mode = f[6], e->uid = f[7], e->gid = f[8], e->size = f[9];
		memset(&e->oid, 0, sizeof(e->oid));
		memcpy(e->oid.id, q + 40, rawsz);
		e->flags = (uint16_t)(q[40 + rawsz] << 8 | q[41 + rawsz]);
		e->xflags = 0;
		e->path = NULL;
		e->pathlen = 0;
		q += fixed;
		hdr = fixed;
		if (e->flags & 0x4000) {
			if (version < 3) {
				bad(&r, start, "extended flags in a version 2 index");
				goto fail;
			}
			if ((size_t)(end - q) < 2) {
				bad(&r, q, "truncated entry");
				goto fail;
			}
			e->xflags = (uint16_t)(q[0] << 8 | q[1]);
			if (e->xflags & ~(GIT_IE_SKIP_WORKTREE | GIT_IE_INTENT_TO_ADD)) {
				bad(&r, q, "unknown extended flags");
				goto fail;
			}
			q += 2;
			hdr += 2;
		}
		offs[i] = names.len;
		if (version == 4) {
			uint64_t strip = 0;

			if (varint(&q, end, &strip) < 0 || strip > prevlen) {
				bad(&r, q, "bad path prefix length");
				goto fail;
			}
			nul = memchr(q, '\0', (size_t)(end - q));
			if (!nul) {
				bad(&r, q, "unterminated path");
				goto fail;
			}
			/* The previous name is the last one in the arena. */
			buf_grow(&names, prevlen - strip + (size_t)(nul - q) + 1);
			if (prevlen > strip) {
				memmove(names.s + names.len, names.s + names.len - prevlen - 1, prevlen - strip);
				names.len += prevlen - (size_t)strip;
			}
			buf_add(&names, q, (size_t)(nul - q));
			buf_putc(&names, '\0');
			namelen = prevlen - (size_t)strip + (size_t)(nul - q);
			q = nul + 1;
		} else {
			nul = memchr(q, '\0', (size_t)(end - q));
			if (!nul) {
				bad(&r, q, "unterminated path");
				goto fail;
			}
			namelen = (size_t)(nul - q);
			buf_add(&names, q, namelen);
			buf_putc(&names, '\0');
			/* 1 to 8 NULs pad the entry to a multiple of 8 bytes. */
			k = (hdr + namelen + 8) & ~(size_t)7;
			if ((size_t)(end - start) < k) {
				bad(&r, q, "truncated entry padding");
				goto fail;
			}
			for (q = nul; q < start + k; q++)
				if (*q) {
					bad(&r, q, "bad entry padding");
					goto fail;
				}
		}
		if ((e->flags & 0xfff) != (namelen < 0xfff ? namelen : 0xfff)) {
			bad(&r, start, "path length does not match the entry flags");
			goto fail;
		}
		e->pathlen = namelen;
		prevlen = namelen;
	}
	while ((size_t)(end - q) >= 8) {
		const unsigned char *sig = q, *data = q + 8;
		uint32_t sz = be32(q + 4);

		if (sz > (size_t)(end - data)) {
			bad(&r, q, "truncated extension");
			goto fail;
		}
		if (!memcmp(sig, "TREE", 4)) {
			const unsigned char *t = data;

			if (ix->tree) {
				bad(&r, sig, "second TREE extension");
				goto fail;
			}
			if (sz) {
				ix->tree = ecalloc(1, sizeof(*ix->tree));
				if (ctree_parse(&r, &t, data + sz, ix->tree, 0) < 0)
					goto fail;
			}
		} else if (!memcmp(sig, "link", 4)) {
			if (sz < rawsz) {
				bad(&r, data, "truncated link extension");
				goto fail;
			}
			have_link = 1;
			memset(&shared_id, 0, sizeof(shared_id));
			memcpy(shared_id.id, data, rawsz);
			link_bits = data + rawsz;
			link_end = data + sz;
		} else if (!memcmp(sig, "sdir", 4)) {
			/* Sparse directory entries carry skip-worktree; nothing to record. */
		} else if (sig[0] < 'A' || sig[0] > 'Z') {
			git_fail(repo, "%s: unsupported required extension '%.4s' at offset %zu", fname,
			         (const char *)sig, (size_t)(sig - p));
			goto fail;
		}
		q = data + sz;
	}
	if (q != end) {
		bad(&r, q, "trailing garbage");
		goto fail;
	}
	ix->names = buf_detach(&names);
	for (i = 0; i < n; i++)
		ix->e[i].path = ix->names + offs[i];
	ix->n = n;
	free(offs);
	offs = NULL;
	if (have_link) {
		struct git_index *base;

		if (!gitdir) {
			git_fail(repo, "%s: a shared index cannot link to another", fname);
			goto fail;
		}
		base = ecalloc(1, sizeof(*base));
		ix->shared = base;
		if (read_shared(repo, gitdir, &shared_id, base) < 0)
			goto fail;
		del = ecalloc(base->n ? base->n : 1, 1);
		rep = ecalloc(base->n ? base->n : 1, 1);
		if (link_bits < link_end &&
		    (ewah_read(&r, &link_bits, link_end, del, base->n) < 0 ||
		     ewah_read(&r, &link_bits, link_end, rep, base->n) < 0))
			goto fail;
		if (merge_split(&r, ix, base, del, rep) < 0)
			goto fail;
		free(del);
		free(rep);
		del = rep = NULL;
	}
	for (i = 0; i < ix->n; i++) {
		if (!ix->e[i].pathlen) {
			git_fail(repo, "%s: entry %zu has an empty path", fname, i);
			goto fail;
		}
		if (i && entry_cmp(&ix->e[i - 1], &ix->e[i]) >= 0) {
			git_fail(repo, "%s: entries out of order at '%s'", fname, ix->e[i].path);
			goto fail;
		}
	}
	return 0;
fail:
	free(offs);
	free(del);
	free(rep);
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
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = errno == ENOENT ? 1 : git_fail(repo, "cannot read '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return r;
	}
	map = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (map == MAP_FAILED) {
		r = git_fail(repo, "cannot map '%s': %s", path, strerror(errno));
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
