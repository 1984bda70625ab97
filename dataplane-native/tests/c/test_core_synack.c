/* test_core_synack.c: SYN -> SYN-ACK through the whole core: every real-kernel vector, golden frames byte for
 * byte (v4, v6, VLAN, with/without TS, ECN), and the cookie ACK coming back (ages, bit flips, TS echo). */
#include <stdlib.h>

#include "pkt_util.h"
#include "vectors.h"

#define NOW 1000000000000ULL /* local CLOCK_MONOTONIC of the tests: 1000 s */

static struct dp_core *core;
static struct dp_worker *w;
static int keep_ts1;

/* Publishes a one-host config for the vector: clock such that the conservative estimates are exactly the
 * vector's count and ts_clock_ms at NOW (30 s into the cookie minute, 1 s error). */
static void publish_for(const struct vec *v, enum dp_ts_mode mode, const uint64_t *net_secret)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = v->v6 ? 6 : 4;
	memcpy(h.ip.a, v->daddr, v->v6 ? 16 : 4);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	if (v->v6) {
		memcpy(h.cur.v6[0], v->k0, 16);
		memcpy(h.cur.v6[1], v->k1, 16);
	} else {
		memcpy(h.cur.v4[0], v->k0, 16);
		memcpy(h.cur.v4[1], v->k1, 16);
	}
	if (net_secret)
		memcpy(h.cur.ts, net_secret, 16);
	h.ts_mode = mode;
	h.clock.hz = 250;
	h.clock.count = v->count;
	h.clock.jiffies = (uint64_t)v->count * 60 * 250 + 30 * 250;
	h.clock.tcp_clock_ms = (v->has_ts ? v->ts_clock_ms : 5000000) + 1000;
	h.clock.local_ns = NOW;
	h.clock.error_ms = 1000;
	/* The vectors give each connection's tsoff but not the net_secret behind it, so a tcp_timestamps=1 line is
	 * published as tcp_timestamps=2 (tsoff 0) and compared with the kernel's TSval minus its tsoff; the SYN-ACK
	 * options are chosen the same way for 1 and 2. keep_ts1 publishes the line as it was measured. */
	h.sysctl.timestamps = (uint8_t)(v->tcp_timestamps == 1 && !keep_ts1 ? 2 : v->tcp_timestamps);
	h.mss = (uint16_t)v->server_mss_option;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "set_host line %d", v->line);
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
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

static enum dp_action run1(uint8_t *buf, unsigned *len, uint64_t now)
{
	struct dp_pkt p = { .data = buf, .len = *len, .cap = 256 };
	struct dp_pkt *pp = &p;
	uint8_t act;

	dp_worker_burst(w, &pp, &act, 1, now);
	*len = p.len;
	return (enum dp_action)act;
}

/* Finds option kind in the reply's TCP options; returns its offset or -1. */
static int find_opt(const uint8_t *th, uint8_t kind)
{
	int hl = (th[12] >> 4) * 4, i = 20;

	while (i < hl) {
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (th[i] == 0 || i + 1 >= hl)
			return -1;
		if (th[i] == kind)
			return i;
		i += th[i + 1];
	}
	return -1;
}

