/* fastpath_xdp.c: loads the XDP program built into the library (src/xdp, embedded by the Makefile) with libbpf, and
 * keeps its maps equal to the core's published configuration: one element per host, written whole. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/fastpath.h"
#include "core_int.h"
#include "xdp/fastpath_abi.h"

_Static_assert(DP_C_MAX <= DP_XDP_C_TO_KERNEL, "the program's counter rows hold every enum dp_counter, then its own");
_Static_assert(DP_XDP_ROW_SPILL == DP_HOST_STATS_SLOTS, "the program's rows are the core's");
_Static_assert(DP_HOST_SLOT_SPILL == DP_HOST_STATS_SLOTS, "the spill row");
_Static_assert(sizeof(struct dp_xdp_addr) == sizeof(struct dp_addr), "host key = struct dp_addr");
_Static_assert(DP_MAX_MACS <= DP_XDP_MAX_MACS, "our MACs");
_Static_assert(DP_TCP_PROFILE_PORTS == DP_XDP_PORT_WS, "listeners with their own window/scale");

/* The object file, embedded by the Makefile (xdp_object.S). */
extern const char dp_xdp_object[];
extern const char dp_xdp_object_end[];

struct dp_fastpath {
	struct bpf_object *obj;
	int prog_fd, redirect_fd;
	int config_fd, hosts_fd, flows_fd, counters_fd, xsks_fd, tx_port_fd;
	struct dp_xdp_config cfg;
	int ncpus;
	struct dp_xdp_addr *present; /* the hosts in the map */
	unsigned npresent;
	uint64_t expired;    /* flows the sweep removed (the program counts those it finds itself) */
	uint64_t flows_seen; /* flows counted by the last complete sweep pass */
	uint64_t flows_pass; /* flows counted so far in the current pass */
	struct dp_xdp_flow_key cursor;
	bool cursor_valid;
	int64_t pass_inserts; /* the program's flow inserts counted when the current pass began (-1: unread) */
	int64_t empty_at;     /* the same, of the last complete pass if it left the map empty; else -1 */
	uint64_t scans;	      /* passes begun: what the sweep really scanned */
	enum dp_fastpath_use use;
	int tc_fd;	  /* dp_tc_taken */
	int tc_ifindex;	  /* where it is attached (0: nowhere) */
	bool tc_own_hook; /* we created the clsact qdisc (and remove it again) */
};

#define TC_HANDLE 0x5c00c1ed /* our filter on the clsact ingress hook */
#define TC_PRIORITY 1

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int map_fd(struct dp_fastpath *fp, const char *name)
{
	return bpf_object__find_map_fd_by_name(fp->obj, name);
}

void dp_fastpath_close(struct dp_fastpath *fp)
{
	if (!fp)
		return;
	dp_fastpath_tc_detach(fp);
	bpf_object__close(fp->obj);
	free(fp->present);
	free(fp);
}

static void set_autoload(struct bpf_object *obj, const char *name, bool load)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (p)
		bpf_program__set_autoload(p, load);
}

/* A loaded program's fd; -1 when the object has no such program or it was not loaded. */
static int prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);
	int fd = p ? bpf_program__fd(p) : -1;

	return fd >= 0 ? fd : -1;
}

/* The core's flow table size for these parameters (flows.c): the map may hold as many flows as it does. */
static uint32_t flow_capacity(uint32_t slots)
{
	uint32_t n = 16;

	if (!slots)
		slots = 1U << 20;
	while (n < slots && n < (1U << 30))
		n <<= 1;
	return n / 4 * 3;
}

