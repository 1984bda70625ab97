/* fastpath.bpf.c: the XDP fast path. For the protected hosts it can decide alone it answers SYNs in place with the
 * server kernel's cookie SYN-ACK (XDP_TX), forwards valid cookie ACKs and the packets of known flows to the server,
 * and drops what the userspace core would drop; the protected hosts' other frames go to the worker's AF_XDP socket,
 * where the userspace core decides them. Frames for no protected host (the box's own traffic: its BGP sessions, SSH,
 * ARP, NDP; frames to other MACs) are the kernel's. The mathematics is src/shared's, the same code the core runs;
 * the decisions mirror verdict.c's, which the differential test (tests/c/test_xdp_fastpath.c) holds them to. Also
 * dp_xdp_redirect: the AF_XDP backend's program (the protected hosts' frames to the socket), and dp_tc_taken: the
 * AF_PACKET backend's tc ingress filter. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "syncookied/core.h"
#include "fastpath_abi.h"
#include "synack_layout.h"
#include "syncookie.h"
#include "xdp_csum.h"
#include "xdp_parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, uint32_t);
	__type(value, struct dp_xdp_config);
} dp_xdp_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* an update swaps in a new element; readers keep the old one (RCU) */
	__uint(max_entries, DP_XDP_MAX_HOSTS);
	__type(key, struct dp_xdp_addr);
	__type(value, struct dp_xdp_host);
} dp_xdp_hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024); /* the loader sizes it from the worker's flow table */
	__type(key, struct dp_xdp_flow_key);
	__type(value, struct dp_xdp_flow);
} dp_xdp_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DP_XDP_ROWS);
	__type(key, uint32_t);
	__type(value, struct dp_xdp_counters);
} dp_xdp_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, DP_XDP_MAX_QUEUES);
	__type(key, uint32_t);
	__type(value, uint32_t);
} dp_xdp_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, uint32_t);
	__type(value, uint32_t);
} dp_xdp_tx_port SEC(".maps");

/* What one frame's decision needs. */
struct xctx {
	struct xdp_md *md;
	struct xpkt x;
	struct xtcp t;
	const struct dp_xdp_config *cfg;
	const struct dp_xdp_host *h;
	struct dp_xdp_counters *total, *row; /* every frame's row, the frame's host's (or the spill row) */
	uint64_t now_ns;
};

static __always_inline int to_userspace(struct xdp_md *md)
{
	/* no socket on this queue (more queues than workers): the kernel gets it */
	return bpf_redirect_map(&dp_xdp_xsks, md->rx_queue_index, XDP_PASS);
}

/* A frame for no protected host: the kernel's. Counted in the total row, apart from the core's reasons. */
static __always_inline int to_kernel(void)
{
	uint32_t total = DP_XDP_ROW_TOTAL;
	struct dp_xdp_counters *ct = bpf_map_lookup_elem(&dp_xdp_counters, &total);

	if (ct)
		ct->c[DP_XDP_C_TO_KERNEL]++;
	return XDP_PASS;
}

/* The frame's reason, or an event of its handshake (flows_created, ...): in its row and in the total. */
static __always_inline void count(struct xctx *c, uint32_t what)
{
	c->total->c[what & (DP_XDP_NCOUNTERS - 1)]++;
	c->row->c[what & (DP_XDP_NCOUNTERS - 1)]++;
}

static __always_inline int drop(struct xctx *c, uint32_t why)
{
	count(c, why);
	return XDP_DROP;
}

/* What a forward needs from the decision (a global function sees its caller's data only through its arguments). */
struct fwd_args {
	uint8_t mac[6]; /* the server's */
	uint8_t family;
	uint8_t mac_idx; /* which of our MACs the frame came to */
	uint32_t l3_off, l4_off, l3_len, row;
};

/*
 * Ethernet rewrite towards the server, the unfinished checksum completed, out by XDP_TX or the --tx-iface port.
 * A global function: the verifier checks it once, not once per caller (it holds the checksum loops).
 */
