/* dataplane.c: the control API of dataplane.h: hosts and secrets kept here, published to the core as snapshots. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/control.h"
#include "engine/dataplane_int.h"

#define API DP_EXPORT


static int set_err(struct dp_dataplane *dp, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dp->err, sizeof(dp->err), fmt, ap);
	va_end(ap);
	return rc;
}

API const char *dp_dataplane_backends(void)
{
	return dp_backend_summary();
}

/* Backend xdp: loads the fast path (the kernel's verifier checks it here) with the forward port. Backend afxdp: its
 * redirect program, which hands the protected hosts' frames to the sockets and leaves the rest to the kernel. */
static int open_fastpath(struct dp_dataplane *dp)
{
	bool fast = dp->ops == DP_BACKEND_XDP;
	struct dp_fastpath_opts fo = { .flow_slots = fast ? dp->flow_slots : 16,
				       .use = fast ? DP_FASTPATH_XDP : DP_FASTPATH_REDIRECT };
	char why[200];
	int err;

	if (fast && dp->tx_iface[0] && strcmp(dp->tx_iface, dp->iface)) {
		struct dp_port probe;

		memset(&probe, 0, sizeof(probe));
		err = dp_if_lookup(&probe, dp->tx_iface);
		if (err)
			return set_err(dp, err, "tx_iface: %s", probe.err);
		fo.tx_ifindex = probe.ifindex;
	}
	err = dp_fastpath_open(&fo, &dp->fastpath, why, sizeof(why));
	if (err)
		return set_err(dp, err, "backend %s: %s", dp->ops->name, why);
	return 0;
}

/*
 * Backend afpacket: the protected hosts' frames end after the packet sockets took them (the tc filter dp_tc_taken,
 * fed by the fast path's hosts map) instead of going on into the box's own IP stack, which would spend as much on
 * each as the dataplane does, or forward it with ip_forward=1. Without BPF the dataplane runs as before: said once.
 */
static void take_from_stack(struct dp_dataplane *dp)
{
	struct dp_fastpath_opts fo = { .flow_slots = 16, .use = DP_FASTPATH_TC };
	struct dp_port probe;
	char why[200];
	int err;

	memset(&probe, 0, sizeof(probe));
	err = dp_if_lookup(&probe, dp->iface);
	if (!err)
		err = dp_fastpath_open(&fo, &dp->fastpath, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", probe.err);
	if (!err && (err = dp_fastpath_tc_attach(dp->fastpath, probe.ifindex, why, sizeof(why)))) {
		dp_fastpath_close(dp->fastpath);
		dp->fastpath = NULL;
	}
	if (err)
		fprintf(stderr,
			"afpacket: the protected hosts' frames also go on into this box's IP stack (%s): keep "
			"ip_forward=0 on %s\n",
			why, dp->iface);
}

API int dp_dataplane_create(const struct dp_dataplane_opts *o, struct dp_dataplane **out)
{
	struct dp_dataplane *dp;
	const char *backend = o->backend && *o->backend ? o->backend : "afpacket";
	struct dp_port probe;
	int err;

	*out = NULL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	pthread_mutex_init(&dp->lock, NULL);
	*out = dp; /* even on failure, so the caller can read last_error; destroy frees it */
	snprintf(dp->backend, sizeof(dp->backend), "%s", backend);
	dp->ops = dp_backend_find(backend);
	if (!dp->ops)
		return set_err(dp, -EPROTONOSUPPORT, "backend '%s' not available: %s", backend,
			       dp_backend_status(backend));
	if (!o->iface || !*o->iface)
		return set_err(dp, -EINVAL, "iface: missing (the input interface)");
	if (strlen(o->iface) >= IF_NAMESIZE || (o->tx_iface && strlen(o->tx_iface) >= IF_NAMESIZE))
		return set_err(dp, -EINVAL, "iface: name too long");
	snprintf(dp->iface, sizeof(dp->iface), "%s", o->iface);
	snprintf(dp->tx_iface, sizeof(dp->tx_iface), "%s", o->tx_iface ? o->tx_iface : "");
	if (o->cpus && *o->cpus && dp_cpulist_parse(o->cpus, dp->cpus, DP_MAX_WORKERS, &dp->ncpus))
		return set_err(dp, -EINVAL, "cpus: '%s' is not a CPU list like 0-3,6 (at most %d)", o->cpus,
			       DP_MAX_WORKERS);
	dp->flow_slots = o->flow_slots;
	dp->xdp_mode = o->xdp_mode;
	if (o->rt_priority > 99)
		return set_err(dp, -EINVAL, "rt_priority: %u is outside 1..99", o->rt_priority);
	dp->rt_priority = o->rt_priority;
	if (o->xsk_ring && (o->xsk_ring < DP_XSK_RING_MIN || o->xsk_ring > DP_XSK_RING_MAX ||
			    (o->xsk_ring & (o->xsk_ring - 1))))
		return set_err(dp, -EINVAL, "xsk_ring: %u is not a power of two from %u to %u", o->xsk_ring,
			       DP_XSK_RING_MIN, DP_XSK_RING_MAX);
	dp->xsk_ring = o->xsk_ring ? o->xsk_ring : DP_XSK_RING_DEFAULT;
	/* our MACs: frames to any other MAC are not ours (the core drops them) */
	memset(&probe, 0, sizeof(probe));
	if (dp->ops == &dp_backend_memory) {
		static const uint8_t mem_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

		memcpy(dp->macs[dp->n_macs++], mem_mac, 6);
	} else {
		err = dp_if_lookup(&probe, dp->iface);
		if (err)
			return set_err(dp, err, "iface: %s", probe.err);
		memcpy(dp->macs[dp->n_macs++], probe.mac, 6);
		if (dp->tx_iface[0] && strcmp(dp->tx_iface, dp->iface)) {
			err = dp_if_lookup(&probe, dp->tx_iface);
			if (err)
				return set_err(dp, err, "tx_iface: %s", probe.err);
			if (memcmp(probe.mac, dp->macs[0], 6))
				memcpy(dp->macs[dp->n_macs++], probe.mac, 6);
			memcpy(dp->fwd_mac, probe.mac, 6); /* forwarded frames leave by it, with its MAC */
			dp->has_fwd_mac = true;
		}
	}
	if ((dp->ops == DP_BACKEND_XDP || dp->ops == DP_BACKEND_AFXDP) && (err = open_fastpath(dp)))
		return err;
	if (!strcmp(dp->ops->name, "afpacket"))
		take_from_stack(dp);
	dp->core = dp_core_new(dp->ncpus ? dp->ncpus : 1);
	if (!dp->core)
		return set_err(dp, -errno, "core: %s", strerror(errno));
	if (dp->fastpath && dp->ops == DP_BACKEND_XDP) { /* what the program decides counts with the workers' */
		struct dp_counter_source src;

		dp_fastpath_counter_source(dp->fastpath, &src);
		dp_core_set_counter_source(dp->core, &src);
	}
	dp->state = DP_STATE_CREATED;
	return 0;
}

static const struct dp_addr *secrets_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_secrets_slot *)ctx)[i].ip;
}