int dp_fastpath_open(const struct dp_fastpath_opts *o, struct dp_fastpath **out, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "syncookied_xdp");
	struct dp_fastpath *fp;
	struct bpf_map *flows;
	uint32_t zero = 0;
	int rc;

	*out = NULL;
	fp = calloc(1, sizeof(*fp));
	if (fp)
		fp->present = calloc(DP_XDP_MAX_HOSTS, sizeof(*fp->present));
	if (!fp || !fp->present) {
		free(fp);
		return fail(err, errlen, -ENOMEM, "xdp: out of memory");
	}
	fp->empty_at = -1; /* no pass yet: the first one scans */
	fp->ncpus = libbpf_num_possible_cpus();
	fp->obj = bpf_object__open_mem(dp_xdp_object, (size_t)(dp_xdp_object_end - dp_xdp_object), &oo);
	if (!fp->obj) {
		rc = -errno;
		free(fp);
		return fail(err, errlen, rc, "xdp: opening the built-in BPF object: %s", strerror(-rc));
	}
	flows = bpf_object__find_map_by_name(fp->obj, "dp_xdp_flows");
	if (!flows || bpf_map__set_max_entries(flows, flow_capacity(o->flow_slots))) {
		rc = fail(err, errlen, -EINVAL, "xdp: the BPF object has no flow map");
		goto out_close;
	}
	set_autoload(fp->obj, "dp_xdp_fastpath", o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_XDP);
	set_autoload(fp->obj, "dp_xdp_redirect", o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_REDIRECT);
	set_autoload(fp->obj, "dp_tc_taken", o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_TC);
	rc = bpf_object__load(fp->obj);
	if (rc) {
		rc = fail(err, errlen, rc, "xdp: loading the program: %s%s", strerror(-rc),
			  rc == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN)" : " (the kernel's verifier refused it?)");
		goto out_close;
	}
	fp->prog_fd = prog_fd(fp->obj, "dp_xdp_fastpath");
	fp->redirect_fd = prog_fd(fp->obj, "dp_xdp_redirect");
	fp->tc_fd = prog_fd(fp->obj, "dp_tc_taken");
	fp->use = o->use;
	fp->config_fd = map_fd(fp, "dp_xdp_config");
	fp->hosts_fd = map_fd(fp, "dp_xdp_hosts");
	fp->flows_fd = map_fd(fp, "dp_xdp_flows");
	fp->counters_fd = map_fd(fp, "dp_xdp_counters");
	fp->xsks_fd = map_fd(fp, "dp_xdp_xsks");
	fp->tx_port_fd = map_fd(fp, "dp_xdp_tx_port");
	if ((fp->prog_fd < 0 && (o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_XDP)) ||
	    (fp->redirect_fd < 0 && (o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_REDIRECT)) ||
	    (fp->tc_fd < 0 && (o->use == DP_FASTPATH_ALL || o->use == DP_FASTPATH_TC)) || fp->config_fd < 0 ||
	    fp->hosts_fd < 0 || fp->flows_fd < 0 || fp->counters_fd < 0 || fp->xsks_fd < 0 || fp->tx_port_fd < 0) {
		rc = fail(err, errlen, -ENOENT, "xdp: the BPF object lacks a program or map");
		goto out_close;
	}
	fp->cfg.est_timeout_s = o->est_timeout_s ? o->est_timeout_s : 600;
	fp->cfg.closing_timeout_s = o->closing_timeout_s ? o->closing_timeout_s : 120;
	fp->cfg.all_hosts = 1; /* no MAC yet: every frame goes to userspace */
	if (o->tx_ifindex > 0) {
		uint32_t ifindex = (uint32_t)o->tx_ifindex;

		rc = bpf_map_update_elem(fp->tx_port_fd, &zero, &ifindex, 0);
		if (rc) {
			rc = fail(err, errlen, rc,
				  "xdp: tx port ifindex %d: %s (does the interface support XDP "
				  "redirection?)",
				  o->tx_ifindex, strerror(-rc));
			goto out_close;
		}
		fp->cfg.tx_redirect = 1;
	}
	rc = bpf_map_update_elem(fp->config_fd, &zero, &fp->cfg, 0);
	if (rc) {
		rc = fail(err, errlen, rc, "xdp: config map: %s", strerror(-rc));
		goto out_close;
	}
	*out = fp;
	return 0;
out_close:
	dp_fastpath_close(fp);
	return rc;
}

int dp_fastpath_prog_fd(const struct dp_fastpath *fp)
{
	return fp ? fp->prog_fd : -1;
}

int dp_fastpath_redirect_fd(const struct dp_fastpath *fp)
{
	return fp->redirect_fd;
}

int dp_fastpath_tc_fd(const struct dp_fastpath *fp)
{
	return fp->tc_fd;
}

int dp_fastpath_xsk_map_fd(const struct dp_fastpath *fp)
{
	return fp->xsks_fd;
}

/* Sums a per-CPU value of n u64 counters into out. */
static int percpu_sum(struct dp_fastpath *fp, int fd, uint32_t key, unsigned n, uint64_t *out)
{
	size_t stride = (n * sizeof(uint64_t) + 7) / 8 * 8;
	uint64_t *v = calloc((size_t)fp->ncpus, stride);
	int rc;

	if (!v)
		return -ENOMEM;
	rc = bpf_map_lookup_elem(fd, &key, v);
	if (!rc)
		for (int cpu = 0; cpu < fp->ncpus; cpu++)
			for (unsigned i = 0; i < n; i++)
				out[i] += v[(size_t)cpu * (stride / 8) + i];
	free(v);
	return rc;
}

