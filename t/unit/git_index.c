/*
 * git_index: index files built byte by byte (versions 2, 3, 4, extended
 * flags, TREE, optional and required extensions), and damaged ones:
 * every truncation and garbage must give an error naming file and offset.
 */
#include "git/git_int.h"
#include "tap.h"

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	                      (unsigned char)v};

	buf_add(b, c, 4);
}

static void
entry(struct buf *b, int version, const char *path, const char *prev, uint16_t xflags, unsigned char idbyte)
{
	size_t start = b->len, n = strlen(path), i;
	unsigned char id[20];
	uint16_t flags = (uint16_t)(n < 0xfff ? n : 0xfff) | (xflags ? 0x4000 : 0);

	for (i = 0; i < 10; i++)
		put32(b, i == 6 ? 0100644 : (uint32_t)i);
	memset(id, idbyte, sizeof(id));
	buf_add(b, id, 20);
	buf_putc(b, (char)(flags >> 8));
	buf_putc(b, (char)flags);
	if (xflags) {
		buf_putc(b, (char)(xflags >> 8));
		buf_putc(b, (char)xflags);
	}
	if (version == 4) {
		size_t common = 0, plen = strlen(prev);

		while (common < plen && common < n && prev[common] == path[common])
			common++;
		buf_putc(b, (char)(plen - common)); /* < 128 in these tests */
		buf_puts(b, path + common);
		buf_putc(b, '\0');
	} else {
		buf_puts(b, path);
		do
			buf_putc(b, '\0');
		while ((b->len - start) % 8);
	}
}

static void
finish(struct buf *b)
{
	struct git_hash_ctx c;
	unsigned char sum[20];

	git_hash_init(&c, GIT_HASH_SHA1);
	git_hash_update(&c, b->s, b->len);
	git_hash_final(&c, sum);
	buf_add(b, sum, 20);
}

static void
build(struct buf *b, int version, int ext)
{
	static const char *paths[] = {"a", "dir/b", "dir/c", "dir/sub/d", "z"};
	size_t i;

	buf_reset(b);
	buf_add(b, "DIRC", 4);
	put32(b, (uint32_t)version);
	put32(b, LEN(paths));
	for (i = 0; i < LEN(paths); i++)
		entry(b, version, paths[i], i ? paths[i - 1] : "",
		      version >= 3 && i == 2 ? GIT_IE_INTENT_TO_ADD | GIT_IE_SKIP_WORKTREE : 0,
		      (unsigned char)(i + 1));
	if (ext & 1) {
		/* TREE: root valid with one subtree "dir" invalid. */
		static const char t[] = "\0" "5 1\n" "AAAAAAAAAAAAAAAAAAAA" "dir\0" "-1 1\n" "sub\0" "1 0\n"
		                        "BBBBBBBBBBBBBBBBBBBB";

		buf_add(b, "TREE", 4);
		put32(b, sizeof(t) - 1);
		buf_add(b, t, sizeof(t) - 1);
	}
	if (ext & 2) {
		buf_add(b, "ZZZZ", 4);
		put32(b, 3);
		buf_add(b, "abc", 3);
	}
	if (ext & 4) {
		buf_add(b, "zzzz", 4);
		put32(b, 0);
	}
	finish(b);
}

static int
parse(struct git_repo *repo, struct buf *b, size_t len, int verify, struct git_index *ix)
{
	return git_index_parse(repo, (unsigned char *)b->s, len, "index", NULL, verify, ix);
}

