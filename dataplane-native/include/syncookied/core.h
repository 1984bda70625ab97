/* core.h: the pure packet core's API: config snapshots, workers, the burst verdict, counters. No I/O. */
#ifndef SYNCOOKIED_CORE_H
#define SYNCOOKIED_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------------
 * Packets
 * ------------------------------------------------------------------------------------------------------- */

#define DP_PKT_CSUM_PARTIAL 0x0001 /* L4 checksum unfinished (veth/NIC TX offload); see csum_start/offset */
#define DP_PKT_GSO 0x0002          /* a GSO/GRO super-frame (longer than the MTU): gso_type/gso_size say how it is cut
                                      into segments on the way out; its checksum stays partial (csum_start/offset)
                                      for the kernel or NIC to finish per segment */

struct dp_pkt {
	uint8_t *data;        /* Ethernet frame start */
	uint32_t len;         /* frame length */
	uint32_t cap;         /* writable bytes at data: a reply may grow the frame up to cap */
	uint16_t csum_start;  /* valid with DP_PKT_CSUM_PARTIAL or DP_PKT_GSO: offset from data where summing starts */
	uint16_t csum_offset; /* offset from csum_start where the checksum field is */
	uint16_t flags;       /* DP_PKT_* */
	uint16_t queue;
	uint16_t gso_size;    /* DP_PKT_GSO: payload bytes per segment */
	uint8_t gso_type;     /* DP_PKT_GSO: VIRTIO_NET_HDR_GSO_* (TCPV4, TCPV6, UDP_L4; | ECN) */
	uint8_t pad;
};

enum dp_action {
	DP_ACT_DROP = 0,
	DP_ACT_REPLY,   /* frame rewritten into the reply (SYN-ACK): send back out the RX side */
	DP_ACT_FORWARD, /* Ethernet rewritten (dst = host MAC, src = our MAC): send towards the server */
};

/* A reply frame is at most this long: 14 + 8 (two VLAN tags) + 40 (IPv6) + 40 (TCP with options). */
#define DP_REPLY_MAX_LEN 102
/* Burst size the workers and the bench use; dp_worker_burst accepts any n. */
#define DP_BURST 64

/* ---------------------------------------------------------------------------------------------------------
 * Counters: per worker, cache-aligned, one writer (the worker), published once per burst with relaxed
 * stores; the control thread sums them with dp_core_stats(). Names map onto the original's InfluxDB
 * measurements where one exists (see dp_counter_name()).
 * ------------------------------------------------------------------------------------------------------- */
enum dp_counter {
	DP_C_RX = 0,              /* rx_pps: every frame handed to the core */
	DP_C_SYN,                 /* rx_syn: SYNs answered with a cookie SYN-ACK */
	DP_C_FORWARDED,           /* rx_forwarded: frames forwarded to a protected server */
	DP_C_DROP,                /* rx_drop: every dropped frame (sum of the rx_drop_* reasons) */
	DP_C_DROP_MAC,            /* rx_drop_mac: destination MAC is not ours */
	DP_C_DROP_BAD_ETHER,      /* rx_drop_bad_ether: truncated Ethernet/VLAN, or not IPv4/IPv6 (ARP, ...) */
	DP_C_DROP_BAD_IP,         /* rx_drop_bad_ip: malformed IPv4/IPv6 header, bad IPv4 header checksum */
	DP_C_DROP_UNKNOWN_HOST,   /* rx_drop_unknown_host: destination is not a protected IP */
	DP_C_DROP_FILTERED,       /* rx_drop_filtered: a filter rule (or the default) said drop */
	DP_C_DROP_FRAGMENT,       /* rx_drop_fragment: a TCP fragment (first or not) of a non-passthrough host */
	DP_C_DROP_BAD_TCP,        /* rx_drop_bad_tcp: truncated TCP, bad data offset, bad option, bad flags */
	DP_C_DROP_BAD_COOKIE,     /* rx_drop_bad_cookie: ACK of an unknown flow, cookie invalid */
	DP_C_DROP_BAD_TS,         /* rx_drop_bad_ts: cookie valid, but TS echo asks for what the host forbids */
	DP_C_DROP_BAD_STATE,      /* rx_drop_bad_state: RST/FIN-only/SYN-ACK of an unknown flow */
	DP_C_DROP_NO_SECRETS,     /* rx_drop_no_secrets: host has no valid secrets (SYN/ACK not answerable) */
	DP_C_DROP_NO_ROOM,        /* rx_drop_no_room: pkt->cap too small for the SYN-ACK */
	DP_C_SYN_REFRESH,         /* rx_syn_refresh: SYN let through to keep the listener's cookie stamp fresh */
	DP_C_FLOW_NEW,            /* flows_created: flows created by a valid cookie ACK */
	DP_C_FLOW_EXPIRED,        /* flows_expired: flows removed by timeout */
	DP_C_FLOW_TABLE_FULL,     /* flows_table_full: valid ACK forwarded but the flow could not be recorded */
	DP_C_CSUM_FIXED,          /* csum_completed: CSUM_PARTIAL frames completed before forwarding */
	DP_C_TS_REVALIDATED,      /* rx_ts_revalidated: unknown-flow segment let through by its TS echo (see verdict.c) */
	DP_C_FLOW_PICKED_UP,      /* flows_picked_up: unknown-flow ACK without a cookie adopted in the pickup window */
	DP_C_DROP_MD5,            /* rx_drop_md5: SYN with the TCP-MD5 option to a host without md5: pass */
	DP_C_MAX
};

