/* test_core_synack.c: SYN -> SYN-ACK through the whole core: every real-kernel vector, golden frames byte for
 * byte (v4, v6, VLAN, with/without TS, ECN), and the cookie ACK coming back (ages, bit flips, TS echo). */
#include <stdlib.h>

#include "vec_frames.h"

#define NOW 1000000000000ULL /* local CLOCK_MONOTONIC of the tests: 1000 s */

static struct dp_core *core;
static struct dp_worker *w;
static int keep_ts1;

/* Publishes a one-host config for the vector: clock such that the conservative estimates are exactly the
 * vector's count and ts_clock_ms at NOW (30 s into the cookie minute, 1 s error). */
static void publish_for(const struct vec *v, enum dp_ts_mode mode, const uint64_t *net_secret)
{
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;

	vec_host(v, mode, net_secret, keep_ts1, NOW, &h);
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "set_host line %d", v->line);
	CC_CHECK(dp_core_publish(core, cfg) == 0, "publish");
}

static enum dp_action run1(uint8_t *buf, unsigned *len, uint64_t now)
{
	struct dp_pkt p = { .data = buf, .len = *len, .cap = 256 };
	struct dp_pkt *pp = &p;
	uint8_t act;

	dp_worker_burst(w, &pp, &act, 1, now);
	*len = p.len;
	return (enum dp_action)act;
}

/* Finds option kind in the reply's TCP options; returns its offset or -1. */
static int find_opt(const uint8_t *th, uint8_t kind)
{
	int hl = (th[12] >> 4) * 4, i = 20;

	while (i < hl) {
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (th[i] == 0 || i + 1 >= hl)
			return -1;
		if (th[i] == kind)
			return i;
		i += th[i + 1];
	}
	return -1;
}

static void test_vectors(void)
{
	unsigned n, i;
	struct vec *vs = vec_load(&n);

	for (i = 0; i < n; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256];
		unsigned len = syn_for(v, buf, 0), l3 = 14, iphl = v->v6 ? 40 : 20;
		const uint8_t *th;
		int o;

		publish_for(v, DP_TS_ZERO, NULL);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN not answered (reason %s)", v->line,
			 dp_counter_name(dp_worker_last_reason(w)));
		th = buf + l3 + iphl;
		CC_CHECK(dp_be32_t(th + 4) == v->isn, "line %d: isn %u, kernel %u", v->line, dp_be32_t(th + 4), v->isn);
		CC_CHECK(dp_be32_t(th + 8) == v->client_seq + 1, "line %d: ack", v->line);
		CC_CHECK(th[13] == (0x12 | (v->has_ts && v->ecn_in ? 0x40 : 0)), "line %d: flags %02x", v->line, th[13]);
		CC_CHECK(t_csums_ok(buf, l3, len), "line %d: checksums", v->line);
		CC_CHECK(!memcmp(buf, T_ROUTER_MAC, 6) && !memcmp(buf + 6, T_OUR_MAC, 6), "line %d: MACs", v->line);
		o = find_opt(th, 2);
		CC_CHECK(o > 0 && (unsigned)(th[o + 2] << 8 | th[o + 3]) == v->server_mss_option, "line %d: MSS option",
			 v->line);
		o = find_opt(th, 8);
		CC_CHECK((o > 0) == v->has_ts, "line %d: TS option presence", v->line);
		if (o > 0 && v->has_ts) {
			CC_CHECK(dp_be32_t(th + o + 2) == v->tsval - v->tsoff, "line %d: TSval %u, kernel %u - tsoff %u",
				 v->line, dp_be32_t(th + o + 2), v->tsval, v->tsoff);
			CC_CHECK(dp_be32_t(th + o + 6) == 0x01020304, "line %d: TSecr", v->line);
		}
		CC_CHECK((find_opt(th, 4) > 0) == (v->has_ts && v->sack_in), "line %d: SACK_PERM presence", v->line);
		CC_CHECK((find_opt(th, 3) > 0) == (v->has_ts && v->wscale_in >= 0), "line %d: WSCALE presence",
			 v->line);
	}
	free(vs);
}


static void golden(const struct vec *vs, unsigned n, int line, int vlan, const char *hex, const char *name)
{
	uint8_t buf[256], exp[256];
	unsigned len, elen, i;

	for (i = 0; i < n && vs[i].line != line; i++)
		;
	if (i == n) {
		CC_CHECK(0, "%s: vector line %d missing", name, line);
		return;
	}
	publish_for(&vs[i], DP_TS_ZERO, NULL);
	len = syn_for(&vs[i], buf, vlan);
	from_hex(hex, exp, &elen);
	CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "%s: not answered", name);
	CC_CHECK(len == elen && !memcmp(buf, exp, elen), "%s: frame differs", name);
	if (len != elen || memcmp(buf, exp, elen)) {
		t_hexdump("got     ", buf, len);
		t_hexdump("expected", exp, elen);
	}
}

static void test_golden(void)
{
	unsigned n;
	struct vec *vs = vec_load(&n);

	for (unsigned g = 0; g < N_GOLDEN; g++)
		golden(vs, n, goldens[g].line, goldens[g].vlan, goldens[g].hex, goldens[g].name);
	free(vs);
}

/* tcp_timestamps=1 without an offset secret: our TSval could not match the server's (its tsoff is secret), so the
 * SYN-ACK carries MSS only, and the cookie is the same. Found by the QEMU harness (clients dropped data by PAWS). */
