/* netmap_ring.h: the netmap backend's ring bookkeeping as pure functions (no syscalls), so tests drive them on a
 * ring built in memory: RX slot walking with multi-slot (NS_MOREFRAG) frames dropped, releasing RX slots, TX slot
 * filling by copy or by zero-copy buffer swap. */
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

/* Where the RX walk stands: slots before next were handed out (and are released by dp_nm_rx_release); in_chain
 * says the slot at next continues a multi-slot frame whose start was already dropped. */
struct dp_nm_rx_cursor {
	uint32_t next;
	bool in_chain;
};

struct dp_nm_rx_drops {
	uint64_t multislot; /* frames spread over several slots (jumbo / NS_MOREFRAG): dropped, one count per frame */
	uint64_t bad_len;   /* single-slot frames with a length of 0 or beyond the buffer size */
};

/* Walks the RX slots from c->next up to ring->tail and stores the slot indexes of up to max single-slot frames in
 * idx[]; returns how many. Multi-slot frames are skipped whole (even when their end arrives in a later walk) and
 * counted. Stops early when max frames were found, leaving the rest for the next walk. */
unsigned dp_nm_rx_walk(const struct netmap_ring *r, struct dp_nm_rx_cursor *c, uint32_t *idx, unsigned max,
		       struct dp_nm_rx_drops *drops);

/* Gives every slot the walk has passed back to the kernel (head = cur = c->next; the next RX sync refills them). */
void dp_nm_rx_release(struct netmap_ring *r, const struct dp_nm_rx_cursor *c);

/* Free TX slots: [head, tail). */
uint32_t dp_nm_tx_space(const struct netmap_ring *r);

/* Zero-copy forward: the TX slot takes the RX slot's buffer and the RX slot takes the TX slot's spare buffer (both
 * flagged NS_BUF_CHANGED, so the kernel remaps them); tx->len = len. Valid only between rings of one memory
 * region (same nr_arg2). */
void dp_nm_slot_swap(struct netmap_slot *rx, struct netmap_slot *tx, uint16_t len);

/* Queues one frame in the TX slot at head and advances head and cur: by swapping buffers with swap_from when it
 * is not NULL, by copying len bytes from data otherwise. -ENOSPC when the ring is full, -EMSGSIZE when the frame
 * is larger than a buffer. The caller syncs (NIOCTXSYNC) once per burst. */
int dp_nm_tx_put(struct netmap_ring *r, const uint8_t *data, uint32_t len, struct netmap_slot *swap_from);

struct dp_port;
/* For tests: makes p a netmap port over rings built in memory (no /dev/netmap, no syscalls), so rx_burst,
 * tx_burst (with its buffer swaps) and close run unchanged. rx or tx may be the same ring set as another port's
 * when mem_id says they share a region. */
int dp_nm_port_attach(struct dp_port *p, const uint8_t mac[6], struct netmap_ring *rx, struct netmap_ring *tx,
		      uint16_t mem_id);

#endif
