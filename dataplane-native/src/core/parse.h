/* parse.h: bounds-checked parsing of Ethernet/802.1Q, IPv4 (options), IPv6 (extension headers), TCP and its options. */
#ifndef DP_CORE_PARSE_H
#define DP_CORE_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "syncookied/core.h"

#define DP_ETH_HLEN 14
#define DP_ETH_P_IP 0x0800
#define DP_ETH_P_IPV6 0x86DD
#define DP_ETH_P_8021Q 0x8100
#define DP_ETH_P_8021AD 0x88A8

#define DP_TCP_FIN 0x01
#define DP_TCP_SYN 0x02
#define DP_TCP_RST 0x04
#define DP_TCP_PSH 0x08
#define DP_TCP_ACK 0x10
#define DP_TCP_URG 0x20
#define DP_TCP_ECE 0x40
#define DP_TCP_CWR 0x80

#define DP_IPPROTO_TCP 6

#define DP_TCPOPT_MD5SIG 19
#define DP_TCPOLEN_MD5SIG 18

enum dp_frag {
	DP_FRAG_NONE = 0,
	DP_FRAG_FIRST = 1,
	DP_FRAG_LATER = 2
};

/* L2/L3 facts, all offsets from the frame start; addresses point into the frame (read before rewriting). */
struct dp_l3 {
	uint16_t l3_off;      /* IP header */
	uint16_t l4_off;      /* transport header (after IPv4 options / IPv6 extension headers) */
	uint32_t l3_len;      /* IP packet length from its header (Ethernet padding excluded) */
	uint8_t family;	      /* 4 or 6 */
	uint8_t proto;	      /* transport protocol (IPv6: the last next-header) */
	uint8_t frag;	      /* enum dp_frag */
	uint8_t ip_ecn;	      /* the IP header's ECN field */
	const uint8_t *saddr; /* 4 or 16 bytes */
	const uint8_t *daddr;
};

/* The TCP header and, with dp_parse_tcp_options(), the options the kernel would use from a SYN/ACK. */
struct dp_tcp {
	uint16_t sport, dport; /* network order */
	uint32_t seq, ack;     /* host order */
	uint8_t flags;	       /* FIN .. CWR */
	uint8_t res1;	       /* the 4 reserved bits (AccECN's AE among them) */
	uint16_t hlen;	       /* data offset * 4 */
	uint16_t window;
	uint32_t payload_len;
	/* options (dp_parse_tcp_options) */
	uint16_t mss; /* 0 = no (valid, non-zero) MSS option */
	uint8_t ws;   /* 0xff = no window scale; else capped at 14 as the kernel does */
	uint8_t sack_ok;
	uint8_t saw_ts;
	uint8_t md5; /* a TCP-MD5 signature option (kind 19, length 18), as tcp_parse_md5sig_option() */
	uint32_t tsval, tsecr;
};

/* Parses Ethernet (one 802.1Q/802.1ad tag, or two), then IPv4/IPv6. Returns 0 or the DP_C_DROP_* reason:
 * DP_C_DROP_BAD_ETHER (truncated, not IP) or DP_C_DROP_BAD_IP (bad version, lengths, checksum, ext. headers). */
enum dp_counter dp_parse_l3(const uint8_t *f, uint32_t len, struct dp_l3 *l3);

/* Parses the fixed TCP header at l3->l4_off. Returns 0 or DP_C_DROP_BAD_TCP (truncated, data offset). */
enum dp_counter dp_parse_tcp(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t);

/* Parses the TCP options as tcp_parse_options() does for a segment in LISTEN state: a malformed option ends
 * parsing (what was seen before it stays); MSS/WSCALE/SACK_PERM only on SYN; unknown options are skipped. */
void dp_parse_tcp_options(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t);
/* The general option loop alone (dp_parse_tcp_options adds a fast path for Linux's SYN layout); for tests. */
void dp_parse_tcp_options_loop(const uint8_t *f, const struct dp_l3 *l3, struct dp_tcp *t);

static inline uint16_t dp_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void dp_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void dp_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Native-order loads (for hashing and checksums, which do not care about byte order). */
static inline uint32_t dp_ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t dp_ld16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

#endif /* DP_CORE_PARSE_H */
