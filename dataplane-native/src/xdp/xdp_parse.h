/* xdp_parse.h: the XDP program's bounds-checked parsing: Ethernet with up to two VLAN tags, IPv4 (options, header
 * checksum), IPv6 (extension headers), TCP and its options. It accepts exactly what the userspace core's parse.c
 * accepts; anything it refuses goes to userspace, which decides (and counts) the drop. Every packet access is
 * checked against data_end where the verifier can see it; offsets stay below DP_XDP_MAX_OFF. */
#ifndef DP_XDP_PARSE_H
#define DP_XDP_PARSE_H

#include <linux/bpf.h>

#include "csum.h"

#define DP_XDP_MAX_OFF 0x1fff /* frames and offsets the program handles (XDP frames are at most a page) */

#define ETH_P_IP_BE 0x0008 /* ethertypes as a native 16-bit load of their wire bytes */
#define ETH_P_IPV6_BE 0xdd86
#define ETH_P_8021Q_BE 0x0081
#define ETH_P_8021AD_BE 0xa888

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10
#define TCPF_ECE 0x40
#define TCPF_CWR 0x80

enum dp_xdp_frag {
	XFRAG_NONE = 0,
	XFRAG_FIRST = 1,
	XFRAG_LATER = 2
};

struct xpkt {
	void *data, *end;
	uint32_t len; /* frame length */
	uint32_t l3_off, l4_off, l3_len;
	uint8_t family, proto, frag, ip_ecn;
	uint32_t saddr[4], daddr[4]; /* native loads of the address bytes (IPv4: word 0) */
	uint32_t mac_idx;	     /* which of our MACs the frame was sent to */
};

struct xtcp {
	uint16_t sport, dport; /* wire order */
	uint32_t seq, ack;     /* host order */
	uint8_t flags, res1;
	uint32_t hlen;
	/* options */
	uint16_t mss; /* 0 = none */
	uint8_t ws;   /* 0xff = none, else capped at 14 */
	uint8_t sack_ok, saw_ts;
	uint8_t md5; /* a TCP-MD5 signature option (kind 19, length 18) */
	uint32_t tsval, tsecr;
};

static __always_inline uint16_t ld16(const void *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, 2);
	return v;
}

