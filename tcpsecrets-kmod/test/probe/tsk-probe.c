/* tsk-probe.c: send one crafted TCP segment (SYN or ACK, IPv4 or IPv6) on a raw AF_PACKET socket and print
 * the server's answer, so the harness can compare the real kernel's SYN-ACK with our own cookie core, and
 * can hand the kernel an ACK whose SYN-ACK it never sent. Checksums are computed here in full.
 *
 * tsk-probe --if IF --smac M --dmac M --src A --dst B --sport P --dport Q --seq S
 *           syn [--mss N] [--ts TSVAL] [--sack] [--wscale W] [--ecn]
 *           ack --ack K [--ts TSVAL --tsecr E] [--payload TEXT]
 *           ackflood --count N            (ACKs from consecutive source ports, no waiting)
 *           [--wait-ms N]                 (default 2000)
 * Output (one line): "synack isn=.. ack=.. win=.. mss=..|none wscale=..|none sack=0|1 tsval=..|none
 * tsecr=..|none ece=0|1 cwr=0|1", "rst seq=.. ack=..", "reply flags=0xNN seq=.. ack=.. len=N" or "timeout".
 * Exit status: 0 answered, 1 timeout, 2 bad argument. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *ifname, *payload, *mode;
	uint8_t smac[6], dmac[6];
	int v6;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack, tsval, tsecr;
	int mss, wscale, sack, ts, ecn, wait_ms, count;
};

static void die_arg(const char *name, const char *val)
{
	fprintf(stderr, "tsk-probe: bad %s '%s'\n", name, val ? val : "(missing)");
	exit(2);
}

static unsigned long num(const char *name, const char *v, unsigned long max)
{
	char *end;
	unsigned long x;

	if (!v)
		die_arg(name, v);
	errno = 0;
	x = strtoul(v, &end, 0);
	if (errno || *end || x > max)
		die_arg(name, v);
	return x;
}

static void mac(const char *name, const char *v, uint8_t *out)
{
	if (!v || sscanf(v, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]) != 6)
		die_arg(name, v);
}

static int addr(const char *name, const char *v, uint8_t *out)
{
	if (v && inet_pton(AF_INET, v, out) == 1)
		return 0;
	if (v && inet_pton(AF_INET6, v, out) == 1)
		return 1;
	die_arg(name, v);
	return -1;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static uint16_t get16(const uint8_t *p) { return (p[0] << 8) | p[1]; }
static uint32_t get32(const uint8_t *p) { return ((uint32_t)get16(p) << 16) | get16(p + 2); }

/* Builds Ethernet + IP + TCP into buf; returns the frame length. */
static size_t build(const struct opts *o, int syn, uint16_t sport, uint8_t *buf)
{
	uint8_t *ip = buf + 14, *tcp, *opt;
	size_t iphl = o->v6 ? 40 : 20, optlen = 0, plen = o->payload && !syn ? strlen(o->payload) : 0, tcplen;
	uint32_t sum;

	memcpy(buf, o->dmac, 6);
	memcpy(buf + 6, o->smac, 6);
	put16(buf + 12, o->v6 ? ETH_P_IPV6 : ETH_P_IP);
	tcp = ip + iphl;
	opt = tcp + 20;
	if (syn && o->mss >= 0) {
		opt[optlen++] = 2; opt[optlen++] = 4; put16(opt + optlen, o->mss); optlen += 2;
	}
	if (syn && o->sack && o->ts) {
		opt[optlen++] = 4; opt[optlen++] = 2;
	} else if (syn && o->sack) {
		opt[optlen++] = 1; opt[optlen++] = 1; opt[optlen++] = 4; opt[optlen++] = 2;
	}
	if (o->ts) {
		if (!(syn && o->sack)) {
			opt[optlen++] = 1; opt[optlen++] = 1;
		}
		opt[optlen++] = 8; opt[optlen++] = 10;
		put32(opt + optlen, o->tsval); put32(opt + optlen + 4, syn ? 0 : o->tsecr); optlen += 8;
	}
	if (syn && o->wscale >= 0) {
		opt[optlen++] = 1; opt[optlen++] = 3; opt[optlen++] = 3; opt[optlen++] = o->wscale;
	}
	while (optlen % 4)
		opt[optlen++] = 0;
	tcplen = 20 + optlen + plen;
	put16(tcp, sport);
	put16(tcp + 2, o->dport);
	put32(tcp + 4, o->seq);
	put32(tcp + 8, syn ? 0 : o->ack);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = syn ? (0x02 | (o->ecn ? 0xc0 : 0)) : (0x10 | (plen ? 0x08 : 0));
	put16(tcp + 14, 64240);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	if (plen)
		memcpy(opt + optlen, o->payload, plen);
	if (o->v6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, tcplen);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, o->src, 16);
		memcpy(ip + 24, o->dst, 16);
		sum = csum_add(0, ip + 8, 32);
	} else {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, 20 + tcplen);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, o->src, 4);
		memcpy(ip + 16, o->dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		sum = csum_add(0, ip + 12, 8);
	}
	sum += 6 + tcplen;
	put16(tcp + 16, csum_fold(csum_add(sum, tcp, tcplen)));
	return 14 + iphl + tcplen;
}

