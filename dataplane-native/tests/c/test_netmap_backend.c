/* test_netmap_backend.c: the netmap backend: registered and reported compiled; open() without the netmap module
 * fails with a clear one-line reason; and its ring logic (slot walking, jumbo frames over several NS_MOREFRAG slots
 * received whole and sent over several slots, releasing, TX by copy and by zero-copy buffer swap) driven through
 * rx_burst/tx_burst on netmap rings built in memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/netmap_ring.h"
#include "crypto_check.h"

#define NSLOTS 8u
#define BUFSZ 2048u
#define NBUFS 32u
#define RING_BYTES 4096u /* header (256) + NSLOTS slots, rounded up */

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* A netmap memory region in miniature: rings at 4 KiB steps, then the buffers they index. */
struct region {
	uint8_t *mem;
	uint8_t *bufs;
};

static void region_init(struct region *g)
{
	g->mem = aligned_alloc(4096, 4 * RING_BYTES + NBUFS * BUFSZ);
	memset(g->mem, 0, 4 * RING_BYTES + NBUFS * BUFSZ);
	g->bufs = g->mem + 4 * RING_BYTES;
}

/* Ring number i of the region; its slots own buffers first_buf.. first_buf + NSLOTS - 1. The kernel fills the
 * const fields of a real ring: here we do. */
static struct netmap_ring *ring_init(struct region *g, unsigned i, uint32_t first_buf, uint16_t dir)
{
	struct netmap_ring *r = (struct netmap_ring *)(g->mem + i * RING_BYTES);

	*(int64_t *)&r->buf_ofs = g->bufs - (uint8_t *)r;
	*(uint32_t *)&r->num_slots = NSLOTS;
	*(uint32_t *)&r->nr_buf_size = BUFSZ;
	*(uint16_t *)&r->dir = dir;
	for (uint32_t s = 0; s < NSLOTS; s++)
		r->slot[s].buf_idx = first_buf + s;
	return r;
}

/* The kernel delivering a frame in RX slot s. */
static void rx_put(struct netmap_ring *r, uint32_t s, const uint8_t dst[6], uint16_t len, uint16_t flags)
{
	uint8_t *b = dp_nm_buf(r, r->slot[s].buf_idx);

	memset(b, 0, len);
	memcpy(b, dst, 6);
	b[6] = (uint8_t)s; /* marks which slot the frame came in */
	r->slot[s].len = len;
	r->slot[s].flags = flags;
}

static void test_registered(void)
{
	const struct dp_backend_ops *ops = dp_backend_find("netmap");

	CC_CHECK(ops == &dp_backend_netmap, "netmap is registered");
	CC_CHECK(ops && !strcmp(ops->name, "netmap"), "its name");
	CC_CHECK(!strcmp(dp_backend_status("netmap"), "yes"), "status %s", dp_backend_status("netmap"));
	CC_CHECK(strstr(dp_backend_summary(), "netmap=yes") != NULL, "summary %s", dp_backend_summary());
}

static void test_open_without_module(void)
{
	struct dp_port p;
	struct dp_port_cfg cfg = { .ifname = "lo", .rx = true, .tx = true, .nqueues = 1 };
	int rc;

	memset(&p, 0, sizeof(p));
	cfg.ifname = "nonexistent0";
	rc = dp_backend_netmap.open(&p, &cfg);
	CC_CHECK(rc == -ENODEV && strstr(p.err, "nonexistent0"), "unknown interface named: %d %s", rc, p.err);

	if (access(DP_NETMAP_DEV, F_OK) == 0) {
		printf("SKIP open without the netmap module: %s exists on this machine (netmap is loaded)\n",
		       DP_NETMAP_DEV);
		return;
	}
	memset(&p, 0, sizeof(p));
	cfg.ifname = "lo";
	rc = dp_backend_netmap.open(&p, &cfg);
	CC_CHECK(rc == -ENOENT || rc == -ENODEV, "open without /dev/netmap: %d", rc);
	CC_CHECK(strstr(p.err, "netmap: /dev/netmap: ") == p.err, "reason names the device: '%s'", p.err);
	CC_CHECK(strstr(p.err, "load the netmap kernel module") != NULL, "reason says what to do: '%s'", p.err);
	CC_CHECK(!strchr(p.err, '\n'), "one line");
	CC_CHECK(p.priv == NULL, "nothing left allocated");
}