struct dp_stats {
	uint64_t c[DP_C_MAX];
	uint64_t flows;           /* gauge: flows currently in the tables */
};

/* The metric name ("rx_syn", ...) of a counter, or NULL for an out-of-range value. */
const char *dp_counter_name(enum dp_counter c);

/* Per protected host, the core keeps the counters that belong to one host: every verdict reached after the host
 * was looked up (rx_pps, rx_syn, rx_forwarded, rx_syn_refresh, rx_drop and the rx_drop_* reasons from
 * rx_drop_filtered on) and the handshake events of its flows (flows_created: cookie ACKs validated,
 * rx_ts_revalidated, flows_picked_up, flows_table_full). True for those counters. */
bool dp_counter_per_host(enum dp_counter c);

/* ---------------------------------------------------------------------------------------------------------
 * Filters: pcap-filter expressions compiled with libpcap for DLT_RAW (IP packet, no Ethernet header),
 * run by the core's own classic-BPF interpreter, evaluated in the order given; first match wins.
 * ------------------------------------------------------------------------------------------------------- */
enum dp_filter_action { DP_FILTER_PASS = 0, DP_FILTER_DROP = 1 };

struct dp_filter_rule {
	const char *expr;             /* pcap-filter expression, e.g. "tcp and dst port 53" */
	enum dp_filter_action action;
};

struct dp_filter; /* immutable after compile; reference counted (shared between config snapshots) */

/* Compiles rules[0..n) and the default into *out. Returns 0, or -EINVAL with "rule N (<expr>): <pcap error>"
 * written to err, or -ENOMEM. */
int dp_filter_compile(const struct dp_filter_rule *rules, unsigned n, enum dp_filter_action dflt,
		      struct dp_filter **out, char *err, size_t errlen);
/* Compiles one expression exactly as dp_filter_compile does and discards it: load-time validation (the control plane
 * calls it through JNA). 0, or -EINVAL with libpcap's message in err, or -ENOMEM. */
int dp_filter_check(const char *expr, char *err, size_t errlen);
struct dp_filter *dp_filter_get(struct dp_filter *f); /* +1 reference */
void dp_filter_put(struct dp_filter *f);               /* -1 reference; frees at 0; NULL is fine */
/* Runs the filter over an IP packet (ip[0] = version nibble). Returns DP_FILTER_PASS or DP_FILTER_DROP. */
enum dp_filter_action dp_filter_run(const struct dp_filter *f, const uint8_t *ip, uint32_t len);

/* ---------------------------------------------------------------------------------------------------------
 * Hosts and configuration snapshots
 * ------------------------------------------------------------------------------------------------------- */
struct dp_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t pad[3];
	uint8_t a[16];  /* network order; IPv4 in a[0..3], the rest zero */
};

enum dp_ts_mode {
	DP_TS_ZERO = 0,    /* tcp_timestamps=2 on the server: tsoff = 0 */
	DP_TS_PRE2026 = 1, /* tsoff = SipHash(ts_secret) over the two IPs (kernels 4.12 .. 2026) */
	DP_TS_2026 = 2,    /* tsoff = high 32 bits of SipHash(net_secret) over IPs and ports (Debian 6.1.192) */
};

