/* core.c: config publication (QSBR: swap, then free after every online worker passed a quiescent state),
 * worker registration, the burst entry point and the counters. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_int.h"

static const char *const counter_names[DP_C_MAX] = {
	[DP_C_RX] = "rx_pps",
	[DP_C_SYN] = "rx_syn",
	[DP_C_FORWARDED] = "rx_forwarded",
	[DP_C_DROP] = "rx_drop",
	[DP_C_DROP_MAC] = "rx_drop_mac",
	[DP_C_DROP_BAD_ETHER] = "rx_drop_bad_ether",
	[DP_C_DROP_BAD_IP] = "rx_drop_bad_ip",
	[DP_C_DROP_UNKNOWN_HOST] = "rx_drop_unknown_host",
	[DP_C_DROP_FILTERED] = "rx_drop_filtered",
	[DP_C_DROP_FRAGMENT] = "rx_drop_fragment",
	[DP_C_DROP_BAD_TCP] = "rx_drop_bad_tcp",
	[DP_C_DROP_BAD_COOKIE] = "rx_drop_bad_cookie",
	[DP_C_DROP_BAD_TS] = "rx_drop_bad_ts",
	[DP_C_DROP_BAD_STATE] = "rx_drop_bad_state",
	[DP_C_DROP_NO_SECRETS] = "rx_drop_no_secrets",
	[DP_C_DROP_NO_ROOM] = "rx_drop_no_room",
	[DP_C_SYN_REFRESH] = "rx_syn_refresh",
	[DP_C_FLOW_NEW] = "flows_created",
	[DP_C_FLOW_EXPIRED] = "flows_expired",
	[DP_C_FLOW_TABLE_FULL] = "flows_table_full",
	[DP_C_CSUM_FIXED] = "csum_completed",
	[DP_C_TS_REVALIDATED] = "rx_ts_revalidated",
	[DP_C_FLOW_PICKED_UP] = "flows_picked_up",
	[DP_C_DROP_MD5] = "rx_drop_md5",
};

/* The reasons a frame is dropped for: rx_drop is their sum. */
static const uint8_t drop_reasons[] = {
	DP_C_DROP_MAC,	      DP_C_DROP_BAD_ETHER, DP_C_DROP_BAD_IP,	 DP_C_DROP_UNKNOWN_HOST, DP_C_DROP_FILTERED,
	DP_C_DROP_FRAGMENT,   DP_C_DROP_BAD_TCP,   DP_C_DROP_BAD_COOKIE, DP_C_DROP_BAD_TS,	 DP_C_DROP_BAD_STATE,
	DP_C_DROP_NO_SECRETS, DP_C_DROP_NO_ROOM,   DP_C_DROP_MD5,
};

const char *dp_counter_name(enum dp_counter c)
{
	return (unsigned)c < DP_C_MAX ? counter_names[c] : NULL;
}

bool dp_counter_per_host(enum dp_counter c)
{
	switch (c) {
	case DP_C_RX:
	case DP_C_SYN:
	case DP_C_FORWARDED:
	case DP_C_DROP:
	case DP_C_SYN_REFRESH:
	case DP_C_DROP_FILTERED:
	case DP_C_DROP_FRAGMENT:
	case DP_C_DROP_BAD_TCP:
	case DP_C_DROP_BAD_COOKIE:
	case DP_C_DROP_BAD_TS:
	case DP_C_DROP_BAD_STATE:
	case DP_C_DROP_NO_SECRETS:
	case DP_C_DROP_NO_ROOM:
	case DP_C_DROP_MD5:
	case DP_C_FLOW_NEW:
	case DP_C_FLOW_TABLE_FULL:
	case DP_C_TS_REVALIDATED:
	case DP_C_FLOW_PICKED_UP:
		return true;
	default:
		return false;
	}
}

/*
 * Every frame is counted once, under the reason of its verdict (DP_C_SYN, DP_C_FORWARDED, DP_C_SYN_REFRESH or a
 * drop reason). The sums are derived from those: rx_pps counts every verdict, rx_drop every drop reason, and
 * rx_forwarded includes the SYNs forwarded for a listener refresh.
 */
static void derive_sums(uint64_t *c)
{
	uint64_t drops = 0;

	for (unsigned i = 0; i < sizeof(drop_reasons); i++)
		drops += c[drop_reasons[i]];
	c[DP_C_DROP] = drops;
	c[DP_C_FORWARDED] += c[DP_C_SYN_REFRESH];
	c[DP_C_RX] = c[DP_C_SYN] + c[DP_C_FORWARDED] + drops;
}

