/* test_core_flows.c: flow life (cookie ACK, data, FIN/RST, expiry, sweep, table full), filter order and the
 * BPF interpreter against libpcap's, and config swaps under a running worker (never a torn or zeroed secret). */
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "cookie.h"
#include "tsopt.h"
#include "pkt_util.h"

#define NOW 1000000000000ULL
#define SEC 1000000000ULL

static struct dp_core *core;
static struct dp_worker *w;

static void host(struct dp_config *cfg, const char *ip, uint64_t key_seed, struct dp_filter *f)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = 4;
	t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = key_seed * (uint64_t)(1 + i * 2 + j);
	h.clock.hz = 250;
	h.clock.count = 1000;
	h.clock.jiffies = 1000ULL * 15000 + 30 * 250;
	h.clock.tcp_clock_ms = 50000000;
	h.clock.local_ns = NOW;
	h.filter = f;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

static void publish(uint64_t key_seed, struct dp_filter *f)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);

	host(cfg, "10.99.0.2", key_seed, f);
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
}

static enum dp_action run(uint8_t *buf, unsigned *len, uint64_t now)
{
	struct dp_pkt p = { .data = buf, .len = *len, .cap = 256 };
	struct dp_pkt *pp = &p;
	uint8_t act;

	dp_worker_burst(w, &pp, &act, 1, now);
	*len = p.len;
	return (enum dp_action)act;
}

static struct tframe seg(uint16_t sport, uint16_t dport, uint8_t flags)
{
	struct tframe t = { 0 };

	t_addr4(t.saddr, "198.51.100.7");
	t_addr4(t.daddr, "10.99.0.2");
	t.sport = sport;
	t.dport = dport;
	t.seq = 7000;
	t.flags = flags;
	return t;
}

/* SYN then the cookie ACK (with flags, e.g. ACK|FIN); returns the ACK's verdict. */
static enum dp_action handshake(uint16_t sport, uint8_t ack_flags, unsigned payload, uint64_t now, uint32_t *isn)
{
	uint8_t buf[256];
	struct tframe t = seg(sport, 80, 0x02);
	unsigned len = t_build(buf, &t);

	CC_CHECK(run(buf, &len, now) == DP_ACT_REPLY, "SYN from port %u", sport);
	*isn = dp_be32_t(buf + 14 + 20 + 4);
	t.seq = 7001;
	t.ack = *isn + 1;
	t.flags = ack_flags;
	t.payload = payload;
	len = t_build(buf, &t);
	return run(buf, &len, now);
}

static enum dp_action data(uint16_t sport, uint8_t flags, uint32_t isn, uint64_t now)
{
	uint8_t buf[256];
	struct tframe t = seg(sport, 80, flags);
	unsigned len;

	t.seq = 7001 + 5000; /* far past the handshake: its ACK no longer carries a valid cookie */
	t.ack = isn + 1 + 300;
	t.payload = 50;
	len = t_build(buf, &t);
	return run(buf, &len, now);
}

static void test_flow_life(void)
{
	struct dp_stats s0, s;
	uint32_t isn;

	publish(0x1234567890abcdefULL, NULL);
	dp_worker_stats(w, &s0);
	CC_CHECK(handshake(1001, 0x10, 0, NOW, &isn) == DP_ACT_FORWARD, "cookie ACK forwarded");
	CC_CHECK(data(1001, 0x18, isn, NOW + 1 * SEC) == DP_ACT_FORWARD, "data of the flow forwarded");
	CC_CHECK(data(1001, 0x18, isn, NOW + 590 * SEC) == DP_ACT_FORWARD, "idle 589 s: still there");
	CC_CHECK(data(1001, 0x18, isn, NOW + 1189 * SEC) == DP_ACT_FORWARD, "idle 599 s after the last packet");
	CC_CHECK(data(1001, 0x18, isn, NOW + 1789 * SEC) == DP_ACT_DROP &&
			 dp_worker_last_reason(w) == DP_C_DROP_BAD_COOKIE,
		 "idle 600 s: expired, its data no longer passes");
	dp_worker_stats(w, &s);
	CC_CHECK(s.c[DP_C_FLOW_NEW] - s0.c[DP_C_FLOW_NEW] == 1, "one flow created");
	CC_CHECK(s.c[DP_C_FLOW_EXPIRED] - s0.c[DP_C_FLOW_EXPIRED] == 1, "one flow expired");

	/* ACK with data and a valid cookie (the client's first data segment carries the handshake ACK). */
	CC_CHECK(handshake(1002, 0x18, 100, NOW + 2000 * SEC, &isn) == DP_ACT_FORWARD, "ACK+data with cookie");
	/* FIN of a known flow: Closing, expires after 120 s. */
	CC_CHECK(data(1002, 0x11, isn, NOW + 2001 * SEC) == DP_ACT_FORWARD, "FIN forwarded");
	CC_CHECK(data(1002, 0x10, isn, NOW + 2120 * SEC) == DP_ACT_FORWARD, "closing, 119 s after the FIN");
	CC_CHECK(data(1002, 0x10, isn, NOW + 2241 * SEC) == DP_ACT_DROP, "closing flow expired after 120 s");
	/* FIN+ACK with a valid cookie on an unknown flow: the kernel accepts it, so do we (Closing). */
	CC_CHECK(handshake(1003, 0x11, 0, NOW + 3000 * SEC, &isn) == DP_ACT_FORWARD, "FIN+ACK with cookie");
	CC_CHECK(data(1003, 0x10, isn, NOW + 3119 * SEC) == DP_ACT_FORWARD, "its flow is Closing");
	CC_CHECK(data(1003, 0x10, isn, NOW + 3240 * SEC) == DP_ACT_DROP, "and expires after 120 s");
	/* RST of a known flow is forwarded and closes it. */
	CC_CHECK(handshake(1004, 0x10, 0, NOW + 4000 * SEC, &isn) == DP_ACT_FORWARD, "flow 1004");
	CC_CHECK(data(1004, 0x04, isn, NOW + 4001 * SEC) == DP_ACT_FORWARD, "RST of a known flow forwarded");
	CC_CHECK(data(1004, 0x04, isn, NOW + 4200 * SEC) == DP_ACT_DROP, "and it is gone 120 s later");
	/* The sweep removes idle flows without traffic for them. */
	CC_CHECK(handshake(1005, 0x10, 0, NOW + 5000 * SEC, &isn) == DP_ACT_FORWARD, "flow 1005");
	for (int i = 0; i < 64; i++) { /* 64 bursts x 32 slots covers the 1024-slot table twice */
		uint8_t buf[64] = { 0 };
		unsigned len = 60;
		run(buf, &len, NOW + 6000 * SEC);
	}
	dp_worker_stats(w, &s);
	CC_CHECK(s.flows == 0, "sweep emptied the table (%llu left)", (unsigned long long)s.flows);
}

