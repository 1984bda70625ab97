/* test_engine_config.c: hosts.yml and /proc/tcp_secrets parsers (errors name file, line and field), CPU lists,
 * partial-checksum completion, the memory backend driving the core through one burst, and the AF_XDP nap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "backend/backend_xdp.h"
#include "engine/engine.h"
#include "pkt_util.h"
#include "syncookied/dataplane.h"

static char err[512];

static int parse_hosts(const char *y, struct dp_hosts *h)
{
	err[0] = 0;
	return dp_hosts_parse(y, strlen(y), "hosts.yml", h, err, sizeof(err));
}

static void expect_host_error(const char *yaml, const char *needle)
{
	struct dp_hosts h;
	int rc = parse_hosts(yaml, &h);

	CC_CHECK(rc == -EINVAL, "rc %d for %s", rc, needle);
	CC_CHECK(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
	if (!rc)
		dp_hosts_free(&h);
}

static void test_hosts_original_format(void)
{
	static const char y[] = "# original syncookied hosts.yml\n"
				"- ip: 185.50.25.4\n"
				"  secrets_addr: 192.168.3.231:1488\n"
				"  mac: 0c:c4:7a:6a:fa:bf\n"
				"  passthrough: false\n"
				"  filters:\n"
				"    tcp and dst port 53: drop\n"
				"    tcp and dst port 22: pass\n"
				"    default: drop\n"
				"- ip: 2001:db8::10\n"
				"  local_addr: 192.168.3.232:1488\n"
				"  mac: 0C:C4:7A:6A:FA:C0\n"
				"  passthrough: yes\n"
				"  mss: 1400\n"
				"  cookie: sha1\n";
	uint8_t ip[64] = { 0x45, 0, 0,	  40,	0, 0,  0x40, 0, 64, 6, 0, 0, 1, 2, 3,	 4,    185,  50,
			   25,	 4, 0x30, 0x39, 0, 53, 0,    0, 0,  0, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff };
	struct dp_hosts h;
	int rc = parse_hosts(y, &h);

	CC_CHECK(rc == 0, "rc %d: %s", rc, err);
	if (rc)
		return;
	CC_CHECK(h.n == 2, "n %u", h.n);
	CC_CHECK(h.v[0].cfg.ip.family == 4 && h.v[0].cfg.ip.a[0] == 185 && h.v[0].cfg.ip.a[3] == 4, "ip");
	CC_CHECK(!memcmp(h.v[0].cfg.mac, T_HOST_MAC, 6), "mac");
	CC_CHECK(!(h.v[0].cfg.flags & DP_HOST_PASSTHROUGH), "passthrough false");
	CC_CHECK(h.v[0].cfg.filter != NULL, "filter compiled");
	CC_CHECK(h.v[0].line == 2, "line %d", h.v[0].line);
	/* file order: port 53 matches the first rule (drop); port 22 the second (pass); others the default (drop) */
	CC_CHECK(dp_filter_run(h.v[0].cfg.filter, ip, 40) == DP_FILTER_DROP, "port 53 dropped");
	ip[23] = 22;
	CC_CHECK(dp_filter_run(h.v[0].cfg.filter, ip, 40) == DP_FILTER_PASS, "port 22 passes");
	ip[23] = 80;
	CC_CHECK(dp_filter_run(h.v[0].cfg.filter, ip, 40) == DP_FILTER_DROP, "default drop");
	CC_CHECK(h.v[1].cfg.ip.family == 6, "v6");
	CC_CHECK(h.v[1].cfg.flags & DP_HOST_PASSTHROUGH, "passthrough yes");
	CC_CHECK(h.v[1].cfg.mss == 1400 && h.v[1].cfg.cookie_alg == 1, "mss/cookie");
	CC_CHECK(h.v[1].cfg.mac[0] == 0x0c && h.v[1].cfg.mac[5] == 0xc0, "upper-case mac");
	dp_hosts_free(&h);
}

