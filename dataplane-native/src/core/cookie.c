/* cookie.c: kernel-exact SYN cookie make/check for IPv4 and IPv6 (SipHash and legacy SHA-1) and the exported
 * JNA-friendly wrappers. Shape and formulas follow net/ipv4/syncookies.c and net/ipv6/syncookies.c. */
#include <string.h>

#include "cookie.h"
#include "sha1.h"

/* The message layouts below are what a little-endian kernel hashes (the vectors come from x86-64). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "cookie message layouts assume a little-endian host");

/* Table must be sorted. */
const uint16_t dp_msstab4[DP_MSS_TABLE_SIZE] = {
	536,
	1300,
	1440,	/* 1440, 1452: PPPoE */
	1460,
};

/* Table must be sorted. */
const uint16_t dp_msstab6[DP_MSS_TABLE_SIZE] = {
	1280 - 60, /* IPV6_MIN_MTU - 60 */
	1480 - 60,
	1500 - 60,
	9000 - 60,
};

uint32_t dp_cookie_v6_hash(const dp_siphash_key_t *k, const uint8_t saddr[16], const uint8_t daddr[16],
			   uint16_t sport, uint16_t dport, uint32_t count)
{
	/* { struct in6_addr saddr, daddr; u32 count; __be16 sport, dport; } hashed up to dport: 40 bytes,
	 * i.e. five little-endian words: saddr lo/hi, daddr lo/hi, count | sport << 32 | dport << 48. */
	uint64_t m4 = (uint64_t)count | (uint64_t)sport << 32 | (uint64_t)dport << 48;
	DP_SIP_PREAMBLE(k, 40);

	DP_SIP_COMPRESS(dp_le64(saddr));
	DP_SIP_COMPRESS(dp_le64(saddr + 8));
	DP_SIP_COMPRESS(dp_le64(daddr));
	DP_SIP_COMPRESS(dp_le64(daddr + 8));
	DP_SIP_COMPRESS(m4);
	{
		uint64_t h;

		v3 ^= b; DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3); v0 ^= b;
		v2 ^= 0xff;
		DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3);
		DP_SIPROUND(v0, v1, v2, v3); DP_SIPROUND(v0, v1, v2, v3);
		h = (v0 ^ v1) ^ (v2 ^ v3);
		return (uint32_t)h;
	}
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * Kernel <= 4.10 (IPv4): tmp[0..3] = saddr, daddr, sport << 16 | dport, count; tmp[4..20] = the 17 secret words;
 * sha_transform(tmp + 16, tmp, ...): the block is tmp[0..15] and the digest is seeded with secret words 12..16.
 * The result is tmp[17], digest word 1.
 */
uint32_t dp_cookie_v4_hash_sha1(const uint32_t secret[DP_SHA1_SECRET_WORDS], uint32_t saddr, uint32_t daddr,
				uint16_t sport, uint16_t dport, uint32_t count)
{
	uint8_t block[DP_SHA1_BLOCK_BYTES];
	uint32_t digest[DP_SHA1_DIGEST_WORDS];
	int i;

	memcpy(block, &saddr, 4);
	memcpy(block + 4, &daddr, 4);
	store_le32(block + 8, ((uint32_t)sport << 16) + dport);
	store_le32(block + 12, count);
	for (i = 0; i < 12; i++)
		store_le32(block + 16 + 4 * i, secret[i]);
	memcpy(digest, secret + 12, sizeof(digest));
	dp_sha1_transform(digest, block);
	return digest[1];
}

/*
 * Kernel <= 4.10 (IPv6): tmp[10..20] = the first 11 secret words (44 bytes), tmp[0..3] = saddr, tmp[4..7] = daddr,
 * tmp[8] = sport << 16 | dport, tmp[9] = count; the digest tmp[16..20] is seeded with secret words 6..10.
 */
uint32_t dp_cookie_v6_hash_sha1(const uint32_t secret[DP_SHA1_SECRET_WORDS], const uint8_t saddr[16],
				const uint8_t daddr[16], uint16_t sport, uint16_t dport, uint32_t count)
{
	uint8_t block[DP_SHA1_BLOCK_BYTES];
	uint32_t digest[DP_SHA1_DIGEST_WORDS];
	int i;

	memcpy(block, saddr, 16);
	memcpy(block + 16, daddr, 16);
	store_le32(block + 32, ((uint32_t)sport << 16) + dport);
	store_le32(block + 36, count);
	for (i = 0; i < 6; i++)
		store_le32(block + 40 + 4 * i, secret[i]);
	memcpy(digest, secret + 6, sizeof(digest));
	dp_sha1_transform(digest, block);
	return digest[1];
}