static void test_table_full(void)
{
	struct dp_worker *saved = w;
	struct dp_stats s;
	uint32_t isn;
	int i, ok = 1;

	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 16 });
	for (i = 0; i < 12; i++)
		ok &= handshake((uint16_t)(2000 + i), 0x10, 0, NOW, &isn) == DP_ACT_FORWARD;
	CC_CHECK(ok, "12 flows fit in 16 slots");
	CC_CHECK(handshake(2100, 0x10, 0, NOW, &isn) == DP_ACT_FORWARD, "13th valid ACK still forwarded");
	dp_worker_stats(w, &s);
	CC_CHECK(s.c[DP_C_FLOW_TABLE_FULL] == 1 && s.flows == 12, "table full counted (%llu, flows %llu)",
		 (unsigned long long)s.c[DP_C_FLOW_TABLE_FULL], (unsigned long long)s.flows);
	for (i = 0; i < 12; i++)
		ok &= data((uint16_t)(2000 + i), 0x18, 0, NOW + SEC) == DP_ACT_FORWARD;
	CC_CHECK(ok, "all 12 flows found (probe chains across the wrap)");
	dp_worker_free(w);
	w = saved;
}

static enum dp_action syn_to(uint16_t dport, int udp)
{
	uint8_t buf[256];
	struct tframe t = seg(3000, dport, 0x02);
	unsigned len;

	if (udp)
		t.proto = 17, t.payload = 10;
	len = t_build(buf, &t);
	return run(buf, &len, NOW);
}

static void test_filter_order(void)
{
	static const struct dp_filter_rule pass_first[] = {
		{ "tcp and dst port 22", DP_FILTER_PASS },
		{ "tcp", DP_FILTER_DROP },
		{ "udp and dst port 53", DP_FILTER_DROP },
	};
	static const struct dp_filter_rule drop_first[] = {
		{ "tcp", DP_FILTER_DROP },
		{ "tcp and dst port 22", DP_FILTER_PASS },
	};
	static const struct dp_filter_rule bad[] = {
		{ "tcp", DP_FILTER_DROP },
		{ "tcp and dst prot 22", DP_FILTER_PASS },
	};
	struct dp_filter *f;
	char err[256] = "";

	CC_CHECK(dp_filter_compile(pass_first, 3, DP_FILTER_PASS, &f, err, sizeof(err)) == 0, "compile: %s", err);
	publish(77, f);
	dp_filter_put(f);
	CC_CHECK(syn_to(22, 0) == DP_ACT_REPLY, "port 22: first rule passes");
	CC_CHECK(syn_to(80, 0) == DP_ACT_DROP && dp_worker_last_reason(w) == DP_C_DROP_FILTERED, "port 80: tcp drop");
	CC_CHECK(syn_to(53, 1) == DP_ACT_DROP, "udp 53 dropped");
	CC_CHECK(syn_to(54, 1) == DP_ACT_FORWARD, "udp 54: default pass");

	CC_CHECK(dp_filter_compile(drop_first, 2, DP_FILTER_DROP, &f, err, sizeof(err)) == 0, "compile: %s", err);
	publish(77, f);
	dp_filter_put(f);
	CC_CHECK(syn_to(22, 0) == DP_ACT_DROP, "port 22: the earlier drop rule wins (file order)");
	CC_CHECK(syn_to(54, 1) == DP_ACT_DROP, "udp: default drop");

	CC_CHECK(dp_filter_compile(bad, 2, DP_FILTER_PASS, &f, err, sizeof(err)) == -EINVAL && f == NULL,
		 "bad expression refused");
	CC_CHECK(strstr(err, "rule 2") && strstr(err, "dst prot 22"), "error names the rule: %s", err);
}