static void print_reply(const uint8_t *tcp, size_t tcplen, size_t paylen)
{
	uint8_t flags = tcp[13];
	size_t hl = (tcp[12] >> 4) * 4, i;
	int mss = -1, ws = -1, sack = 0, has_ts = 0;
	uint32_t tsval = 0, tsecr = 0;

	if ((flags & 0x04)) {
		printf("rst seq=%u ack=%u\n", get32(tcp + 4), get32(tcp + 8));
		return;
	}
	for (i = 20; i < hl && i < tcplen;) {
		uint8_t kind = tcp[i], len;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || (len = tcp[i + 1]) < 2 || i + len > hl)
			break;
		if (kind == 2 && len == 4)
			mss = get16(tcp + i + 2);
		else if (kind == 3 && len == 3)
			ws = tcp[i + 2];
		else if (kind == 4)
			sack = 1;
		else if (kind == 8 && len == 10) {
			has_ts = 1;
			tsval = get32(tcp + i + 2);
			tsecr = get32(tcp + i + 6);
		}
		i += len;
	}
	if ((flags & 0x12) == 0x12) {
		printf("synack isn=%u ack=%u win=%u mss=", get32(tcp + 4), get32(tcp + 8), get16(tcp + 14));
		mss < 0 ? printf("none") : printf("%d", mss);
		printf(" wscale=");
		ws < 0 ? printf("none") : printf("%d", ws);
		printf(" sack=%d tsval=", sack);
		has_ts ? printf("%u", tsval) : printf("none");
		printf(" tsecr=");
		has_ts ? printf("%u", tsecr) : printf("none");
		printf(" ece=%d cwr=%d\n", !!(flags & 0x40), !!(flags & 0x80));
		return;
	}
	printf("reply flags=0x%02x seq=%u ack=%u len=%zu\n", flags, get32(tcp + 4), get32(tcp + 8), paylen);
}

