/* afxdp_xdp.c: AF_XDP backend (libxdp xsk rings, copy or zero-copy) behind the XDP program of src/xdp that the
 * dataplane loaded (dp_port_cfg.fastpath): its redirect program, which hands over the protected hosts' frames
 * (backend afxdp), or the fast path, which hands over only what it does not decide (backend xdp). */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "backend/backend.h"
#include "backend/backend_xdp.h"
#include "backend/fastpath.h"
#include "syncookied/dataplane.h"

#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define TX_FRAMES 2048u /* and the TX and completion rings: a burst's replies are sent at once */
#define RX_POLL_MS 10

/* One XDP program and socket map per interface, shared by every worker (queue) on it: the program of src/xdp
 * (built into the library), attached alone (the libxdp multi-program dispatcher is refused in some environments).
 * Both programs leave what is for no protected host (the box's own traffic, ARP, NDP) to the kernel. */
struct xdp_attach {
	int ifindex;
	int prog_fd, map_fd;
	unsigned users;
	__u32 flags;
};

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xdp_attach attached[8];

struct xdp_port {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	struct xsk_ring_cons rx, cq;
	struct xsk_ring_prod tx, fq;
	void *area;
	struct xdp_attach *att;
	uint64_t held[DP_BURST]; /* RX frames of the last burst, refilled at the next rx_burst */
	unsigned nheld;
	uint64_t tx_free[TX_FRAMES];
	unsigned ntx_free;
	unsigned rx_frames; /* UMEM frames [0, rx_frames) receive, the TX_FRAMES after them send */
	long nap_ns;	    /* the nap after a drained RX ring: dp_afxdp_nap_ns() */
	bool slack_set;	    /* the worker thread's timer slack is a quarter of the nap */
	uint64_t oversize_logged_ns, oversize_unlogged;
	uint64_t rx_dropped, rx_dropped_logged_ns; /* XDP_STATISTICS rx_dropped as last read */
	unsigned bursts;
	struct dp_pkt pkts[DP_BURST];
};

static __u32 mode_flags(unsigned mode)
{
	return mode == 1 ? XDP_FLAGS_SKB_MODE : mode == 2 ? XDP_FLAGS_DRV_MODE : 0;
}

static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool veth;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	veth = ioctl(fd, SIOCETHTOOL, &ifr) == 0 && !strcmp(info.driver, "veth");
	close(fd);
	return veth;
}

/*
 * The attach mode: --xdp-mode's, else the kernel's choice (native where the driver has it), except for the fast
 * path on a veth. There native XDP_TX and XDP_REDIRECT hand frames to the peer's NAPI instance, which the peer has
 * only with an XDP program of its own; we cannot see the peer, and without it every reply would vanish without an
 * error. Generic mode sends through the peer's ordinary receive path. (--xdp-mode drv: native, for peers set up
 * for it. The AF_XDP backend's program redirects to its sockets only: native is fine.)
 */
static __u32 attach_flags(const struct dp_port_cfg *cfg)
{
	if (dp_fastpath_prog_fd(cfg->fastpath) >= 0 && cfg->xdp_mode == 0 && is_veth(cfg->ifname)) {
		fprintf(stderr,
			"xdp: %s is a veth: the fast path runs in generic mode (--xdp-mode drv for native, "
			"which needs an XDP program on the peer)\n",
			cfg->ifname);
		return XDP_FLAGS_SKB_MODE;
	}
	return mode_flags(cfg->xdp_mode);
}

static int attach_get(struct dp_port *p, const struct dp_port_cfg *cfg, struct xdp_attach **out)
{
	struct xdp_attach *free_slot = NULL;
	int err = 0;

	pthread_mutex_lock(&attach_lock);
	for (unsigned i = 0; i < sizeof(attached) / sizeof(attached[0]); i++) {
		if (attached[i].users && attached[i].ifindex == p->ifindex) {
			attached[i].users++;
			*out = &attached[i];
			goto out_unlock;
		}
		if (!attached[i].users && !free_slot)
			free_slot = &attached[i];
	}
	if (!free_slot) {
		err = -ENOSPC;
		snprintf(p->err, sizeof(p->err), "af_xdp: too many interfaces");
		goto out_unlock;
	}
	/* the object holds the one program it was loaded for */
	free_slot->prog_fd = dp_fastpath_prog_fd(cfg->fastpath) >= 0 ? dp_fastpath_prog_fd(cfg->fastpath) :
								       dp_fastpath_redirect_fd(cfg->fastpath);
	free_slot->map_fd = dp_fastpath_xsk_map_fd(cfg->fastpath);
	free_slot->flags = attach_flags(cfg);
	err = bpf_xdp_attach(p->ifindex, free_slot->prog_fd, free_slot->flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err) {
		snprintf(
			p->err, sizeof(p->err), "%s: attaching XDP to %s: %s%s",
			dp_fastpath_prog_fd(cfg->fastpath) >= 0 ? "xdp" : "af_xdp", p->ifname, strerror(-err),
			err == -EBUSY || err == -EEXIST ? " (another XDP program is attached; detach it first)" :
			err == -ERANGE ? " (its MTU is too large for single-buffer XDP: jumbo frames need the afpacket "
					 "backend, or an MTU of 3500 or less)" :
					 "");
		goto out_unlock;
	}
	free_slot->ifindex = p->ifindex;
	free_slot->users = 1;
	*out = free_slot;
out_unlock:
	pthread_mutex_unlock(&attach_lock);
	return err;
}

