/* sha: FIPS 180-4 test vectors through git_hash for SHA-1 and SHA-256, whole and in pieces. */
#include "git/git_hash.h"
#include "tap.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void
check(const char *msg, size_t repeat, const char *want1, const char *want256, const char *name)
{
	struct git_hash_ctx c1, c2;
	unsigned char d1[20], d2[32];
	char h[65];
	size_t i, n = strlen(msg);

	git_hash_init(&c1, GIT_HASH_SHA1);
	git_hash_init(&c2, GIT_HASH_SHA256);
	for (i = 0; i < repeat; i++) {
		git_hash_update(&c1, msg, n);
		git_hash_update(&c2, msg, n);
	}
	git_hash_final(&c1, d1);
	git_hash_final(&c2, d2);
	hex(d1, 20, h);
	is_str(h, want1, "sha1 %s", name);
	hex(d2, 32, h);
	is_str(h, want256, "sha256 %s", name);
}

int
main(void)
{
	static const char *s448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	unsigned char buf[1000], whole[20], pieces[20], w2[32], p2[32];
	size_t i, step;

	check("", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
	check("abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d",
	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
	check(s448, 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits");
	check("a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "a million a");
	check("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrl"
	      "mnopqrsmnopqrstnopqrstu",
	      1, "a49b2446a02c645bf419f995b67091253a04a259",
	      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1", "896 bits");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (step = 1; step <= 130; step += 3) {
		struct git_hash_ctx a, b, c, d;

		git_hash_init(&a, GIT_HASH_SHA1);
		git_hash_init(&b, GIT_HASH_SHA1);
		git_hash_init(&c, GIT_HASH_SHA256);
		git_hash_init(&d, GIT_HASH_SHA256);
		git_hash_update(&a, buf, sizeof(buf));
		git_hash_update(&c, buf, sizeof(buf));
		for (i = 0; i < sizeof(buf); i += step) {
			size_t n = sizeof(buf) - i < step ? sizeof(buf) - i : step;

			git_hash_update(&b, buf + i, n);
			git_hash_update(&d, buf + i, n);
		}
		git_hash_final(&a, whole);
		git_hash_final(&b, pieces);
		git_hash_final(&c, w2);
		git_hash_final(&d, p2);
		if (!ok(!memcmp(whole, pieces, 20) && !memcmp(w2, p2, 32), "pieces of %zu bytes", step))
			break;
	}
	/* The x86 SHA extensions' function against the portable one, block by block. */
	if (!git_sha1_x86_usable()) {
		printf("ok %d # skip this CPU has no SHA extensions\n", ++tap_n);
	} else {
		uint32_t x[5], y[5];
		unsigned char block[64];
		unsigned seed = 12345;
		size_t k, same = 0;

		memcpy(x, git_sha1_iv, sizeof(x));
		memcpy(y, git_sha1_iv, sizeof(y));
		for (k = 0; k < 10000; k++) {
			for (i = 0; i < sizeof(block); i++)
				block[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
			git_sha1_block(x, block);
			git_sha1_block_x86(y, block);
			same += !memcmp(x, y, sizeof(x));
		}
		is_int(same, 10000, "SHA-1 on the x86 SHA extensions agrees with the portable function");
	}
	return done_testing();
}
