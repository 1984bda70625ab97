/* xdp_csum.h: the XDP program's checksum completion for forwarded frames whose sender left the L4 checksum to the
 * offload (veth and virtual NICs hand such frames to XDP as they are): the same test and the same arithmetic as
 * the userspace path (backend.c's dp_pkt_detect_csum_partial, then the core's completion before a forward). */
#ifndef DP_XDP_CSUM_H
#define DP_XDP_CSUM_H

#include <bpf/bpf_helpers.h>

#include "xdp_parse.h"

/*
 * An unfinished TCP/UDP checksum holds exactly the folded pseudo-header sum that Linux leaves for the offload to
 * complete. Returns the checksum field's offset in the L4 header (16 TCP, 6 UDP), or 0 when the frame does not
 * look unfinished. IPv6 with extension headers and IPv4 fragments never do (as in userspace).
 */
static __always_inline uint32_t csum_unfinished(const struct xpkt *x)
{
	const uint8_t *ip = (const uint8_t *)x->data + (x->l3_off & 0x1f), *end = x->end, *f;
	uint32_t sum = 0, l4len, field;
	uint8_t proto;

	if (x->family == 4) {
		if (ip + 20 > end)
			return 0;
		proto = ip[9];
		if ((ip[6] & 0x3f) || ip[7])
			return 0;
		l4len = x->l3_len - (x->l4_off - x->l3_off);
#pragma unroll
		for (int i = 12; i < 20; i += 2)
			sum += be16(ip + i);
	} else {
		if (ip + 40 > end)
			return 0;
		proto = ip[6];
		l4len = be16(ip + 4);
#pragma unroll
		for (int i = 8; i < 40; i += 2)
			sum += be16(ip + i);
	}
	if (proto != 6 && proto != 17)
		return 0;
	field = proto == 6 ? 16 : 6;
	f = (const uint8_t *)x->data + ((x->l4_off + field) & DP_XDP_MAX_OFF);
	if (x->l4_off + field + 2 > x->len || f + 2 > end)
		return 0;
	sum += proto + l4len;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return be16(f) == (uint16_t)sum && sum != 0xffff ? field : 0;
}

/* Adds len (< 512) bytes at off, in the constant-size steps bpf_csum_diff takes, then the last 0..3 bytes. */
static __always_inline int csum_tail(const struct xpkt *x, uint32_t off, uint32_t len, uint64_t *sum)
{
	const uint8_t *end = x->end;

#pragma unroll
	for (int sz = 256; sz >= 4; sz /= 2) {
		if (len >= (uint32_t)sz) {
			uint8_t *p = (uint8_t *)x->data + (off & DP_XDP_MAX_OFF);

			if (p + sz > end)
				return -1;
			*sum += (uint32_t)bpf_csum_diff(0, 0, (void *)p, sz, 0);
			off += sz;
			len -= sz;
		}
	}
	if (len >= 2) {
		uint8_t *p = (uint8_t *)x->data + (off & DP_XDP_MAX_OFF);

		if (p + 2 > end)
			return -1;
		*sum += ld16(p);
		off += 2;
		len -= 2;
	}
	if (len) {
		uint8_t *p = (uint8_t *)x->data + (off & DP_XDP_MAX_OFF);

		if (p + 1 > end)
			return -1;
		*sum += p[0]; /* the odd byte is the high-order byte of a zero-padded word on the wire */
	}
	return 0;
}

/* Completes the checksum at l4_off + field over the L4 data up to the end of the IP packet; 1 when done. */
static __always_inline int csum_complete(const struct xpkt *x, uint32_t field)
{
	uint32_t off = x->l4_off, stop = x->l3_off + x->l3_len, len;
	uint64_t sum = 0;
	uint16_t c;
	uint8_t *at;

	if (off + field + 2 > stop || stop > x->len)
		return 0;
	len = stop - off;
#pragma unroll
	for (int i = 0; i < DP_XDP_MAX_OFF / 512 + 1; i++) {
		uint8_t *p = (uint8_t *)x->data + (off & DP_XDP_MAX_OFF);

		if (len < 512)
			break;
		if (p + 512 > (uint8_t *)x->end)
			return 0;
		sum += (uint32_t)bpf_csum_diff(0, 0, (void *)p, 512, 0);
		off += 512;
		len -= 512;
	}
	if (len >= 512 || csum_tail(x, off, len, &sum))
		return 0;
	c = (uint16_t)~dp_csum_fold(sum);
	if (c == 0)
		c = 0xffff;
	at = (uint8_t *)x->data + ((x->l4_off + field) & DP_XDP_MAX_OFF);
	if (at + 2 > (uint8_t *)x->end)
		return 0;
	__builtin_memcpy(at, &c, 2);
	return 1;
}

#endif /* DP_XDP_CSUM_H */