/* pickup_s opens the host's pickup window when the host is received: deadline = now + pickup_s; absent = none. */
static void test_hosts_pickup(void)
{
	static const char y[] = "- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  pickup_s: 30\n"
				"- ip: 10.0.0.2\n  mac: 02:00:00:00:00:01\n"
				"- ip: 10.0.0.3\n  mac: 02:00:00:00:00:01\n  pickup_s: 0\n";
	struct dp_hosts h, h2;
	uint64_t before = dp_now_ns(), after, first;
	int rc = parse_hosts(y, &h);

	after = dp_now_ns();
	CC_CHECK(rc == 0 && h.n == 3, "rc %d: %s", rc, err);
	if (rc)
		return;
	CC_CHECK(h.v[0].cfg.pickup_until_ns >= before + 30 * 1000000000ull &&
			 h.v[0].cfg.pickup_until_ns <= after + 30 * 1000000000ull,
		 "pickup_s 30: deadline now + 30 s");
	CC_CHECK(h.v[1].cfg.pickup_until_ns == 0, "no pickup_s: no window (default)");
	CC_CHECK(h.v[2].cfg.pickup_until_ns == 0, "pickup_s 0: no window");
	first = h.v[0].cfg.pickup_until_ns;
	dp_hosts_free(&h);
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	rc = parse_hosts(y, &h2);
	CC_CHECK(rc == 0 && h2.v[0].cfg.pickup_until_ns > first, "a re-set restarts the window");
	if (!rc)
		dp_hosts_free(&h2);
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  pickup_s: 3601\n",
			  "hosts.yml:3: pickup_s: expected a number from 0 to 3600");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  pickup_s: -1\n", "hosts.yml:3: pickup_s:");
}

static void test_hosts_errors(void)
{
	expect_host_error("- ip: 10.0.0.1\n", "hosts.yml:1: mac: missing");
	expect_host_error("- mac: 02:00:00:00:00:01\n", "hosts.yml:1: ip: missing");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- ip: 10.0.0.300\n  mac: 02:00:00:00:00:01\n",
			  "hosts.yml:3: ip: expected an IPv4 or IPv6 address");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00\n", "hosts.yml:2: mac: expected a MAC");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  passtrough: true\n",
			  "hosts.yml:3: passtrough: unknown key");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  passthrough: maybe\n",
			  "hosts.yml:3: passthrough: expected true or false");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  mss: 99\n",
			  "hosts.yml:3: mss: expected a number from 536 to 65495");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  filters:\n    tcp and port 99999: drop\n",
			  "hosts.yml:4: filters:");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  filters:\n    tcp: reject\n",
			  "hosts.yml:4: filters: expected drop or pass");
	expect_host_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:02\n",
			  "hosts.yml:3: ip: duplicate");
	expect_host_error("ip: 10.0.0.1\n", "hosts.yml:1: hosts: the file must be a YAML list");
	expect_host_error("- ip: [10.0.0.1\n", "hosts.yml:");
}

static const char secrets2[] = "4300000000 286666 250\n"
			       "0123456789abcdef.fedcba9876543210.\n"
			       "0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\n"
			       "format 2\n"
			       "syncookie6_secret0 1111111111111111.2222222222222222.\n"
			       "syncookie6_secret1 3333333333333333.4444444444444444.\n"
			       "tcp_clock_ms 17200000123\n"
			       "ts_offset_rule net_secret\n"
			       "net_secret 5555555555555555.6666666666666666.\n"
			       "tcp_syncookies 2\n"
			       "tcp_timestamps 1\n"
			       "tcp_sack 0\n"
			       "tcp_window_scaling 1\n"
			       "tcp_ecn 2\n"
			       "overflow_hook active\n"
			       "some_future_key 42\n";