static void test_vectors(void)
{
	unsigned n, i;
	struct vec *vs = vec_load(&n);

	for (i = 0; i < n; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256];
		unsigned len = syn_for(v, buf, 0), l3 = 14, iphl = v->v6 ? 40 : 20;
		const uint8_t *th;
		int o;

		publish_for(v, DP_TS_ZERO, NULL);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN not answered (reason %s)", v->line,
			 dp_counter_name(dp_worker_last_reason(w)));
		th = buf + l3 + iphl;
		CC_CHECK(dp_be32_t(th + 4) == v->isn, "line %d: isn %u, kernel %u", v->line, dp_be32_t(th + 4), v->isn);
		CC_CHECK(dp_be32_t(th + 8) == v->client_seq + 1, "line %d: ack", v->line);
		CC_CHECK(th[13] == (0x12 | (v->has_ts && v->ecn_in ? 0x40 : 0)), "line %d: flags %02x", v->line, th[13]);
		CC_CHECK(t_csums_ok(buf, l3, len), "line %d: checksums", v->line);
		CC_CHECK(!memcmp(buf, T_ROUTER_MAC, 6) && !memcmp(buf + 6, T_OUR_MAC, 6), "line %d: MACs", v->line);
		o = find_opt(th, 2);
		CC_CHECK(o > 0 && (unsigned)(th[o + 2] << 8 | th[o + 3]) == v->server_mss_option, "line %d: MSS option",
			 v->line);
		o = find_opt(th, 8);
		CC_CHECK((o > 0) == v->has_ts, "line %d: TS option presence", v->line);
		if (o > 0 && v->has_ts) {
			CC_CHECK(dp_be32_t(th + o + 2) == v->tsval - v->tsoff, "line %d: TSval %u, kernel %u - tsoff %u",
				 v->line, dp_be32_t(th + o + 2), v->tsval, v->tsoff);
			CC_CHECK(dp_be32_t(th + o + 6) == 0x01020304, "line %d: TSecr", v->line);
		}
		CC_CHECK((find_opt(th, 4) > 0) == (v->has_ts && v->sack_in), "line %d: SACK_PERM presence", v->line);
		CC_CHECK((find_opt(th, 3) > 0) == (v->has_ts && v->wscale_in >= 0), "line %d: WSCALE presence",
			 v->line);
	}
	free(vs);
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
static const char G1_V4_TS_SACK_WS_ECN[] = "0200000000ee02000000000108004500003c000040004006f4090a630002cb00714d0050c4d7d6bbed7e00000002a052fe88c0c70000020405b40402080a0004b43e0102030401030307";
static const char G2_V4_NO_TS[] = "0200000000ee02000000000108004500002c000040004006062a0a630002c633640a1451ffffecaf026f000000026012faf065110000020405b4";
static const char G3_V6_TS_WS_ECN[] = "0200000000ee02000000000186dd600000000028064020010db800990000000000000000000220010db800aa0000000000000000001001bb9dc507bf5c2100000000a052fb0436e00000020405a00101080a0004b4ae0102030401030307";
static const char G4_V4_VLAN[] = "0200000000ee0200000000018100006408004500003c000040004006f4090a630002cb00714d0050c4d7d6bbed7e00000002a052fe88c0c70000020405b40402080a0004b43e0102030401030307";

static void golden(const struct vec *vs, unsigned n, int line, int vlan, const char *hex, const char *name)
{
	uint8_t buf[256], exp[256];
	unsigned len, elen, i;

	for (i = 0; i < n && vs[i].line != line; i++)
		;
	if (i == n) {
		CC_CHECK(0, "%s: vector line %d missing", name, line);
		return;
	}
	publish_for(&vs[i], DP_TS_ZERO, NULL);
	len = syn_for(&vs[i], buf, vlan);
	from_hex(hex, exp, &elen);
	CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "%s: not answered", name);
	CC_CHECK(len == elen && !memcmp(buf, exp, elen), "%s: frame differs", name);
	if (len != elen || memcmp(buf, exp, elen)) {
		t_hexdump("got     ", buf, len);
		t_hexdump("expected", exp, elen);
	}
}

static void test_golden(void)
{
	unsigned n;
	struct vec *vs = vec_load(&n);

	golden(vs, n, 422, 0, G1_V4_TS_SACK_WS_ECN, "v4 TS+SACK+WS+ECN");
	golden(vs, n, 3, 0, G2_V4_NO_TS, "v4 without TS");
	golden(vs, n, 471, 0, G3_V6_TS_WS_ECN, "v6 TS+WS+ECN");
	golden(vs, n, 422, 100, G4_V4_VLAN, "v4 in VLAN 100");
	free(vs);
}

/* tcp_timestamps=1 without an offset secret: our TSval could not match the server's (its tsoff is secret), so the
 * SYN-ACK carries MSS only, and the cookie is the same. Found by the QEMU harness (clients dropped data by PAWS). */
static void test_ts1_without_offset_secret(void)
{
	unsigned n, i, done = 0;
	struct vec *vs = vec_load(&n);

	keep_ts1 = 1;
	for (i = 0; i < n && done < 20; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256];
		unsigned len = syn_for(v, buf, 0), iphl = v->v6 ? 40 : 20;
		const uint8_t *th = buf + 14 + iphl;

		if (!v->has_ts || v->tcp_timestamps != 1)
			continue;
		done++;
		publish_for(v, DP_TS_ZERO, NULL);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN not answered", v->line);
		CC_CHECK(dp_be32_t(th + 4) == v->isn, "line %d: isn %u, kernel %u", v->line, dp_be32_t(th + 4), v->isn);
		CC_CHECK(find_opt(th, 2) > 0, "line %d: MSS option", v->line);
		CC_CHECK(find_opt(th, 8) < 0 && find_opt(th, 4) < 0 && find_opt(th, 3) < 0,
			 "line %d: TS/SACK/WSCALE sent with an unknown tsoff", v->line);
		CC_CHECK(t_csums_ok(buf, 14, len), "line %d: checksums", v->line);
	}
	keep_ts1 = 0;
	CC_CHECK(done == 20, "enough tcp_timestamps=1 vectors with TS");
	free(vs);
}

