/* test_host_options.c: per-host SYN-ACK options end to end (worker-protocol host and secrets records -> config ->
 * core -> SYN-ACK): an option the host switched off is never encoded, and the window and scale come from the host's
 * override, else the agent's report, else the defaults. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"
#include "pkt_util.h"

static char err[512];

/* tcp_timestamps=2 (tsoff 0) and a known clock: the SYN-ACK carries TS whenever the host allows it. */
static const char secrets_head[] = "ip=10.0.2.10\nage_ms=0\njiffies=4300000000\ncookie_count=286666\nhz=250\n"
				   "tcp_clock_ms=17200000123\nsecret0=0123456789abcdef.fedcba9876543210.\n"
				   "secret1=0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\ntcp_timestamps=2\n";

struct synack {
	int ok;
	uint16_t window;
	int wscale; /* -1 none */
	int ts, sack, ece;
	unsigned optlen;
};

/* Publishes the host (wire record) with the secrets (wire record plus extra), sends one SYN offering every option
 * to port dport, and decodes the SYN-ACK. */
static struct synack answer(const char *host_extra, const char *secrets_extra, uint16_t dport)
{
	static const uint8_t opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7 };
	char host[512], sec[1024];
	struct dp_hosts h;
	struct dp_secrets_rec *s;
	struct dp_core *core = dp_core_new(1);
	struct dp_worker *w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct tframe t = { .dst_mac = T_OUR_MAC,
			    .sport = 40000,
			    .dport = dport,
			    .seq = 1000,
			    .flags = 0x02 | 0x40 | 0x80,
			    .opts = opts,
			    .optlen = sizeof(opts) };
	struct dp_pkt p = { 0 }, *pp = &p;
	struct synack r = { 0 };
	uint8_t f[256], act;
	unsigned n, len, thl;
	const uint8_t *th, *o;

	snprintf(host, sizeof(host), "ip=10.0.2.10\nmac=0c:c4:7a:6a:fa:bf\n%s", host_extra);
	snprintf(sec, sizeof(sec), "%s%s", secrets_head, secrets_extra);
	CC_CHECK(dp_hosts_parse_wire(host, strlen(host), "request", &h, err, sizeof(err)) == 0, "host: %s", err);
	CC_CHECK(dp_secrets_parse_wire(sec, strlen(sec), &s, &n, err, sizeof(err)) == 0, "secrets: %s", err);
	dp_secrets_apply(&s[0].file, &h.v[0].cfg);
	CC_CHECK(dp_config_set_host(cfg, &h.v[0].cfg) == 0 && dp_core_publish(core, cfg) == 0, "publish");
	t_addr4(t.saddr, "10.0.1.2");
	t_addr4(t.daddr, "10.0.2.10");
	len = t_build(f, &t);
	p.data = f;
	p.len = len;
	p.cap = sizeof(f);
	dp_worker_burst(w, &pp, &act, 1, dp_now_ns());
	if (act == DP_ACT_REPLY && t_csums_ok(f, 14, p.len)) {
		th = f + 14 + 20;
		thl = (unsigned)(th[12] >> 4) * 4;
		r.ok = 1;
		r.window = (uint16_t)(th[14] << 8 | th[15]);
		r.ece = (th[13] & 0x40) != 0;
		r.optlen = thl - 20;
		r.wscale = -1;
		for (o = th + 20; o < th + thl;) {
			if (*o == 0 || *o == 1) {
				o++;
				continue;
			}
			if (*o == 3)
				r.wscale = o[2];
			r.ts |= *o == 8;
			r.sack |= *o == 4;
			o += o[1];
		}
	}
	CC_CHECK(r.ok, "SYN answered with a SYN-ACK (action %u, reason %d)", act, dp_worker_last_reason(w));
	free(s);
	dp_hosts_free(&h);
	dp_worker_free(w);
	dp_core_free(core);
	return r;
}

static void test_every_option_by_default(void)
{
	struct synack r = answer("", "", 80);

	/* a stock kernel with a 1500 MTU: 65160 with timestamps (45 segments of 1448), 64240 without (44 of 1460) */
	CC_CHECK(r.ts && r.sack && r.wscale == 7 && r.ece && r.window == 65160,
		 "defaults: ts %d sack %d ws %d ece %d win %u", r.ts, r.sack, r.wscale, r.ece, r.window);
	r = answer("timestamps=false\n", "", 80);
	CC_CHECK(!r.ts && r.window == 64240, "default window without timestamps: %u", r.window);
}

