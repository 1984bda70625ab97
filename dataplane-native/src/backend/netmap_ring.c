/* netmap_ring.c: netmap ring bookkeeping (see netmap_ring.h): pure functions over struct netmap_ring. */
#include <errno.h>
#include <string.h>

#include "backend/netmap_ring.h"

unsigned dp_nm_rx_walk(const struct netmap_ring *r, struct dp_nm_rx_cursor *c, struct dp_nm_frame *fr, unsigned max,
		       struct dp_nm_rx_drops *drops)
{
	/* tail is written by the kernel during syncs only, which this thread issues: a plain load is enough, the
	 * acquire orders the slot reads after it all the same */
	uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	while (n < max && c->next != tail) {
		uint32_t i = c->next, len = 0, k = 0;
		bool bad = false;

		for (;;) {
			const struct netmap_slot *s = &r->slot[i];

			k++;
			if (s->len > r->nr_buf_size)
				bad = true;
			len += s->len;
			i = dp_nm_next(r, i);
			if (!(s->flags & NS_MOREFRAG) || k == DP_NM_MAX_SLOTS) {
				bad |= (s->flags & NS_MOREFRAG) != 0; /* longer still: not a frame we take */
				break;
			}
			if (i == tail)
				return n; /* the rest of this frame is still on its way: take it next time */
		}
		if (bad || len == 0 || len > DP_NM_MAX_FRAME) {
			drops->bad_len++;
		} else {
			fr[n++] = (struct dp_nm_frame){ .slot = c->next, .nslots = k, .len = len };
			drops->multislot += k > 1;
		}
		c->next = i;
	}
	return n;
}

void dp_nm_rx_gather(const struct netmap_ring *r, const struct dp_nm_frame *f, uint8_t *dst, uint32_t cap)
{
	uint32_t i = f->slot, off = 0;

	for (uint32_t k = 0; k < f->nslots; k++, i = dp_nm_next(r, i)) {
		const struct netmap_slot *s = &r->slot[i];
		uint32_t n = s->len <= cap - off ? s->len : cap - off;

		memcpy(dst + off, dp_nm_buf(r, s->buf_idx), n);
		off += n;
	}
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
	uint32_t need = len <= r->nr_buf_size ? 1 : (len + r->nr_buf_size - 1) / r->nr_buf_size;
	struct netmap_slot *s;

	if (need > DP_NM_MAX_SLOTS || len > DP_NM_MAX_FRAME)
		return -EMSGSIZE;
	if (dp_nm_tx_space(r) < need)
		return -ENOSPC;
	if (swap_from && need == 1) {
		dp_nm_slot_swap(swap_from, &r->slot[r->head], (uint16_t)len);
		r->head = r->cur = dp_nm_next(r, r->head);
		return 0;
	}
	for (uint32_t off = 0; off < len || off == 0;) {
		uint32_t n = len - off < r->nr_buf_size ? len - off : r->nr_buf_size;

		s = &r->slot[r->head];
		memcpy(dp_nm_buf(r, s->buf_idx), data + off, n);
		s->len = (uint16_t)n;
		off += n;
		s->flags = off < len ? NS_MOREFRAG : 0;
		r->head = r->cur = dp_nm_next(r, r->head);
		if (!n)
			break;
	}
	return 0;
}
