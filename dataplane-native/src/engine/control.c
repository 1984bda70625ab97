/* control.c: serves the versioned line protocol on a Unix stream socket for the control plane's worker client. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/control.h"

#define MAX_CLIENTS 8
#define MAX_REQUEST (4u << 20) /* a full host set with filters fits easily */

struct client {
	int fd;
	char *buf;
	size_t len, cap;
};

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
	free(cl->buf);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

static void send_all(struct client *cl, const char *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = send(cl->fd, buf + off, n - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = cl->fd, .events = POLLOUT };

			if (poll(&p, 1, 1000) <= 0)
				return;
			continue;
		}
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static void reply(struct client *cl, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	/* one line per reply: a newline inside a message would desynchronise the client */
	for (int i = 0; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	buf[n++] = '\n';
	send_all(cl, buf, (size_t)n);
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EIO";
}

static void reply_err(struct client *cl, int err, const char *msg)
{
	reply(cl, "ERR %s %s", errname(err < 0 ? -err : err), msg);
}

/* Value of key=... among the request's arguments, copied into out; false when absent. */
static bool arg(const char *args, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);

	for (const char *p = args; p && *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t n = strcspn(v, " ");

			if (n >= cap)
				return false;
			memcpy(out, v, n);
			out[n] = 0;
			return true;
		}
		p = strchr(p, ' ');
	}
	return false;
}

static void do_stats(struct client *cl, struct dp_dataplane *dp)
{
	struct dp_dataplane_stats st;
	char buf[3000];
	size_t off = 0;

	dp_dataplane_stats(dp, &st);
	for (unsigned i = 0; i < st.n && off < sizeof(buf) - 64; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s=%llu", dp_dataplane_stat_name(i),
					(unsigned long long)st.v[i]);
	buf[off] = 0;
	reply(cl, "OK%s", buf);
}

static void do_health(struct client *cl, struct dp_dataplane *dp)
{
	static const char *const states[] = { "created", "running", "stopped", "failed" };
	struct dp_dataplane_health h;

	dp_dataplane_health(dp, &h);
	reply(cl, "OK state=%s workers=%u workers_alive=%u hosts=%u hosts_with_secrets=%u generation=%llu "
		  "uptime_ms=%llu pid=%d error=%s",
	      h.state >= 0 && h.state < 4 ? states[h.state] : "unknown", h.workers, h.workers_alive, h.hosts,
	      h.hosts_with_secrets, (unsigned long long)h.generation, (unsigned long long)h.uptime_ms, (int)getpid(),
	      h.last_error);
}

/* Handles one request whose line (and payload, if any) is complete; returns bytes consumed, 0 if incomplete,
 * -1 to drop the client, -2 on QUIT. */
