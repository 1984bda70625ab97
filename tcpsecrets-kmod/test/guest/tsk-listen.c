/* tsk-listen.c: the protected service inside the test VM. Listens on TCP ports (dual stack), accepts,
 * echoes every payload back unchanged and logs one line per event, so the harness can prove what the kernel
 * accepted. Usage: tsk-listen PORT[r][bBYTES] ...   (suffix r: a SO_REUSEPORT group of two sockets; bBYTES:
 * SO_RCVBUF BYTES on the listener, set before listen() as servers do)
 * Log lines: "listen port=P rcvbuf=B" (SO_RCVBUF as the kernel keeps it, = sk_rcvbuf), "accept port=P
 * peer=ADDR:PORT", "data port=P peer=ADDR:PORT len=N text=...", "short-write port=P peer=ADDR:PORT len=N written=W"
 * and "full port=P peer=ADDR:PORT: closed, N sockets open"
 * Every socket is non-blocking: one client that connects and then stays silent (its packets lost on the way, say)
 * must not stop the service from accepting and echoing everyone else. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 512

struct conn {
	int port;
	char peer[INET6_ADDRSTRLEN + 8];
	int listening;
};

static struct pollfd fds[MAX_FDS];
static struct conn conns[MAX_FDS];
static int nfds;

static void add_fd(int fd, int port, const char *peer, int listening)
{
	if (nfds == MAX_FDS) {
		printf("full port=%d peer=%s: closed, %d sockets open\n", port, peer, nfds);
		close(fd);
		return;
	}
	fds[nfds].fd = fd;
	fds[nfds].events = POLLIN;
	fds[nfds].revents = 0; /* the slot may hold a removed socket's: this one has not been polled yet */
	conns[nfds].port = port;
	conns[nfds].listening = listening;
	snprintf(conns[nfds].peer, sizeof(conns[nfds].peer), "%s", peer);
	nfds++;
}

static int listen_on(int port, int reuseport, int rcvbuf)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
	int one = 1, zero = 0, kept = 0;
	socklen_t len = sizeof(kept);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		return -1;
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 128) < 0) {
		fprintf(stderr, "tsk-listen: port %d: %s\n", port, strerror(errno));
		return -1;
	}
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kept, &len);
	printf("listen port=%d rcvbuf=%d\n", port, kept);
	add_fd(fd, port, "-", 1);
	return 0;
}

static void peer_name(const struct sockaddr_in6 *a, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
		inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], ip, sizeof(ip));
	else
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
	snprintf(out, len, "%s:%u", ip, ntohs(a->sin6_port));
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		int port = atoi(argv[i]);
		int rp = strchr(argv[i], 'r') != NULL;
		int rcvbuf = strchr(argv[i], 'b') ? atoi(strchr(argv[i], 'b') + 1) : 0;

		if (port <= 0 || port > 65535 || listen_on(port, rp, rcvbuf) < 0 || (rp && listen_on(port, 1, rcvbuf) < 0)) {
			fprintf(stderr, "tsk-listen: bad or unusable port '%s'\n", argv[i]);
			return 2;
		}
	}
	printf("ready\n");
	for (;;) {
		if (poll(fds, nfds, -1) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < nfds; i++) {
			char buf[2048], peer[INET6_ADDRSTRLEN + 8];
			struct sockaddr_in6 a;
			socklen_t alen = sizeof(a);
			ssize_t n, k, w;

			if (!fds[i].revents)
				continue;
			if (conns[i].listening) {
				int c = accept4(fds[i].fd, (struct sockaddr *)&a, &alen, SOCK_NONBLOCK);

				if (c < 0)
					continue;
				/* a peer that vanished without a FIN (lost on a path that moved) is found out and closed after
				 * 30 s of silence, instead of holding its slot for good */
				setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &(int){ 1 }, sizeof(int));
				setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &(int){ 30 }, sizeof(int));
				setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &(int){ 5 }, sizeof(int));
				setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &(int){ 3 }, sizeof(int));
				peer_name(&a, peer, sizeof(peer));
				printf("accept port=%d peer=%s\n", conns[i].port, peer);
				add_fd(c, conns[i].port, peer, 0);
				continue;
			}
			n = read(fds[i].fd, buf, sizeof(buf) - 1);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				close(fds[i].fd);
				fds[i] = fds[nfds - 1];
				conns[i] = conns[nfds - 1];
				nfds--;
				i--;
				continue;
			}
			w = write(fds[i].fd, buf, n);
			if (w != n) /* the peer stopped taking data: its echo is cut, nobody waits for it */
				printf("short-write port=%d peer=%s len=%zd written=%zd\n", conns[i].port, conns[i].peer, n, w);
			buf[n] = '\0';
			for (k = 0; k < n; k++)
				if (buf[k] < 0x20 || buf[k] > 0x7e)
					buf[k] = '.';
			printf("data port=%d peer=%s len=%zd text=%s\n", conns[i].port, conns[i].peer, n, buf);
		}
	}
}
