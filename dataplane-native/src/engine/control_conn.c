/* control_conn.c: the control socket's connections. One thread serves every client from one poll loop, so no client
 * may block it: replies go into a per-client output buffer that is flushed without blocking, and a client whose
 * unread replies pass OUT_SOFT is not read from (its requests wait in its socket) until it reads them. A client whose
 * replies have not drained for STALL_NS, or would pass OUT_MAX, is cut off. Heartbeats of the other clients are
 * served meanwhile. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/control_int.h"
#include "engine/engine.h"

struct dp_control {
	int fd;
	char path[108];
	struct client cl[MAX_CLIENTS];
};

int dp_control_open(const char *path, struct dp_control **out, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct dp_control *c;
	int fd, probe, rc;
	mode_t old_mask;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control-socket: path longer than %zu bytes", sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	/* a live worker already owns this path: never steal its socket */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		snprintf(err, errlen, "control-socket: %s is in use by a running worker", path);
		return -EADDRINUSE;
	}
	if (probe >= 0)
		close(probe);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* the socket carries secrets: it is born 0600 (umask around bind), never world-connectable for a moment */
	old_mask = umask(0177);
	rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_mask);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, MAX_CLIENTS) < 0) {
		int e = errno;

		snprintf(err, errlen, "control-socket %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	snprintf(c->path, sizeof(c->path), "%s", path);
	for (int i = 0; i < MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	*out = c;
	return 0;
}

static void drop_client(struct client *cl)
{
	close(cl->fd);
	if (cl->in)
		explicit_bzero(cl->in, cl->in_cap); /* requests carried key material */
	free(cl->in);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

static size_t pending(const struct client *cl)
{
	return cl->out_len - cl->out_off;
}

/* Sends what the socket takes now, never waiting. */
static void flush(struct client *cl)
{
	size_t before = pending(cl);

	while (pending(cl)) {
		ssize_t w = send(cl->fd, cl->out + cl->out_off, pending(cl), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w <= 0) {
			if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				cl->cut = true; /* the peer is gone */
			break;
		}
		cl->out_off += (size_t)w;
	}
	if (!pending(cl)) {
		cl->out_off = cl->out_len = 0;
		cl->stalled_since = 0;
	} else if (pending(cl) < before || !cl->stalled_since) {
		cl->stalled_since = dp_now_ns();
	}
}

void dp_control_queue(struct client *cl, const void *buf, size_t n)
{
	if (cl->cut)
		return;
	if (pending(cl) + n > OUT_MAX) {
		cl->cut = true;
		return;
	}
	if (cl->out_off && cl->out_len + n > cl->out_cap) { /* reuse the sent part first */
		memmove(cl->out, cl->out + cl->out_off, pending(cl));
		cl->out_len -= cl->out_off;
		cl->out_off = 0;
	}
	if (cl->out_len + n > cl->out_cap) {
		size_t cap = cl->out_cap ? cl->out_cap : 4096;
		char *p;

		while (cap < cl->out_len + n)
			cap *= 2;
		p = realloc(cl->out, cap);
		if (!p) {
			cl->cut = true;
			return;
		}
		cl->out = p;
		cl->out_cap = cap;
	}
	memcpy(cl->out + cl->out_len, buf, n);
	cl->out_len += n;
}

/* Reads what is there (unless the client's replies are backed up) and serves its complete requests. */
static int serve_client(struct client *cl, struct dp_dataplane *dp)
{
	size_t off = 0;
	int rc = 0;

	while (pending(cl) < OUT_SOFT) {
		ssize_t r;

		if (cl->in_cap - cl->in_len < 65536) {
			size_t cap = cl->in_cap ? cl->in_cap * 2 : 65536 * 2;
			char *p;

			if (cap > MAX_REQUEST + MAX_LINE + 65536 * 2)
				return -1;
			p = realloc(cl->in, cap);
			if (!p)
				return -1;
			cl->in = p;
			cl->in_cap = cap;
		}
		r = recv(cl->fd, cl->in + cl->in_len, cl->in_cap - cl->in_len, MSG_DONTWAIT);
		if (r == 0)
			return -1;
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				return -1;
			break;
		}
		cl->in_len += (size_t)r;
	}
	/* requests pipelined behind backed-up replies wait in the buffer until the client reads */
	while (off < cl->in_len && pending(cl) < OUT_SOFT && !cl->cut) {
		long used = dp_control_handle(cl, dp, cl->in + off, cl->in_len - off);

		if (used <= 0) {
			rc = (int)used;
			break;
		}
		off += (size_t)used;
	}
	if (off) {
		memmove(cl->in, cl->in + off, cl->in_len - off);
		cl->in_len -= off;
	}
	flush(cl);
	return rc;
}

int dp_control_poll(struct dp_control *c, struct dp_dataplane *dp, int timeout_ms)
{
	struct pollfd pfd[MAX_CLIENTS + 1];
	int n = 0, map[MAX_CLIENTS + 1], quit = 0;
	uint64_t now;

	pfd[n].fd = c->fd;
	pfd[n++].events = POLLIN;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0) {
			struct client *cl = &c->cl[i];

			map[n] = i;
			pfd[n].fd = cl->fd;
			/* a client with replies backed up is not read until it reads them: backpressure, not blocking */
			pfd[n++].events = (short)((pending(cl) < OUT_SOFT ? POLLIN : 0) | (pending(cl) ? POLLOUT : 0));
		}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0)
		return 0;
	for (int j = 1; j < n; j++) {
		struct client *cl = &c->cl[map[j]];
		int rc = 0;

		if (pfd[j].revents & (POLLERR | POLLNVAL)) {
			rc = -1;
		} else {
			if (pfd[j].revents & POLLOUT)
				flush(cl);
			/* after a drain, requests already buffered are served even if no new bytes arrive */
			if ((pfd[j].revents & (POLLIN | POLLHUP)) || (cl->in_len && pending(cl) < OUT_SOFT))
				rc = serve_client(cl, dp);
		}
		if (rc == -2)
			quit = 1;
		/* stalled_since may be newer than the loop's start: it was set while serving this client just now */
		now = dp_now_ns();
		if (rc < 0 || cl->cut || (cl->stalled_since && now > cl->stalled_since + STALL_NS))
			drop_client(cl);
	}
	if (pfd[0].revents & POLLIN) {
		int fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		for (int i = 0; fd >= 0 && i < MAX_CLIENTS; i++)
			if (c->cl[i].fd < 0) {
				c->cl[i].fd = fd;
				fd = -1;
			}
		if (fd >= 0) {
			const char *busy = "ERR EBUSY too many control clients\n";

			(void)!send(fd, busy, strlen(busy), MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
		}
	}
	return quit;
}

void dp_control_close(struct dp_control *c)
{
	if (!c)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			drop_client(&c->cl[i]);
	close(c->fd);
	unlink(c->path);
	free(c);
}
