/* workers.c: the packet loops: one pinned thread per RX queue, burst in, verdicts, replies and forwards out. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/dataplane_int.h"

static void publish_port_stats(struct dp_wk *k)
{
	struct dp_port_pub now = {
		.rx_frames = k->rx.stats.rx_packets,
		.rx_not_host = k->rx.stats.rx_not_host,
		.rx_csum_partial = k->rx.stats.rx_csum_partial,
		.tx_packets = k->rx.stats.tx_packets + (k->has_tx ? k->tx.stats.tx_packets : 0),
		.tx_failed = k->rx.stats.tx_failed + (k->has_tx ? k->tx.stats.tx_failed : 0),
		.kernel_drops = k->rx.stats.kernel_drops,
		.rx_gso = k->rx.stats.rx_gso,
		.rx_truncated = k->rx.stats.rx_truncated,
		.tx_oversize = k->rx.stats.tx_oversize + (k->has_tx ? k->tx.stats.tx_oversize : 0),
	};
	/* single writer: relaxed stores are tear-free for the control thread's relaxed loads */
	__atomic_store_n(&k->pub.rx_frames, now.rx_frames, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.rx_not_host, now.rx_not_host, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.rx_csum_partial, now.rx_csum_partial, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.tx_packets, now.tx_packets, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.tx_failed, now.tx_failed, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.kernel_drops, now.kernel_drops, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.rx_gso, now.rx_gso, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.rx_truncated, now.rx_truncated, __ATOMIC_RELAXED);
	__atomic_store_n(&k->pub.tx_oversize, now.tx_oversize, __ATOMIC_RELAXED);
}

