/* test_xdp_fastpath.c: the XDP program against the userspace core, frame by frame (xdp_harness.h), under
 * BPF_PROG_TEST_RUN: the malformed-packet fixtures, every real-kernel vector (SYN, its cookie ACK, data, FIN) under
 * three tsoff rules, the golden SYN-ACKs, a randomized corpus (seed printed; XDP_FUZZ_SEED, XDP_FUZZ_FRAMES), flow
 * expiry, bad secrets refused with the old ones kept, and host updates that packets never see half-written; and the
 * AF_XDP backend's redirect program (dp_xdp_redirect) and the AF_PACKET backend's tc filter (dp_tc_taken): frames
 * for no protected host (the box's own traffic) are the kernel's on every backend. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixtures.h"
#include "vec_frames.h"
#include "xdp_corpus.h"
#include "xdp_harness.h"

static uint64_t published_at;

static struct dp_config *fixture_cfg(void *with_filter)
{
	static const struct dp_filter_rule rules[] = { { "tcp and dst port 53", DP_FILTER_DROP } };
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_filter *f = NULL;
	char err[256];

	if (with_filter)
		CC_CHECK(dp_filter_compile(rules, 1, DP_FILTER_PASS, &f, err, sizeof(err)) == 0, "compile: %s", err);
	fixture_hosts(cfg, f, published_at);
	dp_filter_put(f);
	return cfg;
}

/* Every fixture, with the filter (host .2 then stays in userspace) and without it (the program decides). */
static void test_fixtures(struct xh *h)
{
	for (int filtered = 1; filtered >= 0; filtered--) {
		published_at = xh_now();
		xh_publish(h, fixture_cfg, filtered ? (void *)1 : NULL);
		for (unsigned i = 0; i < N_FIXTURES; i++) {
			const struct fixture *fx = &fixtures[i];
			struct xh_out out;
			uint8_t buf[512] = { 0 };
			struct dp_pkt p = { .data = buf, .cap = sizeof(buf) };
			char desc[160];

			p.len = fx->build(buf, &p);
			snprintf(desc, sizeof(desc), "fixture '%s'%s", fx->desc, filtered ? " (filtered host)" : "");
			xh_run(h, buf, p.len, desc, &out);
			/* What userspace alone decides: frames it must see (malformed, not ours), a filtered host's. */
			if (!filtered && fx->reason != DP_C_DROP_MAC && fx->reason != DP_C_DROP_BAD_ETHER &&
			    fx->reason != DP_C_DROP_BAD_IP && fx->reason != DP_C_DROP_FILTERED &&
			    fx->reason != DP_C_DROP_NO_ROOM && fx->reason != DP_C_DROP_UNKNOWN_HOST)
				CC_CHECK(!out.in_userspace && !out.to_kernel, "%s: decided in XDP", desc);
			/* The box's own traffic on the interface, and frames to other MACs: never taken. */
			if (fx->reason == DP_C_DROP_MAC || fx->reason == DP_C_DROP_UNKNOWN_HOST || fx->build == arp)
				CC_CHECK(out.to_kernel, "%s: left to the kernel", desc);
		}
	}
}

struct vec_cfg {
	const struct vec *v;
	enum dp_ts_mode mode;
	int keep_ts1;
	uint64_t clock_ms; /* 0 = as vec_host makes it */
};