struct dp_core *dp_core_new(unsigned max_workers)
{
	struct dp_core *core;
	pthread_mutex_t *lock;

	if (max_workers == 0 || max_workers > 1024) {
		errno = EINVAL;
		return NULL;
	}
	core = aligned_alloc(DP_CACHELINE, (sizeof(*core) + DP_CACHELINE - 1) / DP_CACHELINE * DP_CACHELINE);
	if (!core)
		return NULL;
	memset(core, 0, sizeof(*core));
	core->workers = calloc(max_workers, sizeof(*core->workers));
	core->slot_ip = calloc(DP_HOST_STATS_SLOTS, sizeof(*core->slot_ip));
	core->slot_refs = calloc(DP_HOST_STATS_SLOTS, sizeof(*core->slot_refs));
	core->hc_gone = calloc(DP_HOST_STATS_SLOTS + 1, sizeof(*core->hc_gone));
	core->hc_base = calloc(DP_HOST_STATS_SLOTS, sizeof(*core->hc_base));
	lock = malloc(sizeof(*lock));
	if (!core->workers || !core->slot_ip || !core->slot_refs || !core->hc_gone || !core->hc_base || !lock) {
		free(core->workers);
		free(core->slot_ip);
		free(core->slot_refs);
		free(core->hc_gone);
		free(core->hc_base);
		free(lock);
		free(core);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(lock, NULL);
	core->lock = lock;
	core->max_workers = max_workers;
	atomic_init(&core->cfg, NULL);
	atomic_init(&core->epoch, 1);
	return core;
}

/* The raw per-host counts of a slot: every worker's row plus the freed workers'. Called with the lock held. */
static void slot_raw(const struct dp_core *core, unsigned slot, uint64_t out[DP_C_MAX])
{
	memcpy(out, core->hc_gone[slot], sizeof(dp_host_row));
	for (unsigned i = 0; i < core->max_workers; i++) {
		struct dp_worker *w = atomic_load(&core->workers[i]);

		if (w)
			for (unsigned c = 0; c < DP_C_MAX; c++)
				out[c] += __atomic_load_n(&w->hc[slot][c], __ATOMIC_RELAXED);
	}
	if (core->src.add_row)
		core->src.add_row(core->src.ctx, slot, out);
}

void dp_core_set_counter_source(struct dp_core *core, const struct dp_counter_source *src)
{
	pthread_mutex_lock(core->lock);
	core->src = src ? *src : (struct dp_counter_source){ 0 };
	pthread_mutex_unlock(core->lock);
}

/*
 * Gives every host of cfg its counter slot: the one its IP holds in the current config, else a free one (no
 * config holds it, so no worker counts into it any more), whose totals so far become the new host's zero.
 * Hosts past DP_HOST_STATS_SLOTS share the spill row, which is never reported. Called with the lock held.
 */
static void assign_slots(struct dp_core *core, struct dp_config *cfg)
{
	const struct dp_config *cur = atomic_load(&core->cfg);
	bool full = false; /* no slot frees up during one publish: after one fruitless search, none is made again */

	for (unsigned i = 0; i < cfg->n_hosts; i++) {
		struct dp_host *h = &cfg->hosts[i];
		const struct dp_host *old = cur ? dp_host_lookup(cur, h->cfg.ip.family, h->cfg.ip.a) : NULL;
		uint32_t slot = DP_HOST_SLOT_SPILL;

		if (old && old->stats_slot != DP_HOST_SLOT_SPILL) {
			slot = old->stats_slot;
		} else if (!full) {
			full = true;
			for (unsigned n = 0; n < DP_HOST_STATS_SLOTS; n++) {
				uint32_t s = (core->slot_cursor + n) % DP_HOST_STATS_SLOTS;

				if (core->slot_refs[s] == 0) {
					slot = s;
					core->slot_cursor = (s + 1) % DP_HOST_STATS_SLOTS;
					slot_raw(core, s, core->hc_base[s]);
					core->slot_ip[s] = h->cfg.ip;
					full = false;
					break;
				}
			}
		}
		if (slot != DP_HOST_SLOT_SPILL)
			core->slot_refs[slot]++;
		h->stats_slot = slot;
		h->stats_row = slot * DP_C_MAX;
	}
}

/* Frees a published config: its hosts' slots lose a holder. Called with the lock held. */
static void free_published(struct dp_core *core, struct dp_config *cfg)
{
	for (unsigned i = 0; i < cfg->n_hosts; i++)
		if (cfg->hosts[i].stats_slot != DP_HOST_SLOT_SPILL)
			core->slot_refs[cfg->hosts[i].stats_slot]--;
	dp_config_free(cfg);
}

/* Frees the retired configs that no online worker can still hold. Called with the lock held. */
static void reclaim(struct dp_core *core)
{
	uint64_t oldest = UINT64_MAX;
	unsigned i, j;

	for (i = 0; i < core->max_workers; i++) {
		struct dp_worker *w = atomic_load(&core->workers[i]);
		uint64_t qs;

		if (!w)
			continue;
		qs = atomic_load(&w->qs);
		if (qs != 0 && qs < oldest)
			oldest = qs;
	}
	for (i = j = 0; i < core->n_retired; i++) {
		if (core->retired[i].epoch <= oldest)
			free_published(core, core->retired[i].cfg);
		else
			core->retired[j++] = core->retired[i];
	}
	core->n_retired = j;
}

static void sleep_100us(void)
{
	struct timespec ts = { 0, 100000 };

	nanosleep(&ts, NULL);
}

int dp_core_publish(struct dp_core *core, struct dp_config *cfg)
{
	struct dp_config *old;
	int rc;

	if (!core || !cfg)
		return -EINVAL;
	rc = dp_config_seal(cfg);
	if (rc)
		return rc;
	pthread_mutex_lock(core->lock);
	while (core->n_retired == DP_MAX_RETIRED) { /* publishing faster than workers pass bursts: wait */
		reclaim(core);
		if (core->n_retired == DP_MAX_RETIRED) {
			pthread_mutex_unlock(core->lock);
			sleep_100us();
			pthread_mutex_lock(core->lock);
		}
	}
	assign_slots(core, cfg);
	old = atomic_exchange(&core->cfg, cfg);
	/* A worker whose quiescent epoch is >= this value loaded the config pointer after the exchange. */
	if (old) {
		core->retired[core->n_retired].cfg = old;
		core->retired[core->n_retired].epoch = atomic_fetch_add(&core->epoch, 1) + 1;
		core->n_retired++;
	} else {
		atomic_fetch_add(&core->epoch, 1);
	}
	reclaim(core);
	pthread_mutex_unlock(core->lock);
	return 0;
}

void dp_core_synchronize(struct dp_core *core)
{
	for (;;) {
		unsigned left;

		pthread_mutex_lock(core->lock);
		reclaim(core);
		left = core->n_retired;
		pthread_mutex_unlock(core->lock);
		if (!left)
			return;
		sleep_100us();
	}
}

const struct dp_config *dp_core_config(const struct dp_core *core)
{
	return atomic_load(&((struct dp_core *)core)->cfg);
}

uint64_t dp_core_generation(const struct dp_core *core)
{
	return atomic_load(&((struct dp_core *)core)->epoch) - 1;
}

void dp_core_free(struct dp_core *core)
{
	unsigned i;

	if (!core)
		return;
	for (i = 0; i < core->n_retired; i++)
		free_published(core, core->retired[i].cfg);
	if (atomic_load(&core->cfg))
		free_published(core, atomic_load(&core->cfg));
	pthread_mutex_destroy(core->lock);
	free(core->lock);
	free(core->workers);
	free(core->slot_ip);
	free(core->slot_refs);
	free(core->hc_gone);
	free(core->hc_base);
	free(core);
}

struct dp_worker *dp_worker_new(struct dp_core *core, const struct dp_worker_params *p)
{
	struct dp_worker *w;
	unsigned i;
	int rc;

