/* fastpath_abi.h: the maps of the XDP fast path as both sides see them: the program (fastpath.bpf.c) and its loader
 * (backend/fastpath_xdp.c), which fills them from the userspace core's published configuration. */
#ifndef DP_XDP_FASTPATH_ABI_H
#define DP_XDP_FASTPATH_ABI_H

#include "hostclock.h"
#include "siphash.h"
#include "tsopt.h"

#define DP_XDP_MAX_HOSTS  4096  /* hosts the program decides itself (more: the rest go to userspace) */
#define DP_XDP_MAX_MACS   8
#define DP_XDP_MAX_QUEUES 64    /* AF_XDP sockets, one per RX queue */
#define DP_XDP_NCOUNTERS  32    /* >= DP_C_MAX of syncookied/core.h (checked by the loader) */

/* The protected IP: the key of dp_xdp_hosts (struct dp_addr's layout). */
struct dp_xdp_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t pad[3];
	uint8_t a[16];  /* network order; IPv4 in a[0..3], the rest zero */
};

/* What a host's packets need, precomputed by the userspace core (config.c) and copied here. One map element per
 * host: an update replaces the element as a whole (RCU), so a packet sees the old host or the new, never a mix. */
#define DP_XDP_HOST_ANSWERABLE   0x01 /* secrets valid, clock known, tcp_syncookies != 0 */
#define DP_XDP_HOST_TS_USABLE    0x02 /* the server's ms clock is known: TS may go out */
#define DP_XDP_HOST_PREV_VALID   0x04 /* ACKs are checked against the previous secrets too */
#define DP_XDP_HOST_NOSECRET_PASS 0x08 /* without answerable secrets: forward SYNs/ACKs (default: drop) */
#define DP_XDP_HOST_PASSTHROUGH  0x10 /* forward everything; no cookie logic */
#define DP_XDP_HOST_USERSPACE    0x20 /* the program does not decide this host: every frame goes to userspace */

struct dp_xdp_host {
	dp_siphash_key_t cur[2];      /* this family's cookie secret: syncookie_secret[2] or syncookie6_secret[2] */
	dp_siphash_key_t prev[2];
	dp_siphash_key_t ts_key;      /* net_secret or ts_secret for tsoff */
	struct dp_clock_sample clk;
	uint64_t pickup_until_ns;     /* CLOCK_MONOTONIC; 0 = no pickup window */
	uint32_t slot;                /* index into dp_xdp_host_stats */
	uint8_t mac[6];               /* the server's MAC */
	uint8_t flags;                /* DP_XDP_HOST_* */
	uint8_t tsoff_rule;           /* enum dp_tsoff_rule; NONE when tsoff is 0 (tcp_timestamps=2, or no secret) */
	struct dp_ts_sysctls sys;
	uint16_t mss, window;
	uint8_t wscale, ttl;
	uint8_t pad[2];
};

/* Per host, per CPU (dp_xdp_host_stats): what the program decided for the host's frames. */
enum dp_xdp_host_counter { DP_XDP_HC_RX = 0, DP_XDP_HC_SYN, DP_XDP_HC_FWD, DP_XDP_HC_DROP, DP_XDP_HC_MAX };
struct dp_xdp_host_stats {
	uint64_t c[DP_XDP_HC_MAX];
};

/* Everything that is not per host: one element of dp_xdp_config. */
struct dp_xdp_config {
	uint8_t macs[DP_XDP_MAX_MACS][6]; /* ours: frames to any other MAC go to userspace (which drops them) */
	uint32_t n_macs;
	uint32_t est_timeout_s, closing_timeout_s;
	uint32_t all_hosts;               /* every configured host is in dp_xdp_hosts: an unknown one may be dropped */
	uint32_t tx_redirect;             /* forwards leave by dp_xdp_tx_port[0] (--tx-iface) instead of XDP_TX */
	uint8_t tx_mac[6];                /* the source MAC of those forwards */
	uint8_t pad[2];
};

/* A flow of dp_xdp_flows: the same key as the userspace core's flow table. */
struct dp_xdp_flow_key {
	uint8_t caddr[16]; /* client (IPv4: first 4 bytes, rest zero) */
	uint8_t saddr[16]; /* protected server */
	uint16_t cport, sport;
};

#define DP_XDP_FLOW_ESTABLISHED 1
#define DP_XDP_FLOW_CLOSING     2

struct dp_xdp_flow {
	uint32_t last_s;   /* last packet, seconds of CLOCK_MONOTONIC */
	uint8_t state;     /* DP_XDP_FLOW_* */
	uint8_t family;
	uint16_t pad;
};

#endif /* DP_XDP_FASTPATH_ABI_H */
