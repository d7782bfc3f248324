/*
 * git_objects: delta application, packs and idx files built in memory,
 * and a repository written by hand (loose objects, refs) with damaged
 * variants; every damage must give a clean error, never a crash.
 */
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git/git_int.h"
#include "tap.h"

static char top[] = "/tmp/ktstr-git-objects.XXXXXX";

/* A zlib stream of one stored block. */
static void
zstore(struct buf *z, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t a = 1, b = 0;
	size_t i;
	unsigned char h[5] = {1, (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)~n,
	                      (unsigned char)(~n >> 8)};

	buf_add(z, "\x78\x01", 2);
	buf_add(z, h, 5);
	buf_add(z, p, n);
	for (i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	buf_putc(z, (char)(b >> 8));
	buf_putc(z, (char)b);
	buf_putc(z, (char)(a >> 8));
	buf_putc(z, (char)a);
}

static void
objhdr(struct buf *b, int type, size_t size)
{
	unsigned char c = (unsigned char)(type << 4 | (size & 15));

	size >>= 4;
	while (size) {
		buf_putc(b, (char)(c | 0x80));
		c = size & 0x7f;
		size >>= 7;
	}
	buf_putc(b, (char)c);
}

static const unsigned char delta_ok[] = {11, 17, 0x90, 5, 6, ',', ' ', 'm', 'a', 'r', 's', 0x91, 5, 6};

static void
deltas(void)
{
	static const struct {
		const char *name;
		unsigned char d[16];
		size_t n;
	} bad[] = {
		{"wrong base size", {12, 5, 0x90, 5}, 4},
		{"copy beyond the base", {11, 5, 0x91, 8, 5}, 5},
		{"insert beyond the result", {11, 2, 3, 'a', 'b', 'c'}, 6},
		{"truncated insert", {11, 5, 5, 'a', 'b'}, 5},
		{"truncated copy", {11, 5, 0x91, 8}, 4},
		{"opcode 0", {11, 5, 0}, 3},
		{"result too short", {11, 6, 0x90, 5}, 4},
		{"unterminated size", {0x8b}, 1},
		{"empty", {0}, 0},
	};
	struct buf out = BUF_INIT;
	char err[200];
	size_t i;

	ok(git_delta_apply((const unsigned char *)"hello world", 11, delta_ok, sizeof(delta_ok), &out, err,
	                   sizeof(err)) == 0 &&
	           out.len == 17 && !memcmp(out.s, "hello, mars world", 17),
	   "delta: copy, insert, copy");
	for (i = 0; i < LEN(bad); i++) {
		buf_reset(&out);
		ok(git_delta_apply((const unsigned char *)"hello world", 11, bad[i].d, bad[i].n, &out, err,
		                   sizeof(err)) < 0 &&
		           out.len == 0,
		   "delta %s rejected: %s", bad[i].name, err);
	}
	buf_free(&out);
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	                      (unsigned char)v};

	buf_add(b, c, 4);
}

