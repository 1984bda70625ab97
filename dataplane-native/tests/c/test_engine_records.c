/* test_engine_records.c: the one host schema (hosts.yml and worker-protocol host records give the same host), the
 * worker protocol's SECRETS records, load-time refusals (MACs, filters, control-plane keys) naming line and field,
 * and the config's ip index at scale. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"
#include "pkt_util.h"

static char err[512];

static int wire(const char *text, struct dp_hosts *h)
{
	err[0] = 0;
	return dp_hosts_parse_wire(text, strlen(text), "request", h, err, sizeof(err));
}

static int yaml(const char *text, struct dp_hosts *h)
{
	err[0] = 0;
	return dp_hosts_parse(text, strlen(text), "hosts.yml", h, err, sizeof(err));
}

static void expect_wire_error(const char *text, const char *needle)
{
	struct dp_hosts h;
	int rc = wire(text, &h);

	CC_CHECK(rc == -EINVAL && strstr(err, needle), "wire: rc %d, '%s' lacks '%s'", rc, err, needle);
	if (!rc)
		dp_hosts_free(&h);
}

static void expect_yaml_error(const char *text, const char *needle)
{
	struct dp_hosts h;
	int rc = yaml(text, &h);

	CC_CHECK(rc == -EINVAL && strstr(err, needle), "yaml: rc %d, '%s' lacks '%s'", rc, err, needle);
	if (!rc)
		dp_hosts_free(&h);
}

static void test_schema_table(void)
{
	for (unsigned i = 0; i < DP_HK_MAX; i++) {
		CC_CHECK(dp_host_key_find(dp_host_keys[i].name) == (enum dp_host_key)i, "find %s",
			 dp_host_keys[i].name);
		CC_CHECK(dp_host_keys[i].doc[0] != 0, "%s has a doc line", dp_host_keys[i].name);
		CC_CHECK(dp_host_keys[i].type != DP_KT_CHOICE || strchr(dp_host_keys[i].choices, '|'), "%s choices",
			 dp_host_keys[i].name);
	}
	for (unsigned i = 0; i < DP_SK_MAX; i++)
		CC_CHECK(dp_secrets_key_find(dp_secrets_keys[i].name) == (enum dp_secrets_key)i, "find %s",
			 dp_secrets_keys[i].name);
	CC_CHECK(dp_host_key_find("agent_key_id") != DP_HK_MAX && dp_host_keys[DP_HK_agent_key_id].scope == DP_SCOPE_CP,
		 "control-plane keys are in the table");
	CC_CHECK(dp_host_key_find("nope") == DP_HK_MAX && dp_secrets_key_find("nope") == DP_SK_MAX, "unknown");
}

/* Every dataplane key of the schema, once in YAML and once as a wire record: the same host comes out. */
static void test_yaml_and_wire_agree(void)
{
	static const char y[] = "- ip: 2001:db8::10\n"
				"  mac: 0C:C4:7A:6A:FA:BF\n"
				"  passthrough: yes\n"
				"  filters:\n"
				"    tcp and dst port 53: drop\n"
				"    default: drop\n"
				"  no_secrets: pass\n"
				"  mss: 1400\n"
				"  window: 29200\n"
				"  wscale: 6\n"
				"  timestamps: false\n"
				"  sack: off\n"
				"  window_scaling: no\n"
				"  ecn: False\n"
				"  md5: pass\n"
				"  ttl: 61\n"
				"  syn_refresh_ms: 55000\n"
				"  pickup_s: 30\n"
				"  cookie: sha1\n"
				"  agent_key_id: web1\n"
				"  mode: auto\n"
				"  secrets_addr: udp://10.0.3.10:1488\n"
				"  detection:\n"
				"    start_syn_rate: 20000\n"
				"  diversion:\n"
				"    target: rt1\n";
	static const char w[] = "ip=2001:db8::10\n"
				"mac=0c:c4:7a:6a:fa:bf\n"
				"passthrough=true\n"
				"filters=drop tcp and dst port 53\n"
				"filters=drop default\n"
				"no_secrets=pass\n"
				"mss=1400\n"
				"window=29200\n"
				"wscale=6\n"
				"timestamps=false\n"
				"sack=false\n"
				"window_scaling=false\n"
				"ecn=false\n"
				"md5=pass\n"
				"ttl=61\n"
				"syn_refresh_ms=55000\n"
				"pickup_s=30\n"
				"cookie=sha1\n";
	struct dp_hosts a, b;
	struct dp_host_cfg ca, cb;
	uint8_t ip[60] = { 0x60, 0, 0, 0, 0, 20, 6, 64 };

	CC_CHECK(yaml(y, &a) == 0, "yaml: %s", err);
	CC_CHECK(wire(w, &b) == 0, "wire: %s", err);
	if (a.n != 1 || b.n != 1)
		return;
	{
		/* HOST_GET renders what the worker holds in the request's own form: the record comes back unchanged */
		size_t len;
		char *back = dp_host_render_wire(&b.v[0], dp_now_ns(), &len);

		CC_CHECK(back && len == strlen(w) && !memcmp(back, w, len), "rendered:\n%s\nsent:\n%s", back, w);
		free(back);
	}
	ca = a.v[0].cfg;
	cb = b.v[0].cfg;
	CC_CHECK(ca.flags == (DP_HOST_PASSTHROUGH | DP_HOST_NOSECRET_PASS | DP_HOST_MD5_PASS), "flags %x", ca.flags);
	CC_CHECK(ca.opts_off == (DP_OPT_OFF_TS | DP_OPT_OFF_SACK | DP_OPT_OFF_WSCALE | DP_OPT_OFF_ECN), "opts_off %x",
		 ca.opts_off);
	CC_CHECK(ca.mss == 1400 && ca.window == 29200 && ca.wscale == 6 && ca.ttl == 61 && ca.syn_refresh_ms == 55000 &&
			 ca.cookie_alg == 1 && ca.pickup_until_ns,
		 "values");
	CC_CHECK(ca.ip.family == 6 && ca.mac[0] == 0x0c && ca.mac[5] == 0xbf, "ip, mac");
	/* the filter: port 53 dropped (the rule), port 80 dropped (the default) */
	ip[8 + 15] = 0, ip[40 + 2] = 0, ip[40 + 3] = 53, ip[40 + 12] = 0x50;
	CC_CHECK(ca.filter && cb.filter && dp_filter_run(ca.filter, ip, 60) == DP_FILTER_DROP &&
			 dp_filter_run(cb.filter, ip, 60) == DP_FILTER_DROP,
		 "filters compiled");
	ca.filter = cb.filter = NULL;
	ca.pickup_until_ns = cb.pickup_until_ns = 0;
	CC_CHECK(!memcmp(&ca, &cb, sizeof(ca)), "hosts.yml and the wire record give the same host");
	dp_hosts_free(&a);
	dp_hosts_free(&b);
}

