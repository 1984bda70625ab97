/* siphash.h: SipHash-2-4 exactly as Linux's lib/siphash.c (key = two u64 words, little-endian message words):
 * the fixed-size forms the cookie, tsoff and their SIMD lanes use, and the generic form. */
#ifndef DP_SHARED_SIPHASH_H
#define DP_SHARED_SIPHASH_H

#include "dp_shared.h"

/* The kernel's siphash_key_t: key[0], key[1] in memory order (what /proc/tcp_secrets prints). */
typedef struct dp_siphash_key {
	uint64_t key[2];
} dp_siphash_key_t;

/*
 * The rounds, written once for any unsigned 64-bit type: uint64_t here, GCC vector types of uint64_t in the SIMD
 * lanes of cookie_burst.c (the operators broadcast, the shifts work per lane).
 *   DP_SIP_INIT(T, key)  declares the state v0..v3 of type T
 *   DP_SIP_COMPRESS(m)   absorbs one 8-byte little-endian message word
 *   DP_SIP_FINISH(b)     absorbs the last block b = len << 56 | tail bytes, then the 4 finalization rounds
 *   DP_SIP_RESULT        the 64-bit hash
 */
#define DP_SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define DP_SIPROUND(v0, v1, v2, v3)       \
	do {                              \
		v0 += v1;                 \
		v1 = DP_SIP_ROTL(v1, 13); \
		v1 ^= v0;                 \
		v0 = DP_SIP_ROTL(v0, 32); \
		v2 += v3;                 \
		v3 = DP_SIP_ROTL(v3, 16); \
		v3 ^= v2;                 \
		v0 += v3;                 \
		v3 = DP_SIP_ROTL(v3, 21); \
		v3 ^= v0;                 \
		v2 += v1;                 \
		v1 = DP_SIP_ROTL(v1, 17); \
		v1 ^= v2;                 \
		v2 = DP_SIP_ROTL(v2, 32); \
	} while (0)

#define DP_SIP_INIT(T, sipkey)                                                  \
	T v0 = (T){ 0 } + (uint64_t)(0x736f6d6570736575ULL ^ (sipkey)->key[0]); \
	T v1 = (T){ 0 } + (uint64_t)(0x646f72616e646f6dULL ^ (sipkey)->key[1]); \
	T v2 = (T){ 0 } + (uint64_t)(0x6c7967656e657261ULL ^ (sipkey)->key[0]); \
	T v3 = (T){ 0 } + (uint64_t)(0x7465646279746573ULL ^ (sipkey)->key[1])

#define DP_SIP_COMPRESS(m)                   \
	do {                                 \
		v3 ^= (m);                   \
		DP_SIPROUND(v0, v1, v2, v3); \
		DP_SIPROUND(v0, v1, v2, v3); \
		v0 ^= (m);                   \
	} while (0)

#define DP_SIP_FINISH(b)                     \
	do {                                 \
		v3 ^= (b);                   \
		DP_SIPROUND(v0, v1, v2, v3); \
		DP_SIPROUND(v0, v1, v2, v3); \
		v0 ^= (b);                   \
		v2 ^= 0xff;                  \
		DP_SIPROUND(v0, v1, v2, v3); \
		DP_SIPROUND(v0, v1, v2, v3); \
		DP_SIPROUND(v0, v1, v2, v3); \
		DP_SIPROUND(v0, v1, v2, v3); \
	} while (0)

#define DP_SIP_RESULT ((v0 ^ v1) ^ (v2 ^ v3))

/* Little-endian load from any alignment (the kernel hashes its structs as a little-endian CPU sees them). */
DP_SHARED uint64_t dp_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

