/* verdict.c: one verdict per frame (MAC, parse, host, filters, SYN -> SYN-ACK, cookie ACK, flows) and the burst loop. */
#include <string.h>

#include "core_int.h"
#include "csum.h"
#include "parse.h"
#include "synack.h"

/* Struct copies in 8-byte words: gcc turns small struct assignments into `rep movs`, slow to start. */
static inline void copy_words(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	for (; n >= 8; n -= 8, d += 8, s += 8) {
		uint64_t v;
		memcpy(&v, s, 8);
		memcpy(d, &v, 8);
	}
	if (n)
		memcpy(d, s, n);
}

/* Built with 8-byte stores so that the 8-byte loads of the hash and the compare forward from them. */
static inline void flow_key(struct dp_flow_key *k, const struct dp_l3 *l3, const struct dp_tcp *t)
{
	uint64_t c[2], s[2];
	uint32_t ports = (uint32_t)t->sport | (uint32_t)t->dport << 16;

	if (l3->family == 4) {
		c[0] = dp_ld32(l3->saddr);
		s[0] = dp_ld32(l3->daddr);
		c[1] = s[1] = 0;
	} else {
		memcpy(c, l3->saddr, 16);
		memcpy(s, l3->daddr, 16);
	}
	memcpy(k->caddr, c, 16);
	memcpy(k->saddr, s, 16);
	memcpy(&k->cport, &ports, 4);
}

/* Completes an offloaded (CHECKSUM_PARTIAL) L4 checksum as skb_checksum_help() does. */
static inline void csum_complete(struct dp_pkt *p, const struct dp_l3 *l3, uint64_t *cnt)
{
	uint32_t end = l3->l3_off + l3->l3_len;
	uint32_t at = (uint32_t)p->csum_start + p->csum_offset;
	uint16_t c;

	p->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
	if (p->csum_start < l3->l4_off || at + 2 > end)
		return; /* nonsense offsets: leave the frame as the sender made it */
	c = dp_csum_finish(dp_csum_add(0, p->data + p->csum_start, end - p->csum_start));
	if (c == 0)
		c = 0xffff; /* CSUM_MANGLED_0: a UDP checksum of 0 means "none" */
	memcpy(p->data + at, &c, 2);
	cnt[DP_C_CSUM_FIXED]++;
}

static inline enum dp_action forward(struct dp_pkt *p, const struct dp_l3 *l3, const struct dp_host *h,
				     const uint8_t *our_mac, uint64_t *cnt)
{
	uint8_t mac[6];

	memcpy(mac, our_mac, 6);
	memcpy(p->data, h->cfg.mac, 6);
	memcpy(p->data + 6, mac, 6);
	if (DP_UNLIKELY(p->flags & DP_PKT_CSUM_PARTIAL))
		csum_complete(p, l3, cnt);
	return DP_ACT_FORWARD;
}

/* tsoff of the connection (local = the protected server, remote = the client). */
static inline uint32_t tsoff(const struct dp_host *h, const struct dp_l3 *l3, const struct dp_tcp *t)
{
	if (h->cfg.ts_mode == DP_TS_ZERO || h->sys.tcp_timestamps == 2)
		return 0;
	if (l3->family == 4)
		return dp_tsoff_v4((enum dp_tsoff_rule)h->cfg.ts_mode, &h->ts_key, dp_ld32(l3->daddr),
				   dp_ld32(l3->saddr), t->dport, t->sport);
	return dp_tsoff_v6((enum dp_tsoff_rule)h->cfg.ts_mode, &h->ts_key, l3->daddr, l3->saddr, t->dport, t->sport);
}

static inline uint32_t cookie_make(const struct dp_host *h, const struct dp_l3 *l3, const struct dp_tcp *t,
				   uint32_t count, uint32_t idx)
{
	if (l3->family == 4)
		return dp_cookie_v4_make(&h->cs_cur, dp_ld32(l3->saddr), dp_ld32(l3->daddr), t->sport, t->dport, t->seq,
					 count, idx);
	return dp_cookie_v6_make(&h->cs_cur, l3->saddr, l3->daddr, t->sport, t->dport, t->seq, count, idx);
}

