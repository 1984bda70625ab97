/* vec_frames.h: frames and host configs made from the real-kernel vectors, and the golden SYN-ACKs: shared by the
 * userspace core's test (test_core_synack.c) and the XDP program's (test_xdp_fastpath.c). */
#ifndef DP_TEST_VEC_FRAMES_H
#define DP_TEST_VEC_FRAMES_H

#include "pkt_util.h"
#include "vectors.h"

/*
 * The host of a vector, its clock sampled at local_ns such that the conservative estimates are then exactly the
 * vector's count and ts_clock_ms (30 s into the cookie minute, 1 s error).
 * The vectors give each connection's tsoff but not the net_secret behind it, so a tcp_timestamps=1 line is made
 * tcp_timestamps=2 (tsoff 0) and compared with the kernel's TSval minus its tsoff; the SYN-ACK options are chosen
 * the same way for 1 and 2. keep_ts1 keeps the line as it was measured.
 */
static void vec_host(const struct vec *v, enum dp_ts_mode mode, const uint64_t *net_secret, int keep_ts1,
		     uint64_t local_ns, struct dp_host_cfg *h)
{
	dp_host_cfg_init(h);
	h->ip.family = v->v6 ? 6 : 4;
	memcpy(h->ip.a, v->daddr, v->v6 ? 16 : 4);
	memcpy(h->mac, T_HOST_MAC, 6);
	h->flags = DP_HOST_SECRETS_VALID;
	if (v->v6) {
		memcpy(h->cur.v6[0], v->k0, 16);
		memcpy(h->cur.v6[1], v->k1, 16);
	} else {
		memcpy(h->cur.v4[0], v->k0, 16);
		memcpy(h->cur.v4[1], v->k1, 16);
	}
	if (net_secret)
		memcpy(h->cur.ts, net_secret, 16);
	h->ts_mode = mode;
	h->clock.hz = 250;
	h->clock.count = v->count;
	h->clock.jiffies = (uint64_t)v->count * 60 * 250 + 30 * 250;
	h->clock.tcp_clock_ms = (v->has_ts ? v->ts_clock_ms : 5000000) + 1000;
	h->clock.local_ns = local_ns;
	h->clock.error_ms = 1000;
	h->sysctl.timestamps = (uint8_t)(v->tcp_timestamps == 1 && !keep_ts1 ? 2 : v->tcp_timestamps);
	h->mss = (uint16_t)v->server_mss_option;
}

static unsigned syn_opts(const struct vec *v, uint8_t *o)
{
	unsigned n = 0;

	if (v->mss_in >= 0) {
		o[n++] = 2, o[n++] = 4, o[n++] = (uint8_t)(v->mss_in >> 8), o[n++] = (uint8_t)v->mss_in;
	}
	if (v->sack_in)
		o[n++] = 4, o[n++] = 2;
	if (v->ts_in) {
		o[n++] = 8, o[n++] = 10;
		o[n++] = 1, o[n++] = 2, o[n++] = 3, o[n++] = 4; /* TSval 0x01020304 */
		o[n++] = 0, o[n++] = 0, o[n++] = 0, o[n++] = 0;
	}
	if (v->wscale_in >= 0)
		o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)v->wscale_in;
	while (n % 4)
		o[n++] = 0;
	return n;
}

static unsigned syn_for(const struct vec *v, uint8_t *buf, int vlan)
{
	uint8_t opts[40];
	struct tframe t = { 0 };

	t.v6 = v->v6;
	t.vlan = vlan;
	memcpy(t.saddr, v->saddr, 16);
	memcpy(t.daddr, v->daddr, 16);
	t.sport = v->sport;
	t.dport = v->dport;
	t.seq = v->client_seq;
	t.flags = 0x02 | (v->ecn_in ? 0xc0 : 0);
	t.optlen = syn_opts(v, opts);
	t.opts = opts;
	return t_build(buf, &t);
}

static void from_hex(const char *h, uint8_t *out, unsigned *len)
{
	unsigned n = (unsigned)strlen(h) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
	*len = n;
}

/* Built independently (field by field, RFC 1071 in Python) from the kernel's tcp_options_write() layout. The
 * windows are a stock 1500-MTU kernel's: 65160 (IPv4) and 64260 (IPv6) with timestamps, 64240 without. */
static const char G1_V4_TS_SACK_WS_ECN[] =
	"0200000000ee02000000000108004500003c000040004006f4090a630002cb00714d0050c4d7d6bbed7e00000002a052fe88c0c70000020405b40402080a0004b43e0102030401030307";
static const char G2_V4_NO_TS[] =
	"0200000000ee02000000000108004500002c000040004006062a0a630002c633640a1451ffffecaf026f000000026012faf065110000020405b4";
static const char G3_V6_TS_WS_ECN[] =
	"0200000000ee02000000000186dd600000000028064020010db800990000000000000000000220010db800aa0000000000000000001001bb9dc507bf5c2100000000a052fb0436e00000020405a00101080a0004b4ae0102030401030307";
static const char G4_V4_VLAN[] =
	"0200000000ee0200000000018100006408004500003c000040004006f4090a630002cb00714d0050c4d7d6bbed7e00000002a052fe88c0c70000020405b40402080a0004b43e0102030401030307";

/* Each golden SYN-ACK: the vector line whose SYN it answers, the VLAN it travels in (0 = none). */
static const struct golden {
	int line, vlan;
	const char *hex, *name;
} goldens[] = {
	{ 422, 0, G1_V4_TS_SACK_WS_ECN, "v4 TS+SACK+WS+ECN" },
	{ 3, 0, G2_V4_NO_TS, "v4 without TS" },
	{ 471, 0, G3_V6_TS_WS_ECN, "v6 TS+WS+ECN" },
	{ 422, 100, G4_V4_VLAN, "v4 in VLAN 100" },
};
#define N_GOLDEN (sizeof(goldens) / sizeof(goldens[0]))

#endif /* DP_TEST_VEC_FRAMES_H */