static const uint64_t NET_SECRET[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static struct dp_config *vector_cfg(void *arg)
{
	const struct vec_cfg *c = arg;
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg hc;

	vec_host(c->v, c->mode, NET_SECRET, c->keep_ts1, published_at, &hc);
	if (c->clock_ms)
		hc.clock.tcp_clock_ms = c->clock_ms;
	CC_CHECK(dp_config_set_host(cfg, &hc) == 0, "set_host line %d", c->v->line);
	return cfg;
}

/* The SYN of a vector answered by both paths with the kernel's cookie; then its handshake ACK, data, a FIN. */
static void vector_conversation(struct xh *h, const struct vec *v, const char *rule)
{
	struct xh_out synack, out;
	uint8_t buf[256];
	unsigned len = syn_for(v, buf, 0), iphl = v->v6 ? 40 : 20;
	char desc[96];

	snprintf(desc, sizeof(desc), "vector line %d (%s) SYN", v->line, rule);
	xh_run(h, buf, len, desc, &synack);
	CC_CHECK(!synack.in_userspace, "line %d: the SYN was answered in XDP", v->line);
	if (synack.act != DP_ACT_REPLY)
		return;
	CC_CHECK(dp_be32_t(synack.frame + 14 + iphl + 4) == v->isn, "line %d: the program's cookie %u, the kernel's %u",
		 v->line, dp_be32_t(synack.frame + 14 + iphl + 4), v->isn);
	for (int step = 0; step < 3; step++) {
		static const uint8_t flags[] = { 0x10, 0x18, 0x11 };
		struct tframe t =
			xc_reply_to(synack.frame, synack.len, flags[step], step == 1 ? 40 : 0, (unsigned)step);

		len = t_build(buf, &t);
		snprintf(desc, sizeof(desc), "vector line %d (%s) %s", v->line, rule,
			 step == 0 ? "cookie ACK" :
			 step == 1 ? "data" :
				     "FIN");
		xh_run(h, buf, len, desc, &out);
		CC_CHECK(!out.in_userspace && out.act == DP_ACT_FORWARD, "line %d: %s forwarded in XDP", v->line, desc);
	}
}

static void test_vectors(struct xh *h)
{
	unsigned n;
	struct vec *vs = vec_load(&n);

	for (unsigned i = 0; i < n; i++) {
		const struct vec *v = &vs[i];
		struct vec_cfg zero = { .v = v, .mode = DP_TS_ZERO };
		struct vec_cfg r2026 = { .v = v, .mode = DP_TS_2026, .keep_ts1 = 1 };
		struct vec_cfg pre = { .v = v, .mode = DP_TS_PRE2026, .keep_ts1 = 1 };

		published_at = xh_now();
		xh_publish(h, vector_cfg, &zero);
		vector_conversation(h, v, "tsoff 0");
		if (v->tcp_timestamps != 1)
			continue;
		published_at = xh_now();
		xh_publish(h, vector_cfg, &r2026);
		vector_conversation(h, v, "2026 rule");
		published_at = xh_now();
		xh_publish(h, vector_cfg, &pre);
		vector_conversation(h, v, "pre-2026 rule");
	}
	free(vs);
}

/* The golden SYN-ACKs from the program, byte for byte: the host's clock is placed so that the TSval of the golden
 * frame holds for the next 60 ms (a TSval stays the same for 64 ms of the server's clock). */
static void test_golden(struct xh *h)
{
	unsigned n;
	struct vec *vs = vec_load(&n);

	for (unsigned g = 0; g < N_GOLDEN; g++) {
		uint8_t exp[256], buf[256];
		unsigned elen, len, i;
		struct vec_cfg c = { .mode = DP_TS_ZERO };
		struct xh_out out;
		int o;

		for (i = 0; i < n && vs[i].line != goldens[g].line; i++)
			;
		c.v = &vs[i];
		from_hex(goldens[g].hex, exp, &elen);
		o = xc_find_opt(exp, elen, 8);
		/* ts_ms is the clock minus the 1 s error bound rounded up: 999 ms behind the sample just after it */
		c.clock_ms = o > 0 ? dp_be32_t(exp + o + 2) + 4 + 999 : 0;
		published_at = xh_now();
		xh_publish(h, vector_cfg, &c);
		len = syn_for(c.v, buf, goldens[g].vlan);
		xh_run(h, buf, len, goldens[g].name, &out);
		CC_CHECK(out.act == DP_ACT_REPLY && out.len == elen && !memcmp(out.frame, exp, elen),
			 "golden %s: the program's SYN-ACK differs", goldens[g].name);
		if (out.len != elen || memcmp(out.frame, exp, elen)) {
			t_hexdump("  got     ", out.frame, out.len);
			t_hexdump("  expected", exp, elen);
		}
	}
	free(vs);
}

/* An unfinished UDP checksum that completes to 0: both paths send 0xffff (0 would mean "no checksum"). */
static void test_csum_zero(struct xh *h)
{
	struct tframe t = { 0 };
	uint8_t buf[128];
	unsigned len;
	uint32_t s;
	uint16_t c, w;
	struct xh_out out;

	published_at = xh_now();
	xh_publish(h, fixture_cfg, NULL);
	t_addr4(t.saddr, "198.51.100.7");
	t_addr4(t.daddr, "10.99.0.2");
	t.sport = 5353;
	t.dport = 53;
	t.proto = 17;
	t.payload = 20;
	len = t_build(buf, &t);
	/* the field as veth leaves it: the folded pseudo-header sum */
	s = t_pseudo(buf + 26, buf + 30, 4, 28) - 6 + 17;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	buf[40] = (uint8_t)(s >> 8), buf[41] = (uint8_t)s;
	/* the last payload word makes the whole sum 0xffff: the completed checksum is 0 */
	buf[60] = buf[61] = 0;
	c = t_csum(buf + 34, 28, 0); /* ~fold(sum), the field included */
	w = (uint16_t)~c;
	w = (uint16_t)(0xffff - w);
	buf[60] = (uint8_t)(w >> 8), buf[61] = (uint8_t)w;
	CC_CHECK(t_csum(buf + 34, 28, 0) == 0xffff || t_csum(buf + 34, 28, 0) == 0, "the sum is made zero");
	xh_run(h, buf, len, "UDP checksum completing to 0", &out);
	CC_CHECK(out.act == DP_ACT_FORWARD && out.cnt[DP_C_CSUM_FIXED] == 1 && out.frame[40] == 0xff &&
			 out.frame[41] == 0xff,
		 "0 is sent as 0xffff (%02x%02x)", out.frame[40], out.frame[41]);
}

/* A segment that only a known flow lets through: it acknowledges data far past the cookie. */
static unsigned flow_only_segment(const struct xc_conn *c, uint8_t *buf)
{
	struct tframe t = xc_reply_to(c->frame, c->len, 0x18, 10, 3);

	t.ack += 100000;
	return t_build(buf, &t);
}

/*
 * Idle flows expire alike: with timeouts of 1 s (Closing) and 3 s (Established), a segment that only the flow
 * lets through is dropped once it is gone. Idle time is counted in whole seconds of the clock, so 1.1 s of sleep
 * is 1 or 2 of them. Then the worker's sweep of the map removes what the program did not.
 */
static void test_expiry(void)
{
	struct xh h;
	struct xh_out synack, out;
	char err[256];
	uint8_t buf[256];
	unsigned len;
	struct xc_conn flow[4];
	static const char *const what[] = { "established flow", "flow closed by its ACK", "flow closed later",
					    "established flow (swept)" };

	CC_CHECK(xh_open_timeouts(&h, 1024, 3, 1, err, sizeof(err)) == 0, "open: %s", err);
	published_at = xh_now();
	xh_publish(&h, fixture_cfg, NULL);
	for (int i = 0; i < 4; i++) {
		struct tframe t = base4(0x02);

		t.sport = (uint16_t)(41000 + i);
		len = t_build(buf, &t);
		xh_run(&h, buf, len, "expiry: SYN", &synack);
		t = xc_reply_to(synack.frame, synack.len, i == 1 ? 0x11 : 0x10, 0, 0);
		len = t_build(buf, &t);
		xh_run(&h, buf, len, "expiry: cookie ACK", &out);
		CC_CHECK(out.act == DP_ACT_FORWARD && out.cnt[DP_C_FLOW_NEW] == 1, "expiry: %s made", what[i]);
		if (i == 2) { /* closes with its next segment */
			t = xc_reply_to(buf, len, 0x11, 0, 0);
			len = t_build(buf, &t);
			xh_run(&h, buf, len, "expiry: FIN of a known flow", &out);
		}
		memcpy(flow[i].frame, buf, len);
		flow[i].len = len;
	}
	usleep(1100000);
	for (int i = 0; i < 3; i++) { /* the Closing flows are gone, the Established one is not */
		len = flow_only_segment(&flow[i], buf);
		xh_run(&h, buf, len, what[i], &out);
		CC_CHECK(out.act == (i ? DP_ACT_DROP : DP_ACT_FORWARD), "expiry after 1.1 s: %s", what[i]);
	}
	usleep(3100000);
	len = flow_only_segment(&flow[0], buf);
	xh_run(&h, buf, len, "expiry: flow idle for 3.1 s", &out);
	CC_CHECK(out.act == DP_ACT_DROP, "expiry: an established flow idle for 3.1 s is gone");
	/* flow 3 was never looked up again: the sweep finds it */
	CC_CHECK(dp_fastpath_sweep(h.fp, xh_now(), 100000) == 1, "the sweep removes the idle flow");
	CC_CHECK(dp_fastpath_sweep(h.fp, xh_now(), 100000) == 0, "and nothing else");
	/* the map is empty and nothing was inserted since: the next passes are skipped, not scanned */
	uint64_t scans = dp_fastpath_sweep_scans(h.fp);

	CC_CHECK(dp_fastpath_sweep(h.fp, xh_now(), 100000) == 0 && dp_fastpath_sweep(h.fp, xh_now(), 100000) == 0 &&
			 dp_fastpath_sweep_scans(h.fp) == scans,
		 "an empty map with no insert since is not scanned again (%llu -> %llu scans)",
		 (unsigned long long)scans, (unsigned long long)dp_fastpath_sweep_scans(h.fp));
	/* a flow the program inserts after that is seen: made, left idle past its timeout, and swept */
	{
		struct tframe t = base4(0x02);

		t.sport = 41100;
		len = t_build(buf, &t);
		xh_run(&h, buf, len, "expiry: SYN after the empty pass", &synack);
		t = xc_reply_to(synack.frame, synack.len, 0x10, 0, 0);
		len = t_build(buf, &t);
		xh_run(&h, buf, len, "expiry: cookie ACK after the empty pass", &out);
		CC_CHECK(out.act == DP_ACT_FORWARD && out.cnt[DP_C_FLOW_NEW] == 1, "a flow made after the empty pass");
	}
	usleep(3100000);
	CC_CHECK(dp_fastpath_sweep(h.fp, xh_now(), 100000) == 1 && dp_fastpath_sweep_scans(h.fp) == scans + 1,
		 "a flow inserted after an empty pass is swept (the pass is not skipped)");
	xh_close(&h);
}

/* Host .2 alone, without TS (its SYN-ACK then depends on the cookie minute only), with keys from seed. */
struct one_host {
	uint64_t seed;
	uint16_t window;
	bool zero_keys;
};

static struct dp_config *one_host_cfg(void *arg)
{
	const struct one_host *o = arg;
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg hc;

	dp_host_cfg_init(&hc);
	hc.ip.family = 4;
	t_addr4(hc.ip.a, "10.99.0.2");
	memcpy(hc.mac, T_HOST_MAC, 6);
	hc.flags = DP_HOST_SECRETS_VALID;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			hc.cur.v4[i][j] = o->zero_keys ? 0 : o->seed * (uint64_t)(7 + i * 2 + j);
	hc.sysctl.timestamps = 0;
	hc.window = o->window;
	hc.clock.hz = 250;
	hc.clock.jiffies = 4294892296ULL + 7500;
	hc.clock.count = (uint32_t)(hc.clock.jiffies / 15000);
	hc.clock.tcp_clock_ms = 200000000;
	hc.clock.local_ns = published_at;
	CC_CHECK(dp_config_set_host(cfg, &hc) == 0, "one host");
	return cfg;
}

static unsigned plain_syn(uint8_t *buf)
{
	struct tframe t = base4(0x02);

	return t_build(buf, &t);
}

/* The AF_PACKET backend's tc filter: a protected host's frames to our MAC end (TC_ACT_SHOT) once the packet socket
 * has them; ARP, other MACs, unknown destinations and frames too short to tell go on into the stack. (The kernel
 * refuses to test-run a tc program on an IPv4 frame cut short; the verifier holds the bounds checks.) */
static void test_tc_taken(struct xh *h)
{
	static const struct {
		const char *desc;
		build_fn build;
		int verdict;
	} cases[] = {
		{ "IPv4 SYN to a protected host", syn4, 2 },
		{ "IPv6 SYN to a protected host", syn6, 2 },
		{ "802.1Q-tagged SYN to a protected host", syn4_vlan, 2 },
		{ "802.1ad+802.1Q-tagged SYN to a protected host", syn4_qinq, 2 },
		{ "a frame to another MAC", not_our_mac, 0 },
		{ "ARP", arp, 0 },
		{ "a VLAN tag cut short", vlan_truncated, 0 },
		{ "a SYN to an address that is no protected host", unknown_host, 0 },
	};

	published_at = xh_now();
	xh_publish(h, fixture_cfg, NULL);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[512] = { 0 };
		struct dp_pkt p = { .data = buf, .cap = sizeof(buf) };
		LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = buf, .repeat = 1);
		int rc;

		tr.data_size_in = cases[i].build(buf, &p);
		rc = bpf_prog_test_run_opts(dp_fastpath_tc_fd(h->fp), &tr);
		CC_CHECK(rc == 0 && (int)tr.retval == cases[i].verdict,
			 "tc filter, %s: test run %d, verdict %d (want %d)", cases[i].desc, rc, (int)tr.retval,
			 cases[i].verdict);
	}
}