static bool zero_key(const dp_siphash_key_t *k)
{
	return !(k->key[0] | k->key[1]);
}

/* The map record of a published host: everything config.c precomputed, as the program reads it. */
static int encode(const struct dp_host *h, struct dp_xdp_host *r, char *err, size_t errlen)
{
	const struct dp_host_cfg *c = &h->cfg;
	char ip[48];

	inet_ntop(c->ip.family == 4 ? AF_INET : AF_INET6, c->ip.a, ip, sizeof(ip));
	memset(r, 0, sizeof(*r));
	r->row = h->stats_slot;
	memcpy(r->mac, c->mac, 6);
	if (c->filter || h->cs_cur.alg != DP_COOKIE_SIPHASH || c->syn_refresh_ms)
		r->flags |= DP_XDP_HOST_USERSPACE; /* filters, SHA-1 cookies and the SYN refresh stay in userspace */
	if (h->answerable) {
		/* An answerable host's keys are the kernel's: all-zero keys answer nothing any kernel would accept. */
		if (!(r->flags & DP_XDP_HOST_USERSPACE) && (zero_key(&h->cs_cur.key[0]) || zero_key(&h->cs_cur.key[1])))
			return fail(err, errlen, -EINVAL, "host %s: secrets: the SipHash keys are all zero", ip);
		r->flags |= DP_XDP_HOST_ANSWERABLE;
	}
	if (h->ts_usable)
		r->flags |= DP_XDP_HOST_TS_USABLE;
	if (c->flags & DP_HOST_PREV_VALID)
		r->flags |= DP_XDP_HOST_PREV_VALID;
	if (c->flags & DP_HOST_NOSECRET_PASS)
		r->flags |= DP_XDP_HOST_NOSECRET_PASS;
	if (c->flags & DP_HOST_PASSTHROUGH)
		r->flags |= DP_XDP_HOST_PASSTHROUGH;
	if (c->flags & DP_HOST_MD5_PASS)
		r->flags |= DP_XDP_HOST_MD5_PASS;
	memcpy(r->cur, h->cs_cur.key, sizeof(r->cur));
	memcpy(r->prev, h->cs_prev.key, sizeof(r->prev));
	r->ts_key = h->ts_key;
	r->tsoff_rule = c->ts_mode == DP_TS_ZERO || h->sys.tcp_timestamps == 2 ? DP_TSOFF_NONE : (uint8_t)c->ts_mode;
	r->clk = h->clk;
	r->pickup_until_ns = c->pickup_until_ns;
	r->sys = h->sys;
	r->mss = h->mss;
	r->window = h->window;
	r->window_ts = h->window_ts;
	r->wscale = h->wscale;
	r->ttl = h->ttl;
	r->n_port_ws = h->n_port_ws;
	for (unsigned i = 0; i < h->n_port_ws && i < DP_XDP_PORT_WS; i++) {
		r->port_ws[i].port = h->port_ws[i].port;
		r->port_ws[i].window = h->port_ws[i].window;
		r->port_ws[i].window_ts = h->port_ws[i].window_ts;
		r->port_ws[i].wscale = h->port_ws[i].wscale;
		if (r->port_ws[i].wscale > 14)
			return fail(err, errlen, -EINVAL, "host %s: listener wscale out of range", ip);
	}
	if (r->n_port_ws > DP_XDP_PORT_WS || r->wscale > 14 || r->ttl == 0 || r->mss == 0 ||
	    (c->ip.family != 4 && c->ip.family != 6))
		return fail(err, errlen, -EINVAL, "host %s: wscale/ttl/mss/family out of range", ip);
	return 0;
}

int dp_fastpath_check(const struct dp_config *cfg, char *err, size_t errlen)
{
	struct dp_xdp_host r;
	int rc = 0;

	for (unsigned i = 0; cfg && i < cfg->n_hosts && !rc; i++)
		rc = encode(&cfg->hosts[i], &r, err, errlen);
	explicit_bzero(&r, sizeof(r)); /* secrets must not linger */
	return rc;
}

static bool in_config(const struct dp_config *cfg, const struct dp_xdp_addr *ip)
{
	return cfg && dp_host_lookup(cfg, ip->family, ip->a) != NULL;
}

