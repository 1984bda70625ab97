/* xdp_corpus.h: the randomized corpus of test_xdp_fastpath.c: hosts of every kind the program handles or hands to
 * userspace, and frames made from a seed: SYNs with random option lists, the ACKs of SYN-ACKs seen (valid, with
 * tampered TS echoes, with data, FIN), segments of known and of lost flows, RSTs, UDP, IPv6 extension headers,
 * VLANs, checksums left to the offload, and byte flips, truncations and garbage tails of all of those. */
#ifndef DP_TEST_XDP_CORPUS_H
#define DP_TEST_XDP_CORPUS_H

#include "fixtures.h"
#include "xdp_harness.h"

#define XC_SEEN 64

struct xc_conn {
	uint8_t frame[256]; /* the client's view of a connection: a SYN-ACK it got, or a segment it sent */
	unsigned len;
};

struct xc_state {
	unsigned long long seed;
	struct xc_conn synacks[XC_SEEN], flows[XC_SEEN], last;
	unsigned nsynacks, nflows;
};

static inline unsigned xc_r(struct xc_state *s, unsigned n)
{
	return (unsigned)(cc_rand(&s->seed) % n);
}

/* Offset in the frame of TCP option kind (Ethernet, up to 2 tags, IPv4 or IPv6 without extensions), or -1. */
static inline int xc_find_opt(const uint8_t *f, unsigned len, uint8_t kind)
{
	unsigned off = 12, l4, hl, i;

	while (off + 2 <= len && (f[off] == 0x81 || f[off] == 0x88) && f[off + 1] == (f[off] == 0x81 ? 0x00 : 0xa8))
		off += 4;
	off += 2;
	if (off + 40 > len)
		return -1;
	l4 = (f[off] >> 4) == 4 ? off + (f[off] & 15) * 4 : off + 40;
	if (l4 + 20 > len)
		return -1;
	hl = (f[l4 + 12] >> 4) * 4;
	for (i = l4 + 20; i < l4 + hl && i < len;) {
		if (f[i] == 1) {
			i++;
			continue;
		}
		if (f[i] == 0 || i + 1 >= len || f[i + 1] < 2)
			return -1;
		if (f[i] == kind)
			return (int)i;
		i += f[i + 1];
	}
	return -1;
}

/* The client's next segment in the connection of frame (a SYN-ACK the client got, or one of its own segments). */
static inline struct tframe xc_reply_to(const uint8_t *f, unsigned len, uint8_t flags, unsigned payload,
					unsigned variant)
{
	static uint8_t opts[12];
	struct tframe t = { 0 };
	unsigned off = 12, l4;
	bool synack;
	int o;

	if (f[12] == 0x81) {
		t.vlan = (f[14] & 0x0f) << 8 | f[15];
		off += 4;
	}
	off += 2;
	t.v6 = (f[off] >> 4) == 6;
	l4 = t.v6 ? off + 40 : off + (f[off] & 15) * 4;
	synack = (f[l4 + 13] & 0x12) == 0x12;
	/* a SYN-ACK goes from the server: its addresses are the other way round */
	memcpy(t.saddr, f + off + (t.v6 ? (synack ? 24 : 8) : (synack ? 16 : 12)), t.v6 ? 16 : 4);
	memcpy(t.daddr, f + off + (t.v6 ? (synack ? 8 : 24) : (synack ? 12 : 16)), t.v6 ? 16 : 4);
	t.sport = (uint16_t)(f[l4 + (synack ? 2 : 0)] << 8 | f[l4 + (synack ? 3 : 1)]);
	t.dport = (uint16_t)(f[l4 + (synack ? 0 : 2)] << 8 | f[l4 + (synack ? 1 : 3)]);
	if (synack) {
		t.seq = dp_be32_t(f + l4 + 8);
		t.ack = dp_be32_t(f + l4 + 4) + 1;
	} else {
		t.seq = dp_be32_t(f + l4 + 4) + 1;
		t.ack = dp_be32_t(f + l4 + 8);
	}
	t.flags = flags;
	t.payload = payload;
	o = xc_find_opt(f, len, 8);
	if (o > 0 && variant != 3) { /* echo the TSval (variant 1: one bit off; 2: zero; 3: no TS option) */
		uint32_t echo = synack ? dp_be32_t(f + o + 2) : dp_be32_t(f + o + 6);

		if (variant == 1)
			echo ^= 1u << (variant * 7 % 6);
		if (variant == 2) /* a zero echo: tsoff does not come off it (cookie_v4_check) */
			echo = 0;
		opts[0] = 1, opts[1] = 1, opts[2] = 8, opts[3] = 10;
		opts[4] = 0, opts[5] = 1, opts[6] = 2, opts[7] = (uint8_t)variant;
		opts[8] = (uint8_t)(echo >> 24), opts[9] = (uint8_t)(echo >> 16);
		opts[10] = (uint8_t)(echo >> 8), opts[11] = (uint8_t)echo;
		t.opts = opts;
		t.optlen = 12;
	}
	(void)len;
	return t;
}