static void
packs(struct git_repo *repo)
{
	struct buf pack = BUF_INIT, z = BUF_INIT, out = BUF_INIT, idx = BUF_INIT;
	struct git_pack pk;
	enum git_obj_type t;
	size_t off1 = 12, off2, i, clean = 0;
	uint32_t n;
	unsigned char ofs;

	buf_add(&pack, "PACK", 4);
	put32(&pack, 2);
	put32(&pack, 2);
	objhdr(&pack, 3, 11);
	zstore(&pack, "hello world", 11);
	off2 = pack.len;
	objhdr(&pack, 6, sizeof(delta_ok));
	ofs = (unsigned char)(off2 - off1);
	buf_putc(&pack, (char)ofs);
	zstore(&pack, delta_ok, sizeof(delta_ok));
	buf_add(&pack, "01234567890123456789", 20); /* trailer (not verified) */
	memset(&pk, 0, sizeof(pk));
	pk.pack = (unsigned char *)pack.s;
	pk.packlen = pack.len;
	pk.packpath = "mem.pack";
	pk.tried = 1;
	ok(git_pack_read_at(repo, &pk, off1, &t, &out) == 0 && t == GIT_OBJ_BLOB && out.len == 11,
	   "pack: plain blob");
	buf_reset(&out);
	ok(git_pack_read_at(repo, &pk, off2, &t, &out) == 0 && t == GIT_OBJ_BLOB && out.len == 17 &&
	           !memcmp(out.s, "hello, mars world", 17),
	   "pack: OFS_DELTA applied");
	buf_reset(&out);
	ok(git_pack_read_at(repo, &pk, pack.len - 5, &t, &out) < 0, "pack: offset in the trailer: %s",
	   git_error(repo));
	{
		/* Fuzzer regression: a REF_DELTA whose base is in no object directory. */
		struct buf rp = BUF_INIT;
		struct git_pack rpk = pk;

		buf_add(&rp, "PACK\0\0\0\2\0\0\0\1", 12);
		objhdr(&rp, 7, sizeof(delta_ok));
		buf_add(&rp, "\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20\21\22\23\24", 20);
		zstore(&rp, delta_ok, sizeof(delta_ok));
		buf_add(&rp, "01234567890123456789", 20);
		rpk.pack = (unsigned char *)rp.s;
		rpk.packlen = rp.len;
		buf_reset(&out);
		ok(git_pack_read_at(repo, &rpk, 12, &t, &out) < 0 && strstr(git_error(repo), "not found"),
		   "pack: REF_DELTA with a missing base: %s", git_error(repo));
		git_odb_free(repo);
		buf_free(&rp);
	}
	for (i = 12; i < pack.len; i++) {
		struct git_pack cut = pk;

		cut.packlen = i;
		buf_reset(&out);
		/* A fresh repository each time: the base cache must not hide the damage. */
		git_odb_free(repo);
		if (git_pack_read_at(repo, &cut, off2, &t, &out) < 0)
			clean++;
	}
	is_int(clean, pack.len - 12, "pack: every truncation is rejected");
	for (i = off2; i < pack.len - 20; i++) {
		struct buf copy = BUF_INIT;
		struct git_pack bent = pk;

		buf_add(&copy, pack.s, pack.len);
		copy.s[i] ^= 0x40;
		bent.pack = (unsigned char *)copy.s;
		buf_reset(&out);
		git_odb_free(repo);
		if (git_pack_read_at(repo, &bent, off2, &t, &out) == 0 &&
		    (out.len != 17 || memcmp(out.s, "hello, mars world", 17)))
			ok(0, "pack: flipped byte %zu went unnoticed", i);
		buf_free(&copy);
	}
	ok(1, "pack: flipped bytes in the delta never crash");

	/* idx v2 for two objects with made-up names. */
	buf_add(&idx, "\377tOc", 4);
	put32(&idx, 2);
	for (i = 0; i < 256; i++)
		put32(&idx, i < 0x11 ? 0 : i < 0x22 ? 1 : 2);
	buf_add(&idx, "\x11xxxxxxxxxxxxxxxxxxx\x22yyyyyyyyyyyyyyyyyyy", 40);
	put32(&idx, 0);
	put32(&idx, 0);
	put32(&idx, 12);
	put32(&idx, 0x80000000u);
	buf_add(&idx, "\0\0\0\1\0\0\0\0", 8);
	buf_add(&idx, "0123456789012345678901234567890123456789", 40);
	ok(git_idx_check(repo, (unsigned char *)idx.s, idx.len, "mem.idx", &n) == 2 && n == 2,
	   "idx v2 with a 64-bit offset accepted");
	for (i = 0, clean = 0; i < idx.len; i++)
		if (git_idx_check(repo, (unsigned char *)idx.s, i, "mem.idx", &n) < 0 ||
		    (i >= idx.len - 8 && n == 2))
			clean++;
	is_int(clean, idx.len, "idx: truncations rejected (or only lose 64-bit offsets)");
	idx.s[8 + 4 * 0x30 + 3] = 9;
	ok(git_idx_check(repo, (unsigned char *)idx.s, idx.len, "mem.idx", &n) < 0,
	   "idx: non-monotonic fan-out rejected: %s", git_error(repo));
	buf_free(&idx);
	buf_free(&pack);
	buf_free(&z);
	buf_free(&out);
}