__noinline int dp_xdp_forward(struct xdp_md *md, const struct fwd_args *a)
{
	uint32_t zero = 0, total = DP_XDP_ROW_TOTAL, row, field;
	struct dp_xdp_config *cfg = bpf_map_lookup_elem(&dp_xdp_config, &zero);
	struct dp_xdp_counters *ct = bpf_map_lookup_elem(&dp_xdp_counters, &total), *cr;
	struct xpkt x = {
		.data = (void *)(long)md->data,
		.end = (void *)(long)md->data_end,
	};
	uint8_t *d = x.data;

	if (!a || !cfg || !ct || d + 12 > (uint8_t *)x.end)
		return XDP_ABORTED;
	row = a->row;
	cr = bpf_map_lookup_elem(&dp_xdp_counters, &row);
	if (!cr)
		return XDP_ABORTED;
	x.len = (uint32_t)((uint8_t *)x.end - d);
	x.family = a->family;
	x.l3_off = a->l3_off;
	x.l4_off = a->l4_off;
	x.l3_len = a->l3_len;
	__builtin_memcpy(d, a->mac, 6);
	__builtin_memcpy(d + 6, cfg->ours[a->mac_idx & (DP_XDP_MAX_MACS - 1)].fwd_src, 6);
	field = csum_unfinished(&x);
	if (field && csum_complete(&x, field)) {
		ct->c[DP_C_CSUM_FIXED]++;
		cr->c[DP_C_CSUM_FIXED]++;
	}
	ct->c[DP_C_FORWARDED]++;
	cr->c[DP_C_FORWARDED]++;
	if (cfg->tx_redirect)
		return bpf_redirect_map(&dp_xdp_tx_port, 0, XDP_DROP);
	return XDP_TX;
}

static __always_inline int forward(struct xctx *c)
{
	struct fwd_args a = {
		.family = c->x.family,
		.mac_idx = (uint8_t)c->x.mac_idx,
		.l3_off = c->x.l3_off,
		.l4_off = c->x.l4_off,
		.l3_len = c->x.l3_len,
		.row = c->h->row,
	};

	__builtin_memcpy(a.mac, c->h->mac, 6);
	return dp_xdp_forward(c->md, &a);
}

#include "fastpath_math.h"

static __always_inline uint32_t tsoff(const struct xctx *c)
{
	return dp_xdp_tsoff(&c->h->ts_key, &c->x, &c->t, c->h->tsoff_rule);
}

#include "fastpath_syn.h"
#include "fastpath_ack.h"

/* Our MAC? The index of the one the frame was sent to, or -1 (userspace drops frames to other MACs). */
static __always_inline int our_mac(const struct dp_xdp_config *cfg, const uint8_t *d)
{
	uint32_t dst4 = ld32(d);
	uint16_t dst2 = ld16(d + 4);

#pragma unroll
	for (uint32_t i = 0; i < DP_XDP_MAX_MACS; i++) {
		if (i >= cfg->n_macs)
			break;
		if (ld32(cfg->ours[i].mac) == dst4 && ld16(cfg->ours[i].mac + 4) == dst2)
			return (int)i;
	}
	return -1;
}

/*
 * Our MAC, Ethernet, IPv4 or IPv6 into x's numbers: 0 (an IP frame to us), 1 (the kernel's: to another MAC, or not
 * IP), -1 (malformed). A global function, checked once: its many parse paths end here instead of multiplying the
 * paths of everything after it. To the caller the packet pointers in x are plain numbers after it.
 */