/* Our interpreter must agree with libpcap's bpf_filter() on every packet, malformed ones included. */
static void test_bpf_vs_libpcap(void)
{
	static const char *exprs[] = {
		"tcp and dst port 53",
		"udp or icmp",
		"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
		"ip6 and tcp dst port 443",
		"net 198.51.100.0/24 and not port 22",
		"len > 100 and ip[8] < 64",
		"ip[6:2] & 0x1fff != 0",
		"tcp[13] = 2 and src portrange 1000-2000",
		"icmp6 or (ip6 and udp)",
		"vlan or ip proto 47",
	};
	unsigned long long seed = 0x5eed;
	pcap_t *pc = pcap_open_dead(DLT_RAW, 65535);
	unsigned e, i, disagree = 0;

	for (e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		struct dp_filter_rule r = { exprs[e], DP_FILTER_DROP };
		struct bpf_program bp;
		struct dp_filter *f;
		char err[256];

		if (pcap_compile(pc, &bp, exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0) {
			/* e.g. "vlan" has no meaning on raw IP in some libpcaps: both sides must refuse it */
			CC_CHECK(dp_filter_compile(&r, 1, DP_FILTER_PASS, &f, err, sizeof(err)) != 0, "%s", exprs[e]);
			continue;
		}
		CC_CHECK(dp_filter_compile(&r, 1, DP_FILTER_PASS, &f, err, sizeof(err)) == 0, "%s: %s", exprs[e], err);
		for (i = 0; i < 20000; i++) {
			uint8_t buf[256];
			struct tframe t = seg((uint16_t)cc_rand(&seed), (uint16_t)(cc_rand(&seed) % 4 ? 53 : 443), 0);
			unsigned len, cut, k;
			int v6 = (int)(cc_rand(&seed) & 1);

			t.v6 = v6;
			if (v6) {
				t_addr6(t.saddr, "2001:db8:aa::7");
				t_addr6(t.daddr, "2001:db8:99::2");
			}
			t.proto = (uint8_t)((uint8_t[]){ 6, 17, 1, 58, 47 }[cc_rand(&seed) % 5]);
			t.flags = (uint8_t)cc_rand(&seed);
			t.payload = (unsigned)(cc_rand(&seed) % 120);
			len = t_build(buf, &t) - 14;
			for (k = (unsigned)(cc_rand(&seed) % 4); k; k--) /* random byte corruption */
				buf[14 + cc_rand(&seed) % len] = (uint8_t)cc_rand(&seed);
			cut = (unsigned)(cc_rand(&seed) % 8 ? len : cc_rand(&seed) % (len + 1));
			bool ours = dp_filter_run(f, buf + 14, cut) == DP_FILTER_DROP;
			bool theirs = bpf_filter(bp.bf_insns, buf + 14, cut, cut) != 0;
			if (ours != theirs && disagree++ < 5)
				CC_CHECK(0, "%s: ours %d libpcap %d on a %u-byte packet", exprs[e], ours, theirs, cut);
		}
		pcap_freecode(&bp);
		dp_filter_put(f);
	}
	CC_CHECK(disagree == 0, "interpreter disagreements: %u", disagree);
	pcap_close(pc);
}

/* A burst of cookie ACKs, their duplicates, data right behind them and RSTs (same burst) gives what one
 * packet at a time gives: the lane-parallel ACK check keeps packet order semantics. */
static void test_ack_burst_equivalence(int grouped)
{
	enum {
		F = 40,
		N = 4 * F
	};
	static uint8_t a[N][256], b[N][256];
	struct dp_pkt pa[N], pb, *ppa[N], *ppb = &pb;
	uint8_t acta[N], actb;
	struct dp_worker *wa, *wb;
	struct dp_stats sa, sb;
	unsigned i, n = 0;
	int same = 1;

	publish(0x77 + (uint64_t)grouped, NULL);
	wa = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	wb = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	for (i = 0; i < F; i++) {
		uint8_t buf[256];
		struct tframe t = seg((uint16_t)(5000 + i), 80, 0x02);
		unsigned len = t_build(buf, &t);
		uint32_t isn;

		CC_CHECK(run(buf, &len, NOW) == DP_ACT_REPLY, "SYN %u", i);
		isn = dp_be32_t(buf + 34 + 4);
		t.seq = 7001;
		t.ack = isn + 1;
		t.flags = 0x10;
		n++, t_build(a[n - 1], &t); /* the cookie ACK */
		t.flags = 0x18, t.payload = 20;
		n++, t_build(a[n - 1], &t); /* data with the same seq: cookie still valid */
		t.seq = 7021, t.payload = 30;
		n++, t_build(a[n - 1], &t); /* next data: only the flow lets it through */
		t.flags = (i & 1) ? 0x04 : 0x11, t.payload = 0, t.seq = 7051;
		n++, t_build(a[n - 1], &t); /* RST or FIN+ACK */
	}
	/* interleave the flows so that the segments of one flow are spread over the burst */
	for (i = 0; i < N; i++) {
		unsigned src = grouped ? i : (i % F) * 4 + i / F;
		memcpy(b[i], a[src], 256);
	}
	for (i = 0; i < N; i++) {
		memcpy(a[i], b[i], 256);
		pa[i] = (struct dp_pkt){ .data = a[i], .cap = 256 };
		ppa[i] = &pa[i];
	}
	/* lengths from the IP header */
	for (i = 0; i < N; i++)
		pa[i].len = 14u + (unsigned)(a[i][16] << 8 | a[i][17]);
	dp_worker_burst(wa, ppa, acta, N, NOW + SEC);
	for (i = 0; i < N; i++) {
		pb = (struct dp_pkt){ .data = b[i], .cap = 256 };
		pb.len = 14u + (unsigned)(b[i][16] << 8 | b[i][17]);
		dp_worker_burst(wb, &ppb, &actb, 1, NOW + SEC);
		if (actb != acta[i] || memcmp(a[i], b[i], pb.len)) {
			if (same)
				fprintf(stderr, "packet %u: burst %u, alone %u (%s)\n", i, acta[i], actb,
					dp_counter_name(dp_worker_last_reason(wb)));
			same = 0;
		}
	}
	dp_worker_stats(wa, &sa);
	dp_worker_stats(wb, &sb);
	CC_CHECK(same, "burst verdicts equal one-at-a-time verdicts");
	CC_CHECK(sa.c[DP_C_FLOW_NEW] == sb.c[DP_C_FLOW_NEW] && sa.c[DP_C_FORWARDED] == sb.c[DP_C_FORWARDED] &&
			 sa.c[DP_C_DROP] == sb.c[DP_C_DROP] && sa.flows == sb.flows,
		 "same counters: new %llu/%llu fwd %llu/%llu drop %llu/%llu", (unsigned long long)sa.c[DP_C_FLOW_NEW],
		 (unsigned long long)sb.c[DP_C_FLOW_NEW], (unsigned long long)sa.c[DP_C_FORWARDED],
		 (unsigned long long)sb.c[DP_C_FORWARDED], (unsigned long long)sa.c[DP_C_DROP],
		 (unsigned long long)sb.c[DP_C_DROP]);
	CC_CHECK(sb.c[DP_C_FORWARDED] == N, "every segment forwarded (%llu)", (unsigned long long)sb.c[DP_C_FORWARDED]);
	dp_worker_free(wa);
	dp_worker_free(wb);
}

/* A legacy (<= 4.10, SHA-1) host goes through the same verdict: its SYN-ACK carries the SHA-1 cookie, and the
 * ACK that echoes it opens the flow. */
static void test_sha1_host(void)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;
	uint8_t buf[256], c[16], sv[16];
	struct tframe t = seg(4242, 80, 0x02);
	uint32_t out[3], isn;
	unsigned len;

	dp_host_cfg_init(&h);
	h.ip.family = 4;
	t_addr4(h.ip.a, "10.99.0.2");
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	h.cookie_alg = 1;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 17; j++)
			h.cur.sha1[i][j] = 0x01010101u * (uint32_t)(i * 17 + j + 1);
	h.clock.hz = 250;
	h.clock.count = 1000;
	h.clock.jiffies = 1000ULL * 15000 + 30 * 250;
	h.clock.tcp_clock_ms = 50000000;
	h.clock.local_ns = NOW;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "sha1 host");
	dp_core_publish(core, cfg);
	len = t_build(buf, &t);
	CC_CHECK(run(buf, &len, NOW) == DP_ACT_REPLY, "SYN to a SHA-1 host answered");
	isn = dp_be32_t(buf + 34 + 4);
	t_addr4(c, "198.51.100.7");
	t_addr4(sv, "10.99.0.2");
	dp_cookie4_make_sha1(h.cur.sha1[0], h.cur.sha1[1], 1000, c, sv, 4242, 80, 7000, 536, out);
	CC_CHECK(out[0] == isn, "SHA-1 cookie %u, expected %u", isn, out[0]);
	t.seq = 7001;
	t.ack = isn + 1;
	t.flags = 0x10;
	len = t_build(buf, &t);
	CC_CHECK(run(buf, &len, NOW + SEC) == DP_ACT_FORWARD, "its ACK is forwarded (%s)",
		 dp_counter_name(dp_worker_last_reason(w)));
	t.sport = 4243;
	len = t_build(buf, &t);
	CC_CHECK(run(buf, &len, NOW + SEC) == DP_ACT_DROP, "another port's ACK is not");
}