/* One set of a server's secrets, as /proc/tcp_secrets prints them (u64 words in memory order). */
struct dp_secrets {
	uint64_t v4[2][2];     /* syncookie_secret[0], [1] (SipHash keys) */
	uint64_t v6[2][2];     /* syncookie6_secret[0], [1] */
	uint64_t ts[2];        /* net_secret (DP_TS_2026) or ts_secret (DP_TS_PRE2026) */
	uint32_t sha1[2][17];  /* DP_COOKIE_SHA1 only: syncookie_secret[2][17] */
};

/* The server's clocks, sampled together on the server, received here at local CLOCK_MONOTONIC local_ns. */
struct dp_clock_basis {
	uint64_t jiffies;      /* jiffies_64 */
	uint32_t hz;           /* HZ; 0 = basis unknown (the host's SYNs are then not answered) */
	uint32_t count;        /* the cookie count the server printed with these jiffies */
	uint64_t tcp_clock_ms; /* tcp_clock_ns() / NSEC_PER_MSEC at the same instant */
	uint64_t local_ns;     /* local CLOCK_MONOTONIC when the sample was taken/received */
	uint32_t error_ms;     /* bound on the sample's age/skew; 0 = use the default 1000 ms */
};

/* What the server's sysctls allow (tcp_syncookies, tcp_timestamps, tcp_sack, tcp_window_scaling, tcp_ecn). */
struct dp_sysctls {
	uint8_t syncookies;     /* 0 = the server rejects every cookie: SYNs are treated as without secrets */
	uint8_t timestamps;     /* 0, 1, 2 */
	uint8_t sack;
	uint8_t window_scaling;
	uint8_t ecn;
};

#define DP_HOST_PASSTHROUGH   0x01 /* forward everything that passes the filters; no cookie logic */
#define DP_HOST_SECRETS_VALID 0x02 /* cur holds the server's current secrets */
#define DP_HOST_PREV_VALID    0x04 /* prev is still accepted by the server (ACKs checked against it too) */
#define DP_HOST_NOSECRET_PASS 0x08 /* without valid secrets: forward SYNs/ACKs to the server (default: drop) */
#define DP_HOST_MD5_PASS      0x10 /* md5: pass: segments with the TCP-MD5 option go to the server (default: a SYN
                                      with it is dropped, rx_drop_md5: we cannot sign a SYN-ACK, and a server
                                      without the key drops such SYNs itself) */

/* SYN-ACK options the operator switched off for a host (hosts.yml timestamps/sack/window_scaling/ecn: false). An
 * option goes out only when the server's sysctls allow it and it is not switched off here. */
#define DP_OPT_OFF_TS     0x01 /* no TS: the SYN-ACK carries MSS only (SACK and window scale need TS in cookie mode) */
#define DP_OPT_OFF_SACK   0x02
#define DP_OPT_OFF_WSCALE 0x04
#define DP_OPT_OFF_ECN    0x08

/* What the server's agent reports about the cookie SYN-ACK its kernel would send: the default listener's window
 * and scale, and those of listeners with their own receive buffer. The host's own window/wscale override all. */
#define DP_TCP_PROFILE_PORTS 16
struct dp_tcp_profile {
	uint16_t window;    /* SYN-ACK without timestamps; 0 = not reported */
	uint16_t window_ts; /* SYN-ACK with timestamps (the kernel rounds to segments 12 bytes shorter); 0 = not reported */
	uint8_t wscale;     /* 0xff = not reported */
	uint8_t n_ports;
	struct {
		uint16_t port; /* host order */
		uint16_t window, window_ts;
		uint8_t wscale;
	} ports[DP_TCP_PROFILE_PORTS];
};

