/* backend.h: the one ops table every packet I/O method (memory, AF_PACKET, AF_XDP, netmap) implements. */
#ifndef DP_BACKEND_H
#define DP_BACKEND_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "syncookied/core.h"


struct dp_fastpath;
struct dp_port;

/* What a worker asks of one port: one queue (or fanout member) of one interface, RX and/or TX. */
struct dp_port_cfg {
	const char *ifname;
	unsigned queue;        /* queue id / fanout member index */
	unsigned nqueues;      /* workers sharing the interface (fanout size) */
	unsigned fanout_group; /* AF_PACKET fanout group id (shared by all workers of one interface) */
	bool rx;               /* open the receive side */
	bool tx;               /* open the transmit side */
	unsigned xdp_mode;     /* AF_XDP: 0 = kernel's choice, 1 = generic (skb), 2 = native (drv) */
	unsigned xsk_ring;     /* AF_XDP: RX and fill ring entries (a power of two; 0 = DP_XSK_RING_DEFAULT) */
	struct dp_fastpath *fastpath; /* backend xdp: the loaded fast path, attached in front of the sockets */
};

/* Per-port counters; one writer (the worker owning the port). */
struct dp_port_stats {
	uint64_t rx_packets;
	uint64_t rx_not_host; /* broadcast/multicast/other-host frames ignored before the core (never answer ARP/NDP) */
	uint64_t rx_csum_partial;
	uint64_t tx_packets;
	uint64_t tx_failed;
	uint64_t kernel_drops; /* ring overruns reported by the kernel */
	uint64_t rx_gso;       /* GSO/GRO super-frames received (longer than the MTU; sent on as GSO) */
	uint64_t rx_truncated; /* frames the kernel cut (longer than what the receive side can hold): dropped */
	uint64_t tx_oversize;  /* frames too long for the output port (and not GSO): dropped, logged */
};

struct dp_backend_ops {
	const char *name;
	/* 0 or -errno; on failure p->err holds a one-line reason naming what failed. */
	int (*open)(struct dp_port *p, const struct dp_port_cfg *cfg);
	/* Up to n received frames; they stay valid (and writable up to pkt->cap) until the next rx_burst on p.
	 * May block for a few milliseconds when nothing is pending, so that a stop request is seen quickly. */
	unsigned (*rx_burst)(struct dp_port *p, struct dp_pkt **pkts, unsigned n);
	/* Queues up to n frames for transmission (copied out), one kick per burst; returns how many were taken. */
	unsigned (*tx_burst)(struct dp_port *p, struct dp_pkt **pkts, unsigned n);
	void (*close)(struct dp_port *p);
};

struct dp_port {
	const struct dp_backend_ops *ops;
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	unsigned queue;
	struct dp_port_stats stats;
	char err[160];
	void *priv;
};

/* NULL when the name is unknown or the backend was not compiled in (see dp_backend_compiled()). */
const struct dp_backend_ops *dp_backend_find(const char *name);
/* "yes", or why it is missing ("not compiled: libxdp absent at build time"). */
const char *dp_backend_status(const char *name);
/* Space separated list of every backend and whether it is compiled in, for --version and the start log. */
const char *dp_backend_summary(void);

/* Helpers shared by the kernel backends. */
int dp_if_lookup(struct dp_port *p, const char *ifname); /* ifindex + MAC; 0 or -errno */
/* Marks a frame whose L4 checksum the sender left unfinished (veth/NIC TX offload): finds the L4 header and sets
 * DP_PKT_CSUM_PARTIAL with csum_start/csum_offset so the checksum is completed before the frame is forwarded. */
void dp_pkt_mark_csum_partial(struct dp_pkt *pkt);
/* The same for a frame that carries no flag (AF_XDP; the XDP program makes the same test): an unfinished TCP/UDP
 * checksum holds exactly the folded pseudo-header sum that Linux leaves for the offload to complete. IPv4 fragments
 * and IPv6 with extension headers never look unfinished. */
void dp_pkt_detect_csum_partial(struct dp_pkt *pkt);
/* Completes a DP_PKT_CSUM_PARTIAL checksum in place (the field holds the pseudo-header sum, as Linux leaves it). */
void dp_pkt_csum_complete(struct dp_pkt *pkt);

extern const struct dp_backend_ops dp_backend_memory;
extern const struct dp_backend_ops dp_backend_afpacket;
/* Always compiled (its netmap ABI declarations are ours: src/backend/netmap_abi.h); needs the netmap kernel module
 * at run time, and open() says so when /dev/netmap is missing. */
extern const struct dp_backend_ops dp_backend_netmap;

/* Memory backend (tests, bench): frames pushed in come out of rx_burst; transmitted frames are kept for take. */
int dp_mem_push(struct dp_port *p, const void *frame, uint32_t len);
/* Copies out the oldest transmitted frame; returns its length, 0 when none, -ENOSPC when buf is too small. */
int dp_mem_take(struct dp_port *p, void *buf, uint32_t cap);

#include "backend_xdp.h"

#endif
