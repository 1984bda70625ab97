/* synack.h: rewrites a SYN frame in place into the cookie SYN-ACK the protected server's kernel would send.
 * Inline in the verdict's flush loop: an out-of-line call with 11 arguments (5 on the stack) cost ~40 instructions
 * per SYN. */
#ifndef DP_CORE_SYNACK_H
#define DP_CORE_SYNACK_H

#include <string.h>

#include "core_int.h"
#include "csum.h"
#include "parse.h"

/*
 * The reply is assembled as 32-bit big-endian words in registers/local memory and summed from those words, then
 * stored with wide copies: no byte stores read back by wider loads (store-forwarding stalls cost more than the
 * arithmetic). TCP options exactly as tcp_options_write() orders them for a SYN-ACK:
 *   MSS (4) | SACK_PERM+TS (12) or NOP NOP TS (12) | NOP WSCALE (4)
 * SACK without TS never happens in cookie mode (no TS in the SYN clears every option but MSS).
 */
static inline uint32_t be32w(uint32_t v)
{
	return __builtin_bswap32(v); /* host to network on the little-endian CPUs we build for */
}

/* Straight-line sums (a loop here was not unrolled and cost ~80 instructions per SYN-ACK). */
static inline uint64_t sum4(const uint32_t *w)
{
	return (uint64_t)w[0] + w[1] + w[2] + w[3];
}

static inline uint64_t sum5(const uint32_t *w)
{
	return sum4(w) + w[4];
}

static inline uint64_t sum10(const uint32_t *w)
{
	return sum5(w) + sum5(w + 5);
}

static inline void put_words(uint8_t *d, const uint32_t *w, unsigned n)
{
#pragma GCC unroll 10
	for (unsigned i = 0; i < 10; i++)
		if (i < n)
			memcpy(d + 4 * i, &w[i], 4);
}

/* Rewrites the frame in place; returns the new length or 0 when cap is short. */
static inline __attribute__((always_inline)) uint32_t dp_synack_build(struct dp_pkt *p, const struct dp_l3 *l3, const struct dp_tcp *t, const struct dp_host *h,
					       const uint8_t *our_mac, uint32_t isn, bool ts, uint32_t tsval, bool sack,
					       bool ws, bool ecn)
{
	_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "synack.h assumes a little-endian CPU");
	uint8_t *f = p->data;
	uint32_t ipw[10], th[10], client[4], server[4], ports;
	uint32_t iphl = l3->family == 4 ? 20 : 40;
	uint32_t nopt = ts ? (ws ? 5 : 4) : 1;
	uint32_t thl = 20 + nopt * 4;
	uint32_t newlen = l3->l3_off + iphl + thl;
	uint64_t sum;
	uint16_t c;
	uint64_t cmac;

	if (newlen > p->cap)
		return 0;
	/* Everything read from the SYN is copied out first: the reply overwrites the same bytes. */
	if (l3->family == 4) { /* constant sizes: no byte loops */
		memcpy(client, l3->saddr, 4);
		memcpy(server, l3->daddr, 4);
	} else {
		memcpy(client, l3->saddr, 16);
		memcpy(server, l3->daddr, 16);
	}
	memcpy(&cmac, f + 6, 8); /* the client's MAC (+ 2 bytes of ethertype/tag, not used); len >= 14 */
	ports = (uint32_t)t->dport | (uint32_t)t->sport << 16; /* wire order: our port (theirs dport) first */

	th[0] = ports;
	th[1] = be32w(isn);
	th[2] = be32w(t->seq + 1);
	th[3] = be32w((thl / 4) << 28 | (uint32_t)(DP_TCP_SYN | DP_TCP_ACK | (ecn ? DP_TCP_ECE : 0)) << 16 |
		      h->window);
	th[4] = 0; /* checksum, urgent pointer */
	th[5] = be32w(2u << 24 | 4u << 16 | h->mss);
	th[6] = th[7] = th[8] = th[9] = 0; /* unused words add nothing to the sum: always sum and copy 10 */
	if (ts) {
		th[6] = be32w(sack ? 0x0402080a : 0x0101080a);
		th[7] = be32w(tsval);
		th[8] = be32w(t->tsval);
		if (ws)
			th[9] = be32w(0x01030300 | h->wscale);
	}
	sum = sum10(th) + be32w(DP_IPPROTO_TCP) + be32w(thl);
	if (l3->family == 4) {
		/* ip_build_and_send_pkt(): DF set, so id = 0; tos 0 (tcp_reflect_tos off); the listener's TTL. */
		ipw[0] = be32w(0x45000000 | (iphl + thl));
		ipw[1] = be32w(0x00004000);
		ipw[2] = be32w((uint32_t)h->ttl << 24 | DP_IPPROTO_TCP << 16);
		ipw[3] = server[0];
		ipw[4] = client[0];
		c = dp_csum_finish(sum5(ipw));
		ipw[2] |= (uint32_t)c << 16; /* the checksum field is bytes 10-11: the high half of word 2 in memory */
		sum += (uint64_t)server[0] + client[0];
	} else {
		/* Traffic class 0 (not ECT: a SYN-ACK never is), flow label 0, the listener's hop limit. */
		ipw[0] = be32w(0x60000000);
		ipw[1] = be32w(thl << 16 | DP_IPPROTO_TCP << 8 | h->ttl);
		memcpy(ipw + 2, server, 16);
		memcpy(ipw + 6, client, 16);
		sum += sum4(server) + sum4(client);
	}
	c = dp_csum_finish(sum);
	th[4] = c;
	/* Word stores straight into the frame: staging the header in a buffer and copying it with vector loads
	 * made those loads wait for the many small stores that built the buffer (store-forwarding stalls). */
	memcpy(f, &cmac, 6);
	memcpy(f + 6, our_mac, 6);
	put_words(f + l3->l3_off, ipw, l3->family == 4 ? 5 : 10);
	if (l3->l3_off + iphl + 40 <= p->cap) /* all 10 words; bytes past newlen are not sent */
		put_words(f + l3->l3_off + iphl, th, 10);
	else
		put_words(f + l3->l3_off + iphl, th, 5 + nopt);
	p->len = newlen;
	p->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
	return newlen;
}

#endif /* DP_CORE_SYNACK_H */