static void test_wire_records(void)
{
	struct dp_hosts h;
	int rc = wire("ip=10.0.0.1\nmac=02:00:00:00:00:01\n\nip=10.0.0.2\nmac=02:00:00:00:00:02\n"
		      "filters=pass tcp port 22\nfilters=drop default\n",
		      &h);

	CC_CHECK(rc == 0 && h.n == 2 && h.v[1].line == 4, "two records: rc %d %s", rc, err);
	if (!rc) {
		CC_CHECK(!h.v[0].cfg.filter && h.v[1].cfg.filter, "filters only where given");
		dp_hosts_free(&h);
	}
	CC_CHECK(wire("", &h) == 0 && h.n == 0, "an empty request is an empty host set");
	dp_hosts_free(&h);
	expect_wire_error("mac=02:00:00:00:00:01\n", "request:1: ip: every host record starts with its ip= line");
	expect_wire_error("ip=10.0.0.1\n", "request:1: mac: missing");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nmss=99\n", "request:3: mss: expected a number from 536");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nmss=1400\nmss=1400\n", "request:4: mss: given twice");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nbogus=1\n", "request:3: bogus: unknown key (known: ip");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nagent_key_id=web1\n",
			  "request:3: agent_key_id: a control-plane key");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nnoequals\n", "request:3: noequals: expected key=value");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nmd5=maybe\n", "request:3: md5: expected drop or pass");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\ncookie=md4\n",
			  "request:3: cookie: expected siphash or sha1");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nfilters=reject tcp\n",
			  "request:3: filters: expected drop or pass");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nfilters=drop\n",
			  "request:3: filters: a rule's expression");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nfilters=pass tcp\nfilters=drop tcp and port 99999\n",
			  "request:4: filters:");
	expect_wire_error("ip=10.0.0.1\nmac=02:00:00:00:00:01\nip=10.0.0.1\nmac=02:00:00:00:00:01\n",
			  "request:3: ip: duplicate protected ip");
}