static inline int cookie_check(const struct dp_cookie_secret *s, const struct dp_l3 *l3, const struct dp_tcp *t,
			       uint32_t count)
{
	if (l3->family == 4)
		return dp_cookie_v4_check(s, dp_ld32(l3->saddr), dp_ld32(l3->daddr), t->sport, t->dport, t->seq - 1,
					  t->ack - 1, count);
	return dp_cookie_v6_check(s, l3->saddr, l3->daddr, t->sport, t->dport, t->seq - 1, t->ack - 1, count);
}

/* dp_host_count() and dp_host_ts_ms() at now_ns, from the burst's memo when h was seen earlier in the burst. */
static inline void host_clock(struct dp_worker *w, const struct dp_host *h, uint64_t now_ns, uint32_t *lo,
			      uint32_t *hi, uint64_t *ts_ms)
{
	if (DP_LIKELY(w->clk_host == h && w->cur_actions && now_ns == w->cur_now)) {
		*lo = w->clk_lo;
		*hi = w->clk_hi;
		*ts_ms = w->clk_ts_ms;
		return;
	}
	dp_host_count(h, now_ns, lo, hi);
	*ts_ms = dp_host_ts_ms(h, now_ns);
	if (w->cur_actions && now_ns == w->cur_now) { /* inside dp_worker_burst(), which clears it at both ends */
		w->clk_host = h;
		w->clk_lo = *lo;
		w->clk_hi = *hi;
		w->clk_ts_ms = *ts_ms;
	}
}

/*
 * Whether the SYN-ACK carries TS and which options it encodes: a pure function of the host and six bits of the SYN.
 * A flood's SYNs share them, so the burst keeps the last answer per host (cleared by dp_worker_burst at both ends).
 */
static inline bool syn_options(struct dp_worker *w, const struct dp_host *h, const struct dp_l3 *l3,
			       const struct dp_tcp *t, uint32_t *options)
{
	bool ecn_setup = (t->flags & (DP_TCP_ECE | DP_TCP_CWR)) == (DP_TCP_ECE | DP_TCP_CWR);
	uint32_t key = 1u << 31 | (uint32_t)t->ws << 8 | (uint32_t)(t->res1 != 0) << 4 | (uint32_t)(l3->ip_ecn != 0) << 3 |
		       (uint32_t)ecn_setup << 2 | (uint32_t)(t->sack_ok != 0) << 1 | (uint32_t)(t->saw_ts != 0);
	bool ts;

	if (DP_LIKELY(w->opt_host == h && w->opt_key == key)) {
		*options = w->opt_options;
		return w->opt_ts;
	}
	ts = h->ts_usable && dp_cookie_syn_options(&h->sys, t->saw_ts, t->ws == 0xff ? -1 : t->ws, t->sack_ok,
						   ecn_setup, l3->ip_ecn != 0, t->res1 != 0, options);
	if (w->cur_actions) { /* inside dp_worker_burst() */
		w->opt_host = h;
		w->opt_key = key;
		w->opt_ts = ts;
		w->opt_options = *options;
	}
	return ts;
}

/* Module-free listener refresh (issue 4): true when this SYN should go to the server itself. */
static bool syn_refresh_due(struct dp_worker *w, const struct dp_host *h, const struct dp_tcp *t, uint64_t now_ns)
{
	uint64_t now_ms = now_ns / 1000000, key = h->refresh_key | t->dport | 1ULL << 63;
	struct dp_refresh_slot *s = &w->refresh[(key ^ key >> 29) & (DP_REFRESH_SLOTS - 1)];

	if (s->key == key && now_ms - s->last_ms < h->cfg.syn_refresh_ms)
		return false;
	if (now_ns / 1000000000 != w->refresh_window_s) {
		w->refresh_window_s = now_ns / 1000000000;
		w->refresh_in_window = 0;
	}
	/* A flood to random ports must not turn into a flood of the server: bounded passes per second. */
	if (w->refresh_in_window >= DP_REFRESH_MAX_PER_S)
		return false;
	w->refresh_in_window++;
	s->key = key;
	s->last_ms = now_ms;
	return true;
}

