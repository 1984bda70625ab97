/* synack.h: rewrites a SYN frame in place into the cookie SYN-ACK the protected server's kernel would send (the
 * headers come from src/shared/synack_layout.h, which the XDP program uses too). Inline in the verdict's flush
 * loop: an out-of-line call with 11 arguments (5 on the stack) cost ~40 instructions per SYN. */
#ifndef DP_CORE_SYNACK_H
#define DP_CORE_SYNACK_H

#include <string.h>

#include "core_int.h"
#include "parse.h"
#include "synack_layout.h"

static inline void put_words(uint8_t *d, const uint32_t *w, unsigned n)
{
#pragma GCC unroll 10
	for (unsigned i = 0; i < 10; i++)
		if (i < n)
			memcpy(d + 4 * i, &w[i], 4);
}

/* Rewrites the frame in place; returns the new length or 0 when cap is short. */
static inline __attribute__((always_inline)) uint32_t dp_synack_build(struct dp_pkt *p, const struct dp_l3 *l3,
								      const struct dp_tcp *t, const struct dp_host *h,
								      const uint8_t *our_mac, uint32_t isn, bool ts,
								      uint32_t tsval, bool sack, bool ws, bool ecn)
{
	uint8_t *f = p->data;
	struct dp_synack_in in = {
		.client_port = t->sport,
		.server_port = t->dport,
		.isn = isn,
		.client_seq = t->seq,
		.tsval = tsval,
		.tsecr = t->tsval,
		.mss = h->mss,
		.ttl = h->ttl,
		.ts = ts,
		.sack = sack,
		.ws = ws,
		.ecn = ecn,
	};
	uint32_t ipw[10], th[10];
	uint32_t iphl = l3->family == 4 ? 20 : 40;
	uint32_t newlen = l3->l3_off + iphl + dp_synack_tcp_len(ts, ws);
	uint64_t cmac;

	if (newlen > p->cap)
		return 0;
	dp_host_synack_ws(h, t->dport, ts, &in.window, &in.wscale); /* the SYN's listener's, else the host's */
	/* Everything read from the SYN is copied out first: the reply overwrites the same bytes. */
	if (l3->family == 4) { /* constant sizes: no byte loops */
		memcpy(in.client, l3->saddr, 4);
		memcpy(in.server, l3->daddr, 4);
	} else {
		memcpy(in.client, l3->saddr, 16);
		memcpy(in.server, l3->daddr, 16);
	}
	memcpy(&cmac, f + 6, 8); /* the client's MAC (+ 2 bytes of ethertype/tag, not used); len >= 14 */
	/* Word stores straight into the frame: staging the header in a buffer and copying it with vector loads
	 * made those loads wait for the many small stores that built the buffer (store-forwarding stalls). */
	memcpy(f, &cmac, 6);
	memcpy(f + 6, our_mac, 6);
	if (l3->family == 4) {
		dp_synack_layout4(&in, ipw, th);
		put_words(f + l3->l3_off, ipw, 5);
	} else {
		dp_synack_layout6(&in, ipw, th);
		put_words(f + l3->l3_off, ipw, 10);
	}
	if (l3->l3_off + iphl + 40 <= p->cap) /* all 10 words; bytes past newlen are not sent */
		put_words(f + l3->l3_off + iphl, th, 10);
	else
		put_words(f + l3->l3_off + iphl, th, dp_synack_tcp_len(ts, ws) / 4);
	p->len = newlen;
	p->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
	return newlen;
}

#endif /* DP_CORE_SYNACK_H */
