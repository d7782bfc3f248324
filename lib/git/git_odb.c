/*
 * git_odb: the object database.  Loose objects, packs (idx v1 and v2,
 * 64-bit offsets, delta chains of OFS_DELTA and REF_DELTA links, across
 * packs, resolved iteratively with a bounded cache of bases), alternates
 * and replace refs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_bytes.h"
#include "git_int.h"
#include "inflate.h"

/*
 * Links followed in one delta chain.  git writes chains of at most 4095
 * (its cap on pack.depth) and follows any length; this bound is only
 * there to stop a damaged pack whose bases loop.
 */
#define DELTA_MAXDEPTH 10000
#define ALTERNATES_MAXDEPTH 5
#define REPLACE_MAXDEPTH 5 /* git's MAXREPLACEDEPTH */
/* The base cache: direct-mapped by pack and offset, bounded in bytes, as git's delta base cache. */
#define CACHE_SLOTS 1024
#define CACHE_MAXBYTES ((size_t)32 << 20)
#define CACHE_OBJ_MAXBYTES ((size_t)8 << 20) /* a larger base is used once and dropped */

struct cache_ent {
	const struct git_pack *pk;
	uint64_t off;
	enum git_obj_type type;
	char *data;
	size_t len;
};

struct git_base_cache {
	struct cache_ent slot[CACHE_SLOTS];
	size_t bytes;    /* held in every slot together */
	unsigned cursor; /* where eviction for room goes on */
};

static const char *type_names[] = {"", "commit", "tree", "blob", "tag"};

static void
add_objdir(struct git_repo *repo, const char *dir, int depth)
{
	char *alt, *text, *line, *next;
	size_t i;
	struct buf b = BUF_INIT;

	for (i = 0; i < repo->nobjdirs; i++)
		if (!strcmp(repo->objdirs[i], dir))
			return;
	repo->objdirs = ereallocarray(repo->objdirs, repo->nobjdirs + 1, sizeof(*repo->objdirs));
	repo->objdirs[repo->nobjdirs++] = estrdup(dir);
	if (depth >= ALTERNATES_MAXDEPTH)
		return;
	alt = path_join(dir, "info/alternates");
	if (read_file(alt, &b, 1 << 20) < 0) {
		free(alt);
		buf_free(&b);
		return;
	}
	free(alt);
	text = buf_detach(&b);
	for (line = text; line && *line; line = next) {
		char *p, *real;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || !*line)
			continue;
		p = path_join(dir, line);
		real = realpath(p, NULL);
		free(p);
		if (real) {
			add_objdir(repo, real, depth + 1);
			free(real);
		}
	}
	free(text);
}

static void
load_objdirs(struct git_repo *repo)
{
	char *objects;

	if (repo->objdirs_loaded)
		return;
	repo->objdirs_loaded = 1;
	objects = path_join(repo->commondir, "objects");
	add_objdir(repo, objects, 0);
	free(objects);
}