/* Near a minute boundary the older count is used (never ahead of the server); the TS clock is never ahead. */
static void test_clock_estimate(void)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;
	struct dp_addr a = { .family = 4 };
	uint8_t buf[256], c[16], sv[16];
	static const uint8_t ts_opts[12] = { 1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 0 };
	uint32_t out[3];
	unsigned len;
	int o;

	host(cfg, "10.99.0.2", 9, NULL);
	t_addr4(a.a, "10.99.0.2");
	h = *dp_config_host(cfg, &a);
	h.clock.jiffies = 1000ULL * 15000 + 59500 / 4; /* 59.5 s into minute 1000 (HZ 250) */
	h.clock.error_ms = 1000;
	h.clock.tcp_clock_ms = 7000000;
	h.sysctl.timestamps = 2;
	dp_config_set_host(cfg, &h);
	dp_core_publish(core, cfg);
	t_addr4(c, "198.51.100.7");
	t_addr4(sv, "10.99.0.2");
	for (int step = 0; step < 2; step++) {
		uint64_t now = NOW + (step ? 2 * SEC : 0);
		uint32_t want_count = step ? 1001 : 1000; /* at +2 s even the early estimate is past the boundary */
		struct tframe t = seg(6000, 80, 0x02);

		t.opts = ts_opts;
		t.optlen = 12;
		len = t_build(buf, &t);
		CC_CHECK(run(buf, &len, now) == DP_ACT_REPLY, "SYN at step %d", step);
		memcpy(out, (uint32_t[3]){ 0 }, sizeof(out));
		{
			uint64_t k0[2] = { h.cur.v4[0][0], h.cur.v4[0][1] }, k1[2] = { h.cur.v4[1][0], h.cur.v4[1][1] };
			dp_cookie4_make(k0, k1, want_count, c, sv, 6000, 80, 7000, 536, out);
		}
		CC_CHECK(dp_be32_t(buf + 34 + 4) == out[0], "step %d: cookie made with count %u", step, want_count);
		/* TSval upper bits: the server's clock minus the error, never more */
		o = 20 + 4; /* MSS, then NOP NOP TS */
		uint32_t tsval = dp_be32_t(buf + 34 + o + 4);
		uint64_t server_ms = 7000000 + (now - NOW) / 1000000; /* what the server's clock really says */
		CC_CHECK(tsval <= server_ms && tsval + 1000 + 64 >= server_ms, "step %d: TSval %u vs server %llu", step,
			 tsval, (unsigned long long)server_ms);
	}
}