struct dp_host_cfg {
	struct dp_addr ip;             /* the protected IP (key) */
	uint8_t mac[6];                /* the server's MAC: forwarded frames go there */
	uint8_t flags;                 /* DP_HOST_* */
	uint8_t ttl;                   /* TTL / hop limit of our SYN-ACKs; 0 = 64 */
	uint8_t cookie_alg;            /* enum dp_cookie_alg of cookie.h: 0 = SipHash (>= 4.11), 1 = SHA-1 (<= 4.10) */
	enum dp_ts_mode ts_mode;
	struct dp_secrets cur, prev;
	struct dp_clock_basis clock;
	struct dp_sysctls sysctl;
	uint16_t mss;                  /* MSS option of our SYN-ACK; 0 = 1460 (IPv4) / 1440 (IPv6) */
	uint16_t window;               /* SYN-ACK window (unscaled), with or without TS; 0 = from profile, else 64240 / 65160
	                                  with TS (IPv4), 64800 / 64260 (IPv6) */
	uint8_t wscale;                /* the server's receive window scale; 0xff = from profile, else 7 */
	uint8_t opts_off;              /* DP_OPT_OFF_* */
	uint32_t syn_refresh_ms;       /* module-free mode: let one real SYN per (host, port) through at least
	                                  this often (0 = off; a little under the kernel's
	                                  60 s cookie-stamp window, e.g. 55000) */
	struct dp_filter *filter;      /* NULL = pass everything; dp_config_set_host takes its own reference */
	struct dp_tcp_profile profile; /* from the server's agent, with its secrets */
	uint64_t pickup_until_ns;      /* pickup window: until this local CLOCK_MONOTONIC instant, an unknown-flow
	                                  ACK / ACK+data / ACK+FIN (no SYN, no RST) that carries no valid cookie is
	                                  forwarded and its flow recorded (connections established before the
	                                  diversion survive it). 0 = no window (the default) */
};

/* Sets the defaults above (ttl 64, wscale 7, sysctls 1/1/1/1/2 as a stock kernel, no flags). */
void dp_host_cfg_init(struct dp_host_cfg *h);

struct dp_config; /* immutable once published */

#define DP_MAX_MACS 8

/* A new, empty, unpublished config with our MAC address(es) (frames to any other MAC are dropped).
 * Returns NULL with errno set (EINVAL for n_macs 0 or > DP_MAX_MACS). */
struct dp_config *dp_config_new(const uint8_t (*macs)[6], unsigned n_macs);
/* A mutable deep copy of a (published) config, sharing filters by reference; NULL + errno on failure. */
struct dp_config *dp_config_clone(const struct dp_config *cfg);
/* NULL when h is acceptable, else a message naming the bad field ("wscale: must be 0..14"). */
const char *dp_host_cfg_check(const struct dp_host_cfg *h);
/* Adds or replaces the host with h->ip. 0, -EINVAL (see dp_host_cfg_check), -EBUSY (config already published). */
int dp_config_set_host(struct dp_config *cfg, const struct dp_host_cfg *h);
/* Removes a host: 0 or -ENOENT / -EBUSY. */
int dp_config_del_host(struct dp_config *cfg, const struct dp_addr *ip);
/* Forwarded frames leave with this source MAC (the output interface's); by default with the MAC they were sent to.
 * 0, or -EBUSY (config already published). */
int dp_config_set_forward_mac(struct dp_config *cfg, const uint8_t mac[6]);
/* The host entry for ip, or NULL. Valid as long as cfg is. */
const struct dp_host_cfg *dp_config_host(const struct dp_config *cfg, const struct dp_addr *ip);
unsigned dp_config_host_count(const struct dp_config *cfg);
void dp_config_free(struct dp_config *cfg); /* only for unpublished configs; published ones go via dp_core */

/* ---------------------------------------------------------------------------------------------------------
 * The core: the published config (RCU/QSBR style) and the workers.
 *
 * One control thread calls dp_core_publish(); each worker thread owns one dp_worker. A worker loads the
 * config pointer once per burst (acquire) and reports a quiescent state at every burst boundary. An old
 * config is freed only after every online worker has passed a quiescent state since it was replaced, so
 * a worker never sees a freed, zeroed or half-written config, and no packet takes a lock.
 * ------------------------------------------------------------------------------------------------------- */
struct dp_core;
struct dp_worker;

struct dp_core *dp_core_new(unsigned max_workers); /* NULL + errno */
void dp_core_free(struct dp_core *core);          /* after every worker is freed */

/* Seals cfg (builds its lookup tables), makes it current, and frees the configs that every worker has
 * stopped using. Takes ownership of cfg on success. Does not wait for workers, unless 64 replaced configs
 * are still in use (then it sleeps until a burst ends). 0, -EINVAL or -ENOMEM. */