/* Returns 1 when the frame is the answer to our segment (and prints it). */
static int match(const struct opts *o, const uint8_t *f, size_t n)
{
	const uint8_t *ip = f + 14, *tcp;
	size_t iphl, tcplen;

	if (n < 14 + 20)
		return 0;
	if (o->v6) {
		if (get16(f + 12) != ETH_P_IPV6 || n < 14 + 40 + 20 || ip[6] != 6)
			return 0;
		if (memcmp(ip + 8, o->dst, 16) || memcmp(ip + 24, o->src, 16))
			return 0;
		iphl = 40;
		tcplen = get16(ip + 4);
	} else {
		if (get16(f + 12) != ETH_P_IP || ip[9] != 6)
			return 0;
		if (memcmp(ip + 12, o->dst, 4) || memcmp(ip + 16, o->src, 4))
			return 0;
		iphl = (ip[0] & 0xf) * 4;
		tcplen = get16(ip + 2) - iphl;
	}
	tcp = ip + iphl;
	if (14 + iphl + 20 > n || get16(tcp) != o->dport || get16(tcp + 2) != o->sport)
		return 0;
	if (14 + iphl + tcplen > n)
		tcplen = n - 14 - iphl;
	print_reply(tcp, tcplen, tcplen - (tcp[12] >> 4) * 4);
	return 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct opts o = { .mss = -1, .wscale = -1, .wait_ms = 2000, .count = 1 };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_halen = 6 };
	uint8_t frame[2048];
	const char *src = NULL, *dst = NULL;
	int i, fd, syn, v6dst;
	long deadline;
	size_t len;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "syn") || !strcmp(a, "ack") || !strcmp(a, "ackflood")) { o.mode = a; continue; }
		if (!strcmp(a, "--sack")) { o.sack = 1; continue; }
		if (!strcmp(a, "--ecn")) { o.ecn = 1; continue; }
		i++;
		if (!strcmp(a, "--if")) o.ifname = v;
		else if (!strcmp(a, "--smac")) mac(a, v, o.smac);
		else if (!strcmp(a, "--dmac")) mac(a, v, o.dmac);
		else if (!strcmp(a, "--src")) src = v;
		else if (!strcmp(a, "--dst")) dst = v;
		else if (!strcmp(a, "--sport")) o.sport = num(a, v, 65535);
		else if (!strcmp(a, "--dport")) o.dport = num(a, v, 65535);
		else if (!strcmp(a, "--seq")) o.seq = num(a, v, UINT32_MAX);
		else if (!strcmp(a, "--ack")) o.ack = num(a, v, UINT32_MAX);
		else if (!strcmp(a, "--mss")) o.mss = v && !strcmp(v, "none") ? -1 : (int)num(a, v, 65535);
		else if (!strcmp(a, "--wscale")) o.wscale = v && !strcmp(v, "none") ? -1 : (int)num(a, v, 255);
		else if (!strcmp(a, "--ts")) { o.ts = 1; o.tsval = num(a, v, UINT32_MAX); }
		else if (!strcmp(a, "--tsecr")) o.tsecr = num(a, v, UINT32_MAX);
		else if (!strcmp(a, "--payload")) o.payload = v;
		else if (!strcmp(a, "--wait-ms")) o.wait_ms = num(a, v, 600000);
		else if (!strcmp(a, "--count")) o.count = num(a, v, 1000000);
		else die_arg("option", a);
	}
	if (!o.mode)
		die_arg("mode (syn|ack|ackflood)", NULL);
	o.v6 = addr("--src", src, o.src);
	v6dst = addr("--dst", dst, o.dst);
	if (v6dst != o.v6)
		die_arg("--dst (address family differs from --src)", dst);
	if (!o.ifname || !(ll.sll_ifindex = if_nametoindex(o.ifname)))
		die_arg("--if", o.ifname);
	if (!o.sport || !o.dport)
		die_arg("--sport/--dport", "0");
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		perror("tsk-probe: AF_PACKET socket");
		return 2;
	}
	syn = !strcmp(o.mode, "syn");
	if (!strcmp(o.mode, "ackflood")) {
		for (i = 0; i < o.count; i++) {
			len = build(&o, 0, (uint16_t)(o.sport + i), frame);
			if (send(fd, frame, len, 0) < 0 && errno != ENOBUFS) {
				perror("tsk-probe: send");
				return 1;
			}
		}
		printf("sent %d\n", o.count);
		return 0;
	}
	len = build(&o, syn, o.sport, frame);
	if (send(fd, frame, len, 0) != (ssize_t)len) {
		perror("tsk-probe: send");
		return 1;
	}
	deadline = now_ms() + o.wait_ms;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			printf("timeout\n");
			return 1;
		}
		n = recvfrom(fd, frame, sizeof(frame), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (match(&o, frame, (size_t)n))
			return 0;
	}
}
