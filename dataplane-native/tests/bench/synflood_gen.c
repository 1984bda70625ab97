/* synflood_gen.c: a SYN-flood generator for the veth benchmark (veth_synflood.sh): IPv4 SYNs without options from
 * random sources of a /16 and random ports, at a set rate, out of one interface, written and sent by an XDP
 * program under BPF_PROG_TEST_RUN (synflood.h), so no skb is built and no socket is crossed on the sender's CPU.
 * Run it in the interface's network namespace, pinned to the generator's CPU; root; Linux >= 5.18.
 *
 *   synflood-gen --dev IF --dst-mac MAC --dst IPV4 [--dport 80] [--src-net 10.1] [--rate KPPS] [--count N]
 *                [--burst N] [--timeout S] [--obj synflood.bpf.o]
 *
 * --rate 0 sends as fast as the CPU goes. --burst N (1): the frames leave N at a time, back to back, every N
 * intervals of the rate, as a NIC that coalesces interrupts hands them to its driver. Prints one line: `sent=N secs=S kpps=K late=F`, where kpps is the rate
 * achieved between the first and the last frame, and late the frames a sender that fell behind did not send at
 * their time (they went later: the count is always sent). Exit 0, or 1 with the reason on stderr. */
#include <arpa/inet.h>
#include <getopt.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "synflood.h"

#ifndef DP_SYNFLOOD_OBJ
#define DP_SYNFLOOD_OBJ "synflood.bpf.o"
#endif

static int usage(const char *why)
{
	fprintf(stderr,
		"synflood-gen: %s\nusage: synflood-gen --dev IF --dst-mac MAC --dst IPV4 [--dport PORT] [--src-net A.B] "
		"[--rate KPPS] [--count N] [--burst N] [--timeout S] [--obj PATH]\n",
		why);
	return 1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (m[i] > 255)
			return -1;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
}

static int dev_mac(const char *dev, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	rc = fd >= 0 ? ioctl(fd, SIOCGIFHWADDR, &ifr) : -1;
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return rc;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "dev", required_argument, NULL, 'd' },
					      { "dst-mac", required_argument, NULL, 'm' },
					      { "dst", required_argument, NULL, 'a' },
					      { "dport", required_argument, NULL, 'p' },
					      { "src-net", required_argument, NULL, 's' },
					      { "rate", required_argument, NULL, 'r' },
					      { "count", required_argument, NULL, 'n' },
					      { "timeout", required_argument, NULL, 't' },
					      { "obj", required_argument, NULL, 'o' },
					      { "burst", required_argument, NULL, 'b' },
					      { NULL, 0, NULL, 0 } };
	struct synflood_cfg cfg = { .dport = 80, .src_net = 10 << 8 | 1 };
	const char *dev = NULL, *obj = DP_SYNFLOOD_OBJ;
	uint64_t kpps = 100, count = 100000, timeout = 0, burst = 1, v;
	bool have_mac = false, have_dst = false;
	struct synflood_state st = { 0 };
	struct synflood g;
	struct in_addr a;
	char err[256];
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, cfg.dst_mac))
				return usage("--dst-mac: expected six hex bytes separated by ':'");
			have_mac = true;
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return usage("--dst: expected an IPv4 address");
			cfg.daddr = ntohl(a.s_addr);
			have_dst = true;
			break;
		case 'p':
			if (parse_u64(optarg, 65535, &v) || v == 0)
				return usage("--dport: expected a port 1..65535");
			cfg.dport = (uint16_t)v;
			break;
		case 's':
			if (inet_pton(AF_INET, (snprintf(err, sizeof(err), "%s.0.0", optarg), err), &a) != 1)
				return usage("--src-net: expected the first two bytes of an IPv4 address, e.g. 10.1");
			cfg.src_net = (uint16_t)(ntohl(a.s_addr) >> 16);
			break;
		case 'r':
			if (parse_u64(optarg, 100000000, &kpps))
				return usage("--rate: expected kpps, 0 (as fast as it goes) .. 100000000");
			break;
		case 'n':
			if (parse_u64(optarg, 1ULL << 40, &count) || count == 0)
				return usage("--count: expected a number of frames, 1 .. 2^40");
			break;
		case 't':
			if (parse_u64(optarg, 86400, &timeout) || timeout == 0)
				return usage("--timeout: expected seconds, 1 .. 86400");
			break;
		case 'o':
			obj = optarg;
			break;
		case 'b':
			if (parse_u64(optarg, 256, &burst) || burst == 0)
				return usage("--burst: expected frames per burst, 1 .. 256");
			break;
		default:
			return usage("unknown option");
		}
	}
	if (optind != argc || !dev || !have_mac || !have_dst)
		return usage("--dev, --dst-mac and --dst are required");
	cfg.ifindex = if_nametoindex(dev);
	if (!cfg.ifindex || dev_mac(dev, cfg.src_mac))
		return fprintf(stderr, "synflood-gen: --dev %s: no such interface here (%s)\n", dev, strerror(errno)),
		       1;
	/* by default ten times the run's nominal time, and at least 10 s: a generator never runs unbounded */
	if (!timeout)
		timeout = (kpps ? count / (kpps * 100) : 0) + 10;
	rc = synflood_open(&g, obj, &cfg, err, sizeof(err));
	if (rc)
		return fprintf(stderr, "synflood-gen: %s\n", err), 1;
	rc = synflood_send(&g, count, kpps * 1000, burst, timeout * 1000000000ULL, &st);
	synflood_close(&g);
	if (rc == -ETIMEDOUT)
		return fprintf(stderr, "synflood-gen: %llu of %llu frames sent in %llu s (--timeout)\n",
			       (unsigned long long)st.sent, (unsigned long long)count, (unsigned long long)timeout),
		       1;
	if (rc)
		return fprintf(stderr,
			       "synflood-gen: BPF_PROG_TEST_RUN with live frames: %s (Linux >= 5.18 and root)\n",
			       strerror(-rc)),
		       1;
	double secs = (double)(st.last_ns - st.first_ns) / 1e9;
	printf("sent=%llu secs=%.6f kpps=%.1f late=%llu\n", (unsigned long long)st.sent, secs,
	       secs > 0 ? (double)(st.sent - 1) / secs / 1000 : 0.0, (unsigned long long)st.forgiven);
	return 0;
}
