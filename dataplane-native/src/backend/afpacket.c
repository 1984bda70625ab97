/* afpacket.c: AF_PACKET backend: TPACKET_V3 RX ring in a fanout group; TX by sendmmsg() on a socket with qdisc
 * bypass, one system call per burst.
 *
 * Why not a TX ring: its frames go out as page fragments of the ring (zero-copy), which every path that delivers
 * the frame locally (veth, a bridge) must copy into fresh pages (skb_copy_ubufs: a page allocation and a copy per
 * frame); for the small frames that dominate a SYN flood, copying them into the skb once is cheaper everywhere.
 *
 * Large frames: GSO/GRO super-frames (veth and GRO hand packet sockets frames of up to 64 KB, longer than the MTU)
 * arrive with a virtio_net_hdr (PACKET_VNET_HDR on the RX ring) and leave as they came (the TX socket has
 * PACKET_VNET_HDR too): the kernel, or the NIC with TSO, cuts them into MTU-sized segments and finishes their
 * checksums. A frame that still cannot leave (longer than the output MTU and not GSO) is counted as tx_oversize and
 * logged, at most once per 10 s per port. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "backend/afpacket_tx.h"
#include "backend/backend.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/*
 * The RX ring is sized in time, not in bytes. The kernel hands a TPACKET_V3 block over when it is full or when the
 * retire timer fires, so under a flood slower than a block per timeout each block carries one timeout's frames:
 * the ring holds RX_BLOCK_NR timeouts of traffic, whatever its bytes. The worker shares its CPU with the softirq
 * that feeds the ring and with whatever else runs there, and is away from the ring for tens of milliseconds at a
 * time on a busy box (docs/benchmarks.md); 16 blocks (16 ms) lost a third to a half of a 100 kpps flood there.
 * 256 blocks of 128 KiB hold 256 ms at any rate under 800 kpps of SYNs (a block holds ~800 of them) and still
 * ~200 ms at 1 Mpps, for 32 MiB per worker. A block holds any GSO super-frame (64 KiB) whole.
 */
#define RX_BLOCK_SIZE (1u << 17)
#define RX_BLOCK_NR 256u
#define RX_FRAME_SIZE 2048u
#define RX_BLOCK_TIMEOUT_MS 1u /* the longest a lone frame waits for the worker to see it */
#define RX_POLL_MS 10
#define TX_SNDBUF (4u << 20) /* bytes of frames in flight (SO_SNDBUFFORCE; else the sysctl's maximum) */
#define VLAN_HLEN 4u
#define SCRATCH_SIZE 256u
#define LOG_EVERY_NS (10ull * 1000000000ull)

struct afp_port {
	struct dp_port *port;
	int rx_fd;
	int tx_fd; /* PACKET_VNET_HDR, qdisc bypass: every frame leaves here, GSO super-frames as GSO */
	uint8_t *rx_map;
	size_t rx_map_len;
	uint32_t mtu;
	uint32_t tx_max;	     /* the longest frame the interface sends as it is: Ethernet + 2 VLAN tags + MTU */
	uint64_t oversize_logged_ns; /* the last tx_oversize log line */
	uint64_t oversize_unlogged;  /* oversize frames since that line */
	unsigned rx_block;	     /* index of the block being consumed */
	struct tpacket_block_desc *cur; /* NULL when no block is held */
	struct tpacket3_hdr *next;	/* next frame in cur */
	uint32_t left;			/* frames of cur not handed out yet */
	unsigned bursts;		/* rx_burst calls, to read the kernel's drop counter now and then */
	struct dp_pkt pkts[DP_BURST];
	/* small frames sit packed in the ring with no tail room for a reply: they are copied here first */
	uint8_t scratch[DP_BURST][SCRATCH_SIZE] __attribute__((aligned(64)));
};

static int fail(struct dp_port *p, const char *what)
{
	int err = errno ? errno : EINVAL;

	snprintf(p->err, sizeof(p->err), "af_packet %s on %s: %s", what, p->ifname, strerror(err));
	return -err;
}