static enum dp_action syn(struct dp_worker *w, struct dp_pkt *p, const struct dp_l3 *l3, struct dp_tcp *t,
			  const struct dp_host *h, const uint8_t *our_mac, uint64_t now_ns, uint64_t *cnt,
			  enum dp_counter *why)
{
	uint32_t lo, hi, isn, options = 0, tsval = 0, idx;
	uint64_t ts_ms;
	uint16_t mss;
	bool ts, sack, ws, ecn, batch, lane_tsoff;

	if (DP_UNLIKELY(!h->answerable)) {
		if (h->cfg.flags & DP_HOST_NOSECRET_PASS) {
			*why = DP_C_FORWARDED;
			return forward(p, l3, h, our_mac, cnt);
		}
		*why = DP_C_DROP_NO_SECRETS;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(h->cfg.syn_refresh_ms) && syn_refresh_due(w, h, t, now_ns)) {
		*why = DP_C_SYN_REFRESH;
		cnt[DP_C_FORWARDED]++;
		return forward(p, l3, h, our_mac, cnt);
	}
	dp_parse_tcp_options(p->data, l3, t);
	mss = t->mss ? t->mss : (l3->family == 4 ? DP_TCP_MSS_DEFAULT : DP_TCP6_MSS_DEFAULT);
	ts = syn_options(w, h, l3, t, &options);
	host_clock(w, h, now_ns, &lo, &hi, &ts_ms);
	idx = dp_mss_index(l3->family == 4 ? dp_msstab4 : dp_msstab6, mss);
	batch = l3->family == 4 && h->cs_cur.alg == DP_COOKIE_SIPHASH && w->npend < DP_BURST;
	/* The 2026-rule tsoff (another SipHash) of batched SYNs is computed in lanes too, at the flush. */
	lane_tsoff = batch && ts && h->cfg.ts_mode == DP_TS_2026 && h->sys.tcp_timestamps != 2;
	if (ts)
		tsval = dp_cookie_tsval(ts_ms, options, lane_tsoff ? 0 : tsoff(h, l3, t));
	sack = ts && (options & DP_TS_OPT_SACK);
	ws = ts && (options & DP_TS_OPT_WSCALE_MASK) != DP_TS_OPT_WSCALE_MASK;
	ecn = ts && (options & DP_TS_OPT_ECN);
	if ((uint32_t)l3->l3_off + (l3->family == 4 ? 20 : 40) + 24 + (ts ? 12 + (ws ? 4 : 0) : 0) > p->cap) {
		*why = DP_C_DROP_NO_ROOM;
		return DP_ACT_DROP;
	}
	/* IPv4 SipHash cookies wait for the end of the burst, where they are computed in SIMD lanes. */
	if (batch) {
		struct dp_cookie_v4_req *r = &w->pend_req[w->npend];
		struct dp_syn_pending *sp = &w->pend[w->npend++];

		sp->p = p;
		sp->l3 = *l3;
		sp->t = *t;
		sp->h = h;
		sp->mac = our_mac;
		sp->count = lo;
		sp->tsval = tsval;
		sp->flags = (uint8_t)((ts ? 1 : 0) | (sack ? 2 : 0) | (ws ? 4 : 0) | (ecn ? 8 : 0) | (lane_tsoff ? 16 : 0));
		*r = (struct dp_cookie_v4_req){ .saddr = dp_ld32(l3->saddr), .daddr = dp_ld32(l3->daddr), .sport = t->sport,
						.dport = t->dport, .client_seq = t->seq, .mss_index = idx };
	} else {
		isn = cookie_make(h, l3, t, lo, idx);
		dp_synack_build(p, l3, t, h, our_mac, isn, ts, tsval, sack, ws, ecn);
	}
	*why = DP_C_SYN;
	return DP_ACT_REPLY;
}