/* What the corpus's configuration changes with: the clock sample, and (every publish) host .20's secrets, whose
 * previous ones stay valid, so the ACKs of SYN-ACKs made before check against them. */
struct xc_cfg {
	uint64_t local_ns;
	unsigned generation;
};

static inline void xc_keys(uint64_t k[2][2], unsigned generation)
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			k[i][j] =
				0x2545f4914f6cdd1dULL * (uint64_t)(5 + i * 2 + j) + generation * 0x9e3779b97f4a7c15ULL;
}

static inline void xc_host(struct dp_config *cfg, const char *ip, uint8_t flags, enum dp_ts_mode mode,
			   uint8_t timestamps, uint64_t local_ns)
{
	struct dp_host_cfg h;

	dp_host_cfg_init(&h);
	h.ip.family = strchr(ip, ':') ? 6 : 4;
	if (h.ip.family == 6)
		t_addr6(h.ip.a, ip);
	else
		t_addr4(h.ip.a, ip);
	memcpy(h.mac, T_HOST_MAC, 6);
	h.flags = flags;
	h.ts_mode = mode;
	h.sysctl.timestamps = timestamps;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			h.cur.v4[i][j] = h.cur.v6[i][j] = 0x9e3779b97f4a7c15ULL * (uint64_t)(3 + i * 2 + j);
			h.prev.v4[i][j] = h.prev.v6[i][j] = 0x2545f4914f6cdd1dULL * (uint64_t)(5 + i * 2 + j);
		}
	h.cur.ts[0] = 0x0123456789abcdefULL;
	h.cur.ts[1] = 0x1122334455667788ULL;
	h.clock.hz = 250;
	h.clock.jiffies = 4294892296ULL + 7500; /* 30 s into a cookie minute: far from its ends */
	h.clock.count = (uint32_t)(h.clock.jiffies / 15000);
	h.clock.tcp_clock_ms = 200000000;
	h.clock.local_ns = local_ns;
	CC_CHECK(dp_config_set_host(cfg, &h) == 0, "host %s", ip);
}

/* The random corpus's hosts: the fixtures' (no filter), TS hosts of both tsoff rules (one without SACK and window
 * scaling), a pickup window, previous secrets, pass without secrets, and three that stay in userspace (filter,
 * SHA-1, SYN refresh). */
static struct dp_config *xc_config(void *arg)
{
	static const struct dp_filter_rule rules[] = { { "tcp and dst port 53", DP_FILTER_DROP } };
	const struct xc_cfg *x = arg;
	uint64_t now = x->local_ns;
	struct dp_config *cfg = dp_config_new(&T_OUR_MAC, 1);
	struct dp_host_cfg h;
	struct dp_addr a = { .family = 4 };
	struct dp_filter *f;
	char err[256];

