/* core_int.h: internal structures of the packet core shared by config.c, flows.c, verdict.c and core.c. */
#ifndef DP_CORE_INT_H
#define DP_CORE_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "syncookied/core.h"
#include "cookie.h"
#include "hostclock.h"
#include "tsopt.h"
#include "parse.h"

#define DP_LIKELY(x)   __builtin_expect(!!(x), 1)
#define DP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DP_CACHELINE   64

/* ---- hosts ---------------------------------------------------------------------------------------------- */

/* A host as the workers use it: the operator's config plus everything precomputed from it. */
struct dp_host {
	struct dp_host_cfg cfg;            /* cfg.filter holds a reference */
	struct dp_cookie_secret cs_cur;    /* this family's cookie secret pair (SipHash or SHA-1) */
	struct dp_cookie_secret cs_prev;
	dp_siphash_key_t ts_key;           /* net_secret / ts_secret for tsoff */
	struct dp_ts_sysctls sys;
	uint8_t answerable;                /* secrets valid, clock known, tcp_syncookies != 0 */
	uint8_t ts_usable;                 /* the server's ms clock is known: TS may go out */
	uint8_t wscale, ttl;
	uint8_t n_port_ws;                 /* entries of port_ws: SYNs to these ports get their own window/scale */
	uint16_t mss, window, window_ts;   /* window: SYN-ACK without timestamps, window_ts: with */
	struct dp_clock_sample clk;        /* the server's clocks, see hostclock.h */
	uint64_t refresh_key;              /* hash seed part for the SYN-refresh table */
	uint32_t stats_slot;               /* its row in every worker's per-host counters (dp_core_publish) */
	uint32_t stats_row;                /* stats_slot * DP_C_MAX: where the row starts in the flat counters */
	struct {
		uint16_t port;             /* network order, as dp_tcp.dport */
		uint16_t window, window_ts;
		uint8_t wscale;
	} port_ws[DP_TCP_PROFILE_PORTS];   /* the agent's listeners with their own receive buffer (overrides applied) */
};

/* One of our MACs, with the source MAC its forwarded frames leave with (itself, or the output interface's): kept
 * side by side so that a forward finds it next to the MAC the frame was sent to. */
struct dp_our_mac {
	uint8_t mac[6];
	uint8_t fwd_src[6];
};

struct dp_config {
	struct dp_our_mac ours[DP_MAX_MACS];
	unsigned n_macs;
	struct dp_host *hosts;
	unsigned n_hosts, cap_hosts;
	uint32_t *slots;                   /* open addressing: host index + 1, 0 = empty */
	uint32_t slot_mask;
	bool sealed;
};

int dp_config_seal(struct dp_config *cfg);

