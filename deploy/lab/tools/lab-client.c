/* lab-client.c: the lab's legitimate traffic. Two modes, both against an echo service (the guest's tsk-listen):
 *
 *   lab-client rate --dst IP:PORT|[IP6]:PORT --rate N --out FILE [--timeout-ms 3000]
 *       opens N connections per second, each sends one line, waits for its echo and closes; one CSV line per
 *       attempt: start_ms,ok,connect_us,total_us,error   (start_ms = CLOCK_REALTIME ms when the SYN left)
 *   lab-client long --dst IP:PORT|[IP6]:PORT --out FILE [--interval-ms 200] [--stall-ms 30000] [--oob-bytes 8]
 *       one connection kept busy: every interval a numbered line, checked when echoed; one CSV line per echo:
 *       t_ms,seq,rtt_us   and at the end (SIGTERM/SIGINT) a line
 *       "end,<t_ms>,<state>,<max_gap_ms>,<echoes>,<bytes_sent>,<bytes_received>"
 *       where state = open | reset | closed | stalled (no echo for --stall-ms) | bad_echo | preamble_unacked.
 *       Exit 0 only if still open. Before the first line it sends --oob-bytes (default 8) single bytes of urgent
 *       (MSG_OOB) data, each acknowledged before the next: the echo service reads without SO_OOBINLINE, so the
 *       kernel drops them from its stream and they are never echoed. The connection's byte counts then differ
 *       (sent = received + oob-bytes), as in any real protocol, so that its later ACKs cannot pass a firewall's
 *       SYN-cookie check by accident (with an echo, ack - seq stays the ISN difference: a valid cookie while the
 *       cookie is young). Surviving a diversion then needs the firewall's pickup window.
 *
 * Both run until SIGTERM/SIGINT. Non-blocking sockets and one epoll loop: no thread per connection, so a slow
 * or dead server never delays the schedule of new attempts (open-loop load, like a real user population). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_INFLIGHT 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void usage(void)
{
	fprintf(stderr, "usage: lab-client rate --dst IP:PORT --rate N --out FILE [--timeout-ms MS]\n"
			"       lab-client long --dst IP:PORT --out FILE [--interval-ms MS] [--stall-ms MS] [--oob-bytes N]\n");
	exit(2);
}

/* IPv4:PORT or [IPv6]:PORT */
static int parse_dst(const char *s, struct sockaddr_storage *a, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n;
	long port;

	if (!colon)
		return -1;
	n = colon - s;
	if (*s == '[') {
		if (n < 2 || s[n - 1] != ']')
			return -1;
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = 0;
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port >= 65536)
		return -1;
	memset(a, 0, sizeof(*a));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)a;

		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return inet_pton(AF_INET6, host, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)a;

	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

struct attempt {
	int fd;
	uint64_t start_mono, start_real, connected_mono;
	char line[32];
	size_t got;
	char buf[32];
};

static struct attempt *slots[MAX_INFLIGHT];

static void finish(FILE *out, struct attempt *a, int ok, const char *err)
{
	uint64_t t = now_us(CLOCK_MONOTONIC);

	fprintf(out, "%llu,%d,%lld,%lld,%s\n", (unsigned long long)(a->start_real / 1000), ok,
		a->connected_mono ? (long long)(a->connected_mono - a->start_mono) : -1LL,
		ok ? (long long)(t - a->start_mono) : -1LL, err);
	close(a->fd);
	free(a);
}

