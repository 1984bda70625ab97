/* fixtures.h: the table of malformed and unusual frames {description, builder, expected verdict and reason} and the
 * hosts they are sent to. test_core_packets.c holds the userspace core to it; test_xdp_fastpath.c holds the XDP
 * program to the same verdicts. */
#ifndef DP_TEST_FIXTURES_H
#define DP_TEST_FIXTURES_H

#include "pkt_util.h"

static const uint8_t MSS_OPT[] = { 2, 4, 0x05, 0xb4 };

static struct tframe base4(uint8_t flags)
{
	struct tframe t = { 0 };

	t_addr4(t.saddr, "198.51.100.7");
	t_addr4(t.daddr, "10.99.0.2");
	t.sport = 40000;
	t.dport = 80;
	t.seq = 1000;
	t.flags = flags;
	t.opts = MSS_OPT;
	t.optlen = 4;
	return t;
}

static struct tframe base6(uint8_t flags)
{
	struct tframe t = base4(flags);

	t.v6 = 1;
	t_addr6(t.saddr, "2001:db8:aa::7");
	t_addr6(t.daddr, "2001:db8:99::2");
	return t;
}

/* Each builder writes the input frame and may adjust the packet (cap, flags). */
typedef unsigned (*build_fn)(uint8_t *buf, struct dp_pkt *p);

#define B(name) static unsigned name(uint8_t *buf, struct dp_pkt *p)

