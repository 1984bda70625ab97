/* test_core_bursts.c: a burst decides exactly as its packets one by one, for full bursts of one host: IPv4 SYNs and
 * cookie ACKs (whose cookies are made and checked in SIMD lanes at the end of the burst) and IPv6 ones (one at a
 * time): SYN-ACKs byte for byte, every cookie ACK forwarded. */
#include <stdlib.h>

#include "parse.h"
#include "pkt_util.h"

#define NOW 1000000000000ULL
#define N DP_BURST

static struct dp_core *core;

static const uint8_t SYN_OPTS[20] = { 2, 4, 0x05, 0xa0, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };

static void host(struct dp_config *cfg, int v6, const char *ip)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = v6 ? 6 : 4;
	if (v6)
		t_addr6(h.ip.a, ip);
	else
		t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = DP_HOST_SECRETS_VALID;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			h.cur.v4[i][j] = h.cur.v6[i][j] = 0x0123456789abcdefULL * (uint64_t)(3 + i * 2 + j);
	h.sysctl.timestamps = 2; /* tsoff 0: TS on the SYN-ACKs, no offset secret needed */
	h.clock.hz = 250;
	h.clock.jiffies = 4294892296ULL + 1000000;
	h.clock.count = (uint32_t)(h.clock.jiffies / 15000);
	h.clock.tcp_clock_ms = 123456789;
	h.clock.local_ns = NOW;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

static struct tframe syn(int v6, unsigned i)
{
	struct tframe t = { 0 };

	t.v6 = v6;
	if (v6) {
		t_addr6(t.saddr, "2001:db8:aa::7");
		t_addr6(t.daddr, "2001:db8:99::2");
		t.saddr[15] = (uint8_t)i;
	} else {
		t_addr4(t.saddr, "198.51.100.7");
		t_addr4(t.daddr, "10.99.0.2");
		t.saddr[3] = (uint8_t)i;
	}
	t.sport = (uint16_t)(20000 + i * 7);
	t.dport = 443;
	t.seq = 0x10000000u * (i % 16) + i;
	t.flags = DP_TCP_SYN;
	t.opts = SYN_OPTS;
	t.optlen = sizeof(SYN_OPTS);
	return t;
}

/* The cookie ACK of the SYN-ACK in reply (TS echoed). */
static unsigned ack_of(uint8_t *buf, int v6, unsigned i, const uint8_t *reply)
{
	unsigned l4 = 14 + (v6 ? 40 : 20);
	struct tframe t = syn(v6, i);
	static uint8_t opts[12] = { 1, 1, 8, 10 };

	memcpy(opts + 8, reply + l4 + 20 + 8, 4); /* the SYN-ACK's TSval, after MSS (4) and SACK_PERM+TS kind/len */
	t.seq += 1;
	t.ack = dp_be32_t(reply + l4 + 4) + 1;
	t.flags = DP_TCP_ACK;
	t.opts = opts;
	t.optlen = sizeof(opts);
	return t_build(buf, &t);
}

static void one_family(int v6)
{
	static uint8_t a[N][256], b[N][256];
	struct dp_pkt pa[N], pb, *pp[N], *ppb = &pb;
	struct dp_worker *wa = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	struct dp_worker *wb = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	uint8_t acta[N], actb;
	unsigned i, same = 0, replies = 0, fwd = 0, fwd_single = 0;

	/* SYNs: one burst of N against N bursts of one */
	for (i = 0; i < N; i++) {
		struct tframe t = syn(v6, i);

		pa[i] = (struct dp_pkt){ .data = a[i], .len = t_build(a[i], &t), .cap = 256 };
		pp[i] = &pa[i];
	}
	dp_worker_burst(wa, pp, acta, N, NOW);
	for (i = 0; i < N; i++) {
		struct tframe t = syn(v6, i);

		pb = (struct dp_pkt){ .data = b[i], .len = t_build(b[i], &t), .cap = 256 };
		dp_worker_burst(wb, &ppb, &actb, 1, NOW);
		replies += acta[i] == DP_ACT_REPLY;
		same += actb == acta[i] && pb.len == pa[i].len && !memcmp(a[i], b[i], pb.len);
	}
	CC_CHECK(replies == N, "IPv%d: %u of %u SYNs answered in one burst", v6 ? 6 : 4, replies, N);
	CC_CHECK(same == N, "IPv%d: %u of %u SYN-ACKs of the burst equal the one-by-one ones", v6 ? 6 : 4, same, N);

	/* their cookie ACKs: one burst of N (new flows) against one by one on the other worker */
	for (i = 0; i < N; i++) {
		uint8_t reply[256];

		memcpy(reply, a[i], sizeof(reply));
		pa[i] = (struct dp_pkt){ .data = a[i], .len = ack_of(a[i], v6, i, reply), .cap = 256 };
		memcpy(b[i], a[i], pa[i].len);
	}
	dp_worker_burst(wa, pp, acta, N, NOW);
	for (i = 0; i < N; i++) {
		pb = (struct dp_pkt){ .data = b[i], .len = pa[i].len, .cap = 256 };
		dp_worker_burst(wb, &ppb, &actb, 1, NOW);
		fwd += acta[i] == DP_ACT_FORWARD;
		fwd_single += actb == DP_ACT_FORWARD && !memcmp(a[i], b[i], pb.len);
	}
	CC_CHECK(fwd == N, "IPv%d: %u of %u cookie ACKs of one burst forwarded", v6 ? 6 : 4, fwd, N);
	CC_CHECK(fwd_single == N, "IPv%d: %u of %u forwarded alike one by one", v6 ? 6 : 4, fwd_single, N);
	dp_worker_free(wa);
	dp_worker_free(wb);
}

int main(void)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);

	host(cfg, 0, "10.99.0.2");
	host(cfg, 1, "2001:db8:99::2");
	core = dp_core_new(4);
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
	one_family(0);
	one_family(1);
	dp_core_free(core);
	return cc_summary();
}
