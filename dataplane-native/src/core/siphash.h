/* siphash.h: SipHash-2-4 exactly as Linux's lib/siphash.c (key = two u64 words, little-endian message words). */
#ifndef DP_CORE_SIPHASH_H
#define DP_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The Makefile defines DP_EXPORT; this fallback keeps the header usable by other builds (tests, fuzzers). */
#ifndef DP_EXPORT
#define DP_EXPORT __attribute__((visibility("default")))
#endif

/* The kernel's siphash_key_t: key[0], key[1] in memory order (what /proc/tcp_secrets prints). */
typedef struct dp_siphash_key {
	uint64_t key[2];
} dp_siphash_key_t;

#define DP_ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define DP_SIPROUND(v0, v1, v2, v3) do {                                           \
	v0 += v1; v1 = DP_ROTL64(v1, 13); v1 ^= v0; v0 = DP_ROTL64(v0, 32);        \
	v2 += v3; v3 = DP_ROTL64(v3, 16); v3 ^= v2;                                \
	v0 += v3; v3 = DP_ROTL64(v3, 21); v3 ^= v0;                                \
	v2 += v1; v1 = DP_ROTL64(v1, 17); v1 ^= v2; v2 = DP_ROTL64(v2, 32);        \
} while (0)

#define DP_SIP_PREAMBLE(sipkey, len)                                                   \
	uint64_t v0 = 0x736f6d6570736575ULL ^ (sipkey)->key[0];                         \
	uint64_t v1 = 0x646f72616e646f6dULL ^ (sipkey)->key[1];                         \
	uint64_t v2 = 0x6c7967656e657261ULL ^ (sipkey)->key[0];                         \
	uint64_t v3 = 0x7465646279746573ULL ^ (sipkey)->key[1];                         \
	uint64_t b = ((uint64_t)(len)) << 56

#define DP_SIP_COMPRESS(m) do {                                                     \
	v3 ^= (m); DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3); v0 ^= (m); \
} while (0)

#define DP_SIP_POSTAMBLE                                                            \
	v3 ^= b; DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3); v0 ^= b;     \
	v2 ^= 0xff;                                                                 \
	DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3);                   \
	DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3);                   \
	return (v0 ^ v1) ^ (v2 ^ v3)

/* Little-endian load from any alignment (the kernel hashes its structs as a little-endian CPU sees them). */
static inline uint64_t dp_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint32_t dp_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* siphash_2u64(): the 16-byte message first ‖ second (kernel's siphash_4u32 is this with a = b<<32|a). */
static inline uint64_t dp_siphash_2u64(uint64_t first, uint64_t second, const dp_siphash_key_t *key)
{
	DP_SIP_PREAMBLE(key, 16);
	DP_SIP_COMPRESS(first);
	DP_SIP_COMPRESS(second);
	DP_SIP_POSTAMBLE;
}

/* siphash_4u32(a, b, c, d) == siphash_2u64((u64)b << 32 | a, (u64)d << 32 | c). */
static inline uint64_t dp_siphash_4u32(uint32_t first, uint32_t second, uint32_t third, uint32_t forth,
				       const dp_siphash_key_t *key)
{
	return dp_siphash_2u64((uint64_t)second << 32 | first, (uint64_t)forth << 32 | third, key);
}

/* siphash_2u32(a, b): 8-byte message (pre-2026 IPv4 ts_off: saddr ‖ daddr). */
static inline uint64_t dp_siphash_2u32(uint32_t first, uint32_t second, const dp_siphash_key_t *key)
{
	uint64_t m = (uint64_t)second << 32 | first;
	DP_SIP_PREAMBLE(key, 8);
	DP_SIP_COMPRESS(m);
	DP_SIP_POSTAMBLE;
}

/* siphash_3u32(a, b, c): 12-byte message, the last word goes into the length block as in the kernel. */
static inline uint64_t dp_siphash_3u32(uint32_t first, uint32_t second, uint32_t third,
				       const dp_siphash_key_t *key)
{
	uint64_t m = (uint64_t)second << 32 | first;
	DP_SIP_PREAMBLE(key, 12);
	DP_SIP_COMPRESS(m);
	b |= third;
	DP_SIP_POSTAMBLE;
}

/* Generic SipHash-2-4 over len bytes (any alignment). */
uint64_t dp_siphash(const void *data, size_t len, const dp_siphash_key_t *key);

#endif /* DP_CORE_SIPHASH_H */