/* Hosts with the same rules share one compiled filter (100,000 hosts with one rule set compile it once). */
static void test_shared_filters_compile_once(void)
{
	struct dp_hosts h;
	int rc = wire("ip=10.0.0.1\nmac=02:00:00:00:00:01\nfilters=drop udp\nfilters=pass tcp\n"
		      "ip=10.0.0.2\nmac=02:00:00:00:00:01\nfilters=drop udp\nfilters=pass tcp\n"
		      "ip=10.0.0.3\nmac=02:00:00:00:00:01\nfilters=drop udp\nfilters=pass tcp\nfilters=drop default\n",
		      &h);

	CC_CHECK(rc == 0 && h.n == 3, "rc %d %s", rc, err);
	if (rc)
		return;
	CC_CHECK(h.v[0].cfg.filter && h.v[0].cfg.filter == h.v[1].cfg.filter, "same rules, one filter");
	CC_CHECK(h.v[2].cfg.filter && h.v[2].cfg.filter != h.v[0].cfg.filter, "another default, another filter");
	dp_hosts_free(&h); /* each entry held its own reference: freeing all of them frees the shared one once */
	rc = yaml("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  filters:\n    udp: drop\n"
		  "- ip: 10.0.0.2\n  mac: 02:00:00:00:00:01\n  filters:\n    udp: drop\n",
		  &h);
	CC_CHECK(rc == 0 && h.v[0].cfg.filter == h.v[1].cfg.filter, "hosts.yml too");
	if (!rc)
		dp_hosts_free(&h);
}

/* Frames sent to a zero, broadcast or multicast MAC would never reach one server: refused when loaded. */
static void test_mac_refusals(void)
{
	static const char *const bad[] = { "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
					   "33:33:00:00:00:01" };
	char text[128];

	for (unsigned i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "- ip: 10.0.0.1\n  mac: \"%s\"\n", bad[i]);
		expect_yaml_error(text, "hosts.yml:2: mac: ");
		snprintf(text, sizeof(text), "ip=10.0.0.1\nmac=%s\n", bad[i]);
		expect_wire_error(text, "request:2: mac: ");
	}
	expect_yaml_error("- ip: 10.0.0.1\n  mac: ff:ff:ff:ff:ff:ff\n", "broadcast or multicast");
	expect_yaml_error("- ip: 10.0.0.1\n  mac: 00:00:00:00:00:00\n", "all-zero MAC");
}

