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

#pragma GCC unroll 32
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		uint64_t v;
		memcpy(&v, s, 8);
		memcpy(d, &v, 8);
	}
	if (n)
		memcpy(d, s, n);
}

/* Completes an offloaded (CHECKSUM_PARTIAL) L4 checksum as skb_checksum_help() does; false for nonsense offsets
 * (the frame is then left as the sender made it). */
static inline bool csum_complete(struct dp_pkt *p, const struct dp_l3 *l3)
{
	uint32_t end = l3->l3_off + l3->l3_len;
	uint32_t at = (uint32_t)p->csum_start + p->csum_offset;
	uint16_t c;

	p->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
	if (p->csum_start < l3->l4_off || at + 2 > end)
		return false;
	c = dp_csum_finish(dp_csum_add(0, p->data + p->csum_start, end - p->csum_start));
	if (c == 0)
		c = 0xffff; /* CSUM_MANGLED_0: a UDP checksum of 0 means "none" */
	memcpy(p->data + at, &c, 2);
	return true;
}

/* An event of a host's flows (not a verdict: cookie ACK validated, TS revalidation, pickup), in its row. */
static inline void host_event(struct dp_worker *w, const struct dp_host *h, enum dp_counter e)
{
	uint64_t *r = &w->hc[h->stats_slot][e];

	__atomic_store_n(r, *r + 1, __ATOMIC_RELAXED); /* single writer: tear-free for the control thread */
}

/* The one place a forwarded frame's Ethernet header is written: to the server's MAC, from the forward source MAC
 * of ours it was sent to (the output interface's, dp_config_set_forward_mac). */
