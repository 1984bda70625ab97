/* dataplane.h: the engine's control API (the one header the Java binding and the worker process use).
 *
 * A dataplane is a set of worker threads, one per CPU given, each owning one RX queue (AF_PACKET fanout member
 * or AF_XDP queue) of the input interface and a TX path on the output interface. Hosts and secrets can be set
 * before or after start; every change publishes a new immutable configuration that workers pick up at a burst
 * boundary, so forwarding never pauses and established flows survive. Every function returns 0 or -errno; the
 * reason of the last failure is in dp_dataplane_last_error(). Thread-safe: calls are serialised internally. */
#ifndef SYNCOOKIED_DATAPLANE_H
#define SYNCOOKIED_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

#include "syncookied/core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dp_dataplane;

/* AF_XDP's RX ring (dp_dataplane_opts.xsk_ring): 8192 frames hold 82 ms of a 100 kpps flood while the worker is not
 * scheduled. */
#define DP_XSK_RING_DEFAULT 8192u
#define DP_XSK_RING_MIN 64u
#define DP_XSK_RING_MAX 32768u

struct dp_dataplane_opts {
	const char *backend;   /* "afpacket" (default), "afxdp", "xdp" (the XDP fast path in front of AF_XDP), "netmap"
	                          (needs the netmap kernel module at run time) */
	const char *iface;     /* input interface: diverted traffic arrives here, SYN-ACKs leave here */
	const char *tx_iface;  /* output interface towards the servers; NULL or "" = iface */
	const char *cpus;      /* CPU list "0-3,6": one pinned worker per CPU; NULL or "" = one unpinned worker */
	uint32_t flow_slots;   /* flow table slots per worker; 0 = core default (1 << 20) */
	uint32_t xdp_mode;     /* AF_XDP and xdp: 0 = let the kernel choose, 1 = generic (skb), 2 = native (drv) */
	uint32_t rt_priority;  /* 0 = normal threads; 1..99 = SCHED_FIFO workers (as the original), needs CAP_SYS_NICE */
	uint32_t xsk_ring;     /* afxdp and xdp: entries of each AF_XDP socket's RX and fill rings, and its UMEM's
	                          receive frames (4 KiB each): a power of two from 64 to 32768; 0 = 8192 */
};

enum dp_dataplane_state {
	DP_STATE_CREATED = 0,
	DP_STATE_RUNNING = 1,
	DP_STATE_STOPPED = 2,
	DP_STATE_FAILED = 3, /* a worker died or could not open its port: see last_error */
};

#define DP_DATAPLANE_STATS_MAX 64

/* Counters summed over every worker since start; names from dp_dataplane_stat_name() (the original's metric
 * names where one exists: rx_pps, rx_syn, rx_forwarded, rx_drop_bad_cookie, tx_pps, tx_failed, ...). */
struct dp_dataplane_stats {
	uint32_t n;
	uint32_t pad;
	uint64_t v[DP_DATAPLANE_STATS_MAX];
};

struct dp_dataplane_health {
	int32_t state;              /* enum dp_dataplane_state */
	uint32_t workers;           /* workers started */
	uint32_t workers_alive;     /* workers whose loop ran in the last second */
	uint32_t hosts;             /* protected hosts configured */
	uint32_t hosts_with_secrets;
	uint32_t pad;
	uint64_t generation;        /* configuration generation (bumps on every publish) */
	uint64_t uptime_ms;         /* since start */
	char last_error[256];
};

int dp_dataplane_create(const struct dp_dataplane_opts *opts, struct dp_dataplane **out);
/* Opens every port and starts the workers; on failure nothing keeps running. */
int dp_dataplane_start(struct dp_dataplane *dp);
/* Stops the workers after their in-flight burst (transmit rings flushed) and closes the ports. Hosts,
 * secrets and counters stay; start may be called again. */
int dp_dataplane_stop(struct dp_dataplane *dp);
void dp_dataplane_destroy(struct dp_dataplane *dp);

/* Adds or replaces the hosts described by an original-style hosts.yml text (a YAML list). replace_all != 0 makes
 * the text the complete host set (hosts not in it are removed). All or nothing: on a bad text nothing changes
 * and last_error names "<name>:<line>: <field>: <reason>". */
int dp_dataplane_set_hosts_yaml(struct dp_dataplane *dp, const char *yaml, size_t len, const char *name,
				int replace_all);
int dp_dataplane_remove_host(struct dp_dataplane *dp, const char *ip);  /* -ENOENT when not configured */
int dp_dataplane_remove_all_hosts(struct dp_dataplane *dp);
/* Secrets of one protected IP in the /proc/tcp_secrets text format; sample_age_ms says how old the sample
 * is (0 = just read). Kept across host reloads; a bad text keeps the previous secrets. */
int dp_dataplane_set_secrets(struct dp_dataplane *dp, const char *ip, const char *text, size_t len,
			     uint64_t sample_age_ms);

int dp_dataplane_stats(struct dp_dataplane *dp, struct dp_dataplane_stats *out);
const char *dp_dataplane_stat_name(unsigned i); /* NULL past the last */
/* Per protected IP since it was added: the counters of syncookied/core.h that dp_counter_per_host() names
 * (rx_pps, rx_syn, rx_forwarded, rx_drop, the rx_drop_* reasons after the host lookup, flows_created, ...). The
 * hosts past DP_HOST_STATS_SLOTS have none of their own (they are counted in the totals only). */
/* Calls fn for every protected IP with counters of its own until fn returns non-zero (returned; else 0). fn runs
 * under the dataplane's lock: it must not call the dataplane. */
int dp_dataplane_host_stats_each(struct dp_dataplane *dp,
				 int (*fn)(void *ctx, const struct dp_addr *ip, const struct dp_stats *s), void *ctx);
/* Every protected IP's counters as text lines "<ip> <rx_pps> <rx_syn> <rx_forwarded> <rx_drop>\n" into buf (cut at
 * cap); returns the length and the number of hosts written. */
size_t dp_dataplane_host_stats_text(struct dp_dataplane *dp, char *buf, size_t cap, unsigned *nhosts);
int dp_dataplane_health(struct dp_dataplane *dp, struct dp_dataplane_health *out);
const char *dp_dataplane_last_error(struct dp_dataplane *dp);

/* "memory=yes afpacket=yes afxdp=yes netmap=yes": which backends this build has. */
const char *dp_dataplane_backends(void);

#ifdef __cplusplus
}
#endif

#endif /* SYNCOOKIED_DATAPLANE_H */
