/*
 * inflate: RFC 1950 / RFC 1951 decoder.
 *
 * Huffman codes are decoded through one table per code, indexed by the
 * next maxlen input bits (bit-reversed canonical codes, as the stream
 * stores them LSB first); each entry holds symbol and length, length 0
 * marking a bit pattern no code uses.  Every read is bounded by the
 * input, every copy by the output produced so far and by max.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "git_bytes.h"
#include "inflate.h"

#define MAXBITS 15

struct huff {
	uint16_t *tab; /* 1 << maxlen entries: sym << 4 | len */
	unsigned maxlen;
};

struct inf {
	const unsigned char *in;
	size_t inlen, pos;
	uint64_t bits;
	unsigned nbits;
	struct buf *out;
	size_t start, max;
	const char *why;
	size_t whyoff;
	uint16_t lentab[1 << MAXBITS], disttab[1 << MAXBITS];
};

static int
fail(struct inf *s, const char *why)
{
	s->why = why;
	s->whyoff = s->pos;
	return -1;
}

/* Ensure n bits (n <= 32) are buffered; fails when the input ends. */
static int
need(struct inf *s, unsigned n)
{
	while (s->nbits < n) {
		if (s->pos >= s->inlen)
			return fail(s, "truncated deflate stream");
		s->bits |= (uint64_t)s->in[s->pos++] << s->nbits;
		s->nbits += 8;
	}
	return 0;
}

static int
getbits(struct inf *s, unsigned n, unsigned *v)
{
	if (need(s, n) < 0)
		return -1;
	*v = (unsigned)(s->bits & ((1u << n) - 1));
	s->bits >>= n;
	s->nbits -= n;
	return 0;
}

/*
 * Build the table for lengths[0..n).  An over-subscribed set is an
 * error; an incomplete one is allowed only when its longest code has
 * one bit (a lone code) and complete is 0, as zlib does.
 */
static int
build(struct huff *h, uint16_t *tab, const unsigned char *lengths, unsigned n, int complete)
{
	unsigned count[MAXBITS + 1] = {0}, next[MAXBITS + 1];
	unsigned sym, len, maxlen = 0, code;
	int left = 1;

	for (sym = 0; sym < n; sym++)
		count[lengths[sym]]++;
	for (len = 1; len <= MAXBITS; len++) {
		left <<= 1;
		left -= (int)count[len];
		if (left < 0)
			return -1;
		if (count[len])
			maxlen = len;
	}
	if (maxlen == 0)
		maxlen = 1; /* no codes at all: every pattern is invalid */
	else if (left > 0 && (complete || maxlen != 1))
		return -1;
	h->tab = tab;
	h->maxlen = maxlen;
	memset(tab, 0, sizeof(*tab) << maxlen);
	code = 0;
	for (len = 1; len <= MAXBITS; len++) {
		code = (code + count[len - 1]) << 1;
		next[len] = code;
	}
	next[0] = 0;
	for (sym = 0; sym < n; sym++) {
		unsigned l = lengths[sym], c, rev = 0, i;

		if (!l)
			continue;
		c = next[l]++;
		for (i = 0; i < l; i++)
			rev |= ((c >> i) & 1) << (l - 1 - i);
		for (i = rev; i < 1u << maxlen; i += 1u << l)
			tab[i] = (uint16_t)(sym << 4 | l);
	}
	return 0;
}

static int
decode(struct inf *s, const struct huff *h, unsigned *sym)
{
	unsigned e, len;

	/* Near the end of the input fewer than maxlen bits may remain. */
	while (s->nbits < h->maxlen && s->pos < s->inlen) {
		s->bits |= (uint64_t)s->in[s->pos++] << s->nbits;
		s->nbits += 8;
	}
	e = h->tab[s->bits & ((1u << h->maxlen) - 1)];
	len = e & 15;
	if (len == 0)
		return fail(s, "invalid Huffman code");
	if (len > s->nbits)
		return fail(s, "truncated deflate stream");
	s->bits >>= len;
	s->nbits -= len;
	*sym = e >> 4;
	return 0;
}