static void
write_file(const char *rel, const void *p, size_t n)
{
	char *path = path_join(top, rel);
	FILE *f = fopen(path, "w");

	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
	free(path);
}

/* A loose object; returns its hex id in hex. */
static void
loose(struct git_repo *repo, const char *type, const void *data, size_t n, char *hex)
{
	struct git_oid id;
	struct buf raw = BUF_INIT, z = BUF_INIT;
	char rel[128], *dir;

	git_hash_object(repo, type, data, n, &id);
	git_oid_hex(repo, &id, hex);
	buf_printf(&raw, "%s %zu", type, n);
	buf_putc(&raw, '\0');
	buf_add(&raw, data, n);
	zstore(&z, raw.s, raw.len);
	snprintf(rel, sizeof(rel), "r/.git/objects/%.2s", hex);
	dir = path_join(top, rel);
	mkdir(dir, 0777);
	free(dir);
	snprintf(rel, sizeof(rel), "r/.git/objects/%.2s/%s", hex, hex + 2);
	write_file(rel, z.s, z.len);
	buf_free(&raw);
	buf_free(&z);
}

/*
 * A loose object whose deflate stream breaks after 60000 bytes of
 * output: every read fails, and none may keep the output it grew.
 */
static void
broken_stream(struct git_repo *repo)
{
	static const char hex[] = "abababababababababababababababababababab";
	unsigned char hdr[7] = {0x78, 0x01, 0, 0x60, 0xea, 0x9f, 0x15}; /* stored, not last, 60000 */
	struct buf z = BUF_INIT;
	struct git_oid id;
	enum git_obj_type t;
	unsigned char *data = NULL;
	size_t len, i, fails = 0;
	char *dir = path_join(top, "r/.git/objects/ab"), rel[128];

	mkdir(dir, 0777);
	free(dir);
	buf_add(&z, hdr, sizeof(hdr));
	for (i = 0; i < 60000; i++)
		buf_putc(&z, i < 8 ? "blob 1\0x"[i] : 'x');
	snprintf(rel, sizeof(rel), "r/.git/objects/ab/%s", hex + 2);
	write_file(rel, z.s, z.len);
	buf_free(&z);
	git_hex_to_oid(repo, hex, &id);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	{
		struct mallinfo2 before = mallinfo2(), after;

		for (i = 0; i < 100; i++)
			fails += git_read_object(repo, &id, &t, &data, &len) < 0;
		after = mallinfo2();
		ok(after.uordblks < before.uordblks + (1 << 20),
		   "a broken stream keeps none of its output: %zu bytes more in use after 100 reads",
		   after.uordblks > before.uordblks ? after.uordblks - before.uordblks : 0);
	}
#else
	for (i = 0; i < 100; i++)
		fails += git_read_object(repo, &id, &t, &data, &len) < 0;
	printf("ok %d # skip mallinfo2 is glibc's (the sanitizer build checks leaks)\n", ++tap_n);
#endif
	is_int(fails, 100, "a broken stream fails every read: %s", git_error(repo));
}