const struct dp_secrets_file *dp_dataplane_secrets_for(struct dp_dataplane *dp, const struct dp_addr *ip)
{
	int i = dp->secrets_idx.slot ? dp_addr_set_find(&dp->secrets_idx, ip, 0, false, secrets_ip, dp->secrets) : -1;

	return i < 0 ? NULL : &dp->secrets[i].file;
}

/* Builds a complete configuration from the host list and the secrets and makes it current. */
int dp_dataplane_publish(struct dp_dataplane *dp)
{
	struct dp_config *cfg = dp_config_new((const uint8_t(*)[6])dp->macs, dp->n_macs);
	char why[200];
	int err;

	if (!cfg)
		return set_err(dp, -errno, "config: %s", strerror(errno));
	if (dp->has_fwd_mac)
		dp_config_set_forward_mac(cfg, dp->fwd_mac);
	for (unsigned i = 0; i < dp->hosts.n; i++) {
		struct dp_host_cfg h = dp->hosts.v[i].cfg;
		const struct dp_secrets_file *s = dp_dataplane_secrets_for(dp, &h.ip);

		if (s)
			dp_secrets_apply(s, &h);
		err = dp_config_set_host(cfg, &h);
		if (err) {
			dp_config_free(cfg);
			return set_err(dp, err, "host %s: rejected by the core (%s)", dp->hosts.v[i].ip_str,
				       strerror(-err));
		}
	}
	/* A host record the XDP program refuses refuses the whole update: the old one stays in force everywhere. */
	if (dp->fastpath && dp->ops == DP_BACKEND_XDP && (err = dp_fastpath_check(cfg, why, sizeof(why)))) {
		dp_config_free(cfg);
		return set_err(dp, err, "%s (previous configuration kept)", why);
	}
	err = dp_core_publish(dp->core, cfg);
	if (err) {
		dp_config_free(cfg);
		return set_err(dp, err, "publish: %s", strerror(-err));
	}
	/* then the program's maps, from the published config (its hosts' counter rows are assigned now) */
	if (dp->fastpath && (err = dp_fastpath_sync(dp->fastpath, dp_core_config(dp->core), why, sizeof(why)))) {
		if (strcmp(dp->ops->name, "afpacket")) /* a host missing from the map would reach the kernel unprotected */
			return set_err(dp, err, "%s", why);
		fprintf(stderr, "afpacket: the tc filter's hosts: %s\n", why); /* only the box's stack sees more */
	}
	return 0;
}