void dp_verdict_flush(struct dp_worker *w)
{
	uint32_t isn[DP_BURST], tsoff[DP_BURST];
	unsigned i = 0, j, k;

	/* Runs of the same host and count share one secret: one lane-parallel call per run (a flood is one run). */
	while (i < w->npend) {
		const struct dp_syn_pending *a = &w->pend[i];

		for (j = i; j < w->npend && w->pend[j].h == a->h && w->pend[j].count == a->count; j++)
			;
		dp_cookie_v4_make_burst(&a->h->cs_cur, a->count, &w->pend_req[i], isn, j - i);
		if (a->h->cfg.ts_mode == DP_TS_2026 && a->h->sys.tcp_timestamps == 1)
			dp_tsoff_v4_2026_burst(&a->h->ts_key, &w->pend_req[i], tsoff, j - i);
		for (k = i; k < j; k++) {
			const struct dp_syn_pending *sp = &w->pend[k];
			uint32_t tsval = sp->tsval + ((sp->flags & 16) ? tsoff[k - i] : 0);

			dp_synack_build(sp->p, &sp->l3, &sp->t, sp->h, sp->mac, isn[k - i], sp->flags & 1, tsval,
					sp->flags & 2, sp->flags & 4, sp->flags & 8);
		}
		i = j;
	}
	w->npend = 0;
}

/* A segment of a known flow: forwarded; FIN or RST moves it to Closing. */
static inline enum dp_action known(struct dp_worker *w, int64_t i, struct dp_pkt *p, const struct dp_l3 *l3,
				   const struct dp_tcp *t, const struct dp_host *h, const uint8_t *our_mac,
				   uint32_t now_s, uint64_t *cnt, enum dp_counter *why)
{
	struct dp_flow *f = &w->ft.flows[i];

	f->last_s = now_s;
	if (t->flags & (DP_TCP_FIN | DP_TCP_RST))
		f->state = DP_FLOW_CLOSING;
	*why = DP_C_FORWARDED;
	return forward(p, l3, h, our_mac, cnt);
}

/*
 * A segment of a connection we lost (worker restart, table full) carries no cookie any more, but with
 * tcp_timestamps=1 its TS echo is a recent TSval of the server: the server's ms clock plus the connection's tsoff,
 * a SipHash of the 4-tuple under the server's secret. If echo - tsoff lies within the last DP_TS_REVALIDATE_MS of
 * the server's clock, the segment is let through (no flow is created: every later segment proves itself the same
 * way, so a flood cannot fill the table). A blind attacker passes with probability DP_TS_REVALIDATE_MS / 2^32
 * (7e-5). Hosts with tsoff = 0 (tcp_timestamps=2) are excluded: their clock is visible in our own SYN-ACKs.
 */
#define DP_TS_REVALIDATE_MS 300000u

static bool ts_revalidates(const struct dp_host *h, const struct dp_pkt *p, const struct dp_l3 *l3, struct dp_tcp *t,
			   uint64_t now_ns)
{
	uint32_t server_ts, upper;

	if (h->cfg.ts_mode == DP_TS_ZERO || h->sys.tcp_timestamps != 1 || !h->ts_usable)
		return false;
	dp_parse_tcp_options(p->data, l3, t);
	if (!t->saw_ts)
		return false;
	server_ts = t->tsecr - tsoff(h, l3, t);
	/* dp_host_ts_ms() is the clock minus the error bound; the server may be up to twice that further on */
	upper = (uint32_t)(dp_host_ts_ms(h, now_ns) + 2 * dp_host_err_ms(h, now_ns) + 1000);
	return (uint32_t)(upper - server_ts) < DP_TS_REVALIDATE_MS;
}