	w = aligned_alloc(DP_CACHELINE, (sizeof(*w) + DP_CACHELINE - 1) / DP_CACHELINE * DP_CACHELINE);
	if (!w)
		return NULL;
	memset(w, 0, sizeof(*w));
	w->refresh = calloc(DP_REFRESH_SLOTS, sizeof(*w->refresh));
	w->hc = calloc(DP_HOST_STATS_SLOTS + 1, sizeof(*w->hc)); /* pages are touched only by the hosts that count */
	rc = w->refresh && w->hc ? dp_flowtab_init(&w->ft, p) : -ENOMEM;
	if (rc) {
		free(w->refresh);
		free(w->hc);
		free(w);
		errno = -rc;
		return NULL;
	}
	w->core = core;
	atomic_init(&w->qs, 0);
	pthread_mutex_lock(core->lock);
	for (i = 0; i < core->max_workers; i++) {
		struct dp_worker *none = NULL;
		if (atomic_compare_exchange_strong(&core->workers[i], &none, w))
			break;
	}
	pthread_mutex_unlock(core->lock);
	if (i == core->max_workers) {
		dp_flowtab_destroy(&w->ft);
		free(w->refresh);
		free(w->hc);
		free(w);
		errno = ENOSPC;
		return NULL;
	}
	w->slot = i;
	return w;
}

void dp_worker_free(struct dp_worker *w)
{
	struct dp_core *core;

	if (!w)
		return;
	core = w->core;
	pthread_mutex_lock(core->lock);
	for (unsigned s = 0; s <= DP_HOST_STATS_SLOTS; s++)
		for (unsigned c = 0; c < DP_C_MAX; c++)
			core->hc_gone[s][c] += w->hc[s][c];
	atomic_store(&core->workers[w->slot], NULL);
	reclaim(core);
	pthread_mutex_unlock(core->lock);
	dp_flowtab_destroy(&w->ft);
	free(w->refresh);
	free(w->hc);
	free(w);
}

void dp_worker_offline(struct dp_worker *w)
{
	atomic_store_explicit(&w->qs, 0, memory_order_release);
}

/* Announce the newest epoch, then (after a full fence) read the config: the pair the publisher relies on. */
static inline void quiescent(struct dp_worker *w)
{
	atomic_store_explicit(&w->qs, atomic_load_explicit(&w->core->epoch, memory_order_acquire),
			      memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
}

/* Counts every packet of a decided burst once: under its reason, in its host's row (the totals are the rows' sum).
 * A burst is mostly one run of the same counter (a flood, one host's flow): adding a run at once keeps the counter's
 * load-add-store chain (one store forwarded into the next load, per packet) out of the burst's critical path. */
static inline void count(uint64_t *restrict hc, const uint32_t *restrict counted, unsigned n)
{
	uint32_t cur = counted[0];
	uint64_t run = 0;

	for (unsigned i = 0; i < n; i++) {
		if (counted[i] != cur) {
			/* one writer per row: a relaxed load+store is tear-free for the control thread's sums */
			__atomic_store_n(&hc[cur], hc[cur] + run, __ATOMIC_RELAXED);
			cur = counted[i];
			run = 0;
		}
		run++;
	}
	__atomic_store_n(&hc[cur], hc[cur] + run, __ATOMIC_RELAXED);
}

/* Decides up to DP_BURST packets, then counts each under its reason, once, in the totals and in its host's row. */
static void decide(struct dp_worker *w, const struct dp_config *cfg, struct dp_pkt **pkts, uint8_t *actions, unsigned n)
{
	unsigned i;

	/* Pass 1 starts the flow-table cache misses of the whole burst; pass 2 finds them (mostly) in cache. */
	for (i = 0; i < n; i++)
		dp_verdict_prefetch(w, pkts[i]);
	w->cur_actions = actions;
	if (DP_UNLIKELY(!cfg)) { /* nothing published yet: no host is protected */
		for (i = 0; i < n; i++) {
			actions[i] = DP_ACT_DROP;
			w->counted[i] = DP_HOST_ROW_SPILL + DP_C_DROP_UNKNOWN_HOST;
		}
	}
	for (i = 0; cfg && i < n; i++) {
		if (i + 1 < n)
			__builtin_prefetch(pkts[i + 1]->data);
		actions[i] = (uint8_t)dp_verdict(w, cfg, pkts[i], i);
	}
	if (w->npend)
		dp_verdict_flush(w);
	if (w->nack)
		dp_verdict_flush_acks(w);
	count(w->hc[0], w->counted, n);
	w->last_reason = (enum dp_counter)(w->counted[n - 1] % DP_C_MAX);
}

void dp_worker_burst(struct dp_worker *w, struct dp_pkt **pkts, uint8_t *actions, unsigned n, uint64_t now_ns)
{
	uint64_t expired = 0, *spill = w->hc[DP_HOST_SLOT_SPILL];
	const struct dp_config *cfg;
	unsigned i;

	quiescent(w);
	cfg = atomic_load_explicit(&w->core->cfg, memory_order_acquire);
	w->cur_expired = &expired;
	w->cur_now = now_ns;
	w->cur_now_s = (uint32_t)(now_ns / 1000000000);
	w->last_host = NULL;
	w->clk_host = NULL;
	w->opt_host = NULL;
	for (i = 0; i < n; i += DP_BURST)
		decide(w, cfg, pkts + i, actions + i, n - i < DP_BURST ? n - i : DP_BURST);
	w->cur_actions = NULL;
	w->cur_expired = NULL;
	w->last_host = NULL;
	w->clk_host = NULL;
	w->opt_host = NULL;
	/* Expire a few idle flows per burst instead of a stop-the-world GC. */
	expired += dp_flow_sweep(&w->ft, w->cur_now_s, 32);
	if (expired)
		__atomic_store_n(&spill[DP_C_FLOW_EXPIRED], spill[DP_C_FLOW_EXPIRED] + expired, __ATOMIC_RELAXED);
	atomic_store_explicit(&w->flows_gauge, w->ft.count, memory_order_relaxed);
	/* Nothing of cfg is held past this point: between bursts a worker is offline, so an idle worker (blocked in
	 * poll, or simply not called) never holds up reclamation. Release orders every read of cfg before it. */
	atomic_store_explicit(&w->qs, 0, memory_order_release);
}

enum dp_counter dp_worker_last_reason(const struct dp_worker *w)
{
	return w->last_reason;
}

/* Adds every row of a worker's counters (relaxed loads: each is tear-free) to c. */
static void add_rows(uint64_t *c, const dp_host_row *rows)
{
	for (unsigned s = 0; s <= DP_HOST_STATS_SLOTS; s++)
		for (unsigned k = 0; k < DP_C_MAX; k++)
			c[k] += __atomic_load_n(&rows[s][k], __ATOMIC_RELAXED);
}

void dp_worker_stats(const struct dp_worker *w, struct dp_stats *out)
{
	memset(out, 0, sizeof(*out));
	add_rows(out->c, w->hc);
	derive_sums(out->c);
	out->flows = atomic_load_explicit(&((struct dp_worker *)w)->flows_gauge, memory_order_relaxed);
}

void dp_core_stats(const struct dp_core *core, struct dp_stats *out)
{
	struct dp_core *c = (struct dp_core *)core;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(c->lock);
	add_rows(out->c, c->hc_gone);
	for (unsigned i = 0; i < c->max_workers; i++) {
		struct dp_worker *w = atomic_load(&c->workers[i]);

		if (!w)
			continue;
		add_rows(out->c, w->hc);
		out->flows += atomic_load_explicit(&w->flows_gauge, memory_order_relaxed);
	}
	if (c->src.add_totals)
		c->src.add_totals(c->src.ctx, out);
	pthread_mutex_unlock(c->lock);
	derive_sums(out->c);
}

/* A host's counters since it was added: raw sums less its slot's base, then the sums derived. Lock held. */
static void host_totals(const struct dp_core *core, unsigned slot, struct dp_stats *out)
{
	memset(out, 0, sizeof(*out));
	slot_raw(core, slot, out->c);
	for (unsigned c = 0; c < DP_C_MAX; c++)
		out->c[c] = dp_counter_per_host((enum dp_counter)c) ? out->c[c] - core->hc_base[slot][c] : 0;
	derive_sums(out->c);
}

int dp_core_host_stats(const struct dp_core *core, const struct dp_addr *ip, struct dp_stats *out)
{
	struct dp_core *c = (struct dp_core *)core;
	const struct dp_config *cfg;
	const struct dp_host *h;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(c->lock);
	cfg = atomic_load(&c->cfg);
	h = cfg ? dp_host_lookup(cfg, ip->family, ip->a) : NULL;
	if (!h)
		rc = -ENOENT;
	else if (h->stats_slot == DP_HOST_SLOT_SPILL)
		rc = -ENOSPC;
	else
		host_totals(c, h->stats_slot, out);
	pthread_mutex_unlock(c->lock);
	return rc;
}

int dp_core_host_stats_each(const struct dp_core *core,
			    int (*fn)(void *ctx, const struct dp_addr *ip, const struct dp_stats *s), void *ctx)
{
	struct dp_core *c = (struct dp_core *)core;
	const struct dp_config *cfg;
	int rc = 0;

	pthread_mutex_lock(c->lock);
	cfg = atomic_load(&c->cfg);
	for (unsigned i = 0; cfg && i < cfg->n_hosts && !rc; i++) {
		const struct dp_host *h = &cfg->hosts[i];
		struct dp_stats s;

		if (h->stats_slot == DP_HOST_SLOT_SPILL)
			continue;
		host_totals(c, h->stats_slot, &s);
		rc = fn(ctx, &h->cfg.ip, &s);
	}
	pthread_mutex_unlock(c->lock);
	return rc;
}