/* An address one server cannot hold, or a router cannot divert to one host, is refused when loaded. */
static void test_address_refusals(void)
{
	static const struct {
		const char *ip, *why;
	} bad[] = {
		{ "0.0.0.0", "an unspecified, multicast or broadcast" },
		{ "224.0.0.1", "an unspecified, multicast or broadcast" },
		{ "255.255.255.255", "an unspecified, multicast or broadcast" },
		{ "::", "an unspecified, multicast or broadcast" },
		{ "ff02::1", "an unspecified, multicast or broadcast" },
		{ "fe80::1", "a link-local address" },
		{ "::ffff:10.0.0.1", "a v4-mapped address" },
		{ "10.0.0.0/24", "expected an IPv4 or IPv6 address" },
		{ "fe80::1%eth0", "expected an IPv4 or IPv6 address" },
		{ "010.0.0.1", "expected an IPv4 or IPv6 address" },
	};
	char text[128], want[128];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "- ip: \"%s\"\n  mac: 02:00:00:00:00:01\n", bad[i].ip);
		snprintf(want, sizeof(want), "hosts.yml:1: ip: %s", bad[i].why);
		expect_yaml_error(text, want);
		snprintf(text, sizeof(text), "ip=%s\nmac=02:00:00:00:00:01\n", bad[i].ip);
		snprintf(want, sizeof(want), "request:1: ip: %s", bad[i].why);
		expect_wire_error(text, want);
	}
}

/* One hosts.yml serves both programs: the control plane's keys are accepted and ignored, unknown keys refused. */
static void test_yaml_control_plane_keys(void)
{
	struct dp_hosts h;

	CC_CHECK(yaml("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  agent_key_id: 7\n  mode: off\n"
		      "  detection:\n    start_syn_rate: 1\n  diversion:\n    target: x\n    interface: y\n",
		      &h) == 0,
		 "control-plane keys: %s", err);
	if (!err[0])
		dp_hosts_free(&h);
	expect_yaml_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  agent_key: 7\n",
			  "hosts.yml:3: agent_key: unknown key");
	expect_yaml_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  mss:\n    a: 1\n",
			  "hosts.yml:4: mss: expected a single value");
	expect_yaml_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  ttl: 0\n",
			  "hosts.yml:3: ttl: expected a number from 1 to 255");
	/* a filter libpcap cannot compile is refused with the line of that rule */
	expect_yaml_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  filters:\n    tcp: drop\n"
			  "    tcp and port 99999: drop\n",
			  "hosts.yml:5: filters: ");
}

static const char secrets_rec[] = "ip=10.0.2.10\n"
				  "age_ms=2500\n"
				  "jiffies=4300000000\n"
				  "cookie_count=286666\n"
				  "hz=250\n"
				  "tcp_clock_ms=17200000123\n"
				  "secret0=0123456789abcdef.fedcba9876543210.\n"
				  "secret1=0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\n"
				  "secret6_0=1111111111111111.2222222222222222.\n"
				  "secret6_1=3333333333333333.4444444444444444.\n"
				  "ts_offset_rule=net_secret\n"
				  "ts_offset_secret=5555555555555555.6666666666666666.\n"
				  "tcp_syncookies=2\n"
				  "tcp_timestamps=1\n"
				  "tcp_sack=0\n"
				  "tcp_window_scaling=1\n"
				  "tcp_ecn=2\n"
				  "overflow_hook=active\n"
				  "window=64240\n"
				  "window_ts=65160\n"
				  "wscale=6\n"
				  "port=443:65535:65535:8\n"
				  "port=8080:29200:28960:5\n";

static int secrets(const char *text, struct dp_secrets_rec **r, unsigned *n)
{
	err[0] = 0;
	return dp_secrets_parse_wire(text, strlen(text), r, n, err, sizeof(err));
}

static void expect_secrets_error(const char *text, const char *needle)
{
	struct dp_secrets_rec *r;
	unsigned n;
	int rc = secrets(text, &r, &n);

	CC_CHECK(rc == -EINVAL && strstr(err, needle), "secrets: rc %d, '%s' lacks '%s'", rc, err, needle);
	if (!rc)
		free(r);
}