static void test_rx_walk(void)
{
	struct region g;
	struct netmap_ring *r;
	struct dp_nm_rx_cursor c = { 0 };
	struct dp_nm_rx_drops d = { 0 };
	struct dp_nm_frame fr[NSLOTS];
	uint8_t jumbo[3 * BUFSZ];
	unsigned n;

	region_init(&g);
	r = ring_init(&g, 0, 0, 1);
	rx_put(r, 0, our_mac, 60, 0);
	rx_put(r, 1, our_mac, BUFSZ, NS_MOREFRAG); /* a jumbo frame in three slots */
	rx_put(r, 2, our_mac, BUFSZ, NS_MOREFRAG);
	rx_put(r, 3, our_mac, 100, 0);
	rx_put(r, 4, our_mac, 64, 0);
	r->slot[5].len = 0; /* a broken descriptor */
	r->tail = 6;

	n = dp_nm_rx_walk(r, &c, fr, 1, &d);
	CC_CHECK(n == 1 && fr[0].slot == 0 && fr[0].nslots == 1 && c.next == 1, "max respected: n %u next %u", n,
		 c.next);
	n = dp_nm_rx_walk(r, &c, fr, NSLOTS, &d);
	CC_CHECK(n == 2 && fr[0].slot == 1 && fr[0].nslots == 3 && fr[0].len == 2 * BUFSZ + 100,
		 "multi-slot frame whole: n %u slot %u nslots %u len %u", n, fr[0].slot, fr[0].nslots, fr[0].len);
	CC_CHECK(n == 2 && fr[1].slot == 4 && fr[1].len == 64, "then the next one");
	CC_CHECK(d.multislot == 1 && d.bad_len == 1, "counted: multislot %llu bad_len %llu",
		 (unsigned long long)d.multislot, (unsigned long long)d.bad_len);
	dp_nm_rx_gather(r, &fr[0], jumbo, sizeof(jumbo));
	CC_CHECK(jumbo[6] == 1 && jumbo[BUFSZ + 6] == 2 && jumbo[2 * BUFSZ + 6] == 3, "gathered in slot order");
	CC_CHECK(c.next == 6, "walked to tail: %u", c.next);
	CC_CHECK(r->head == 0, "nothing released before the burst is done");
	dp_nm_rx_release(r, &c);
	CC_CHECK(r->head == 6 && r->cur == 6, "released up to the walk: head %u cur %u", r->head, r->cur);

	/* a chain whose end arrives only after the next sync, across the ring's wrap: taken whole then */
	rx_put(r, 6, our_mac, BUFSZ, NS_MOREFRAG);
	r->tail = 7;
	n = dp_nm_rx_walk(r, &c, fr, NSLOTS, &d);
	CC_CHECK(n == 0 && c.next == 6, "open chain waits for its end: n %u next %u", n, c.next);
	rx_put(r, 7, our_mac, BUFSZ, NS_MOREFRAG);
	rx_put(r, 0, our_mac, 300, 0); /* the chain's last slot, after the wrap */
	rx_put(r, 1, our_mac, 60, 0);
	r->tail = 2;
	n = dp_nm_rx_walk(r, &c, fr, NSLOTS, &d);
	CC_CHECK(n == 2 && fr[0].slot == 6 && fr[0].nslots == 3 && fr[0].len == 2 * BUFSZ + 300 && fr[1].slot == 1 &&
			 c.next == 2,
		 "chain across the wrap taken whole: n %u", n);
	dp_nm_rx_gather(r, &fr[0], jumbo, sizeof(jumbo));
	CC_CHECK(jumbo[6] == 6 && jumbo[BUFSZ + 6] == 7 && jumbo[2 * BUFSZ + 6] == 0, "gathered across the wrap");
	CC_CHECK(d.multislot == 2, "a frame counts once: %llu", (unsigned long long)d.multislot);
	CC_CHECK(r->tail == 2 && r->head == 6, "the walk never writes the ring");
	/* a slot longer than its buffer spoils its whole chain */
	dp_nm_rx_release(r, &c);
	rx_put(r, 2, our_mac, BUFSZ, NS_MOREFRAG);
	r->slot[3].len = BUFSZ + 1;
	r->slot[3].flags = 0;
	r->tail = 4;
	n = dp_nm_rx_walk(r, &c, fr, NSLOTS, &d);
	CC_CHECK(n == 0 && d.bad_len == 2 && c.next == 4, "bad chain dropped whole: n %u bad %llu", n,
		 (unsigned long long)d.bad_len);
	free(g.mem);
}

