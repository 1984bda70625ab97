/* cookie.h: kernel-exact SYN cookies (net/ipv4/syncookies.c, net/ipv6/syncookies.c): SipHash-2-4 since 4.11,
 * the legacy SHA-1 variant of kernels <= 4.10, the MSS tables, and the JNA-friendly exported wrappers. */
#ifndef DP_CORE_COOKIE_H
#define DP_CORE_COOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "siphash.h"

/*
 * The cookie (all arithmetic mod 2^32; the kernel's secure_tcp_syn_cookie()):
 *
 *   isn = H(k0, 0) + client_seq + (count << COOKIEBITS) + ((H(k1, count) + mss_index) & COOKIEMASK)
 *
 *   31          24 23                                  0
 *  +--------------+-------------------------------------+
 *  | count (8 bit)|  H(k1, count) + mss_index (24 bit)  |   ...plus H(k0, 0) + client_seq over all 32 bits
 *  +--------------+-------------------------------------+
 *
 * H(k, count) is the low 32 bits of SipHash-2-4 keyed with k over the client's 4-tuple and count.
 * count = jiffies_64 / (60 * HZ) of the protected server. A cookie is accepted for age 0 and 1 (1-2 minutes).
 */
#define DP_COOKIEBITS          24
#define DP_COOKIEMASK          (((uint32_t)1 << DP_COOKIEBITS) - 1)
#define DP_MAX_SYNCOOKIE_AGE   2
#define DP_MSS_TABLE_SIZE      4
#define DP_TCP_MSS_DEFAULT     536U   /* IPv4 SYN without an MSS option */
#define DP_TCP6_MSS_DEFAULT    1220U  /* IPv6 SYN without an MSS option: IPV6_MIN_MTU - 40 - 20 */

/* Legacy (kernels <= 4.10): per slot 16 - 4 + SHA_DIGEST_WORDS = 17 u32 words (IPv6 uses the first 11). */
#define DP_SHA1_SECRET_WORDS   17

/* Which hash the protected server's kernel uses. */
enum dp_cookie_alg {
	DP_COOKIE_SIPHASH = 0,    /* kernels >= 4.11 */
	DP_COOKIE_SHA1_LEGACY = 1 /* kernels <= 4.10 */
};

/* One family's secret pair: syncookie_secret[2] (or syncookie6_secret[2]) of the server's kernel. */
struct dp_cookie_secret {
	enum dp_cookie_alg alg;
	dp_siphash_key_t key[2];                    /* DP_COOKIE_SIPHASH */
	uint32_t sha1[2][DP_SHA1_SECRET_WORDS];     /* DP_COOKIE_SHA1_LEGACY, words in the kernel's memory order */
};

/*
 * MSS Values are chosen based on the 2011 paper
 * 'An Analysis of TCP Maximum Segement Sizes' by S. Alcock and R. Nelson.
 * Values ..
 *  .. lower than 536 are rare (< 0.2%)
 *  .. between 537 and 1299 account for less than < 1.5% of observed values
 *  .. in the 1300-1349 range account for about 15 to 20% of observed mss values
 *  .. exceeding 1460 are very rare (< 0.04%)
 *
 *  1460 is the single most frequently announced mss value (30 to 46% depending
 *  on monitor location).  Table must be sorted.
 */
extern const uint16_t dp_msstab4[DP_MSS_TABLE_SIZE];
/* IPv6: 1280 - 60 (IPv6 min MTU minus headers), 1480 - 60 (IPv6-in-IPv4), 1500 - 60, 9000 - 60 (jumbo).
 * Table must be sorted. */
extern const uint16_t dp_msstab6[DP_MSS_TABLE_SIZE];

/* Index of the largest table entry <= mss (index 0 when mss is below every entry), as cookie_v4_init_sequence. */
static inline unsigned dp_mss_index(const uint16_t *tab, uint16_t mss)
{
	unsigned i;

	for (i = DP_MSS_TABLE_SIZE - 1; i; i--)
		if (mss >= tab[i])
			break;
	return i;
}

/*
 * IPv4 cookie hash: siphash_4u32(saddr, daddr, sport << 16 | dport, count), low 32 bits.
 * Addresses and ports are as stored in the headers (network byte order, __be32/__be16), saddr/sport the client.
 * The 16-byte message a little-endian kernel hashes: saddr, daddr, dport, sport, count (LE u32).
 */
static inline uint32_t dp_cookie_v4_hash(const dp_siphash_key_t *k, uint32_t saddr, uint32_t daddr,
					 uint16_t sport, uint16_t dport, uint32_t count)
{
	return (uint32_t)dp_siphash_4u32(saddr, daddr, (uint32_t)sport << 16 | dport, count, k);
}

/* IPv6 cookie hash: siphash over { saddr[16], daddr[16], count (LE u32), sport, dport } = 40 bytes. */
uint32_t dp_cookie_v6_hash(const dp_siphash_key_t *k, const uint8_t saddr[16], const uint8_t daddr[16],
			   uint16_t sport, uint16_t dport, uint32_t count);