API int dp_dataplane_start(struct dp_dataplane *dp)
{
	int err = 0;

	pthread_mutex_lock(&dp->lock);
	if (dp->state == DP_STATE_RUNNING)
		goto out_unlock;
	if (!dp_core_config(dp->core) && (err = dp_dataplane_publish(dp)))
		goto out_unlock;
	err = dp_workers_start(dp);
	if (err) {
		dp->state = DP_STATE_FAILED;
		goto out_unlock;
	}
	dp->start_ns = dp_now_ns();
	dp->state = DP_STATE_RUNNING;
out_unlock:
	pthread_mutex_unlock(&dp->lock);
	return err;
}

API int dp_dataplane_stop(struct dp_dataplane *dp)
{
	pthread_mutex_lock(&dp->lock);
	if (dp->nworkers)
		dp_workers_stop(dp);
	if (dp->state == DP_STATE_RUNNING)
		dp->state = DP_STATE_STOPPED;
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

API void dp_dataplane_destroy(struct dp_dataplane *dp)
{
	if (!dp)
		return;
	dp_dataplane_stop(dp);
	if (dp->core) {
		dp_core_synchronize(dp->core);
		dp_core_free(dp->core);
	}
	dp_fastpath_close(dp->fastpath); /* after the workers: they detached the program */
	dp_hosts_free(&dp->hosts);
	if (dp->secrets)
		explicit_bzero(dp->secrets, dp->cap_secrets * sizeof(*dp->secrets));
	free(dp->secrets);
	dp_addr_set_free(&dp->secrets_idx);
	pthread_mutex_destroy(&dp->lock);
	free(dp);
}

enum {
	S_FLOWS = DP_C_MAX,
	S_RX_FRAMES,
	S_RX_NOT_HOST,
	S_RX_CSUM_PARTIAL,
	S_TX_PPS,
	S_TX_FAILED,
	S_RX_KERNEL_DROPS,
	S_RX_GSO,
	S_RX_TRUNCATED,
	S_TX_OVERSIZE,
	S_MAX
};

API const char *dp_dataplane_stat_name(unsigned i)
{
	static const char *const port_names[] = { "flows", "rx_frames", "rx_drop_not_host", "rx_csum_partial",
						  "tx_pps", "tx_failed", "rx_kernel_drops", "rx_gso", "rx_truncated",
						  "tx_oversize" };

	if (i < DP_C_MAX)
		return dp_counter_name((enum dp_counter)i);
	if (i < S_MAX)
		return port_names[i - DP_C_MAX];
	return NULL;
}

API int dp_dataplane_stats(struct dp_dataplane *dp, struct dp_dataplane_stats *out)
{
	struct dp_stats st;
	struct dp_port_pub p;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&dp->lock);
	dp_core_stats(dp->core, &st);
	p = dp->retired;
	for (unsigned i = 0; i < dp->nworkers; i++) {
		const struct dp_port_pub *w = &dp->wk[i].pub;

		p.rx_frames += __atomic_load_n(&w->rx_frames, __ATOMIC_RELAXED);
		p.rx_not_host += __atomic_load_n(&w->rx_not_host, __ATOMIC_RELAXED);
		p.rx_csum_partial += __atomic_load_n(&w->rx_csum_partial, __ATOMIC_RELAXED);
		p.tx_packets += __atomic_load_n(&w->tx_packets, __ATOMIC_RELAXED);
		p.tx_failed += __atomic_load_n(&w->tx_failed, __ATOMIC_RELAXED);
		p.kernel_drops += __atomic_load_n(&w->kernel_drops, __ATOMIC_RELAXED);
		p.rx_gso += __atomic_load_n(&w->rx_gso, __ATOMIC_RELAXED);
		p.rx_truncated += __atomic_load_n(&w->rx_truncated, __ATOMIC_RELAXED);
		p.tx_oversize += __atomic_load_n(&w->tx_oversize, __ATOMIC_RELAXED);
	}
	if (dp->fastpath) /* what the XDP programs left to the kernel, as for no protected host */
		p.rx_not_host += dp_fastpath_to_kernel(dp->fastpath);
	for (unsigned c = 0; c < DP_C_MAX; c++)
		out->v[c] = st.c[c];
	out->v[S_FLOWS] = st.flows;
	out->v[S_RX_FRAMES] = p.rx_frames;
	out->v[S_RX_NOT_HOST] = p.rx_not_host;
	out->v[S_RX_CSUM_PARTIAL] = p.rx_csum_partial;
	out->v[S_TX_PPS] = p.tx_packets;
	out->v[S_TX_FAILED] = p.tx_failed;
	out->v[S_RX_KERNEL_DROPS] = p.kernel_drops;
	out->v[S_RX_GSO] = p.rx_gso;
	out->v[S_RX_TRUNCATED] = p.rx_truncated;
	out->v[S_TX_OVERSIZE] = p.tx_oversize;
	out->n = S_MAX;
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

API int dp_dataplane_health(struct dp_dataplane *dp, struct dp_dataplane_health *out)
{
	uint64_t now = dp_now_ns();

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&dp->lock);
	out->workers = dp->nworkers;
	for (unsigned i = 0; i < dp->nworkers; i++) {
		const struct dp_wk *k = &dp->wk[i];

		if (__atomic_load_n(&k->running, __ATOMIC_ACQUIRE) &&
		    now - __atomic_load_n(&k->last_loop_ns, __ATOMIC_RELAXED) < 1000000000ull)
			out->workers_alive++;
	}
	if (dp->state == DP_STATE_RUNNING && out->workers_alive < out->workers)
		snprintf(dp->err, sizeof(dp->err), "%u of %u workers stalled", out->workers - out->workers_alive,
			 out->workers);
	out->state = dp->state;
	out->hosts = dp->hosts.n;
	for (unsigned i = 0; i < dp->hosts.n; i++) {
		const struct dp_secrets_file *s = dp_dataplane_secrets_for(dp, &dp->hosts.v[i].cfg.ip);

		out->hosts_with_secrets += s && !s->all_zero;
	}
	out->generation = dp_core_generation(dp->core);
	out->uptime_ms = dp->state == DP_STATE_RUNNING ? (now - dp->start_ns) / 1000000ull : 0;
	snprintf(out->last_error, sizeof(out->last_error), "%s", dp->err);
	pthread_mutex_unlock(&dp->lock);
	return 0;
}