static void test_tx_put(void)
{
	struct region g;
	struct netmap_ring *rx, *tx;
	uint8_t frame[80];
	static uint8_t big[2 * BUFSZ + 10];
	int rc;

	region_init(&g);
	rx = ring_init(&g, 0, 0, 1);
	tx = ring_init(&g, 1, NSLOTS, 0);
	tx->tail = 3; /* the kernel holds slots 3..7 */
	CC_CHECK(dp_nm_tx_space(tx) == 3, "space %u", dp_nm_tx_space(tx));
	memset(frame, 0xab, sizeof(frame));
	rc = dp_nm_tx_put(tx, frame, sizeof(frame), NULL);
	CC_CHECK(rc == 0 && tx->head == 1 && tx->cur == 1, "copy queued: rc %d head %u", rc, tx->head);
	CC_CHECK(tx->slot[0].len == 80 && tx->slot[0].buf_idx == NSLOTS && tx->slot[0].flags == 0, "copy slot");
	CC_CHECK(!memcmp(dp_nm_buf(tx, NSLOTS), frame, sizeof(frame)), "copied bytes");
	CC_CHECK(dp_nm_tx_put(tx, frame, 64 * BUFSZ + 1, NULL) == -EMSGSIZE && tx->head == 1,
		 "longer than 64 buffers refused");
	CC_CHECK(dp_nm_tx_put(tx, big, 3 * BUFSZ + 1, NULL) == -ENOSPC && tx->head == 1,
		 "a jumbo frame needs all its slots free");

	rx_put(rx, 2, our_mac, 66, 0);
	rc = dp_nm_tx_put(tx, NULL, 66, &rx->slot[2]);
	CC_CHECK(rc == 0 && tx->slot[1].buf_idx == 2 && tx->slot[1].len == 66, "swap: TX slot took RX buffer 2 (%u)",
		 tx->slot[1].buf_idx);
	CC_CHECK(tx->slot[1].flags == NS_BUF_CHANGED && rx->slot[2].flags == NS_BUF_CHANGED, "both flagged");
	CC_CHECK(rx->slot[2].buf_idx == NSLOTS + 1, "RX slot got the spare TX buffer (%u)", rx->slot[2].buf_idx);
	CC_CHECK(dp_nm_buf(tx, tx->slot[1].buf_idx)[6] == 2, "the frame itself never moved");

	CC_CHECK(dp_nm_tx_put(tx, frame, 60, NULL) == 0, "third slot");
	CC_CHECK(dp_nm_tx_put(tx, frame, 60, NULL) == -ENOSPC && tx->head == 3, "full ring refused, head at tail");
	tx->tail = 5; /* the kernel sent two: wrap-free space again */
	CC_CHECK(dp_nm_tx_space(tx) == 2, "space after reclaim %u", dp_nm_tx_space(tx));
	/* a jumbo frame goes out over three slots, chained, copied */
	tx->tail = 2; /* slots 3..7 and 0..1 free: 7 */
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i / BUFSZ + 1);
	rc = dp_nm_tx_put(tx, big, sizeof(big), &rx->slot[5]);
	CC_CHECK(rc == 0 && tx->head == 6, "jumbo queued over 3 slots: rc %d head %u", rc, tx->head);
	CC_CHECK(tx->slot[3].len == BUFSZ && tx->slot[3].flags == NS_MOREFRAG && tx->slot[4].len == BUFSZ &&
			 tx->slot[4].flags == NS_MOREFRAG && tx->slot[5].len == 10 && tx->slot[5].flags == 0,
		 "chained: %u/%u %u/%u %u/%u", tx->slot[3].len, tx->slot[3].flags, tx->slot[4].len, tx->slot[4].flags,
		 tx->slot[5].len, tx->slot[5].flags);
	CC_CHECK(dp_nm_buf(tx, tx->slot[3].buf_idx)[0] == 1 && dp_nm_buf(tx, tx->slot[4].buf_idx)[0] == 2 &&
			 dp_nm_buf(tx, tx->slot[5].buf_idx)[9] == 3,
		 "copied in order");
	CC_CHECK(rx->slot[5].flags != NS_BUF_CHANGED, "a jumbo frame is never swapped");
	free(g.mem);
}