static inline uint32_t v4_hash(const struct dp_cookie_secret *s, int c, uint32_t saddr, uint32_t daddr,
			       uint16_t sport, uint16_t dport, uint32_t count)
{
	if (s->alg == DP_COOKIE_SHA1_LEGACY)
		return dp_cookie_v4_hash_sha1(s->sha1[c], saddr, daddr, sport, dport, count);
	return dp_cookie_v4_hash(&s->key[c], saddr, daddr, sport, dport, count);
}

static inline uint32_t v6_hash(const struct dp_cookie_secret *s, int c, const uint8_t *saddr, const uint8_t *daddr,
			       uint16_t sport, uint16_t dport, uint32_t count)
{
	if (s->alg == DP_COOKIE_SHA1_LEGACY)
		return dp_cookie_v6_hash_sha1(s->sha1[c], saddr, daddr, sport, dport, count);
	return dp_cookie_v6_hash(&s->key[c], saddr, daddr, sport, dport, count);
}

/*
 * Compute the secure sequence number.
 * The output should be:
 *   HASH(sec1,saddr,sport,daddr,dport,sec1) + sseq + (count * 2^24)
 *      + (HASH(sec2,saddr,sport,daddr,dport,count,sec2) % 2^24).
 * Where sseq is their sequence number and count increases every minute by 1.
 * As an extra hack, we add a small "data" value that encodes the MSS into the second hash value.
 */
uint32_t dp_cookie_v4_make(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport,
			   uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	return v4_hash(s, 0, saddr, daddr, sport, dport, 0) + client_seq + (count << DP_COOKIEBITS) +
	       ((v4_hash(s, 1, saddr, daddr, sport, dport, count) + mss_index) & DP_COOKIEMASK);
}

/*
 * This retrieves the small "data" value from the syncookie.
 * If the syncookie is bad, the data returned will be out of range.
 * This must be checked by the caller.
 *
 * The count value used to generate the cookie must be less than MAX_SYNCOOKIE_AGE minutes in the past.
 * The return value (__u32)-1 if this test fails.
 */
int dp_cookie_v4_check(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport,
		       uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t diff, data;

	/* Strip away the layers from the cookie */
	cookie -= v4_hash(s, 0, saddr, daddr, sport, dport, 0) + sseq;

	/* Cookie is now reduced to (count * 2^24) ^ (hash % 2^24) */
	diff = (count - (cookie >> DP_COOKIEBITS)) & ((uint32_t)-1 >> DP_COOKIEBITS);
	if (diff >= DP_MAX_SYNCOOKIE_AGE)
		return -1;

	data = (cookie - v4_hash(s, 1, saddr, daddr, sport, dport, count - diff)) & DP_COOKIEMASK;
	return data < DP_MSS_TABLE_SIZE ? (int)data : -1;
}

uint32_t dp_cookie_v6_make(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
			   uint16_t sport, uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	return v6_hash(s, 0, saddr, daddr, sport, dport, 0) + client_seq + (count << DP_COOKIEBITS) +
	       ((v6_hash(s, 1, saddr, daddr, sport, dport, count) + mss_index) & DP_COOKIEMASK);
}

int dp_cookie_v6_check(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
		       uint16_t sport, uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t diff, data;

	cookie -= v6_hash(s, 0, saddr, daddr, sport, dport, 0) + sseq;
	diff = (count - (cookie >> DP_COOKIEBITS)) & ((uint32_t)-1 >> DP_COOKIEBITS);
	if (diff >= DP_MAX_SYNCOOKIE_AGE)
		return -1;
	data = (cookie - v6_hash(s, 1, saddr, daddr, sport, dport, count - diff)) & DP_COOKIEMASK;
	return data < DP_MSS_TABLE_SIZE ? (int)data : -1;
}

/* ---- exported wrappers: host-order ports/seq, wire-byte addresses ---- */

static inline uint16_t be16(uint32_t host_port)
{
	return __builtin_bswap16((uint16_t)host_port);
}