static inline __attribute__((always_inline)) enum dp_action forward(struct dp_ctx *c)
{
	struct dp_pkt *p = c->p;
	uint8_t mac[6];

	memcpy(mac, c->ours->fwd_src, 6);
	memcpy(p->data, c->h->cfg.mac, 6);
	memcpy(p->data + 6, mac, 6);
	if (DP_UNLIKELY(p->flags & DP_PKT_CSUM_PARTIAL) && csum_complete(p, &c->l3))
		host_event(c->w, c->h, DP_C_CSUM_FIXED);
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

/* dp_host_count() and dp_host_ts_ms() at the burst's now, from the burst's memo when h was seen earlier in it. */
static inline void host_clock(struct dp_worker *w, const struct dp_host *h, uint32_t *lo, uint32_t *hi, uint64_t *ts_ms)
{
	if (DP_LIKELY(w->clk_host == h)) {
		*lo = w->clk_lo;
		*hi = w->clk_hi;
		*ts_ms = w->clk_ts_ms;
		return;
	}
	dp_host_count(h, w->cur_now, lo, hi);
	*ts_ms = dp_host_ts_ms(h, w->cur_now);
	w->clk_host = h; /* dp_worker_burst() clears it at both ends of the burst */
	w->clk_lo = *lo;
	w->clk_hi = *hi;
	w->clk_ts_ms = *ts_ms;
}

/*
 * Whether the SYN-ACK carries TS and which options it encodes: a pure function of the host and six bits of the SYN.
 * A flood's SYNs share them, so the burst keeps the last answer per host (cleared by dp_worker_burst at both ends).
 */
static inline bool syn_options(struct dp_worker *w, const struct dp_host *h, const struct dp_l3 *l3,
			       const struct dp_tcp *t, uint32_t *options)
{
	bool ecn_setup = (t->flags & (DP_TCP_ECE | DP_TCP_CWR)) == (DP_TCP_ECE | DP_TCP_CWR);
	uint32_t key = 1u << 31 | (uint32_t)t->ws << 8 | (uint32_t)(t->res1 != 0) << 4 |
		       (uint32_t)(l3->ip_ecn != 0) << 3 | (uint32_t)ecn_setup << 2 | (uint32_t)(t->sack_ok != 0) << 1 |
		       (uint32_t)(t->saw_ts != 0);
	bool ts;

	if (DP_LIKELY(w->opt_host == h && w->opt_key == key)) {
		*options = w->opt_options;
		return w->opt_ts;
	}
	ts = h->ts_usable && dp_cookie_syn_options(&h->sys, t->saw_ts, t->ws == 0xff ? -1 : t->ws, t->sack_ok,
						   ecn_setup, l3->ip_ecn != 0, t->res1 != 0, options);
	w->opt_host = h;
	w->opt_key = key;
	w->opt_ts = ts;
	w->opt_options = *options;
	return ts;
}

/* Module-free listener refresh: true when this SYN should go to the server itself (its listener then makes a
 * cookie of its own, which keeps the cookie-count stamp of the listener fresh). */
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

static enum dp_action syn(struct dp_ctx *c, enum dp_counter *why)
{
	struct dp_worker *w = c->w;
	const struct dp_host *h = c->h;
	const struct dp_l3 *l3 = &c->l3;
	struct dp_tcp *t = &c->t;
	uint32_t lo, hi, isn, options = 0, tsval = 0, idx;
	uint64_t ts_ms;
	uint16_t mss;
	bool ts, sack, ws, ecn, batch, lane_tsoff;

	dp_parse_tcp_options(c->p->data, l3, t);
	/* We cannot sign a SYN-ACK: an MD5 SYN is the server's to answer (md5: pass), or dropped as a server without
	 * the key would drop it (tcp_inbound_md5_hash). */
	if (DP_UNLIKELY(t->md5)) {
		if (h->cfg.flags & DP_HOST_MD5_PASS) {
			*why = DP_C_FORWARDED;
			return forward(c);
		}
		*why = DP_C_DROP_MD5;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(!h->answerable)) {
		if (h->cfg.flags & DP_HOST_NOSECRET_PASS) {
			*why = DP_C_FORWARDED;
			return forward(c);
		}
		*why = DP_C_DROP_NO_SECRETS;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(h->cfg.syn_refresh_ms) && syn_refresh_due(w, h, t, w->cur_now)) {
		*why = DP_C_SYN_REFRESH;
		return forward(c);
	}
	mss = t->mss ? t->mss : (l3->family == 4 ? DP_TCP_MSS_DEFAULT : DP_TCP6_MSS_DEFAULT);
	ts = syn_options(w, h, l3, t, &options);
	host_clock(w, h, &lo, &hi, &ts_ms);
	idx = dp_mss_index(l3->family == 4 ? dp_msstab4 : dp_msstab6, mss);
	batch = l3->family == 4 && h->cs_cur.alg == DP_COOKIE_SIPHASH;
	/* The 2026-rule tsoff (another SipHash) of batched SYNs is computed in lanes too, at the flush. */
	lane_tsoff = batch && ts && h->cfg.ts_mode == DP_TS_2026 && h->sys.tcp_timestamps != 2;
	if (ts)
		tsval = dp_cookie_tsval(ts_ms, options, lane_tsoff ? 0 : tsoff(h, l3, t));
	sack = ts && (options & DP_TS_OPT_SACK);
	ws = ts && (options & DP_TS_OPT_WSCALE_MASK) != DP_TS_OPT_WSCALE_MASK;
	ecn = ts && (options & DP_TS_OPT_ECN);
	if ((uint32_t)l3->l3_off + (l3->family == 4 ? 20 : 40) + 24 + (ts ? 12 + (ws ? 4 : 0) : 0) > c->p->cap) {
		*why = DP_C_DROP_NO_ROOM;
		return DP_ACT_DROP;
	}
	*why = DP_C_SYN;
	/* IPv4 SipHash cookies wait for the end of the burst, where they are computed in SIMD lanes. */
	if (batch) {
		struct dp_syn_pending *sp = &w->pend[w->npend];

		sp->p = c->p;
		sp->l3 = *l3;
		sp->t = *t;
		sp->h = h;
		sp->mac = c->ours->mac;
		sp->count = lo;
		sp->tsval = tsval;
		sp->opts = (uint8_t)((ts ? DP_SA_TS : 0) | (sack ? DP_SA_SACK : 0) | (ws ? DP_SA_WSCALE : 0) |
				     (ecn ? DP_SA_ECN : 0) | (lane_tsoff ? DP_SA_LANE_TSOFF : 0));
		w->pend_req[w->npend++] = (struct dp_cookie_v4_req){ .saddr = dp_ld32(l3->saddr),
								     .daddr = dp_ld32(l3->daddr),
								     .sport = t->sport,
								     .dport = t->dport,
								     .client_seq = t->seq,
								     .mss_index = idx };
		return DP_ACT_REPLY;
	}
	isn = cookie_make(h, l3, t, lo, idx);
	dp_synack_build(c->p, l3, t, h, c->ours->mac, isn, ts, tsval, sack, ws, ecn);
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
			uint32_t tsval = sp->tsval + ((sp->opts & DP_SA_LANE_TSOFF) ? tsoff[k - i] : 0);

			dp_synack_build(sp->p, &sp->l3, &sp->t, sp->h, sp->mac, isn[k - i], sp->opts & DP_SA_TS, tsval,
					sp->opts & DP_SA_SACK, sp->opts & DP_SA_WSCALE, sp->opts & DP_SA_ECN);
		}
		i = j;
	}
	w->npend = 0;
}

