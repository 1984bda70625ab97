/* fastpath_ack.h: the XDP program's segments without SYN: known flows, cookie ACKs, TS re-validation and the pickup
 * window (verdict.c's tcp() after the SYN branch, known(), unknown_ack(), ack_checked()). Part of fastpath.bpf.c. */
#ifndef DP_XDP_FASTPATH_ACK_H
#define DP_XDP_FASTPATH_ACK_H

static __always_inline void flow_key(const struct xctx *c, struct dp_xdp_flow_key *k)
{
	__builtin_memcpy(k->caddr, c->x.saddr, 16); /* IPv4: words 1..3 are zero */
	__builtin_memcpy(k->saddr, c->x.daddr, 16);
	k->cport = c->t.sport;
	k->sport = c->t.dport;
}

/* A new flow: FIN makes it Closing at once. Counts created (or picked up) or the table being full. */
static __always_inline void flow_insert(struct xctx *c, const struct dp_xdp_flow_key *k, uint32_t created)
{
	struct dp_xdp_flow f = {
		.last_s = (uint32_t)(c->now_ns / 1000000000),
		.state = (c->t.flags & TCPF_FIN) ? DP_XDP_FLOW_CLOSING : DP_XDP_FLOW_ESTABLISHED,
		.family = c->x.family,
	};

	if (bpf_map_update_elem(&dp_xdp_flows, k, &f, BPF_ANY) == 0)
		count(c, created);
	else
		count(c, DP_C_FLOW_TABLE_FULL); /* still forwarded, as in userspace */
}

/* Pickup window: an unknown-flow ACK without a cookie is adopted while the host's window is open. */
static __always_inline bool picked_up(struct xctx *c, const struct dp_xdp_flow_key *k)
{
	if (c->now_ns >= c->h->pickup_until_ns)
		return false;
	flow_insert(c, k, DP_C_FLOW_PICKED_UP);
	return true;
}

/* A segment of a flow we lost, whose TS echo is a recent TSval of the server (hostclock.h). */
static __always_inline bool ts_revalidates(struct xctx *c)
{
	const struct dp_xdp_host *h = c->h;

	if (h->tsoff_rule == DP_TSOFF_NONE || h->sys.tcp_timestamps != 1 || !(h->flags & DP_XDP_HOST_TS_USABLE))
		return false;
	parse_tcp_options(c->md, &c->x, &c->t);
	if (!c->t.saw_ts)
		return false;
	return dp_clock_ts_recent(&h->clk, c->now_ns, c->t.tsecr - tsoff(c));
}

static __always_inline int cookie_check(const struct xctx *c, const dp_siphash_key_t key[2], uint32_t count)
{
	return dp_xdp_cookie_check((const struct xkeys *)key, &c->x, &c->t, count);
}

/* An ACK of a flow we do not know: valid only with a cookie the server will accept. */
static __always_inline int unknown_ack(struct xctx *c, const struct dp_xdp_flow_key *k)
{
	const struct dp_xdp_host *h = c->h;
	struct dp_ts_decoded dec;
	uint32_t lo, hi, tsecr;
	int idx;

	if (!(h->flags & DP_XDP_HOST_ANSWERABLE)) {
		if ((h->flags & DP_XDP_HOST_NOSECRET_PASS) || picked_up(c, k))
			return forward(c);
		return drop(c, DP_C_DROP_NO_SECRETS);
	}
	dp_clock_count(&h->clk, c->now_ns, &lo, &hi);
	idx = cookie_check(c, h->cur, hi);
	if (idx < 0 && lo != hi)
		idx = cookie_check(c, h->cur, lo);
	if (idx < 0 && (h->flags & DP_XDP_HOST_PREV_VALID))
		idx = cookie_check(c, h->prev, hi);
	if (idx < 0) {
		if (ts_revalidates(c)) {
			count(c, DP_C_TS_REVALIDATED);
			return forward(c);
		}
		if (picked_up(c, k))
			return forward(c);
		return drop(c, DP_C_DROP_BAD_COOKIE);
	}
	/* cookie_v4_check(): tsoff comes off the echo only when TS was seen with a non-zero echo. */
	parse_tcp_options(c->md, &c->x, &c->t);
	tsecr = c->t.tsecr;
	if (c->t.saw_ts && tsecr)
		tsecr -= tsoff(c);
	if (!dp_cookie_timestamp_decode(&h->sys, c->t.saw_ts, tsecr, &dec))
		return drop(c, DP_C_DROP_BAD_TS);
	flow_insert(c, k, DP_C_FLOW_NEW);
	return forward(c);
}

static __noinline int segment(struct xctx *c)
{
	uint32_t now_s = (uint32_t)(c->now_ns / 1000000000), idle;
	struct dp_xdp_flow_key k = { 0 };
	struct dp_xdp_flow *f;

	flow_key(c, &k);
	f = bpf_map_lookup_elem(&dp_xdp_flows, &k);
	if (f) {
		idle = now_s - f->last_s;
		if (idle < (f->state == DP_XDP_FLOW_CLOSING ? c->cfg->closing_timeout_s : c->cfg->est_timeout_s)) {
			f->last_s = now_s;
			if (c->t.flags & (TCPF_FIN | TCPF_RST))
				f->state = DP_XDP_FLOW_CLOSING;
			return forward(c);
		}
		bpf_map_delete_elem(&dp_xdp_flows, &k);
		count(c, DP_C_FLOW_EXPIRED);
	}
	/* Unknown flow. An md5: pass host's MD5 segments carry the server's signature, which only it can check. */
	if (c->h->flags & DP_XDP_HOST_MD5_PASS) {
		parse_tcp_options(c->md, &c->x, &c->t);
		if (c->t.md5)
			return forward(c);
	}
	/* RST, and FIN or data without ACK: dropped, as the userspace core does. */
	if ((c->t.flags & (TCPF_RST | TCPF_ACK)) != TCPF_ACK)
		return drop(c, DP_C_DROP_BAD_STATE);
	return unknown_ack(c, &k);
}

#endif /* DP_XDP_FASTPATH_ACK_H */