static int
put(struct inf *s, const unsigned char *p, size_t n)
{
	if (n > s->max - (s->out->len - s->start))
		return fail(s, "data longer than expected");
	buf_add(s->out, p, n);
	return 0;
}

static const uint16_t lbase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t lextra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dbase[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                   33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                   1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dextra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                   6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int
codes(struct inf *s, const struct huff *lh, const struct huff *dh)
{
	unsigned sym, extra, dsym;
	size_t len, dist, have;

	for (;;) {
		if (decode(s, lh, &sym) < 0)
			return -1;
		if (sym < 256) {
			unsigned char c = (unsigned char)sym;

			if (put(s, &c, 1) < 0)
				return -1;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return fail(s, "invalid length code");
		if (getbits(s, lextra[sym], &extra) < 0)
			return -1;
		len = lbase[sym] + extra;
		if (decode(s, dh, &dsym) < 0)
			return -1;
		if (dsym >= 30)
			return fail(s, "invalid distance code");
		if (getbits(s, dextra[dsym], &extra) < 0)
			return -1;
		dist = dbase[dsym] + extra;
		have = s->out->len - s->start;
		if (dist > have)
			return fail(s, "distance too far back");
		if (len > s->max - have)
			return fail(s, "data longer than expected");
		buf_grow(s->out, len);
		{
			unsigned char *d = (unsigned char *)s->out->s + s->out->len;
			const unsigned char *from = d - dist;
			size_t i;

			for (i = 0; i < len; i++)
				d[i] = from[i];
			s->out->len += len;
			s->out->s[s->out->len] = '\0';
		}
	}
}

static int
stored(struct inf *s)
{
	unsigned len, nlen;

	/* Whole bytes read ahead go back; the rest of this byte is padding. */
	s->pos -= s->nbits / 8;
	s->bits = 0;
	s->nbits = 0;
	if (s->inlen - s->pos < 4)
		return fail(s, "truncated stored block");
	len = s->in[s->pos] | (unsigned)s->in[s->pos + 1] << 8;
	nlen = s->in[s->pos + 2] | (unsigned)s->in[s->pos + 3] << 8;
	if (len != (~nlen & 0xffff))
		return fail(s, "stored block length does not match its complement");
	s->pos += 4;
	if (s->inlen - s->pos < len)
		return fail(s, "truncated stored block");
	if (put(s, s->in + s->pos, len) < 0)
		return -1;
	s->pos += len;
	return 0;
}

static int
fixed(struct inf *s)
{
	unsigned char l[288];
	struct huff lh, dh;
	unsigned i;

	for (i = 0; i < 144; i++)
		l[i] = 8;
	for (; i < 256; i++)
		l[i] = 9;
	for (; i < 280; i++)
		l[i] = 7;
	for (; i < 288; i++)
		l[i] = 8;
	build(&lh, s->lentab, l, 288, 1);
	memset(l, 5, 32); /* 30 and 31 are invalid but take part in the code */
	build(&dh, s->disttab, l, 32, 1);
	return codes(s, &lh, &dh);
}

static int
dynamic(struct inf *s)
{
	static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
	unsigned char lengths[320];
	unsigned nlen, ndist, ncode, i, v, sym;
	struct huff ch, lh, dh;

	if (getbits(s, 5, &nlen) < 0 || getbits(s, 5, &ndist) < 0 || getbits(s, 4, &ncode) < 0)
		return -1;
	nlen += 257, ndist += 1, ncode += 4;
	if (nlen > 286 || ndist > 30)
		return fail(s, "bad code counts");
	memset(lengths, 0, sizeof(lengths));
	for (i = 0; i < ncode; i++) {
		if (getbits(s, 3, &v) < 0)
			return -1;
		lengths[order[i]] = (unsigned char)v;
	}
	if (build(&ch, s->lentab, lengths, 19, 1) < 0)
		return fail(s, "bad code-length code");
	for (i = 0; i < nlen + ndist;) {
		unsigned rep, val = 0;

		if (decode(s, &ch, &sym) < 0)
			return -1;
		if (sym < 16) {
			lengths[i++] = (unsigned char)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return fail(s, "repeat with no previous length");
			val = lengths[i - 1];
			if (getbits(s, 2, &rep) < 0)
				return -1;
			rep += 3;
		} else if (sym == 17) {
			if (getbits(s, 3, &rep) < 0)
				return -1;
			rep += 3;
		} else {
			if (getbits(s, 7, &rep) < 0)
				return -1;
			rep += 11;
		}
		if (rep > nlen + ndist - i)
			return fail(s, "too many code lengths");
		while (rep--)
			lengths[i++] = (unsigned char)val;
	}
	if (lengths[256] == 0)
		return fail(s, "no end-of-block code");
	if (build(&lh, s->lentab, lengths, nlen, 0) < 0)
		return fail(s, "bad literal/length code");
	if (build(&dh, s->disttab, lengths + nlen, ndist, 0) < 0)
		return fail(s, "bad distance code");
	return codes(s, &lh, &dh);
}

/* RFC 1950 §2.2: CM 8 (deflate), a window of at most 32 KiB, FCHECK, no dictionary. */
static int
zlib_header(struct inf *s)
{
	const unsigned char *p = s->in;

	if (s->inlen < 2)
		return fail(s, "truncated zlib header");
	if ((p[0] & 15) != 8 || p[0] >> 4 > 7 || ((unsigned)p[0] << 8 | p[1]) % 31)
		return fail(s, "bad zlib header");
	if (p[1] & 0x20)
		return fail(s, "zlib preset dictionary not supported");
	s->pos = 2;
	return 0;
}

static int
blocks(struct inf *s)
{
	unsigned last, type;
	int r;

	do {
		if (getbits(s, 1, &last) < 0 || getbits(s, 2, &type) < 0)
			return -1;
		if (type == 0)
			r = stored(s);
		else if (type == 1)
			r = fixed(s);
		else if (type == 2)
			r = dynamic(s);
		else
			r = fail(s, "invalid block type");
	} while (r == 0 && !last);
	return r;
}

/* The Adler-32 of the output after the deflate data, big-endian. */
static int
adler_trailer(struct inf *s)
{
	uint32_t a = 1, b = 0;
	size_t i;

	/* Whole bytes still buffered were read ahead; give them back. */
	s->pos -= s->nbits / 8;
	if (s->inlen - s->pos < 4)
		return fail(s, "truncated zlib trailer");
	for (i = s->start; i < s->out->len; i++) {
		a += (unsigned char)s->out->s[i];
		b += a;
		/* 5552 bytes is the most that cannot overflow b before the reduction. */
		if ((i - s->start) % 5552 == 5551) {
			a %= 65521;
			b %= 65521;
		}
	}
	a %= 65521;
	b %= 65521;
	if (git_be32(s->in + s->pos) != (b << 16 | a))
		return fail(s, "adler32 mismatch");
	s->pos += 4;
	return 0;
}

int
git_inflate(const unsigned char *src, size_t srclen, struct buf *out, size_t max, size_t *used,
            char *err, size_t errlen)
{
	/*
	 * The tables take 128 KiB: allocated once per thread that inflates,
	 * not in static TLS, which every thread would pay for at creation.
	 */
	static _Thread_local struct inf *st;
	struct inf *s = st ? st : (st = emalloc(sizeof(*st)));

	s->in = src;
	s->inlen = srclen;
	s->pos = 0;
	s->bits = 0;
	s->nbits = 0;
	s->out = out;
	s->start = out->len;
	s->max = max;
	s->why = NULL;
	if (zlib_header(s) < 0 || blocks(s) < 0 || adler_trailer(s) < 0) {
		out->len = s->start;
		if (out->s)
			out->s[out->len] = '\0';
		snprintf(err, errlen, "%s at byte %zu", s->why, s->whyoff);
		return -1;
	}
	*used = s->pos;
	return 0;
}
