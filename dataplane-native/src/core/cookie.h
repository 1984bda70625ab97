/* cookie.h: the userspace side of the SYN cookies: a host's secret of either algorithm (SipHash, shared with the XDP
 * program in src/shared/syncookie.h, or the legacy SHA-1 of kernels <= 4.10), the burst forms in SIMD lanes, and
 * the JNA-friendly exported wrappers. */
#ifndef DP_CORE_COOKIE_H
#define DP_CORE_COOKIE_H

#include "syncookie.h"
#include "tsopt.h"

/* The Makefile defines DP_EXPORT; this fallback keeps the header usable by other builds (tests, fuzzers). */
#ifndef DP_EXPORT
#define DP_EXPORT __attribute__((visibility("default")))
#endif

/* Legacy (kernels <= 4.10): per slot 16 - 4 + SHA_DIGEST_WORDS = 17 u32 words (IPv6 uses the first 11). */
#define DP_SHA1_SECRET_WORDS 17

/* Which hash the protected server's kernel uses. */
enum dp_cookie_alg {
	DP_COOKIE_SIPHASH = 0,	  /* kernels >= 4.11 */
	DP_COOKIE_SHA1_LEGACY = 1 /* kernels <= 4.10 */
};

/* One family's secret pair: syncookie_secret[2] (or syncookie6_secret[2]) of the server's kernel. */
struct dp_cookie_secret {
	enum dp_cookie_alg alg;
	dp_siphash_key_t key[2];		/* DP_COOKIE_SIPHASH */
	uint32_t sha1[2][DP_SHA1_SECRET_WORDS]; /* DP_COOKIE_SHA1_LEGACY, words in the kernel's memory order */
};

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
int dp_cookie_v4_check(const struct dp_cookie_secret *s, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
		       uint32_t sseq, uint32_t cookie, uint32_t count);
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

/* Burst 2026-rule tsoff for the same SYNs (local = daddr/dport, remote = saddr/sport): out[i] equals
 * dp_tsoff_v4(DP_TSOFF_2026, net_secret, req[i].daddr, req[i].saddr, req[i].dport, req[i].sport). */
void dp_tsoff_v4_2026_burst(const dp_siphash_key_t *net_secret, const struct dp_cookie_v4_req *req, uint32_t *tsoff_out,
			    unsigned n);

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
DP_EXPORT int dp_cookie4_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count, const uint8_t saddr[4],
				   const uint8_t daddr[4], uint32_t sport, uint32_t dport, uint32_t seq, uint32_t mss,
				   uint32_t out[3]);
DP_EXPORT int dp_cookie4_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[4], const uint8_t daddr[4], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack);
DP_EXPORT int dp_cookie6_make_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				   const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				   uint32_t seq, uint32_t mss, uint32_t out[3]);
DP_EXPORT int dp_cookie6_check_sha1(const uint32_t s0[17], const uint32_t s1[17], uint32_t count,
				    const uint8_t saddr[16], const uint8_t daddr[16], uint32_t sport, uint32_t dport,
				    uint32_t seq, uint32_t ack);

/* The generic SipHash-2-4 (dp_siphash_bytes), exported for the Java tests of the message layouts. */
DP_EXPORT uint64_t dp_siphash(const void *data, size_t len, const dp_siphash_key_t *key);

/* Timestamp wrappers (tsopt.h), JNA-friendly: ports host order, addresses as wire bytes, secret as its two u64
 * words. rule: 0 none, 1 pre2026, 2 2026. wscale: -1 = none. */
DP_EXPORT uint32_t dp_ts_tsval(uint64_t now_ms, uint32_t tsoff, int32_t wscale, int32_t sack, int32_t ecn);
DP_EXPORT uint32_t dp_ts_tsoff4(int32_t rule, const uint64_t secret[2], const uint8_t local[4], const uint8_t remote[4],
				uint32_t lport, uint32_t rport);
DP_EXPORT uint32_t dp_ts_tsoff6(int32_t rule, const uint64_t secret[2], const uint8_t local[16],
				const uint8_t remote[16], uint32_t lport, uint32_t rport);
/* Decodes tsecr_minus_tsoff against the sysctls; returns -1 when refused, else the bits
 * (bit 0-3 snd_wscale or 0xF for none, bit 4 sack_ok, bit 5 ecn_ok, bit 6 saw_tstamp). */
DP_EXPORT int32_t dp_ts_decode(int32_t saw_tstamp, uint32_t tsecr_minus_tsoff, int32_t tcp_timestamps, int32_t tcp_sack,
			       int32_t tcp_window_scaling, int32_t tcp_ecn);

#endif /* DP_CORE_COOKIE_H */
