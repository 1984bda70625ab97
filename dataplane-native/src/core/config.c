/* config.c: immutable configuration snapshots: our MACs and the host table (built, cloned, sealed). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"

void dp_host_cfg_init(struct dp_host_cfg *h)
{
	memset(h, 0, sizeof(*h));
	h->ttl = 64;
	h->wscale = 0xff;
	h->profile.wscale = 0xff;
	h->ts_mode = DP_TS_ZERO;
	h->cookie_alg = DP_COOKIE_SIPHASH;
	h->sysctl.syncookies = 1;
	h->sysctl.timestamps = 1;
	h->sysctl.sack = 1;
	h->sysctl.window_scaling = 1;
	h->sysctl.ecn = 2;
}

struct dp_config *dp_config_new(const uint8_t (*macs)[6], unsigned n_macs)
{
	struct dp_config *cfg;

	if (n_macs == 0 || n_macs > DP_MAX_MACS || !macs) {
		errno = EINVAL;
		return NULL;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return NULL;
	for (unsigned i = 0; i < n_macs; i++) {
		memcpy(cfg->ours[i].mac, macs[i], 6);
		memcpy(cfg->ours[i].fwd_src, macs[i], 6);
	}
	cfg->n_macs = n_macs;
	return cfg;
}

static int index_hosts(struct dp_config *cfg, unsigned room);

struct dp_config *dp_config_clone(const struct dp_config *src)
{
	struct dp_config *cfg;
	unsigned i;

	if (!src) {
		errno = EINVAL;
		return NULL;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return NULL;
	memcpy(cfg->ours, src->ours, sizeof(cfg->ours));
	cfg->n_macs = src->n_macs;
	if (src->n_hosts) {
		cfg->hosts = malloc(src->n_hosts * sizeof(*cfg->hosts));
		if (!cfg->hosts) {
			free(cfg);
			return NULL;
		}
		memcpy(cfg->hosts, src->hosts, src->n_hosts * sizeof(*cfg->hosts));
		cfg->n_hosts = cfg->cap_hosts = src->n_hosts;
		for (i = 0; i < cfg->n_hosts; i++)
			dp_filter_get(cfg->hosts[i].cfg.filter);
		if (index_hosts(cfg, cfg->n_hosts)) {
			dp_config_free(cfg);
			return NULL;
		}
	}
	return cfg;
}

void dp_config_free(struct dp_config *cfg)
{
	unsigned i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_hosts; i++)
		dp_filter_put(cfg->hosts[i].cfg.filter);
	/* Secrets must not linger in freed memory. */
	if (cfg->hosts)
		explicit_bzero(cfg->hosts, cfg->cap_hosts * sizeof(*cfg->hosts));
	free(cfg->hosts);
	free(cfg->slots);
	free(cfg);
}

/* (Re)builds the ip -> host index for room hosts, at most half full (the same table dp_host_lookup() probes once the
 * config is sealed). Kept up to date while hosts are added, so building a config of n hosts takes O(n). */
static int index_hosts(struct dp_config *cfg, unsigned room)
{
	uint32_t n = 16, *slots;

	while (n < 2 * (uint64_t)room)
		n <<= 1;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	free(cfg->slots);
	cfg->slots = slots;
	cfg->slot_mask = n - 1;
	for (uint32_t i = 0; i < cfg->n_hosts; i++) {
		const struct dp_addr *a = &cfg->hosts[i].cfg.ip;
		uint32_t s = dp_addr_hash(a->family, a->a) & cfg->slot_mask;

		while (cfg->slots[s])
			s = (s + 1) & cfg->slot_mask;
		cfg->slots[s] = i + 1;
	}
	return 0;
}

static int find_host(const struct dp_config *cfg, const struct dp_addr *ip)
{
	const struct dp_host *h = cfg->slots ? dp_host_lookup(cfg, ip->family, ip->a) : NULL;

	return h ? (int)(h - cfg->hosts) : -1;
}

static void fill_secret(struct dp_cookie_secret *cs, const struct dp_host_cfg *c, const struct dp_secrets *s)
{
	memset(cs, 0, sizeof(*cs));
	cs->alg = c->cookie_alg == DP_COOKIE_SHA1_LEGACY ? DP_COOKIE_SHA1_LEGACY : DP_COOKIE_SIPHASH;
	if (c->ip.family == 4) {
		memcpy(cs->key[0].key, s->v4[0], 16);
		memcpy(cs->key[1].key, s->v4[1], 16);
	} else {
		memcpy(cs->key[0].key, s->v6[0], 16);
		memcpy(cs->key[1].key, s->v6[1], 16);
	}
	memcpy(cs->sha1, s->sha1, sizeof(cs->sha1));
}