static void test_secrets(void)
{
	struct dp_secrets_file s;
	char bad[1024];
	int rc;

	rc = dp_secrets_parse(secrets2, strlen(secrets2), 0, &s, err, sizeof(err));
	CC_CHECK(rc == 0, "format 2: %s", err);
	CC_CHECK(s.clock.jiffies == 4300000000ull && s.clock.count == 286666 && s.clock.hz == 250, "header");
	CC_CHECK(s.secrets.v4[0][0] == 0x0123456789abcdefull && s.secrets.v4[0][1] == 0xfedcba9876543210ull, "k0");
	CC_CHECK(s.secrets.v4[1][0] == 0x0f1e2d3c4b5a6978ull, "k1");
	CC_CHECK(s.has_v6 && s.secrets.v6[1][1] == 0x4444444444444444ull, "v6");
	CC_CHECK(s.ts_mode == DP_TS_2026 && s.secrets.ts[0] == 0x5555555555555555ull, "ts");
	CC_CHECK(s.clock.tcp_clock_ms == 17200000123ull, "clock");
	CC_CHECK(s.sysctl.syncookies == 2 && s.sysctl.sack == 0 && s.sysctl.ecn == 2, "sysctls");
	CC_CHECK(!s.all_zero && !strcmp(s.overflow_hook, "active"), "hook");

	rc = dp_secrets_parse("4300000000 286666 250\n0123456789abcdef.fedcba9876543210.\n"
			      "0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\n",
			      100, 0, &s, err, sizeof(err));
	CC_CHECK(rc == 0 && s.ts_mode == DP_TS_ZERO && s.clock.tcp_clock_ms == 0, "3-line: %s", err);

	rc = dp_secrets_parse("1 0 250\n0000000000000000.0000000000000000.\n0000000000000000.0000000000000000.\n", 78,
			      0, &s, err, sizeof(err));
	CC_CHECK(rc == 0 && s.all_zero, "lazy-init zero keys recognised");

	snprintf(bad, sizeof(bad), "1 0 250\n%s\n%s\n",
		 "00000001.00000002.00000003.00000004.00000005.00000006.00000007.00000008.00000009.0000000a."
		 "0000000b.0000000c.0000000d.0000000e.0000000f.00000010.00000011.",
		 "00000001.00000002.00000003.00000004.00000005.00000006.00000007.00000008.00000009.0000000a."
		 "0000000b.0000000c.0000000d.0000000e.0000000f.00000010.00000012.");
	rc = dp_secrets_parse(bad, strlen(bad), 0, &s, err, sizeof(err));
	CC_CHECK(rc == 0 && s.cookie_alg == 1 && s.secrets.sha1[1][16] == 0x12, "SHA-1 17 words: %s", err);

	rc = dp_secrets_parse("1 2\n", 4, 0, &s, err, sizeof(err));
	CC_CHECK(rc == -EINVAL && strstr(err, "line 1: header"), "%s", err);
	rc = dp_secrets_parse("1 2 250\n0123456789abcdef.fedcba987654321.\n", 38, 0, &s, err, sizeof(err));
	CC_CHECK(rc == -EINVAL && strstr(err, "line 2: syncookie_secret0"), "%s", err);
	rc = dp_secrets_parse("1 2 250\n0123456789abcdef.fedcba9876543210.\n", 42, 0, &s, err, sizeof(err));
	CC_CHECK(rc == -EINVAL && strstr(err, "line 3: syncookie_secret1: missing"), "%s", err);
	snprintf(bad, sizeof(bad), "%s", secrets2);
	memcpy(strstr(bad, "17200000123"), "17x00000123", 11);
	rc = dp_secrets_parse(bad, strlen(bad), 0, &s, err, sizeof(err));
	CC_CHECK(rc == -EINVAL && strstr(err, "line 7: tcp_clock_ms"), "%s", err);
	snprintf(bad, sizeof(bad), "%s", secrets2);
	memcpy(strstr(bad, "net_secret\n"), "ts_secrex\n", 10);
	rc = dp_secrets_parse(bad, strlen(bad), 0, &s, err, sizeof(err));
	CC_CHECK(rc == -EINVAL && strstr(err, "line 8: ts_offset_rule"), "%s", err);
}