int dp_core_publish(struct dp_core *core, struct dp_config *cfg);
/* Waits (sleeping 100 us steps) until every retired config is freed. For shutdown and tests. */
void dp_core_synchronize(struct dp_core *core);
/* The current config, for the control thread to clone and modify (not for workers). May be NULL. */
const struct dp_config *dp_core_config(const struct dp_core *core);
/* Bumps on every publish. */
uint64_t dp_core_generation(const struct dp_core *core);
/* Sums the counters of every worker, including freed ones (relaxed loads; each counter is tear-free), and the
 * counter source's. */
void dp_core_stats(const struct dp_core *core, struct dp_stats *out);

/* Counters kept outside the workers, in the workers' rows (the XDP program counts what it decides itself): the
 * core adds them wherever it reads its own. add_row adds the raw counters of row (a host's stats slot, or
 * DP_HOST_STATS_SLOTS for frames without one) to c; add_totals adds all rows' and the source's flows to s. Raw:
 * each frame under the reason of its verdict, never in rx_pps or rx_drop (the core derives those). */
struct dp_counter_source {
	void (*add_row)(void *ctx, unsigned row, uint64_t c[DP_C_MAX]);
	void (*add_totals)(void *ctx, struct dp_stats *s);
	void *ctx;
};
/* Sets the counter source (NULL: none), before any host is published. */
void dp_core_set_counter_source(struct dp_core *core, const struct dp_counter_source *src);
/* The per-host counters (dp_counter_per_host; the others are 0) of the host ip of the current config, since it was
 * added, summed over every worker. 0, -ENOENT (not a host of the current config) or -ENOSPC (one of the hosts past
 * the first DP_HOST_STATS_SLOTS, which are counted only in the totals). out->flows is 0. */
int dp_core_host_stats(const struct dp_core *core, const struct dp_addr *ip, struct dp_stats *out);
/* Calls fn for every host of the current config that has counters (in no particular order) until fn returns
 * non-zero, which is then returned; 0 otherwise. Holds the core's lock: fn must not call into the core. */
int dp_core_host_stats_each(const struct dp_core *core,
			    int (*fn)(void *ctx, const struct dp_addr *ip, const struct dp_stats *s), void *ctx);
#define DP_HOST_STATS_SLOTS 4096 /* hosts with their own counters (a config may hold more) */

struct dp_worker_params {
	uint32_t flow_slots;   /* flow table slots, rounded up to a power of two; 0 = DP_DEFAULT_FLOW_SLOTS. Memory is
	                          DP_FLOW_BYTES_PER_SLOT * slots; at most 3/4 of the slots hold flows. */
	uint32_t est_timeout_s;     /* idle Established flows expire after this; 0 = 600 */
	uint32_t closing_timeout_s; /* Closing flows (FIN/RST seen) expire after this; 0 = 120 */
};
#define DP_FLOW_BYTES_PER_SLOT 48 /* 4-byte tag + 44-byte flow (IPv4 and IPv6 alike) */
#define DP_DEFAULT_FLOW_SLOTS (1u << 20)

/* Registers a worker (its slot is taken until dp_worker_free). NULL + errno (ENOSPC: max_workers reached). */
struct dp_worker *dp_worker_new(struct dp_core *core, const struct dp_worker_params *p);
void dp_worker_free(struct dp_worker *w);

/* Decides every packet of a burst. actions[i] receives the enum dp_action of pkts[i]; REPLY and FORWARD
 * frames are rewritten in place (len may change, up to cap; CSUM_PARTIAL is completed and cleared).
 * now_ns is local CLOCK_MONOTONIC. Reports a quiescent state when done. */
void dp_worker_burst(struct dp_worker *w, struct dp_pkt **pkts, uint8_t *actions, unsigned n, uint64_t now_ns);
/* The reason (enum dp_counter: DP_C_SYN, DP_C_FORWARDED, DP_C_SYN_REFRESH or a DP_C_DROP_*) of the last packet of
 * the last burst: what a one-packet burst was counted as. */
enum dp_counter dp_worker_last_reason(const struct dp_worker *w);
/* A worker is "online" (may hold a config) only inside dp_worker_burst(); between bursts it holds nothing and
 * never delays reclamation, so idle workers need no care. Offline says so explicitly (before a blocking wait). */
void dp_worker_offline(struct dp_worker *w);
/* This worker's counters (relaxed loads). */
void dp_worker_stats(const struct dp_worker *w, struct dp_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SYNCOOKIED_CORE_H */
