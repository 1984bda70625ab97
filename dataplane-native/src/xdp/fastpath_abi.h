/* fastpath_abi.h: the maps of the XDP fast path as both sides see them: the program (fastpath.bpf.c) and its loader
 * (backend/fastpath_xdp.c), which fills them from the userspace core's published configuration. */
#ifndef DP_XDP_FASTPATH_ABI_H
#define DP_XDP_FASTPATH_ABI_H

#include "hostclock.h"
#include "siphash.h"
#include "tsopt.h"

#define DP_XDP_MAX_HOSTS 65536 /* hosts the program decides itself (more: the rest go to userspace) */
#define DP_XDP_MAX_MACS 8
#define DP_XDP_MAX_QUEUES 64 /* AF_XDP sockets, one per RX queue */
#define DP_XDP_NCOUNTERS 32  /* >= DP_C_MAX of syncookied/core.h (checked by the loader) */
#define DP_XDP_PORT_WS 16    /* = DP_TCP_PROFILE_PORTS of syncookied/core.h (checked by the loader) */

/* dp_xdp_counters: the core's rows (a host's stats slot; DP_XDP_ROW_SPILL = DP_HOST_STATS_SLOTS for frames without
 * one), each frame counted under the reason of its verdict as the core counts, and one row more with every frame. */
#define DP_XDP_ROW_SPILL 4096
#define DP_XDP_ROW_TOTAL (DP_XDP_ROW_SPILL + 1)
#define DP_XDP_ROWS (DP_XDP_ROW_TOTAL + 1)
/* A counter of the total row only, past the core's: frames the program left to the kernel because they are for no
 * protected host (the box's own traffic, ARP, NDP, other MACs). */
#define DP_XDP_C_TO_KERNEL (DP_XDP_NCOUNTERS - 1)

/* The protected IP: the key of dp_xdp_hosts (struct dp_addr's layout). */
struct dp_xdp_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t pad[3];
	uint8_t a[16]; /* network order; IPv4 in a[0..3], the rest zero */
};

/* What a host's packets need, precomputed by the userspace core (config.c) and copied here. One map element per
 * host: an update replaces the element as a whole (RCU), so a packet sees the old host or the new, never a mix. */
#define DP_XDP_HOST_ANSWERABLE 0x01    /* secrets valid, clock known, tcp_syncookies != 0 */
#define DP_XDP_HOST_TS_USABLE 0x02     /* the server's ms clock is known: TS may go out */
#define DP_XDP_HOST_PREV_VALID 0x04    /* ACKs are checked against the previous secrets too */
#define DP_XDP_HOST_NOSECRET_PASS 0x08 /* without answerable secrets: forward SYNs/ACKs (default: drop) */
#define DP_XDP_HOST_PASSTHROUGH 0x10   /* forward everything; no cookie logic */
#define DP_XDP_HOST_USERSPACE 0x20     /* the program does not decide this host: every frame goes to userspace */
#define DP_XDP_HOST_MD5_PASS \
	0x40 /* segments with the TCP-MD5 option go to the server (default: an MD5 SYN is
                                        dropped) */

struct dp_xdp_host {
	dp_siphash_key_t cur[2]; /* this family's cookie secret: syncookie_secret[2] or syncookie6_secret[2] */
	dp_siphash_key_t prev[2];
	dp_siphash_key_t ts_key; /* net_secret or ts_secret for tsoff */
	struct dp_clock_sample clk;
	uint64_t pickup_until_ns; /* CLOCK_MONOTONIC; 0 = no pickup window */
	uint32_t row;		  /* its counter row in dp_xdp_counters: the core's stats slot */
	uint8_t mac[6];		  /* the server's MAC */
	uint8_t flags;		  /* DP_XDP_HOST_* */
	uint8_t tsoff_rule;	  /* enum dp_tsoff_rule; NONE when tsoff is 0 (tcp_timestamps=2, or no secret) */
	struct dp_ts_sysctls sys;
	uint16_t mss, window, window_ts; /* window: SYN-ACK without timestamps, window_ts: with */
	uint8_t wscale, ttl;
	uint8_t n_port_ws; /* entries of port_ws: SYNs to these ports get their own window/scale (core_int.h) */
	uint8_t pad;
	struct {
		uint16_t port; /* network order */
		uint16_t window, window_ts;
		uint8_t wscale;
		uint8_t pad;
	} port_ws[DP_XDP_PORT_WS];
};

/* One row of dp_xdp_counters (per CPU), indexed by enum dp_counter. */
struct dp_xdp_counters {
	uint64_t c[DP_XDP_NCOUNTERS];
};

/* Everything that is not per host: one element of dp_xdp_config. */
struct dp_xdp_mac {
	uint8_t mac[6];	    /* ours: frames to any other MAC are the kernel's */
	uint8_t fwd_src[6]; /* the source MAC of what is forwarded from a frame sent to mac (the core's config) */
};

struct dp_xdp_config {
	struct dp_xdp_mac ours[DP_XDP_MAX_MACS];
	uint32_t n_macs;
	uint32_t est_timeout_s, closing_timeout_s;
	uint32_t all_hosts;   /* every configured host is in dp_xdp_hosts: an unknown destination is the kernel's */
	uint32_t tx_redirect; /* forwards leave by dp_xdp_tx_port[0] (--tx-iface) instead of XDP_TX */
};

/* A flow of dp_xdp_flows: the same key as the userspace core's flow table. */
struct dp_xdp_flow_key {
	uint8_t caddr[16]; /* client (IPv4: first 4 bytes, rest zero) */
	uint8_t saddr[16]; /* protected server */
	uint16_t cport, sport;
};

#define DP_XDP_FLOW_ESTABLISHED 1
#define DP_XDP_FLOW_CLOSING 2

struct dp_xdp_flow {
	uint32_t last_s; /* last packet, seconds of CLOCK_MONOTONIC */
	uint8_t state;	 /* DP_XDP_FLOW_* */
	uint8_t family;
	uint16_t pad;
};

#endif /* DP_XDP_FASTPATH_ABI_H */