	fixture_hosts(cfg, NULL, now);
	xc_host(cfg, "10.99.0.17", DP_HOST_SECRETS_VALID, DP_TS_2026, 1, now);
	xc_host(cfg, "10.99.0.18", DP_HOST_SECRETS_VALID, DP_TS_PRE2026, 1, now);
	xc_host(cfg, "10.99.0.19", DP_HOST_SECRETS_VALID, DP_TS_2026, 1, now);
	xc_host(cfg, "10.99.0.20", DP_HOST_SECRETS_VALID | DP_HOST_PREV_VALID, DP_TS_ZERO, 2, now);
	xc_host(cfg, "10.99.0.21", DP_HOST_NOSECRET_PASS, DP_TS_ZERO, 1, now);
	xc_host(cfg, "10.99.0.22", DP_HOST_SECRETS_VALID, DP_TS_2026, 1, now);
	xc_host(cfg, "10.99.0.23", DP_HOST_SECRETS_VALID, DP_TS_ZERO, 2, now);
	xc_host(cfg, "10.99.0.24", DP_HOST_SECRETS_VALID, DP_TS_ZERO, 2, now);
	xc_host(cfg, "10.99.0.25", DP_HOST_SECRETS_VALID, DP_TS_2026, 1, now);
	xc_host(cfg, "2001:db8:99::7", DP_HOST_SECRETS_VALID, DP_TS_2026, 1, now);
	/* .19 picks up flows for the next hour; .22 filters; .23 makes SHA-1 cookies; .24 refreshes listeners */
	t_addr4(a.a, "10.99.0.19");
	h = *dp_config_host(cfg, &a);
	h.pickup_until_ns = now + 3600ULL * 1000000000ULL;
	dp_config_set_host(cfg, &h);
	CC_CHECK(dp_filter_compile(rules, 1, DP_FILTER_PASS, &f, err, sizeof(err)) == 0, "compile: %s", err);
	t_addr4(a.a, "10.99.0.22");
	h = *dp_config_host(cfg, &a);
	h.filter = f;
	dp_config_set_host(cfg, &h);
	dp_filter_put(f);
	t_addr4(a.a, "10.99.0.23");
	h = *dp_config_host(cfg, &a);
	h.cookie_alg = 1;
	dp_config_set_host(cfg, &h);
	t_addr4(a.a, "10.99.0.24");
	h = *dp_config_host(cfg, &a);
	h.syn_refresh_ms = 55000;
	dp_config_set_host(cfg, &h);
	t_addr4(a.a, "10.99.0.20");
	h = *dp_config_host(cfg, &a);
	xc_keys(h.cur.v4, x->generation);
	xc_keys(h.prev.v4, x->generation - 1);
	dp_config_set_host(cfg, &h);
	/* .26: 0.4 s before a minute ends, 1 s error: cookies are made for one count and checked against the next
	 * first; each publish is a minute later, so the ACKs of the last generation's SYN-ACKs need the lower one */
	xc_host(cfg, "10.99.0.26", DP_HOST_SECRETS_VALID, DP_TS_ZERO, 2, now);
	t_addr4(a.a, "10.99.0.26");
	h = *dp_config_host(cfg, &a);
	h.clock.jiffies = (uint64_t)(1000000 + x->generation) * 15000 + 14900;
	h.clock.count = 1000000 + x->generation;
	dp_config_set_host(cfg, &h);
	/* .17 and 2001:db8:99::7: the agent's listener profile (port 443 and 8443 have their own window and scale) */
	for (int i = 0; i < 2; i++) {
		a.family = i ? 6 : 4;
		if (i)
			inet_pton(AF_INET6, "2001:db8:99::7", a.a);
		else
			t_addr4(a.a, "10.99.0.17");
		h = *dp_config_host(cfg, &a);
		h.profile.window = 62727;
		h.profile.wscale = 8;
		h.profile.n_ports = 2;
		h.profile.ports[0].port = 443;
		h.profile.ports[0].window = 65535;
		h.profile.ports[0].wscale = 11;
		h.profile.ports[1].port = 8443;
		h.profile.ports[1].window = 14600;
		h.profile.ports[1].wscale = 0;
		dp_config_set_host(cfg, &h);
	}
	a.family = 4;
	memset(a.a, 0, sizeof(a.a));
	/* .25: no SACK, no window scaling: an echo decoded with the wrong tsoff asks for them and is refused */
	t_addr4(a.a, "10.99.0.25");
	h = *dp_config_host(cfg, &a);
	h.sysctl.sack = 0;
	h.sysctl.window_scaling = 0;
	dp_config_set_host(cfg, &h);
	return cfg;
}