static void attach_put(struct xdp_attach *a)
{
	pthread_mutex_lock(&attach_lock);
	if (--a->users == 0)
		bpf_xdp_detach(a->ifindex, a->flags, NULL);
	pthread_mutex_unlock(&attach_lock);
}

static void xdp_close(struct dp_port *p)
{
	struct xdp_port *x = p->priv;

	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->att)
		attach_put(x->att);
	if (x->area)
		munmap(x->area, (size_t)(x->rx_frames + TX_FRAMES) * FRAME_SIZE);
	free(x);
	p->priv = NULL;
}

static int xdp_open(struct dp_port *p, const struct dp_port_cfg *cfg)
{
	/* The RX ring and the fill ring as large as the receive frames: every frame fits in the fill ring at start,
	 * and the RX ring can hold all that the kernel filled while the worker was not scheduled. */
	unsigned rx_frames = cfg->xsk_ring ? cfg->xsk_ring : DP_XSK_RING_DEFAULT;
	struct xsk_umem_config ucfg = {
		.fill_size = rx_frames,
		.comp_size = TX_FRAMES,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = rx_frames,
		.tx_size = TX_FRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = mode_flags(cfg->xdp_mode),
	};
	struct xdp_port *x;
	__u32 idx = 0;
	int err, fd;

	if (cfg->rx && !cfg->fastpath) {
		snprintf(p->err, sizeof(p->err), "af_xdp: no XDP program given for %s", cfg->ifname);
		return -EINVAL;
	}
	err = dp_if_lookup(p, cfg->ifname);
	if (err)
		return err;
	p->queue = cfg->queue;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	p->priv = x;
	x->rx_frames = rx_frames;
	x->nap_ns = dp_afxdp_nap_ns(rx_frames);
	x->area = mmap(NULL, (size_t)(rx_frames + TX_FRAMES) * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		err = -errno;
		snprintf(p->err, sizeof(p->err), "af_xdp: umem: %s", strerror(errno));
		goto out_close_port;
	}
	err = xsk_umem__create(&x->umem, x->area, (__u64)(rx_frames + TX_FRAMES) * FRAME_SIZE, &x->fq, &x->cq, &ucfg);
	if (err) {
		snprintf(p->err, sizeof(p->err), "af_xdp: umem on %s: %s", p->ifname, strerror(-err));
		goto out_close_port;
	}
	if (cfg->rx && (err = attach_get(p, cfg, &x->att)))
		goto out_close_port;
	/* zero-copy where the driver offers it, copy mode otherwise (veth) */
	scfg.bind_flags = XDP_USE_NEED_WAKEUP | XDP_ZEROCOPY;
	err = xsk_socket__create(&x->xsk, p->ifname, cfg->queue, x->umem, cfg->rx ? &x->rx : NULL, &x->tx, &scfg);
	if (err) {
		scfg.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
		err = xsk_socket__create(&x->xsk, p->ifname, cfg->queue, x->umem, cfg->rx ? &x->rx : NULL, &x->tx,
					 &scfg);
	}
	if (err) {
		x->xsk = NULL;
		snprintf(p->err, sizeof(p->err), "af_xdp: socket on %s queue %u: %s", p->ifname, cfg->queue,
			 strerror(-err));
		goto out_close_port;
	}
	if (x->att) {
		fd = xsk_socket__fd(x->xsk);
		err = bpf_map_update_elem(x->att->map_fd, &cfg->queue, &fd, 0);
		if (err) {
			snprintf(p->err, sizeof(p->err), "af_xdp: XSKMAP entry for queue %u: %s", cfg->queue,
				 strerror(-err));
			goto out_close_port;
		}
		/* every RX frame starts in the fill ring */
		if (xsk_ring_prod__reserve(&x->fq, rx_frames, &idx) == 0) {
			err = -ENOMEM;
			goto out_close_port;
		}
		for (unsigned i = 0; i < rx_frames; i++)
			*xsk_ring_prod__fill_addr(&x->fq, idx + i) = (uint64_t)i * FRAME_SIZE;
		xsk_ring_prod__submit(&x->fq, rx_frames);
	}
	for (unsigned i = 0; i < TX_FRAMES; i++)
		x->tx_free[x->ntx_free++] = (uint64_t)(rx_frames + i) * FRAME_SIZE;
	return 0;
out_close_port:
	xdp_close(p);
	return err;
}