/* Everything the workers would otherwise recompute per packet. */
static void precompute(struct dp_host *h)
{
	const struct dp_host_cfg *c = &h->cfg;
	const struct dp_clock_basis *k = &c->clock;
	bool v4 = c->ip.family == 4;

	fill_secret(&h->cs_cur, c, &c->cur);
	fill_secret(&h->cs_prev, c, &c->prev);
	memcpy(h->ts_key.key, c->cur.ts, 16);
	/* An option the operator switched off is treated as if the server's sysctl were off: it is never encoded, and an
	 * ACK echoing it is refused (none can be genuine, except from a SYN-ACK sent before the switch). */
	h->sys.tcp_timestamps = c->sysctl.timestamps;
	h->sys.tcp_sack = (c->opts_off & DP_OPT_OFF_SACK) ? 0 : c->sysctl.sack;
	h->sys.tcp_window_scaling = (c->opts_off & DP_OPT_OFF_WSCALE) ? 0 : c->sysctl.window_scaling;
	h->sys.tcp_ecn = (c->opts_off & DP_OPT_OFF_ECN) ? 0 : c->sysctl.ecn;
	h->mss = c->mss ? c->mss : (v4 ? 1460 : 1440);
	/* The host's own value, else what the server's agent computed as its kernel does, else
	 * tcp_select_initial_window() on a stock kernel with a 1500 MTU: 44 * 1460 and 45 * 1440, and with
	 * timestamps (segments 12 bytes shorter) 45 * 1448 and 45 * 1428; scale 7. */
	h->window = c->window ? c->window : c->profile.window ? c->profile.window : (v4 ? 64240 : 64800);
	h->window_ts = c->window ? c->window : c->profile.window_ts ? c->profile.window_ts : (v4 ? 65160 : 64260);
	h->wscale = c->wscale != 0xff ? c->wscale : c->profile.wscale != 0xff ? c->profile.wscale : 7;
	/* listeners with their own receive buffer, as the agent saw them; the host's own values still win */
	h->n_port_ws = 0;
	for (unsigned i = 0; i < c->profile.n_ports && i < DP_TCP_PROFILE_PORTS && !(c->window && c->wscale != 0xff); i++) {
		h->port_ws[h->n_port_ws].port = htons(c->profile.ports[i].port);
		h->port_ws[h->n_port_ws].window = c->window ? c->window : c->profile.ports[i].window;
		h->port_ws[h->n_port_ws].window_ts = c->window ? c->window : c->profile.ports[i].window_ts;
		h->port_ws[h->n_port_ws].wscale = c->wscale != 0xff ? c->wscale : c->profile.ports[i].wscale;
		h->n_port_ws++;
	}
	h->ttl = c->ttl ? c->ttl : 64;
	h->answerable = (c->flags & DP_HOST_SECRETS_VALID) && k->hz != 0 && c->sysctl.syncookies != 0;
	/* TS needs the server's ms clock and its tsoff; without them the SYN-ACK carries MSS only (always accepted).
	 * A server with tcp_timestamps=1 adds a per-connection tsoff: with no offset secret (DP_TS_ZERO) our TSval
	 * would differ from every later TSval of the server, and clients would drop its data (PAWS). */
	h->ts_usable = !(c->opts_off & DP_OPT_OFF_TS) && k->hz != 0 && k->tcp_clock_ms != 0 && c->sysctl.timestamps != 0 &&
		       (c->ts_mode != DP_TS_ZERO || c->sysctl.timestamps == 2);
	if (k->hz) {
		uint64_t per_min = 60ULL * k->hz;
		h->clk.phase_ns = (k->jiffies % per_min) * 1000000000ULL / k->hz;
	}
	h->clk.base_ns = k->local_ns;
	h->clk.err_ns = (uint64_t)(k->error_ms ? k->error_ms : 1000) * 1000000ULL;
	h->clk.count = k->count;
	h->clk.ms = k->tcp_clock_ms;
	h->refresh_key = (uint64_t)dp_addr_hash(c->ip.family, c->ip.a) << 16;
}

