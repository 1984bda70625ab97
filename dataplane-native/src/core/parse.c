/* parse.c: strict, bounds-checked parsing of Ethernet/802.1Q, IPv4, IPv6 extension headers, TCP and options. */
#include "parse.h"

#include <stddef.h>

#include "csum.h"

#define DP_IPV6_MAX_EXT 8 /* extension headers walked before giving up (the kernel has no fixed limit) */

static enum dp_counter parse_ipv4(const uint8_t *f, uint32_t len, struct dp_l3 *l3)
{
	const uint8_t *ip = f + l3->l3_off;
	uint32_t avail = len - l3->l3_off;
	uint32_t ihl, tot;
	uint16_t frag;

	if (avail < 20 || (ip[0] >> 4) != 4)
		return DP_C_DROP_BAD_IP;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = dp_be16(ip + 2);
	/* tot < ihl and ihl < 20 are malformed; tot > avail is a truncated frame; tot < avail is L2 padding. */
	if (ihl < 20 || tot < ihl || tot > avail)
		return DP_C_DROP_BAD_IP;
	if (dp_csum_fold(dp_csum_add(0, ip, ihl)) != 0xffff)
		return DP_C_DROP_BAD_IP;
	frag = dp_be16(ip + 6);
	if (frag & 0x8000) /* the reserved ("evil") bit: the kernel drops such packets too */
		return DP_C_DROP_BAD_IP;
	l3->frag = (frag & 0x1fff) ? DP_FRAG_LATER : (frag & 0x2000) ? DP_FRAG_FIRST : DP_FRAG_NONE;
	l3->family = 4;
	l3->proto = ip[9];
	l3->ip_ecn = ip[1] & 3;
	l3->l3_len = tot;
	l3->l4_off = (uint16_t)(l3->l3_off + ihl);
	l3->saddr = ip + 12;
	l3->daddr = ip + 16;
	return 0;
}

static enum dp_counter parse_ipv6(const uint8_t *f, uint32_t len, struct dp_l3 *l3)
{
	const uint8_t *ip = f + l3->l3_off;
	uint32_t avail = len - l3->l3_off;
	uint32_t plen, off;
	uint8_t nh;
	int i;

	if (avail < 40 || (ip[0] >> 4) != 6)
		return DP_C_DROP_BAD_IP;
	plen = dp_be16(ip + 4);
	if (plen == 0 || 40 + plen > avail) /* 0 = jumbogram (hop-by-hop option): never on our links */
		return DP_C_DROP_BAD_IP;
	l3->family = 6;
	l3->ip_ecn = (ip[1] >> 4) & 3;
	l3->l3_len = 40 + plen;
	l3->saddr = ip + 8;
	l3->daddr = ip + 24;
	l3->frag = DP_FRAG_NONE;
	nh = ip[6];
	off = 40;
	for (i = 0; i < DP_IPV6_MAX_EXT; i++) {
		const uint8_t *h = ip + off;
		uint32_t hl;

		switch (nh) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (off + 8 > l3->l3_len)
				return DP_C_DROP_BAD_IP;
			hl = ((uint32_t)h[1] + 1) * 8;
			if (nh == 0 && off != 40) /* hop-by-hop only directly after the fixed header */
				return DP_C_DROP_BAD_IP;
			break;
		case 44: /* fragment */
			if (off + 8 > l3->l3_len)
				return DP_C_DROP_BAD_IP;
			hl = 8;
			if (dp_be16(h + 2) & 0xfff8)
				l3->frag = DP_FRAG_LATER;
			else if ((h[3] & 1) && l3->frag == DP_FRAG_NONE)
				l3->frag = DP_FRAG_FIRST;
			break;
		case 51: /* authentication header */
			if (off + 8 > l3->l3_len)
				return DP_C_DROP_BAD_IP;
			hl = ((uint32_t)h[1] + 2) * 4;
			break;
		default:
			goto done;
		}
		if (off + hl > l3->l3_len)
			return DP_C_DROP_BAD_IP;
		nh = h[0];
		off += hl;
		if (l3->frag == DP_FRAG_LATER) /* what follows is payload of the fragmented packet, not headers */
			goto done;
	}
	if (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51)
		return DP_C_DROP_BAD_IP; /* more extension headers than we walk: refuse rather than guess */
done:
	l3->proto = nh;
	l3->l4_off = (uint16_t)(l3->l3_off + off);
	return 0;
}

enum dp_counter dp_parse_l3(const uint8_t *f, uint32_t len, struct dp_l3 *l3)
{
	uint32_t off = 12;
	uint16_t type;
	int tags;

	if (len < DP_ETH_HLEN || len > 0xffff)
		return DP_C_DROP_BAD_ETHER;
	type = dp_be16(f + off);
	/* At most two tags (802.1ad outer + 802.1Q inner); the reply keeps them as they are. */
	for (tags = 0; (type == DP_ETH_P_8021Q || type == DP_ETH_P_8021AD) && tags < 2; tags++) {
		off += 4;
		if (off + 2 > len)
			return DP_C_DROP_BAD_ETHER;
		type = dp_be16(f + off);
	}
	l3->l3_off = (uint16_t)(off + 2);
	if (type == DP_ETH_P_IP)
		return parse_ipv4(f, len, l3);
	if (type == DP_ETH_P_IPV6)
		return parse_ipv6(f, len, l3);
	return DP_C_DROP_BAD_ETHER;
}

