/* memory.c: in-process backend for tests and the bench: frames pushed in are received, transmitted ones kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"

#define MEM_SLOTS 1024
#define MEM_FRAME 2048

struct mem_ring {
	uint8_t buf[MEM_SLOTS][MEM_FRAME];
	uint32_t len[MEM_SLOTS];
	unsigned head, tail; /* single producer, single consumer, same thread in tests */
};

struct mem_port {
	struct mem_ring rx, tx;
	struct dp_pkt pkts[DP_BURST];
	struct dp_pkt *ptrs[DP_BURST];
};

static int mem_open(struct dp_port *p, const struct dp_port_cfg *cfg)
{
	struct mem_port *m = calloc(1, sizeof(*m));

	if (!m) {
		snprintf(p->err, sizeof(p->err), "memory backend: out of memory");
		return -ENOMEM;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", cfg->ifname ? cfg->ifname : "mem0");
	p->mac[0] = 0x02; /* locally administered, fixed so tests can address it */
	p->mac[5] = (uint8_t)(cfg->queue + 1);
	p->queue = cfg->queue;
	p->priv = m;
	return 0;
}

static unsigned mem_rx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct mem_port *m = p->priv;
	unsigned i = 0;

	/* the previous burst has been handled: release its slots */
	while (i < n && m->rx.tail != m->rx.head) {
		unsigned slot = m->rx.tail++ % MEM_SLOTS;
		struct dp_pkt *pkt = &m->pkts[i];

		pkt->data = m->rx.buf[slot];
		pkt->len = m->rx.len[slot];
		pkt->cap = MEM_FRAME;
		pkt->flags = 0;
		pkt->csum_start = pkt->csum_offset = 0;
		pkt->queue = (uint16_t)p->queue;
		pkts[i++] = pkt;
	}
	p->stats.rx_packets += i;
	if (!i) {
		/* idle: do not spin a worker thread on an empty in-memory ring */
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
	return i;
}

static unsigned mem_tx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct mem_port *m = p->priv;
	unsigned i;

	for (i = 0; i < n; i++) {
		unsigned slot;

		if (m->tx.head - m->tx.tail >= MEM_SLOTS || pkts[i]->len > MEM_FRAME)
			break;
		slot = m->tx.head++ % MEM_SLOTS;
		memcpy(m->tx.buf[slot], pkts[i]->data, pkts[i]->len);
		m->tx.len[slot] = pkts[i]->len;
	}
	p->stats.tx_packets += i;
	p->stats.tx_failed += n - i;
	return i;
}

static void mem_close(struct dp_port *p)
{
	free(p->priv);
	p->priv = NULL;
}

int dp_mem_push(struct dp_port *p, const void *frame, uint32_t len)
{
	struct mem_port *m = p->priv;
	unsigned slot;

	if (len > MEM_FRAME)
		return -EMSGSIZE;
	/* slots of the burst being processed are still in use: only free ones beyond the consumer */
	if (m->rx.head - m->rx.tail >= MEM_SLOTS)
		return -ENOSPC;
	slot = m->rx.head++ % MEM_SLOTS;
	memcpy(m->rx.buf[slot], frame, len);
	m->rx.len[slot] = len;
	return 0;
}

int dp_mem_take(struct dp_port *p, void *buf, uint32_t cap)
{
	struct mem_port *m = p->priv;
	unsigned slot;

	if (m->tx.tail == m->tx.head)
		return 0;
	slot = m->tx.tail % MEM_SLOTS;
	if (m->tx.len[slot] > cap)
		return -ENOSPC;
	memcpy(buf, m->tx.buf[slot], m->tx.len[slot]);
	m->tx.tail++;
	return (int)m->tx.len[slot];
}

const struct dp_backend_ops dp_backend_memory = {
	.name = "memory",
	.open = mem_open,
	.rx_burst = mem_rx_burst,
	.tx_burst = mem_tx_burst,
	.close = mem_close,
};