/* The AF_XDP backend's program: the protected hosts' frames to the socket (XDP_PASS under a test run: no socket), the
 * rest to the kernel (XDP_PASS, counted as the kernel's): ARP, other MACs, other destinations (the box's own BGP
 * sessions, SSH...), frames too short to tell. */
static void test_redirect(struct xh *h)
{
	static const struct {
		const char *desc;
		build_fn build;
		bool to_kernel;
	} cases[] = {
		{ "IPv4 SYN to a protected host", syn4, false },
		{ "IPv6 SYN to a protected host", syn6, false },
		{ "802.1Q-tagged SYN to a protected host", syn4_vlan, false },
		{ "802.1ad+802.1Q-tagged SYN to a protected host", syn4_qinq, false },
		{ "IPv4 bad header checksum to a protected host", ip4_bad_csum, false },
		{ "a frame to another MAC", not_our_mac, true },
		{ "ARP", arp, true },
		{ "a VLAN tag cut short", vlan_truncated, true },
		{ "a SYN to an address that is no protected host", unknown_host, true },
	};

	published_at = xh_now();
	xh_publish(h, fixture_cfg, NULL);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[512] = { 0 };
		struct dp_pkt p = { .data = buf, .cap = sizeof(buf) };
		LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = buf, .repeat = 1);
		uint64_t before = dp_fastpath_to_kernel(h->fp);
		int rc;

		tr.data_size_in = cases[i].build(buf, &p);
		rc = bpf_prog_test_run_opts(dp_fastpath_redirect_fd(h->fp), &tr);
		CC_CHECK(rc == 0 && tr.retval == XDP_PASS &&
				 (dp_fastpath_to_kernel(h->fp) == before + 1) == cases[i].to_kernel,
			 "redirect program, %s: test run %d, verdict %u, %s (want %s)", cases[i].desc, rc, tr.retval,
			 dp_fastpath_to_kernel(h->fp) == before ? "to the socket" : "to the kernel",
			 cases[i].to_kernel ? "to the kernel" : "to the socket");
	}
}

