/* test_synflood_gen.c: the benchmark's SYN-flood generator (tests/bench/synflood.h, tests/xdp/synflood.bpf.c).
 * Under BPF_PROG_TEST_RUN: every frame is a complete IPv4 SYN to the configured address and port, with valid
 * checksums, from varying sources, whatever bytes the frame's page held before; a run stops at its count. Live, in a
 * network namespace of its own: a paced run's frames all arrive on the peer of a veth pair, and no faster than the
 * rate asked for, evenly spaced or in bursts. */
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto_check.h"
#include "pkt_util.h"

#ifdef DP_HAVE_XDP
#include "../bench/synflood.h"

static const uint8_t DST_MAC[6] = { 0x02, 0, 0, 0, 0, 0x10 }, SRC_MAC[6] = { 0x02, 0, 0, 0, 0, 0x20 };

static int frame_ok(const uint8_t *f)
{
	const uint8_t *ip = f + 14, *th = f + 34;

	return !memcmp(f, DST_MAC, 6) && !memcmp(f + 6, SRC_MAC, 6) && f[12] == 0x08 && f[13] == 0 && ip[0] == 0x45 &&
	       ip[9] == 6 && ip[12] == 10 && ip[13] == 1 && dp_be32_t(ip + 16) == 0x0a00020a && th[2] == 0 &&
	       th[3] == 80 && th[12] == 0x50 && th[13] == 0x02 && dp_be32_t(th + 8) == 0 &&
	       t_csums_ok(f, 14, SYNFLOOD_FRAME_LEN);
}

static void test_frames(void)
{
	struct synflood_cfg cfg = { .daddr = 0x0a00020a, .dport = 80, .src_net = 0x0a01, .ifindex = 1 };
	uint8_t in[SYNFLOOD_FRAME_LEN], out[SYNFLOOD_FRAME_LEN], first[SYNFLOOD_FRAME_LEN];
	unsigned bad = 0, same_source = 0;
	struct synflood_state st;
	struct synflood g;
	uint32_t verdict;
	char err[256];
	int rc;

	memcpy(cfg.dst_mac, DST_MAC, 6);
	memcpy(cfg.src_mac, SRC_MAC, 6);
	rc = synflood_open(&g, DP_SYNFLOOD_OBJ, &cfg, err, sizeof(err));
	CC_CHECK(rc == 0, "open: %s", err);
	if (rc)
		return;
	CC_CHECK(synflood_arm(&g, 1000, 0, 1) == 0, "arm");
	for (unsigned i = 0; i < 1000; i++) {
		memset(in, i & 1 ? 0xa5 : 0, sizeof(in)); /* a recycled page holds what the last user left */
		if (synflood_frame(&g, in, out, &verdict) || verdict != XDP_REDIRECT || !frame_ok(out)) {
			if (!bad++)
				t_hexdump("bad frame", out, sizeof(out));
			continue;
		}
		if (i == 0)
			memcpy(first, out, sizeof(out));
		else if (!memcmp(first + 26, out + 26, 4) && !memcmp(first + 34, out + 34, 2))
			same_source++;
	}
	CC_CHECK(bad == 0, "%u of 1000 frames are not a valid SYN to 10.0.2.10:80 from 10.1.0.0/16", bad);
	CC_CHECK(same_source < 3, "random sources: %u of 999 frames came from the first one's address and port",
		 same_source);
	CC_CHECK(synflood_frame(&g, in, out, &verdict) == 0 && verdict == XDP_DROP, "the 1001st run drops its frame");
	CC_CHECK(synflood_state(&g, &st) == 0 && st.sent == 1000, "the run counted 1000 frames (%llu)",
		 (unsigned long long)st.sent);
	synflood_close(&g);
}

static uint64_t rx_packets(const char *dev)
{
	struct ifaddrs *ifa, *i;
	uint64_t n = UINT64_MAX;

	if (getifaddrs(&ifa))
		return n;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_PACKET && i->ifa_data && !strcmp(i->ifa_name, dev))
			n = ((struct rtnl_link_stats *)i->ifa_data)->rx_packets;
	freeifaddrs(ifa);
	return n;
}

/* A veth pair sg0 - sf0 in a namespace of this process alone (gone with it); sf0 has the helpers' pass program,
 * since a veth takes redirected frames only into the NAPI instance that an XDP program gives it. */
static void test_live(void)
{
	struct synflood_cfg cfg = { .daddr = 0x0a00020a, .dport = 80, .src_net = 0x0a01 };
	struct synflood_state st = { 0 };
	struct synflood g;
	uint64_t before;
	char err[256];
	int rc;

	CC_CHECK(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
	/* no IPv6: its neighbour discovery would send frames of its own over the pair */
	rc = system("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 && "
		    "ip link add sg0 type veth peer name sf0 && ip link set sg0 up && ip link set sf0 up && "
		    "ip link set dev sf0 xdpdrv obj " DP_XDP_HELPERS " sec pass");
	CC_CHECK(rc == 0, "the veth pair and its pass program (ip exit %d)", rc);
	if (rc)
		return;
	cfg.ifindex = if_nametoindex("sg0");
	memcpy(cfg.src_mac, SRC_MAC, 6);
	memcpy(cfg.dst_mac, DST_MAC, 6);
	rc = synflood_open(&g, DP_SYNFLOOD_OBJ, &cfg, err, sizeof(err));
	CC_CHECK(rc == 0, "open: %s", err);
	if (rc)
		return;
	before = rx_packets("sf0");
	rc = synflood_send(&g, 2000, 20000, 1, 60ULL * 1000000000, &st);
	CC_CHECK(rc == 0 && st.sent == 2000, "2000 frames at 20 kpps: rc %d, sent %llu", rc,
		 (unsigned long long)st.sent);
	/* the pacing: 1999 intervals of 50 us at least (a loaded machine only makes it slower) */
	CC_CHECK(st.last_ns - st.first_ns >= 1999ULL * 50000 * 99 / 100, "paced: %llu ns from the first to the last",
		 (unsigned long long)(st.last_ns - st.first_ns));
	CC_CHECK(rx_packets("sf0") - before == 2000, "sf0 received %llu of 2000",
		 (unsigned long long)(rx_packets("sf0") - before));
	/* bursts of 8 at the same average rate: 249 gaps of 8 intervals between the first burst and the last */
	before = rx_packets("sf0");
	rc = synflood_send(&g, 2000, 20000, 8, 60ULL * 1000000000, &st);
	CC_CHECK(rc == 0 && st.sent == 2000 && rx_packets("sf0") - before == 2000, "2000 frames in bursts of 8: rc %d",
		 rc);
	CC_CHECK(st.last_ns - st.first_ns >= 249ULL * 8 * 50000 * 99 / 100, "bursts paced: %llu ns",
		 (unsigned long long)(st.last_ns - st.first_ns));
	rc = synflood_send(&g, 5000, 0, 1, 60ULL * 1000000000, &st);
	CC_CHECK(rc == 0 && st.sent == 5000, "5000 frames as fast as it goes: rc %d, sent %llu", rc,
		 (unsigned long long)st.sent);
	synflood_close(&g);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("########################################################################\n"
		       "## test_synflood_gen SKIPPED: not root (no CAP_BPF, no network namespaces)\n"
		       "########################################################################\n");
		return cc_summary();
	}
	test_frames();
	test_live();
	return cc_summary();
}
#else
int main(void)
{
	printf("########################################################################\n"
	       "## test_synflood_gen SKIPPED: built without libxdp/clang (no XDP)\n"
	       "########################################################################\n");
	return cc_summary();
}
#endif
