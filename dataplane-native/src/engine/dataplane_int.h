/* dataplane_int.h: the dataplane object shared by dataplane.c (control API) and workers.c (packet loops). */
#ifndef DP_DATAPLANE_INT_H
#define DP_DATAPLANE_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "backend/backend.h"
#include "backend/fastpath.h"
#include "engine/engine.h"
#include "syncookied/dataplane.h"

#define DP_MAX_WORKERS 64

/* Port counters a worker publishes once per burst for the control thread (single writer). */
struct dp_port_pub {
	uint64_t rx_frames, rx_not_host, rx_csum_partial, tx_packets, tx_failed, kernel_drops;
	uint64_t rx_gso, rx_truncated, tx_oversize;
};

struct dp_wk {
	struct dp_dataplane *dp;
	pthread_t thread;
	unsigned idx;
	int cpu;	   /* -1 = not pinned */
	struct dp_port rx; /* RX queue + reply TX on the input interface */
	struct dp_port tx; /* forward TX on the output interface (when it differs) */
	bool has_tx;
	struct dp_worker *w;
	uint64_t last_loop_ns; /* heartbeat, written by the worker */
	bool running;	       /* set by the worker until it leaves its loop */
	struct dp_port_pub pub __attribute__((aligned(64)));
};

struct dp_secrets_slot {
	struct dp_addr ip;
	struct dp_secrets_file file;
};

struct dp_dataplane {
	pthread_mutex_t lock;
	char backend[16];
	char iface[IF_NAMESIZE], tx_iface[IF_NAMESIZE];
	int cpus[DP_MAX_WORKERS];
	unsigned ncpus; /* 0 = one unpinned worker */
	uint32_t flow_slots;
	uint32_t xdp_mode;
	uint32_t xsk_ring;
	uint32_t rt_priority;
	const struct dp_backend_ops *ops;
	struct dp_fastpath *fastpath; /* backend xdp: the XDP program, its maps kept equal to every published config */
	uint8_t macs[2][6];
	unsigned n_macs;
	uint8_t fwd_mac[6]; /* the output interface's MAC, when it differs from the input interface */
	bool has_fwd_mac;
	struct dp_core *core;
	struct dp_hosts hosts;
	struct dp_secrets_slot *secrets;
	unsigned n_secrets, cap_secrets;
	struct dp_addr_set secrets_idx; /* ip -> index into secrets (hostset.c keeps it) */
	struct dp_wk wk[DP_MAX_WORKERS];
	unsigned nworkers;
	struct dp_port_pub retired; /* counters of workers already stopped */
	bool stop;
	int state;
	uint64_t start_ns;
	char err[256];
};

int dp_workers_start(struct dp_dataplane *dp);
/* Builds a configuration from the hosts and their secrets and makes it current; called with dp->lock held. */
int dp_dataplane_publish(struct dp_dataplane *dp);
const struct dp_secrets_file *dp_dataplane_secrets_for(struct dp_dataplane *dp, const struct dp_addr *ip);
/* The worker protocol's typed records (hostset.c): all or nothing, like their hosts.yml and /proc counterparts. */
int dp_dataplane_set_hosts_wire(struct dp_dataplane *dp, const char *buf, size_t len, bool replace_all);
int dp_dataplane_set_secrets_wire(struct dp_dataplane *dp, const char *buf, size_t len);
/* The host record of ip as the worker holds it (malloc'ed text): 0, -EINVAL, -ENOENT or -ENOMEM. */
int dp_dataplane_host_record(struct dp_dataplane *dp, const char *ip, char **text, size_t *len);
void dp_workers_stop(struct dp_dataplane *dp);

#endif