static const char *const xc_hosts4[] = { "10.99.0.2",  "10.99.0.3",  "10.99.0.4",  "10.99.0.5",	 "10.99.0.6",
					 "10.99.0.7",  "10.99.0.17", "10.99.0.18", "10.99.0.19", "10.99.0.20",
					 "10.99.0.21", "10.99.0.22", "10.99.0.23", "10.99.0.24", "10.99.0.25",
					 "10.99.0.26", "10.99.0.200" };
static const char *const xc_hosts6[] = { "2001:db8:99::2", "2001:db8:99::7", "2001:db8:99::99" };

/* A random option list: the usual options in any order and size, NOPs, EOL, unknown kinds, or plain garbage. */
static inline unsigned xc_options(struct xc_state *s, uint8_t *o)
{
	unsigned n = 0, k = xc_r(s, 6);

	if (xc_r(s, 8) == 0) {
		n = xc_r(s, 41);
		for (unsigned i = 0; i < n; i++)
			o[i] = (uint8_t)xc_r(s, 256);
	}
	while (k-- && n < 36) {
		switch (xc_r(s, 8)) {
		case 0:
			o[n++] = 2, o[n++] = 4, o[n++] = (uint8_t)xc_r(s, 256), o[n++] = (uint8_t)xc_r(s, 256);
			break;
		case 1:
			o[n++] = 4, o[n++] = 2;
			break;
		case 2:
			o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)xc_r(s, 17);
			break;
		case 3:
			if (n + 10 > 40)
				break;
			o[n++] = 8, o[n++] = 10;
			for (int i = 0; i < 8; i++)
				o[n++] = (uint8_t)xc_r(s, 256);
			break;
		case 4:
			o[n++] = 1;
			break;
		case 5:
			if (n + 18 <= 40 && xc_r(s, 2)) { /* TCP-MD5 */
				o[n++] = 19, o[n++] = 18;
				for (int i = 0; i < 16; i++)
					o[n++] = (uint8_t)xc_r(s, 256);
			} else {
				o[n++] = (uint8_t)xc_r(s, 3) ? 30 : 19, o[n++] = 2;
			}
			break;
		case 6:
			o[n++] = 0;
			break;
		default:
			o[n++] = 2, o[n++] = 4, o[n++] = 0x05, o[n++] = 0xb4;
			break;
		}
	}
	while (n % 4)
		o[n++] = xc_r(s, 2) ? 0 : 1;
	return n > 40 ? 40 : n;
}

static inline void xc_addr(struct xc_state *s, struct tframe *t)
{
	t->v6 = xc_r(s, 5) == 0;
	if (t->v6) {
		t_addr6(t->saddr, "2001:db8:aa::1");
		t->saddr[15] = (uint8_t)xc_r(s, 256);
		t_addr6(t->daddr, xc_hosts6[xc_r(s, 3)]);
	} else {
		t_addr4(t->saddr, "198.51.100.1");
		t->saddr[3] = (uint8_t)xc_r(s, 256);
		t_addr4(t->daddr, xc_hosts4[xc_r(s, sizeof(xc_hosts4) / sizeof(xc_hosts4[0]))]);
	}
	t->sport = (uint16_t)xc_r(s, 65536);
	t->dport = xc_r(s, 4) ? 80 : xc_r(s, 2) ? (xc_r(s, 2) ? 443 : 8443) : (uint16_t)xc_r(s, 65536);
}

/* Extension headers between an IPv6 header and its payload: hop-by-hop, routing, destination options, fragment,
 * authentication, in a random order and number (some of which the core refuses). */