/* A segment of a known flow: forwarded; FIN or RST moves it to Closing. */
static inline enum dp_action known(struct dp_ctx *c, int64_t i, enum dp_counter *why)
{
	struct dp_flow *f = &c->w->ft.flows[i];

	f->last_s = c->w->cur_now_s;
	if (c->t.flags & (DP_TCP_FIN | DP_TCP_RST))
		f->state = DP_FLOW_CLOSING;
	*why = DP_C_FORWARDED;
	return forward(c);
}

/*
 * A segment of a connection we lost (worker restart, table full) carries no cookie any more, but with
 * tcp_timestamps=1 its TS echo is a recent TSval of the server: the server's ms clock plus the connection's tsoff,
 * a SipHash of the 4-tuple under the server's secret. If echo - tsoff is recent (dp_clock_ts_recent), the segment
 * is let through (no flow is created: every later segment proves itself the same way, so a flood cannot fill the
 * table). Hosts with tsoff = 0 (tcp_timestamps=2) are excluded: their clock is visible in our own SYN-ACKs.
 */
static bool ts_revalidates(struct dp_ctx *c)
{
	const struct dp_host *h = c->h;

	if (h->cfg.ts_mode == DP_TS_ZERO || h->sys.tcp_timestamps != 1 || !h->ts_usable)
		return false;
	dp_parse_tcp_options(c->p->data, &c->l3, &c->t);
	if (!c->t.saw_ts)
		return false;
	return dp_clock_ts_recent(&h->clk, c->w->cur_now, c->t.tsecr - tsoff(h, &c->l3, &c->t));
}

/* Records the flow of a segment that was let through (FIN: already Closing). */
static inline void flow_record(struct dp_ctx *c, const struct dp_flow_key *k, uint32_t hash, enum dp_counter made)
{
	struct dp_worker *w = c->w;

	if (dp_flow_insert(&w->ft, k, hash, c->l3.family,
			   (c->t.flags & DP_TCP_FIN) ? DP_FLOW_CLOSING : DP_FLOW_ESTABLISHED, w->cur_now_s) == 0)
		host_event(w, c->h, made);
	else
		host_event(w, c->h, DP_C_FLOW_TABLE_FULL); /* still forwarded */
}