API const char *dp_dataplane_last_error(struct dp_dataplane *dp)
{
	return dp->err;
}

unsigned dp_dataplane_host_ips(struct dp_dataplane *dp, char (*ips)[48], unsigned max)
{
	unsigned n = 0;

	pthread_mutex_lock(&dp->lock);
	for (unsigned i = 0; i < dp->hosts.n && n < max; i++)
		dp_addr_format(&dp->hosts.v[i].cfg.ip, ips[n++], 48);
	pthread_mutex_unlock(&dp->lock);
	return n;
}

API int dp_dataplane_host_stats_each(struct dp_dataplane *dp,
				     int (*fn)(void *ctx, const struct dp_addr *ip, const struct dp_stats *s),
				     void *ctx)
{
	int rc;

	pthread_mutex_lock(&dp->lock);
	rc = dp_core_host_stats_each(dp->core, fn, ctx);
	pthread_mutex_unlock(&dp->lock);
	return rc;
}

struct text_out {
	char *buf;
	size_t cap, off;
	unsigned n;
};

static int host_line(void *ctx, const struct dp_addr *ip, const struct dp_stats *s)
{
	struct text_out *t = ctx;
	char a[48];
	int n;

	dp_addr_format(ip, a, sizeof(a));
	n = snprintf(t->buf + t->off, t->cap - t->off, "%s %llu %llu %llu %llu\n", a,
		     (unsigned long long)s->c[DP_C_RX], (unsigned long long)s->c[DP_C_SYN],
		     (unsigned long long)s->c[DP_C_FORWARDED], (unsigned long long)s->c[DP_C_DROP]);
	if (n < 0 || (size_t)n >= t->cap - t->off)
		return 1; /* full: stop */
	t->off += (size_t)n;
	t->n++;
	return 0;
}

API size_t dp_dataplane_host_stats_text(struct dp_dataplane *dp, char *buf, size_t cap, unsigned *nhosts)
{
	struct text_out t = { .buf = buf, .cap = cap };

	if (cap)
		buf[0] = 0;
	dp_dataplane_host_stats_each(dp, host_line, &t);
	*nhosts = t.n;
	return t.off;
}
