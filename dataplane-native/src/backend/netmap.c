/* netmap.c: netmap backend: one NIC ring pair per worker (netmap:IF-N), zero-copy forwarding by buffer swap.
 *
 * Each port is its own /dev/netmap descriptor registered (NIOCREGIF, NR_REG_ONE_NIC) to ring pair `queue` of the
 * interface. Only NIC rings are bound, never the host rings: while the interface is in netmap mode its frames
 * come to us only, and those not addressed to our MAC (ARP, NDP, broadcast, multicast, other hosts) are counted in
 * rx_not_host and dropped, never answered. A frame leaves either by swapping its buffer into a TX slot (when the TX
 * ring lives in the same memory region as the RX ring it came from: the same port, or a TX interface that shares
 * the region, as the original syncookied did) or by a copy, and TX rings are synced once per burst. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/netmap_ring.h"

#define RX_POLL_MS 10

struct nm_port {
	int fd;
	void *mem;
	size_t memsize;
	uint16_t mem_id;	     /* nr_arg2: ports with equal ids share buffers */
	struct netmap_ring *rx, *tx; /* rx is NULL on a TX-only port */
	struct dp_nm_rx_cursor cur;  /* slots before cur.next are held by the last burst */
	struct dp_nm_rx_drops drops;
	uint32_t slot_of[DP_BURST]; /* RX slot of pkts[i] (its first, for a jumbo frame) */
	uint8_t *jumbo[DP_BURST];   /* where pkts[i] is copied when it spans several slots (allocated on first use) */
	bool swapped[DP_BURST];	    /* pkts[i]'s buffer already went to a TX ring */
	unsigned nheld;
	struct dp_pkt pkts[DP_BURST];
};

/* The RX port this worker thread read its last burst from: tx_burst finds there the RX slots of the frames it is
 * given, to swap buffers instead of copying. A worker owns its ports, so a thread-local is exact. */
static __thread struct nm_port *last_rx;

static int open_fail(struct dp_port *p, int err, const char *what)
{
	const char *hint = "";

	if (err == ENOENT || err == ENODEV || err == ENXIO)
		hint = what[0] == '/' ? ": load the netmap kernel module (modprobe netmap)" :
					": the interface has no netmap support";
	else if (err == EACCES || err == EPERM)
		hint = ": needs root";
	else if (err == EBUSY)
		hint = ": the ring is in use by another netmap program";
	snprintf(p->err, sizeof(p->err), "netmap: %s: %s%s", what, strerror(err), hint);
	return -err;
}

static void nm_close(struct dp_port *p)
{
	struct nm_port *n = p->priv;

	if (!n)
		return;
	if (n->drops.bad_len)
		fprintf(stderr,
			"netmap: %s queue %u: dropped %llu frames of a bad length (0, or a slot or chain too long)\n",
			p->ifname, p->queue, (unsigned long long)n->drops.bad_len);
	for (unsigned i = 0; i < DP_BURST; i++)
		free(n->jumbo[i]);
	if (last_rx == n)
		last_rx = NULL;
	if (n->mem)
		munmap(n->mem, n->memsize);
	if (n->fd >= 0)
		close(n->fd); /* the kernel leaves netmap mode when the last descriptor of the interface closes */
	free(n);
	p->priv = NULL;
}