static int open_rx(struct dp_port *p, struct afp_port *a, const struct dp_port_cfg *cfg)
{
	int ver = TPACKET_V3, one = 1, fanout;
	struct tpacket_req3 req = {
		.tp_block_size = RX_BLOCK_SIZE,
		.tp_block_nr = RX_BLOCK_NR,
		.tp_frame_size = RX_FRAME_SIZE,
		.tp_frame_nr = RX_BLOCK_SIZE / RX_FRAME_SIZE * RX_BLOCK_NR,
		.tp_retire_blk_tov = RX_BLOCK_TIMEOUT_MS,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = p->ifindex,
	};

	a->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->rx_fd < 0)
		return fail(p, "socket (needs CAP_NET_RAW)");
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) < 0)
		return fail(p, "PACKET_VERSION TPACKET_V3");
	/* our own transmissions must never loop back into the RX ring */
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		return fail(p, "PACKET_IGNORE_OUTGOING");
	/* a virtio_net_hdr before every frame: how a GSO super-frame is to be cut (set before the ring) */
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
		return fail(p, "PACKET_VNET_HDR (RX)");
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		return fail(p, "PACKET_RX_RING");
	a->rx_map_len = (size_t)RX_BLOCK_SIZE * RX_BLOCK_NR;
	a->rx_map =
		mmap(NULL, a->rx_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, a->rx_fd, 0);
	if (a->rx_map == MAP_FAILED) /* MAP_LOCKED needs CAP_IPC_LOCK or a big enough memlock limit */
		a->rx_map = mmap(NULL, a->rx_map_len, PROT_READ | PROT_WRITE, MAP_SHARED, a->rx_fd, 0);
	if (a->rx_map == MAP_FAILED) {
		a->rx_map = NULL;
		return fail(p, "mmap RX ring");
	}
	if (bind(a->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return fail(p, "bind RX");
	fanout = (int)((cfg->fanout_group & 0xffff) | (PACKET_FANOUT_HASH << 16));
	if (setsockopt(a->rx_fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)) < 0)
		return fail(p, "PACKET_FANOUT");
	return 0;
}

