/* sha1.c: SHA-1 block transform (FIPS 180-4 section 6.1.2), the same function as Linux's sha_transform(). */
#include "sha1.h"

static inline uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dp_sha1_transform(uint32_t digest[DP_SHA1_DIGEST_WORDS], const uint8_t data[DP_SHA1_BLOCK_BYTES])
{
	uint32_t w[80];
	uint32_t a = digest[0], b = digest[1], c = digest[2], d = digest[3], e = digest[4];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = be32(data + 4 * i);
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

		/* four unbranched 20-round loops (the round function changes every 20 rounds) */
#define SHA1_ROUNDS(from, to, f, k)                              \
	for (i = from; i < to; i++) {                            \
		uint32_t t = rol32(a, 5) + (f) + e + (k) + w[i]; \
		e = d;                                           \
		d = c;                                           \
		c = rol32(b, 30);                                \
		b = a;                                           \
		a = t;                                           \
	}
	SHA1_ROUNDS(0, 20, (b & c) | (~b & d), 0x5a827999)
	SHA1_ROUNDS(20, 40, b ^ c ^ d, 0x6ed9eba1)
	SHA1_ROUNDS(40, 60, (b & c) | (b & d) | (c & d), 0x8f1bbcdc)
	SHA1_ROUNDS(60, 80, b ^ c ^ d, 0xca62c1d6)
#undef SHA1_ROUNDS
	digest[0] += a;
	digest[1] += b;
	digest[2] += c;
	digest[3] += d;
	digest[4] += e;
}
