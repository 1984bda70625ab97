/* test_core_hoststats.c: every frame counted once, under its verdict's reason, in the totals and in its host's row;
 * per-host counters across config swaps, host removal and freed workers; the forwarded frame's Ethernet header. */
#include <errno.h>
#include <stdlib.h>

#include "parse.h"
#include "pkt_util.h"

#define NOW 1000000000000ULL

static struct dp_core *core;
static struct dp_worker *w;

static const uint8_t FWD_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x77 };

static void add_host(struct dp_config *cfg, const char *ip, uint8_t flags, uint32_t refresh_ms)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = 4;
	t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = (uint8_t)(DP_HOST_SECRETS_VALID | flags);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = 0x1234567ULL * (uint64_t)(1 + i * 2 + j);
	h.clock.hz = 250;
	h.clock.count = 1000;
	h.clock.jiffies = 1000ULL * 15000 + 30 * 250;
	h.clock.tcp_clock_ms = 50000000;
	h.clock.local_ns = NOW;
	h.syn_refresh_ms = refresh_ms;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

/* Publishes hosts "a" (10.99.0.2) and/or "b" (10.99.0.3, with a SYN refresh every 60 s). */
static void publish(int a, int b, const uint8_t *fwd_mac)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);

	if (a)
		add_host(cfg, "10.99.0.2", 0, 0);
	if (b)
		add_host(cfg, "10.99.0.3", 0, 60000);
	if (fwd_mac)
		CC_CHECK(dp_config_set_forward_mac(cfg, fwd_mac) == 0, "forward MAC");
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
	dp_core_synchronize(core);
}

/* A segment from 198.51.100.7:sport to dst:80; seq 7000 for a SYN, 7001 (the handshake ACK's) otherwise. */
static unsigned frame(uint8_t *buf, const char *dst, uint16_t sport, uint8_t flags, uint32_t ack)
{
	struct tframe t = { 0 };

	t_addr4(t.saddr, "198.51.100.7");
	t_addr4(t.daddr, dst);
	t.sport = sport;
	t.dport = 80;
	t.seq = (flags & DP_TCP_SYN) ? 7000 : 7001;
	t.ack = ack;
	t.flags = flags;
	return t_build(buf, &t);
}

static unsigned add(uint8_t (*f)[256], unsigned *len, unsigned n, const char *dst, uint16_t sport, uint8_t flags,
		    uint32_t ack)
{
	len[n] = frame(f[n], dst, sport, flags, ack);
	return n + 1;
}

/* One burst of n frames; frames[i] are rewritten in place. */
static void burst(uint8_t (*frames)[256], const unsigned *lens, uint8_t *act, unsigned n)
{
	struct dp_pkt p[DP_BURST], *pp[DP_BURST];

	for (unsigned i = 0; i < n; i++) {
		p[i] = (struct dp_pkt){ .data = frames[i], .len = lens[i], .cap = 256 };
		pp[i] = &p[i];
	}
	dp_worker_burst(w, pp, act, n, NOW);
}

static struct dp_stats host_stats(const char *ip, int expect_rc)
{
	struct dp_addr a = { .family = 4 };
	struct dp_stats s;

	t_addr4(a.a, ip);
	CC_CHECK(dp_core_host_stats(core, &a, &s) == expect_rc, "host stats of %s", ip);
	return s;
}