/*
 * Pickup window (conntrack's loose pickup, time-bounded): a connection established on the direct path before the
 * diversion has no flow here and its segments carry no cookie. While the host's window is open, such an ACK
 * (ACK+data, ACK+FIN; SYN and RST never get here) is forwarded and its flow recorded, so the connection survives
 * the router switch and keeps passing after the window (a full table: the next segment is picked up while the
 * window lasts). Off (pickup_until_ns 0, the default): one compare on the already-failing path.
 */
static inline bool picked_up(struct dp_ctx *c, const struct dp_flow_key *k, uint32_t hash)
{
	if (DP_LIKELY(c->w->cur_now >= c->h->cfg.pickup_until_ns))
		return false;
	flow_record(c, k, hash, DP_C_FLOW_PICKED_UP);
	return true;
}

/* The rest of an unknown-flow ACK once its cookie was checked against the count hi (idx, or -1). */
static enum dp_action ack_checked(struct dp_ctx *c, const struct dp_flow_key *k, uint32_t hash, uint32_t lo,
				  uint32_t hi, int idx, enum dp_counter *why)
{
	const struct dp_host *h = c->h;
	struct dp_ts_decoded dec;
	uint32_t tsecr;

	if (idx < 0 && lo != hi)
		idx = cookie_check(&h->cs_cur, &c->l3, &c->t, lo);
	if (idx < 0 && (h->cfg.flags & DP_HOST_PREV_VALID))
		idx = cookie_check(&h->cs_prev, &c->l3, &c->t, hi);
	if (idx < 0) {
		if (ts_revalidates(c)) {
			host_event(c->w, h, DP_C_TS_REVALIDATED);
			*why = DP_C_FORWARDED;
			return forward(c);
		}
		if (picked_up(c, k, hash)) {
			*why = DP_C_FORWARDED;
			return forward(c);
		}
		*why = DP_C_DROP_BAD_COOKIE;
		return DP_ACT_DROP;
	}
	/* cookie_v4_check(): tsoff comes off the echo only when TS was seen with a non-zero echo. */
	dp_parse_tcp_options(c->p->data, &c->l3, &c->t);
	tsecr = c->t.tsecr;
	if (c->t.saw_ts && tsecr)
		tsecr -= tsoff(h, &c->l3, &c->t);
	if (!dp_cookie_timestamp_decode(&h->sys, c->t.saw_ts, tsecr, &dec)) {
		*why = DP_C_DROP_BAD_TS;
		return DP_ACT_DROP;
	}
	flow_record(c, k, hash, DP_C_FLOW_NEW);
	*why = DP_C_FORWARDED;
	return forward(c);
}

/* ACK (maybe with data or FIN) of a flow we do not know: valid only with a cookie the server will accept.
 * IPv4 SipHash ACKs wait for the end of the burst (DP_ACT_PENDING), where their cookies are checked in lanes. */
static enum dp_action unknown_ack(struct dp_ctx *c, const struct dp_flow_key *k, uint32_t hash, enum dp_counter *why)
{
	struct dp_worker *w = c->w;
	const struct dp_host *h = c->h;
	uint32_t lo, hi;
	uint64_t ts_ms; /* not needed here: computed for the memo */

	if (DP_UNLIKELY(!h->answerable)) {
		if ((h->cfg.flags & DP_HOST_NOSECRET_PASS) || picked_up(c, k, hash)) {
			*why = DP_C_FORWARDED;
			return forward(c);
		}
		*why = DP_C_DROP_NO_SECRETS;
		return DP_ACT_DROP;
	}
	host_clock(w, h, &lo, &hi, &ts_ms);
	if (c->l3.family == 4 && h->cs_cur.alg == DP_COOKIE_SIPHASH) {
		struct dp_ack_pending *ap = &w->acks[w->nack];

		copy_words(&ap->c, c, sizeof(*c));
		ap->hash = hash; /* the key is rebuilt at the flush: cheaper than keeping a copy */
		ap->lo = lo;
		ap->hi = hi;
		ap->pos = c->idx;
		w->ack_req[w->nack++] = (struct dp_cookie_v4_ack){ .saddr = dp_ld32(c->l3.saddr),
								   .daddr = dp_ld32(c->l3.daddr),
								   .sport = c->t.sport,
								   .dport = c->t.dport,
								   .sseq = c->t.seq - 1,
								   .cookie = c->t.ack - 1 };
		return DP_ACT_PENDING;
	}
	return ack_checked(c, k, hash, lo, hi, cookie_check(&h->cs_cur, &c->l3, &c->t, hi), why);
}

