/* guest_check.c: the XDP program on the kernel it runs on (tcpsecrets-kmod's QEMU harness boots each Debian kernel
 * and runs this inside it, statically linked): the kernel's verifier must accept the program, and the program must
 * answer two real-kernel vectors' SYNs as the server's kernel did: the IPv4 one byte for byte as the golden SYN-ACK
 * G2 (tests/c/vec_frames.h), the IPv6 one with the kernel's cookie. Prints what it checked; exit 0 when all held.
 * The hosts are written into the maps as dp_fastpath_sync() writes them (a config of the two, no libpcap here). */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/fastpath.h"
#include "core_int.h"

/* The vectors (src/test/resources/vectors/linux-6.1-debian.tsv, lines 3 and 18) and their SYNs (syn_for()). */
static const char SYN4[] = "0200000000010200000000ee0800450000301234000037063cf2c633640a0a630002ffff1451000000010000"
			   "000070c2faf03f800000020405a00103030e";
static const char SYNACK4[] = "0200000000ee02000000000108004500002c000040004006062a0a630002c633640a1451ffffecaf026f0000"
			      "00026012faf065110000020405b4"; /* G2_V4_NO_TS */
static const char SYN6[] = "0200000000010200000000ee86dd600000000020063720010db800bb0000000000000000000720010db80099"
			   "000000000000000000020001005000000000000000008002faf01b9e0000020402180402010303070000";
static const uint32_t ISN6 = 2969748222u;
static const uint8_t OUR_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 }, HOST_MAC[6] = { 0x0c, 0xc4, 0x7a, 0x6a, 0xfa, 0xbf };

static unsigned failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("xdp-guest-check: %s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
}

static unsigned from_hex(const char *h, uint8_t *out)
{
	unsigned n = (unsigned)strlen(h) / 2;

	for (unsigned i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
	return n;
}

/* A host as config.c's precompute() makes it for vec_host(): SipHash keys, tcp_timestamps 2, the vector's clock
 * sampled now (30 s into the cookie minute, 1 s error). */
static void host(struct dp_host *h, int family, const char *ip, uint64_t k0a, uint64_t k0b, uint64_t k1a, uint64_t k1b,
		 uint16_t mss, uint16_t window, uint64_t now)
{
	memset(h, 0, sizeof(*h));
	h->cfg.ip.family = (uint8_t)family;
	inet_pton(family == 4 ? AF_INET : AF_INET6, ip, h->cfg.ip.a);
	memcpy(h->cfg.mac, HOST_MAC, 6);
	h->cfg.flags = DP_HOST_SECRETS_VALID;
	h->cs_cur.key[0] = (dp_siphash_key_t){ { k0a, k0b } };
	h->cs_cur.key[1] = (dp_siphash_key_t){ { k1a, k1b } };
	h->sys = (struct dp_ts_sysctls){ .tcp_timestamps = 2, .tcp_sack = 1, .tcp_window_scaling = 1, .tcp_ecn = 2 };
	h->answerable = 1;
	h->ts_usable = 1;
	h->mss = mss;
	h->window = window;
	h->window_ts = family == 4 ? 65160 : 64260; /* a stock kernel's with timestamps (config.c) */
	h->wscale = 7;
	h->ttl = 64;
	h->clk = (struct dp_clock_sample){ .base_ns = now,
					   .phase_ns = 30000000000ULL,
					   .err_ns = 1000000000ULL,
					   .count = 286326,
					   .ms = 5000000 };
	h->stats_slot = DP_HOST_SLOT_SPILL;
}

static int run(int prog, const char *hex, uint8_t *out, uint32_t *outlen, uint32_t *ret)
{
	uint8_t in[256];
	LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = in, .data_out = out, .data_size_out = 256, .repeat = 1);
	int rc;

	tr.data_size_in = from_hex(hex, in);
	rc = bpf_prog_test_run_opts(prog, &tr);
	*outlen = tr.data_size_out;
	*ret = tr.retval;
	return rc;
}

int main(void)
{
	struct dp_fastpath_opts o = { .flow_slots = 1024, .use = DP_FASTPATH_XDP };
	struct dp_fastpath *fp;
	struct dp_host hosts[2];
	uint32_t slots[4] = { 0 };
	struct dp_config cfg = { .hosts = hosts, .n_hosts = 2, .cap_hosts = 2, .slots = slots, .slot_mask = 3 };
	uint8_t out[256], exp[256];
	uint32_t len, ret;
	struct timespec ts;
	char err[256];
	int rc;

	/* the programs one by one first: which one a verifier refuses, and that the others load without it */
	for (unsigned i = 0; i < 2; i++) {
		struct dp_fastpath_opts one = { .flow_slots = 16, .use = i ? DP_FASTPATH_TC : DP_FASTPATH_REDIRECT };

		rc = dp_fastpath_open(&one, &fp, err, sizeof(err));
		check(rc == 0, "the kernel's verifier accepts %s (%s)",
		      i ? "AF_PACKET's tc filter dp_tc_taken" : "plain AF_XDP's dp_xdp_redirect", rc ? err : "loaded");
		dp_fastpath_close(fp);
	}
	rc = dp_fastpath_open(&o, &fp, err, sizeof(err));
	check(rc == 0, "the kernel's verifier accepts the XDP program (%s)", rc ? err : "loaded");
	if (rc) {
		printf("xdp-guest-check: FAILED\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	memcpy(cfg.ours[0].mac, OUR_MAC, 6);
	memcpy(cfg.ours[0].fwd_src, OUR_MAC, 6);
	cfg.n_macs = 1;
	host(&hosts[0], 4, "10.99.0.2", 0x22d66e2a30aa5387ULL, 0x4b459b49f3a9d00aULL, 0x675e70b4be33f434ULL,
	     0xc1bf14b609b4e230ULL, 1460, 64240, (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
	host(&hosts[1], 6, "2001:db8:99::2", 0x522051ed196f46d1ULL, 0xd2f98ed07280e6afULL, 0xfff0ef2498cdb619ULL,
	     0x1161ddf76added34ULL, 1440, 64800, hosts[0].clk.base_ns);
	for (unsigned i = 0; i < 2; i++) { /* dp_host_lookup()'s index */
		uint32_t s = dp_addr_hash(hosts[i].cfg.ip.family, hosts[i].cfg.ip.a) & cfg.slot_mask;

		while (slots[s])
			s = (s + 1) & cfg.slot_mask;
		slots[s] = i + 1;
	}
	rc = dp_fastpath_sync(fp, &cfg, err, sizeof(err));
	check(rc == 0, "hosts written into the maps%s%s", rc ? ": " : "", rc ? err : "");
	rc = run(dp_fastpath_prog_fd(fp), SYN4, out, &len, &ret);
	check(rc == 0 && ret == XDP_TX && len == from_hex(SYNACK4, exp) && !memcmp(out, exp, len),
	      "IPv4 SYN answered in XDP with the golden SYN-ACK (test run %d, action %u, %u bytes)", rc, ret, len);
	rc = run(dp_fastpath_prog_fd(fp), SYN6, out, &len, &ret);
	check(rc == 0 && ret == XDP_TX && len >= 78 && ntohl(*(uint32_t *)(out + 14 + 40 + 4)) == ISN6,
	      "IPv6 SYN answered in XDP with the kernel's cookie %u (got %u)", ISN6,
	      len >= 78 ? ntohl(*(uint32_t *)(out + 14 + 40 + 4)) : 0);
	dp_fastpath_close(fp);
	printf("xdp-guest-check: %s\n", failed ? "FAILED" : "VERIFIED");
	return failed ? 1 : 0;
}