static inline uint32_t dp_ld32u(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint64_t dp_ld64u(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline uint32_t dp_addr_hash(uint8_t family, const uint8_t *a)
{
	uint32_t h;

	if (family == 4) {
		__builtin_memcpy(&h, a, 4);
	} else {
		uint32_t w[4];
		__builtin_memcpy(w, a, 16);
		h = w[0] ^ w[1] ^ w[2] ^ (w[3] * 0x85ebca6bU);
	}
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

/* Whole-word compares of equal width on both sides: mixing a narrow store with a wide load of the same bytes costs
 * a store-forwarding stall, and a memcmp call costs more than the compare. */
static inline bool dp_host_is(const struct dp_host *h, uint8_t family, const uint8_t *a)
{
	return h->cfg.ip.family == family &&
	       (family == 4 ? dp_ld32u(h->cfg.ip.a) == dp_ld32u(a)
			    : dp_ld64u(h->cfg.ip.a) == dp_ld64u(a) && dp_ld64u(h->cfg.ip.a + 8) == dp_ld64u(a + 8));
}

static inline const struct dp_host *dp_host_lookup(const struct dp_config *cfg, uint8_t family, const uint8_t *a)
{
	uint32_t i = dp_addr_hash(family, a) & cfg->slot_mask;

	for (;;) {
		uint32_t s = cfg->slots[i];
		const struct dp_host *h;

		if (s == 0)
			return NULL;
		h = &cfg->hosts[s - 1];
		if (dp_host_is(h, family, a))
			return h;
		i = (i + 1) & cfg->slot_mask;
	}
}

/* The server's clocks at now_ns (hostclock.h: the same estimate the XDP program makes). */
static inline void dp_host_count(const struct dp_host *h, uint64_t now_ns, uint32_t *lo, uint32_t *hi)
{
	dp_clock_count(&h->clk, now_ns, lo, hi);
}

static inline uint64_t dp_host_ts_ms(const struct dp_host *h, uint64_t now_ns)
{
	return dp_clock_ts_ms(&h->clk, now_ns);
}

/* The window and scale of the host's SYN-ACK to dport (network order): its listener's, else the host's. The
 * kernel's window depends on whether the SYN-ACK carries timestamps (ts). */
static inline void dp_host_synack_ws(const struct dp_host *h, uint16_t dport, bool ts, uint16_t *window,
				     uint8_t *wscale)
{
	*window = ts ? h->window_ts : h->window;
	*wscale = h->wscale;
	for (unsigned i = 0; DP_UNLIKELY(i < h->n_port_ws); i++)
		if (h->port_ws[i].port == dport) {
			*window = ts ? h->port_ws[i].window_ts : h->port_ws[i].window;
			*wscale = h->port_ws[i].wscale;
			return;
		}
}

/* ---- flows ---------------------------------------------------------------------------------------------- */

enum dp_flow_state { DP_FLOW_ESTABLISHED = 1, DP_FLOW_CLOSING = 2 };

struct dp_flow_key {
	uint8_t caddr[16];  /* client (IPv4: first 4 bytes, rest zero) */
	uint8_t saddr[16];  /* protected server */
	uint16_t cport, sport;
};

struct dp_flow {
	struct dp_flow_key k;
	uint32_t last_s;    /* last packet, seconds of CLOCK_MONOTONIC */
	uint8_t state;
	uint8_t family;
	uint16_t pad;
};

struct dp_flowtab {
	uint32_t *tags;     /* hash | 1; 0 = empty */
	struct dp_flow *flows;
	uint32_t mask;
	uint32_t count, max;
	uint32_t cursor;    /* incremental expiry sweep position */
	uint32_t est_timeout_s, closing_timeout_s;
	uint64_t seed;
};

/* Built with 8-byte stores so that the 8-byte loads of the hash and the compare forward from them. */
static inline void dp_flow_key_make(struct dp_flow_key *k, const struct dp_l3 *l3, const struct dp_tcp *t)
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

int dp_flowtab_init(struct dp_flowtab *ft, const struct dp_worker_params *p);
void dp_flowtab_destroy(struct dp_flowtab *ft);
uint32_t dp_flow_hash(const struct dp_flowtab *ft, const struct dp_flow_key *k);
/* Index of the live flow with key k, or -1. An expired one found on the way is removed (*expired += 1). */
int64_t dp_flow_lookup(struct dp_flowtab *ft, const struct dp_flow_key *k, uint32_t hash, uint32_t now_s,
		       uint64_t *expired);
/* 0, or -ENOSPC when the table holds its maximum. */
int dp_flow_insert(struct dp_flowtab *ft, const struct dp_flow_key *k, uint32_t hash, uint8_t family,
		   uint8_t state, uint32_t now_s);
/* Looks at up to budget slots from the sweep cursor and removes expired flows; returns how many. */
uint32_t dp_flow_sweep(struct dp_flowtab *ft, uint32_t now_s, uint32_t budget);

/* ---- workers and the core ------------------------------------------------------------------------------- */

#define DP_REFRESH_SLOTS 4096
#define DP_REFRESH_MAX_PER_S 200 /* SYN-refresh passes per worker per second, whatever the SYN mix */

struct dp_refresh_slot {
	uint64_t key;
	uint64_t last_ms;
};

/* The options of a SYN-ACK being built (dp_syn_pending.opts). */
enum dp_synack_opt {
	DP_SA_TS = 1 << 0,          /* timestamps (SACK_PERM and WSCALE go out only with it) */
	DP_SA_SACK = 1 << 1,
	DP_SA_WSCALE = 1 << 2,
	DP_SA_ECN = 1 << 3,         /* ECE set: the SYN asked for ECN and the host allows it */
	DP_SA_LANE_TSOFF = 1 << 4,  /* tsoff not in tsval yet: added at the flush, computed in lanes */
};

/* One packet's verdict in progress: what the layers found so far, handed down as one argument. */
struct dp_ctx {
	struct dp_worker *w;
	struct dp_pkt *p;
	const struct dp_host *h;
	const struct dp_our_mac *ours; /* our MAC the frame was sent to: a SYN-ACK's source */
	unsigned idx;           /* the frame's index in the burst */
	uint32_t row;           /* where the host's counters start: stats_row, or the spill row's until it is known */
	struct dp_l3 l3;
	struct dp_tcp t;
};

/* A SYN whose SYN-ACK waits for its cookie, computed for the whole burst at once. */
struct dp_syn_pending {
	struct dp_pkt *p;
	const struct dp_host *h;
	const uint8_t *mac; /* the SYN-ACK's source */
	uint32_t count, tsval;
	uint8_t opts; /* enum dp_synack_opt */
	struct dp_l3 l3;
	struct dp_tcp t;
};

/* An unknown-flow IPv4 ACK whose cookie is checked with the rest of the burst's, in SIMD lanes. */
struct dp_ack_pending {
	struct dp_ctx c;
	uint32_t hash, lo, hi;
	unsigned pos; /* index in the burst: where its action and reason go */
};

#define DP_ACT_PENDING 0xff /* internal: the action is decided at the end of the burst */

/* A worker's counters of one host (indexed by enum dp_counter, dp_counter_per_host ones only). */
typedef uint64_t dp_host_row[DP_C_MAX];
#define DP_HOST_SLOT_SPILL DP_HOST_STATS_SLOTS /* the row of hosts past the slots and of frames without a host */
#define DP_HOST_ROW_SPILL (DP_HOST_SLOT_SPILL * DP_C_MAX)

struct dp_worker {
	/* read by the control thread: own cache line */
	_Alignas(DP_CACHELINE) _Atomic uint64_t qs; /* epoch of the last quiescent state; 0 = offline */
	_Alignas(DP_CACHELINE) _Atomic uint64_t flows_gauge;
	/* The counters, by host: DP_HOST_STATS_SLOTS + 1 rows (the last for hosts past the slots and for what has no
	 * host), written by this worker only, summed by the control thread: the totals are the sum of all rows. */
	dp_host_row *hc;
	/* worker-private */
	_Alignas(DP_CACHELINE) struct dp_core *core;
	unsigned slot;
	enum dp_counter last_reason;
	/* the verdicts of the burst (of up to DP_BURST packets) being decided: reason and host row of every packet,
	 * counted once when all of them are known */
	uint32_t counted[DP_BURST]; /* the counter of each packet: its host's row + its reason, an index into hc */
	struct dp_flowtab ft;
	uint64_t refresh_window_s;
	uint32_t refresh_in_window;
	struct dp_refresh_slot *refresh;
	unsigned npend;
	struct dp_syn_pending pend[DP_BURST];
	struct dp_cookie_v4_req pend_req[DP_BURST]; /* handed to the lane-parallel cookie code as they are */
	unsigned nack;
	struct dp_ack_pending acks[DP_BURST];
	struct dp_cookie_v4_ack ack_req[DP_BURST];
	/* the burst in progress (dp_worker_burst), for the pending ACKs' verdicts */
	uint8_t *cur_actions;
	uint64_t *cur_expired; /* flows the burst found expired: no host's, into the last row at its end */
	uint64_t cur_now;
	uint32_t cur_now_s;     /* cur_now in whole seconds: the flows' clock */
	/* The host of the burst's previous packet (a flood is one host): its address is checked before hashing, so
	 * the loads of h need not wait for hash -> slot -> host. Valid for one burst only (cfg may be swapped). */
	const struct dp_host *last_host;
	/* The clock of clk_host at cur_now (dp_host_count, dp_host_ts_ms): a host never changes once published and
	 * now is fixed for a burst, so a flood's packets compute it once per burst. Valid for one burst only. */
	const struct dp_host *clk_host;
	uint32_t clk_lo, clk_hi;
	uint64_t clk_ts_ms;
	/* The SYN-ACK options of opt_host for SYN option bits opt_key (syn_options() in verdict.c); one burst only. */
	const struct dp_host *opt_host;
	uint32_t opt_key, opt_options;
	bool opt_ts;
};

#define DP_MAX_RETIRED 64

struct dp_core {
	_Alignas(DP_CACHELINE) _Atomic(struct dp_config *) cfg;
	_Atomic uint64_t epoch;
	unsigned max_workers;
	_Atomic(struct dp_worker *) *workers;
	struct {
		struct dp_config *cfg;
		uint64_t epoch;
	} retired[DP_MAX_RETIRED];
	unsigned n_retired;
	/* Per-host counter slots. A slot stays with its IP from one config to the next; it is free again once no
	 * config that holds it is left (so no worker can still count into it), and its next IP counts from the
	 * totals it had then (base). */
	struct dp_addr *slot_ip;   /* [DP_HOST_STATS_SLOTS] */
	uint32_t *slot_refs;       /* configs (current and retired) that hold the slot */
	dp_host_row *hc_gone;      /* [DP_HOST_STATS_SLOTS + 1] counters of freed workers: totals never go backwards */
	dp_host_row *hc_base;      /* [DP_HOST_STATS_SLOTS] */
	uint32_t slot_cursor;      /* where the search for a free slot starts */
	struct dp_counter_source src; /* counters kept outside the workers (no add_row: none) */
	void *lock; /* pthread_mutex_t *, control side only */
};

/* The verdict of frame i of the burst (cfg is not NULL). Its counter (its host's row + its reason) goes to
 * w->counted[i], where dp_worker_burst counts it. */
enum dp_action dp_verdict(struct dp_worker *w, const struct dp_config *cfg, struct dp_pkt *p, unsigned i);

/* First pass over a burst: for a plain TCP segment without SYN, prefetch the flow slot its lookup will read. */
void dp_verdict_prefetch(struct dp_worker *w, const struct dp_pkt *p);

/* Computes the cookies of the SYNs dp_verdict() left pending and writes their SYN-ACKs. */
void dp_verdict_flush(struct dp_worker *w);
/* Checks the cookies of the pending ACKs in lanes and writes their actions (in packet order). */
void dp_verdict_flush_acks(struct dp_worker *w);

/* SYN-ACK synthesis: dp_synack_build() in synack.h (inline in verdict.c). */

#endif /* DP_CORE_INT_H */