/* A host record the program cannot use is refused before the maps change: the old secrets keep answering. */
static void test_bad_secrets(struct xh *h)
{
	struct one_host good = { .seed = 0x51ed270b27e0fa8dULL, .window = 29200 }, bad = good;
	struct dp_config *cfg;
	struct xh_out before, after;
	uint8_t buf[128];
	unsigned len = plain_syn(buf);
	char err[256] = "";

	published_at = xh_now();
	xh_publish(h, one_host_cfg, &good);
	xh_run(h, buf, len, "bad secrets: SYN before", &before);
	bad.zero_keys = true;
	cfg = one_host_cfg(&bad);
	CC_CHECK(dp_fastpath_sync(h->fp, cfg, err, sizeof(err)) == -EINVAL, "all-zero keys refused");
	CC_CHECK(strstr(err, "10.99.0.2") && strstr(err, "secrets"), "the error names the host and the field: %s", err);
	dp_config_free(cfg);
	xh_run(h, buf, len, "bad secrets: SYN after the refused update", &after);
	CC_CHECK(!after.in_userspace && after.len == before.len && !memcmp(after.frame, before.frame, before.len),
		 "the previous secrets stay in force");
}

struct flipper {
	struct dp_fastpath *fp;
	const struct dp_config *cfg[2];
	volatile bool stop;
	unsigned updates;
};