/* One burst of every kind of verdict to two hosts and one unknown IP; then every counter by name. */
static void test_counted_once(void)
{
	uint8_t f[8][256], act[8];
	unsigned len[8], n = 0;
	struct dp_stats t, a, b;

	publish(1, 1, NULL);
	n = add(f, len, n, "10.99.0.2", 1001, DP_TCP_SYN, 0);		   /* a: SYN-ACK */
	n = add(f, len, n, "10.99.0.2", 1002, DP_TCP_SYN, 0);		   /* a: SYN-ACK */
	n = add(f, len, n, "10.99.0.2", 1003, DP_TCP_ACK, 12345);	   /* a: bad cookie (pending ACK) */
	n = add(f, len, n, "10.99.0.2", 1004, DP_TCP_RST, 0);		   /* a: bad state */
	n = add(f, len, n, "10.99.0.3", 1005, DP_TCP_SYN, 0);		   /* b: refresh, forwarded */
	n = add(f, len, n, "10.99.0.3", 1006, DP_TCP_SYN, 0);		   /* b: SYN-ACK (port refreshed) */
	n = add(f, len, n, "10.99.0.9", 1007, DP_TCP_SYN, 0);		   /* nobody's: unknown host */
	n = add(f, len, n, "10.99.0.2", 1008, DP_TCP_SYN | DP_TCP_FIN, 0); /* a: bad tcp */
	burst(f, len, act, n);
	CC_CHECK(act[0] == DP_ACT_REPLY && act[1] == DP_ACT_REPLY && act[2] == DP_ACT_DROP && act[3] == DP_ACT_DROP &&
			 act[4] == DP_ACT_FORWARD && act[5] == DP_ACT_REPLY && act[6] == DP_ACT_DROP &&
			 act[7] == DP_ACT_DROP,
		 "actions %d %d %d %d %d %d %d %d", act[0], act[1], act[2], act[3], act[4], act[5], act[6], act[7]);
	CC_CHECK(dp_worker_last_reason(w) == DP_C_DROP_BAD_TCP, "last reason: %s",
		 dp_counter_name(dp_worker_last_reason(w)));

	dp_worker_stats(w, &t);
	CC_CHECK(t.c[DP_C_RX] == 8, "rx_pps %llu: every frame once", (unsigned long long)t.c[DP_C_RX]);
	CC_CHECK(t.c[DP_C_SYN] == 3, "rx_syn %llu", (unsigned long long)t.c[DP_C_SYN]);
	CC_CHECK(t.c[DP_C_FORWARDED] == 1 && t.c[DP_C_SYN_REFRESH] == 1, "the refresh SYN is forwarded: %llu %llu",
		 (unsigned long long)t.c[DP_C_FORWARDED], (unsigned long long)t.c[DP_C_SYN_REFRESH]);
	CC_CHECK(t.c[DP_C_DROP] == 4 && t.c[DP_C_DROP_BAD_COOKIE] == 1 && t.c[DP_C_DROP_BAD_STATE] == 1 &&
			 t.c[DP_C_DROP_UNKNOWN_HOST] == 1 && t.c[DP_C_DROP_BAD_TCP] == 1,
		 "drops %llu", (unsigned long long)t.c[DP_C_DROP]);

	a = host_stats("10.99.0.2", 0);
	b = host_stats("10.99.0.3", 0);
	CC_CHECK(a.c[DP_C_RX] == 5 && a.c[DP_C_SYN] == 2 && a.c[DP_C_FORWARDED] == 0 && a.c[DP_C_DROP] == 3 &&
			 a.c[DP_C_DROP_BAD_COOKIE] == 1 && a.c[DP_C_DROP_BAD_STATE] == 1 && a.c[DP_C_DROP_BAD_TCP] == 1,
		 "host a: rx %llu syn %llu drop %llu", (unsigned long long)a.c[DP_C_RX],
		 (unsigned long long)a.c[DP_C_SYN], (unsigned long long)a.c[DP_C_DROP]);
	CC_CHECK(b.c[DP_C_RX] == 2 && b.c[DP_C_SYN] == 1 && b.c[DP_C_FORWARDED] == 1 && b.c[DP_C_SYN_REFRESH] == 1 &&
			 b.c[DP_C_DROP] == 0,
		 "host b: rx %llu syn %llu fwd %llu", (unsigned long long)b.c[DP_C_RX],
		 (unsigned long long)b.c[DP_C_SYN], (unsigned long long)b.c[DP_C_FORWARDED]);
	for (unsigned c = 0; c < DP_C_MAX; c++)
		CC_CHECK(dp_counter_per_host((enum dp_counter)c) || (a.c[c] == 0 && b.c[c] == 0),
			 "%s is not a host counter", dp_counter_name((enum dp_counter)c));
	host_stats("10.99.0.9", -ENOENT);
}

/* A cookie ACK validated: flows_created in the host's row; the frame leaves with the forward MAC. */
static void test_cookie_ack_and_forward_mac(void)
{
	uint8_t f[1][256], act[1];
	unsigned len[1];
	struct dp_stats before = host_stats("10.99.0.2", 0), after;
	uint32_t isn;

	publish(1, 1, FWD_MAC);
	after = host_stats("10.99.0.2", 0);
	CC_CHECK(after.c[DP_C_RX] == before.c[DP_C_RX], "a republished host keeps its counters");
	len[0] = frame(f[0], "10.99.0.2", 2001, DP_TCP_SYN, 0);
	burst(f, len, act, 1);
	CC_CHECK(act[0] == DP_ACT_REPLY && !memcmp(f[0] + 6, T_OUR_MAC, 6), "a SYN-ACK leaves from the MAC it came to");
	isn = dp_be32_t(f[0] + 14 + 20 + 4);
	len[0] = frame(f[0], "10.99.0.2", 2001, DP_TCP_ACK, isn + 1);
	burst(f, len, act, 1);
	CC_CHECK(act[0] == DP_ACT_FORWARD, "cookie ACK forwarded (%s)", dp_counter_name(dp_worker_last_reason(w)));
	CC_CHECK(!memcmp(f[0], T_HOST_MAC, 6) && !memcmp(f[0] + 6, FWD_MAC, 6),
		 "forwarded to the host's MAC from the forward MAC");
	after = host_stats("10.99.0.2", 0);
	CC_CHECK(after.c[DP_C_FLOW_NEW] == before.c[DP_C_FLOW_NEW] + 1, "cookie ACK validated: flows_created");
	CC_CHECK(after.c[DP_C_FORWARDED] == before.c[DP_C_FORWARDED] + 1 && after.c[DP_C_SYN] == before.c[DP_C_SYN] + 1,
		 "SYN and ACK counted for the host");
}