static void refill(struct xdp_port *x)
{
	__u32 idx;

	if (!x->nheld || xsk_ring_prod__reserve(&x->fq, x->nheld, &idx) != x->nheld)
		return; /* fill ring full: cannot happen, it has room for every receive frame */
	for (unsigned i = 0; i < x->nheld; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = x->held[i];
	xsk_ring_prod__submit(&x->fq, x->nheld);
	x->nheld = 0;
}

/* Frames the kernel could not place in a UMEM frame: longer than FRAME_SIZE (a jumbo frame: this socket takes single
 * buffers), or no free frame in the fill ring. XDP_STATISTICS rx_dropped counts both; they are counted as
 * rx_truncated and said, at most once per 10 s, instead of vanishing. */
static void read_rx_dropped(struct dp_port *p, struct xdp_port *x)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);
	struct timespec ts;
	uint64_t now;

	if (getsockopt(xsk_socket__fd(x->xsk), SOL_XDP, XDP_STATISTICS, &st, &len) || st.rx_dropped <= x->rx_dropped)
		return;
	p->stats.rx_truncated += st.rx_dropped - x->rx_dropped;
	x->rx_dropped = st.rx_dropped;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (x->rx_dropped_logged_ns && now - x->rx_dropped_logged_ns < 10ull * 1000000000ull)
		return;
	fprintf(stderr,
		"af_xdp: %s: the kernel dropped %llu frame(s) it could not place in a %u-byte UMEM frame "
		"(longer frames, e.g. jumbo: run AF_XDP at an MTU of 3500 or less; or no free frame: all %u were "
		"waiting for the worker, which was not scheduled in time: a larger --xsk-ring, or --rt-priority); "
		"counted as rx_truncated\n",
		p->ifname, (unsigned long long)x->rx_dropped, (unsigned)FRAME_SIZE, x->rx_frames);
	x->rx_dropped_logged_ns = now;
}

static unsigned xdp_rx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct xdp_port *x = p->priv;
	__u32 idx = 0;
	unsigned got, i;

	if ((++x->bursts & 1023) == 0)
		read_rx_dropped(p, x);
	if (!x->slack_set) { /* here, in the worker's thread: the slack is per thread (50 µs by default) */
		prctl(PR_SET_TIMERSLACK, (unsigned long)x->nap_ns / 4, 0, 0, 0);
		x->slack_set = true;
	}
	refill(x); /* the previous burst is done: its frames go back to the kernel */
	got = xsk_ring_cons__peek(&x->rx, n, &idx);
	if (!got) {
		/* Drained: first a nap (nap_ns), the interrupt coalescing a NIC would do. Woken by poll() for every
		 * frame, the worker would pay a wakeup and two context switches per frame at moderate rates (a flood of
		 * 100 kpps is a frame every 10 µs); after a nap it takes what arrived meanwhile in one burst. */
		nanosleep(&(struct timespec){ .tv_nsec = x->nap_ns }, NULL);
		got = xsk_ring_cons__peek(&x->rx, n, &idx);
	}
	if (!got) {
		struct pollfd pfd = { .fd = xsk_socket__fd(x->xsk), .events = POLLIN };

		/* idle: sleep in the kernel (also the wakeup the fill ring may need) */
		read_rx_dropped(p, x);
		poll(&pfd, 1, RX_POLL_MS);
		got = xsk_ring_cons__peek(&x->rx, n, &idx);
		if (!got)
			return 0;
	}
	for (i = 0; i < got; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		uint64_t addr = xsk_umem__add_offset_to_addr(d->addr);
		struct dp_pkt *pkt = &x->pkts[i];

		x->held[i] = xsk_umem__extract_addr(d->addr);
		pkt->data = xsk_umem__get_data(x->area, addr);
		pkt->len = d->len;
		pkt->cap = FRAME_SIZE - (uint32_t)(addr % FRAME_SIZE);
		pkt->flags = 0;
		pkt->csum_start = pkt->csum_offset = 0;
		pkt->queue = (uint16_t)p->queue;
		dp_pkt_detect_csum_partial(pkt);
		if (pkt->flags & DP_PKT_CSUM_PARTIAL)
			p->stats.rx_csum_partial++;
		pkts[i] = pkt;
	}
	x->nheld = got;
	xsk_ring_cons__release(&x->rx, got);
	p->stats.rx_packets += got;
	return got;
}