static int run_rate(const struct sockaddr_storage *dst, socklen_t dlen, double rate, FILE *out, int timeout_ms)
{
	int ep = epoll_create1(0), i;
	uint64_t start = now_us(CLOCK_MONOTONIC), n = 0;
	struct epoll_event evs[256];

	if (ep < 0)
		return 1;
	while (!stop) {
		uint64_t t = now_us(CLOCK_MONOTONIC);
		/* open-loop schedule: attempt k starts at start + k/rate, whatever happened to the others */
		while (start + (uint64_t)(n * 1e6 / rate) <= t) {
			struct attempt *a = calloc(1, sizeof(*a));
			int slot = -1;

			n++;
			for (i = 0; i < MAX_INFLIGHT; i++)
				if (!slots[i]) {
					slot = i;
					break;
				}
			if (!a || slot < 0) {
				fprintf(out, "%llu,0,-1,-1,too_many_inflight\n",
					(unsigned long long)(now_us(CLOCK_REALTIME) / 1000));
				free(a);
				continue;
			}
			a->fd = socket(dst->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			a->start_mono = now_us(CLOCK_MONOTONIC);
			a->start_real = now_us(CLOCK_REALTIME);
			snprintf(a->line, sizeof(a->line), "hello %llu\n", (unsigned long long)n);
			if (a->fd < 0 || (connect(a->fd, (const struct sockaddr *)dst, dlen) < 0 &&
					  errno != EINPROGRESS)) {
				if (a->fd < 0)
					a->fd = open("/dev/null", O_RDONLY);
				finish(out, a, 0, "connect_error");
				continue;
			}
			slots[slot] = a;
			struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)slot };
			epoll_ctl(ep, EPOLL_CTL_ADD, a->fd, &ev);
		}
		int k = epoll_wait(ep, evs, 256, 5);
		for (i = 0; i < k; i++) {
			uint32_t s = evs[i].data.u32;
			struct attempt *a = slots[s];
			int soerr = 0;
			socklen_t sl = sizeof(soerr);

			if (!a)
				continue;
			if (!a->connected_mono) {
				getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (soerr) {
					slots[s] = NULL;
					finish(out, a, 0, soerr == ECONNREFUSED ? "refused" : soerr == ETIMEDOUT ? "timeout" : "connect_error");
					continue;
				}
				a->connected_mono = now_us(CLOCK_MONOTONIC);
				if (write(a->fd, a->line, strlen(a->line)) != (ssize_t)strlen(a->line)) {
					slots[s] = NULL;
					finish(out, a, 0, "write_error");
					continue;
				}
				struct epoll_event ev = { .events = EPOLLIN, .data.u32 = s };
				epoll_ctl(ep, EPOLL_CTL_MOD, a->fd, &ev);
				continue;
			}
			ssize_t r = read(a->fd, a->buf + a->got, sizeof(a->buf) - 1 - a->got);
			if (r <= 0) {
				slots[s] = NULL;
				finish(out, a, 0, r == 0 ? "closed" : "reset");
				continue;
			}
			a->got += (size_t)r;
			if (a->got >= strlen(a->line)) {
				slots[s] = NULL;
				a->buf[a->got] = 0;
				finish(out, a, strcmp(a->buf, a->line) == 0, strcmp(a->buf, a->line) == 0 ? "-" : "bad_echo");
			}
		}
		/* timeouts: an attempt that did not finish in time counts as failed */
		t = now_us(CLOCK_MONOTONIC);
		for (i = 0; i < MAX_INFLIGHT; i++)
			if (slots[i] && t - slots[i]->start_mono > (uint64_t)timeout_ms * 1000u) {
				struct attempt *a = slots[i];

				slots[i] = NULL;
				finish(out, a, 0, a->connected_mono ? "echo_timeout" : "connect_timeout");
			}
		fflush(out);
	}
	for (i = 0; i < MAX_INFLIGHT; i++)
		if (slots[i])
			finish(out, slots[i], 0, "unfinished");
	fflush(out);
	return 0;
}

/* Sends n single urgent bytes, each in its own segment and acknowledged before the next (a later urgent pointer
 * makes the receiver drop the earlier urgent byte; two in one segment would leave one inline). 0 or -1. */
static int send_oob_preamble(int fd, int n, uint64_t *sent)
{
	for (int i = 0; i < n; i++) {
		uint64_t until = now_us(CLOCK_MONOTONIC) + 3000000u;
		int queued = 1;

		if (send(fd, "!", 1, MSG_OOB) != 1)
			return -1;
		(*sent)++;
		while (queued > 0 && now_us(CLOCK_MONOTONIC) < until) {
			if (ioctl(fd, SIOCOUTQ, &queued) < 0)
				return -1;
			if (queued > 0)
				usleep(2000);
		}
		if (queued > 0)
			return -1;
	}
	return 0;
}