/* Remembers the hosts now in the map (removed ones are gone already). */
static void note_present(struct dp_fastpath *fp, const struct dp_config *cfg, unsigned n)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < fp->npresent; i++)
		if (fp->present[i].family)
			fp->present[kept++] = fp->present[i];
	fp->npresent = kept;
	for (unsigned i = 0; i < n; i++) {
		const struct dp_xdp_addr *ip = (const void *)&cfg->hosts[i].cfg.ip;
		unsigned j;

		for (j = 0; j < fp->npresent && memcmp(&fp->present[j], ip, sizeof(*ip)); j++)
			;
		if (j == fp->npresent && fp->npresent < DP_XDP_MAX_HOSTS)
			fp->present[fp->npresent++] = *ip;
	}
}

int dp_fastpath_sync(struct dp_fastpath *fp, const struct dp_config *cfg, char *err, size_t errlen)
{
	unsigned n = cfg ? cfg->n_hosts : 0, i;
	struct dp_xdp_host r;
	uint32_t zero = 0;
	int rc;

	/* only the fast path answers from the records; the other programs need the hosts' addresses */
	rc = fp->use == DP_FASTPATH_TC || fp->use == DP_FASTPATH_REDIRECT ? 0 : dp_fastpath_check(cfg, err, errlen);
	if (rc)
		return rc;
	if (n > DP_XDP_MAX_HOSTS)
		n = DP_XDP_MAX_HOSTS; /* the rest go to userspace: the program must not drop frames to them */
	fp->cfg.all_hosts = cfg && cfg->n_hosts <= DP_XDP_MAX_HOSTS;
	fp->cfg.n_macs = cfg ? cfg->n_macs : 0;
	for (i = 0; i < fp->cfg.n_macs; i++) {
		memcpy(fp->cfg.ours[i].mac, cfg->ours[i].mac, 6);
		memcpy(fp->cfg.ours[i].fwd_src, cfg->ours[i].fwd_src, 6);
	}
	for (i = 0; i < n; i++) {
		encode(&cfg->hosts[i], &r, err, errlen);
		/* One element per host, replaced whole: a packet sees the old record or the new one. */
		rc = bpf_map_update_elem(fp->hosts_fd, &cfg->hosts[i].cfg.ip, &r, BPF_ANY);
		if (rc) {
			fail(err, errlen, rc, "xdp: host map update: %s", strerror(-rc));
			goto out;
		}
	}
	rc = bpf_map_update_elem(fp->config_fd, &zero, &fp->cfg, 0);
	if (rc) {
		fail(err, errlen, rc, "xdp: config map: %s", strerror(-rc));
		goto out;
	}
	for (i = 0; i < fp->npresent; i++) {
		if (in_config(cfg, &fp->present[i]))
			continue;
		bpf_map_delete_elem(fp->hosts_fd, &fp->present[i]);
		fp->present[i].family = 0;
	}
	note_present(fp, cfg, n);
out:
	explicit_bzero(&r, sizeof(r));
	return rc;
}

static void add_row(void *ctx, unsigned row, uint64_t c[DP_C_MAX])
{
	struct dp_fastpath *fp = ctx;
	uint64_t v[DP_XDP_NCOUNTERS] = { 0 };

	percpu_sum(fp, fp->counters_fd, row, DP_XDP_NCOUNTERS, v);
	for (unsigned i = 0; i < DP_C_MAX; i++)
		c[i] += v[i];
}

static void add_totals(void *ctx, struct dp_stats *s)
{
	struct dp_fastpath *fp = ctx;

	add_row(fp, DP_XDP_ROW_TOTAL, s->c);
	s->c[DP_C_FLOW_EXPIRED] += __atomic_load_n(&fp->expired, __ATOMIC_RELAXED);
	s->flows += __atomic_load_n(&fp->flows_seen, __ATOMIC_RELAXED);
}

uint64_t dp_fastpath_to_kernel(struct dp_fastpath *fp)
{
	uint64_t v[DP_XDP_NCOUNTERS] = { 0 };

	percpu_sum(fp, fp->counters_fd, DP_XDP_ROW_TOTAL, DP_XDP_NCOUNTERS, v);
	return v[DP_XDP_C_TO_KERNEL];
}

void dp_fastpath_counter_source(struct dp_fastpath *fp, struct dp_counter_source *out)
{
	*out = (struct dp_counter_source){ .add_row = add_row, .add_totals = add_totals, .ctx = fp };
}