B(syn4)
{
	(void)p;
	struct tframe t = base4(0x02);
	return t_build(buf, &t);
}
B(syn6)
{
	(void)p;
	struct tframe t = base6(0x02);
	return t_build(buf, &t);
}
B(syn4_vlan)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.vlan = 42;
	return t_build(buf, &t);
}
B(syn4_qinq)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n;
	t.vlan = 42;
	n = t_build(buf + 4, &t);
	memmove(buf, buf + 4, 12);
	buf[12] = 0x88, buf[13] = 0xa8, buf[14] = 0, buf[15] = 7; /* 802.1ad outer tag, then the 802.1Q one */
	return n + 4;
}
B(not_our_mac)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.dst_mac = T_HOST_MAC;
	return t_build(buf, &t);
}
B(arp)
{
	(void)p;
	memset(buf, 0, 60);
	memcpy(buf, T_OUR_MAC, 6);
	buf[12] = 0x08, buf[13] = 0x06;
	return 60;
}
B(runt)
{
	(void)p;
	memcpy(buf, T_OUR_MAC, 6);
	return 10;
}
B(vlan_truncated)
{
	(void)p;
	memcpy(buf, T_OUR_MAC, 6);
	buf[12] = 0x81, buf[13] = 0;
	return 15;
}
B(ip4_truncated)
{
	(void)p;
	struct tframe t = base4(0x02);
	t_build(buf, &t);
	return 14 + 19;
}
B(ip4_ihl4)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	buf[14] = 0x44;
	return n;
}
B(ip4_totlen_long)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	return n - 1; /* frame shorter than the IP total length */
}
B(ip4_bad_csum)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	buf[14 + 10] ^= 0x01;
	return n;
}
B(ip4_options_syn)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.ip_opts = 8;
	return t_build(buf, &t);
}
B(ip4_padding)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	memset(buf + n, 0, 6);
	return n + 6;
}
B(unknown_host)
{
	(void)p;
	struct tframe t = base4(0x02);
	t_addr4(t.daddr, "10.99.0.200");
	return t_build(buf, &t);
}
B(tcp_truncated)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.optlen = 0;
	unsigned n = t_build(buf, &t);
	/* IP total length says 20 + 12: a TCP header cut at 12 bytes */
	buf[16] = 0, buf[17] = 32;
	buf[24] = buf[25] = 0;
	uint16_t c = t_csum(buf + 14, 20, 0);
	buf[24] = (uint8_t)(c >> 8), buf[25] = (uint8_t)c;
	return n - 8;
}
B(tcp_doff4)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	buf[14 + 20 + 12] = 0x40;
	return n;
}
B(tcp_doff_beyond)
{
	(void)p;
	struct tframe t = base4(0x02);
	unsigned n = t_build(buf, &t);
	buf[14 + 20 + 12] = 0xf0;
	return n;
}
B(opt_len0)
{
	(void)p;
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 8, 0, 0, 0 };
	struct tframe t = base4(0x02);
	t.opts = o, t.optlen = 8;
	return t_build(buf, &t);
}
B(opt_len_beyond)
{
	(void)p;
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 1, 1, 8, 10 };
	struct tframe t = base4(0x02);
	t.opts = o, t.optlen = 8;
	return t_build(buf, &t);
}
B(opt_unknown)
{
	(void)p;
	/* TFO cookie request (34, len 2), MPTCP MP_CAPABLE (30, len 4), experimental 254, then MSS and TS */
	static const uint8_t o[] = { 34,   2, 30, 4, 0, 0, 254, 4, 0xf9, 0x89, 2, 4, 0x05,
				     0xb4, 8, 10, 0, 0, 0, 1,	0, 0,	 0,    0, 1, 1 };
	struct tframe t = base4(0x02);
	t.opts = o, t.optlen = sizeof(o);
	return t_build(buf, &t);
}
B(synack)
{
	(void)p;
	struct tframe t = base4(0x12);
	return t_build(buf, &t);
}
B(synfin)
{
	(void)p;
	struct tframe t = base4(0x03);
	return t_build(buf, &t);
}
B(synrst)
{
	(void)p;
	struct tframe t = base4(0x06);
	return t_build(buf, &t);
}
B(rst_unknown)
{
	(void)p;
	struct tframe t = base4(0x04);
	t.optlen = 0;
	return t_build(buf, &t);
}
B(fin_unknown)
{
	(void)p;
	struct tframe t = base4(0x01);
	t.optlen = 0;
	return t_build(buf, &t);
}
B(ack_bad_cookie)
{
	(void)p;
	struct tframe t = base4(0x10);
	t.optlen = 0;
	t.ack = 12345;
	return t_build(buf, &t);
}
B(ack_data_bad_cookie)
{
	(void)p;
	struct tframe t = base4(0x18);
	t.optlen = 0;
	t.ack = 1;
	t.payload = 100;
	return t_build(buf, &t);
}
B(frag_first)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.frag = 0x2000;
	return t_build(buf, &t);
}
B(frag_later)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.frag = 0x0010;
	return t_build(buf, &t);
}
B(frag_evil_bit)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.frag = 0x8000;
	return t_build(buf, &t);
}
B(udp4)
{
	(void)p;
	struct tframe t = base4(0);
	t.proto = 17;
	t.payload = 20;
	return t_build(buf, &t);
}
B(udp4_frag_later)
{
	(void)p;
	struct tframe t = base4(0);
	t.proto = 17;
	t.payload = 20;
	t.frag = 0x0100;
	return t_build(buf, &t);
}
B(udp4_csum_partial)
{
	struct tframe t = base4(0);
	unsigned n;
	t.proto = 17;
	t.payload = 21;
	n = t_build(buf, &t);
	/* as veth hands it over: the checksum field holds the pseudo-header sum only */
	uint32_t s = t_pseudo(buf + 26, buf + 30, 4, 8 + 21) - 6 + 17;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	buf[34 + 6] = (uint8_t)(s >> 8), buf[34 + 7] = (uint8_t)s;
	p->flags = DP_PKT_CSUM_PARTIAL;
	p->csum_start = 34;
	p->csum_offset = 6;
	return n;
}
B(icmp4)
{
	(void)p;
	struct tframe t = base4(0);
	t.proto = 1;
	t.payload = 20;
	return t_build(buf, &t);
}
B(no_secrets)
{
	(void)p;
	struct tframe t = base4(0x02);
	t_addr4(t.daddr, "10.99.0.3");
	return t_build(buf, &t);
}
B(passthrough_syn)
{
	(void)p;
	struct tframe t = base4(0x02);
	t_addr4(t.daddr, "10.99.0.4");
	return t_build(buf, &t);
}
B(passthrough_frag)
{
	(void)p;
	struct tframe t = base4(0x10);
	t_addr4(t.daddr, "10.99.0.4");
	t.frag = 0x0010;
	return t_build(buf, &t);
}
B(no_room)
{
	struct tframe t = base4(0x02);
	t.optlen = 0;
	p->cap = 56;
	return t_build(buf, &t);
}
B(filtered)
{
	(void)p;
	struct tframe t = base4(0x02);
	t.dport = 53;
	return t_build(buf, &t);
}
B(ip6_dstopts_syn)
{
	(void)p;
	struct tframe t = base6(0x02);
	unsigned n = t_build(buf, &t), plen;
	/* insert an 8-byte destination options header (PadN) between IPv6 and TCP */
	memmove(buf + 14 + 48, buf + 14 + 40, n - 54);
	buf[54] = 6, buf[55] = 0, buf[56] = 1, buf[57] = 4, memset(buf + 58, 0, 4);
	buf[20] = 60;
	plen = (unsigned)(buf[18] << 8 | buf[19]) + 8;
	buf[18] = (uint8_t)(plen >> 8), buf[19] = (uint8_t)plen;
	return n + 8;
}
static unsigned ip6_frag(uint8_t *buf, uint16_t offflags)
{
	struct tframe t = base6(0x02);
	unsigned n = t_build(buf, &t), plen;
	memmove(buf + 14 + 48, buf + 14 + 40, n - 54);
	buf[54] = 6, buf[55] = 0, buf[56] = (uint8_t)(offflags >> 8), buf[57] = (uint8_t)offflags;
	memset(buf + 58, 0xab, 4);
	buf[20] = 44;
	plen = (unsigned)(buf[18] << 8 | buf[19]) + 8;
	buf[18] = (uint8_t)(plen >> 8), buf[19] = (uint8_t)plen;
	return n + 8;
}
B(ip6_frag_first)
{
	(void)p;
	return ip6_frag(buf, 0x0001);
}
B(ip6_frag_later)
{
	(void)p;
	return ip6_frag(buf, 0x0100);
}
B(ip6_ext_truncated)
{
	(void)p;
	unsigned n = ip6_frag(buf, 0);
	buf[54 + 1] = 200; /* pretend a huge extension header: turn it into dst-opts with length 200*8 */
	buf[20] = 60;
	return n;
}
B(ip6_plen_long)
{
	(void)p;
	struct tframe t = base6(0x02);
	unsigned n = t_build(buf, &t);
	return n - 4;
}
B(ip6_plen_zero)
{
	(void)p;
	struct tframe t = base6(0x02);
	unsigned n = t_build(buf, &t);
	buf[18] = buf[19] = 0;
	return n;
}