static void
handmade(struct git_repo *scratch)
{
	char blob[65], tree[65], commit[65], hex[65], err[256], *p, *rel;
	struct buf b = BUF_INIT;
	struct git_repo *repo;
	static const char *dirs[] = {"r", "r/.git", "r/.git/objects", "r/.git/refs", "r/.git/refs/heads"};
	size_t i;
	struct git_oid id;

	for (i = 0; i < LEN(dirs); i++) {
		p = path_join(top, dirs[i]);
		mkdir(p, 0777);
		free(p);
	}
	write_file("r/.git/HEAD", "ref: refs/heads/main\n", 21);
	repo = git_open((p = path_join(top, "r")), 0, err, sizeof(err));
	free(p);
	ok(repo != NULL, "hand-made repository opens: %s", repo ? "" : err);
	if (!repo)
		return;
	ok(git_head(repo, hex) < 0, "unborn HEAD does not resolve: %s", git_error(repo));
	loose(repo, "blob", "x\n", 2, blob);
	buf_add(&b, "100644 f", 8);
	buf_putc(&b, '\0');
	git_hex_to_oid(repo, blob, &id);
	buf_add(&b, id.id, 20);
	loose(repo, "tree", b.s, b.len, tree);
	buf_reset(&b);
	buf_printf(&b, "tree %s\nauthor a <a> 1 +0000\ncommitter a <a> 1 +0000\n\nm\n", tree);
	loose(repo, "commit", b.s, b.len, commit);
	buf_reset(&b);
	buf_printf(&b, "%s\n", commit);
	write_file("r/.git/refs/heads/main", b.s, b.len);
	ok(git_head(repo, hex) == 0 && !strcmp(hex, commit), "HEAD resolves through a loose ref");
	ok(git_rev_parse(repo, "main~1", &id) < 0, "main~1 of a root commit fails: %s", git_error(repo));
	ok(git_peel(repo, &(struct git_oid){{0}}, GIT_OBJ_COMMIT, &id) < 0, "missing object: %s",
	   git_error(repo));
	write_file("r/f", "x\n", 2);
	is_int(git_dirty(repo), 0, "no index: clean");
	broken_stream(repo);
	/* A corrupt commit object: HEAD no longer resolves, with a reason. */
	rel = easprintf("r/.git/objects/%.2s/%s", commit, commit + 2);
	write_file(rel, "garbage", 7);
	free(rel);
	git_close(repo);
	repo = git_open((p = path_join(top, "r")), 0, err, sizeof(err));
	free(p);
	ok(repo && git_head(repo, hex) < 0 && strstr(git_error(repo), "bad zlib header"),
	   "corrupt loose object: %s", repo ? git_error(repo) : err);
	git_close(repo);
	write_file("r/.git/refs/heads/main", "ref: refs/heads/main\n", 21);
	repo = git_open((p = path_join(top, "r")), 0, err, sizeof(err));
	free(p);
	ok(repo && git_head(repo, hex) < 0 && strstr(git_error(repo), "too deep"),
	   "symbolic ref loop: %s", repo ? git_error(repo) : err);
	git_close(repo);
	write_file("r/.git/HEAD", "garbage\n", 8);
	repo = git_open((p = path_join(top, "r")), 0, err, sizeof(err));
	free(p);
	ok(!repo, "HEAD that does not parse: not a repository (%s)", err);
	git_close(repo);
	write_file("r/.git/HEAD", "ref: refs/heads/main\n", 21);
	write_file("r/.git/config", "[extensions]\n\tobjectFormat = sha512\n", 36);
	repo = git_open((p = path_join(top, "r")), 0, err, sizeof(err));
	free(p);
	ok(!repo && strstr(err, "sha512"), "unknown object format: %s", err);
	git_close(repo);
	(void)scratch;
	buf_free(&b);
}

int
main(int argc, char **argv)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));
	char cmd[128];

	setprogname(argv[0]);
	(void)argc;
	git_set_format(repo, GIT_HASH_SHA1);
	repo->commondir = estrdup("/nonexistent/ktstr-git-objects");
	deltas();
	packs(repo);
	if (mkdtemp(top)) {
		handmade(repo);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd) != 0)
			ok(0, "scratch removed");
	}
	git_close(repo);
	return done_testing();
}
