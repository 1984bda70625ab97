/* netmap_ring.c: netmap ring bookkeeping (see netmap_ring.h): pure functions over struct netmap_ring. */
#include <errno.h>
#include <string.h>

#include "backend/netmap_ring.h"

unsigned dp_nm_rx_walk(const struct netmap_ring *r, struct dp_nm_rx_cursor *c, uint32_t *idx, unsigned max,
		       struct dp_nm_rx_drops *drops)
{
	/* tail is written by the kernel during syncs only, which this thread issues: a plain load is enough, the
	 * acquire orders the slot reads after it all the same */
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	while (n < max && c->next != tail) {
		const struct netmap_slot *s = &r->slot[c->next];
		bool more = s->flags & NS_MOREFRAG;

		if (c->in_chain) {
			/* the rest of a frame already counted: drop up to and including its last slot */
			c->in_chain = more;
		} else if (more) {
			drops->multislot++;
			c->in_chain = true;
		} else if (s->len == 0 || s->len > r->nr_buf_size) {
			drops->bad_len++;
		} else {
			idx[n++] = c->next;
		}
		c->next = dp_nm_next(r, c->next);
	}
	return n;
}

void dp_nm_rx_release(struct netmap_ring *r, const struct dp_nm_rx_cursor *c)
{
	r->head = r->cur = c->next;
}

uint32_t dp_nm_tx_space(const struct netmap_ring *r)
{
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

	return tail >= r->head ? tail - r->head : tail + r->num_slots - r->head;
}

void dp_nm_slot_swap(struct netmap_slot *rx, struct netmap_slot *tx, uint16_t len)
{
	uint32_t spare = tx->buf_idx;

	tx->buf_idx = rx->buf_idx;
	tx->len = len;
	tx->flags = NS_BUF_CHANGED;
	rx->buf_idx = spare;
	rx->flags = NS_BUF_CHANGED;
}

int dp_nm_tx_put(struct netmap_ring *r, const uint8_t *data, uint32_t len, struct netmap_slot *swap_from)
{
	struct netmap_slot *s;

	if (!dp_nm_tx_space(r))
		return -ENOSPC;
	if (len > r->nr_buf_size || len > UINT16_MAX)
		return -EMSGSIZE;
	s = &r->slot[r->head];
	if (swap_from) {
		dp_nm_slot_swap(swap_from, s, (uint16_t)len);
	} else {
		memcpy(dp_nm_buf(r, s->buf_idx), data, len);
		s->len = (uint16_t)len;
		s->flags = 0;
	}
	r->head = r->cur = dp_nm_next(r, r->head);
	return 0;
}