/* The flows the program has inserted so far (its counters only grow; only the program inserts), or -1. */
static int64_t flow_inserts(struct dp_fastpath *fp)
{
	uint64_t v[DP_XDP_NCOUNTERS] = { 0 };

	if (percpu_sum(fp, fp->counters_fd, DP_XDP_ROW_TOTAL, DP_XDP_NCOUNTERS, v))
		return -1;
	return (int64_t)(v[DP_C_FLOW_NEW] + v[DP_C_FLOW_PICKED_UP]);
}

/*
 * A batch of the flow map from the cursor on; the expired ones are deleted. Counts the pass's flows for the gauge.
 * A pass over a map that an earlier pass left empty, with no insert since that pass began, is skipped: a hash
 * map's batch lookup walks every bucket of an empty map in one call (1 ms for a million buckets), and on a kernel
 * without preemption that call holds off the NAPI thread of the same CPU for as long: under a flood with no
 * established flows its ring overflowed every 100 ms.
 */
uint32_t dp_fastpath_sweep(struct dp_fastpath *fp, uint64_t now_ns, uint32_t budget)
{
	enum {
		BATCH = 256
	};
	struct dp_xdp_flow_key keys[BATCH], dead[BATCH];
	struct dp_xdp_flow vals[BATCH];
	struct dp_xdp_flow_key next;
	uint32_t now_s = (uint32_t)(now_ns / 1000000000), count, ndead = 0, removed = 0;
	int rc;

	if (!fp->cursor_valid && budget) { /* a new pass */
		int64_t inserts = flow_inserts(fp);

		if (inserts >= 0 && inserts == fp->empty_at)
			return 0;
		fp->empty_at = -1;
		fp->pass_inserts = inserts;
		__atomic_store_n(&fp->scans, fp->scans + 1, __ATOMIC_RELAXED);
	}
	while (budget) {
		count = budget < BATCH ? budget : BATCH;
		rc = bpf_map_lookup_batch(fp->flows_fd, fp->cursor_valid ? &fp->cursor : NULL, &next, keys, vals,
					  &count, NULL);
		if (rc && rc != -ENOENT)
			break;
		for (uint32_t i = 0; i < count; i++) {
			uint32_t idle = now_s - vals[i].last_s;

			if (idle >=
			    (vals[i].state == DP_XDP_FLOW_CLOSING ? fp->cfg.closing_timeout_s : fp->cfg.est_timeout_s))
				dead[ndead++] = keys[i];
		}
		fp->flows_pass += count;
		if (ndead) {
			uint32_t d = ndead;

			bpf_map_delete_batch(fp->flows_fd, dead, &d, NULL);
			removed += d;
			fp->flows_pass -= d;
			ndead = 0;
		}
		budget -= count < budget ? count : budget;
		if (rc == -ENOENT) { /* the end of the map: the pass is complete */
			fp->empty_at = fp->flows_pass == 0 ? fp->pass_inserts : -1;
			__atomic_store_n(&fp->flows_seen, fp->flows_pass, __ATOMIC_RELAXED);
			fp->flows_pass = 0;
			fp->cursor_valid = false;
			break;
		}
		fp->cursor = next;
		fp->cursor_valid = true;
	}
	__atomic_store_n(&fp->expired, fp->expired + removed, __ATOMIC_RELAXED);
	return removed;
}

uint64_t dp_fastpath_sweep_scans(const struct dp_fastpath *fp)
{
	return __atomic_load_n(&fp->scans, __ATOMIC_RELAXED);
}

int dp_fastpath_tc_attach(struct dp_fastpath *fp, int ifindex, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIORITY, .prog_fd = fp->tc_fd,
		    .flags = BPF_TC_F_REPLACE);
	int rc;

	rc = bpf_tc_hook_create(&hook);
	if (rc && rc != -EEXIST)
		return fail(err, errlen, rc, "tc clsact on ifindex %d: %s", ifindex, strerror(-rc));
	fp->tc_own_hook = rc == 0;
	rc = bpf_tc_attach(&hook, &opts); /* REPLACE: a filter a killed worker left behind is taken over */
	if (rc) {
		if (fp->tc_own_hook)
			bpf_tc_hook_destroy(&hook);
		return fail(err, errlen, rc, "tc ingress filter on ifindex %d: %s", ifindex, strerror(-rc));
	}
	fp->tc_ifindex = ifindex;
	return 0;
}

void dp_fastpath_tc_detach(struct dp_fastpath *fp)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = fp->tc_ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIORITY);

	if (!fp->tc_ifindex)
		return;
	bpf_tc_detach(&hook, &opts);
	if (fp->tc_own_hook)
		bpf_tc_hook_destroy(&hook);
	fp->tc_ifindex = 0;
}
