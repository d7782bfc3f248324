/*
 * sha1_x86: the SHA-1 compression function on the x86 SHA extensions,
 * where the CPU has them (CPUID leaf 7: EBX bit 29; SSE4.1 and SSSE3
 * besides), for hashing work tree files: a few times the portable
 * function's speed.
 *
 * The state sits in two registers, A..D (A in the high lane) and E;
 * the 80 rounds run as 20 groups of four, SHA1RNDS4 taking E plus the
 * group's four schedule words, SHA1NEXTE deriving the next group's E
 * from A four rounds back.  The schedule is kept in four registers of
 * four words each: group g's words come from groups g-4 .. g-1 through
 * SHA1MSG1, an XOR and SHA1MSG2 (FIPS 180-4 §6.1.2 step 1, four words
 * at a time).
 */
#include "git_hash.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>

int
git_sha1_x86_usable(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}

/* Four rounds with function f (0..3: Ch, Parity, Maj, Parity); the constant is rounds4's. */
#define ROUNDS4(abcd, e, f) _mm_sha1rnds4_epu32(abcd, e, f)

__attribute__((target("sha,sse4.1,ssse3"))) void
git_sha1_block_x86(uint32_t h[5], const unsigned char *p)
{
	/* Byte-reverses the 16 bytes: big-endian words, the first in the high lane. */
	const __m128i flip = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), abcd0 = abcd, e, prev;
	__m128i w[4];
	int g;

	for (g = 0; g < 4; g++)
		w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), flip);
	e = _mm_add_epi32(e0, w[0]);
	prev = abcd;
	for (g = 0; g < 20; g++) {
		if (g >= 4) {
			__m128i t = _mm_sha1msg1_epu32(w[g % 4], w[(g + 1) % 4]);

			w[g % 4] = _mm_sha1msg2_epu32(_mm_xor_si128(t, w[(g + 2) % 4]), w[(g + 3) % 4]);
		}
		if (g > 0)
			e = _mm_sha1nexte_epu32(prev, w[g % 4]);
		prev = abcd;
		switch (g / 5) {
		case 0:
			abcd = ROUNDS4(abcd, e, 0);
			break;
		case 1:
			abcd = ROUNDS4(abcd, e, 1);
			break;
		case 2:
			abcd = ROUNDS4(abcd, e, 2);
			break;
		default:
			abcd = ROUNDS4(abcd, e, 3);
		}
	}
	e0 = _mm_sha1nexte_epu32(prev, e0);
	abcd = _mm_add_epi32(abcd, abcd0);
	_mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

#else

int
git_sha1_x86_usable(void)
{
	return 0;
}

void
git_sha1_block_x86(uint32_t h[5], const unsigned char *p)
{
	git_sha1_block(h, p);
}

#endif
