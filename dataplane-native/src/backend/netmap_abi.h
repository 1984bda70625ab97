/* netmap_abi.h: the part of netmap's user/kernel binary interface the netmap backend uses, declared here so the
 * backend always compiles (Debian ships no netmap headers) and CI builds and tests it everywhere.
 *
 * These are our own declarations of netmap's documented ABI (netmap(4); the layouts of sys/net/netmap.h and
 * sys/net/netmap_legacy.h in github.com/luigirizzo/netmap, NETMAP_API 14), not a copy of those headers. Names
 * follow netmap's so that the code reads like any netmap program. Only what the backend needs is declared; the
 * static assertions at the end pin every offset we rely on.
 *
 * Registration uses the legacy NIOCREGIF request (struct nmreq): its layout has not changed since API 11, every
 * netmap kernel module accepts it (the current one converts it to NIOCCTRL/NETMAP_REQ_REGISTER itself), and it
 * needs nothing but this file. Kernels with API 14 refuse an nr_version below 14; older ones accept any version
 * up to their NETMAP_MAX_API (15), so we always ask for 14. */
#ifndef DP_NETMAP_ABI_H
#define DP_NETMAP_ABI_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/types.h>

#define DP_NETMAP_API 14 /* the nr_version we send */
#define DP_NETMAP_DEV "/dev/netmap"

/* One buffer descriptor of a ring. */
struct netmap_slot {
	uint32_t buf_idx; /* buffer index in the shared region */
	uint16_t len;	  /* bytes in the buffer (this fragment) */
	uint16_t flags;	  /* NS_* */
	uint64_t ptr;	  /* indirect buffers (VALE TX only; unused here) */
};

#define NS_BUF_CHANGED 0x0001 /* buf_idx was changed by the application (zero-copy swap) */
#define NS_MOREFRAG 0x0020    /* not the last slot of a multi-slot frame */

/* A TX or RX ring, mmap()ed from the kernel: [head, tail) belongs to user space. */
struct netmap_ring {
	const int64_t buf_ofs; /* buffer area, relative to this ring */
	const uint32_t num_slots;
	const uint32_t nr_buf_size;
	const uint16_t ringid;
	const uint16_t dir; /* 0 tx, 1 rx */
	uint32_t head;	    /* (user) first slot owned by user space */
	uint32_t cur;	    /* (user) wakeup point */
	uint32_t tail;	    /* (kernel) first slot owned by the kernel */
	uint32_t flags;
	struct timeval ts;
	uint8_t sem[128] __attribute__((__aligned__(128)));
	struct netmap_slot slot[];
};

/* What one file descriptor is bound to; ring_ofs[] holds each ring's offset from this struct: NIC TX rings, host
 * TX rings, NIC RX rings, host RX rings. Before API 14 ni_host_*_rings were spare (0) and there was always one
 * host ring pair. */
struct netmap_if {
	char ni_name[IFNAMSIZ];
	const uint32_t ni_version;
	const uint32_t ni_flags;
	const uint32_t ni_tx_rings;
	const uint32_t ni_rx_rings;
	uint32_t ni_bufs_head;
	const uint32_t ni_host_tx_rings;
	const uint32_t ni_host_rx_rings;
	uint32_t ni_spare1[3];
	const ssize_t ring_ofs[];
};

/* Legacy registration request (NIOCREGIF). */
struct nmreq {
	char nr_name[IFNAMSIZ];
	uint32_t nr_version;
	uint32_t nr_offset;  /* (out) netmap_if offset in the shared region */
	uint32_t nr_memsize; /* (out) size of the shared region */
	uint32_t nr_tx_slots;
	uint32_t nr_rx_slots;
	uint16_t nr_tx_rings;
	uint16_t nr_rx_rings;
	uint16_t nr_ringid; /* ring number (NETMAP_RING_MASK) and NETMAP_* poll flags */
	uint16_t nr_cmd;    /* 0: register */
	uint16_t nr_arg1;
	uint16_t nr_arg2; /* (out) memory region id: equal ids share buffers (zero-copy between ports) */
	uint32_t nr_arg3;
	uint32_t nr_flags; /* NR_REG_* mode | NR_*_RINGS_ONLY */
	uint32_t spare2[1];
};

#define NETMAP_RING_MASK 0x0fff
#define NR_REG_ALL_NIC 1
#define NR_REG_ONE_NIC 4
#define NR_RX_RINGS_ONLY 0x2000
#define NR_TX_RINGS_ONLY 0x4000

#define NIOCREGIF _IOWR('i', 146, struct nmreq)
#define NIOCTXSYNC _IO('i', 148)
#define NIOCRXSYNC _IO('i', 149)

_Static_assert(sizeof(struct netmap_slot) == 16, "netmap_slot layout");
_Static_assert(offsetof(struct netmap_ring, head) == 20, "netmap_ring.head");
_Static_assert(offsetof(struct netmap_ring, tail) == 28, "netmap_ring.tail");
_Static_assert(offsetof(struct netmap_ring, ts) == 40, "netmap_ring.ts");
_Static_assert(offsetof(struct netmap_ring, sem) == 128, "netmap_ring.sem");
_Static_assert(offsetof(struct netmap_ring, slot) == 256, "netmap_ring.slot");
_Static_assert(offsetof(struct netmap_if, ni_tx_rings) == 24, "netmap_if.ni_tx_rings");
_Static_assert(offsetof(struct netmap_if, ni_host_tx_rings) == 36, "netmap_if.ni_host_tx_rings");
_Static_assert(offsetof(struct netmap_if, ring_ofs) == 56, "netmap_if.ring_ofs");
_Static_assert(sizeof(struct nmreq) == 60, "nmreq layout");
_Static_assert(offsetof(struct nmreq, nr_ringid) == 40, "nmreq.nr_ringid");
_Static_assert(offsetof(struct nmreq, nr_flags) == 52, "nmreq.nr_flags");

#endif
