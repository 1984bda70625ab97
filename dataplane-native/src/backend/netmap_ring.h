/* netmap_ring.h: the netmap backend's ring bookkeeping as pure functions (no syscalls), so tests drive them on a
 * ring built in memory: RX slot walking (frames of one slot, and jumbo frames spread over several with
 * NS_MOREFRAG), releasing RX slots, TX slot filling by copy (over several slots for a jumbo frame) or by zero-copy
 * buffer swap. */
#ifndef DP_NETMAP_RING_H
#define DP_NETMAP_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/netmap_abi.h"

static inline uint32_t dp_nm_next(const struct netmap_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static inline uint8_t *dp_nm_buf(const struct netmap_ring *r, uint32_t buf_idx)
{
	return (uint8_t *)r + r->buf_ofs + (size_t)buf_idx * r->nr_buf_size;
}

#define DP_NM_MAX_SLOTS 64u    /* a frame spread over more slots than this is malformed */
#define DP_NM_MAX_FRAME 65535u /* the longest frame a multi-slot chain may add up to */

/* Where the RX walk stands: slots before next were handed out (and are released by dp_nm_rx_release). */
struct dp_nm_rx_cursor {
	uint32_t next;
};

/* One received frame: its first slot and how many slots (NS_MOREFRAG chain) it takes. */
struct dp_nm_frame {
	uint32_t slot;
	uint32_t nslots;
	uint32_t len;
};

struct dp_nm_rx_drops {
	uint64_t multislot; /* frames spread over several slots (jumbo): received whole, copied out of their slots */
	uint64_t bad_len;   /* frames of length 0, with a slot beyond the buffer size, or longer than DP_NM_MAX_FRAME
			       or DP_NM_MAX_SLOTS slots: dropped */
};

/* Walks the RX slots from c->next up to ring->tail and describes up to max frames in fr[]; returns how many. A
 * frame whose last slot has not arrived yet stays for the next walk (the cursor stops at its first slot). Stops
 * early when max frames were found, leaving the rest for the next walk. */
unsigned dp_nm_rx_walk(const struct netmap_ring *r, struct dp_nm_rx_cursor *c, struct dp_nm_frame *fr, unsigned max,
		       struct dp_nm_rx_drops *drops);

/* Copies a frame of several slots into dst (f->len bytes, at most cap). */
void dp_nm_rx_gather(const struct netmap_ring *r, const struct dp_nm_frame *f, uint8_t *dst, uint32_t cap);

/* Gives every slot the walk has passed back to the kernel (head = cur = c->next; the next RX sync refills them). */
void dp_nm_rx_release(struct netmap_ring *r, const struct dp_nm_rx_cursor *c);

/* Free TX slots: [head, tail). */
uint32_t dp_nm_tx_space(const struct netmap_ring *r);

/* Zero-copy forward: the TX slot takes the RX slot's buffer and the RX slot takes the TX slot's spare buffer (both
 * flagged NS_BUF_CHANGED, so the kernel remaps them); tx->len = len. Valid only between rings of one memory
 * region (same nr_arg2). */
void dp_nm_slot_swap(struct netmap_slot *rx, struct netmap_slot *tx, uint16_t len);

/* Queues one frame in the TX slot at head and advances head and cur: by swapping buffers with swap_from when it
 * is not NULL, by copying len bytes from data otherwise; a frame longer than a buffer is copied over as many slots
 * as it needs, chained with NS_MOREFRAG (never swapped). -ENOSPC when the ring has not the slots it needs,
 * -EMSGSIZE when it needs more than DP_NM_MAX_SLOTS. The caller syncs (NIOCTXSYNC) once per burst. */
int dp_nm_tx_put(struct netmap_ring *r, const uint8_t *data, uint32_t len, struct netmap_slot *swap_from);

struct dp_port;
/* For tests: makes p a netmap port over rings built in memory (no /dev/netmap, no syscalls), so rx_burst,
 * tx_burst (with its buffer swaps) and close run unchanged. rx or tx may be the same ring set as another port's
 * when mem_id says they share a region. */
int dp_nm_port_attach(struct dp_port *p, const uint8_t mac[6], struct netmap_ring *rx, struct netmap_ring *tx,
		      uint16_t mem_id);

#endif
