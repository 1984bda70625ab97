/* test_core_packets.c: the fixture table of fixtures.h {description, input, expected verdict and reason} for malformed
 * and unusual frames (truncation, bad offsets and option lengths, fragments, VLAN, IPv6 headers, TCP-MD5), checked
 * against the userspace core; then mixed bursts, counters and host settings. */
#include <errno.h>
#include <stdlib.h>

#include "fixtures.h"
#include "parse.h"

#define NOW 1000000000000ULL

static struct dp_core *core;
static struct dp_worker *w;

static void check_reply(const struct fixture *fx, const uint8_t *buf, unsigned len)
{
	unsigned l3 = 14;

	if (buf[12] == 0x88 && buf[13] == 0xa8)
		l3 += 8;
	else if (buf[12] == 0x81)
		l3 += 4;
	CC_CHECK(t_csums_ok(buf, l3, len), "%s: reply checksums", fx->desc);
	CC_CHECK(!memcmp(buf, T_ROUTER_MAC, 6) && !memcmp(buf + 6, T_OUR_MAC, 6), "%s: reply MACs", fx->desc);
	if (l3 == 18)
		CC_CHECK(buf[14] == 0 && buf[15] == 42, "%s: VLAN id kept", fx->desc);
}

/* A random frame of the mixed burst: SYNs (v4 to two hosts, v6) with varied options and ECN bits, UDP, ACKs.
 * The varied SYN options exercise the per-burst memos of the verdict (host, clock, SYN-ACK options). */
static struct tframe mixed_frame(unsigned long long *seed)
{
	static const uint8_t linux_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7 };
	static const uint8_t ts_only[] = { 2, 4, 0x05, 0x78, 1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0 };
	static const uint8_t sack_ts[] = { 2, 4, 0x02, 0x18, 4, 2, 8, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	static const uint8_t ws_only[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 14 };
	struct tframe t = cc_rand(seed) % 4 == 0 ? base6(0x02) : base4(0x02);
	unsigned kind = (unsigned)(cc_rand(seed) % 5), opts = (unsigned)(cc_rand(seed) % 5);

	if (!t.v6 && kind == 1)
		t_addr4(t.daddr, "10.99.0.4");
	if (!t.v6 && (kind == 4 || kind == 0))
		t_addr4(t.daddr, cc_rand(seed) % 2 ? "10.99.0.5" : "10.99.0.6");
	if (kind == 2)
		t.proto = 17, t.payload = 9;
	if (kind == 3)
		t.flags = 0x10, t.ack = (uint32_t)cc_rand(seed);
	if (t.flags == 0x02 && opts) {
		t.opts = opts == 1 ? linux_opts : opts == 2 ? ts_only : opts == 3 ? sack_ts : ws_only;
		t.optlen = opts == 1 ? sizeof(linux_opts) : opts == 2 ? sizeof(ts_only) : opts == 3 ? sizeof(sack_ts)
												: sizeof(ws_only);
		if (cc_rand(seed) % 3 == 0)
			t.flags |= 0xc0; /* ECE | CWR: an ECN-setup SYN */
		t.ip_ecn = (uint8_t)(cc_rand(seed) % 4 == 0);
		t.res1 = (uint8_t)(cc_rand(seed) % 8 == 0);
	}
	t.sport = (uint16_t)cc_rand(seed);
	t.seq = (uint32_t)cc_rand(seed);
	return t;
}

