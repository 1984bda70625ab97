/* synack.c: rewrites a SYN frame in place into the cookie SYN-ACK the protected server's kernel would send. */
#include <string.h>

#include "core_int.h"
#include "csum.h"
#include "parse.h"

/*
 * TCP options exactly as tcp_options_write() orders them for a SYN-ACK:
 *   MSS (4) | SACK_PERM+TS (12) or NOP NOP TS (12) | NOP WSCALE (4)
 * SACK without TS never happens in cookie mode (no TS in the SYN clears every option but MSS).
 */
static inline uint32_t write_options(uint8_t *o, const struct dp_host *h, bool ts, uint32_t tsval, uint32_t tsecr,
				     bool sack, bool ws)
{
	uint32_t n = 4;

	o[0] = 2;
	o[1] = 4;
	dp_put_be16(o + 2, h->mss);
	if (ts) {
		if (sack) {
			o[4] = 4;
			o[5] = 2;
		} else {
			o[4] = 1;
			o[5] = 1;
		}
		o[6] = 8;
		o[7] = 10;
		dp_put_be32(o + 8, tsval);
		dp_put_be32(o + 12, tsecr);
		n = 16;
		if (ws) {
			o[16] = 1;
			o[17] = 3;
			o[18] = 3;
			o[19] = h->wscale;
			n = 20;
		}
	}
	return n;
}

uint32_t dp_synack_build(struct dp_pkt *p, const struct dp_l3 *l3, const struct dp_tcp *t, const struct dp_host *h,
			 const uint8_t *our_mac, uint32_t isn, bool ts, uint32_t tsval, bool sack, bool ws, bool ecn)
{
	uint8_t *f = p->data;
	uint8_t client[16], server[16], cmac[6], mac[6];
	unsigned alen = l3->family == 4 ? 4 : 16;
	uint32_t iphl = l3->family == 4 ? 20 : 40;
	uint32_t optlen = 4 + (ts ? 12 + (ws ? 4 : 0) : 0);
	uint32_t thl = 20 + optlen;
	uint32_t newlen = l3->l3_off + iphl + thl;
	uint16_t cport = t->sport, sport = t->dport;
	uint8_t *ip, *th;
	uint64_t sum;
	uint16_t c;

	if (newlen > p->cap)
		return 0;
	/* Everything read from the SYN is copied out first: the reply overwrites the same bytes. */
	memcpy(client, l3->saddr, alen);
	memcpy(server, l3->daddr, alen);
	memcpy(cmac, f + 6, 6);
	memcpy(mac, our_mac, 6); /* our_mac may point into the config, never into the frame, but be safe */

	memcpy(f, cmac, 6);
	memcpy(f + 6, mac, 6);
	ip = f + l3->l3_off;
	th = ip + iphl;
	if (l3->family == 4) {
		/* ip_build_and_send_pkt(): DF set, so id = 0; tos 0 (tcp_reflect_tos off); the listener's TTL. */
		ip[0] = 0x45;
		ip[1] = 0;
		dp_put_be16(ip + 2, (uint16_t)(iphl + thl));
		ip[4] = ip[5] = 0;
		ip[6] = 0x40;
		ip[7] = 0;
		ip[8] = h->ttl;
		ip[9] = DP_IPPROTO_TCP;
		ip[10] = ip[11] = 0;
		memcpy(ip + 12, server, 4);
		memcpy(ip + 16, client, 4);
		c = dp_csum_finish(dp_csum_add(0, ip, 20));
		memcpy(ip + 10, &c, 2);
	} else {
		/* Traffic class 0 (not ECT: a SYN-ACK never is), flow label 0, the listener's hop limit. */
		ip[0] = 0x60;
		ip[1] = ip[2] = ip[3] = 0;
		dp_put_be16(ip + 4, (uint16_t)thl);
		ip[6] = DP_IPPROTO_TCP;
		ip[7] = h->ttl;
		memcpy(ip + 8, server, 16);
		memcpy(ip + 24, client, 16);
	}
	memcpy(th, &sport, 2);
	memcpy(th + 2, &cport, 2);
	dp_put_be32(th + 4, isn);
	dp_put_be32(th + 8, t->seq + 1);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = DP_TCP_SYN | DP_TCP_ACK | (ecn ? DP_TCP_ECE : 0);
	dp_put_be16(th + 14, h->window);
	th[16] = th[17] = 0; /* checksum */
	th[18] = th[19] = 0; /* urgent pointer */
	write_options(th + 20, h, ts, tsval, t->tsval, sack, ws);
	sum = dp_csum_pseudo(server, client, alen, DP_IPPROTO_TCP, thl);
	c = dp_csum_finish(dp_csum_add(sum, th, thl));
	memcpy(th + 16, &c, 2);
	p->len = newlen;
	p->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
	return newlen;
}