static inline uint32_t addr4(const uint8_t a[4])
{
	uint32_t v;

	memcpy(&v, a, 4);
	return v;
}

static void siphash_secret(struct dp_cookie_secret *s, const uint64_t k0[2], const uint64_t k1[2])
{
	s->alg = DP_COOKIE_SIPHASH;
	s->key[0].key[0] = k0[0];
	s->key[0].key[1] = k0[1];
	s->key[1].key[0] = k1[0];
	s->key[1].key[1] = k1[1];
}

static void sha1_secret(struct dp_cookie_secret *s, const uint32_t s0[17], const uint32_t s1[17])
{
	s->alg = DP_COOKIE_SHA1_LEGACY;
	memcpy(s->sha1[0], s0, sizeof(s->sha1[0]));
	memcpy(s->sha1[1], s1, sizeof(s->sha1[1]));
}

static int make4(const struct dp_cookie_secret *s, uint32_t count, const uint8_t saddr[4], const uint8_t daddr[4],
		 uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss, uint32_t out[3])
{
	unsigned idx = dp_mss_index(dp_msstab4, mss > 0xffff ? 0xffff : (uint16_t)mss);

	out[0] = dp_cookie_v4_make(s, addr4(saddr), addr4(daddr), be16(sport), be16(dport), seq, count, idx);
	out[1] = idx;
	out[2] = dp_msstab4[idx];
	return 0;
}

static int check4(const struct dp_cookie_secret *s, uint32_t count, const uint8_t saddr[4], const uint8_t daddr[4],
		  uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack)
{
	int idx = dp_cookie_v4_check(s, addr4(saddr), addr4(daddr), be16(sport), be16(dport), seq - 1, ack - 1, count);

	return idx < 0 ? 0 : dp_msstab4[idx];
}

static int make6(const struct dp_cookie_secret *s, uint32_t count, const uint8_t saddr[16], const uint8_t daddr[16],
		 uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss, uint32_t out[3])
{
	unsigned idx = dp_mss_index(dp_msstab6, mss > 0xffff ? 0xffff : (uint16_t)mss);

	out[0] = dp_cookie_v6_make(s, saddr, daddr, be16(sport), be16(dport), seq, count, idx);
	out[1] = idx;
	out[2] = dp_msstab6[idx];
	return 0;
}

static int check6(const struct dp_cookie_secret *s, uint32_t count, const uint8_t saddr[16],
		  const uint8_t daddr[16], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack)
{
	int idx = dp_cookie_v6_check(s, saddr, daddr, be16(sport), be16(dport), seq - 1, ack - 1, count);

	return idx < 0 ? 0 : dp_msstab6[idx];
}

DP_EXPORT int dp_cookie4_make(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[4],
			      const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
			      uint32_t out[3])
{
	struct dp_cookie_secret s;

	siphash_secret(&s, k0, k1);
	return make4(&s, count, saddr, daddr, sport, dport, seq, mss, out);
}

DP_EXPORT int dp_cookie4_check(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[4],
			       const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack)
{
	struct dp_cookie_secret s;

	siphash_secret(&s, k0, k1);
	return check4(&s, count, saddr, daddr, sport, dport, seq, ack);
}

DP_EXPORT int dp_cookie6_make(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[16],
			      const uint8_t daddr[16], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
			      uint32_t out[3])
{
	struct dp_cookie_secret s;

	siphash_secret(&s, k0, k1);
	return make6(&s, count, saddr, daddr, sport, dport, seq, mss, out);
}

DP_EXPORT int dp_cookie6_check(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[16],
			       const uint8_t daddr[16], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack)
{
	struct dp_cookie_secret s;

	siphash_secret(&s, k0, k1);
	return check6(&s, count, saddr, daddr, sport, dport, seq, ack);
}

DP_EXPORT int dp_cookie4_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				   const uint8_t saddr[4], const uint8_t daddr[4], uint32_t sport, uint32_t dport,
				   uint32_t seq, uint32_t mss, uint32_t out[3])
{
	struct dp_cookie_secret s;

	sha1_secret(&s, s0, s1);
	return make4(&s, count, saddr, daddr, sport, dport, seq, mss, out);
}

