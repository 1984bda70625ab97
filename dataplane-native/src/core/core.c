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
};

const char *dp_counter_name(enum dp_counter c)
{
	return (unsigned)c < DP_C_MAX ? counter_names[c] : NULL;
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
	lock = malloc(sizeof(*lock));
	if (!core->workers || !lock) {
		free(core->workers);
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
			dp_config_free(core->retired[i].cfg);
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
		dp_config_free(core->retired[i].cfg);
	dp_config_free(atomic_load(&core->cfg));
	pthread_mutex_destroy(core->lock);
	free(core->lock);
	free(core->workers);
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
	rc = w->refresh ? dp_flowtab_init(&w->ft, p) : -ENOMEM;
	if (rc) {
		free(w->refresh);
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
	for (unsigned c = 0; c < DP_C_MAX; c++)
		core->gone[c] += atomic_load_explicit(&w->stats[c], memory_order_relaxed);
	atomic_store(&core->workers[w->slot], NULL);
	reclaim(core);
	pthread_mutex_unlock(core->lock);
	dp_flowtab_destroy(&w->ft);
	free(w->refresh);
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

void dp_worker_online(struct dp_worker *w)
{
	quiescent(w);
}

void dp_worker_burst(struct dp_worker *w, struct dp_pkt **pkts, uint8_t *actions, unsigned n, uint64_t now_ns)
{
	uint64_t cnt[DP_C_MAX] = { 0 };
	const struct dp_config *cfg;
	unsigned i, c;

	quiescent(w);
	cfg = atomic_load_explicit(&w->core->cfg, memory_order_acquire);
	/* Pass 1 starts the flow-table cache misses of the whole burst; pass 2 finds them (mostly) in cache. */
	for (i = 0; i < n; i++)
		dp_verdict_prefetch(w, pkts[i]);
	w->cur_actions = actions;
	w->cur_cnt = cnt;
	w->last_host = NULL;
	w->clk_host = NULL;
	w->opt_host = NULL;
	w->cur_now = now_ns;
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			__builtin_prefetch(pkts[i + 1]->data);
		w->cur_index = i;
		actions[i] = (uint8_t)dp_verdict(w, cfg, pkts[i], now_ns, cnt);
		/* bursts longer than DP_BURST: flush as we go */
		if (DP_UNLIKELY(w->npend == DP_BURST))
			dp_verdict_flush(w);
		if (DP_UNLIKELY(w->nack == DP_BURST))
			dp_verdict_flush_acks(w);
	}
	if (w->npend)
		dp_verdict_flush(w);
	if (w->nack)
		dp_verdict_flush_acks(w);
	w->cur_actions = NULL;
	w->cur_cnt = NULL;
	w->last_host = NULL;
	w->clk_host = NULL;
	w->opt_host = NULL;
	/* Expire a few idle flows per burst instead of a stop-the-world GC. */
	cnt[DP_C_FLOW_EXPIRED] += dp_flow_sweep(&w->ft, (uint32_t)(now_ns / 1000000000), 32);
	/* One writer per counter: a relaxed load+store is tear-free and needs no lock prefix. */
	for (c = 0; c < DP_C_MAX; c++)
		if (cnt[c])
			atomic_store_explicit(&w->stats[c], atomic_load_explicit(&w->stats[c], memory_order_relaxed) +
							       cnt[c], memory_order_relaxed);
	atomic_store_explicit(&w->flows_gauge, w->ft.count, memory_order_relaxed);
	/* Nothing of cfg is held past this point: between bursts a worker is offline, so an idle worker (blocked in
	 * poll, or simply not called) never holds up reclamation. Release orders every read of cfg before it. */
	atomic_store_explicit(&w->qs, 0, memory_order_release);
}

enum dp_counter dp_worker_last_reason(const struct dp_worker *w)
{
	return w->last_reason;
}

void dp_worker_stats(const struct dp_worker *w, struct dp_stats *out)
{
	unsigned c;

	for (c = 0; c < DP_C_MAX; c++)
		out->c[c] = atomic_load_explicit(&((struct dp_worker *)w)->stats[c], memory_order_relaxed);
	out->flows = atomic_load_explicit(&((struct dp_worker *)w)->flows_gauge, memory_order_relaxed);
}

void dp_core_stats(const struct dp_core *core, struct dp_stats *out)
{
	struct dp_core *c = (struct dp_core *)core;
	unsigned i, k;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(c->lock);
	for (k = 0; k < DP_C_MAX; k++)
		out->c[k] = c->gone[k];
	for (i = 0; i < c->max_workers; i++) {
		struct dp_worker *w = atomic_load(&c->workers[i]);
		struct dp_stats s;

		if (!w)
			continue;
		dp_worker_stats(w, &s);
		for (k = 0; k < DP_C_MAX; k++)
			out->c[k] += s.c[k];
		out->flows += s.flows;
	}
	pthread_mutex_unlock(c->lock);
}