/* A segment of a lost connection whose TS echo is a recent server TSval (+ the secret tsoff) is let through. */
static void test_ts_revalidation(void)
{
	static const uint64_t net_secret[2] = { 0x1111222233334444ULL, 0x5555666677778888ULL };
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;
	struct dp_addr a = { .family = 4 };
	uint8_t buf[256], c[16], sv[16], opts[12] = { 1, 1, 8, 10, 0, 0, 0, 1 };
	struct tframe t = seg(6100, 80, 0x18);
	struct dp_stats s0, s1;
	uint32_t off, server_now = 9000000; /* the server's ms clock at NOW + 10 s */
	unsigned len;

	host(cfg, "10.99.0.2", 11, NULL);
	t_addr4(a.a, "10.99.0.2");
	h = *dp_config_host(cfg, &a);
	h.ts_mode = DP_TS_2026;
	h.sysctl.timestamps = 1;
	memcpy(h.cur.ts, net_secret, 16);
	h.clock.tcp_clock_ms = server_now - 10000;
	dp_config_set_host(cfg, &h);
	dp_core_publish(core, cfg);
	t_addr4(c, "198.51.100.7");
	t_addr4(sv, "10.99.0.2");
	off = dp_ts_tsoff4(2, net_secret, sv, c, 80, 6100);
	t.seq = 123456;
	t.ack = 654321; /* no cookie */
	t.payload = 10;
	t.opts = opts;
	t.optlen = 12;
	dp_worker_stats(w, &s0);
	for (int k = 0; k < 4; k++) {
		/* echoes: 30 s old, 4 min old (both fine), 6 min old, 1 min in the future (both refused) */
		static const int32_t age_ms[4] = { 30000, 240000, 360000, -60000 };
		static const int ok[4] = { 1, 1, 0, 0 };
		uint32_t echo = (uint32_t)((int64_t)server_now - age_ms[k]) + off;

		opts[8] = (uint8_t)(echo >> 24), opts[9] = (uint8_t)(echo >> 16), opts[10] = (uint8_t)(echo >> 8),
		opts[11] = (uint8_t)echo;
		len = t_build(buf, &t);
		CC_CHECK((run(buf, &len, NOW + 10 * SEC) == DP_ACT_FORWARD) == ok[k], "echo %d ms old: %s", age_ms[k],
			 dp_counter_name(dp_worker_last_reason(w)));
	}
	/* the same echo without the right tsoff (another port) is refused */
	t.sport = 6101;
	opts[8] = opts[9] = 0;
	{
		uint32_t echo = server_now - 30000 + off; /* tsoff of port 6100, not 6101 */
		opts[8] = (uint8_t)(echo >> 24), opts[9] = (uint8_t)(echo >> 16), opts[10] = (uint8_t)(echo >> 8),
		opts[11] = (uint8_t)echo;
	}
	len = t_build(buf, &t);
	CC_CHECK(run(buf, &len, NOW + 10 * SEC) == DP_ACT_DROP, "wrong tsoff refused");
	dp_worker_stats(w, &s1);
	CC_CHECK(s1.c[DP_C_TS_REVALIDATED] - s0.c[DP_C_TS_REVALIDATED] == 2, "two revalidated");
	CC_CHECK(s1.flows == s0.flows, "no flow created by revalidation");
}