static void *worker_main(void *arg)
{
	struct dp_wk *k = arg;
	struct dp_port *txp = k->has_tx ? &k->tx : &k->rx;
	struct dp_pkt *pkts[DP_BURST], *reply[DP_BURST], *fwd[DP_BURST];
	uint8_t act[DP_BURST];
	unsigned n, i, nr, nf;
	uint64_t sweep_ns = 0;

	if (k->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(k->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (!__atomic_load_n(&k->dp->stop, __ATOMIC_ACQUIRE)) {
		uint64_t loop_ns = dp_now_ns();

		__atomic_store_n(&k->last_loop_ns, loop_ns, __ATOMIC_RELAXED);
		/* The XDP program's flows are removed when found idle; the rest a batch every 100 ms (worker 0). */
		if (k->dp->fastpath && k->idx == 0 && loop_ns - sweep_ns >= 100000000ull) {
			dp_fastpath_sweep(k->dp->fastpath, loop_ns, 256);
			sweep_ns = loop_ns;
		}
		/* rx_burst may sleep when idle: stay offline so config publishing never waits on us */
		dp_worker_offline(k->w);
		n = k->rx.ops->rx_burst(&k->rx, pkts, DP_BURST);
		if (!n) {
			publish_port_stats(k);
			continue;
		}
		dp_worker_burst(k->w, pkts, act, n, dp_now_ns());
		nr = nf = 0;
		for (i = 0; i < n; i++) {
			if (act[i] == DP_ACT_REPLY) {
				pkts[i]->flags &=
					(uint16_t)~DP_PKT_GSO; /* a reply is one small frame, whatever came in */
				reply[nr++] = pkts[i];
			} else if (act[i] == DP_ACT_FORWARD) {
				fwd[nf++] = pkts[i];
			}
		}
		if (nr)
			k->rx.ops->tx_burst(&k->rx, reply, nr);
		if (nf)
			txp->ops->tx_burst(txp, fwd, nf);
		publish_port_stats(k);
	}
	/* the in-flight burst is done and its frames are queued on the TX rings; let the kernel send them */
	dp_worker_offline(k->w);
	k->rx.ops->tx_burst(&k->rx, NULL, 0);
	if (k->has_tx)
		k->tx.ops->tx_burst(&k->tx, NULL, 0);
	publish_port_stats(k);
	__atomic_store_n(&k->running, false, __ATOMIC_RELEASE);
	return NULL;
}

static int open_worker(struct dp_dataplane *dp, struct dp_wk *k, unsigned idx, unsigned nworkers)
{
	bool split = dp->tx_iface[0] && strcmp(dp->tx_iface, dp->iface);
	struct dp_port_cfg rx = {
		.ifname = dp->iface,
		.queue = idx,
		.nqueues = nworkers,
		.fanout_group = ((unsigned)getpid() * 31u + (unsigned)if_nametoindex(dp->iface)) & 0xffff,
		.rx = true,
		.tx = true,
		.xdp_mode = dp->xdp_mode,
		.xsk_ring = dp->xsk_ring,
		.fastpath = dp->fastpath,
	};
	struct dp_worker_params wp = { .flow_slots = dp->flow_slots };
	int err;

	memset(k, 0, sizeof(*k));
	k->dp = dp;
	k->idx = idx;
	k->cpu = dp->ncpus ? dp->cpus[idx] : -1;
	k->rx.ops = dp->ops;
	err = dp->ops->open(&k->rx, &rx);
	if (err) {
		snprintf(dp->err, sizeof(dp->err), "worker %u: %s", idx, k->rx.err[0] ? k->rx.err : strerror(-err));
		return err;
	}
	if (split) {
		struct dp_port_cfg tx = {
			.ifname = dp->tx_iface,
			.queue = idx,
			.nqueues = nworkers,
			.tx = true,
			.xdp_mode = dp->xdp_mode,
			.xsk_ring = dp->xsk_ring,
		};

		k->tx.ops = dp->ops;
		err = dp->ops->open(&k->tx, &tx);
		if (err) {
			snprintf(dp->err, sizeof(dp->err), "worker %u: %s", idx,
				 k->tx.err[0] ? k->tx.err : strerror(-err));
			goto out_close_rx;
		}
		k->has_tx = true;
	}
	k->w = dp_worker_new(dp->core, &wp);
	if (!k->w) {
		err = -errno;
		snprintf(dp->err, sizeof(dp->err), "worker %u: flow table: %s", idx, strerror(errno));
		goto out_close_tx;
	}
	return 0;
out_close_tx:
	if (k->has_tx)
		k->tx.ops->close(&k->tx);
out_close_rx:
	k->rx.ops->close(&k->rx);
	return err;
}

static void close_worker(struct dp_dataplane *dp, struct dp_wk *k)
{
	struct dp_port_pub *r = &dp->retired;

	r->rx_frames += k->pub.rx_frames;
	r->rx_not_host += k->pub.rx_not_host;
	r->rx_csum_partial += k->pub.rx_csum_partial;
	r->tx_packets += k->pub.tx_packets;
	r->tx_failed += k->pub.tx_failed;
	r->kernel_drops += k->pub.kernel_drops;
	r->rx_gso += k->pub.rx_gso;
	r->rx_truncated += k->pub.rx_truncated;
	r->tx_oversize += k->pub.tx_oversize;
	memset(&k->pub, 0, sizeof(k->pub));
	if (k->has_tx)
		k->tx.ops->close(&k->tx);
	k->rx.ops->close(&k->rx);
	dp_worker_free(k->w); /* the core keeps a freed worker's counters in its totals */
	k->w = NULL;
}

int dp_workers_start(struct dp_dataplane *dp)
{
	unsigned n = dp->ncpus ? dp->ncpus : 1, i;
	int err;

	dp->stop = false;
	for (i = 0; i < n; i++) {
		err = open_worker(dp, &dp->wk[i], i, n);
		if (err)
			goto out_close_workers;
	}
	dp->nworkers = n;
	for (i = 0; i < n; i++) {
		struct dp_wk *k = &dp->wk[i];

		pthread_attr_t attr;

		k->running = true;
		k->last_loop_ns = dp_now_ns();
		pthread_attr_init(&attr);
		if (dp->rt_priority) {
			struct sched_param sp = { .sched_priority = (int)dp->rt_priority };

			/* real-time workers, as the original: a descheduled worker overflows its ring under load */
			pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
			pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
			pthread_attr_setschedparam(&attr, &sp);
		}
		err = -pthread_create(&k->thread, &attr, worker_main, k);
		pthread_attr_destroy(&attr);
		if (err) {
			snprintf(dp->err, sizeof(dp->err), "worker %u: thread: %s%s", i, strerror(-err),
				 err == -EPERM && dp->rt_priority ? " (SCHED_FIFO needs CAP_SYS_NICE)" : "");
			k->running = false;
			dp->nworkers = i;
			dp_workers_stop(dp);
			for (; i < n; i++)
				close_worker(dp, &dp->wk[i]);
			return err;
		}
	}
	return 0;
out_close_workers:
	while (i--)
		close_worker(dp, &dp->wk[i]);
	return err;
}

void dp_workers_stop(struct dp_dataplane *dp)
{
	__atomic_store_n(&dp->stop, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < dp->nworkers; i++)
		pthread_join(dp->wk[i].thread, NULL);
	/* counters move to the retired sums before the rows go; totals never step back */
	for (unsigned i = 0; i < dp->nworkers; i++)
		close_worker(dp, &dp->wk[i]);
	dp->nworkers = 0;
}