static void test_cpulist(void)
{
	int cpus[64];
	unsigned n;

	CC_CHECK(dp_cpulist_parse("0-3,6", cpus, 64, &n) == 0 && n == 5 && cpus[4] == 6, "0-3,6");
	CC_CHECK(dp_cpulist_parse("2", cpus, 64, &n) == 0 && n == 1 && cpus[0] == 2, "2");
	CC_CHECK(dp_cpulist_parse("3-1", cpus, 64, &n) == -EINVAL, "3-1");
	CC_CHECK(dp_cpulist_parse("a", cpus, 64, &n) == -EINVAL, "a");
	CC_CHECK(dp_cpulist_parse("0-100", cpus, 64, &n) == -E2BIG, "too many");
}

/* A TCP frame whose checksum holds only the pseudo-header sum (as veth TX offload leaves it) is completed. */
static void test_csum_partial(void)
{
	struct tframe t = { .dst_mac = T_OUR_MAC,
			    .sport = 40000,
			    .dport = 80,
			    .seq = 1,
			    .ack = 2,
			    .flags = 0x18,
			    .payload = 33 };
	uint8_t f[256];
	unsigned len, l4 = 14 + 20;
	uint16_t good;
	struct dp_pkt p;
	uint32_t pseudo;

	t_addr4(t.saddr, "10.0.1.2");
	t_addr4(t.daddr, "10.0.2.10");
	len = t_build(f, &t);
	CC_CHECK(t_csums_ok(f, 14, len), "builder checksums");
	good = (uint16_t)(f[l4 + 16] << 8 | f[l4 + 17]);
	pseudo = t_pseudo(f + 26, f + 30, 4, len - l4);
	while (pseudo >> 16)
		pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	f[l4 + 16] = (uint8_t)(pseudo >> 8);
	f[l4 + 17] = (uint8_t)pseudo;
	memset(&p, 0, sizeof(p));
	p.data = f;
	p.len = len;
	p.cap = sizeof(f);
	dp_pkt_mark_csum_partial(&p);
	CC_CHECK((p.flags & DP_PKT_CSUM_PARTIAL) && p.csum_start == l4 && p.csum_offset == 16, "marked");
	dp_pkt_csum_complete(&p);
	CC_CHECK((uint16_t)(f[l4 + 16] << 8 | f[l4 + 17]) == good, "completed %02x%02x want %04x", f[l4 + 16],
		 f[l4 + 17], good);
	CC_CHECK(!(p.flags & DP_PKT_CSUM_PARTIAL), "flag cleared");
}