static const unsigned char *
map_file(const char *path, size_t *len)
{
	int fd = open_input_at(AT_FDCWD, path, 0);
	struct stat st;
	void *p;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

int
git_idx_check(struct git_repo *repo, const unsigned char *p, size_t len, const char *fname,
              uint32_t *nobjects)
{
	const unsigned char *fan;
	size_t rawsz = repo->rawsz, fixed;
	uint32_t i, prev = 0, n;
	int version = 1;

	if (len >= 8 && git_be32(p) == 0xff744f63) {
		version = (int)git_be32(p + 4);
		if (version != 2)
			return git_fail(repo, "%s: unsupported idx version %d", fname, version);
		fan = p + 8;
	} else {
		fan = p;
	}
	if (len < (size_t)(fan - p) + 1024)
		return git_fail(repo, "%s: truncated fan-out table at offset %zu", fname, (size_t)(fan - p));
	for (i = 0; i < 256; i++) {
		uint32_t v = git_be32(fan + 4 * i);

		if (v < prev)
			return git_fail(repo, "%s: fan-out not monotonic at offset %zu", fname,
			                (size_t)(fan - p) + 4 * i);
		prev = v;
	}
	n = prev;
	/* n < 2^32 and rawsz + 8 <= 40, so the products fit a 64-bit size_t. */
	if (version == 2)
		fixed = 8 + 1024 + (size_t)n * (rawsz + 8) + 2 * rawsz;
	else
		fixed = 1024 + (size_t)n * (rawsz + 4) + 2 * rawsz;
	if (len < fixed || (version == 1 && len != fixed) || (len - fixed) % 8)
		return git_fail(repo, "%s: size %zu does not fit %u objects", fname, len, n);
	*nobjects = n;
	return version;
}

static void
load_packs(struct git_repo *repo)
{
	size_t d;

	if (repo->packs_loaded)
		return;
	repo->packs_loaded = 1;
	load_objdirs(repo);
	for (d = 0; d < repo->nobjdirs; d++) {
		char *packdir = path_join(repo->objdirs[d], "pack");
		DIR *dir = opendir(packdir);
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			size_t nl = strlen(de->d_name);
			struct git_pack pk;
			int v;

			if (nl < 5 || strcmp(de->d_name + nl - 4, ".idx") != 0)
				continue;
			memset(&pk, 0, sizeof(pk));
			pk.idxpath = path_join(packdir, de->d_name);
			pk.idx = map_file(pk.idxpath, &pk.idxlen);
			v = pk.idx ? git_idx_check(repo, pk.idx, pk.idxlen, pk.idxpath, &pk.n) : -1;
			if (v < 0) {
				/* A damaged pack is skipped; its objects are then missing. */
				if (pk.idx)
					munmap((void *)pk.idx, pk.idxlen);
				free(pk.idxpath);
				continue;
			}
			pk.version = v;
			pk.mapped = 1;
			if (v == 2)
				pk.n64 = (pk.idxlen - (8 + 1024 + (size_t)pk.n * (repo->rawsz + 8) +
				                       2 * repo->rawsz)) / 8;
			pk.packpath = easprintf("%.*s.pack", (int)(strlen(pk.idxpath) - 4), pk.idxpath);
			repo->packs = ereallocarray(repo->packs, repo->npacks + 1, sizeof(*repo->packs));
			repo->packs[repo->npacks++] = pk;
		}
		if (dir)
			closedir(dir);
		free(packdir);
	}
}

static const unsigned char *
idx_name(const struct git_repo *repo, const struct git_pack *pk, uint32_t i)
{
	if (pk->version == 2)
		return pk->idx + 8 + 1024 + (size_t)i * repo->rawsz;
	return pk->idx + 1024 + (size_t)i * (repo->rawsz + 4) + 4;
}

static const unsigned char *
idx_fan(const struct git_pack *pk)
{
	return pk->version == 2 ? pk->idx + 8 : pk->idx;
}