static __always_inline uint32_t ld32(const void *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static __always_inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static __always_inline uint32_t be32(const uint8_t *p)
{
	return __builtin_bswap32(ld32(p));
}

/* Ethernet and tags; 0 = IP (l3_off set), 1 = not IP (the kernel's: ARP and the rest), -1 = malformed. */
static __always_inline int parse_eth(struct xpkt *x, uint16_t *type)
{
	uint8_t *d = x->data;
	uint32_t off = 12;

	if (d + 14 > (uint8_t *)x->end)
		return -1;
	*type = ld16(d + 12);
	if (*type != ETH_P_IP_BE && *type != ETH_P_IPV6_BE && *type != ETH_P_8021Q_BE && *type != ETH_P_8021AD_BE)
		return 1;
		/* At most two tags (802.1ad outer + 802.1Q inner) */
#pragma unroll
	for (int tags = 0; tags < 2; tags++) {
		if (*type != ETH_P_8021Q_BE && *type != ETH_P_8021AD_BE)
			break;
		off += 4;
		if (d + off + 2 > (uint8_t *)x->end)
			return -1;
		*type = ld16(d + off);
	}
	x->l3_off = off + 2;
	return 0;
}

/* The IPv4 header checksum over ihl bytes (20..60): 0xffff when it is right. */
static __always_inline int ipv4_csum_ok(const uint8_t *ip, const void *end, uint32_t ihl)
{
	uint64_t sum = 0;

#pragma unroll
	for (int i = 0; i < 15; i++) {
		if ((uint32_t)i * 4 >= ihl)
			break;
		if (ip + i * 4 + 4 > (const uint8_t *)end)
			return 0;
		sum += ld32(ip + i * 4);
	}
	return dp_csum_fold(sum) == 0xffff;
}

static __always_inline int parse_ipv4(struct xpkt *x)
{
	uint8_t *ip = (uint8_t *)x->data + (x->l3_off & 0x1f);
	uint32_t avail = x->len - x->l3_off, ihl, tot;
	uint16_t frag;

	if (ip + 20 > (uint8_t *)x->end || avail < 20 || (ip[0] >> 4) != 4)
		return -1;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = be16(ip + 2);
	if (ihl < 20 || tot < ihl || tot > avail)
		return -1;
	if (!ipv4_csum_ok(ip, x->end, ihl))
		return -1;
	frag = be16(ip + 6);
	if (frag & 0x8000)
		return -1;
	x->frag = (frag & 0x1fff) ? XFRAG_LATER : (frag & 0x2000) ? XFRAG_FIRST : XFRAG_NONE;
	x->family = 4;
	x->proto = ip[9];
	x->ip_ecn = ip[1] & 3;
	x->l3_len = tot;
	x->l4_off = x->l3_off + ihl;
	x->saddr[0] = ld32(ip + 12);
	x->daddr[0] = ld32(ip + 16);
	x->saddr[1] = x->saddr[2] = x->saddr[3] = 0;
	x->daddr[1] = x->daddr[2] = x->daddr[3] = 0;
	return 0;
}

#define DP_XDP_IPV6_MAX_EXT 8 /* as parse.c */

static __always_inline int parse_ipv6(struct xpkt *x)
{
	uint8_t *ip = (uint8_t *)x->data + (x->l3_off & 0x1f);
	uint32_t avail = x->len - x->l3_off, plen, off = 40;
	uint8_t nh;

	if (ip + 40 > (uint8_t *)x->end || avail < 40 || (ip[0] >> 4) != 6)
		return -1;
	plen = be16(ip + 4);
	if (plen == 0 || 40 + plen > avail)
		return -1;
	x->family = 6;
	x->ip_ecn = (ip[1] >> 4) & 3;
	x->l3_len = 40 + plen;
	__builtin_memcpy(x->saddr, ip + 8, 16);
	__builtin_memcpy(x->daddr, ip + 24, 16);
	x->frag = XFRAG_NONE;
	nh = ip[6];
#pragma unroll
	for (int i = 0; i < DP_XDP_IPV6_MAX_EXT; i++) {
		uint8_t *h;
		uint32_t hl;

		if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
			goto done;
		if (off + 8 > x->l3_len)
			return -1;
		h = ip + (off & DP_XDP_MAX_OFF);
		if (h + 8 > (uint8_t *)x->end)
			return -1;
		if (nh == 44) {
			hl = 8;
			if (be16(h + 2) & 0xfff8)
				x->frag = XFRAG_LATER;
			else if ((h[3] & 1) && x->frag == XFRAG_NONE)
				x->frag = XFRAG_FIRST;
		} else if (nh == 51) {
			hl = ((uint32_t)h[1] + 2) * 4;
		} else {
			hl = ((uint32_t)h[1] + 1) * 8;
			if (nh == 0 && off != 40) /* hop-by-hop only directly after the fixed header */
				return -1;
		}
		if (off + hl > x->l3_len)
			return -1;
		nh = h[0];
		off += hl;
		if (x->frag == XFRAG_LATER)
			goto done;
	}
	if (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51)
		return -1; /* more extension headers than we walk */
done:
	x->proto = nh;
	x->l4_off = x->l3_off + off;
	return 0;
}

/* The fixed TCP header: 0, or -1 when the userspace core would drop it as bad TCP. */
static __always_inline int parse_tcp(const struct xpkt *x, struct xtcp *t)
{
	uint8_t *th = (uint8_t *)x->data + (x->l4_off & DP_XDP_MAX_OFF);
	uint32_t l4len = x->l3_len - (x->l4_off - x->l3_off);

	if (l4len < 20 || th + 20 > (uint8_t *)x->end)
		return -1;
	t->hlen = (uint32_t)(th[12] >> 4) * 4;
	if (t->hlen < 20 || t->hlen > l4len)
		return -1;
	t->sport = ld16(th);
	t->dport = ld16(th + 2);
	t->seq = be32(th + 4);
	t->ack = be32(th + 8);
	t->res1 = th[12] & 0x0f;
	t->flags = th[13];
	return 0;
}

/* The option walk's state: the option bytes copied out of the frame, and where the walk is. */
struct xopts {
	uint8_t b[64]; /* hlen - 20 <= 40 bytes, the rest zero; indexes masked with 63 */
	int pos, length;
	int syn;
	struct xtcp *t;
};

/* One option per call (bpf_loop: the verifier checks this body once, not 40 unrolled copies of it). */
static long tcp_option(uint32_t i, void *arg)
{
	struct xopts *o = arg;
	struct xtcp *t = o->t;
	uint8_t opcode, opsize;
	int at = o->pos;

	(void)i;
	if (o->length <= 0)
		return 1;
	opcode = o->b[at & 63];
	if (opcode == 0) /* EOL */
		return 1;
	if (opcode == 1) { /* NOP */
		o->pos = at + 1;
		o->length--;
		return 0;
	}
	if (o->length < 2)
		return 1;
	opsize = o->b[(at + 1) & 63];
	if (opsize < 2 || opsize > o->length) /* silly or partial option: the kernel stops here too */
		return 1;
	if (opcode == 2 && opsize == 4 && o->syn) { /* MSS */
		uint16_t mss = (uint16_t)(o->b[(at + 2) & 63] << 8 | o->b[(at + 3) & 63]);

		if (mss)
			t->mss = mss;
	} else if (opcode == 3 && opsize == 3 && o->syn) { /* window scale */
		uint8_t ws = o->b[(at + 2) & 63];

		t->ws = ws > 14 ? 14 : ws;
	} else if (opcode == 4 && opsize == 2 && o->syn) { /* SACK permitted */
		t->sack_ok = 1;
	} else if (opcode == 8 && opsize == 10) { /* timestamps */
		t->saw_ts = 1;
		t->tsval = (uint32_t)o->b[(at + 2) & 63] << 24 | (uint32_t)o->b[(at + 3) & 63] << 16 |
			   (uint32_t)o->b[(at + 4) & 63] << 8 | o->b[(at + 5) & 63];
		t->tsecr = (uint32_t)o->b[(at + 6) & 63] << 24 | (uint32_t)o->b[(at + 7) & 63] << 16 |
			   (uint32_t)o->b[(at + 8) & 63] << 8 | o->b[(at + 9) & 63];
	} else if (opcode == 19 && opsize == 18) { /* TCP-MD5: only noted, the verdict decides */
		t->md5 = 1;
	} /* SACK blocks, TFO, MPTCP, experimental...: ignored, as the kernel's cookie mode */
	o->pos = at + opsize;
	o->length -= opsize;
	return 0;
}

/*
 * The options as tcp_parse_options() reads them in LISTEN state (parse.c's dp_parse_tcp_options_loop): a malformed
 * option ends parsing, MSS/WSCALE/SACK_PERM only on SYN, unknown options are skipped. The option bytes lie inside
 * hlen, which parse_tcp() proved inside the frame.
 */
static __noinline int parse_tcp_options(struct xdp_md *md, const struct xpkt *x, struct xtcp *t)
{
	int len = (int)t->hlen - 20;
	struct xopts o = { .length = len, .syn = t->flags & TCPF_SYN, .t = t };

	t->mss = 0;
	t->ws = 0xff;
	t->sack_ok = 0;
	t->saw_ts = 0;
	t->md5 = 0;
	t->tsval = t->tsecr = 0;
	/* The bounds checked on len itself: clang would otherwise test hlen and pass len = hlen - 20 from another
	 * register, whose bounds the 6.1 and 6.12 verifiers do not learn from that test (R4 min value is negative). */
	asm volatile("" : "+r"(len));
	if (len <= 0 || len > 40)
		return 0;
	if (bpf_xdp_load_bytes(md, x->l4_off + 20, o.b, (uint32_t)len))
		return -1;
	bpf_loop(40, tcp_option, &o, 0); /* each call consumes at least one byte */
	return 0;
}

#endif /* DP_XDP_PARSE_H */