DP_EXPORT int dp_cookie4_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[4], const uint8_t daddr[4], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack)
{
	struct dp_cookie_secret s;

	sha1_secret(&s, s0, s1);
	return check4(&s, count, saddr, daddr, sport, dport, seq, ack);
}

DP_EXPORT int dp_cookie6_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				   const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				   uint32_t seq, uint32_t mss, uint32_t out[3])
{
	struct dp_cookie_secret s;

	sha1_secret(&s, s0, s1);
	return make6(&s, count, saddr, daddr, sport, dport, seq, mss, out);
}

DP_EXPORT int dp_cookie6_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack)
{
	struct dp_cookie_secret s;

	sha1_secret(&s, s0, s1);
	return check6(&s, count, saddr, daddr, sport, dport, seq, ack);
}

/*
 * Burst IPv4 cookies: SipHash over 8 (AVX-512) or 4 (AVX2) tuples at once, one 64-bit lane per tuple, both hashes
 * of each cookie (H(k0, 0) and H(k1, count)) per pass. The message words per lane are the same as the scalar
 * dp_cookie_v4_hash(): m0 = saddr | daddr << 32, m1 = (sport << 16 | dport) | count << 32.
 * Rotations are written as shift/or; GCC emits vprolq where the ISA has it.
 */
#define DP_VROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define DP_VSIPROUND(v0, v1, v2, v3) do {                                          \
	v0 += v1; v1 = DP_VROTL(v1, 13); v1 ^= v0; v0 = DP_VROTL(v0, 32);          \
	v2 += v3; v3 = DP_VROTL(v3, 16); v3 ^= v2;                                 \
	v0 += v3; v3 = DP_VROTL(v3, 21); v3 ^= v0;                                 \
	v2 += v1; v1 = DP_VROTL(v1, 17); v1 ^= v2; v2 = DP_VROTL(v2, 32);          \
} while (0)

/* out = SipHash-2-4(k, m0 || m1) per lane (16-byte message), all in vector type VT. */
#define DP_VSIPHASH_16(VT, k, m0, m1, out) do {                                     \
	VT v0 = (VT){ 0 } + (uint64_t)(0x736f6d6570736575ULL ^ (k)->key[0]);                  \
	VT v1 = (VT){ 0 } + (uint64_t)(0x646f72616e646f6dULL ^ (k)->key[1]);                  \
	VT v2 = (VT){ 0 } + (uint64_t)(0x6c7967656e657261ULL ^ (k)->key[0]);                  \
	VT v3 = (VT){ 0 } + (uint64_t)(0x7465646279746573ULL ^ (k)->key[1]);                  \
	const uint64_t b = (uint64_t)16 << 56;                                      \
	v3 ^= (m0); DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3); v0 ^= (m0); \
	v3 ^= (m1); DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3); v0 ^= (m1); \
	v3 ^= b; DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3); v0 ^= b;       \
	v2 ^= (uint64_t)0xff;                                                       \
	DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3);                 \
	DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3);                 \
	(out) = (v0 ^ v1) ^ (v2 ^ v3);                                              \
} while (0)

/* out = SipHash-2-4(k, m0 || low 4 bytes of tail) per lane (12-byte message: the tail joins the length block). */
#define DP_VSIPHASH_12(VT, k, m0, tail, out) do {                                  \
	VT v0 = (VT){ 0 } + (uint64_t)(0x736f6d6570736575ULL ^ (k)->key[0]);        \
	VT v1 = (VT){ 0 } + (uint64_t)(0x646f72616e646f6dULL ^ (k)->key[1]);        \
	VT v2 = (VT){ 0 } + (uint64_t)(0x6c7967656e657261ULL ^ (k)->key[0]);        \
	VT v3 = (VT){ 0 } + (uint64_t)(0x7465646279746573ULL ^ (k)->key[1]);        \
	VT b = ((VT){ 0 } + ((uint64_t)12 << 56)) | (tail);                          \
	v3 ^= (m0); DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3); v0 ^= (m0); \
	v3 ^= b; DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3); v0 ^= b;       \
	v2 ^= (uint64_t)0xff;                                                       \
	DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3);                 \
	DP_VSIPROUND(v0, v1, v2, v3); DP_VSIPROUND(v0, v1, v2, v3);                 \
	(out) = (v0 ^ v1) ^ (v2 ^ v3);                                              \
} while (0)