static long handle(struct client *cl, struct dp_dataplane *dp)
{
	char *nl = memchr(cl->buf, '\n', cl->len), verb[32], val[64];
	const char *args, *payload;
	size_t line_len, plen = 0;
	int err;

	if (!nl)
		return cl->len > 4096 ? -1 : 0;
	*nl = 0;
	line_len = (size_t)(nl - cl->buf) + 1;
	if (line_len > 1 && nl[-1] == '\r')
		nl[-1] = 0;
	if (sscanf(cl->buf, "%31s", verb) != 1)
		return (long)line_len;
	args = cl->buf + strlen(verb);
	if (arg(args, "len", val, sizeof(val))) {
		char *end;

		plen = strtoul(val, &end, 10);
		if (*end || plen > MAX_REQUEST) {
			reply_err(cl, EMSGSIZE, "len: payload too large");
			return -1;
		}
		if (cl->len < line_len + plen) {
			*nl = '\n'; /* not complete yet: parse again when more arrives */
			return 0;
		}
	}
	payload = cl->buf + line_len;
	if (!strcmp(verb, "HELLO")) {
		int v = atoi(args);

		if (v != DP_CONTROL_PROTO)
			reply_err(cl, EPROTO, "unsupported protocol version (this worker speaks 1)");
		else
			reply(cl, "OK proto=%d pid=%d version=%s backends=%s", DP_CONTROL_PROTO, (int)getpid(),
			      DP_VERSION, dp_dataplane_backends());
	} else if (!strcmp(verb, "HOST_SET") || !strcmp(verb, "HOSTS_SET")) {
		err = dp_dataplane_set_hosts_yaml(dp, payload, plen, "request", verb[4] == 'S');
		if (err)
			reply_err(cl, err, dp_dataplane_last_error(dp));
		else
			reply(cl, "OK");
	} else if (!strcmp(verb, "HOST_DEL")) {
		if (!arg(args, "ip", val, sizeof(val)))
			reply_err(cl, EINVAL, "ip: missing");
		else if ((err = dp_dataplane_remove_host(dp, val)))
			reply_err(cl, err, dp_dataplane_last_error(dp));
		else
			reply(cl, "OK");
	} else if (!strcmp(verb, "HOSTS_RESET")) {
		err = dp_dataplane_remove_all_hosts(dp);
		if (err)
			reply_err(cl, err, dp_dataplane_last_error(dp));
		else
			reply(cl, "OK");
	} else if (!strcmp(verb, "SECRETS")) {
		char age[24] = "0";

		if (!arg(args, "ip", val, sizeof(val)))
			reply_err(cl, EINVAL, "ip: missing");
		else if (arg(args, "age_ms", age, sizeof(age)),
			 (err = dp_dataplane_set_secrets(dp, val, payload, plen, strtoull(age, NULL, 10))))
			reply_err(cl, err, dp_dataplane_last_error(dp));
		else
			reply(cl, "OK");
	} else if (!strcmp(verb, "STATS")) {
		do_stats(cl, dp);
	} else if (!strcmp(verb, "HOST_STATS")) {
		size_t cap = (size_t)DP_HOST_STATS_SLOTS * 128, len;
		char *buf = malloc(cap);
		unsigned n;

		if (!buf) {
			reply_err(cl, ENOMEM, "out of memory");
		} else {
			len = dp_dataplane_host_stats_text(dp, buf, cap, &n);
			reply(cl, "OK hosts=%u len=%zu", n, len);
			send_all(cl, buf, len);
			free(buf);
		}
	} else if (!strcmp(verb, "HEALTH")) {
		do_health(cl, dp);
	} else if (!strcmp(verb, "START")) {
		err = dp_dataplane_start(dp);
		if (err)
			reply_err(cl, err, dp_dataplane_last_error(dp));
		else
			reply(cl, "OK");
	} else if (!strcmp(verb, "STOP")) {
		dp_dataplane_stop(dp);
		reply(cl, "OK");
	} else if (!strcmp(verb, "QUIT")) {
		reply(cl, "OK");
		return -2;
	} else {
		reply_err(cl, EINVAL, "unknown request (HELLO HOST_SET HOSTS_SET HOST_DEL HOSTS_RESET SECRETS STATS "
				      "HOST_STATS HEALTH START STOP QUIT)");
	}
	return (long)(line_len + plen);
}

static int serve_client(struct client *cl, struct dp_dataplane *dp)
{
	long used;

	for (;;) {
		ssize_t r;

		if (cl->cap - cl->len < 65536) {
			size_t cap = cl->cap ? cl->cap * 2 : 65536 * 2;
			char *p;

			if (cap > MAX_REQUEST * 2 + 65536)
				return -1;
			p = realloc(cl->buf, cap);
			if (!p)
				return -1;
			cl->buf = p;
			cl->cap = cap;
		}
		r = recv(cl->fd, cl->buf + cl->len, cl->cap - cl->len - 1, MSG_DONTWAIT);
		if (r == 0)
			return -1;
		if (r < 0)
			break;
		cl->len += (size_t)r;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	while (cl->len && (used = handle(cl, dp)) != 0) {
		if (used < 0)
			return (int)used;
		memmove(cl->buf, cl->buf + used, cl->len - (size_t)used);
		cl->len -= (size_t)used;
	}
	return 0;
}

int dp_control_poll(struct dp_control *c, struct dp_dataplane *dp, int timeout_ms)
{
	struct pollfd pfd[MAX_CLIENTS + 1];
	int n = 0, map[MAX_CLIENTS + 1], quit = 0;

	pfd[n].fd = c->fd;
	pfd[n++].events = POLLIN;
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0) {
			map[n] = i;
			pfd[n].fd = c->cl[i].fd;
			pfd[n++].events = POLLIN;
		}
	if (poll(pfd, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	for (int j = 1; j < n; j++) {
		int rc;

		if (!pfd[j].revents)
			continue;
		rc = serve_client(&c->cl[map[j]], dp);
		if (rc == -2)
			quit = 1;
		if (rc < 0)
			drop_client(&c->cl[map[j]]);
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

			(void)!send(fd, busy, strlen(busy), MSG_NOSIGNAL);
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