static int nm_open(struct dp_port *p, const struct dp_port_cfg *cfg)
{
	struct nmreq req;
	struct nm_port *n;
	struct netmap_if *nifp;
	uint32_t host_tx;
	char what[64];
	int err;

	err = dp_if_lookup(p, cfg->ifname);
	if (err)
		return err;
	p->queue = cfg->queue;
	if (cfg->queue > NETMAP_RING_MASK) {
		snprintf(p->err, sizeof(p->err), "netmap: queue %u is beyond netmap's ring numbers", cfg->queue);
		return -EINVAL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(p->err, sizeof(p->err), "netmap: out of memory");
		return -ENOMEM;
	}
	n->fd = -1;
	p->priv = n;
	n->fd = open(DP_NETMAP_DEV, O_RDWR | O_CLOEXEC);
	if (n->fd < 0) {
		err = open_fail(p, errno, DP_NETMAP_DEV);
		goto out_close_port;
	}
	memset(&req, 0, sizeof(req));
	snprintf(req.nr_name, sizeof(req.nr_name), "%s", p->ifname);
	req.nr_version = DP_NETMAP_API;
	req.nr_ringid = (uint16_t)cfg->queue;
	req.nr_flags = NR_REG_ONE_NIC | (cfg->rx ? 0 : NR_TX_RINGS_ONLY);
	if (ioctl(n->fd, NIOCREGIF, &req) < 0) {
		err = errno;
		snprintf(what, sizeof(what), "registering %s ring %u", p->ifname, cfg->queue);
		err = open_fail(p, err, what);
		if (err == -EINVAL) /* the module names the exact cause in the kernel log */
			snprintf(p->err + strlen(p->err), sizeof(p->err) - strlen(p->err),
				 " (no such ring: use at most as many workers as the interface has queues; or a "
				 "netmap module older than API 11; see dmesg)");
		goto out_close_port;
	}
	n->memsize = req.nr_memsize;
	n->mem_id = req.nr_arg2;
	n->mem = mmap(NULL, n->memsize, PROT_READ | PROT_WRITE, MAP_SHARED, n->fd, 0);
	if (n->mem == MAP_FAILED) {
		n->mem = NULL;
		err = open_fail(p, errno, "mmap of the shared region");
		goto out_close_port;
	}
	nifp = (struct netmap_if *)((uint8_t *)n->mem + req.nr_offset);
	/* ring_ofs[]: NIC TX rings, host TX rings (always one before API 14, when the count field was spare) ... */
	host_tx = nifp->ni_host_tx_rings ? nifp->ni_host_tx_rings : 1;
	if (cfg->queue >= nifp->ni_tx_rings || cfg->queue >= nifp->ni_rx_rings) {
		snprintf(p->err, sizeof(p->err), "netmap: %s has %u rings; queue %u does not exist", p->ifname,
			 nifp->ni_rx_rings, cfg->queue);
		err = -EINVAL;
		goto out_close_port;
	}
	n->tx = (struct netmap_ring *)((uint8_t *)nifp + nifp->ring_ofs[cfg->queue]);
	if (cfg->rx) {
		n->rx = (struct netmap_ring *)((uint8_t *)nifp +
					       nifp->ring_ofs[cfg->queue + nifp->ni_tx_rings + host_tx]);
		n->cur.next = n->rx->head;
	}
	return 0;
out_close_port:
	nm_close(p);
	return err;
}

static unsigned nm_rx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned max)
{
	struct nm_port *n = p->priv;
	struct dp_nm_frame fr[DP_BURST];
	unsigned got, i, out = 0;

	if (!n->rx)
		return 0;
	last_rx = n;
	if (max > DP_BURST)
		max = DP_BURST;
	/* the previous burst is done: its slots (and the dropped ones) go back to the kernel */
	dp_nm_rx_release(n->rx, &n->cur);
	n->nheld = 0;
	got = dp_nm_rx_walk(n->rx, &n->cur, fr, max, &n->drops);
	if (!got) {
		struct pollfd pfd = { .fd = n->fd, .events = POLLIN };

		/* idle: sleep in the kernel (its RX sync refills the ring; a stop is seen within RX_POLL_MS) */
		dp_nm_rx_release(n->rx, &n->cur);
		if (poll(&pfd, 1, RX_POLL_MS) <= 0)
			return 0;
		got = dp_nm_rx_walk(n->rx, &n->cur, fr, max, &n->drops);
	}
	for (i = 0; i < got; i++) {
		struct netmap_slot *s = &n->rx->slot[fr[i].slot];
		uint8_t *data = dp_nm_buf(n->rx, s->buf_idx);
		struct dp_pkt *pkt = &n->pkts[out];
		uint32_t cap = n->rx->nr_buf_size;

		p->stats.rx_packets++;
		if (fr[i].nslots > 1) { /* a jumbo frame: copied whole out of its slots (never swapped) */
			if (!n->jumbo[out] && !(n->jumbo[out] = malloc(DP_NM_MAX_FRAME))) {
				p->stats.rx_truncated++;
				continue;
			}
			dp_nm_rx_gather(n->rx, &fr[i], n->jumbo[out], DP_NM_MAX_FRAME);
			data = n->jumbo[out];
			cap = DP_NM_MAX_FRAME;
		}
		/* broadcast/multicast (ARP, NDP) and other hosts' frames: never ours to answer */
		if (fr[i].len < 14 || memcmp(data, p->mac, 6)) {
			p->stats.rx_not_host++;
			continue;
		}
		pkt->data = data;
		pkt->len = fr[i].len;
		pkt->cap = cap;
		pkt->flags = 0;
		pkt->csum_start = pkt->csum_offset = 0;
		pkt->queue = (uint16_t)p->queue;
		n->slot_of[out] = fr[i].slot;
		n->swapped[out] = false;
		pkts[out++] = pkt;
	}
	n->nheld = out;
	return out;
}