static void *flip(void *arg)
{
	struct flipper *f = arg;
	char err[256];

	while (!f->stop) {
		CC_CHECK(dp_fastpath_sync(f->fp, f->cfg[f->updates & 1], err, sizeof(err)) == 0, "sync: %s", err);
		f->updates++;
	}
	return NULL;
}

/* While one thread replaces host .2 back and forth between two records (other keys, other window), every SYN-ACK
 * the program makes is one of the two records' SYN-ACKs, never a mix of them. */
static void test_atomic_updates(struct xh *h)
{
	struct one_host a = { .seed = 0x9e3779b97f4a7c15ULL, .window = 29200 };
	struct one_host b = { .seed = 0xc2b2ae3d27d4eb4fULL, .window = 64240 };
	struct flipper f = { .fp = h->fp };
	struct xh_out ra, rb;
	uint8_t syn[128], out[256];
	unsigned len = plain_syn(syn), seen[2] = { 0, 0 }, mixed = 0;
	pthread_t t;

	published_at = xh_now();
	xh_publish(h, one_host_cfg, &b);
	xh_core(&h->ref, syn, len, xh_now(), &rb);
	xh_publish(h, one_host_cfg, &a);
	xh_core(&h->ref, syn, len, xh_now(), &ra);
	f.cfg[0] = dp_core_config(h->ref.core); /* a's */
	f.cfg[1] = dp_core_config(h->chk.core); /* replaced below by b's */
	CC_CHECK(dp_core_publish(h->chk.core, one_host_cfg(&b)) == 0, "publish b");
	f.cfg[1] = dp_core_config(h->chk.core);
	pthread_create(&t, NULL, flip, &f);
	for (int i = 0; i < 20000; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = syn, .data_size_in = len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);

		CC_CHECK(bpf_prog_test_run_opts(dp_fastpath_prog_fd(h->fp), &tr) == 0 && tr.retval == XDP_TX,
			 "test run");
		if (tr.data_size_out == ra.len && !memcmp(out, ra.frame, ra.len))
			seen[0]++;
		else if (tr.data_size_out == rb.len && !memcmp(out, rb.frame, rb.len))
			seen[1]++;
		else
			mixed++;
	}
	f.stop = true;
	pthread_join(t, NULL);
	printf("host updates during the test runs: %u; SYN-ACKs of record a %u, of b %u, of neither %u\n", f.updates,
	       seen[0], seen[1], mixed);
	CC_CHECK(mixed == 0, "no SYN-ACK from a half-written record (%u)", mixed);
	CC_CHECK(seen[0] > 100 && seen[1] > 100 && f.updates > 1000, "both records were seen while they changed");
}