int
main(int argc, char **argv)
{
	struct git_repo *repo = ecalloc(1, sizeof(*repo));
	struct buf b = BUF_INIT;
	struct git_index ix;
	int v;
	size_t i, clean;

	setprogname(argv[0]);
	(void)argc;
	git_set_format(repo, GIT_HASH_SHA1);
	for (v = 2; v <= 4; v++) {
		build(&b, v, 1 | 2);
		if (!ok(parse(repo, &b, b.len, 1, &ix) == 0, "version %d parses: %s", v, git_error(repo)))
			continue;
		is_int(ix.n, 5, "version %d: five entries", v);
		is_str(ix.e[3].path, "dir/sub/d", "version %d: path of entry 3", v);
		is_int(ix.e[3].pathlen, 9, "version %d: length of entry 3", v);
		is_int(ix.e[4].oid.id[0], 5, "version %d: id of entry 4", v);
		is_int(ix.e[1].mode, 0100644, "version %d: mode", v);
		is_int(ix.e[2].xflags, v >= 3 ? GIT_IE_INTENT_TO_ADD | GIT_IE_SKIP_WORKTREE : 0,
		       "version %d: extended flags", v);
		ok(ix.tree && ix.tree->count == 5 && ix.tree->nsub == 1 && ix.tree->sub[0].count == -1 &&
		           !strcmp(ix.tree->sub[0].sub[0].name, "sub") && ix.tree->sub[0].sub[0].oid.id[0] == 'B',
		   "version %d: cache tree", v);
		git_index_free(&ix);
		/* Unchecked, a cut at an extension boundary leaves a valid index. */
		for (i = 0, clean = 0; i < b.len; i++) {
			if (parse(repo, &b, i, 0, &ix) < 0) {
				clean += strstr(git_error(repo), "offset") != NULL;
			} else {
				clean += ix.n == 5;
				git_index_free(&ix);
			}
		}
		is_int(clean, b.len, "version %d: every truncation rejected with an offset", v);
	}
	/* Fuzzer regression: a second TREE extension leaked the first. */
	build(&b, 2, 1);
	b.len -= 20;
	{
		size_t ext = 12, n = b.len;

		while (ext + 4 <= n && memcmp(b.s + ext, "TREE", 4))
			ext++;
		buf_add(&b, b.s + ext, n - ext);
	}
	finish(&b);
	ok(parse(repo, &b, b.len, 1, &ix) < 0 && strstr(git_error(repo), "second TREE"), "%s",
	   git_error(repo));
	build(&b, 2, 4);
	ok(parse(repo, &b, b.len, 1, &ix) < 0 && strstr(git_error(repo), "required extension 'zzzz'"),
	   "unknown required extension: %s", git_error(repo));
	build(&b, 2, 0);
	b.s[20] ^= 1;
	ok(parse(repo, &b, b.len, 1, &ix) < 0 && strstr(git_error(repo), "checksum"), "checksum: %s",
	   git_error(repo));
	build(&b, 2, 0);
	memset(b.s + b.len - 20, 0, 20);
	ok(parse(repo, &b, b.len, 1, &ix) == 0, "zero trailer (index.skipHash) accepted");
	git_index_free(&ix);
	build(&b, 3, 0);
	b.s[8 + 3] = (char)200;
	ok(parse(repo, &b, b.len, 0, &ix) < 0, "entry count beyond the file: %s", git_error(repo));
	build(&b, 2, 0);
	memcpy(b.s + 12 + 62, "z", 1); /* entry 0 renamed "z": out of order */
	ok(parse(repo, &b, b.len, 0, &ix) < 0 && strstr(git_error(repo), "order"), "%s", git_error(repo));
	build(&b, 2, 0);
	b.s[5] = 9;
	ok(parse(repo, &b, b.len, 0, &ix) < 0 && strstr(git_error(repo), "version"), "%s",
	   git_error(repo));
	build(&b, 4, 0);
	for (i = 12, clean = 0; i < b.len - 20; i++) {
		char saved = b.s[i];
		int k;

		for (k = 0; k < 8; k++) {
			b.s[i] = (char)(saved ^ (1 << k));
			if (parse(repo, &b, b.len, 0, &ix) == 0)
				git_index_free(&ix);
			else
				clean++;
		}
		b.s[i] = saved;
	}
	ok(clean > 0, "flipped bits: %zu rejected, none crashed", clean);
	buf_free(&b);
	git_close(repo);
	return done_testing();
}