/* The interface's MTU (SIOCGIFMTU): what the TX ring's frames must hold. */
static int if_mtu(struct dp_port *p, int fd, uint32_t *mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		return fail(p, "SIOCGIFMTU");
	*mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

static int open_tx(struct dp_port *p, struct afp_port *a)
{
	int one = 1, sndbuf = (int)TX_SNDBUF;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = 0, /* transmit only: receives nothing */
		.sll_ifindex = p->ifindex,
	};
	int err;

	a->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->tx_fd < 0)
		return fail(p, "socket (needs CAP_NET_RAW)");
	if ((err = if_mtu(p, a->tx_fd, &a->mtu)))
		return err;
	a->tx_max = ETH_HLEN + 2 * VLAN_HLEN + a->mtu;
	if (setsockopt(a->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
		return fail(p, "PACKET_VNET_HDR (TX)");
	if (setsockopt(a->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		return fail(p, "PACKET_QDISC_BYPASS");
	/* room for bursts in flight: frames still queued on their way count against it until freed */
	if (setsockopt(a->tx_fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(a->tx_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (bind(a->tx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return fail(p, "bind TX");
	return 0;
}

static void afp_close(struct dp_port *p)
{
	struct afp_port *a = p->priv;

	if (!a)
		return;
	if (a->rx_map)
		munmap(a->rx_map, a->rx_map_len);
	if (a->rx_fd >= 0)
		close(a->rx_fd);
	if (a->tx_fd >= 0)
		close(a->tx_fd);
	free(a);
	p->priv = NULL;
}

static int afp_open(struct dp_port *p, const struct dp_port_cfg *cfg)
{
	struct afp_port *a;
	int err;

	err = dp_if_lookup(p, cfg->ifname);
	if (err)
		return err;
	p->queue = cfg->queue;
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(p->err, sizeof(p->err), "af_packet: out of memory");
		return -ENOMEM;
	}
	a->port = p;
	a->rx_fd = a->tx_fd = -1;
	p->priv = a;
	errno = 0;
	if (cfg->rx && (err = open_rx(p, a, cfg)))
		goto out_close_port;
	if (cfg->tx && (err = open_tx(p, a)))
		goto out_close_port;
	return 0;
out_close_port:
	afp_close(p);
	return err;
}

static struct tpacket_block_desc *block_at(struct afp_port *a, unsigned i)
{
	return (struct tpacket_block_desc *)(a->rx_map + (size_t)i * RX_BLOCK_SIZE);
}

static bool block_ready(struct tpacket_block_desc *bd)
{
	return __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER;
}

/* Fills pkt from one ring frame; false when the frame must not reach the core. */
static bool frame_to_pkt(struct dp_port *p, struct afp_port *a, struct tpacket3_hdr *h, struct dp_pkt *pkt,
			 uint8_t *scratch)
{
	const struct sockaddr_ll *sll = (const void *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	uint8_t *block_end = (uint8_t *)a->cur + RX_BLOCK_SIZE;
	uint8_t *frame_end = h->tp_next_offset ? (uint8_t *)h + h->tp_next_offset : block_end;
	uint8_t *data = (uint8_t *)h + h->tp_mac;
	struct virtio_net_hdr vh;
	uint16_t shift = 0;

	/* broadcast/multicast (ARP, NDP) and other hosts' frames: never ours to answer */
	if (sll->sll_pkttype != PACKET_HOST) {
		p->stats.rx_not_host++;
		return false;
	}
	if (h->tp_snaplen < h->tp_len) { /* longer than a ring block: never seen whole, so never forwarded cut */
		p->stats.rx_truncated++;
		return false;
	}
	memcpy(&vh, data - sizeof(vh), sizeof(vh)); /* read before a VLAN tag is put back over it */
	pkt->data = data;
	pkt->len = h->tp_snaplen;
	pkt->cap = (uint32_t)(frame_end - data);
	pkt->flags = 0;
	pkt->csum_start = pkt->csum_offset = 0;
	pkt->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	pkt->gso_size = 0;
	pkt->queue = (uint16_t)p->queue;
	if (h->tp_status & TP_STATUS_VLAN_VALID && pkt->len >= 12) {
		/* the kernel stripped the 802.1Q tag into metadata: put it back where the core expects it; the gap
		 * between the sockaddr_ll and the MAC header always has room for it */
		uint16_t tpid = h->tp_status & TP_STATUS_VLAN_TPID_VALID ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
		uint16_t tci = (uint16_t)h->hv1.tp_vlan_tci;

		if (h->tp_mac < TPACKET3_HDRLEN + 4)
			return false;
		memmove(data - 4, data, 12);
		data -= 4;
		data[12] = (uint8_t)(tpid >> 8);
		data[13] = (uint8_t)tpid;
		data[14] = (uint8_t)(tci >> 8);
		data[15] = (uint8_t)tci;
		pkt->data = data;
		pkt->len += 4;
		pkt->cap += 4;
		shift = 4;
	}
	if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		/* the kernel left the checksum partial for the segments: the core must not finish it over the whole */
		pkt->flags = DP_PKT_GSO;
		pkt->gso_type = vh.gso_type;
		pkt->gso_size = vh.gso_size;
		pkt->csum_start = (uint16_t)(vh.csum_start + shift);
		pkt->csum_offset = vh.csum_offset;
		p->stats.rx_gso++;
		return true;
	}
	if (pkt->cap < DP_REPLY_MAX_LEN && pkt->len <= SCRATCH_SIZE) {
		memcpy(scratch, pkt->data, pkt->len);
		pkt->data = scratch;
		pkt->cap = SCRATCH_SIZE;
	}
	if (h->tp_status & TP_STATUS_CSUMNOTREADY) {
		dp_pkt_mark_csum_partial(pkt);
		p->stats.rx_csum_partial++;
	}
	return true;
}

/* Ring overruns: the kernel counts frames it had no room for (reading the counter resets it). */
static void read_kernel_drops(struct dp_port *p, struct afp_port *a)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (getsockopt(a->rx_fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		p->stats.kernel_drops += st.tp_drops;
}

static unsigned afp_rx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct afp_port *a = p->priv;
	unsigned i = 0;

	if ((++a->bursts & 1023) == 0)
		read_kernel_drops(p, a);

	if (a->cur && !a->left) {
		/* every frame of this block was handed out in earlier bursts, which are done: give it back */
		__atomic_store_n(&a->cur->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		a->cur = NULL;
		a->rx_block = (a->rx_block + 1) % RX_BLOCK_NR;
	}
	if (!a->cur) {
		struct tpacket_block_desc *bd = block_at(a, a->rx_block);

		if (!block_ready(bd)) {
			struct pollfd pfd = { .fd = a->rx_fd, .events = POLLIN };

			/* idle: sleep in the kernel (not per packet) so a stop request is noticed within RX_POLL_MS */
			if (poll(&pfd, 1, RX_POLL_MS) <= 0 || !block_ready(bd)) {
				read_kernel_drops(p, a);
				return 0;
			}
		}
		a->cur = bd;
		a->left = bd->hdr.bh1.num_pkts;
		a->next = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
	}
	while (i < n && a->left) {
		struct tpacket3_hdr *h = a->next;
		struct dp_pkt *pkt = &a->pkts[i];

		a->left--;
		a->next = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
		p->stats.rx_packets++;
		if (frame_to_pkt(p, a, h, pkt, a->scratch[i]))
			pkts[i++] = pkt;
	}
	return i;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A frame that cannot leave this port: counted, and said (at most once per LOG_EVERY_NS). */
static void oversize(struct dp_port *p, struct afp_port *a, const struct dp_pkt *pkt, int err)
{
	uint64_t now = mono_ns();

	p->stats.tx_oversize++;
	a->oversize_unlogged++;
	if (a->oversize_logged_ns && now - a->oversize_logged_ns < LOG_EVERY_NS)
		return;
	fprintf(stderr,
		"af_packet: %s: dropped %llu frame(s) too long to send (last: %u bytes%s, MTU %u: %s); "
		"counted as tx_oversize\n",
		p->ifname, (unsigned long long)a->oversize_unlogged, pkt->len, pkt->flags & DP_PKT_GSO ? ", GSO" : "",
		a->mtu, strerror(err));
	a->oversize_logged_ns = now;
	a->oversize_unlogged = 0;
}

/* The virtio_net_hdr of one frame: a GSO super-frame's segmentation and partial checksum, else none. */
static void vnet_hdr(const struct dp_pkt *pkt, struct virtio_net_hdr *vh)
{
	uint32_t l4 = pkt->csum_start, thl = 8; /* UDP */
	uint8_t type = pkt->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	memset(vh, 0, sizeof(*vh));
	vh->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	if (!(pkt->flags & DP_PKT_GSO))
		return;
	if ((type == VIRTIO_NET_HDR_GSO_TCPV4 || type == VIRTIO_NET_HDR_GSO_TCPV6) && l4 + 13 < pkt->len)
		thl = (uint32_t)(pkt->data[l4 + 12] >> 4) * 4;
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = pkt->gso_type;
	vh->gso_size = pkt->gso_size;
	vh->hdr_len = (uint16_t)(l4 + thl);
	vh->csum_start = pkt->csum_start;
	vh->csum_offset = pkt->csum_offset;
}

static int afp_sendmmsg(void *ctx, struct mmsghdr *msg, unsigned n)
{
	return sendmmsg(((struct afp_port *)ctx)->tx_fd, msg, n, MSG_DONTWAIT);
}

static void afp_refused(void *ctx, const struct mmsghdr *msg, int err)
{
	struct afp_port *a = ctx;
	const struct iovec *iov = msg->msg_hdr.msg_iov;
	const struct virtio_net_hdr *vh = iov[0].iov_base;
	struct dp_pkt one = { .data = iov[1].iov_base, .len = (uint32_t)iov[1].iov_len };

	one.flags = vh->gso_type != VIRTIO_NET_HDR_GSO_NONE ? DP_PKT_GSO : 0;
	oversize(a->port, a, &one, err);
}

/*
 * The burst in order, in one sendmmsg() when the interface takes it all. A frame the interface cannot send (longer
 * than its MTU and not GSO) is tx_oversize; while the interface has no room the burst waits for it (afpacket_tx.h:
 * a reply is retried, not dropped), and only what a stuck or downed interface never takes is tx_failed.
 */
static unsigned afp_tx_burst(struct dp_port *p, struct dp_pkt **pkts, unsigned n)
{
	struct afp_port *a = p->priv;
	struct virtio_net_hdr vh[DP_BURST];
	struct iovec iov[DP_BURST][2];
	struct mmsghdr msg[DP_BURST];
	struct dp_afp_sender sender = { .send = afp_sendmmsg,
					.refused = afp_refused,
					.ctx = a,
					.wait_ns = DP_AFP_TX_WAIT_NS };
	struct dp_afp_sent sent;
	unsigned i, k = 0;

	if (n > DP_BURST) /* the worker's bursts are never longer; in chunks if one were */
		return afp_tx_burst(p, pkts, DP_BURST) + afp_tx_burst(p, pkts + DP_BURST, n - DP_BURST);
	for (i = 0; i < n; i++) {
		if (__builtin_expect(pkts[i]->len > a->tx_max && !(pkts[i]->flags & DP_PKT_GSO), 0)) {
			oversize(p, a, pkts[i], EMSGSIZE); /* the kernel would refuse it: not worth a system call */
			continue;
		}
		vnet_hdr(pkts[i], &vh[k]);
		iov[k][0] = (struct iovec){ &vh[k], sizeof(vh[k]) };
		iov[k][1] = (struct iovec){ pkts[i]->data, pkts[i]->len };
		msg[k].msg_hdr = (struct msghdr){ .msg_iov = iov[k], .msg_iovlen = 2 };
		msg[k].msg_len = 0;
		k++;
	}
	if (!k)
		return 0;
	dp_afp_send_burst(&sender, msg, k, &sent);
	p->stats.tx_failed += sent.failed;
	p->stats.tx_packets += sent.sent;
	return sent.sent;
}

const struct dp_backend_ops dp_backend_afpacket = {
	.name = "afpacket",
	.open = afp_open,
	.rx_burst = afp_rx_burst,
	.tx_burst = afp_tx_burst,
	.close = afp_close,
};