__noinline int dp_xdp_parse(struct xdp_md *md, struct xpkt *out)
{
	uint32_t zero = 0;
	const struct dp_xdp_config *cfg = bpf_map_lookup_elem(&dp_xdp_config, &zero);
	struct xpkt x = { 0 };
	uint16_t type;
	int r, mac;

	if (!out || !cfg)
		return -1;
	x.data = (void *)(long)md->data;
	x.end = (void *)(long)md->data_end;
	x.len = (uint32_t)(x.end - x.data);
	if (x.data + 14 > x.end)
		return -1;
	mac = our_mac(cfg, x.data);
	if (mac < 0)
		return 1;
	r = parse_eth(&x, &type);
	if (r)
		return r;
	if (x.len > DP_XDP_MAX_OFF)
		return -1;
	if (type == ETH_P_IP_BE)
		r = parse_ipv4(&x);
	else if (type == ETH_P_IPV6_BE)
		r = parse_ipv6(&x);
	else
		r = -1;
	if (r)
		return -1;
	x.mac_idx = (uint32_t)mac;
	*out = x;
	return 0;
}

/* Ethernet and up to two VLAN tags: the bytes that tell where a frame's IP header starts. */
#define DEST_HDR_LEN 22

/*
 * Where the IP destination of a frame to one of our MACs is, from its first DEST_HDR_LEN bytes h (up to two VLAN
 * tags left in the frame): the family (4 or 6) with *at set to the address's offset, or 0 when the frame is to another
 * MAC or not IP. The caller reads the address with its hook's load helper: a packet pointer plus an offset held in a
 * register is pointer arithmetic that the verifier refuses without CAP_PERFMON, which the dataplane's unit does not
 * grant.
 */
static __always_inline int dest_at(const struct dp_xdp_config *cfg, const uint8_t *h, uint32_t *at)
{
	uint32_t off = 14;
	uint16_t type;

	if (our_mac(cfg, h) < 0)
		return 0;
	type = ld16(h + 12);
	if (type == ETH_P_8021Q_BE || type == ETH_P_8021AD_BE) {
		type = ld16(h + 16);
		off = 18;
		if (type == ETH_P_8021Q_BE || type == ETH_P_8021AD_BE) {
			type = ld16(h + 20);
			off = 22;
		}
	}
	if (type == ETH_P_IP_BE) {
		*at = off + 16; /* its end, off + 20, is the end of a minimal IPv4 header */
		return 4;
	}
	if (type == ETH_P_IPV6_BE) {
		*at = off + 24; /* its end, off + 40, is the end of the IPv6 header */
		return 6;
	}
	return 0;
}

/* Whether the dataplane takes a frame: one for a protected host, or any IP frame to our MAC while the hosts do not
 * all fit in the map (userspace knows the rest). Everything else is the kernel's, as is a frame too short to tell. */
static __always_inline bool taken(const struct dp_xdp_config *cfg, struct xdp_md *md)
{
	struct dp_xdp_addr key = { 0 };
	uint8_t h[DEST_HDR_LEN];
	uint32_t at = 0;
	int family;

	if (bpf_xdp_load_bytes(md, 0, h, sizeof(h)))
		return false;
	family = dest_at(cfg, h, &at);
	if (family == 4 ? bpf_xdp_load_bytes(md, at, key.a, 4) != 0 :
			  family != 6 || bpf_xdp_load_bytes(md, at, key.a, 16) != 0)
		return false; /* constant sizes: older verifiers lose the bounds of a size computed in a register */
	key.family = (uint8_t)family;
	return !cfg->all_hosts || bpf_map_lookup_elem(&dp_xdp_hosts, &key);
}