DP_SHARED uint32_t dp_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* siphash_2u64(): the 16-byte message first ‖ second (kernel's siphash_4u32 is this with a = b<<32|a). */
DP_SHARED uint64_t dp_siphash_2u64(uint64_t first, uint64_t second, const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS(first);
	DP_SIP_COMPRESS(second);
	DP_SIP_FINISH((uint64_t)16 << 56);
	return DP_SIP_RESULT;
}

/* siphash_4u32(a, b, c, d) == siphash_2u64((u64)b << 32 | a, (u64)d << 32 | c). */
DP_SHARED uint64_t dp_siphash_4u32(uint32_t first, uint32_t second, uint32_t third, uint32_t forth,
				   const dp_siphash_key_t *key)
{
	return dp_siphash_2u64((uint64_t)second << 32 | first, (uint64_t)forth << 32 | third, key);
}

/* siphash_2u32(a, b): 8-byte message (pre-2026 IPv4 ts_off: saddr ‖ daddr). */
DP_SHARED uint64_t dp_siphash_2u32(uint32_t first, uint32_t second, const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS((uint64_t)second << 32 | first);
	DP_SIP_FINISH((uint64_t)8 << 56);
	return DP_SIP_RESULT;
}

/* siphash_3u32(a, b, c): 12-byte message, the last word goes into the length block as in the kernel. */
DP_SHARED uint64_t dp_siphash_3u32(uint32_t first, uint32_t second, uint32_t third, const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS((uint64_t)second << 32 | first);
	DP_SIP_FINISH((uint64_t)12 << 56 | third);
	return DP_SIP_RESULT;
}

/* The IPv6 forms: two 16-byte addresses as four little-endian words a..d, then what follows them. */

/* 32 bytes: a ‖ b ‖ c ‖ d (pre-2026 IPv6 ts_off: saddr ‖ daddr). */
DP_SHARED uint64_t dp_siphash_4u64(uint64_t a, uint64_t b, uint64_t c, uint64_t d, const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS(a);
	DP_SIP_COMPRESS(b);
	DP_SIP_COMPRESS(c);
	DP_SIP_COMPRESS(d);
	DP_SIP_FINISH((uint64_t)32 << 56);
	return DP_SIP_RESULT;
}

/* 36 bytes: a ‖ b ‖ c ‖ d ‖ tail (u32) (2026-rule IPv6 ts_off: saddr ‖ daddr ‖ sport ‖ dport). */
DP_SHARED uint64_t dp_siphash_4u64_1u32(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint32_t tail,
					const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS(a);
	DP_SIP_COMPRESS(b);
	DP_SIP_COMPRESS(c);
	DP_SIP_COMPRESS(d);
	DP_SIP_FINISH((uint64_t)36 << 56 | tail);
	return DP_SIP_RESULT;
}

/* 40 bytes: a ‖ b ‖ c ‖ d ‖ e (the IPv6 cookie message). */
DP_SHARED uint64_t dp_siphash_5u64(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
				   const dp_siphash_key_t *key)
{
	DP_SIP_INIT(uint64_t, key);
	DP_SIP_COMPRESS(a);
	DP_SIP_COMPRESS(b);
	DP_SIP_COMPRESS(c);
	DP_SIP_COMPRESS(d);
	DP_SIP_COMPRESS(e);
	DP_SIP_FINISH((uint64_t)40 << 56);
	return DP_SIP_RESULT;
}

/* Generic SipHash-2-4 over len bytes (any alignment): the reference the fixed forms are tested against. */
DP_SHARED uint64_t dp_siphash_bytes(const void *data, size_t len, const dp_siphash_key_t *key)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len - (len % 8));
	uint64_t b = (uint64_t)len << 56;
	DP_SIP_INIT(uint64_t, key);

	for (; p != end; p += 8)
		DP_SIP_COMPRESS(dp_le64(p));
	switch (len & 7) {
	case 7:
		b |= (uint64_t)p[6] << 48; /* fall through */
	case 6:
		b |= (uint64_t)p[5] << 40; /* fall through */
	case 5:
		b |= (uint64_t)p[4] << 32; /* fall through */
	case 4:
		b |= dp_le32(p);
		break;
	case 3:
		b |= (uint64_t)p[2] << 16; /* fall through */
	case 2:
		b |= (uint64_t)p[1] << 8; /* fall through */
	case 1:
		b |= p[0];
		break;
	case 0:
		break;
	}
	DP_SIP_FINISH(b);
	return DP_SIP_RESULT;
}

#endif /* DP_SHARED_SIPHASH_H */