/* First index i in [0, n] whose name is >= key[0..keylen). */
static uint32_t
idx_lower(const struct git_repo *repo, const struct git_pack *pk, const unsigned char *key,
          size_t keylen)
{
	const unsigned char *fan = idx_fan(pk);
	uint32_t lo = key[0] ? git_be32(fan + 4 * (key[0] - 1)) : 0, hi = git_be32(fan + 4 * key[0]);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(idx_name(repo, pk, mid), key, keylen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
idx_offset(struct git_repo *repo, const struct git_pack *pk, uint32_t i, uint64_t *off)
{
	uint32_t v;

	if (pk->version == 1) {
		*off = git_be32(pk->idx + 1024 + (size_t)i * (repo->rawsz + 4));
		return 0;
	}
	v = git_be32(pk->idx + 8 + 1024 + (size_t)pk->n * (repo->rawsz + 4) + 4 * (size_t)i);
	if (!(v & 0x80000000u)) {
		*off = v;
		return 0;
	}
	v &= 0x7fffffffu;
	if (v >= pk->n64)
		return git_fail(repo, "%s: 64-bit offset index %u out of range", pk->idxpath, v);
	{
		const unsigned char *q = pk->idx + 8 + 1024 + (size_t)pk->n * (repo->rawsz + 8) + 8 * (size_t)v;

		*off = git_be64(q);
	}
	return 0;
}

int
git_pack_check(struct git_repo *repo, struct git_pack *pk)
{
	if (!pk->tried) {
		pk->tried = 1;
		if (!pk->pack && pk->packpath)
			pk->pack = map_file(pk->packpath, &pk->packlen);
	}
	if (!pk->pack)
		return git_fail(repo, "cannot map '%s'", pk->packpath ? pk->packpath : "pack");
	if (pk->packlen < 12 + repo->rawsz || memcmp(pk->pack, "PACK", 4) != 0 ||
	    (git_be32(pk->pack + 4) != 2 && git_be32(pk->pack + 4) != 3))
		return git_fail(repo, "%s: bad pack header at offset 0", pk->packpath);
	if (pk->idx && git_be32(pk->pack + 8) != pk->n)
		return git_fail(repo, "%s: object count %u does not match its idx (%u)", pk->packpath,
		                git_be32(pk->pack + 8), pk->n);
	return 0;
}

/* A delta header size: little-endian base-128. */
static int
delta_size(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	unsigned shift = 0;

	*out = 0;
	do {
		if (p == end || shift > 63) {
			*pp = p;
			return -1;
		}
		*out |= (uint64_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	*pp = p;
	return 0;
}

/* A copy instruction's offset and size: the bytes its bits 0-3 and 4-6 say are present. */
static int
delta_copy(const unsigned char **pp, const unsigned char *end, unsigned cmd, uint64_t *off,
           uint64_t *n)
{
	const unsigned char *p = *pp;
	int i;

	*off = *n = 0;
	for (i = 0; i < 7; i++) {
		if (!(cmd & (1u << i)))
			continue;
		if (p == end)
			return -1;
		if (i < 4)
			*off |= (uint64_t)*p++ << (8 * i);
		else
			*n |= (uint64_t)*p++ << (8 * (i - 4));
	}
	if (*n == 0)
		*n = 0x10000;
	*pp = p;
	return 0;
}

int
git_delta_apply(const unsigned char *base, size_t baselen, const unsigned char *delta,
                size_t deltalen, struct buf *out, char *err, size_t errlen)
{
	const unsigned char *p = delta, *end = delta + deltalen;
	uint64_t basesz, resultsz;
	size_t start = out->len, want;

	if (delta_size(&p, end, &basesz) < 0 || delta_size(&p, end, &resultsz) < 0) {
		snprintf(err, errlen, "bad delta header at offset %zu", (size_t)(p - delta));
		return -1;
	}
	if (basesz != baselen) {
		snprintf(err, errlen, "delta base size %llu does not match the base (%zu)",
		         (unsigned long long)basesz, baselen);
		return -1;
	}
	if (resultsz > SIZE_MAX / 2) {
		snprintf(err, errlen, "delta result size %llu too large", (unsigned long long)resultsz);
		return -1;
	}
	want = (size_t)resultsz;
	/* Every output byte costs at least 1/0x10000 of an instruction byte. */
	buf_grow(out, want < deltalen * 0x10000 ? want : deltalen);
	while (p < end) {
		unsigned cmd = *p++;
		size_t have = out->len - start;
		uint64_t off, n;

		if (cmd & 0x80) {
			if (delta_copy(&p, end, cmd, &off, &n) < 0)
				goto trunc;
			if (off > baselen || n > baselen - off || n > want - have) {
				snprintf(err, errlen, "delta copy out of range at offset %zu",
				         (size_t)(p - delta));
				goto fail;
			}
			buf_add(out, base + off, (size_t)n);
		} else if (cmd) {
			if ((size_t)(end - p) < cmd)
				goto trunc;
			if (cmd > want - have) {
				snprintf(err, errlen, "delta insert overflows the result at offset %zu",
				         (size_t)(p - delta));
				goto fail;
			}
			buf_add(out, p, cmd);
			p += cmd;
		} else {
			snprintf(err, errlen, "reserved delta opcode 0 at offset %zu", (size_t)(p - 1 - delta));
			goto fail;
		}
	}
	if (out->len - start != want) {
		snprintf(err, errlen, "delta result is %zu bytes, expected %zu", out->len - start, want);
		goto fail;
	}
	return 0;
trunc:
	snprintf(err, errlen, "truncated delta at offset %zu", (size_t)(p - delta));
fail:
	out->len = start;
	if (out->s)
		out->s[start] = '\0';
	return -1;
}

struct objhdr {
	int type; /* 1-4, 6 OFS_DELTA, 7 REF_DELTA */
	uint64_t size;
	uint64_t base_off;  /* OFS_DELTA */
	struct git_oid base; /* REF_DELTA */
	size_t data;        /* offset of the zlib stream */
};

static int
parse_hdr(struct git_repo *repo, const struct git_pack *pk, uint64_t off, struct objhdr *h)
{
	const unsigned char *p = pk->pack, *end = pk->pack + pk->packlen - repo->rawsz;
	const unsigned char *q;
	unsigned shift = 4, c;

	if (off < 12 || off >= (uint64_t)(end - p))
		return git_fail(repo, "%s: object offset %llu out of range", pk->packpath,
		                (unsigned long long)off);
	q = p + off;
	c = *q++;
	h->type = (c >> 4) & 7;
	h->size = c & 15;
	while (c & 0x80) {
		if (q == end || shift > 57)
			return git_fail(repo, "%s: bad object header at offset %llu", pk->packpath,
			                (unsigned long long)off);
		c = *q++;
		h->size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (h->type == 6) {
		uint64_t rel;

		if (q == end)
			goto bad;
		c = *q++;
		rel = c & 127;
		while (c & 128) {
			if (q == end || rel >= (UINT64_MAX >> 7) - 1)
				goto bad;
			c = *q++;
			rel = ((rel + 1) << 7) | (c & 127);
		}
		if (rel == 0 || rel > off - 12)
			goto bad;
		h->base_off = off - rel;
	} else if (h->type == 7) {
		if ((size_t)(end - q) < repo->rawsz)
			goto bad;
		memset(&h->base, 0, sizeof(h->base));
		memcpy(h->base.id, q, repo->rawsz);
		q += repo->rawsz;
	} else if (h->type < 1 || h->type > 4) {
		return git_fail(repo, "%s: bad object type %d at offset %llu", pk->packpath, h->type,
		                (unsigned long long)off);
	}
	h->data = (size_t)(q - p);
	return 0;
bad:
	return git_fail(repo, "%s: bad delta base reference at offset %llu", pk->packpath,
	                (unsigned long long)off);
}

static int
unpack_data(struct git_repo *repo, const struct git_pack *pk, const struct objhdr *h, uint64_t off,
            struct buf *out)
{
	char err[200];
	size_t used, start = out->len;
	size_t avail = pk->packlen - repo->rawsz - h->data;

	if (h->size > SIZE_MAX / 2)
		return git_fail(repo, "%s: object at offset %llu too large", pk->packpath,
		                (unsigned long long)off);
	if (git_inflate(pk->pack + h->data, avail, out, (size_t)h->size, &used, err, sizeof(err)) < 0)
		return git_fail(repo, "%s: object at offset %llu: %s", pk->packpath,
		                (unsigned long long)off, err);
	if (out->len - start != h->size) {
		out->len = start;
		return git_fail(repo, "%s: object at offset %llu: size mismatch", pk->packpath,
		                (unsigned long long)off);
	}
	return 0;
}

static struct cache_ent *
cache_slot(struct git_repo *repo, const struct git_pack *pk, uint64_t off)
{
	uint64_t h = (off ^ (uint64_t)(uintptr_t)pk) * 0x9e3779b97f4a7c15ull;

	if (!repo->cache)
		repo->cache = ecalloc(1, sizeof(*repo->cache));
	return &repo->cache->slot[h >> 54];
}

static void
cache_drop(struct git_base_cache *c, struct cache_ent *e)
{
	c->bytes -= e->len;
	free(e->data);
	e->data = NULL;
	e->len = 0;
}

/* Hand b (the object at pk, off) to the cache; b is left empty. */
static void
cache_take(struct git_repo *repo, const struct git_pack *pk, uint64_t off, enum git_obj_type type,
           struct buf *b)
{
	struct cache_ent *e;
	struct git_base_cache *c;

	if (b->len > CACHE_OBJ_MAXBYTES) {
		buf_reset(b);
		return;
	}
	e = cache_slot(repo, pk, off);
	c = repo->cache;
	if (e->data)
		cache_drop(c, e);
	while (c->bytes + b->len > CACHE_MAXBYTES) {
		struct cache_ent *v = &c->slot[c->cursor++ % CACHE_SLOTS];

		if (v->data)
			cache_drop(c, v);
	}
	e->pk = pk;
	e->off = off;
	e->type = type;
	e->len = b->len;
	e->data = buf_detach(b);
	c->bytes += e->len;
}

static void
cache_free(struct git_repo *repo)
{
	size_t i;

	if (repo->cache)
		for (i = 0; i < CACHE_SLOTS; i++)
			free(repo->cache->slot[i].data);
	free(repo->cache);
	repo->cache = NULL;
}

static int read_loose_any(struct git_repo *repo, const struct git_oid *id, enum git_obj_type *type,
                          struct buf *out);
static int find_packed(struct git_repo *repo, const struct git_oid *id, struct git_pack **pk,
                       uint64_t *off);

/* One link of a delta chain: the delta object's place. */
struct link {
	struct git_pack *pk;
	uint64_t off;
};

/* A delta chain from the requested object down to its base. */
struct chain {
	struct link *d; /* the deltas, outermost first */
	size_t n, cap;
	struct buf base;    /* the base, then each delta's result in turn */
	enum git_obj_type type;
	struct link at;     /* where the base is; pk NULL when it is not a pack object */
};

static void
chain_push(struct chain *c, struct git_pack *pk, uint64_t off)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->d = ereallocarray(c->d, c->cap, sizeof(*c->d));
	}
	c->d[c->n].pk = pk;
	c->d[c->n++].off = off;
}

/* A REF_DELTA's base: in a pack (the chain goes on there), else a loose object (it ends). */
static int
ref_base(struct git_repo *repo, const struct objhdr *h, struct link *next, struct chain *c)
{
	char hex[GIT_MAX_HEXSZ + 1];
	int r = find_packed(repo, &h->base, &next->pk, &next->off);

	if (r != 0)
		return r < 0 ? -1 : 1;
	r = read_loose_any(repo, &h->base, &c->type, &c->base);
	if (r > 0)
		return git_fail(repo, "REF_DELTA base %s not found", git_oid_hex(repo, &h->base, hex));
	return r;
}

/*
 * Follow the deltas at (pk, off) down to a cached object, a whole one in
 * a pack, or a loose one a REF_DELTA names, pushing every delta met.
 */
static int
chain_down(struct git_repo *repo, struct git_pack *pk, uint64_t off, struct chain *c)
{
	struct link cur = {pk, off};
	struct objhdr h;
	int r;

	for (;;) {
		struct cache_ent *e = cache_slot(repo, cur.pk, cur.off);

		if (e->data && e->pk == cur.pk && e->off == cur.off) {
			c->type = e->type;
			buf_add(&c->base, e->data, e->len);
			return 0; /* already cached: at stays empty */
		}
		if ((cur.pk != pk && git_pack_check(repo, cur.pk) < 0) || parse_hdr(repo, cur.pk, cur.off, &h) < 0)
			return -1;
		if (h.type <= 4) {
			c->type = (enum git_obj_type)h.type;
			c->at = cur;
			return unpack_data(repo, cur.pk, &h, cur.off, &c->base);
		}
		if (c->n == DELTA_MAXDEPTH)
			return git_fail(repo, "%s: delta chain longer than %d at offset %llu", pk->packpath,
			                DELTA_MAXDEPTH, (unsigned long long)off);
		chain_push(c, cur.pk, cur.off);
		if (h.type == 6) {
			cur.off = h.base_off;
		} else if ((r = ref_base(repo, &h, &cur, c)) <= 0) {
			return r;
		}
	}
}

/*
 * Apply the chain's deltas, innermost first.  Each base, once used,
 * goes to the cache: the next object of the same chain starts there.
 */
static int
chain_up(struct git_repo *repo, struct chain *c)
{
	struct buf next = BUF_INIT, delta = BUF_INIT;
	struct objhdr h;
	int r = -1;

	while (c->n--) {
		const struct link *d = &c->d[c->n];
		char err[200];

		buf_reset(&delta);
		if (parse_hdr(repo, d->pk, d->off, &h) < 0 || unpack_data(repo, d->pk, &h, d->off, &delta) < 0)
			goto out;
		buf_reset(&next);
		if (git_delta_apply((unsigned char *)c->base.s, c->base.len, (unsigned char *)delta.s,
		                    delta.len, &next, err, sizeof(err)) < 0) {
			git_fail(repo, "%s: delta at offset %llu: %s", d->pk->packpath,
			         (unsigned long long)d->off, err);
			goto out;
		}
		if (c->at.pk)
			cache_take(repo, c->at.pk, c->at.off, c->type, &c->base);
		buf_free(&c->base);
		c->base = next;
		next = (struct buf)BUF_INIT;
		c->at = *d;
	}
	r = 0;
out:
	buf_free(&next);
	buf_free(&delta);
	return r;
}

int
git_pack_read_at(struct git_repo *repo, struct git_pack *pk, uint64_t off, enum git_obj_type *type,
                 struct buf *out)
{
	struct chain c = {NULL, 0, 0, BUF_INIT, GIT_OBJ_NONE, {NULL, 0}};
	int r = -1;

	if (git_pack_check(repo, pk) == 0 && chain_down(repo, pk, off, &c) == 0 && chain_up(repo, &c) == 0) {
		buf_add(out, c.base.s, c.base.len);
		*type = c.type;
		r = 0;
	}
	free(c.d);
	buf_free(&c.base);
	return r;
}

/* "type size\0" at the start of an inflated loose object: the data's offset, or 0. */
static size_t
loose_header(const struct buf *obj, enum git_obj_type *type)
{
	char *nul = obj->len ? memchr(obj->s, '\0', obj->len < 32 ? obj->len : 32) : NULL;
	char *sp = nul ? memchr(obj->s, ' ', (size_t)(nul - obj->s)) : NULL;
	uint64_t size;
	int t;

	if (!sp)
		return 0;
	*sp = '\0';
	for (t = 1; t <= 4 && strcmp(obj->s, type_names[t]) != 0; t++)
		;
	if (t > 4 || parse_u64(sp + 1, UINT64_MAX, &size) < 0 ||
	    size != obj->len - (size_t)(nul + 1 - obj->s))
		return 0;
	*type = (enum git_obj_type)t;
	return (size_t)(nul + 1 - obj->s);
}

/* 0, 1 when path does not exist, -1 for an unreadable or damaged object. */
static int
read_loose(struct git_repo *repo, const char *path, enum git_obj_type *type, struct buf *out)
{
	struct buf raw = BUF_INIT, obj = BUF_INIT;
	char err[200];
	size_t used, start;
	int r = -1;

	if (read_file(path, &raw, 0) < 0) {
		r = errno == ENOENT ? 1 : git_fail(repo, "cannot read '%s': %s", path, error_text(errno));
	} else if (git_inflate((unsigned char *)raw.s, raw.len, &obj, SIZE_MAX / 2, &used, err,
	                       sizeof(err)) < 0) {
		git_fail(repo, "%s: %s", path, err);
	} else if ((start = loose_header(&obj, type)) == 0) {
		git_fail(repo, "%s: bad object header at offset 0", path);
	} else {
		buf_add(out, obj.s + start, obj.len - start);
		r = 0;
	}
	buf_free(&raw);
	buf_free(&obj);
	return r;
}

/* Where id is packed: 1 with its pack and offset, 0 when in no pack, -1 for a damaged idx. */
static int
find_packed(struct git_repo *repo, const struct git_oid *id, struct git_pack **pk, uint64_t *off)
{
	size_t i;

	load_packs(repo);
	for (i = 0; i < repo->npacks; i++) {
		struct git_pack *p = &repo->packs[i];
		uint32_t k = idx_lower(repo, p, id->id, repo->rawsz);

		if (k < p->n && !memcmp(idx_name(repo, p, k), id->id, repo->rawsz)) {
			*pk = p;
			return idx_offset(repo, p, k, off) < 0 ? -1 : 1;
		}
	}
	return 0;
}

/* id as a loose object in any object directory: 0, 1 when in none, -1. */
static int
read_loose_any(struct git_repo *repo, const struct git_oid *id, enum git_obj_type *type,
               struct buf *out)
{
	char hex[GIT_MAX_HEXSZ + 1], rel[GIT_MAX_HEXSZ + 2];
	size_t d;

	load_objdirs(repo);
	git_oid_hex(repo, id, hex);
	snprintf(rel, sizeof(rel), "%.2s/%s", hex, hex + 2);
	for (d = 0; d < repo->nobjdirs; d++) {
		char *path = path_join(repo->objdirs[d], rel);
		int r = read_loose(repo, path, type, out);

		free(path);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int
read_object(struct git_repo *repo, const struct git_oid *id, enum git_obj_type *type, struct buf *out)
{
	char hex[GIT_MAX_HEXSZ + 1];
	struct git_pack *pk;
	uint64_t off;
	int r = find_packed(repo, id, &pk, &off);

	if (r != 0)
		return r < 0 ? -1 : git_pack_read_at(repo, pk, off, type, out);
	r = read_loose_any(repo, id, type, out);
	return r <= 0 ? r : git_fail(repo, "object %s not found", git_oid_hex(repo, id, hex));
}

int
git_read_object(struct git_repo *repo, const struct git_oid *id, enum git_obj_type *type,
                unsigned char **data, size_t *len)
{
	struct buf b = BUF_INIT;
	struct git_oid cur = *id, next;
	char hex[GIT_MAX_HEXSZ + 1];
	int depth;

	/* Replacements chain, as in git, to a bounded depth. */
	for (depth = 0; git_replace_lookup(repo, &cur, &next) > 0; depth++) {
		if (depth == REPLACE_MAXDEPTH)
			return git_fail(repo, "replace depth too high for object %s", git_oid_hex(repo, id, hex));
		cur = next;
	}
	if (read_object(repo, &cur, type, &b) < 0) {
		buf_free(&b);
		return -1;
	}
	buf_grow(&b, 0);
	*len = b.len;
	*data = (unsigned char *)buf_detach(&b);
	return 0;
}

int
git_odb_has_prefix(struct git_repo *repo, const char *hex, size_t hexlen, struct git_oid *found,
                   size_t maxfound, size_t *nfound)
{
	unsigned char key[GIT_MAX_RAWSZ] = {0};
	size_t i, d, n = 0, full = hexlen / 2;

	for (i = 0; i < hexlen; i++) {
		int v = git_hexval((unsigned char)hex[i]);

		if (v < 0)
			return -1;
		key[i / 2] |= (unsigned char)(i % 2 ? v : v << 4);
	}
	load_packs(repo);
	for (i = 0; i < repo->npacks; i++) {
		struct git_pack *pk = &repo->packs[i];
		uint32_t k = idx_lower(repo, pk, key, full + (hexlen % 2));

		for (; k < pk->n; k++) {
			const unsigned char *name = idx_name(repo, pk, k);
			size_t j;

			if (memcmp(name, key, full) || (hexlen % 2 && (name[full] & 0xf0) != key[full]))
				break;
			for (j = 0; j < n && memcmp(found[j].id, name, repo->rawsz); j++)
				;
			if (j == n && n < maxfound) {
				memset(&found[n], 0, sizeof(found[n]));
				memcpy(found[n++].id, name, repo->rawsz);
			}
		}
	}
	for (d = 0; d < repo->nobjdirs; d++) {
		char sub[3] = {(char)tolower((unsigned char)hex[0]), (char)tolower((unsigned char)hex[1])};
		char *path = path_join(repo->objdirs[d], sub), full_hex[GIT_MAX_HEXSZ + 1];
		DIR *dir = opendir(path);
		struct dirent *de;

		free(path);
		while (dir && (de = readdir(dir))) {
			struct git_oid id;
			size_t j;

			if (strlen(de->d_name) != repo->rawsz * 2 - 2 ||
			    strncasecmp(de->d_name, hex + 2, hexlen - 2) != 0)
				continue;
			memcpy(full_hex, sub, 2);
			memcpy(full_hex + 2, de->d_name, repo->rawsz * 2 - 2 + 1);
			if (git_hex_to_oid(repo, full_hex, &id) < 0)
				continue;
			for (j = 0; j < n && !git_oid_eq(repo, &found[j], &id); j++)
				;
			if (j == n && n < maxfound)
				found[n++] = id;
		}
		if (dir)
			closedir(dir);
	}
	*nfound = n;
	return 0;
}

void
git_odb_free(struct git_repo *repo)
{
	size_t i;

	for (i = 0; i < repo->npacks; i++) {
		struct git_pack *pk = &repo->packs[i];

		if (pk->mapped) {
			munmap((void *)pk->idx, pk->idxlen);
			if (pk->pack)
				munmap((void *)pk->pack, pk->packlen);
		}
		free(pk->idxpath);
		free(pk->packpath);
	}
	free(repo->packs);
	for (i = 0; i < repo->nobjdirs; i++)
		free(repo->objdirs[i]);
	free(repo->objdirs);
	cache_free(repo);
	free(repo->shallow);
	repo->shallow = NULL;
	repo->nshallow = 0;
	repo->shallow_loaded = 0;
	repo->packs = NULL;
	repo->objdirs = NULL;
	repo->cache = NULL;
	repo->npacks = repo->nobjdirs = 0;
	repo->packs_loaded = repo->objdirs_loaded = 0;
}

int
git_peel(struct git_repo *repo, const struct git_oid *id, enum git_obj_type want, struct git_oid *out)
{
	struct git_oid cur = *id;
	int depth;

	for (depth = 0; depth < 64; depth++) {
		unsigned char *data;
		size_t len;
		enum git_obj_type t;
		char hex[GIT_MAX_HEXSZ + 1];
		const char *key;

		if (git_read_object(repo, &cur, &t, &data, &len) < 0)
			return -1;
		if (t == want) {
			free(data);
			*out = cur;
			return 0;
		}
		key = t == GIT_OBJ_TAG ? "object " : t == GIT_OBJ_COMMIT && want == GIT_OBJ_TREE ? "tree " : NULL;
		if (!key || len < strlen(key) + repo->rawsz * 2 || memcmp(data, key, strlen(key)) ||
		    git_hex_to_oid(repo, (char *)data + strlen(key), &cur) < 0) {
			free(data);
			return git_fail(repo, "object %s is a %s, not a %s", git_oid_hex(repo, &cur, hex),
			                type_names[t], type_names[want]);
		}
		free(data);
	}
	return git_fail(repo, "tags nested too deep");
}

static int
oid_qcmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct git_oid));
}

/* The shallow file of a shallow clone: one id per line. */
static void
load_shallow(struct git_repo *repo)
{
	char *path, *s, *line, *next;
	struct buf b = BUF_INIT;

	if (repo->shallow_loaded)
		return;
	repo->shallow_loaded = 1;
	path = path_join(repo->commondir, "shallow");
	if (read_file(path, &b, 0) == 0) {
		s = buf_detach(&b);
		for (line = s; line && *line; line = next) {
			struct git_oid id;

			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (strlen(line) != repo->rawsz * 2 || git_hex_to_oid(repo, line, &id) < 0)
				continue;
			repo->shallow = ereallocarray(repo->shallow, repo->nshallow + 1, sizeof(id));
			repo->shallow[repo->nshallow++] = id;
		}
		free(s);
		if (repo->nshallow)
			qsort(repo->shallow, repo->nshallow, sizeof(*repo->shallow), oid_qcmp);
	}
	buf_free(&b);
	free(path);
}

int
git_read_commit(struct git_repo *repo, const struct git_oid *id, struct git_commit *c)
{
	unsigned char *data;
	size_t len;
	enum git_obj_type t;
	const char *s, *end;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t hexsz = repo->rawsz * 2;

	memset(c, 0, sizeof(*c));
	if (git_read_object(repo, id, &t, &data, &len) < 0)
		return -1;
	git_oid_hex(repo, id, hex);
	if (t != GIT_OBJ_COMMIT) {
		free(data);
		return git_fail(repo, "object %s is a %s, not a commit", hex, type_names[t]);
	}
	s = (char *)data;
	end = s + len;
	if (len < 5 + hexsz + 1 || memcmp(s, "tree ", 5) || git_hex_to_oid(repo, s + 5, &c->tree) < 0 ||
	    s[5 + hexsz] != '\n')
		goto bad;
	s += 5 + hexsz + 1;
	load_shallow(repo);
	if (repo->nshallow &&
	    bsearch(id, repo->shallow, repo->nshallow, sizeof(*repo->shallow), oid_qcmp)) {
		/* A shallow clone's boundary: its parents are not in the repository. */
		c->shallow = 1;
		while ((size_t)(end - s) >= 7 + hexsz + 1 && !memcmp(s, "parent ", 7))
			s += 7 + hexsz + 1;
	}
	while ((size_t)(end - s) >= 7 + hexsz + 1 && !memcmp(s, "parent ", 7)) {
		c->parents = ereallocarray(c->parents, c->nparents + 1, sizeof(*c->parents));
		if (git_hex_to_oid(repo, s + 7, &c->parents[c->nparents]) < 0 || s[7 + hexsz] != '\n')
			goto bad;
		c->nparents++;
		s += 7 + hexsz + 1;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl || nl == s)
			break;
		if ((size_t)(nl - s) > 10 && !memcmp(s, "committer ", 10)) {
			const char *gt = nl;

			while (gt > s && *gt != '>')
				gt--;
			if (*gt == '>')
				c->time = strtoll(gt + 1, NULL, 10);
			break;
		}
		s = nl + 1;
	}
	free(data);
	return 0;
bad:
	free(data);
	git_commit_free(c);
	return git_fail(repo, "commit %s: malformed header", hex);
}

void
git_commit_free(struct git_commit *c)
{
	free(c->parents);
	c->parents = NULL;
	c->nparents = 0;
}