const char *dp_host_cfg_check(const struct dp_host_cfg *hc)
{
	if (hc->ip.family != 4 && hc->ip.family != 6)
		return "ip: family must be 4 or 6";
	if (hc->ip.family == 4 && (hc->ip.a[0] == 0 || hc->ip.a[0] >= 224))
		return "ip: unspecified, multicast or broadcast address cannot be a protected server";
	if (hc->ip.family == 6 && (hc->ip.a[0] == 0xff || !memcmp(hc->ip.a, (const uint8_t[16]){ 0 }, 16)))
		return "ip: unspecified or multicast address cannot be a protected server";
	if (hc->ts_mode > DP_TS_2026)
		return "ts_mode: must be zero, pre2026 or 2026";
	if (hc->cookie_alg > DP_COOKIE_SHA1_LEGACY)
		return "cookie: must be siphash or sha1";
	if (hc->wscale > 14 && hc->wscale != 0xff)
		return "wscale: must be 0..14";
	if (hc->profile.wscale > 14 && hc->profile.wscale != 0xff)
		return "profile.wscale: must be 0..14";
	if (hc->profile.n_ports > DP_TCP_PROFILE_PORTS)
		return "profile.n_ports: too many";
	if (hc->mss && hc->mss < 88)
		return "mss: must be at least 88";
	if (hc->clock.hz > 10000)
		return "clock.hz: must be at most 10000";
	if (hc->sysctl.timestamps > 2)
		return "tcp_timestamps: must be 0, 1 or 2";
	return NULL;
}

int dp_config_set_host(struct dp_config *cfg, const struct dp_host_cfg *hc)
{
	struct dp_host *h;
	int i;

	if (!cfg || !hc)
		return -EINVAL;
	if (cfg->sealed)
		return -EBUSY;
	if (dp_host_cfg_check(hc))
		return -EINVAL;
	i = find_host(cfg, &hc->ip);
	if (i < 0) {
		uint32_t s;

		if (cfg->n_hosts == cfg->cap_hosts) {
			unsigned cap = cfg->cap_hosts ? cfg->cap_hosts * 2 : 16;
			struct dp_host *nh = realloc(cfg->hosts, cap * sizeof(*nh));
			if (!nh)
				return -ENOMEM;
			cfg->hosts = nh;
			cfg->cap_hosts = cap;
		}
		if ((!cfg->slots || 2 * (cfg->n_hosts + 1) > cfg->slot_mask + 1) && index_hosts(cfg, 2 * cfg->n_hosts + 1))
			return -ENOMEM;
		i = (int)cfg->n_hosts++;
		for (s = dp_addr_hash(hc->ip.family, hc->ip.a) & cfg->slot_mask; cfg->slots[s]; s = (s + 1) & cfg->slot_mask)
			;
		cfg->slots[s] = (uint32_t)i + 1;
	} else {
		dp_filter_put(cfg->hosts[i].cfg.filter);
	}
	h = &cfg->hosts[i];
	memset(h, 0, sizeof(*h));
	h->cfg = *hc;
	if (hc->ip.family == 4)
		memset(h->cfg.ip.a + 4, 0, 12);
	memset(h->cfg.ip.pad, 0, sizeof(h->cfg.ip.pad));
	dp_filter_get(h->cfg.filter);
	precompute(h);
	return 0;
}

int dp_config_del_host(struct dp_config *cfg, const struct dp_addr *ip)
{
	int i;

	if (!cfg || !ip)
		return -EINVAL;
	if (cfg->sealed)
		return -EBUSY;
	i = find_host(cfg, ip);
	if (i < 0)
		return -ENOENT;
	dp_filter_put(cfg->hosts[i].cfg.filter);
	cfg->hosts[i] = cfg->hosts[cfg->n_hosts - 1];
	explicit_bzero(&cfg->hosts[cfg->n_hosts - 1], sizeof(cfg->hosts[0]));
	cfg->n_hosts--;
	return index_hosts(cfg, cfg->n_hosts); /* open addressing has no cheap delete; removals are rare */
}

int dp_config_set_forward_mac(struct dp_config *cfg, const uint8_t mac[6])
{
	if (!cfg || !mac)
		return -EINVAL;
	if (cfg->sealed)
		return -EBUSY;
	for (unsigned i = 0; i < cfg->n_macs; i++)
		memcpy(cfg->ours[i].fwd_src, mac, 6);
	return 0;
}

const struct dp_host_cfg *dp_config_host(const struct dp_config *cfg, const struct dp_addr *ip)
{
	int i = cfg && ip ? find_host(cfg, ip) : -1;

	return i < 0 ? NULL : &cfg->hosts[i].cfg;
}

unsigned dp_config_host_count(const struct dp_config *cfg)
{
	return cfg ? cfg->n_hosts : 0;
}

int dp_config_seal(struct dp_config *cfg)
{
	if (cfg->sealed)
		return 0;
	if (!cfg->slots && index_hosts(cfg, cfg->n_hosts))
		return -ENOMEM;
	cfg->sealed = true;
	return 0;
}