static inline unsigned xc_v6_ext(struct xc_state *s, uint8_t *buf, unsigned len, unsigned l3)
{
	static const uint8_t kinds[] = { 0, 43, 60, 44, 51 };
	uint8_t *ip = buf + l3;
	unsigned n = 1 + xc_r(s, 3), plen;

	for (unsigned k = 0; k < n; k++) {
		uint8_t nh = kinds[xc_r(s, sizeof(kinds))];
		unsigned hl = nh == 44 ? 8 : nh == 51 ? 8 * (1 + xc_r(s, 2)) : 8 * (1 + xc_r(s, 3));

		if (len + hl > 480)
			break;
		memmove(ip + 40 + hl, ip + 40, len - l3 - 40);
		memset(ip + 40, 0, hl);
		ip[40] = ip[6]; /* the new header's next header is the old first one */
		ip[41] = (uint8_t)(nh == 51 ? hl / 4 - 2 : nh == 44 ? 0 : hl / 8 - 1);
		if (nh == 44 && xc_r(s, 2))
			ip[42] = (uint8_t)xc_r(s, 256), ip[43] = (uint8_t)xc_r(s, 256);
		ip[6] = nh;
		len += hl;
		plen = (unsigned)(ip[4] << 8 | ip[5]) + hl;
		ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
	}
	return len;
}

/* The L4 checksum as veth hands a frame over when its sender left it to the offload: the folded pseudo-header sum
 * (IPv4 as the frame says, fragments included; IPv6 without extension headers). */
static inline void xc_unfinish(uint8_t *buf, unsigned len)
{
	unsigned l3 = buf[12] == 0x81 ? 18 : 14, l4, field, l4len;
	uint8_t *ip = buf + l3, proto;
	uint32_t sum;

	if (len < l3 + 40)
		return;
	if ((ip[0] >> 4) == 4) {
		l4 = l3 + (ip[0] & 15) * 4;
		l4len = (unsigned)(ip[2] << 8 | ip[3]) - (ip[0] & 15) * 4;
		proto = ip[9];
		sum = t_pseudo(ip + 12, ip + 16, 4, l4len) - 6;
	} else {
		l4 = l3 + 40;
		l4len = (unsigned)(ip[4] << 8 | ip[5]);
		proto = ip[6];
		sum = t_pseudo(ip + 8, ip + 24, 16, l4len) - 6;
	}
	field = proto == 6 ? 16 : 6;
	if ((proto != 6 && proto != 17) || l4 + field + 2 > len)
		return;
	sum += proto;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	buf[l4 + field] = (uint8_t)(sum >> 8), buf[l4 + field + 1] = (uint8_t)sum;
}

/* Mutations that reach past the parse more often than not: the IPv4 header checksum is fixed up afterwards. */
static inline unsigned xc_mutate(struct xc_state *s, uint8_t *buf, unsigned len)
{
	unsigned how = xc_r(s, 4);

	if (how == 0 && len > 1)
		return 1 + xc_r(s, len - 1); /* truncated */
	if (how == 1) {			     /* a garbage tail */
		unsigned extra = xc_r(s, 60);

		for (unsigned i = 0; i < extra && len < 500; i++)
			buf[len++] = (uint8_t)xc_r(s, 256);
		return len;
	}
	for (unsigned k = 1 + xc_r(s, 3); k; k--)
		buf[14 + xc_r(s, len > 14 ? len - 14 : 1)] ^= (uint8_t)(1u << xc_r(s, 8));
	if (how == 2 && len >= 34 && buf[12] == 0x08 && buf[13] == 0 && (buf[14] >> 4) == 4 && (buf[14] & 15) >= 5 &&
	    14u + (buf[14] & 15) * 4 <= len) {
		uint16_t c;

		buf[24] = buf[25] = 0;
		c = t_csum(buf + 14, (buf[14] & 15) * 4, 0);
		buf[24] = (uint8_t)(c >> 8), buf[25] = (uint8_t)c;
	}
	return len;
}

