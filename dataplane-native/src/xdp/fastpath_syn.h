/* fastpath_syn.h: the XDP program's SYN: the cookie SYN-ACK built in place and sent back (verdict.c's syn()). Part
 * of fastpath.bpf.c (uses its maps, struct xctx and helpers). */
#ifndef DP_XDP_FASTPATH_SYN_H
#define DP_XDP_FASTPATH_SYN_H

/* A SYN-ACK being built: per-CPU scratch memory, as the BPF stack (512 bytes for the whole call chain) is short. */
struct xsyn {
	struct dp_synack_in in;
	uint32_t ipw[10], th[10];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, uint32_t);
	__type(value, struct xsyn);
} dp_xdp_scratch SEC(".maps");

/* Stores n words (n <= 10) at p, each access checked for the verifier. 0, or -1 when the frame is short. */
static __always_inline int put_words(uint8_t *p, const void *end, const uint32_t *w, uint32_t n)
{
#pragma unroll
	for (uint32_t i = 0; i < 10; i++) {
		if (i < n) {
			if (p + 4 * i + 4 > (const uint8_t *)end)
				return -1;
			__builtin_memcpy(p + 4 * i, &w[i], 4);
		}
	}
	return 0;
}

/* Resizes the frame to len and writes the reply's Ethernet, IP and TCP headers (VLAN tags stay as they are).
 * 0; 1 when the frame cannot grow (it is unchanged); -1 when a store fails after the resize (cannot happen). */
static __noinline int write_synack(struct xctx *c, struct xsyn *s, uint32_t len)
{
	const struct dp_synack_in *in = &s->in;
	uint32_t *ipw = s->ipw, *th = s->th, iphl = c->x.family == 4 ? 20 : 40, nip = iphl / 4;
	uint32_t thl = dp_synack_tcp_len(in->ts, in->ws), l3_off = c->x.l3_off & 0x1f;
	uint8_t client_mac[6], *d, *end;
	int delta = (int)len - (int)c->x.len;

	if (c->x.family == 4)
		dp_synack_layout4(in, ipw, th);
	else
		dp_synack_layout6(in, ipw, th);
	/* from md: the global functions the cookie took may have written over the packet pointers in c->x */
	d = (void *)(long)c->md->data;
	if (d + 12 > (uint8_t *)(long)c->md->data_end)
		return -1;
	__builtin_memcpy(client_mac, d + 6, 6); /* the SYN's source */
	if (delta && bpf_xdp_adjust_tail(c->md, delta))
		return 1;
	d = (void *)(long)c->md->data;
	end = (void *)(long)c->md->data_end;
	if (d + 12 > end)
		return -1;
	__builtin_memcpy(d, client_mac, 6);
	__builtin_memcpy(d + 6, c->cfg->ours[c->x.mac_idx & (DP_XDP_MAX_MACS - 1)].mac, 6);
	if (put_words(d + l3_off, end, ipw, nip) || put_words(d + l3_off + iphl, end, th, thl / 4))
		return -1;
	return 0;
}

static __noinline int syn(struct xctx *c)
{
	const struct dp_xdp_host *h = c->h;
	struct xtcp *t = &c->t;
	uint32_t zero = 0;
	struct xsyn *s = bpf_map_lookup_elem(&dp_xdp_scratch, &zero);
	struct dp_synack_in *in;
	uint32_t lo, hi, options = 0, idx, mss, len;
	bool ts, ecn_setup;
	int r;

	if (!s)
		return to_userspace(c->md);
	parse_tcp_options(c->md, &c->x, t);
	/* We cannot sign a SYN-ACK: an MD5 SYN is the server's to answer (md5: pass), or dropped as a server without
	 * the key would drop it. */
	if (t->md5) {
		if (h->flags & DP_XDP_HOST_MD5_PASS)
			return forward(c);
		return drop(c, DP_C_DROP_MD5);
	}
	if (!(h->flags & DP_XDP_HOST_ANSWERABLE)) {
		if (h->flags & DP_XDP_HOST_NOSECRET_PASS)
			return forward(c);
		return drop(c, DP_C_DROP_NO_SECRETS);
	}
	in = &s->in;
	*in = (struct dp_synack_in){ 0 };
	ecn_setup = (t->flags & (TCPF_ECE | TCPF_CWR)) == (TCPF_ECE | TCPF_CWR);
	ts = (h->flags & DP_XDP_HOST_TS_USABLE) &&
	     dp_cookie_syn_options(&h->sys, t->saw_ts, t->ws == 0xff ? -1 : t->ws, t->sack_ok, ecn_setup,
				   c->x.ip_ecn != 0, t->res1 != 0, &options);
	dp_clock_count(&h->clk, c->now_ns, &lo, &hi);
	if (c->x.family == 4) {
		mss = t->mss ? t->mss : DP_TCP_MSS_DEFAULT;
		idx = dp_mss_index(dp_msstab4, (uint16_t)mss);
	} else {
		mss = t->mss ? t->mss : DP_TCP6_MSS_DEFAULT;
		idx = dp_mss_index(dp_msstab6, (uint16_t)mss);
	}
	in->isn = dp_xdp_cookie_make((const struct xkeys *)h->cur, &c->x, t, lo, idx);
	if (ts) {
		in->ts = true;
		in->tsval = dp_cookie_tsval(dp_clock_ts_ms(&h->clk, c->now_ns), options, tsoff(c));
		in->tsecr = t->tsval;
		in->sack = (options & DP_TS_OPT_SACK) != 0;
		in->ws = (options & DP_TS_OPT_WSCALE_MASK) != DP_TS_OPT_WSCALE_MASK;
		in->ecn = (options & DP_TS_OPT_ECN) != 0;
	}
	__builtin_memcpy(in->client, c->x.saddr, 16);
	__builtin_memcpy(in->server, c->x.daddr, 16);
	in->client_port = t->sport;
	in->server_port = t->dport;
	in->client_seq = t->seq;
	/* the SYN's listener's window and scale, else the host's; the window with or without TS (dp_host_synack_ws) */
	in->window = ts ? h->window_ts : h->window;
	in->wscale = h->wscale;
	for (unsigned i = 0; i < DP_XDP_PORT_WS; i++) {
		if (i >= h->n_port_ws)
			break;
		if (h->port_ws[i].port == t->dport) {
			in->window = ts ? h->port_ws[i].window_ts : h->port_ws[i].window;
			in->wscale = h->port_ws[i].wscale;
			break;
		}
	}
	in->mss = h->mss;
	in->ttl = h->ttl;
	len = c->x.l3_off + (c->x.family == 4 ? 20 : 40) + dp_synack_tcp_len(in->ts, in->ws);
	r = write_synack(c, s, len);
	if (r > 0) /* no room to grow the frame here: userspace has it (its frames always have room) */
		return to_userspace(c->md);
	if (r < 0)
		return XDP_ABORTED;
	count(c, DP_C_SYN);
	return XDP_TX;
}

#endif /* DP_XDP_FASTPATH_SYN_H */