static int run_long(const struct sockaddr_storage *dst, socklen_t dlen, FILE *out, int interval_ms, int stall_ms,
		    int oob_bytes)
{
	int fd = socket(dst->ss_family, SOCK_STREAM, 0), one = 1;
	uint64_t seq = 0, last_echo, max_gap = 0, echoes = 0, next_send, bytes_sent = 0, bytes_received = 0;
	char buf[4096], want[64];
	size_t got = 0;
	const char *state = "open";
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };

	if (fd < 0 || connect(fd, (const struct sockaddr *)dst, dlen) < 0) {
		fprintf(out, "end,%llu,connect_failed,0,0\n", (unsigned long long)(now_us(CLOCK_REALTIME) / 1000));
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send_oob_preamble(fd, oob_bytes, &bytes_sent) < 0)
		state = "preamble_unacked";
	last_echo = next_send = now_us(CLOCK_MONOTONIC);
	want[0] = 0;
	uint64_t sent_at = 0;
	while (!stop && !strcmp(state, "open")) {
		uint64_t t = now_us(CLOCK_MONOTONIC);

		if (!want[0] && t >= next_send) {
			seq++;
			snprintf(want, sizeof(want), "long %llu\n", (unsigned long long)seq);
			if (write(fd, want, strlen(want)) != (ssize_t)strlen(want)) {
				state = "reset";
				break;
			}
			bytes_sent += strlen(want);
			sent_at = t;
			got = 0;
		}
		if (want[0]) {
			ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);

			if (r == 0) {
				state = "closed";
				break;
			}
			if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				state = "reset";
				break;
			}
			if (r > 0) {
				got += (size_t)r;
				bytes_received += (uint64_t)r;
			}
			if (got >= strlen(want)) {
				buf[got] = 0;
				if (strcmp(buf, want) != 0) {
					state = "bad_echo";
					break;
				}
				t = now_us(CLOCK_MONOTONIC);
				if (t - last_echo > max_gap)
					max_gap = t - last_echo;
				last_echo = t;
				echoes++;
				fprintf(out, "%llu,%llu,%llu\n", (unsigned long long)(now_us(CLOCK_REALTIME) / 1000),
					(unsigned long long)seq, (unsigned long long)(t - sent_at));
				fflush(out);
				want[0] = 0;
				next_send = sent_at + (uint64_t)interval_ms * 1000u;
			}
		} else {
			usleep(10000);
		}
		if (now_us(CLOCK_MONOTONIC) - last_echo > (uint64_t)stall_ms * 1000u) {
			state = "stalled";
			break;
		}
	}
	uint64_t t = now_us(CLOCK_MONOTONIC);
	if (t - last_echo > max_gap && strcmp(state, "open") != 0)
		max_gap = t - last_echo;
	fprintf(out, "end,%llu,%s,%llu,%llu,%llu,%llu\n", (unsigned long long)(now_us(CLOCK_REALTIME) / 1000), state,
		(unsigned long long)(max_gap / 1000), (unsigned long long)echoes, (unsigned long long)bytes_sent,
		(unsigned long long)bytes_received);
	fflush(out);
	close(fd);
	return strcmp(state, "open") == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *dst_s = NULL, *out_s = NULL;
	double rate = 10;
	int timeout_ms = 3000, interval_ms = 200, stall_ms = 30000, oob_bytes = 8, i;
	struct sockaddr_storage dst;
	socklen_t dlen = 0;
	FILE *out;

	if (argc < 2)
		usage();
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dst"))
			dst_s = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			out_s = argv[i + 1];
		else if (!strcmp(argv[i], "--rate"))
			rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--timeout-ms"))
			timeout_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--interval-ms"))
			interval_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--stall-ms"))
			stall_ms = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--oob-bytes"))
			oob_bytes = atoi(argv[i + 1]);
		else {
			fprintf(stderr, "lab-client: unknown option %s\n", argv[i]);
			usage();
		}
	}
	if (i != argc || !dst_s || !out_s)
		usage();
	if (parse_dst(dst_s, &dst, &dlen) < 0) {
		fprintf(stderr, "lab-client: bad --dst '%s': expected IPv4:PORT or [IPv6]:PORT\n", dst_s);
		return 2;
	}
	if (oob_bytes < 0 || oob_bytes > 64) {
		fprintf(stderr, "lab-client: --oob-bytes must be 0..64\n");
		return 2;
	}
	if (rate <= 0 || rate > 10000 || timeout_ms <= 0 || interval_ms <= 0 || stall_ms <= 0) {
		fprintf(stderr, "lab-client: --rate must be in (0,10000], times positive\n");
		return 2;
	}
	out = fopen(out_s, "a");
	if (!out) {
		fprintf(stderr, "lab-client: cannot open --out '%s': %s\n", out_s, strerror(errno));
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "rate"))
		return run_rate(&dst, dlen, rate, out, timeout_ms);
	if (!strcmp(argv[1], "long"))
		return run_long(&dst, dlen, out, interval_ms, stall_ms, oob_bytes);
	usage();
	return 2;
}