/*
 * Pickup window (conntrack's loose pickup, time-bounded): a connection established on the direct path before the
 * diversion has no flow here and its segments carry no cookie. While the host's window is open, such an ACK
 * (ACK+data, ACK+FIN; SYN and RST never get here) is forwarded and its flow recorded, so the connection survives
 * the router switch and keeps passing after the window. Off (pickup_until_ns 0, the default): one compare on the
 * already-failing path.
 */
static inline bool picked_up(struct dp_worker *w, const struct dp_l3 *l3, const struct dp_tcp *t,
			     const struct dp_host *h, const struct dp_flow_key *k, uint32_t hash, uint64_t now_ns,
			     uint64_t *cnt)
{
	if (DP_LIKELY(now_ns >= h->cfg.pickup_until_ns))
		return false;
	if (dp_flow_insert(&w->ft, k, hash, l3->family, (t->flags & DP_TCP_FIN) ? DP_FLOW_CLOSING : DP_FLOW_ESTABLISHED,
			   (uint32_t)(now_ns / 1000000000)) == 0)
		cnt[DP_C_FLOW_PICKED_UP]++;
	else
		cnt[DP_C_FLOW_TABLE_FULL]++; /* still forwarded: the next segment is picked up while the window lasts */
	return true;
}

/* The rest of an unknown-flow ACK once its cookie was checked against the current count (idx, or -1). */
static enum dp_action ack_checked(struct dp_worker *w, struct dp_pkt *p, const struct dp_l3 *l3, struct dp_tcp *t,
				  const struct dp_host *h, const uint8_t *our_mac, const struct dp_flow_key *k,
				  uint32_t hash, uint32_t lo, uint32_t hi, int idx, uint64_t now_ns, uint64_t *cnt,
				  enum dp_counter *why)
{
	struct dp_ts_decoded dec;
	uint32_t tsecr;

	if (idx < 0 && lo != hi)
		idx = cookie_check(&h->cs_cur, l3, t, lo);
	if (idx < 0 && (h->cfg.flags & DP_HOST_PREV_VALID))
		idx = cookie_check(&h->cs_prev, l3, t, hi);
	if (idx < 0) {
		if (ts_revalidates(h, p, l3, t, now_ns)) {
			cnt[DP_C_TS_REVALIDATED]++;
			*why = DP_C_FORWARDED;
			return forward(p, l3, h, our_mac, cnt);
		}
		if (picked_up(w, l3, t, h, k, hash, now_ns, cnt)) {
			*why = DP_C_FORWARDED;
			return forward(p, l3, h, our_mac, cnt);
		}
		*why = DP_C_DROP_BAD_COOKIE;
		return DP_ACT_DROP;
	}
	/* cookie_v4_check(): tsoff comes off the echo only when TS was seen with a non-zero echo. */
	dp_parse_tcp_options(p->data, l3, t);
	tsecr = t->tsecr;
	if (t->saw_ts && tsecr)
		tsecr -= tsoff(h, l3, t);
	if (!dp_cookie_timestamp_decode(&h->sys, t->saw_ts, tsecr, &dec)) {
		*why = DP_C_DROP_BAD_TS;
		return DP_ACT_DROP;
	}
	if (dp_flow_insert(&w->ft, k, hash, l3->family, (t->flags & DP_TCP_FIN) ? DP_FLOW_CLOSING : DP_FLOW_ESTABLISHED,
			   (uint32_t)(now_ns / 1000000000)) == 0)
		cnt[DP_C_FLOW_NEW]++;
	else
		cnt[DP_C_FLOW_TABLE_FULL]++;
	*why = DP_C_FORWARDED;
	return forward(p, l3, h, our_mac, cnt);
}

/* ACK (maybe with data or FIN) of a flow we do not know: valid only with a cookie the server will accept.
 * IPv4 SipHash ACKs wait for the end of the burst (DP_ACT_PENDING), where their cookies are checked in lanes. */