/* The host 10.99.0.2 with a pickup window open until `until` (0 = none). */
static void publish_pickup(uint64_t key_seed, uint64_t until)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_addr a = { .family = 4 };
	struct dp_host_cfg h;

	host(cfg, "10.99.0.2", key_seed, NULL);
	t_addr4(a.a, "10.99.0.2");
	h = *dp_config_host(cfg, &a);
	h.pickup_until_ns = until;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host with pickup window");
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
}

/* Connections established before the diversion carry no cookie: picked up inside the window only. */
static void test_pickup_window(void)
{
	struct dp_worker *saved = w;
	struct dp_stats s0, s;
	uint8_t buf[256];
	unsigned len;

	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	/* no window: an established connection's data is dropped (the bug the window fixes) */
	publish_pickup(0x5150, 0);
	CC_CHECK(data(7001, 0x18, 0, NOW) == DP_ACT_DROP && dp_worker_last_reason(w) == DP_C_DROP_BAD_COOKIE,
		 "no window: unknown-flow data without a cookie dropped");
	publish_pickup(0x5150, NOW + 30 * SEC);
	dp_worker_stats(w, &s0);
	/* inside the window: ACK+data, bare ACK, ACK+FIN are forwarded and recorded */
	CC_CHECK(data(7002, 0x18, 0, NOW + 1 * SEC) == DP_ACT_FORWARD && dp_worker_last_reason(w) == DP_C_FORWARDED,
		 "ACK+data picked up in the window (%s)", dp_counter_name(dp_worker_last_reason(w)));
	CC_CHECK(data(7003, 0x10, 0, NOW + 2 * SEC) == DP_ACT_FORWARD, "bare ACK picked up");
	CC_CHECK(data(7004, 0x11, 0, NOW + 3 * SEC) == DP_ACT_FORWARD, "ACK+FIN picked up");
	/* RST (with or without ACK) and FIN without ACK are never picked up */
	CC_CHECK(data(7005, 0x04, 0, NOW + 4 * SEC) == DP_ACT_DROP && dp_worker_last_reason(w) == DP_C_DROP_BAD_STATE,
		 "RST not picked up");
	CC_CHECK(data(7006, 0x14, 0, NOW + 4 * SEC) == DP_ACT_DROP, "RST+ACK not picked up");
	CC_CHECK(data(7007, 0x01, 0, NOW + 4 * SEC) == DP_ACT_DROP, "FIN without ACK not picked up");
	/* SYNs are still answered with cookies */
	{
		struct tframe t = seg(7008, 80, 0x02);
		len = t_build(buf, &t);
		CC_CHECK(run(buf, &len, NOW + 5 * SEC) == DP_ACT_REPLY && dp_worker_last_reason(w) == DP_C_SYN,
			 "SYN answered with a cookie in the window");
	}
	dp_worker_stats(w, &s);
	CC_CHECK(s.c[DP_C_FLOW_PICKED_UP] - s0.c[DP_C_FLOW_PICKED_UP] == 3, "three flows picked up (%llu)",
		 (unsigned long long)(s.c[DP_C_FLOW_PICKED_UP] - s0.c[DP_C_FLOW_PICKED_UP]));
	CC_CHECK(s.c[DP_C_FLOW_NEW] == s0.c[DP_C_FLOW_NEW], "picked-up flows are not counted as cookie flows");
	CC_CHECK(s.flows - s0.flows == 3, "three flows recorded");
	/* after the window: picked-up flows keep forwarding, new unknown flows are dropped */
	/* (the clock only moves forward: a burst's expiry sweep takes a flow last seen "later" for an old one) */
	CC_CHECK(data(7010, 0x18, 0, NOW + 30 * SEC) == DP_ACT_DROP, "window closed at the deadline");
	CC_CHECK(data(7002, 0x18, 0, NOW + 31 * SEC) == DP_ACT_FORWARD, "picked-up flow forwards after the window");
	CC_CHECK(data(7009, 0x18, 0, NOW + 31 * SEC) == DP_ACT_DROP && dp_worker_last_reason(w) == DP_C_DROP_BAD_COOKIE,
		 "window over: unknown-flow data dropped again");
	CC_CHECK(data(7004, 0x10, 0, NOW + 120 * SEC) == DP_ACT_FORWARD, "FIN-picked flow is Closing: 117 s later");
	CC_CHECK(data(7004, 0x10, 0, NOW + 250 * SEC) == DP_ACT_DROP, "and expires like a Closing flow");
	CC_CHECK(data(7002, 0x18, 0, NOW + 500 * SEC) == DP_ACT_FORWARD, "and stays (idle timeout as any flow): %s",
		 dp_counter_name(dp_worker_last_reason(w)));
	/* a host without valid secrets: the window still picks connections up (nothing to check them against) */
	{
		struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
		struct dp_addr a = { .family = 4 };
		struct dp_host_cfg h;

		host(cfg, "10.99.0.2", 1, NULL);
		t_addr4(a.a, "10.99.0.2");
		h = *dp_config_host(cfg, &a);
		h.flags = 0;
		h.pickup_until_ns = NOW + 1000 * SEC;
		dp_config_set_host(cfg, &h);
		dp_core_publish(core, cfg);
		CC_CHECK(data(7011, 0x18, 0, NOW + 900 * SEC) == DP_ACT_FORWARD, "no secrets: picked up in the window");
		CC_CHECK(data(7012, 0x18, 0, NOW + 1001 * SEC) == DP_ACT_DROP &&
				 dp_worker_last_reason(w) == DP_C_DROP_NO_SECRETS,
			 "no secrets, window over: dropped");
	}
	dp_worker_free(w);
	w = saved;
}

