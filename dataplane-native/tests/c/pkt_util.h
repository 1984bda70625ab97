/* pkt_util.h: test helpers for the packet core: frame builder, an independent checksum, a ready-made config. */
#ifndef DP_TEST_PKT_UTIL_H
#define DP_TEST_PKT_UTIL_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto_check.h"
#include "syncookied/core.h"

static const uint8_t T_OUR_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t T_ROUTER_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xee };
static const uint8_t T_HOST_MAC[6] = { 0x0c, 0xc4, 0x7a, 0x6a, 0xfa, 0xbf };

struct tframe {
	int v6;
	int vlan; /* 0 = none, else the VLAN id */
	const uint8_t *dst_mac;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t res1;
	uint8_t ip_ecn;
	uint8_t proto;	     /* 0 = TCP */
	const uint8_t *opts; /* TCP options (padded to 4 by the caller) */
	unsigned optlen;
	unsigned payload; /* payload bytes (0x61..) */
	unsigned ip_opts; /* IPv4 option bytes (NOPs), multiple of 4 */
	uint16_t frag;	  /* IPv4 frag_off field (host order) */
};

static inline uint32_t dp_be32_t(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1071 the slow, obvious way: big-endian 16-bit words, carries folded at the end. */
static inline uint16_t t_csum(const uint8_t *p, unsigned len, uint32_t sum)
{
	unsigned i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint32_t t_pseudo(const uint8_t *s, const uint8_t *d, unsigned alen, unsigned l4len)
{
	uint32_t sum = 0;
	unsigned i;

	for (i = 0; i < alen; i += 2)
		sum += ((uint32_t)s[i] << 8 | s[i + 1]) + ((uint32_t)d[i] << 8 | d[i + 1]);
	return sum + 6 + (l4len >> 16) + (l4len & 0xffff);
}

/* Builds the frame into buf; returns its length. */
static inline unsigned t_build(uint8_t *buf, const struct tframe *t)
{
	unsigned off = 12, iphl, l4len, thl = 20 + t->optlen, i;
	uint8_t *ip, *th;
	uint8_t proto = t->proto ? t->proto : 6;

	memcpy(buf, t->dst_mac ? t->dst_mac : T_OUR_MAC, 6);
	memcpy(buf + 6, T_ROUTER_MAC, 6);
	if (t->vlan) {
		buf[12] = 0x81;
		buf[13] = 0x00;
		buf[14] = (uint8_t)(t->vlan >> 8);
		buf[15] = (uint8_t)t->vlan;
		off += 4;
	}
	buf[off] = t->v6 ? 0x86 : 0x08;
	buf[off + 1] = t->v6 ? 0xdd : 0x00;
	ip = buf + off + 2;
	l4len = (proto == 6 ? thl : 8) + t->payload;
	if (!t->v6) {
		iphl = 20 + t->ip_opts;
		memset(ip, 0, iphl);
		ip[0] = (uint8_t)(0x40 | iphl / 4);
		ip[1] = t->ip_ecn;
		ip[2] = (uint8_t)((iphl + l4len) >> 8);
		ip[3] = (uint8_t)(iphl + l4len);
		ip[4] = 0x12;
		ip[5] = 0x34;
		ip[6] = (uint8_t)(t->frag >> 8);
		ip[7] = (uint8_t)t->frag;
		ip[8] = 55;
		ip[9] = proto;
		memcpy(ip + 12, t->saddr, 4);
		memcpy(ip + 16, t->daddr, 4);
		for (i = 20; i < iphl; i++)
			ip[i] = 1;
		uint16_t c = t_csum(ip, iphl, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	} else {
		iphl = 40;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ip[1] = (uint8_t)(t->ip_ecn << 4);
		ip[4] = (uint8_t)(l4len >> 8);
		ip[5] = (uint8_t)l4len;
		ip[6] = proto;
		ip[7] = 55;
		memcpy(ip + 8, t->saddr, 16);
		memcpy(ip + 24, t->daddr, 16);
	}
	th = ip + iphl;
	if (proto == 6) {
		memset(th, 0, thl);
		th[0] = (uint8_t)(t->sport >> 8);
		th[1] = (uint8_t)t->sport;
		th[2] = (uint8_t)(t->dport >> 8);
		th[3] = (uint8_t)t->dport;
		th[4] = (uint8_t)(t->seq >> 24);
		th[5] = (uint8_t)(t->seq >> 16);
		th[6] = (uint8_t)(t->seq >> 8);
		th[7] = (uint8_t)t->seq;
		th[8] = (uint8_t)(t->ack >> 24);
		th[9] = (uint8_t)(t->ack >> 16);
		th[10] = (uint8_t)(t->ack >> 8);
		th[11] = (uint8_t)t->ack;
		th[12] = (uint8_t)((thl / 4) << 4 | t->res1);
		th[13] = t->flags;
		th[14] = 0xfa;
		th[15] = 0xf0;
		if (t->optlen)
			memcpy(th + 20, t->opts, t->optlen);
		for (i = 0; i < t->payload; i++)
			th[thl + i] = (uint8_t)(0x61 + i % 26);
		uint16_t c = t_csum(th, l4len,
				    t_pseudo(ip + (t->v6 ? 8 : 12), ip + (t->v6 ? 24 : 16), t->v6 ? 16 : 4, l4len));
		th[16] = (uint8_t)(c >> 8);
		th[17] = (uint8_t)c;
	} else {
		memset(th, 0, 8 + t->payload);
		th[0] = (uint8_t)(t->sport >> 8);
		th[1] = (uint8_t)t->sport;
		th[2] = (uint8_t)(t->dport >> 8);
		th[3] = (uint8_t)t->dport;
		th[4] = (uint8_t)(l4len >> 8);
		th[5] = (uint8_t)l4len;
	}
	return off + 2 + iphl + l4len;
}

static inline void t_addr4(uint8_t *a, const char *s)
{
	memset(a, 0, 16);
	inet_pton(AF_INET, s, a);
}

static inline void t_addr6(uint8_t *a, const char *s)
{
	inet_pton(AF_INET6, s, a);
}

/* Checks the IPv4 header checksum and the TCP checksum of a frame whose IP header is at l3. */
static inline int t_csums_ok(const uint8_t *f, unsigned l3, unsigned len)
{
	const uint8_t *ip = f + l3;

	if ((ip[0] >> 4) == 4) {
		unsigned iphl = (ip[0] & 15) * 4, tot = (unsigned)(ip[2] << 8 | ip[3]);
		if (l3 + tot != len || t_csum(ip, iphl, 0) != 0)
			return 0;
		return t_csum(ip + iphl, tot - iphl, t_pseudo(ip + 12, ip + 16, 4, tot - iphl)) == 0;
	}
	unsigned plen = (unsigned)(ip[4] << 8 | ip[5]);
	if (l3 + 40 + plen != len)
		return 0;
	return t_csum(ip + 40, plen, t_pseudo(ip + 8, ip + 24, 16, plen)) == 0;
}

static inline void t_hexdump(const char *what, const uint8_t *p, unsigned len)
{
	fprintf(stderr, "%s (%u bytes): ", what, len);
	for (unsigned i = 0; i < len; i++)
		fprintf(stderr, "%02x", p[i]);
	fputc('\n', stderr);
}

#endif /* DP_TEST_PKT_UTIL_H */