static enum dp_action unknown_ack(struct dp_worker *w, struct dp_pkt *p, const struct dp_l3 *l3, struct dp_tcp *t,
				  const struct dp_host *h, const uint8_t *our_mac, const struct dp_flow_key *k,
				  uint32_t hash, uint64_t now_ns, uint64_t *cnt, enum dp_counter *why)
{
	uint32_t lo, hi;
	uint64_t ts_ms; /* not needed here: computed for the memo */

	if (DP_UNLIKELY(!h->answerable)) {
		if ((h->cfg.flags & DP_HOST_NOSECRET_PASS) || picked_up(w, l3, t, h, k, hash, now_ns, cnt)) {
			*why = DP_C_FORWARDED;
			return forward(p, l3, h, our_mac, cnt);
		}
		*why = DP_C_DROP_NO_SECRETS;
		return DP_ACT_DROP;
	}
	host_clock(w, h, now_ns, &lo, &hi, &ts_ms);
	if (l3->family == 4 && h->cs_cur.alg == DP_COOKIE_SIPHASH && w->nack < DP_BURST && w->cur_actions) {
		struct dp_ack_pending *ap = &w->acks[w->nack++];

		ap->p = p;
		copy_words(&ap->l3, l3, sizeof(*l3));
		copy_words(&ap->t, t, sizeof(*t));
		ap->h = h;
		ap->mac = our_mac;
		ap->hash = hash; /* the key is rebuilt at the flush: cheaper than keeping a copy */
		ap->lo = lo;
		ap->hi = hi;
		ap->pos = w->cur_index;
		w->ack_req[w->nack - 1] = (struct dp_cookie_v4_ack){ .saddr = dp_ld32(l3->saddr),
								     .daddr = dp_ld32(l3->daddr), .sport = t->sport,
								     .dport = t->dport, .sseq = t->seq - 1,
								     .cookie = t->ack - 1 };
		*why = DP_C_MAX;
		return DP_ACT_PENDING;
	}
	return ack_checked(w, p, l3, t, h, our_mac, k, hash, lo, hi, cookie_check(&h->cs_cur, l3, t, hi), now_ns, cnt,
			   why);
}

void dp_verdict_flush_acks(struct dp_worker *w)
{
	uint32_t now_s = (uint32_t)(w->cur_now / 1000000000);
	uint64_t *cnt = w->cur_cnt;
	int idx[DP_BURST];
	unsigned i = 0, j, k;

	while (i < w->nack) {
		const struct dp_ack_pending *a = &w->acks[i];

		for (j = i; j < w->nack && w->acks[j].h == a->h && w->acks[j].hi == a->hi; j++)
			;
		dp_cookie_v4_check_burst(&a->h->cs_cur, a->hi, &w->ack_req[i], idx, j - i);
		for (k = i; k < j; k++) {
			struct dp_ack_pending *ap = &w->acks[k];
			struct dp_flow_key fk;
			enum dp_counter why;
			enum dp_action act;
			int64_t f;

			/* In packet order, as if one at a time: an earlier segment of this flush may have made the flow. */
			flow_key(&fk, &ap->l3, &ap->t);
			f = dp_flow_lookup(&w->ft, &fk, ap->hash, now_s, &cnt[DP_C_FLOW_EXPIRED]);

			if (f >= 0)
				act = known(w, f, ap->p, &ap->l3, &ap->t, ap->h, ap->mac, now_s, cnt, &why);
			else
				act = ack_checked(w, ap->p, &ap->l3, &ap->t, ap->h, ap->mac, &fk, ap->hash, ap->lo, ap->hi,
						  idx[k - i], w->cur_now, cnt, &why);
			w->cur_actions[ap->pos] = (uint8_t)act;
			cnt[why]++;
			if (act == DP_ACT_DROP)
				cnt[DP_C_DROP]++;
			w->last_reason = why;
		}
		i = j;
	}
	w->nack = 0;
}