/* The next frame of the corpus. */
static inline unsigned xc_frame(struct xc_state *s, uint8_t *buf)
{
	static uint8_t opts[44];
	struct tframe t = { 0 };
	unsigned kind = xc_r(s, 10), len;

	if ((kind == 1 || kind == 8) && s->nsynacks) {
		const struct xc_conn *c = &s->synacks[xc_r(s, s->nsynacks < XC_SEEN ? s->nsynacks : XC_SEEN)];

		t = xc_reply_to(c->frame, c->len, xc_r(s, 4) ? 0x10 : 0x11, xc_r(s, 3) ? 0 : 1 + xc_r(s, 100),
				xc_r(s, 4));
		if (kind == 8) /* a segment of a lost flow: no cookie, but maybe a valid TS echo */
			t.seq += 1000 + xc_r(s, 100000), t.ack += 5000 + xc_r(s, 100000), t.flags = 0x18,
											  t.payload = 10;
	} else if (kind == 2 && s->nflows) {
		static const uint8_t f[] = { 0x10, 0x18, 0x11, 0x14, 0x04, 0x19, 0x12, 0x01 };
		const struct xc_conn *c = &s->flows[xc_r(s, s->nflows < XC_SEEN ? s->nflows : XC_SEEN)];

		t = xc_reply_to(c->frame, c->len, f[xc_r(s, sizeof(f))], xc_r(s, 2) ? 0 : xc_r(s, 300), xc_r(s, 4));
	} else if (kind == 5 && s->last.len) {
		memcpy(buf, s->last.frame, s->last.len);
		return xc_mutate(s, buf, s->last.len);
	} else {
		xc_addr(s, &t);
		t.seq = (uint32_t)cc_rand(&s->seed);
		if (kind == 3) {
			t.flags = xc_r(s, 4) ? 0x10 : (uint8_t)xc_r(s, 256);
			t.ack = (uint32_t)cc_rand(&s->seed);
			t.payload = xc_r(s, 3) ? 0 : xc_r(s, 80);
		} else if (kind == 4) {
			t.proto = xc_r(s, 2) ? 17 : 1;
			t.payload = xc_r(s, 120);
			t.frag = xc_r(s, 6) ? 0 : 0x0100;
		} else {
			t.flags = xc_r(s, 12) ? 0x02 : (uint8_t)(0x02 | xc_r(s, 256));
			if (xc_r(s, 3) == 0)
				t.flags |= 0xc0;
		}
		if (t.proto == 0) {
			t.optlen = xc_options(s, opts);
			t.opts = opts;
		}
		t.res1 = xc_r(s, 10) ? 0 : (uint8_t)xc_r(s, 16);
		t.ip_ecn = (uint8_t)xc_r(s, 4);
		t.ip_opts = !t.v6 && xc_r(s, 8) == 0 ? 4 * (1 + xc_r(s, 10)) : 0;
	}
	if (!t.vlan && xc_r(s, 6) == 0)
		t.vlan = (int)(1 + xc_r(s, 4000));
	if (xc_r(s, 40) == 0)
		t.dst_mac = T_HOST_MAC; /* not ours */
	len = t_build(buf, &t);
	if (t.v6 && xc_r(s, 5) == 0)
		len = xc_v6_ext(s, buf, len, t.vlan ? 18 : 14);
	if (xc_r(s, 8) == 0)
		xc_unfinish(buf, len);
	if (xc_r(s, 12) == 0)
		len = xc_mutate(s, buf, len);
	return len;
}

/* Remembers what the corpus can build on: SYN-ACKs sent, segments forwarded; and the last frame, for mutations. */
static inline void xc_learn(struct xc_state *s, const uint8_t *in, unsigned len, const struct xh_out *out)
{
	if (len <= sizeof(s->last.frame)) {
		memcpy(s->last.frame, in, len);
		s->last.len = len;
	}
	if (out->act == DP_ACT_REPLY && out->len <= sizeof(s->synacks[0].frame)) {
		struct xc_conn *c = &s->synacks[s->nsynacks++ % XC_SEEN];

		memcpy(c->frame, out->frame, out->len);
		c->len = out->len;
	} else if (out->act == DP_ACT_FORWARD && len <= sizeof(s->flows[0].frame) && len > 54 &&
		   ((in[12] == 0x08 && in[23] == 6) || (in[12] == 0x86 && in[20] == 6))) {
		struct xc_conn *c = &s->flows[s->nflows++ % XC_SEEN];

		memcpy(c->frame, in, len);
		c->len = len;
	}
}

#endif /* DP_TEST_XDP_CORPUS_H */