/* The RX slot whose buffer holds pkt, when pkt came from this thread's last RX burst in the memory region of tx,
 * still starts at its buffer and was not sent yet: then its buffer can be swapped into the TX ring. */
static struct netmap_slot *swappable(const struct nm_port *tx, const struct dp_pkt *pkt, unsigned *k)
{
	struct nm_port *src = last_rx;
	uintptr_t off;
	struct netmap_slot *s;

	if (!src || !src->rx || src->mem_id != tx->mem_id)
		return NULL;
	off = (uintptr_t)pkt - (uintptr_t)src->pkts;
	if (off >= sizeof(src->pkts) || off % sizeof(src->pkts[0]))
		return NULL;
	*k = (unsigned)(off / sizeof(src->pkts[0]));
	if (*k >= src->nheld || src->swapped[*k])
		return NULL;
	s = &src->rx->slot[src->slot_of[*k]];
	return pkt->data == dp_nm_buf(src->rx, s->buf_idx) ? s : NULL;
}

static unsigned nm_tx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct nm_port *t = p->priv;
	unsigned i, taken = 0;

	/* short of room: let the kernel reclaim what it has sent */
	if (n && dp_nm_tx_space(t->tx) < n && t->fd >= 0)
		ioctl(t->fd, NIOCTXSYNC, NULL);
	for (i = 0; i < n; i++) {
		unsigned k = 0;
		struct netmap_slot *from = swappable(t, pkts[i], &k);
		int rc = dp_nm_tx_put(t->tx, pkts[i]->data, pkts[i]->len, from);

		if (rc == -ENOSPC)
			break;
		if (rc) {
			p->stats.tx_oversize++; /* longer than DP_NM_MAX_SLOTS buffers */
			continue;
		}
		if (from)
			last_rx->swapped[k] = true;
		taken++;
	}
	/* one sync per burst (n == 0: just flush) */
	if ((taken || !n) && t->fd >= 0 && ioctl(t->fd, NIOCTXSYNC, NULL) < 0)
		p->stats.tx_failed++;
	p->stats.tx_packets += taken;
	p->stats.tx_failed += n - i;
	return taken;
}

int dp_nm_port_attach(struct dp_port *p, const uint8_t mac[6], struct netmap_ring *rx, struct netmap_ring *tx,
		      uint16_t mem_id)
{
	struct nm_port *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->fd = -1; /* no kernel: syncs are skipped, an idle rx_burst just sleeps RX_POLL_MS */
	n->mem_id = mem_id;
	n->rx = rx;
	n->tx = tx;
	if (rx)
		n->cur.next = rx->head;
	p->ops = &dp_backend_netmap;
	memcpy(p->mac, mac, 6);
	p->priv = n;
	return 0;
}

const struct dp_backend_ops dp_backend_netmap = {
	.name = "netmap",
	.open = nm_open,
	.rx_burst = nm_rx_burst,
	.tx_burst = nm_tx_burst,
	.close = nm_close,
};
