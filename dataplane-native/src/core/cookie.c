/* cookie.c: SYN cookie make/check over a host secret of either algorithm (the SipHash forms and the formula are
 * src/shared/syncookie.h; the legacy SHA-1 hash of kernels <= 4.10 is here) and the exported JNA wrappers. */
#include <string.h>

#include "cookie.h"
#include "sha1.h"

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

/* The formula of syncookie.h over the legacy SHA-1 hashes, or the shared SipHash forms. */
uint32_t dp_cookie_v4_make(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport,
			   uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	if (s->alg != DP_COOKIE_SHA1_LEGACY)
		return dp_syncookie_v4_make(s->key, saddr, daddr, sport, dport, client_seq, count, mss_index);
	return dp_cookie_compose(dp_cookie_v4_hash_sha1(s->sha1[0], saddr, daddr, sport, dport, 0),
				 dp_cookie_v4_hash_sha1(s->sha1[1], saddr, daddr, sport, dport, count), client_seq,
				 count, mss_index);
}

int dp_cookie_v4_check(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
		       uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t age, c;

	if (s->alg != DP_COOKIE_SHA1_LEGACY)
		return dp_syncookie_v4_check(s->key, saddr, daddr, sport, dport, sseq, cookie, count);
	c = dp_cookie_strip(cookie, dp_cookie_v4_hash_sha1(s->sha1[0], saddr, daddr, sport, dport, 0), sseq, count,
			    &age);
	if (age >= DP_MAX_SYNCOOKIE_AGE)
		return -1;
	return dp_cookie_data(c, dp_cookie_v4_hash_sha1(s->sha1[1], saddr, daddr, sport, dport, count - age));
}

uint32_t dp_cookie_v6_make(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
			   uint16_t sport, uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index)
{
	if (s->alg != DP_COOKIE_SHA1_LEGACY)
		return dp_syncookie_v6_make(s->key, saddr, daddr, sport, dport, client_seq, count, mss_index);
	return dp_cookie_compose(dp_cookie_v6_hash_sha1(s->sha1[0], saddr, daddr, sport, dport, 0),
				 dp_cookie_v6_hash_sha1(s->sha1[1], saddr, daddr, sport, dport, count), client_seq,
				 count, mss_index);
}

int dp_cookie_v6_check(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
		       uint16_t sport, uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count)
{
	uint32_t age, c;

	if (s->alg != DP_COOKIE_SHA1_LEGACY)
		return dp_syncookie_v6_check(s->key, saddr, daddr, sport, dport, sseq, cookie, count);
	c = dp_cookie_strip(cookie, dp_cookie_v6_hash_sha1(s->sha1[0], saddr, daddr, sport, dport, 0), sseq, count,
			    &age);
	if (age >= DP_MAX_SYNCOOKIE_AGE)
		return -1;
	return dp_cookie_data(c, dp_cookie_v6_hash_sha1(s->sha1[1], saddr, daddr, sport, dport, count - age));
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

static int check6(const struct dp_cookie_secret *s, uint32_t count, const uint8_t saddr[16], const uint8_t daddr[16],
		  uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack)
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

DP_EXPORT int dp_cookie4_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count, const uint8_t saddr[4],
				   const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
				   uint32_t out[3])
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

DP_EXPORT uint64_t dp_siphash(const void *data, size_t len, const dp_siphash_key_t *key)
{
	return dp_siphash_bytes(data, len, key);
}