/* Linux's MD5 SYN: NOP NOP MD5 (kind 19, length 18), then MSS (no TS with MD5); the signature bytes are opaque. */
static const uint8_t MD5_OPTS[24] = { 1, 1, 19, 18, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3,	4,
				      5, 6, 7,	8,  9,	  10,	11,   12,   2, 4, 0x05, 0xb4 };
/* kind 19 with a length other than 18 is not a signature (tcp_parse_md5sig_option ignores it) */
static const uint8_t MD5_BAD_LEN[12] = { 19, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 };
static unsigned md5_seg(uint8_t *buf, int v6, const char *dst, uint8_t flags, const uint8_t *opts, unsigned optlen)
{
	struct tframe t = v6 ? base6(flags) : base4(flags);

	if (dst)
		t_addr4(t.daddr, dst);
	t.opts = opts;
	t.optlen = optlen;
	if (flags & 0x10)
		t.ack = 0x12345678, t.payload = 10;
	return t_build(buf, &t);
}
B(md5_syn4)
{
	(void)p;
	return md5_seg(buf, 0, NULL, 0x02, MD5_OPTS, sizeof(MD5_OPTS));
}
B(md5_syn6)
{
	(void)p;
	return md5_seg(buf, 1, NULL, 0x02, MD5_OPTS, sizeof(MD5_OPTS));
}
B(md5_bad_len_syn)
{
	(void)p;
	return md5_seg(buf, 0, NULL, 0x02, MD5_BAD_LEN, sizeof(MD5_BAD_LEN));
}
B(md5_syn_pass)
{
	(void)p;
	return md5_seg(buf, 0, "10.99.0.7", 0x02, MD5_OPTS, sizeof(MD5_OPTS));
}
B(md5_ack_pass)
{
	(void)p;
	return md5_seg(buf, 0, "10.99.0.7", 0x10, MD5_OPTS, sizeof(MD5_OPTS));
}
B(md5_rst_pass)
{
	(void)p;
	return md5_seg(buf, 0, "10.99.0.7", 0x04, MD5_OPTS, sizeof(MD5_OPTS));
}
B(plain_syn_pass)
{
	(void)p;
	return md5_seg(buf, 0, "10.99.0.7", 0x02, MSS_OPT, sizeof(MSS_OPT));
}
B(plain_ack_pass)
{
	(void)p;
	return md5_seg(buf, 0, "10.99.0.7", 0x10, MSS_OPT, sizeof(MSS_OPT));
}
B(md5_ack_drop)
{
	(void)p;
	return md5_seg(buf, 0, NULL, 0x10, MD5_OPTS, sizeof(MD5_OPTS));
}

struct fixture {
	const char *desc;
	build_fn build;
	enum dp_action action;
	enum dp_counter reason;
};