static void test_secrets_records(void)
{
	struct dp_secrets_rec *r;
	struct dp_secrets_file *s;
	char two[2048], bad[2048];
	uint64_t before = dp_now_ns(), after;
	unsigned n;
	int rc = secrets(secrets_rec, &r, &n);

	after = dp_now_ns();
	CC_CHECK(rc == 0 && n == 1, "one record: %s", err);
	if (rc)
		return;
	s = &r[0].file;
	CC_CHECK(r[0].ip.family == 4 && r[0].ip.a[3] == 10, "ip");
	CC_CHECK(s->clock.jiffies == 4300000000ull && s->clock.count == 286666 && s->clock.hz == 250 &&
			 s->clock.tcp_clock_ms == 17200000123ull,
		 "clock");
	/* sampled 2.5 s ago: the basis sits 2.5 s in the local past, so the server's clock is never estimated ahead */
	CC_CHECK(s->clock.local_ns + 2500000000ull >= before && s->clock.local_ns + 2500000000ull <= after,
		 "age placed");
	CC_CHECK(s->secrets.v4[0][0] == 0x0123456789abcdefull && s->secrets.v4[1][1] == 0x8796a5b4c3d2e1f0ull, "v4");
	CC_CHECK(s->has_v6 && s->secrets.v6[1][1] == 0x4444444444444444ull, "v6");
	CC_CHECK(s->ts_mode == DP_TS_2026 && s->secrets.ts[1] == 0x6666666666666666ull, "ts");
	CC_CHECK(s->sysctl.syncookies == 2 && s->sysctl.sack == 0 && s->sysctl.ecn == 2, "sysctls");
	CC_CHECK(!strcmp(s->overflow_hook, "active") && !s->all_zero, "hook");
	CC_CHECK(s->profile.window == 64240 && s->profile.window_ts == 65160 && s->profile.wscale == 6 &&
			 s->profile.n_ports == 2 && s->profile.ports[0].port == 443 &&
			 s->profile.ports[0].window == 65535 && s->profile.ports[0].wscale == 8 &&
			 s->profile.ports[1].port == 8080 && s->profile.ports[1].window == 29200 &&
			 s->profile.ports[1].window_ts == 28960,
		 "profile");
	free(r);

	/* two records in one request (a re-sync of many hosts publishes once) */
	snprintf(two, sizeof(two),
		 "%sip=10.0.2.11\nage_ms=0\njiffies=1\ncookie_count=0\nhz=250\n"
		 "secret0=0000000000000000.0000000000000000.\nsecret1=0000000000000000.0000000000000000.\n",
		 secrets_rec);
	rc = secrets(two, &r, &n);
	CC_CHECK(rc == 0 && n == 2 && r[1].file.all_zero && r[1].file.ts_mode == DP_TS_ZERO &&
			 r[1].file.profile.wscale == 0xff && r[1].file.sysctl.timestamps == 1,
		 "second record with defaults: %s", err);
	if (!rc)
		free(r);

	expect_secrets_error("age_ms=1\n", "line 1: ip: every secrets record starts with its ip= line");
	expect_secrets_error("", "ip: no secrets record");
	expect_secrets_error(
		"ip=10.0.0.1\nage_ms=1\njiffies=1\ncookie_count=1\nhz=250\nsecret0=0000000000000001.0000000000000001.\n",
		"secret1: missing");
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	memcpy(strstr(bad, "hz=250"), "hz=000", 6);
	expect_secrets_error(bad, "line 5: hz: expected a number from 1 to 100000");
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	*strstr(bad, "secret6_1=") = 'X';
	expect_secrets_error(bad, "line 10: Xecret6_1: unknown key");
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	memcpy(strstr(bad, "port=8080:29200:28960:5"), "port=8080:29200:28960:F", 23);
	expect_secrets_error(
		bad, "line 23: port: expected <port 1..65535>:<window 1..65535>:<window_ts 1..65535>:<wscale 0..14>");
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	{ /* the three-field form of protocol 2's first version: refused, never read as a window of 28960 */
		char *f = strstr(bad, ":28960:5");
		memmove(f, f + 6, strlen(f + 6) + 1);
		expect_secrets_error(bad, "line 23: port: expected <port");
	}
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	memcpy(strstr(bad, "port=8080"), "port=0443", 9);
	expect_secrets_error(bad, "line 23: port: the same port twice");
	snprintf(bad, sizeof(bad), "%s", secrets_rec);
	memcpy(strstr(bad, "ts_offset_rule=net_secret"), "xx_offset_rule=net_secret", 25);
	expect_secrets_error(bad, "unknown key");
	snprintf(bad, sizeof(bad),
		 "ip=10.0.0.1\nage_ms=1\njiffies=1\ncookie_count=1\nhz=250\n"
		 "secret0=0000000000000001.0000000000000001.\nsecret1=0000000000000001.0000000000000001.\n"
		 "ts_offset_secret=0000000000000001.0000000000000001.\n");
	expect_secrets_error(bad, "ts_offset_rule: missing");
	snprintf(bad, sizeof(bad),
		 "ip=10.0.0.1\nage_ms=1\njiffies=1\ncookie_count=1\nhz=250\n"
		 "secret0=0000000000000001.0000000000000001.\nsecret1=0000000000000001.0000000000000001.\n"
		 "secret6_0=0000000000000001.0000000000000001.\n");
	expect_secrets_error(bad, "secret6_1: missing: the IPv6 secrets come as a pair");
	snprintf(bad, sizeof(bad),
		 "ip=10.0.0.1\nage_ms=1\njiffies=1\ncookie_count=1\nhz=250\n"
		 "secret0=000000000000001.00000000000000001.\nsecret1=0000000000000001.0000000000000001.\n");
	expect_secrets_error(bad, "line 6: secret0: expected <16 hex digits>");
}