static void test_bursts(void)
{
	struct region g;
	struct netmap_ring *rx, *tx, *tx2;
	struct dp_port p, out;
	struct dp_pkt *pkts[DP_BURST], local;
	uint8_t local_frame[70];
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned n;

	region_init(&g);
	rx = ring_init(&g, 0, 0, 1);
	tx = ring_init(&g, 1, NSLOTS, 0);
	tx2 = ring_init(&g, 2, 2 * NSLOTS, 0);
	tx->tail = NSLOTS - 1;
	tx2->tail = NSLOTS - 1;
	rx_put(rx, 0, our_mac, 60, 0);
	rx_put(rx, 1, bcast, 42, 0);		    /* ARP: never ours */
	rx_put(rx, 2, our_mac, BUFSZ, NS_MOREFRAG); /* a jumbo frame: slots 2 and 3 */
	rx_put(rx, 3, our_mac, 200, 0);
	rx_put(rx, 4, our_mac, 74, 0);
	rx->tail = 5;

	memset(&p, 0, sizeof(p));
	memset(&out, 0, sizeof(out));
	CC_CHECK(dp_nm_port_attach(&p, our_mac, rx, tx, 1) == 0, "attach");
	n = p.ops->rx_burst(&p, pkts, DP_BURST);
	CC_CHECK(n == 3, "three frames for us: %u", n);
	CC_CHECK(n == 3 && pkts[0]->data[6] == 0 && pkts[1]->data[6] == 2 && pkts[2]->data[6] == 4, "slots 0, 2, 4");
	CC_CHECK(n == 3 && pkts[0]->len == 60 && pkts[0]->cap == BUFSZ, "len %u cap %u", pkts[0]->len, pkts[0]->cap);
	CC_CHECK(n == 3 && pkts[1]->len == BUFSZ + 200 && pkts[1]->data[BUFSZ + 6] == 3, "the jumbo frame whole (%u)",
		 pkts[1]->len);
	CC_CHECK(p.stats.rx_packets == 4 && p.stats.rx_not_host == 1, "rx %llu not_host %llu",
		 (unsigned long long)p.stats.rx_packets, (unsigned long long)p.stats.rx_not_host);
	if (n != 3)
		goto out;
	/* the jumbo frame forwarded: copied over two TX slots of the other ring (never swapped) */
	CC_CHECK(dp_nm_port_attach(&out, our_mac, NULL, tx2, 1) == 0, "attach tx port");
	CC_CHECK(out.ops->tx_burst(&out, &pkts[1], 1) == 1 && tx2->slot[0].flags == NS_MOREFRAG &&
			 tx2->slot[1].len == 200 && tx2->slot[1].flags == 0 && tx2->head == 2,
		 "jumbo out over 2 slots");
	out.ops->close(&out);
	memset(&out, 0, sizeof(out));
	tx2->head = tx2->cur = 0;
	pkts[1] = pkts[2]; /* the rest as before: slots 0 and 4 */

	/* a reply out of the same port: zero-copy */
	CC_CHECK(p.ops->tx_burst(&p, pkts, 1) == 1, "reply taken");
	CC_CHECK(tx->slot[0].buf_idx == 0 && tx->slot[0].flags == NS_BUF_CHANGED && tx->slot[0].len == 60,
		 "reply swapped in (buf %u)", tx->slot[0].buf_idx);
	CC_CHECK(rx->slot[0].buf_idx == NSLOTS, "RX slot holds the spare (buf %u)", rx->slot[0].buf_idx);
	/* the same frame again: its buffer is gone, so it is copied */
	CC_CHECK(p.ops->tx_burst(&p, pkts, 1) == 1 && tx->slot[1].flags == 0 && tx->slot[1].buf_idx == NSLOTS + 1,
		 "second send copies");
	/* a frame that did not come from a netmap ring: copied */
	memset(local_frame, 0x5a, sizeof(local_frame));
	local = (struct dp_pkt){ .data = local_frame, .len = sizeof(local_frame), .cap = sizeof(local_frame) };
	pkts[2] = &local;
	CC_CHECK(p.ops->tx_burst(&p, &pkts[2], 1) == 1 && tx->slot[2].len == 70 &&
			 !memcmp(dp_nm_buf(tx, tx->slot[2].buf_idx), local_frame, 70),
		 "foreign frame copied");

	/* a TX interface in another memory region: copied; in the same region: swapped */
	CC_CHECK(dp_nm_port_attach(&out, our_mac, NULL, tx2, 2) == 0, "attach tx port");
	CC_CHECK(out.ops->tx_burst(&out, &pkts[1], 1) == 1 && tx2->slot[0].flags == 0 &&
			 tx2->slot[0].buf_idx == 2 * NSLOTS && dp_nm_buf(tx2, 2 * NSLOTS)[6] == 4,
		 "other region: copy");
	out.ops->close(&out);
	memset(&out, 0, sizeof(out));
	CC_CHECK(dp_nm_port_attach(&out, our_mac, NULL, tx2, 1) == 0, "attach tx port, same region");
	CC_CHECK(out.ops->tx_burst(&out, &pkts[1], 1) == 1 && tx2->slot[1].buf_idx == 4 &&
			 tx2->slot[1].flags == NS_BUF_CHANGED,
		 "same region: swap (buf %u)", tx2->slot[1].buf_idx);
	CC_CHECK(out.stats.tx_packets == 1 && out.stats.tx_failed == 0, "tx stats");
	out.ops->close(&out);

	/* the next burst hands the first burst's slots back and finds nothing new */
	CC_CHECK(p.ops->rx_burst(&p, pkts, DP_BURST) == 0, "idle burst");
	CC_CHECK(rx->head == 5 && rx->cur == 5, "slots released: head %u", rx->head);
	CC_CHECK(p.stats.tx_packets == 3 && p.stats.tx_failed == 0, "port tx %llu",
		 (unsigned long long)p.stats.tx_packets);
out:
	p.ops->close(&p);
	CC_CHECK(p.priv == NULL, "closed");
	free(g.mem);
}

int main(void)
{
	test_registered();
	test_open_without_module();
	test_rx_walk();
	test_tx_put();
	test_bursts();
	return cc_summary();
}