static void test_switched_off_options_are_never_encoded(void)
{
	struct synack r = answer("timestamps=false\n", "", 80);

	CC_CHECK(!r.ts && !r.sack && r.wscale < 0 && r.optlen == 4, "timestamps off: MSS only (optlen %u)", r.optlen);
	r = answer("sack=false\n", "", 80);
	CC_CHECK(r.ts && !r.sack && r.wscale == 7, "sack off: ts %d sack %d ws %d", r.ts, r.sack, r.wscale);
	r = answer("window_scaling=false\n", "", 80);
	CC_CHECK(r.ts && r.sack && r.wscale < 0, "window_scaling off: ws %d", r.wscale);
	r = answer("ecn=false\n", "", 80);
	CC_CHECK(r.ts && !r.ece, "ecn off: ece %d", r.ece);
	/* a server sysctl that is off wins over a host that allows the option */
	r = answer("sack=true\n", "tcp_sack=0\n", 80);
	CC_CHECK(!r.sack, "server tcp_sack=0: no SACK");
}

static void test_window_from_the_agent_unless_overridden(void)
{
	static const char profile[] = "window=64240\nwindow_ts=65160\nwscale=6\nport=443:32120:31856:0\n";
	struct synack r = answer("", profile, 80);

	CC_CHECK(r.window == 65160 && r.wscale == 6, "the agent's default listener, TS: win %u ws %d", r.window,
		 r.wscale);
	r = answer("timestamps=false\n", profile, 80);
	CC_CHECK(r.window == 64240, "the agent's default listener, no TS: win %u", r.window);
	r = answer("", profile, 443);
	CC_CHECK(r.window == 31856 && r.wscale == 0, "the agent's port 443 listener, TS: win %u ws %d", r.window,
		 r.wscale);
	r = answer("timestamps=false\n", profile, 443);
	CC_CHECK(r.window == 32120, "the agent's port 443 listener, no TS: win %u", r.window);
	r = answer("window=29200\nwscale=5\n", profile, 443);
	CC_CHECK(r.window == 29200 && r.wscale == 5, "hosts.yml overrides: win %u ws %d", r.window, r.wscale);
	r = answer("wscale=4\n", profile, 443);
	CC_CHECK(r.window == 31856 && r.wscale == 4, "one override, the port's other value: win %u ws %d", r.window,
		 r.wscale);
}

/* md5 from the host record to the verdict: a SYN signed with TCP-MD5 is dropped by default, forwarded with md5=pass. */
static enum dp_counter md5_syn(const char *host_extra)
{
	static const uint8_t opts[24] = { 2, 4, 0x05, 0xb4, 19, 18 }; /* MSS, MD5 signature (zero digest), EOL */
	char host[256];
	struct dp_hosts h;
	struct dp_secrets_rec *s;
	struct dp_core *core = dp_core_new(1);
	struct dp_worker *w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct tframe t = { .dst_mac = T_OUR_MAC,
			    .sport = 40001,
			    .dport = 179,
			    .seq = 7,
			    .flags = 0x02,
			    .opts = opts,
			    .optlen = sizeof(opts) };
	struct dp_pkt p = { 0 }, *pp = &p;
	uint8_t f[256], act;
	enum dp_counter why;
	unsigned n;

	snprintf(host, sizeof(host), "ip=10.0.2.10\nmac=0c:c4:7a:6a:fa:bf\n%s", host_extra);
	CC_CHECK(dp_hosts_parse_wire(host, strlen(host), "request", &h, err, sizeof(err)) == 0, "host: %s", err);
	CC_CHECK(dp_secrets_parse_wire(secrets_head, strlen(secrets_head), &s, &n, err, sizeof(err)) == 0, "%s", err);
	dp_secrets_apply(&s[0].file, &h.v[0].cfg);
	CC_CHECK(dp_config_set_host(cfg, &h.v[0].cfg) == 0 && dp_core_publish(core, cfg) == 0, "publish");
	t_addr4(t.saddr, "10.0.1.2");
	t_addr4(t.daddr, "10.0.2.10");
	p.data = f;
	p.len = t_build(f, &t);
	p.cap = sizeof(f);
	dp_worker_burst(w, &pp, &act, 1, dp_now_ns());
	why = dp_worker_last_reason(w);
	free(s);
	dp_hosts_free(&h);
	dp_worker_free(w);
	dp_core_free(core);
	return why;
}

static void test_md5_from_the_record(void)
{
	CC_CHECK(md5_syn("") == DP_C_DROP_MD5, "default md5=drop: %d", md5_syn(""));
	CC_CHECK(md5_syn("md5=pass\n") == DP_C_FORWARDED, "md5=pass forwards: %d", md5_syn("md5=pass\n"));
}

int main(void)
{
	test_every_option_by_default();
	test_switched_off_options_are_never_encoded();
	test_window_from_the_agent_unless_overridden();
	test_md5_from_the_record();
	return cc_summary();
}
