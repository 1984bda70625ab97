/* veth_helpers.bpf.c: XDP programs for veth set-ups (tests, the benchmark, the lab), not part of the dataplane.
 * Load them with `ip link set dev X xdpdrv obj veth_helpers.bpf.o sec S`:
 *   pass:  on the PEER of a veth that runs the fast path in native mode: a veth takes XDP_TX and XDP_REDIRECT
 *          frames from its peer only into a NAPI instance, which its own XDP program gives it (GRO's does not
 *          deliver them on every kernel); this one passes everything on to the stack;
 *   floor: the benchmark's floor (tests/bench/veth_synflood.sh, row "XDP_TX floor"), the cheapest answer a SYN can
 *          get: an untagged IPv4 SYN turned in place into a SYN-ACK (MACs, addresses and ports swapped, a fixed
 *          ISN, the checksum updated incrementally) and sent back with XDP_TX; no SipHash, no options, no maps;
 *   synack_sink: the benchmark's generator side: SYN-ACKs (IPv4, untagged) are dropped here, where the veth's
 *          XDP statistics count them (ethtool -S: rx_queue_0_xdp_drops), without an skb or the stack's work on the
 *          generator's CPU; everything else passes. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdint.h>

static __always_inline uint16_t fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* RFC 1624 eqn 3 for one 32-bit word of the header, in network order. */
static __always_inline uint16_t replace32(uint16_t check, uint32_t from, uint32_t to)
{
	uint32_t s = (uint16_t)~check;

	s += (uint16_t)~from + (uint16_t) ~(from >> 16) + (uint16_t)to + (uint16_t)(to >> 16);
	return (uint16_t)~fold16(s);
}

SEC("floor")
int xdp_floor(struct xdp_md *md)
{
	uint8_t *d = (void *)(long)md->data, *end = (void *)(long)md->data_end;
	uint8_t *ip = d + 14, *th = d + 34, mac[6];
	uint32_t a, seq, ack, w3, nw3;
	uint16_t check;

	if (d + 54 > end || d[12] != 0x08 || d[13] != 0 || ip[0] != 0x45 || ip[9] != 6 || th[13] != 0x02)
		return XDP_PASS;
	__builtin_memcpy(mac, d, 6);
	__builtin_memcpy(d, d + 6, 6);
	__builtin_memcpy(d + 6, mac, 6);
	__builtin_memcpy(&a, ip + 12, 4);
	__builtin_memcpy(ip + 12, ip + 16, 4);
	__builtin_memcpy(ip + 16, &a, 4);
	__builtin_memcpy(&a, th, 4);
	a = a >> 16 | a << 16; /* the ports swapped */
	__builtin_memcpy(th, &a, 4);
	__builtin_memcpy(&seq, th + 4, 4);
	__builtin_memcpy(&ack, th + 8, 4);
	__builtin_memcpy(&w3, th + 12, 4);
	__builtin_memcpy(&check, th + 16, 2);
	/* seq' = 0x12345678, ack' = seq + 1, flags SYN|ACK */
	nw3 = w3 | (uint32_t)0x10 << 8;
	check = replace32(check, seq, __builtin_bswap32(0x12345678));
	check = replace32(check, ack, __builtin_bswap32(__builtin_bswap32(seq) + 1));
	check = replace32(check, w3, nw3);
	a = __builtin_bswap32(0x12345678);
	__builtin_memcpy(th + 8, &(uint32_t){ __builtin_bswap32(__builtin_bswap32(seq) + 1) }, 4);
	__builtin_memcpy(th + 4, &a, 4);
	__builtin_memcpy(th + 12, &nw3, 4);
	__builtin_memcpy(th + 16, &check, 2);
	return XDP_TX;
}

SEC("synack_sink")
int xdp_synack_sink(struct xdp_md *md)
{
	uint8_t *d = (void *)(long)md->data, *end = (void *)(long)md->data_end, *th;

	if (d + 34 > end || d[12] != 0x08 || d[13] != 0 || d[23] != 6)
		return XDP_PASS;
	th = d + 14 + ((d[14] & 0xf) << 2);
	if (th + 14 > end)
		return XDP_PASS;
	return (th[13] & 0x12) == 0x12 ? XDP_DROP : XDP_PASS;
}

SEC("pass")
int xdp_pass(struct xdp_md *md)
{
	(void)md;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