static enum dp_action tcp(struct dp_worker *w, struct dp_pkt *p, const struct dp_l3 *l3, const struct dp_host *h,
			  const uint8_t *our_mac, uint64_t now_ns, uint64_t *cnt, enum dp_counter *why)
{
	struct dp_flow_key k;
	struct dp_tcp t;
	uint32_t hash, now_s;
	int64_t i;
	enum dp_counter r;

	r = dp_parse_tcp(p->data, l3, &t);
	if (DP_UNLIKELY(r)) {
		*why = r;
		return DP_ACT_DROP;
	}
	if (t.flags & DP_TCP_SYN) {
		/* tcp_rcv_state_process(LISTEN): SYN+ACK gets a RST, SYN+RST and SYN+FIN are discarded. */
		if (t.flags & DP_TCP_ACK) {
			*why = DP_C_DROP_BAD_STATE;
			return DP_ACT_DROP;
		}
		if (t.flags & (DP_TCP_RST | DP_TCP_FIN)) {
			*why = DP_C_DROP_BAD_TCP;
			return DP_ACT_DROP;
		}
		return syn(w, p, l3, &t, h, our_mac, now_ns, cnt, why);
	}
	flow_key(&k, l3, &t);
	hash = dp_flow_hash(&w->ft, &k);
	now_s = (uint32_t)(now_ns / 1000000000);
	i = dp_flow_lookup(&w->ft, &k, hash, now_s, &cnt[DP_C_FLOW_EXPIRED]);
	if (i >= 0)
		return known(w, i, p, l3, &t, h, our_mac, now_s, cnt, why);
	/* Unknown flow. RST: dropped as the original does (the server has no socket for it either, or the flow
	 * outlived our table and the client's RST is retransmitted into a known flow after its next ACK). */
	if ((t.flags & (DP_TCP_RST | DP_TCP_ACK)) != DP_TCP_ACK) {
		if (w->nack) { /* a pending ACK of this burst may be about to create the flow: settle them first */
			dp_verdict_flush_acks(w);
			i = dp_flow_lookup(&w->ft, &k, hash, now_s, &cnt[DP_C_FLOW_EXPIRED]);
			if (i >= 0)
				return known(w, i, p, l3, &t, h, our_mac, now_s, cnt, why);
		}
		*why = DP_C_DROP_BAD_STATE;
		return DP_ACT_DROP;
	}
	return unknown_ack(w, p, l3, &t, h, our_mac, &k, hash, now_ns, cnt, why);
}

static inline const uint8_t *our_mac(const struct dp_config *cfg, const uint8_t *dst)
{
	uint32_t d4 = dp_ld32(dst);
	uint16_t d2 = dp_ld16(dst + 4);
	unsigned i;

	for (i = 0; i < cfg->n_macs; i++)
		if (dp_ld32(cfg->macs[i]) == d4 && dp_ld16(cfg->macs[i] + 4) == d2)
			return cfg->macs[i];
	return NULL;
}

void dp_verdict_prefetch(struct dp_worker *w, const struct dp_pkt *p)
{
	const uint8_t *f = p->data;
	struct dp_flow_key k;
	struct dp_l3 l3;
	struct dp_tcp t;
	uint32_t i;

	/* Only the common layouts, cheaply: plain IPv4/IPv6 (one VLAN tag at most) TCP without SYN. */
	if (p->len < 54 || p->len > p->cap)
		return;
	l3.l3_off = f[12] == 0x81 && f[13] == 0 ? 18 : 14;
	if ((uint32_t)l3.l3_off + 40 + 20 > p->len)
		return;
	if (dp_be16(f + l3.l3_off - 2) == DP_ETH_P_IP && f[l3.l3_off] == 0x45 && f[l3.l3_off + 9] == DP_IPPROTO_TCP) {
		l3.family = 4;
		l3.saddr = f + l3.l3_off + 12;
		l3.daddr = f + l3.l3_off + 16;
		l3.l4_off = (uint16_t)(l3.l3_off + 20);
	} else if (dp_be16(f + l3.l3_off - 2) == DP_ETH_P_IPV6 && f[l3.l3_off + 6] == DP_IPPROTO_TCP) {
		l3.family = 6;
		l3.saddr = f + l3.l3_off + 8;
		l3.daddr = f + l3.l3_off + 24;
		l3.l4_off = (uint16_t)(l3.l3_off + 40);
	} else {
		return;
	}
	if ((uint32_t)l3.l4_off + 20 > p->len || (f[l3.l4_off + 13] & DP_TCP_SYN))
		return;
	memcpy(&t.sport, f + l3.l4_off, 4); /* both ports in one store, as dp_parse_tcp() */
	flow_key(&k, &l3, &t);
	i = dp_flow_hash(&w->ft, &k) & w->ft.mask;
	__builtin_prefetch(&w->ft.tags[i]);
	/* A 44-byte flow straddles two cache lines more often than not: fetch both, or key_eq() waits for the second. */
	__builtin_prefetch(&w->ft.flows[i]);
	__builtin_prefetch((const uint8_t *)&w->ft.flows[i] + sizeof(w->ft.flows[i]) - 1);
}