static const struct fixture fixtures[] = {
	{ "IPv4 SYN answered", syn4, DP_ACT_REPLY, DP_C_SYN },
	{ "IPv6 SYN answered", syn6, DP_ACT_REPLY, DP_C_SYN },
	{ "802.1Q SYN answered, tag kept", syn4_vlan, DP_ACT_REPLY, DP_C_SYN },
	{ "802.1ad+802.1Q SYN answered", syn4_qinq, DP_ACT_REPLY, DP_C_SYN },
	{ "frame to another MAC", not_our_mac, DP_ACT_DROP, DP_C_DROP_MAC },
	{ "ARP is never answered", arp, DP_ACT_DROP, DP_C_DROP_BAD_ETHER },
	{ "10-byte runt", runt, DP_ACT_DROP, DP_C_DROP_BAD_ETHER },
	{ "VLAN tag cut short", vlan_truncated, DP_ACT_DROP, DP_C_DROP_BAD_ETHER },
	{ "IPv4 header cut at 19 bytes", ip4_truncated, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv4 ihl 4", ip4_ihl4, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv4 total length beyond the frame", ip4_totlen_long, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv4 bad header checksum", ip4_bad_csum, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv4 SYN with IP options answered", ip4_options_syn, DP_ACT_REPLY, DP_C_SYN },
	{ "IPv4 SYN with Ethernet padding answered", ip4_padding, DP_ACT_REPLY, DP_C_SYN },
	{ "unprotected destination", unknown_host, DP_ACT_DROP, DP_C_DROP_UNKNOWN_HOST },
	{ "TCP header cut at 12 bytes", tcp_truncated, DP_ACT_DROP, DP_C_DROP_BAD_TCP },
	{ "TCP data offset 4", tcp_doff4, DP_ACT_DROP, DP_C_DROP_BAD_TCP },
	{ "TCP data offset beyond the packet", tcp_doff_beyond, DP_ACT_DROP, DP_C_DROP_BAD_TCP },
	{ "SYN with a zero-length option (kernel: stop parsing)", opt_len0, DP_ACT_REPLY, DP_C_SYN },
	{ "SYN with an option longer than the header", opt_len_beyond, DP_ACT_REPLY, DP_C_SYN },
	{ "SYN with TFO/MPTCP/experimental options", opt_unknown, DP_ACT_REPLY, DP_C_SYN },
	{ "SYN-ACK of an unknown flow", synack, DP_ACT_DROP, DP_C_DROP_BAD_STATE },
	{ "SYN+FIN", synfin, DP_ACT_DROP, DP_C_DROP_BAD_TCP },
	{ "SYN+RST", synrst, DP_ACT_DROP, DP_C_DROP_BAD_TCP },
	{ "RST of an unknown flow", rst_unknown, DP_ACT_DROP, DP_C_DROP_BAD_STATE },
	{ "FIN without ACK of an unknown flow", fin_unknown, DP_ACT_DROP, DP_C_DROP_BAD_STATE },
	{ "ACK with a bad cookie", ack_bad_cookie, DP_ACT_DROP, DP_C_DROP_BAD_COOKIE },
	{ "ACK with data and a bad cookie", ack_data_bad_cookie, DP_ACT_DROP, DP_C_DROP_BAD_COOKIE },
	{ "IPv4 first fragment of TCP", frag_first, DP_ACT_DROP, DP_C_DROP_FRAGMENT },
	{ "IPv4 later fragment of TCP", frag_later, DP_ACT_DROP, DP_C_DROP_FRAGMENT },
	{ "IPv4 reserved flag set", frag_evil_bit, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "UDP forwarded", udp4, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "UDP later fragment forwarded", udp4_frag_later, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "UDP with CHECKSUM_PARTIAL completed and forwarded", udp4_csum_partial, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "ICMP forwarded", icmp4, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "SYN to a host without secrets", no_secrets, DP_ACT_DROP, DP_C_DROP_NO_SECRETS },
	{ "SYN to a passthrough host forwarded", passthrough_syn, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "TCP fragment to a passthrough host forwarded", passthrough_frag, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "buffer too small for the SYN-ACK", no_room, DP_ACT_DROP, DP_C_DROP_NO_ROOM },
	{ "SYN to port 53 filtered", filtered, DP_ACT_DROP, DP_C_DROP_FILTERED },
	{ "IPv6 SYN after destination options answered", ip6_dstopts_syn, DP_ACT_REPLY, DP_C_SYN },
	{ "IPv6 first fragment of TCP", ip6_frag_first, DP_ACT_DROP, DP_C_DROP_FRAGMENT },
	{ "IPv6 later fragment of TCP", ip6_frag_later, DP_ACT_DROP, DP_C_DROP_FRAGMENT },
	{ "IPv6 extension header beyond the packet", ip6_ext_truncated, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv6 payload length beyond the frame", ip6_plen_long, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "IPv6 payload length 0 (jumbogram)", ip6_plen_zero, DP_ACT_DROP, DP_C_DROP_BAD_IP },
	{ "SYN with TCP-MD5 dropped (md5: drop)", md5_syn4, DP_ACT_DROP, DP_C_DROP_MD5 },
	{ "IPv6 SYN with TCP-MD5 dropped (md5: drop)", md5_syn6, DP_ACT_DROP, DP_C_DROP_MD5 },
	{ "SYN with kind 19 of length 10 (not a signature) answered", md5_bad_len_syn, DP_ACT_REPLY, DP_C_SYN },
	{ "ACK with TCP-MD5 and no cookie dropped (md5: drop)", md5_ack_drop, DP_ACT_DROP, DP_C_DROP_BAD_COOKIE },
	{ "SYN with TCP-MD5 forwarded (md5: pass)", md5_syn_pass, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "ACK with TCP-MD5 of an unknown flow forwarded (md5: pass)", md5_ack_pass, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "RST with TCP-MD5 of an unknown flow forwarded (md5: pass)", md5_rst_pass, DP_ACT_FORWARD, DP_C_FORWARDED },
	{ "SYN without TCP-MD5 answered (md5: pass)", plain_syn_pass, DP_ACT_REPLY, DP_C_SYN },
	{ "ACK without TCP-MD5 and no cookie dropped (md5: pass)", plain_ack_pass, DP_ACT_DROP, DP_C_DROP_BAD_COOKIE },
};

static void host(struct dp_config *cfg, int v6, const char *ip, uint8_t flags, struct dp_filter *f, uint64_t local_ns)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = v6 ? 6 : 4;
	if (v6)
		t_addr6(h.ip.a, ip);
	else
		t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = flags;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = h.cur.v6[i][j] = 0x1111111111111111ULL * (uint64_t)(1 + i * 2 + j);
	h.clock.hz = 250;
	h.clock.jiffies = 4294892296ULL + 1000000;
	h.clock.count = (uint32_t)(h.clock.jiffies / 15000);
	h.clock.tcp_clock_ms = 123456789;
	h.clock.local_ns = local_ns;
	h.filter = f;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

/* A host whose SYN-ACKs carry TS (tcp_timestamps=2: tsoff 0), for the mixed burst: two of them with different
 * sysctls and clocks, so a memo kept for the wrong host or options would show in the replies. */
static void host_ts(struct dp_config *cfg, const char *ip, uint8_t sack, uint8_t ws, uint8_t ecn, uint64_t clock_ms,
		    uint64_t local_ns)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = 4;
	t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = h.cur.v6[i][j] = 0x1111111111111111ULL * (uint64_t)(1 + i * 2 + j);
	h.sysctl.timestamps = 2;
	h.sysctl.sack = sack;
	h.sysctl.window_scaling = ws;
	h.sysctl.ecn = ecn;
	h.clock.hz = 250;
	h.clock.jiffies = 4294892296ULL + 1000000 + clock_ms;
	h.clock.count = (uint32_t)(h.clock.jiffies / 15000);
	h.clock.tcp_clock_ms = clock_ms;
	h.clock.local_ns = local_ns;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

/* The fixtures' hosts: .2 (secrets; the filter f, which may be NULL), .3 (no secrets), .4 (passthrough), an IPv6 one,
 * .7 (md5: pass), and two that send TS with different sysctls and clocks. Their clocks were sampled at local_ns. */
static inline void fixture_hosts(struct dp_config *cfg, struct dp_filter *f, uint64_t local_ns)
{
	host(cfg, 0, "10.99.0.2", DP_HOST_SECRETS_VALID, f, local_ns);
	host(cfg, 0, "10.99.0.3", 0, NULL, local_ns);
	host(cfg, 0, "10.99.0.4", DP_HOST_SECRETS_VALID | DP_HOST_PASSTHROUGH, NULL, local_ns);
	host(cfg, 1, "2001:db8:99::2", DP_HOST_SECRETS_VALID, NULL, local_ns);
	host(cfg, 0, "10.99.0.7", DP_HOST_SECRETS_VALID | DP_HOST_MD5_PASS, NULL, local_ns);
	host_ts(cfg, "10.99.0.5", 1, 1, 1, 123456789, local_ns);
	host_ts(cfg, "10.99.0.6", 0, 0, 0, 987654321, local_ns);
}

#define N_FIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

#endif /* DP_TEST_FIXTURES_H */