static void test_ts1_without_offset_secret(void)
{
	unsigned n, i, done = 0;
	struct vec *vs = vec_load(&n);

	keep_ts1 = 1;
	for (i = 0; i < n && done < 20; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256];
		unsigned len = syn_for(v, buf, 0), iphl = v->v6 ? 40 : 20;
		const uint8_t *th = buf + 14 + iphl;

		if (!v->has_ts || v->tcp_timestamps != 1)
			continue;
		done++;
		publish_for(v, DP_TS_ZERO, NULL);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN not answered", v->line);
		CC_CHECK(dp_be32_t(th + 4) == v->isn, "line %d: isn %u, kernel %u", v->line, dp_be32_t(th + 4), v->isn);
		CC_CHECK(find_opt(th, 2) > 0, "line %d: MSS option", v->line);
		CC_CHECK(find_opt(th, 8) < 0 && find_opt(th, 4) < 0 && find_opt(th, 3) < 0,
			 "line %d: TS/SACK/WSCALE sent with an unknown tsoff", v->line);
		CC_CHECK(t_csums_ok(buf, 14, len), "line %d: checksums", v->line);
	}
	keep_ts1 = 0;
	CC_CHECK(done == 20, "enough tcp_timestamps=1 vectors with TS");
	free(vs);
}

/* The ACK that completes the handshake: forwarded within the cookie's life, dropped after or when altered. */
static void test_ack_back(void)
{
	unsigned n, i, done = 0;
	struct vec *vs = vec_load(&n);
	static const uint64_t net_secret[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

	for (i = 0; i < n && done < 40; i++) {
		const struct vec *v = &vs[i];
		uint8_t buf[256], ack[256], opts[12];
		unsigned len, alen, iphl = v->v6 ? 40 : 20;
		uint32_t isn, tsval = 0;
		struct tframe t = { 0 };
		int o;

		if ((done & 1) != v->has_ts)
			continue;
		done++;
		/* tcp_timestamps=1 with the 2026 rule: our tsoff goes out in TSval and comes off the echo. */
		publish_for(v, v->tcp_timestamps == 1 ? DP_TS_2026 : DP_TS_ZERO, net_secret);
		len = syn_for(v, buf, 0);
		CC_CHECK(run1(buf, &len, NOW) == DP_ACT_REPLY, "line %d: SYN", v->line);
		isn = dp_be32_t(buf + 14 + iphl + 4);
		o = find_opt(buf + 14 + iphl, 8);
		if (o > 0)
			tsval = dp_be32_t(buf + 14 + iphl + o + 2);
		t.v6 = v->v6;
		memcpy(t.saddr, v->saddr, 16);
		memcpy(t.daddr, v->daddr, 16);
		t.sport = v->sport;
		t.dport = v->dport;
		t.seq = v->client_seq + 1;
		t.ack = isn + 1;
		t.flags = 0x10;
		if (o > 0) {
			opts[0] = 1, opts[1] = 1, opts[2] = 8, opts[3] = 10;
			opts[4] = 0, opts[5] = 0, opts[6] = 0, opts[7] = 9;
			opts[8] = (uint8_t)(tsval >> 24), opts[9] = (uint8_t)(tsval >> 16);
			opts[10] = (uint8_t)(tsval >> 8), opts[11] = (uint8_t)tsval;
			t.opts = opts;
			t.optlen = 12;
		}
		if (o > 0) {
			alen = t_build(ack, &t);
			/* An echo that claims SACK while the host has tcp_sack=0 is refused as the kernel does. */
			struct dp_config *c = dp_config_clone(dp_core_config(core));
			struct dp_host_cfg h;
			struct dp_addr a = { .family = (uint8_t)(v->v6 ? 6 : 4) };

			memcpy(a.a, v->daddr, v->v6 ? 16 : 4);
			h = *dp_config_host(c, &a);
			h.sysctl.sack = 0;
			h.sysctl.window_scaling = 0;
			dp_config_set_host(c, &h);
			dp_core_publish(core, c);
			alen = t_build(ack, &t);
			if (v->sack_in || v->wscale_in >= 0)
				CC_CHECK(run1(ack, &alen, NOW + 1000000000ULL) == DP_ACT_DROP &&
						 dp_worker_last_reason(w) == DP_C_DROP_BAD_TS,
					 "line %d: TS bits for disabled SACK/WS must be refused", v->line);
			publish_for(v, v->tcp_timestamps == 1 ? DP_TS_2026 : DP_TS_ZERO, net_secret);
		}
		/* Age 1 (61 s later): still valid; a new flow is made and forwarded to the host MAC. */
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 61000000000ULL) == DP_ACT_FORWARD, "line %d: ACK at age 1 (%s)",
			 v->line, dp_counter_name(dp_worker_last_reason(w)));
		CC_CHECK(!memcmp(ack, T_HOST_MAC, 6) && !memcmp(ack + 6, T_OUR_MAC, 6), "line %d: forward MACs",
			 v->line);
		/* Same ACK, 150 s after the SYN and as a different client port: too old. */
		t.sport ^= 0x5555;
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 150000000000ULL) == DP_ACT_DROP &&
				 dp_worker_last_reason(w) == DP_C_DROP_BAD_COOKIE,
			 "line %d: other port must fail", v->line);
		t.sport ^= 0x5555;
		/* One bit off in the ACK number: invalid (a different 4-tuple so that no flow exists). */
		t.ack ^= 0x00000100;
		t.sport = (uint16_t)(t.sport + 1);
		alen = t_build(ack, &t);
		CC_CHECK(run1(ack, &alen, NOW + 1000000000ULL) == DP_ACT_DROP, "line %d: flipped ACK", v->line);
	}
	CC_CHECK(done == 40, "enough vectors");
	free(vs);
}

int main(void)
{
	core = dp_core_new(4);
	w = dp_worker_new(core, &(struct dp_worker_params){ .flow_slots = 1024 });
	test_vectors();
	test_golden();
	test_ack_back();
	test_ts1_without_offset_secret();
	dp_worker_free(w);
	dp_core_free(core);
	return cc_summary();
}
