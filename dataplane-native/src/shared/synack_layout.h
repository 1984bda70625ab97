/* synack_layout.h: the headers of the cookie SYN-ACK the protected server's kernel would send, as 32-bit words in
 * wire order with both checksums filled in. The caller stores them over the SYN (core/synack.h, the XDP program). */
#ifndef DP_SHARED_SYNACK_LAYOUT_H
#define DP_SHARED_SYNACK_LAYOUT_H

#include "csum.h"

#define DP_SYNACK_TCP_SYN 0x02
#define DP_SYNACK_TCP_ACK 0x10
#define DP_SYNACK_TCP_ECE 0x40
#define DP_SYNACK_PROTO_TCP 6U

/* What the SYN-ACK is made of. Addresses and ports are what native loads of the SYN's header bytes give (wire
 * order kept), so they go back into the reply unchanged; everything else is in host order. */
struct dp_synack_in {
	uint32_t client[4], server[4]; /* IPv4: word 0 only */
	uint16_t client_port, server_port;
	uint32_t isn;	       /* the cookie */
	uint32_t client_seq;   /* the SYN's sequence number: we acknowledge client_seq + 1 */
	uint32_t tsval, tsecr; /* our TSval; the SYN's TSval echoed (with ts only) */
	uint16_t window, mss;
	uint8_t wscale, ttl;
	bool ts, sack, ws, ecn; /* options the cookie encodes (sack and ws only with ts) */
};

DP_SHARED uint32_t dp_synack_be32(uint32_t v)
{
	return __builtin_bswap32(v); /* host to network on the little-endian targets of src/shared */
}

/* Straight-line sums (a loop here was not unrolled and cost ~80 instructions per SYN-ACK). */
DP_SHARED uint64_t dp_synack_sum4(const uint32_t *w)
{
	return (uint64_t)w[0] + w[1] + w[2] + w[3];
}

DP_SHARED uint64_t dp_synack_sum5(const uint32_t *w)
{
	return dp_synack_sum4(w) + w[4];
}

/* The TCP header length for these options: MSS (4) | SACK_PERM+TS or NOP NOP TS (12) | NOP WSCALE (4). */
DP_SHARED uint32_t dp_synack_tcp_len(bool ts, bool ws)
{
	return 20 + 4 * (ts ? (ws ? 5 : 4) : 1);
}

/*
 * The TCP header, options exactly as tcp_options_write() orders them for a SYN-ACK:
 *   MSS (4) | SACK_PERM+TS (12) or NOP NOP TS (12) | NOP WSCALE (4)
 * SACK without TS never happens in cookie mode (no TS in the SYN clears every option but MSS).
 * The words are built in registers and summed from those words: no byte stores read back by wider loads.
 * All 10 words are written (unused ones zero, adding nothing to the sum), so a store of all 10 needs no branch.
 * Returns the checksum's sum so far: the TCP header, protocol and length of the pseudo header.
 */
DP_SHARED_INLINE uint64_t dp_synack_tcp(const struct dp_synack_in *in, uint32_t th[10])
{
	uint32_t thl = dp_synack_tcp_len(in->ts, in->ws);

	th[0] = (uint32_t)in->server_port | (uint32_t)in->client_port << 16; /* our port first */
	th[1] = dp_synack_be32(in->isn);
	th[2] = dp_synack_be32(in->client_seq + 1);
	th[3] = dp_synack_be32((thl / 4) << 28 |
			       (uint32_t)(DP_SYNACK_TCP_SYN | DP_SYNACK_TCP_ACK | (in->ecn ? DP_SYNACK_TCP_ECE : 0))
				       << 16 |
			       in->window);
	th[4] = 0; /* checksum, urgent pointer */
	th[5] = dp_synack_be32(2u << 24 | 4u << 16 | in->mss);
	th[6] = th[7] = th[8] = th[9] = 0;
	if (in->ts) {
		th[6] = dp_synack_be32(in->sack ? 0x0402080a : 0x0101080a);
		th[7] = dp_synack_be32(in->tsval);
		th[8] = dp_synack_be32(in->tsecr);
		if (in->ws)
			th[9] = dp_synack_be32(0x01030300 | in->wscale);
	}
	return dp_synack_sum5(th) + dp_synack_sum5(th + 5) + dp_synack_be32(DP_SYNACK_PROTO_TCP) + dp_synack_be32(thl);
}

/* IPv4: the 5 words of the IP header and the 10 of the TCP header, both checksums filled in. */
DP_SHARED_INLINE void dp_synack_layout4(const struct dp_synack_in *in, uint32_t ip[5], uint32_t th[10])
{
	uint64_t sum = dp_synack_tcp(in, th);

	/* ip_build_and_send_pkt(): DF set, so id = 0; tos 0 (tcp_reflect_tos off); the listener's TTL. */
	ip[0] = dp_synack_be32(0x45000000 | (20 + dp_synack_tcp_len(in->ts, in->ws)));
	ip[1] = dp_synack_be32(0x00004000);
	ip[2] = dp_synack_be32((uint32_t)in->ttl << 24 | DP_SYNACK_PROTO_TCP << 16);
	ip[3] = in->server[0];
	ip[4] = in->client[0];
	/* the checksum field is bytes 10-11: the high half of word 2 in memory */
	ip[2] |= (uint32_t)dp_csum_finish(dp_synack_sum5(ip)) << 16;
	th[4] = dp_csum_finish(sum + in->server[0] + in->client[0]);
}

/* IPv6: the 10 words of the IP header and the 10 of the TCP header, the TCP checksum filled in. */
DP_SHARED_INLINE void dp_synack_layout6(const struct dp_synack_in *in, uint32_t ip[10], uint32_t th[10])
{
	uint64_t sum = dp_synack_tcp(in, th);

	/* Traffic class 0 (not ECT: a SYN-ACK never is), flow label 0, the listener's hop limit. */
	ip[0] = dp_synack_be32(0x60000000);
	ip[1] = dp_synack_be32(dp_synack_tcp_len(in->ts, in->ws) << 16 | DP_SYNACK_PROTO_TCP << 8 | in->ttl);
	ip[2] = in->server[0];
	ip[3] = in->server[1];
	ip[4] = in->server[2];
	ip[5] = in->server[3];
	ip[6] = in->client[0];
	ip[7] = in->client[1];
	ip[8] = in->client[2];
	ip[9] = in->client[3];
	th[4] = dp_csum_finish(sum + dp_synack_sum4(in->server) + dp_synack_sum4(in->client));
}

#endif /* DP_SHARED_SYNACK_LAYOUT_H */