static void test_random(struct xh *h)
{
	const char *s = getenv("XDP_FUZZ_SEED"), *f = getenv("XDP_FUZZ_FRAMES");
	unsigned long long seed = s ? strtoull(s, NULL, 0) : (unsigned long long)xh_now() | 1;
	unsigned frames = f ? (unsigned)strtoul(f, NULL, 0) : 30000, before = h->decided;
	struct xc_state st = { .seed = seed };
	struct xc_cfg cfg = { .generation = 1 };

	printf("randomized corpus: %u frames, XDP_FUZZ_SEED=%llu\n", frames, seed);
	for (unsigned i = 0; i < frames; i++) {
		uint8_t buf[512];
		unsigned len;
		char desc[96];
		struct xh_out out;

		if (i % 2000 == 0) { /* fresh clocks (minute boundaries stay far away), the next secrets of .10 */
			cfg.local_ns = xh_now();
			cfg.generation++;
			xh_publish(h, xc_config, &cfg);
		}
		len = xc_frame(&st, buf);
		snprintf(desc, sizeof(desc), "random frame %u (seed %llu)", i, seed);
		xh_run(h, buf, len, desc, &out);
		xc_learn(&st, buf, len, &out);
	}
	CC_CHECK(h->decided - before > frames / 4, "the program decided %u of %u random frames itself",
		 h->decided - before, frames);
}

int main(void)
{
	struct xh h;
	char err[256];
	int rc;

	rc = xh_open(&h, 1u << 16, err, sizeof(err)); /* a table that does not fill: each path has its own */
	if (rc == -EPERM || rc == -EACCES) {
		printf("########################################################################\n"
		       "## test_xdp_fastpath SKIPPED: %s (not root: no CAP_BPF)\n"
		       "########################################################################\n",
		       err);
		return cc_summary();
	}
	CC_CHECK(rc == 0, "open: %s", err);
	if (rc)
		return cc_summary();
	test_fixtures(&h);
	test_vectors(&h);
	test_golden(&h);
	test_csum_zero(&h);
	test_bad_secrets(&h);
	test_atomic_updates(&h);
	test_random(&h);
	test_expiry();
	test_tc_taken(&h);
	test_redirect(&h);
	printf("frames decided in XDP: %u, handed to userspace: %u, left to the kernel: %u, re-run for a clock tick: %u\n",
	       h.decided, h.punted, h.to_kernel, h.inconclusive);
	xh_close(&h);
	return cc_summary();
}