static void reclaim_tx(struct xdp_port *x)
{
	__u32 idx;
	unsigned done = xsk_ring_cons__peek(&x->cq, TX_FRAMES, &idx);

	for (unsigned i = 0; i < done; i++)
		x->tx_free[x->ntx_free++] = *xsk_ring_cons__comp_addr(&x->cq, idx + i);
	if (done)
		xsk_ring_cons__release(&x->cq, done);
}

/* A UMEM frame holds FRAME_SIZE bytes and this socket sends single-buffer frames: a longer one (a jumbo frame from
 * another port) cannot leave here. Counted as tx_oversize, said at most once per 10 s, never sent cut short. */
static bool fits(struct dp_port *p, struct xdp_port *x, const struct dp_pkt *pkt)
{
	struct timespec ts;
	uint64_t now;

	if (pkt->len <= FRAME_SIZE)
		return true;
	p->stats.tx_oversize++;
	x->oversize_unlogged++;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (!x->oversize_logged_ns || now - x->oversize_logged_ns >= 10ull * 1000000000ull) {
		fprintf(stderr,
			"af_xdp: %s: dropped %llu frame(s) longer than a %u-byte UMEM frame (last: %u bytes); "
			"counted as tx_oversize\n",
			p->ifname, (unsigned long long)x->oversize_unlogged, (unsigned)FRAME_SIZE, pkt->len);
		x->oversize_logged_ns = now;
		x->oversize_unlogged = 0;
	}
	return false;
}

static unsigned xdp_tx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct xdp_port *x = p->priv;
	struct dp_pkt *ok[DP_BURST];
	unsigned i, want, nok = 0, big = 0;
	__u32 idx = 0;

	for (i = 0; i < n && nok < DP_BURST; i++) {
		if (fits(p, x, pkts[i]))
			ok[nok++] = pkts[i];
		else
			big++;
	}
	n = i - big; /* the frames that can go; the oversize ones are counted, never retried */
	pkts = ok;
	reclaim_tx(x);
	want = n < x->ntx_free ? n : x->ntx_free;
	if (want && xsk_ring_prod__reserve(&x->tx, want, &idx) != want)
		want = 0;
	for (i = 0; i < want; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
		uint64_t addr = x->tx_free[--x->ntx_free];

		memcpy(xsk_umem__get_data(x->area, addr), pkts[i]->data, pkts[i]->len);
		d->addr = addr;
		d->len = pkts[i]->len;
	}
	if (want)
		xsk_ring_prod__submit(&x->tx, want);
	/* One kick per burst: copy mode always needs it, zero-copy only when the driver asks. A copy-mode kick sends at
	 * most 32 frames (the kernel's TX_BATCH_SIZE) and says EAGAIN while more wait: kick until the ring is empty, or
	 * replies pile up in it until it is full and every further one is lost. */
	if ((want || !n) && xsk_ring_prod__needs_wakeup(&x->tx))
		for (unsigned k = 0; k < TX_FRAMES / 32; k++)
			if (sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) == 0 || errno != EAGAIN)
				break;
	p->stats.tx_packets += want;
	p->stats.tx_failed += n - want;
	return want + big;
}

const struct dp_backend_ops dp_backend_afxdp = {
	.name = "afxdp",
	.open = xdp_open,
	.rx_burst = xdp_rx_burst,
	.tx_burst = xdp_tx_burst,
	.close = xdp_close,
};

/* The same sockets behind the fast path: the port must come with the dataplane's (dp_port_cfg.fastpath). */
static int fastpath_open(struct dp_port *p, const struct dp_port_cfg *cfg)
{
	if (cfg->rx && dp_fastpath_prog_fd(cfg->fastpath) < 0) {
		snprintf(p->err, sizeof(p->err), "xdp: no fast path given for %s", cfg->ifname);
		return -EINVAL;
	}
	return xdp_open(p, cfg);
}

const struct dp_backend_ops dp_backend_xdp = {
	.name = "xdp",
	.open = fastpath_open,
	.rx_burst = xdp_rx_burst,
	.tx_burst = xdp_tx_burst,
	.close = xdp_close,
};