/* secure_tcp_seq_and_ts_off() in lanes: siphash_3u32(local, remote, lport << 16 | rport) >> 32. */
#define DP_DEFINE_TSOFF_V4_BURST(name, VT, LANES, isa)                                                    \
static __attribute__((target(isa))) unsigned name(const dp_siphash_key_t *k,                               \
						    const struct dp_cookie_v4_req *req, uint32_t *out,       \
						    unsigned n)                                              \
{                                                                                                       \
	unsigned i;                                                                                     \
                                                                                                        \
	for (i = 0; i + (LANES) <= n; i += (LANES)) {                                                   \
		VT m0, tail, h;                                                                         \
                                                                                                        \
		for (unsigned j = 0; j < (LANES); j++) {                                                \
			m0[j] = req[i + j].daddr | (uint64_t)req[i + j].saddr << 32;                    \
			tail[j] = (uint32_t)req[i + j].dport << 16 | req[i + j].sport;                  \
		}                                                                                       \
		DP_VSIPHASH_12(VT, k, m0, tail, h);                                                     \
		for (unsigned j = 0; j < (LANES); j++)                                                  \
			out[i + j] = (uint32_t)(h[j] >> 32);                                            \
	}                                                                                               \
	return i;                                                                                       \
}

#define DP_DEFINE_COOKIE_V4_BURST(name, VT, LANES, isa)                                                   \
static __attribute__((target(isa))) unsigned name(const struct dp_cookie_secret *s, uint32_t count,         \
						    const struct dp_cookie_v4_req *req, uint32_t *isn_out,   \
						    unsigned n)                                              \
{                                                                                                       \
	unsigned i;                                                                                     \
                                                                                                        \
	for (i = 0; i + (LANES) <= n; i += (LANES)) {                                                   \
		VT m0, m1a, m1b, h0, h1;                                                                \
                                                                                                        \
		for (unsigned j = 0; j < (LANES); j++) {                                                \
			const struct dp_cookie_v4_req *r = &req[i + j];                                 \
			uint64_t ports = (uint32_t)r->sport << 16 | r->dport;                           \
                                                                                                        \
			m0[j] = r->saddr | (uint64_t)r->daddr << 32;                                    \
			m1a[j] = ports;                                                                 \
			m1b[j] = ports | (uint64_t)count << 32;                                         \
		}                                                                                       \
		DP_VSIPHASH_16(VT, &s->key[0], m0, m1a, h0);                                            \
		DP_VSIPHASH_16(VT, &s->key[1], m0, m1b, h1);                                            \
		for (unsigned j = 0; j < (LANES); j++)                                                  \
			isn_out[i + j] = (uint32_t)h0[j] + req[i + j].client_seq + (count << DP_COOKIEBITS) + \
					 (((uint32_t)h1[j] + req[i + j].mss_index) & DP_COOKIEMASK);     \
	}                                                                                               \
	return i;                                                                                       \
}

/* The check in lanes: first pass H(k0, 0) gives each cookie's age; the second hashes with count - age. */
#define DP_DEFINE_COOKIE_V4_CHECK_BURST(name, VT, LANES, isa)                                             \
static __attribute__((target(isa))) unsigned name(const struct dp_cookie_secret *s, uint32_t count,         \
						    const struct dp_cookie_v4_ack *ack, int *idx_out,        \
						    unsigned n)                                              \
{                                                                                                       \
	unsigned i;                                                                                     \
                                                                                                        \
	for (i = 0; i + (LANES) <= n; i += (LANES)) {                                                   \
		VT m0, m1a, m1b, h0, h1;                                                                \
		uint32_t c[LANES], diff[LANES];                                                         \
                                                                                                        \
		for (unsigned j = 0; j < (LANES); j++) {                                                \
			const struct dp_cookie_v4_ack *a = &ack[i + j];                                 \
                                                                                                        \
			m0[j] = a->saddr | (uint64_t)a->daddr << 32;                                    \
			m1a[j] = (uint32_t)a->sport << 16 | a->dport;                                   \
		}                                                                                       \
		DP_VSIPHASH_16(VT, &s->key[0], m0, m1a, h0);                                            \
		for (unsigned j = 0; j < (LANES); j++) {                                                \
			c[j] = ack[i + j].cookie - ((uint32_t)h0[j] + ack[i + j].sseq);                 \
			diff[j] = (count - (c[j] >> DP_COOKIEBITS)) & ((uint32_t)-1 >> DP_COOKIEBITS);  \
			m1b[j] = m1a[j] | (uint64_t)(count - diff[j]) << 32;                            \
		}                                                                                       \
		DP_VSIPHASH_16(VT, &s->key[1], m0, m1b, h1);                                            \
		for (unsigned j = 0; j < (LANES); j++) {                                                \
			uint32_t data = (c[j] - (uint32_t)h1[j]) & DP_COOKIEMASK;                       \
                                                                                                        \
			idx_out[i + j] = diff[j] < DP_MAX_SYNCOOKIE_AGE && data < DP_MSS_TABLE_SIZE      \
					 ? (int)data : -1;                                              \
		}                                                                                       \
	}                                                                                               \
	return i;                                                                                       \
}