int main(void)
{
	static const struct dp_filter_rule rules[] = { { "tcp and dst port 53", DP_FILTER_DROP } };
	struct dp_filter *f;
	char err[256];
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	unsigned i;

	CC_CHECK(dp_filter_compile(rules, 1, DP_FILTER_PASS, &f, err, sizeof(err)) == 0, "compile: %s", err);
	fixture_hosts(cfg, f, NOW);
	dp_filter_put(f);
	core = dp_core_new(2);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *fx = &fixtures[i];
		uint8_t buf[512] = { 0 };
		struct dp_pkt p = { .data = buf, .cap = sizeof(buf) };
		struct dp_pkt *pp = &p;
		uint8_t act;

		p.len = fx->build(buf, &p);
		dp_worker_burst(w, &pp, &act, 1, NOW);
		CC_CHECK(act == fx->action && dp_worker_last_reason(w) == fx->reason, "%s: got %d/%s, expected %d/%s",
			 fx->desc, act, dp_counter_name(dp_worker_last_reason(w)), fx->action,
			 dp_counter_name(fx->reason));
		if (act == DP_ACT_REPLY)
			check_reply(fx, buf, p.len);
		if (act == DP_ACT_FORWARD) {
			CC_CHECK(!memcmp(buf, T_HOST_MAC, 6) && !memcmp(buf + 6, T_OUR_MAC, 6), "%s: forward MACs",
				 fx->desc);
			CC_CHECK(!(p.flags & DP_PKT_CSUM_PARTIAL), "%s: CSUM_PARTIAL cleared", fx->desc);
			if (fx->build == udp4_csum_partial) {
				uint16_t c = t_csum(buf + 34, 29, t_pseudo(buf + 26, buf + 30, 4, 29) - 6 + 17);
				CC_CHECK(c == 0, "%s: UDP checksum completed (residue %04x)", fx->desc, c);
			}
		}
	}
	/* A long mixed burst (SYNs to two hosts with varied options, v6 SYNs, UDP, ACKs) gives byte-identical results to
	 * one packet per burst: the batched SIMD cookie path, the per-burst memos and the flush of bursts longer than
	 * DP_BURST change nothing. */
	{
		enum { N = 150 };
		static uint8_t a[N][256], b[N][256];
		struct dp_pkt pa[N], pb, *ppa[N], *ppb = &pb;
		uint8_t acta[N], actb;
		(void)b;
		unsigned long long seed = 42;
		int same = 1;

		for (i = 0; i < N; i++) {
			struct tframe t = mixed_frame(&seed);
			pa[i] = (struct dp_pkt){ .data = a[i], .len = t_build(a[i], &t), .cap = 256 };
			memcpy(b[i], a[i], 256);
			ppa[i] = &pa[i];
		}
		dp_worker_burst(w, ppa, acta, N, NOW);
		/* rebuild the same inputs from the same seed and run them one by one */
		seed = 42;
		for (i = 0; i < N; i++) {
			struct tframe t = mixed_frame(&seed);
			pb = (struct dp_pkt){ .data = b[i], .len = t_build(b[i], &t), .cap = 256 };
			dp_worker_burst(w, &ppb, &actb, 1, NOW);
			if (actb != acta[i] || pb.len != pa[i].len || memcmp(a[i], b[i], pb.len))
				same = 0;
		}
		CC_CHECK(same, "a 150-packet mixed burst equals 150 single-packet bursts");
		{
			unsigned with_ts = 0;

			for (i = 0; i < N; i++)
				if (acta[i] == DP_ACT_REPLY && pa[i].len >= 14 + 20 + 36) /* MSS + TS (+ WSCALE) */
					with_ts++;
			CC_CHECK(with_ts >= 5, "the mixed burst has SYN-ACKs with TS (%u)", with_ts);
		}
	}
	/* Counters add up: every frame counted once in rx, drops sum to rx_drop. */
	{
		struct dp_stats s;
		uint64_t drops = 0;

		dp_core_stats(core, &s);
		for (i = DP_C_DROP_MAC; i <= DP_C_DROP_NO_ROOM; i++)
			drops += s.c[i];
		drops += s.c[DP_C_DROP_MD5];
		CC_CHECK(s.c[DP_C_RX] == sizeof(fixtures) / sizeof(fixtures[0]) + 300, "rx %llu",
			 (unsigned long long)s.c[DP_C_RX]);
		CC_CHECK(s.c[DP_C_DROP] == drops, "rx_drop %llu = sum of reasons %llu", (unsigned long long)s.c[DP_C_DROP],
			 (unsigned long long)drops);
		CC_CHECK(s.c[DP_C_CSUM_FIXED] == 1, "one checksum completed");
		for (i = 0; i < DP_C_MAX; i++)
			CC_CHECK(dp_counter_name(i) != NULL, "counter %u has a name", i);
	}
	/* The Linux-SYN fast path of the option parser gives exactly what the general loop gives. */
	{
		static const uint8_t linux_opts[20] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7 };
		static const uint8_t ts_opts[12] = { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
		unsigned long long seed = 7;
		int same = 1, fast_hits = 0;

		for (i = 0; i < 400000; i++) {
			uint8_t buf[128];
			struct tframe t = base4(0x02);
			uint8_t o[20];
			unsigned olen = i & 1 ? 12 : 20;
			struct dp_l3 l3;
			struct dp_tcp x, y;

			memcpy(o, i & 1 ? ts_opts : linux_opts, olen);
			for (unsigned k = (unsigned)(cc_rand(&seed) % 4); k; k--) /* 0..3 random bytes changed */
				o[cc_rand(&seed) % olen] = (uint8_t)cc_rand(&seed);
			t.opts = o;
			t.optlen = olen;
			t.flags = cc_rand(&seed) % 8 ? 0x02 : 0x10;
			t_build(buf, &t);
			if (dp_parse_l3(buf, 54 + olen, &l3) || dp_parse_tcp(buf, &l3, &x))
				continue;
			y = x;
			dp_parse_tcp_options(buf, &l3, &x);
			dp_parse_tcp_options_loop(buf, &l3, &y);
			fast_hits += olen == 20 ? !memcmp(o, linux_opts, 2) && o[4] == 4 && o[16] == 1 : !memcmp(o, ts_opts, 4);
			if (memcmp(&x, &y, sizeof(x)))
				same = 0;
		}
		CC_CHECK(same, "fast paths == general loop on 400000 mutated Linux SYN / TS option blocks");
		CC_CHECK(fast_hits > 1000, "the fast path was exercised (%d)", fast_hits);
	}
	/* Bad host settings are refused with a message naming the field. */
	{
		struct dp_host_cfg h;
		struct dp_config *c = dp_config_new(&T_OUR_MAC, 1);
		const char *m;

		dp_host_cfg_init(&h);
		h.ip.family = 4;
		t_addr4(h.ip.a, "10.99.0.9");
		CC_CHECK(dp_host_cfg_check(&h) == NULL, "defaults are fine");
		h.wscale = 15;
		m = dp_host_cfg_check(&h);
		CC_CHECK(m && strstr(m, "wscale"), "wscale named: %s", m ? m : "(null)");
		CC_CHECK(dp_config_set_host(c, &h) == -EINVAL, "set_host refuses it");
		h.wscale = 0xff;
		t_addr4(h.ip.a, "224.0.0.1");
		m = dp_host_cfg_check(&h);
		CC_CHECK(m && strstr(m, "ip"), "multicast ip named: %s", m ? m : "(null)");
		h.ip.family = 5;
		CC_CHECK(dp_config_set_host(c, &h) == -EINVAL, "family 5 refused");
		CC_CHECK(dp_config_new(&T_OUR_MAC, 0) == NULL && errno == EINVAL, "no MAC refused");
		dp_config_free(c);
	}
	dp_worker_free(w);
	dp_core_free(core);
	return cc_summary();
}
