/* backend.c: backend registry, interface lookup and the checksum helpers every kernel backend shares. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/backend.h"

const struct dp_backend_ops *dp_backend_find(const char *name)
{
	if (!strcmp(name, "memory"))
		return &dp_backend_memory;
	if (!strcmp(name, "afpacket") || !strcmp(name, "af_packet"))
		return &dp_backend_afpacket;
	if (!strcmp(name, "afxdp") || !strcmp(name, "af_xdp"))
		return DP_BACKEND_AFXDP;
	if (!strcmp(name, "xdp"))
		return DP_BACKEND_XDP;
	if (!strcmp(name, "netmap"))
		return &dp_backend_netmap;
	return NULL;
}

const char *dp_backend_status(const char *name)
{
	if (!strcmp(name, "memory") || !strcmp(name, "afpacket") || !strcmp(name, "af_packet") ||
	    !strcmp(name, "netmap"))
		return "yes";
	if (!strcmp(name, "afxdp") || !strcmp(name, "af_xdp") || !strcmp(name, "xdp"))
		return DP_BACKEND_AFXDP_STATUS;
	return "no (unknown backend; known: memory afpacket afxdp xdp netmap)";
}

const char *dp_backend_summary(void)
{
	return "memory=yes afpacket=yes afxdp=" DP_BACKEND_AFXDP_SHORT " xdp=" DP_BACKEND_AFXDP_SHORT " netmap=yes";
}

int dp_if_lookup(struct dp_port *p, const char *ifname)
{
	struct ifreq ifr;
	int fd, err = 0;

	if (strlen(ifname) >= IF_NAMESIZE) {
		snprintf(p->err, sizeof(p->err), "interface name '%s' is too long", ifname);
		return -EINVAL;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		err = -errno;
		snprintf(p->err, sizeof(p->err), "interface '%s': %s", ifname, strerror(errno));
		goto out_close;
	}
	p->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		err = -errno;
		snprintf(p->err, sizeof(p->err), "interface '%s' MAC: %s", ifname, strerror(errno));
		goto out_close;
	}
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
out_close:
	close(fd);
	return err;
}

/* Offset of the L4 header and its protocol, following VLAN tags and IPv6 extension headers; -1 if not TCP/UDP. */
static int l4_offset(const uint8_t *d, uint32_t len, uint8_t *proto)
{
	uint32_t off = 12;
	uint16_t type;

	if (len < 14)
		return -1;
	type = (uint16_t)(d[off] << 8 | d[off + 1]);
	off += 2;
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	if (type == 0x0800) {
		if (off + 20 > len || (d[off] >> 4) != 4)
			return -1;
		*proto = d[off + 9];
		off += (uint32_t)(d[off] & 0xf) * 4;
	} else if (type == 0x86dd) {
		uint8_t nh;

		if (off + 40 > len)
			return -1;
		nh = d[off + 6];
		off += 40;
		/* hop-by-hop, routing, destination options: 8-byte units after the first 8 */
		while ((nh == 0 || nh == 43 || nh == 60) && off + 8 <= len) {
			uint8_t next = d[off];

			off += 8 + (uint32_t)d[off + 1] * 8;
			nh = next;
		}
		*proto = nh;
	} else {
		return -1;
	}
	if (*proto != 6 && *proto != 17)
		return -1;
	return off <= len ? (int)off : -1;
}

void dp_pkt_mark_csum_partial(struct dp_pkt *pkt)
{
	uint8_t proto = 0;
	int off = l4_offset(pkt->data, pkt->len, &proto);
	uint16_t field = proto == 6 ? 16 : 6;

	if (off < 0 || (uint32_t)off + field + 2 > pkt->len)
		return;
	pkt->csum_start = (uint16_t)off;
	pkt->csum_offset = field;
	pkt->flags |= DP_PKT_CSUM_PARTIAL;
}

void dp_pkt_csum_complete(struct dp_pkt *pkt)
{
	uint32_t i, start = pkt->csum_start, pos = start + pkt->csum_offset;
	uint64_t sum = 0;
	uint16_t res;

	if (!(pkt->flags & DP_PKT_CSUM_PARTIAL) || pos + 2 > pkt->len)
		return;
	/* The field already holds the folded pseudo-header sum: summing over it adds it in. */
	for (i = start; i + 1 < pkt->len; i += 2)
		sum += (uint32_t)(pkt->data[i] << 8 | pkt->data[i + 1]);
	if (i < pkt->len)
		sum += (uint32_t)pkt->data[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	res = (uint16_t)~sum;
	if (res == 0 && pkt->csum_offset == 6)
		res = 0xffff; /* UDP: 0 means "no checksum" */
	pkt->data[pos] = (uint8_t)(res >> 8);
	pkt->data[pos + 1] = (uint8_t)res;
	pkt->flags &= (uint16_t)~DP_PKT_CSUM_PARTIAL;
}

void dp_pkt_detect_csum_partial(struct dp_pkt *pkt)
{
	const uint8_t *d = pkt->data;
	uint32_t off = 12, sum = 0, l4len;
	uint16_t type, field;
	uint8_t proto;

	if (pkt->len < 14)
		return;
	type = (uint16_t)(d[off] << 8 | d[off + 1]);
	off += 2;
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= pkt->len) {
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= pkt->len) {
		uint32_t ihl = (uint32_t)(d[off] & 0xf) * 4, tot = (uint32_t)(d[off + 2] << 8 | d[off + 3]);

		proto = d[off + 9];
		if (tot < ihl || (d[off + 6] & 0x3f) || d[off + 7]) /* fragments never carry partial checksums */
			return;
		l4len = tot - ihl;
		for (int i = 12; i < 20; i += 2)
			sum += (uint32_t)(d[off + i] << 8 | d[off + i + 1]);
		off += ihl;
	} else if (type == 0x86dd && off + 40 <= pkt->len) {
		proto = d[off + 6];
		l4len = (uint32_t)(d[off + 4] << 8 | d[off + 5]);
		for (int i = 8; i < 40; i += 2)
			sum += (uint32_t)(d[off + i] << 8 | d[off + i + 1]);
		off += 40;
	} else {
		return;
	}
	if (proto != 6 && proto != 17)
		return;
	field = proto == 6 ? 16 : 6;
	if (off + field + 2 > pkt->len)
		return;
	sum += proto + l4len;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	if ((uint16_t)(d[off + field] << 8 | d[off + field + 1]) == (uint16_t)sum && sum != 0xffff)
		dp_pkt_mark_csum_partial(pkt);
}
