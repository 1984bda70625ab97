/* cookie_burst.c: the SYN/ACK hot path in SIMD lanes: IPv4 cookies, cookie checks and 2026-rule tsoff for a whole
 * burst at once (AVX-512 or AVX2 chosen at run time, scalar fallback and tail; results equal the scalar forms). */
#include "cookie.h"
#include "tsopt.h"

/*
 * Burst IPv4 cookies: SipHash over 8 (AVX-512) or 4 (AVX2) tuples at once, one 64-bit lane per tuple, both hashes
 * of each cookie (H(k0, 0) and H(k1, count)) per pass. The rounds are siphash.h's, instantiated for a vector type;
 * the message words per lane are the same as the scalar dp_cookie_v4_hash(): m0 = saddr | daddr << 32,
 * m1 = (sport << 16 | dport) | count << 32. GCC emits vprolq for the rotations where the ISA has it.
 */

/* out = SipHash-2-4(k, m0 || m1) per lane (16-byte message), all in vector type VT. */
#define DP_VSIPHASH_16(VT, k, m0, m1, out)         \
	do {                                       \
		DP_SIP_INIT(VT, k);                \
		DP_SIP_COMPRESS(m0);               \
		DP_SIP_COMPRESS(m1);               \
		DP_SIP_FINISH((uint64_t)16 << 56); \
		(out) = DP_SIP_RESULT;             \
	} while (0)

/* out = SipHash-2-4(k, m0 || low 4 bytes of tail) per lane (12-byte message: the tail joins the length block). */
#define DP_VSIPHASH_12(VT, k, m0, tail, out)                                \
	do {                                                                \
		DP_SIP_INIT(VT, k);                                         \
		DP_SIP_COMPRESS(m0);                                        \
		DP_SIP_FINISH(((VT){ 0 } + ((uint64_t)12 << 56)) | (tail)); \
		(out) = DP_SIP_RESULT;                                      \
	} while (0)

/* secure_tcp_seq_and_ts_off() in lanes: siphash_3u32(local, remote, lport << 16 | rport) >> 32. */
#define DP_DEFINE_TSOFF_V4_BURST(name, VT, LANES, isa)                                                    \
	static __attribute__((target(isa))) unsigned name(                                                \
		const dp_siphash_key_t *k, const struct dp_cookie_v4_req *req, uint32_t *out, unsigned n) \
	{                                                                                                 \
		unsigned i;                                                                               \
                                                                                                          \
		for (i = 0; i + (LANES) <= n; i += (LANES)) {                                             \
			VT m0, tail, h;                                                                   \
                                                                                                          \
			for (unsigned j = 0; j < (LANES); j++) {                                          \
				m0[j] = req[i + j].daddr | (uint64_t)req[i + j].saddr << 32;              \
				tail[j] = (uint32_t)req[i + j].dport << 16 | req[i + j].sport;            \
			}                                                                                 \
			DP_VSIPHASH_12(VT, k, m0, tail, h);                                               \
			for (unsigned j = 0; j < (LANES); j++)                                            \
				out[i + j] = (uint32_t)(h[j] >> 32);                                      \
		}                                                                                         \
		return i;                                                                                 \
	}

#define DP_DEFINE_COOKIE_V4_BURST(name, VT, LANES, isa)                                                          \
	static __attribute__((target(isa))) unsigned name(const struct dp_cookie_secret *s, uint32_t count,      \
							  const struct dp_cookie_v4_req *req, uint32_t *isn_out, \
							  unsigned n)                                            \
	{                                                                                                        \
		unsigned i;                                                                                      \
                                                                                                                 \
		for (i = 0; i + (LANES) <= n; i += (LANES)) {                                                    \
			VT m0, m1a, m1b, h0, h1;                                                                 \
                                                                                                                 \
			for (unsigned j = 0; j < (LANES); j++) {                                                 \
				const struct dp_cookie_v4_req *r = &req[i + j];                                  \
				uint64_t ports = (uint32_t)r->sport << 16 | r->dport;                            \
                                                                                                                 \
				m0[j] = r->saddr | (uint64_t)r->daddr << 32;                                     \
				m1a[j] = ports;                                                                  \
				m1b[j] = ports | (uint64_t)count << 32;                                          \
			}                                                                                        \
			DP_VSIPHASH_16(VT, &s->key[0], m0, m1a, h0);                                             \
			DP_VSIPHASH_16(VT, &s->key[1], m0, m1b, h1);                                             \
			for (unsigned j = 0; j < (LANES); j++)                                                   \
				isn_out[i + j] = dp_cookie_compose((uint32_t)h0[j], (uint32_t)h1[j],             \
								   req[i + j].client_seq, count,                 \
								   req[i + j].mss_index);                        \
		}                                                                                                \
		return i;                                                                                        \
	}

/* The check in lanes: first pass H(k0, 0) gives each cookie's age; the second hashes with count - age. */
#define DP_DEFINE_COOKIE_V4_CHECK_BURST(name, VT, LANES, isa)                                                        \
	static __attribute__((target(isa))) unsigned name(const struct dp_cookie_secret *s, uint32_t count,          \
							  const struct dp_cookie_v4_ack *ack, int *idx_out,          \
							  unsigned n)                                                \
	{                                                                                                            \
		unsigned i;                                                                                          \
                                                                                                                     \
		for (i = 0; i + (LANES) <= n; i += (LANES)) {                                                        \
			VT m0, m1a, m1b, h0, h1;                                                                     \
			uint32_t c[LANES], diff[LANES];                                                              \
                                                                                                                     \
			for (unsigned j = 0; j < (LANES); j++) {                                                     \
				const struct dp_cookie_v4_ack *a = &ack[i + j];                                      \
                                                                                                                     \
				m0[j] = a->saddr | (uint64_t)a->daddr << 32;                                         \
				m1a[j] = (uint32_t)a->sport << 16 | a->dport;                                        \
			}                                                                                            \
			DP_VSIPHASH_16(VT, &s->key[0], m0, m1a, h0);                                                 \
			for (unsigned j = 0; j < (LANES); j++) {                                                     \
				c[j] = dp_cookie_strip(ack[i + j].cookie, (uint32_t)h0[j], ack[i + j].sseq, count,   \
						       &diff[j]);                                                    \
				m1b[j] = m1a[j] | (uint64_t)(count - diff[j]) << 32;                                 \
			}                                                                                            \
			DP_VSIPHASH_16(VT, &s->key[1], m0, m1b, h1);                                                 \
			for (unsigned j = 0; j < (LANES); j++)                                                       \
				idx_out[i + j] =                                                                     \
					diff[j] < DP_MAX_SYNCOOKIE_AGE ? dp_cookie_data(c[j], (uint32_t)h1[j]) : -1; \
		}                                                                                                    \
		return i;                                                                                            \
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
		isa = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2 :
		      __builtin_cpu_supports("avx2")					      ? 1 :
												0;
	}
	return isa;
}

void dp_tsoff_v4_2026_burst(const dp_siphash_key_t *net_secret, const struct dp_cookie_v4_req *req, uint32_t *tsoff_out,
			    unsigned n)
{
	int isa = simd_isa();
	unsigned i = 0;

	if (isa == 2)
		i = tsoff_v4_burst_avx512(net_secret, req, tsoff_out, n);
	else if (isa == 1)
		i = tsoff_v4_burst_avx2(net_secret, req, tsoff_out, n);
	for (; i < n; i++)
		tsoff_out[i] = (uint32_t)(dp_siphash_3u32(req[i].daddr, req[i].saddr,
							  (uint32_t)req[i].dport << 16 | req[i].sport, net_secret) >>
					  32);
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