static enum dp_action verdict(struct dp_worker *w, const struct dp_config *cfg, struct dp_pkt *p, uint64_t now_ns,
			      uint64_t *cnt, enum dp_counter *why)
{
	const struct dp_host *h;
	const uint8_t *mac;
	struct dp_l3 l3;
	enum dp_counter r;

	if (DP_UNLIKELY(p->len < DP_ETH_HLEN || p->len > p->cap)) {
		*why = DP_C_DROP_BAD_ETHER;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(!cfg)) {
		*why = DP_C_DROP_UNKNOWN_HOST;
		return DP_ACT_DROP;
	}
	mac = our_mac(cfg, p->data);
	if (DP_UNLIKELY(!mac)) {
		*why = DP_C_DROP_MAC;
		return DP_ACT_DROP;
	}
	r = dp_parse_l3(p->data, p->len, &l3);
	if (DP_UNLIKELY(r)) {
		*why = r;
		return DP_ACT_DROP;
	}
	h = w->last_host;
	if (DP_UNLIKELY(!h || !dp_host_is(h, l3.family, l3.daddr))) {
		h = dp_host_lookup(cfg, l3.family, l3.daddr);
		if (DP_UNLIKELY(!h)) {
			*why = DP_C_DROP_UNKNOWN_HOST;
			return DP_ACT_DROP;
		}
		if (w->cur_actions) /* inside dp_worker_burst(), which clears it when the burst ends */
			w->last_host = h;
	}
	if (h->cfg.filter && dp_filter_run(h->cfg.filter, p->data + l3.l3_off, l3.l3_len) == DP_FILTER_DROP) {
		*why = DP_C_DROP_FILTERED;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(h->cfg.flags & DP_HOST_PASSTHROUGH) || l3.proto != DP_IPPROTO_TCP) {
		*why = DP_C_FORWARDED;
		return forward(p, &l3, h, mac, cnt);
	}
	/* A TCP fragment cannot be a handshake segment, and a later fragment has no TCP header to check. */
	if (DP_UNLIKELY(l3.frag != DP_FRAG_NONE)) {
		*why = DP_C_DROP_FRAGMENT;
		return DP_ACT_DROP;
	}
	return tcp(w, p, &l3, h, mac, now_ns, cnt, why);
}

enum dp_action dp_verdict(struct dp_worker *w, const struct dp_config *cfg, struct dp_pkt *p, uint64_t now_ns,
			  uint64_t *cnt)
{
	enum dp_counter why = DP_C_DROP_BAD_ETHER;
	enum dp_action a = verdict(w, cfg, p, now_ns, cnt, &why);

	cnt[DP_C_RX]++;
	if (a == DP_ACT_PENDING) /* counted by dp_verdict_flush_acks() */
		return a;
	cnt[why]++;
	if (a == DP_ACT_DROP)
		cnt[DP_C_DROP]++;
	w->last_reason = why;
	return a;
}