void dp_verdict_flush_acks(struct dp_worker *w)
{
	int idx[DP_BURST];
	unsigned i = 0, j, k;

	while (i < w->nack) {
		const struct dp_ack_pending *a = &w->acks[i];

		for (j = i; j < w->nack && w->acks[j].c.h == a->c.h && w->acks[j].hi == a->hi; j++)
			;
		dp_cookie_v4_check_burst(&a->c.h->cs_cur, a->hi, &w->ack_req[i], idx, j - i);
		for (k = i; k < j; k++) {
			struct dp_ack_pending *ap = &w->acks[k];
			struct dp_flow_key fk;
			enum dp_counter why;
			enum dp_action act;
			int64_t f;

			/* In packet order, as if one at a time: an earlier segment of this flush may have made the flow. */
			dp_flow_key_make(&fk, &ap->c.l3, &ap->c.t);
			f = dp_flow_lookup(&w->ft, &fk, ap->hash, w->cur_now_s, w->cur_expired);
			if (f >= 0)
				act = known(&ap->c, f, &why);
			else
				act = ack_checked(&ap->c, &fk, ap->hash, ap->lo, ap->hi, idx[k - i], &why);
			w->cur_actions[ap->pos] = (uint8_t)act;
			w->counted[ap->pos] = ap->c.row + why;
		}
		i = j;
	}
	w->nack = 0;
}

static enum dp_action tcp(struct dp_ctx *c, enum dp_counter *why)
{
	struct dp_worker *w = c->w;
	struct dp_flow_key k;
	uint32_t hash, now_s;
	int64_t i;
	enum dp_counter r;

	r = dp_parse_tcp(c->p->data, &c->l3, &c->t);
	if (DP_UNLIKELY(r)) {
		*why = r;
		return DP_ACT_DROP;
	}
	if (c->t.flags & DP_TCP_SYN) {
		/* tcp_rcv_state_process(LISTEN): SYN+ACK gets a RST, SYN+RST and SYN+FIN are discarded. */
		if (c->t.flags & DP_TCP_ACK) {
			*why = DP_C_DROP_BAD_STATE;
			return DP_ACT_DROP;
		}
		if (c->t.flags & (DP_TCP_RST | DP_TCP_FIN)) {
			*why = DP_C_DROP_BAD_TCP;
			return DP_ACT_DROP;
		}
		return syn(c, why);
	}
	dp_flow_key_make(&k, &c->l3, &c->t);
	hash = dp_flow_hash(&w->ft, &k);
	now_s = w->cur_now_s;
	i = dp_flow_lookup(&w->ft, &k, hash, now_s, w->cur_expired);
	if (i >= 0)
		return known(c, i, why);
	/* Unknown flow. An md5: pass host's MD5 segments carry the server's signature, which only it can check. */
	if (DP_UNLIKELY(c->h->cfg.flags & DP_HOST_MD5_PASS)) {
		dp_parse_tcp_options(c->p->data, &c->l3, &c->t);
		if (c->t.md5) {
			*why = DP_C_FORWARDED;
			return forward(c);
		}
	}
	/* RST: dropped as the original does (the server has no socket for it either, or the flow
	 * outlived our table and the client's RST is retransmitted into a known flow after its next ACK). */
	if ((c->t.flags & (DP_TCP_RST | DP_TCP_ACK)) != DP_TCP_ACK) {
		if (w->nack) { /* a pending ACK of this burst may be about to create the flow: settle them first */
			dp_verdict_flush_acks(w);
			i = dp_flow_lookup(&w->ft, &k, hash, now_s, w->cur_expired);
			if (i >= 0)
				return known(c, i, why);
		}
		*why = DP_C_DROP_BAD_STATE;
		return DP_ACT_DROP;
	}
	return unknown_ack(c, &k, hash, why);
}