/* Unknown-flow segments in the pickup window decided in one burst (lane-checked, pending ACKs) give the same
 * verdicts and counters as one at a time. */
static void test_pickup_burst_equivalence(void)
{
	enum {
		F = 30,
		N = 3 * F
	};
	static uint8_t a[N][256], b[N][256];
	struct dp_pkt pa[N], pb, *ppa[N], *ppb = &pb;
	uint8_t acta[N], actb;
	struct dp_worker *wa, *wb;
	struct dp_stats sa, sb;
	unsigned i, n = 0;
	int same = 1;

	publish_pickup(0x99, NOW + 30 * SEC);
	wa = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	wb = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	for (i = 0; i < F; i++) {
		struct tframe t = seg((uint16_t)(8000 + i), 80, 0x18);

		t.seq = 90000 + i, t.ack = 4000000 + i * 7, t.payload = 20; /* no cookie */
		n++, t_build(a[n - 1], &t);
		t.seq += 20, t.flags = 0x10, t.payload = 0;
		n++, t_build(a[n - 1], &t);
		t.flags = (i % 3 == 0) ? 0x04 : (i % 3 == 1) ? 0x11 : 0x18, t.payload = (i % 3 == 2) ? 5 : 0;
		n++, t_build(a[n - 1], &t); /* RST (of a now-known flow), FIN+ACK, more data */
	}
	for (i = 0; i < N; i++) /* interleave the flows */
		memcpy(b[i], a[(i % F) * 3 + i / F], 256);
	for (i = 0; i < N; i++) {
		memcpy(a[i], b[i], 256);
		pa[i] = (struct dp_pkt){ .data = a[i], .cap = 256 };
		pa[i].len = 14u + (unsigned)(a[i][16] << 8 | a[i][17]);
		ppa[i] = &pa[i];
	}
	dp_worker_burst(wa, ppa, acta, N, NOW + SEC);
	for (i = 0; i < N; i++) {
		pb = (struct dp_pkt){ .data = b[i], .cap = 256 };
		pb.len = 14u + (unsigned)(b[i][16] << 8 | b[i][17]);
		dp_worker_burst(wb, &ppb, &actb, 1, NOW + SEC);
		if (actb != acta[i] || memcmp(a[i], b[i], pb.len)) {
			if (same)
				fprintf(stderr, "packet %u: burst %u, alone %u (%s)\n", i, acta[i], actb,
					dp_counter_name(dp_worker_last_reason(wb)));
			same = 0;
		}
	}
	dp_worker_stats(wa, &sa);
	dp_worker_stats(wb, &sb);
	CC_CHECK(same, "pickup: burst verdicts equal one-at-a-time verdicts");
	CC_CHECK(sa.c[DP_C_FLOW_PICKED_UP] == F && sb.c[DP_C_FLOW_PICKED_UP] == F,
		 "one pickup per flow: burst %llu, alone %llu", (unsigned long long)sa.c[DP_C_FLOW_PICKED_UP],
		 (unsigned long long)sb.c[DP_C_FLOW_PICKED_UP]);
	CC_CHECK(sa.c[DP_C_FORWARDED] == sb.c[DP_C_FORWARDED] && sb.c[DP_C_FORWARDED] == N && sa.flows == sb.flows,
		 "every segment forwarded, same flows (fwd %llu/%llu)", (unsigned long long)sa.c[DP_C_FORWARDED],
		 (unsigned long long)sb.c[DP_C_FORWARDED]);
	dp_worker_free(wa);
	dp_worker_free(wb);
}