/* The frame's host, then passthrough, fragments, TCP (verdict.c's verdict() after the parse, and tcp()). */
SEC("xdp")
int dp_xdp_fastpath(struct xdp_md *md)
{
	uint32_t zero = 0, total = DP_XDP_ROW_TOTAL, row = DP_XDP_ROW_SPILL;
	struct xctx c = { .md = md };
	struct dp_xdp_addr key = { 0 };
	int r;

	r = dp_xdp_parse(md, &c.x);
	if (r > 0)
		return to_kernel(); /* to another MAC, ARP and the rest */
	c.cfg = bpf_map_lookup_elem(&dp_xdp_config, &zero);
	if (r < 0) /* malformed: userspace drops it when it is for a protected host, the kernel when not */
		return c.cfg && !taken(c.cfg, md) ? to_kernel() : to_userspace(md);
	c.x.data = (void *)(long)md->data;
	c.x.end = (void *)(long)md->data_end;
	c.total = bpf_map_lookup_elem(&dp_xdp_counters, &total);
	if (!c.cfg || !c.total)
		return to_userspace(md);
	key.family = c.x.family;
	__builtin_memcpy(key.a, c.x.daddr, 16);
	c.h = bpf_map_lookup_elem(&dp_xdp_hosts, &key);
	if (c.h)
		row = c.h->row;
	c.row = bpf_map_lookup_elem(&dp_xdp_counters, &row);
	if (!c.row)
		return to_userspace(md);
	if (!c.h) /* no protected host: the box's own traffic */
		return c.cfg->all_hosts ? to_kernel() : to_userspace(md);
	if (c.h->flags & DP_XDP_HOST_USERSPACE)
		return to_userspace(md);
	if ((c.h->flags & DP_XDP_HOST_PASSTHROUGH) || c.x.proto != 6)
		return forward(&c);
	/* A TCP fragment cannot be a handshake segment, and a later fragment has no TCP header to check. */
	if (c.x.frag != XFRAG_NONE)
		return drop(&c, DP_C_DROP_FRAGMENT);
	if (parse_tcp(&c.x, &c.t))
		return drop(&c, DP_C_DROP_BAD_TCP);
	c.now_ns = bpf_ktime_get_ns();
	if (c.t.flags & TCPF_SYN) {
		/* tcp_rcv_state_process(LISTEN): SYN+ACK gets a RST, SYN+RST and SYN+FIN are discarded. */
		if (c.t.flags & TCPF_ACK)
			return drop(&c, DP_C_DROP_BAD_STATE);
		if (c.t.flags & (TCPF_RST | TCPF_FIN))
			return drop(&c, DP_C_DROP_BAD_TCP);
		return syn(&c);
	}
	return segment(&c);
}

/* The AF_XDP backend's program: the protected hosts' frames (tagged or not) to the queue's socket; the rest to the
 * kernel. The hosts are dp_xdp_hosts, which the worker keeps as for the fast path. */
SEC("xdp")
int dp_xdp_redirect(struct xdp_md *md)
{
	uint32_t zero = 0;
	const struct dp_xdp_config *cfg = bpf_map_lookup_elem(&dp_xdp_config, &zero);

	return cfg && taken(cfg, md) ? to_userspace(md) : to_kernel();
}

/*
 * The AF_PACKET backend's ingress filter (tc clsact). A packet socket gets its copy of a frame before tc ingress;
 * what is left would go on into the box's own IP stack, which has no business with a protected host's traffic: it
 * would look the frame up (an early-demux socket lookup, a route lookup that allocates and frees a route for every
 * new source) and drop it, or with forwarding on, forward it to the server beside the dataplane. So the frames to
 * our MACs whose destination is a protected host end here; everything else (ARP, NDP, the box's own traffic) goes
 * on. The hosts are dp_xdp_hosts, which the worker keeps as for the fast path.
 */
SEC("tc")
int dp_tc_taken(struct __sk_buff *skb)
{
	struct dp_xdp_addr key = { 0 };
	uint8_t h[DEST_HDR_LEN];
	uint32_t zero = 0, at = 0;
	const struct dp_xdp_config *cfg = bpf_map_lookup_elem(&dp_xdp_config, &zero);
	int family;

	if (!cfg || bpf_skb_load_bytes(skb, 0, h, sizeof(h)))
		return TC_ACT_OK;
	family = dest_at(cfg, h, &at);
	if (family == 4 ? bpf_skb_load_bytes(skb, at, key.a, 4) != 0 :
			  family != 6 || bpf_skb_load_bytes(skb, at, key.a, 16) != 0)
		return TC_ACT_OK;
	key.family = (uint8_t)family;
	return bpf_map_lookup_elem(&dp_xdp_hosts, &key) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL"; /* the SipHash and checksum code derive from the kernel's */