/* Legacy SHA-1 hashes of kernels <= 4.10 (cookie_hash() there: one sha_transform, word 1 of the digest). */
uint32_t dp_cookie_v4_hash_sha1(const uint32_t secret[DP_SHA1_SECRET_WORDS], uint32_t saddr, uint32_t daddr,
				uint16_t sport, uint16_t dport, uint32_t count);
uint32_t dp_cookie_v6_hash_sha1(const uint32_t secret[DP_SHA1_SECRET_WORDS], const uint8_t saddr[16],
				const uint8_t daddr[16], uint16_t sport, uint16_t dport, uint32_t count);

/*
 * Kernel-shaped entry points (addresses/ports in network byte order as in the headers; seq in host order).
 * make: client_seq is the SYN's sequence number; returns the SYN-ACK's ISN. mss_index must be < 4.
 * check: cookie = ack_seq - 1 and sseq = seq - 1 of the ACK (as __cookie_v4_check); count is the server's
 * current count. Returns the mss_index (0..3) or -1 when the cookie is invalid (age >= 2, or index >= 4).
 */
uint32_t dp_cookie_v4_make(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport,
			   uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index);
int dp_cookie_v4_check(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport,
		       uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count);
uint32_t dp_cookie_v6_make(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
			   uint16_t sport, uint16_t dport, uint32_t client_seq, uint32_t count, uint32_t mss_index);
int dp_cookie_v6_check(const struct dp_cookie_secret *s, const uint8_t saddr[16], const uint8_t daddr[16],
		       uint16_t sport, uint16_t dport, uint32_t sseq, uint32_t cookie, uint32_t count);

/*
 * Burst form for the SYN path (SipHash only): n IPv4 cookies under one secret, computed 4 at a time in
 * interleaved lanes (AVX2 when the CPU has it). Tuple fields as in dp_cookie_v4_make.
 */
struct dp_cookie_v4_req {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t client_seq;
	uint32_t mss_index;
};
void dp_cookie_v4_make_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v4_req *req,
			     uint32_t *isn_out, unsigned n);

/* Burst form for the ACK path: sseq = the ACK's seq - 1, cookie = its ack_seq - 1 (as dp_cookie_v4_check).
 * idx_out[i] = mss_index 0..3, or -1 when invalid. Works for both algorithms (SIMD for SipHash). */
struct dp_cookie_v4_ack {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t sseq;
	uint32_t cookie;
};
void dp_cookie_v4_check_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v4_ack *ack,
			      int *idx_out, unsigned n);

/* IPv6 burst forms (SipHash in lanes over the 40-byte message; SHA-1 legacy falls back to scalar). */
struct dp_cookie_v6_req {
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t client_seq;
	uint32_t mss_index;
};
void dp_cookie_v6_make_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v6_req *req,
			     uint32_t *isn_out, unsigned n);
struct dp_cookie_v6_ack {
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t sseq;
	uint32_t cookie;
};
void dp_cookie_v6_check_burst(const struct dp_cookie_secret *s, uint32_t count, const struct dp_cookie_v6_ack *ack,
			      int *idx_out, unsigned n);

/* Burst 2026-rule tsoff for the same SYNs (local = daddr/dport, remote = saddr/sport): out[i] equals
 * dp_tsoff_v4(DP_TSOFF_2026, net_secret, req[i].daddr, req[i].saddr, req[i].dport, req[i].sport). */
void dp_tsoff_v4_2026_burst(const dp_siphash_key_t *net_secret, const struct dp_cookie_v4_req *req,
			    uint32_t *tsoff_out, unsigned n);

/*
 * Exported, JNA-friendly wrappers (plain integers and byte arrays; ports and seq numbers in host order,
 * addresses as their wire bytes, each key as its two u64 words in /proc/tcp_secrets order).
 * dp_cookie4_make: out[0] = isn, out[1] = mss_index, out[2] = the table MSS encoded. Returns 0.
 * dp_cookie4_check: seq/ack are the ACK segment's own numbers. Returns the table MSS, or 0 when invalid.
 */
DP_EXPORT int dp_cookie4_make(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[4],
			      const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
			      uint32_t out[3]);
DP_EXPORT int dp_cookie4_check(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[4],
			       const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack);
DP_EXPORT int dp_cookie6_make(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[16],
			      const uint8_t daddr[16], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
			      uint32_t out[3]);
DP_EXPORT int dp_cookie6_check(const uint64_t k0[2], const uint64_t k1[2], uint32_t count, const uint8_t saddr[16],
			       const uint8_t daddr[16], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t ack);
/* Legacy SHA-1 forms: s0/s1 are the 17 u32 words of syncookie_secret[0]/[1] (IPv6 reads 11 of them). */
DP_EXPORT int dp_cookie4_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				   const uint8_t saddr[4], const uint8_t daddr[4], uint32_t sport, uint32_t dport,
				   uint32_t seq, uint32_t mss, uint32_t out[3]);
DP_EXPORT int dp_cookie4_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[4], const uint8_t daddr[4], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack);
DP_EXPORT int dp_cookie6_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				   const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				   uint32_t seq, uint32_t mss, uint32_t out[3]);
DP_EXPORT int dp_cookie6_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack);

#endif /* DP_CORE_COOKIE_H */