/* Module-free listener refresh: one real SYN per (host, port) per interval reaches the server. */
static void test_syn_refresh(void)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;
	struct dp_addr a = { .family = 4 };
	int i, passed = 0;

	host(cfg, "10.99.0.2", 5, NULL);
	t_addr4(a.a, "10.99.0.2");
	h = *dp_config_host(cfg, &a);
	h.syn_refresh_ms = 55000;
	dp_config_set_host(cfg, &h);
	dp_core_publish(core, cfg);
	CC_CHECK(syn_to(80, 0) == DP_ACT_FORWARD && dp_worker_last_reason(w) == DP_C_SYN_REFRESH,
		 "first SYN to port 80 goes to the server");
	CC_CHECK(syn_to(80, 0) == DP_ACT_REPLY, "the next one is answered by us");
	CC_CHECK(syn_to(81, 0) == DP_ACT_FORWARD, "first SYN to port 81 goes to the server");
	{
		uint8_t buf[256];
		struct tframe t = seg(3000, 80, 0x02);
		unsigned len = t_build(buf, &t);
		CC_CHECK(run(buf, &len, NOW + 56 * SEC) == DP_ACT_FORWARD, "56 s later port 80 is refreshed again");
		len = t_build(buf, &t);
		CC_CHECK(run(buf, &len, NOW + 57 * SEC) == DP_ACT_REPLY, "and then answered by us");
	}
	/* A flood to random ports: at most DP_REFRESH_MAX_PER_S (200) SYNs per second reach the server. */
	for (i = 0; i < 1000; i++) {
		uint8_t buf[256];
		struct tframe t = seg(3000, (uint16_t)(10000 + i), 0x02);
		unsigned len = t_build(buf, &t);
		passed += run(buf, &len, NOW + 100 * SEC) == DP_ACT_FORWARD;
	}
	CC_CHECK(passed == 200, "refresh passes capped per second: %d", passed);
}

/* ---- config swap safety ------------------------------------------------------------------------------- */

static atomic_int stop;
static atomic_ulong bad_isn, answered;

static void *swap_worker(void *arg)
{
	struct dp_worker *sw = dp_worker_new(core, NULL);
	unsigned long long seed = 99;
	(void)arg;

	while (!atomic_load(&stop)) {
		uint8_t bufs[32][128];
		struct dp_pkt pk[32], *pp[32];
		uint8_t act[32];
		uint32_t seq[32];
		int i;

		for (i = 0; i < 32; i++) {
			struct tframe t = seg((uint16_t)(1 + i), 80, 0x02);
			t.seq = seq[i] = (uint32_t)cc_rand(&seed);
			pk[i] = (struct dp_pkt){ .data = bufs[i], .len = t_build(bufs[i], &t), .cap = 128 };
			pp[i] = &pk[i];
		}
		dp_worker_burst(sw, pp, act, 32, NOW);
		for (i = 0; i < 32; i++) {
			uint8_t c[16], s[16];
			uint32_t out[3], isn;
			uint64_t ka[2][2], kb[2][2];
			bool ok = false;

			if (act[i] != DP_ACT_REPLY)
				continue;
			atomic_fetch_add(&answered, 1);
			isn = dp_be32_t(bufs[i] + 14 + 20 + 4);
			t_addr4(c, "198.51.100.7");
			t_addr4(s, "10.99.0.2");
			for (int set = 0; set < 2 && !ok; set++) {
				uint64_t seedk = set ? 0xbbbbbbbbbbbbbbbbULL : 0xaaaaaaaaaaaaaaaaULL;
				for (int a = 0; a < 2; a++)
					for (int b = 0; b < 2; b++)
						ka[a][b] = seedk * (uint64_t)(1 + a * 2 + b);
				memcpy(kb, ka, sizeof(kb));
				dp_cookie4_make(kb[0], kb[1], 1000, c, s, (uint32_t)(1 + i), 80, seq[i], 536, out);
				ok = out[0] == isn;
			}
			if (!ok)
				atomic_fetch_add(&bad_isn, 1);
		}
	}
	dp_worker_free(sw);
	return NULL;
}

static void test_swap_under_load(void)
{
	pthread_t th;
	int i;

	atomic_store(&stop, 0);
	publish(0xaaaaaaaaaaaaaaaaULL, NULL); /* before the worker starts: never the previous test's secrets */
	pthread_create(&th, NULL, swap_worker, NULL);
	/* Keep swapping until the worker has really run alongside (a loaded CI machine may not schedule it at
	 * once): at least 3000 publishes and 20000 answered SYNs, or 30 s. */
	for (i = 0; i < 3000 || (atomic_load(&answered) < 20000 && i < 3000000); i++) {
		publish(i & 1 ? 0xbbbbbbbbbbbbbbbbULL : 0xaaaaaaaaaaaaaaaaULL, NULL);
		if (i >= 3000 && i % 1000 == 0) {
			struct timespec ts = { 0, 10000000 };
			nanosleep(&ts, NULL);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	dp_core_synchronize(core);
	CC_CHECK(atomic_load(&answered) > 0, "worker answered SYNs during the swaps");
	CC_CHECK(atomic_load(&bad_isn) == 0, "%lu of %lu SYN-ACKs had a cookie from neither secret set",
		 atomic_load(&bad_isn), atomic_load(&answered));
	CC_CHECK(dp_core_generation(core) >= 3000, "generation counts publishes");
}

int main(void)
{
	core = dp_core_new(8);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	test_flow_life();
	test_table_full();
	test_filter_order();
	test_bpf_vs_libpcap();
	test_syn_refresh();
	test_sha1_host();
	test_clock_estimate();
	test_ts_revalidation();
	test_pickup_window();
	test_pickup_burst_equivalence();
	test_ack_burst_equivalence(0); /* all ACKs first, then the data, then RST/FIN */
	test_ack_burst_equivalence(1); /* each flow's four segments back to back in one burst */
	test_swap_under_load();
	dp_worker_free(w);
	dp_core_free(core);
	return cc_summary();
}