/* Counters follow the host, not the slot: a removed host is gone, a host added again starts from zero, a freed
 * worker's counts stay in the totals. */
static void test_slots(void)
{
	uint8_t f[1][256], act[1];
	unsigned len[1];
	struct dp_stats b;

	publish(1, 0, NULL); /* b removed; its config is reclaimed by the synchronize */
	host_stats("10.99.0.3", -ENOENT);
	publish(1, 1, NULL); /* b again: it may get its old slot back, but starts at zero */
	b = host_stats("10.99.0.3", 0);
	CC_CHECK(b.c[DP_C_RX] == 0 && b.c[DP_C_SYN] == 0 && b.c[DP_C_SYN_REFRESH] == 0,
		 "re-added host at zero: rx %llu", (unsigned long long)b.c[DP_C_RX]);
	len[0] = frame(f[0], "10.99.0.3", 3001, DP_TCP_SYN, 0);
	burst(f, len, act, 1);
	b = host_stats("10.99.0.3", 0);
	CC_CHECK(b.c[DP_C_RX] == 1, "counts again: rx %llu", (unsigned long long)b.c[DP_C_RX]);

	dp_worker_free(w);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	b = host_stats("10.99.0.3", 0);
	CC_CHECK(b.c[DP_C_RX] == 1, "a freed worker's counts stay: rx %llu", (unsigned long long)b.c[DP_C_RX]);
}

static int count_hosts(void *ctx, const struct dp_addr *ip, const struct dp_stats *s)
{
	(void)ip;
	(void)s;
	(*(unsigned *)ctx)++;
	return 0;
}

/* Hosts past DP_HOST_STATS_SLOTS are counted only in the totals. The slots of the hosts of the config being
 * replaced are still taken (a worker may count into them until it is reclaimed): start from an empty one. */
static void test_spill(void)
{
	struct dp_config *cfg;
	uint8_t f[1][256], act[1];
	unsigned len[1], n = 0;
	struct dp_stats t0, t1;
	char ip[32];

	publish(0, 0, NULL);
	cfg = dp_config_new(&T_OUR_MAC, 1);
	for (unsigned i = 0; i < DP_HOST_STATS_SLOTS + 2; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.1", 100 + i / 256, i % 256);
		add_host(cfg, ip, 0, 0);
	}
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish %u hosts", DP_HOST_STATS_SLOTS + 2);
	dp_core_host_stats_each(core, count_hosts, &n);
	CC_CHECK(n == DP_HOST_STATS_SLOTS, "%u hosts with counters", n);
	dp_worker_stats(w, &t0);
	for (unsigned i = 0; i < DP_HOST_STATS_SLOTS + 2; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.1", 100 + i / 256, i % 256);
		len[0] = frame(f[0], ip, 4001, DP_TCP_SYN, 0);
		burst(f, len, act, 1);
	}
	dp_worker_stats(w, &t1);
	CC_CHECK(t1.c[DP_C_SYN] - t0.c[DP_C_SYN] == DP_HOST_STATS_SLOTS + 2, "every SYN in the totals");
	n = 0;
	for (unsigned i = 0; i < DP_HOST_STATS_SLOTS + 2; i++) {
		struct dp_addr a = { .family = 4 };
		struct dp_stats s;

		snprintf(ip, sizeof(ip), "10.%u.%u.1", 100 + i / 256, i % 256);
		t_addr4(a.a, ip);
		if (dp_core_host_stats(core, &a, &s) == 0)
			n += s.c[DP_C_SYN] == 1;
		else
			n += 1000000;
	}
	CC_CHECK(n == DP_HOST_STATS_SLOTS + 2000000, "%u: every host with a slot counted its SYN, two spilled", n);
}

int main(void)
{
	core = dp_core_new(2);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	CC_CHECK(core && w, "core and worker");
	test_counted_once();
	test_cookie_ack_and_forward_mac();
	test_slots();
	test_spill();
	dp_worker_free(w);
	dp_core_free(core);
	return cc_summary();
}