enum dp_counter dp_parse_tcp(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t)
{
	const uint8_t *th = f + l3->l4_off;
	uint32_t l4len = l3->l3_len - (uint32_t)(l3->l4_off - l3->l3_off);

	if (l4len < 20)
		return DP_C_DROP_BAD_TCP;
	t->hlen = (uint16_t)((th[12] >> 4) * 4);
	if (t->hlen < 20 || t->hlen > l4len)
		return DP_C_DROP_BAD_TCP;
	/* one 4-byte store for both ports: the flow key reads them back as one 4-byte load (store forwarding) */
	_Static_assert(offsetof(struct dp_tcp, dport) == offsetof(struct dp_tcp, sport) + 2, "ports adjacent");
	memcpy(&t->sport, th, 4);
	t->seq = dp_be32(th + 4);
	t->ack = dp_be32(th + 8);
	t->res1 = th[12] & 0x0f;
	t->flags = th[13];
	t->window = dp_be16(th + 14);
	t->payload_len = l4len - t->hlen;
	return 0;
}

/*
 * Linux clients' SYN option block, byte for byte: MSS, SACK_PERM+TS, NOP+WSCALE (20 bytes). Most SYNs carry it,
 * so it gets a fast path; the result is exactly what the general loop below makes of the same bytes.
 */
static const uint8_t linux_syn_mask[20] = { 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0,    0,
					    0,	  0,	0, 0, 0,    0,	  0xff, 0xff, 0xff, 0 };
static const uint8_t linux_syn_opts[20] = { 2, 4, 0, 0, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 0 };

void dp_parse_tcp_options(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t)
{
	const uint8_t *o = f + l3->l4_off + 20;

	if (t->hlen == 40 && (t->flags & DP_TCP_SYN)) {
		uint64_t a, b, m, x;
		uint32_t c, mc, xc;

		memcpy(&a, o, 8);
		memcpy(&x, linux_syn_opts, 8);
		memcpy(&m, linux_syn_mask, 8);
		memcpy(&c, o + 16, 4);
		memcpy(&xc, linux_syn_opts + 16, 4);
		memcpy(&mc, linux_syn_mask + 16, 4);
		if (((a & m) == x) && ((c & mc) == xc)) {
			b = dp_be16(o + 2);
			t->mss = (uint16_t)b; /* 0 means "no MSS", as in the loop */
			t->sack_ok = 1;
			t->saw_ts = 1;
			t->tsval = dp_be32(o + 8);
			t->tsecr = dp_be32(o + 12);
			t->ws = o[19] > 14 ? 14 : o[19];
			t->md5 = 0;
			return;
		}
	}
	/* Every later segment of a TS connection (the handshake ACK included): NOP NOP TS, 12 bytes. */
	if (t->hlen == 32 && dp_ld32(o) == dp_ld32((const uint8_t[4]){ 1, 1, 8, 10 })) {
		t->mss = 0;
		t->ws = 0xff;
		t->sack_ok = 0;
		t->saw_ts = 1;
		t->md5 = 0;
		t->tsval = dp_be32(o + 4);
		t->tsecr = dp_be32(o + 8);
		return;
	}
	dp_parse_tcp_options_loop(f, l3, t);
}

void dp_parse_tcp_options_loop(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t)
{
	const uint8_t *p = f + l3->l4_off + 20;
	int length = t->hlen - 20;
	bool syn = t->flags & DP_TCP_SYN;

	t->mss = 0;
	t->ws = 0xff;
	t->sack_ok = 0;
	t->saw_ts = 0;
	t->md5 = 0;
	t->tsval = t->tsecr = 0;
	while (length > 0) {
		int opcode = *p++, opsize;

		if (opcode == 0) /* EOL */
			return;
		if (opcode == 1) { /* NOP */
			length--;
			continue;
		}
		if (length < 2)
			return;
		opsize = *p++;
		if (opsize < 2 || opsize > length) /* silly or partial option: the kernel stops here too */
			return;
		switch (opcode) {
		case 2: /* MSS */
			if (opsize == 4 && syn) {
				uint16_t mss = dp_be16(p);
				if (mss)
					t->mss = mss;
			}
			break;
		case 3: /* window scale */
			if (opsize == 3 && syn)
				t->ws = p[0] > 14 ? 14 : p[0];
			break;
		case 4: /* SACK permitted */
			if (opsize == 2 && syn)
				t->sack_ok = 1;
			break;
		case 8: /* timestamps */
			if (opsize == 10) {
				t->saw_ts = 1;
				t->tsval = dp_be32(p);
				t->tsecr = dp_be32(p + 4);
			}
			break;
		case DP_TCPOPT_MD5SIG: /* only noted: the verdict decides (a server without the key drops the SYN) */
			if (opsize == DP_TCPOLEN_MD5SIG)
				t->md5 = 1;
			break;
		default: /* SACK blocks, TFO, MPTCP, experimental...: ignored, as the kernel's cookie mode */
			break;
		}
		p += opsize - 2;
		length -= opsize;
	}
}