static inline const struct dp_our_mac *our_mac(const struct dp_config *cfg, const uint8_t *dst)
{
	uint32_t d4 = dp_ld32(dst);
	uint16_t d2 = dp_ld16(dst + 4);
	unsigned i;

	for (i = 0; i < cfg->n_macs; i++)
		if (dp_ld32(cfg->ours[i].mac) == d4 && dp_ld16(cfg->ours[i].mac + 4) == d2)
			return &cfg->ours[i];
	return NULL;
}

/* A frame dropped before its host is known: counted in the row of what has no host. */
static enum dp_action no_host(enum dp_counter reason, enum dp_counter *why)
{
	*why = reason;
	return DP_ACT_DROP;
}

/* Everything up to the host: MAC, Ethernet/IP, host lookup, filters, passthrough and fragments; then TCP.
 * (Without a config, dp_worker_burst() drops the frames itself.) */
static inline __attribute__((always_inline)) enum dp_action verdict(struct dp_ctx *c, const struct dp_config *cfg,
								    enum dp_counter *why)
{
	struct dp_worker *w = c->w;
	struct dp_pkt *p = c->p;
	const struct dp_host *h;
	enum dp_counter r;

	if (DP_UNLIKELY(p->len < DP_ETH_HLEN || p->len > p->cap))
		return no_host(DP_C_DROP_BAD_ETHER, why);
	c->ours = our_mac(cfg, p->data);
	if (DP_UNLIKELY(!c->ours))
		return no_host(DP_C_DROP_MAC, why);
	r = dp_parse_l3(p->data, p->len, &c->l3);
	if (DP_UNLIKELY(r))
		return no_host(r, why);
	h = w->last_host;
	if (DP_UNLIKELY(!h || !dp_host_is(h, c->l3.family, c->l3.daddr))) {
		h = dp_host_lookup(cfg, c->l3.family, c->l3.daddr);
		if (DP_UNLIKELY(!h))
			return no_host(DP_C_DROP_UNKNOWN_HOST, why);
		w->last_host = h; /* dp_worker_burst() clears it when the burst ends */
	}
	c->h = h;
	c->row = h->stats_row;
	if (h->cfg.filter && dp_filter_run(h->cfg.filter, p->data + c->l3.l3_off, c->l3.l3_len) == DP_FILTER_DROP) {
		*why = DP_C_DROP_FILTERED;
		return DP_ACT_DROP;
	}
	if (DP_UNLIKELY(h->cfg.flags & DP_HOST_PASSTHROUGH) || c->l3.proto != DP_IPPROTO_TCP) {
		*why = DP_C_FORWARDED;
		return forward(c);
	}
	/* A TCP fragment cannot be a handshake segment, and a later fragment has no TCP header to check. */
	if (DP_UNLIKELY(c->l3.frag != DP_FRAG_NONE)) {
		*why = DP_C_DROP_FRAGMENT;
		return DP_ACT_DROP;
	}
	return tcp(c, why);
}

enum dp_action dp_verdict(struct dp_worker *w, const struct dp_config *cfg, struct dp_pkt *p, unsigned i)
{
	struct dp_ctx c; /* filled as the layers go: no zeroing of the headers' fields per packet */
	enum dp_counter why;
	enum dp_action a;

	c.w = w;
	c.p = p;
	c.idx = i;
	c.row = DP_HOST_ROW_SPILL; /* until the host is known */
	a = verdict(&c, cfg, &why);
	if (a != DP_ACT_PENDING) /* a pending ACK's counter is set by dp_verdict_flush_acks() */
		w->counted[i] = c.row + why;
	return a;
}