/* The ACK that completes the handshake: forwarded within the cookie's life, dropped after or when altered. */
static void test_ack_back(void)
{
	unsigned n, i, done = 0;
	struct vec *vs = vec_load(&n);
	static const uint64_t net_secret[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

	for (i = 0; i < n && done < 40; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256], ack[256], opts[12];
		unsigned len, alen, iphl = v->v6 ? 40 : 20;
		uint32_t isn, tsval = 0;
		struct tframe t = { 0 };
		int o;

		if ((done & 1) != v->has_ts)
			continue;
		done++;
		/* tcp_timestamps=1 with the 2026 rule: our tsoff goes out in TSval and comes off the echo. */
		publish_for(v, v->tcp_timestamps == 1 ? DP_TS_2026 : DP_TS_ZERO, net_secret);
		len = syn_for(v, buf, 0);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN", v->line);
		isn = dp_be32_t(buf + 14 + iphl + 4);
		o = find_opt(buf + 14 + iphl, 8);
		if (o > 0)
			tsval = dp_be32_t(buf + 14 + iphl + o + 2);
		t.v6 = v->v6;
		memcpy(t.saddr, v->saddr, 16);
		memcpy(t.daddr, v->daddr, 16);
		t.sport = v->sport;
		t.dport = v->dport;
		t.seq = v->client_seq + 1;
		t.ack = isn + 1;
		t.flags = 0x10;
		if (o > 0) {
			opts[0] = 1, opts[1] = 1, opts[2] = 8, opts[3] = 10;
			opts[4] = 0, opts[5] = 0, opts[6] = 0, opts[7] = 9;
			opts[8] = (uint8_t)(tsval >> 24), opts[9] = (uint8_t)(tsval >> 16);
			opts[10] = (uint8_t)(tsval >> 8), opts[11] = (uint8_t)tsval;
			t.opts = opts;
			t.optlen = 12;
		}
		if (o > 0) {
			alen = t_build(ack, &t);
			/* An echo that claims SACK while the host has tcp_sack=0 is refused as the kernel does. */
			struct dp_config *c = dp_config_clone(dp_core_config(core));
			struct dp_host_cfg h;
			struct dp_addr a = { .family = (uint8_t)(v->v6 ? 6 : 4) };

			memcpy(a.a, v->daddr, v->v6 ? 16 : 4);
			h = *dp_config_host(c, &a);
			h.sysctl.sack = 0;
			h.sysctl.window_scaling = 0;
			dp_config_set_host(c, &h);
			dp_core_publish(core, c);
			alen = t_build(ack, &t);
			if (v->sack_in || v->wscale_in >= 0)
				CC_CHECK(run1(ack, &alen, NOW + 1000000000ULL) == DP_ACT_DROP &&
						 dp_worker_last_reason(w) == DP_C_DROP_BAD_TS,
					 "line %d: TS bits for disabled SACK/WS must be refused", v->line);
			publish_for(v, v->tcp_timestamps == 1 ? DP_TS_2026 : DP_TS_ZERO, net_secret);
		}
		/* Age 1 (61 s later): still valid; a new flow is made and forwarded to the host MAC. */
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 61000000000ULL) == DP_ACT_FORWARD, "line %d: ACK at age 1 (%s)",
			 v->line, dp_counter_name(dp_worker_last_reason(w)));
		CC_CHECK(!memcmp(ack, T_HOST_MAC, 6) && !memcmp(ack + 6, T_OUR_MAC, 6), "line %d: forward MACs",
			 v->line);
		/* Same ACK, 150 s after the SYN and as a different client port: too old. */
		t.sport ^= 0x5555;
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 150000000000ULL) == DP_ACT_DROP &&
				 dp_worker_last_reason(w) == DP_C_DROP_BAD_COOKIE,
			 "line %d: other port must fail", v->line);
		t.sport ^= 0x5555;
		/* One bit off in the ACK number: invalid (a different 4-tuple so that no flow exists). */
		t.ack ^= 0x00000100;
		t.sport = (uint16_t)(t.sport + 1);
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 1000000000ULL) == DP_ACT_DROP, "line %d: flipped ACK", v->line);
	}
	CC_CHECK(done == 40, "enough vectors");
	free(vs);
}

int main(void)
{
	core = dp_core_new(4);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	test_vectors();
	test_golden();
	test_ack_back();
	test_ts1_without_offset_secret();
	dp_worker_free(w);
	dp_core_free(core);
	return cc_summary();
}