typedef uint64_t dp_v8u64 __attribute__((vector_size(64)));
typedef uint64_t dp_v4u64 __attribute__((vector_size(32)));
DP_DEFINE_COOKIE_V4_BURST(cookie_v4_burst_avx512, dp_v8u64, 8, "avx512f,avx512vl")
DP_DEFINE_COOKIE_V4_BURST(cookie_v4_burst_avx2, dp_v4u64, 4, "avx2")
DP_DEFINE_COOKIE_V4_CHECK_BURST(cookie_v4_check_burst_avx512, dp_v8u64, 8, "avx512f,avx512vl")
DP_DEFINE_COOKIE_V4_CHECK_BURST(cookie_v4_check_burst_avx2, dp_v4u64, 4, "avx2")
DP_DEFINE_TSOFF_V4_BURST(tsoff_v4_burst_avx512, dp_v8u64, 8, "avx512f,avx512vl")
DP_DEFINE_TSOFF_V4_BURST(tsoff_v4_burst_avx2, dp_v4u64, 4, "avx2")

/* 2 avx512, 1 avx2, 0 scalar; a benign race: every thread computes the same value. */
static int simd_isa(void)
{
	static int isa = -1;

	if (isa < 0) {
		__builtin_cpu_init();
		isa = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2
		      : __builtin_cpu_supports("avx2") ? 1 : 0;
	}
	return isa;
}

void dp_tsoff_v4_2026_burst(const dp_siphash_key_t *net_secret, const struct dp_cookie_v4_req *req,
			    uint32_t *tsoff_out, unsigned n)
{
	int isa = simd_isa();
	unsigned i = 0;

	if (isa == 2)
		i = tsoff_v4_burst_avx512(net_secret, req, tsoff_out, n);
	else if (isa == 1)
		i = tsoff_v4_burst_avx2(net_secret, req, tsoff_out, n);
	for (; i < n; i++)
		tsoff_out[i] = (uint32_t)(dp_siphash_3u32(req[i].daddr, req[i].saddr,
							  (uint32_t)req[i].dport << 16 | req[i].sport, net_secret) >> 32);
}

void dp_cookie_v4_check_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v4_ack *ack,
			      int *idx_out, unsigned n)
{
	unsigned i = 0;

	if (s->alg == DP_COOKIE_SIPHASH) {
		int isa = simd_isa();

		if (isa == 2)
			i = cookie_v4_check_burst_avx512(s, count, ack, idx_out, n);
		else if (isa == 1)
			i = cookie_v4_check_burst_avx2(s, count, ack, idx_out, n);
	}
	for (; i < n; i++)
		idx_out[i] = dp_cookie_v4_check(s, ack[i].saddr, ack[i].daddr, ack[i].sport, ack[i].dport, ack[i].sseq,
						ack[i].cookie, count);
}

void dp_cookie_v4_make_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v4_req *req,
			     uint32_t *isn_out, unsigned n)
{
	unsigned i = 0;

	if (s->alg == DP_COOKIE_SIPHASH) {
		int isa = simd_isa();

		if (isa == 2)
			i = cookie_v4_burst_avx512(s, count, req, isn_out, n);
		else if (isa == 1)
			i = cookie_v4_burst_avx2(s, count, req, isn_out, n);
	}
	for (; i < n; i++)
		isn_out[i] = dp_cookie_v4_make(s, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport,
					       req[i].client_seq, count, req[i].mss_index);
}