/* Building a config of n hosts is linear: the ip index is kept while hosts are added (a regression here makes
 * 100,000 hosts take minutes). Checked for correctness at a size where every probe path is exercised. */
static void test_config_index(void)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1), *clone;
	struct dp_host_cfg h;
	struct dp_addr a = { .family = 4 };
	unsigned n = 20000, found = 0, added = 0;

	dp_host_cfg_init(&h);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.ip.family = 4;
	for (unsigned i = 0; i < n; i++) {
		h.ip.a[0] = 10, h.ip.a[1] = (uint8_t)(i >> 16), h.ip.a[2] = (uint8_t)(i >> 8), h.ip.a[3] = (uint8_t)i;
		added += dp_config_set_host(cfg, &h) == 0;
	}
	CC_CHECK(added == n, "added %u of %u", added, n);
	h.ttl = 33; /* a replace keeps the count */
	CC_CHECK(dp_config_set_host(cfg, &h) == 0 && dp_config_host_count(cfg) == n, "replace");
	a.a[0] = 10, a.a[1] = 0, a.a[2] = 0, a.a[3] = 7;
	CC_CHECK(dp_config_del_host(cfg, &a) == 0 && dp_config_host(cfg, &a) == NULL, "delete");
	clone = dp_config_clone(cfg);
	for (unsigned i = 0; i < n; i++) {
		a.a[1] = (uint8_t)(i >> 16), a.a[2] = (uint8_t)(i >> 8), a.a[3] = (uint8_t)i;
		found += dp_config_host(clone, &a) != NULL;
	}
	CC_CHECK(found == n - 1, "clone finds %u of %u", found, n - 1);
	a.a[1] = (uint8_t)((n - 1) >> 16), a.a[2] = (uint8_t)((n - 1) >> 8), a.a[3] = (uint8_t)(n - 1);
	CC_CHECK(dp_config_host(clone, &a) && dp_config_host(clone, &a)->ttl == 33, "replaced entry");
	dp_config_free(cfg);
	dp_config_free(clone);
}

int main(void)
{
	test_schema_table();
	test_yaml_and_wire_agree();
	test_wire_records();
	test_shared_filters_compile_once();
	test_mac_refusals();
	test_address_refusals();
	test_yaml_control_plane_keys();
	test_secrets_records();
	test_config_index();
	return cc_summary();
}