/* The memory backend feeds the core a SYN and transmits the SYN-ACK the core wrote in place. */
static void test_memory_backend_burst(void)
{
	static const char hosts[] = "- ip: 10.0.2.10\n  mac: 0c:c4:7a:6a:fa:bf\n";
	struct dp_port_cfg pc = { .ifname = "mem0", .rx = true, .tx = true };
	struct dp_port port = { .ops = &dp_backend_memory };
	struct tframe t = { .sport = 40000, .dport = 80, .seq = 1000, .flags = 0x02 };
	struct dp_pkt *pkts[DP_BURST];
	struct dp_secrets_file s;
	struct dp_hosts h;
	struct dp_core *core = dp_core_new(1);
	struct dp_worker *w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	struct dp_config *cfg;
	uint8_t f[256], out[256];
	uint8_t act[DP_BURST];
	unsigned n, len;
	int olen;

	CC_CHECK(port.ops->open(&port, &pc) == 0, "open: %s", port.err);
	cfg = dp_config_new((const uint8_t(*)[6])port.mac, 1);
	CC_CHECK(parse_hosts(hosts, &h) == 0, "%s", err);
	CC_CHECK(dp_secrets_parse(secrets2, strlen(secrets2), 0, &s, err, sizeof(err)) == 0, "%s", err);
	dp_secrets_apply(&s, &h.v[0].cfg);
	CC_CHECK(dp_config_set_host(cfg, &h.v[0].cfg) == 0, "set_host");
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
	t.dst_mac = port.mac;
	t_addr4(t.saddr, "10.0.1.2");
	t_addr4(t.daddr, "10.0.2.10");
	len = t_build(f, &t);
	CC_CHECK(dp_mem_push(&port, f, len) == 0, "push");
	n = port.ops->rx_burst(&port, pkts, DP_BURST);
	CC_CHECK(n == 1, "rx %u", n);
	dp_worker_burst(w, pkts, act, n, dp_now_ns());
	CC_CHECK(act[0] == DP_ACT_REPLY, "action %u reason %d", act[0], dp_worker_last_reason(w));
	CC_CHECK(port.ops->tx_burst(&port, pkts, n) == 1, "tx");
	olen = dp_mem_take(&port, out, sizeof(out));
	CC_CHECK(olen >= 54 && out[14 + 20 + 13] == 0x12, "SYN-ACK out (len %d)", olen);
	CC_CHECK(olen > 0 && t_csums_ok(out, 14, (unsigned)olen), "SYN-ACK checksums");
	CC_CHECK(!memcmp(out + 6, port.mac, 6), "from our MAC");
	dp_worker_free(w);
	dp_core_free(core);
	dp_hosts_free(&h);
	port.ops->close(&port);
}

/* The AF_XDP ring size is checked when the dataplane is made: a clear error naming the field, nothing started. */
static void test_xsk_ring_option(void)
{
	static const uint32_t bad[] = { 1, 63, 3000, 65536 }, good[] = { 0, 64, 8192, 32768 };

	for (unsigned i = 0; i < 4; i++) {
		struct dp_dataplane_opts o = { .backend = "memory", .iface = "mem0", .xsk_ring = bad[i] };
		struct dp_dataplane *dp;
		int rc = dp_dataplane_create(&o, &dp);

		CC_CHECK(rc == -EINVAL && strstr(dp_dataplane_last_error(dp), "xsk_ring"), "xsk_ring %u refused: %d %s",
			 bad[i], rc, dp_dataplane_last_error(dp));
		dp_dataplane_destroy(dp);
		o.xsk_ring = good[i];
		rc = dp_dataplane_create(&o, &dp);
		CC_CHECK(rc == 0, "xsk_ring %u accepted: %d %s", good[i], rc, dp_dataplane_last_error(dp));
		dp_dataplane_destroy(dp);
	}
}

/* The AF_XDP nap: 200 µs from 800 ring entries up, shorter below, so that a small ring still holds four naps at
 * 1 Mpps (a 200 µs nap with 64 entries would overflow at 320 kpps). */
static void test_afxdp_nap(void)
{
	static const struct {
		unsigned frames;
		long ns;
	} want[] = { { 64, 16000 },   { 512, 128000 },	{ 799, 199750 },
		     { 800, 200000 }, { 8192, 200000 }, { 32768, 200000 } };

	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CC_CHECK(dp_afxdp_nap_ns(want[i].frames) == want[i].ns, "%u entries: nap %ld ns, want %ld",
			 want[i].frames, dp_afxdp_nap_ns(want[i].frames), want[i].ns);
	for (unsigned f = 64; f <= 32768; f *= 2)
		CC_CHECK(dp_afxdp_nap_ns(f) * 4 <= (long)f * 1000, "%u entries hold four naps at 1 Mpps", f);
}

int main(void)
{
	test_hosts_original_format();
	test_hosts_errors();
	test_hosts_pickup();
	test_secrets();
	test_cpulist();
	test_csum_partial();
	test_memory_backend_burst();
	test_xsk_ring_option();
	test_afxdp_nap();
	return cc_summary();
}
