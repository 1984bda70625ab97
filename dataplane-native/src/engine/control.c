/* control.c: the requests of the worker protocol (docs/dataplane-worker-protocol.md), dispatched from one table. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/control_int.h"
#include "engine/dataplane_int.h"

/* One request: its arguments (after the verb), and its payload when the verb takes one. */
struct request {
	const char *args;
	const char *payload;
	size_t plen;
};

enum {
	CTL_GO_ON = 0,
	CTL_QUIT = 1
};

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
	dp_control_queue(cl, buf, (size_t)n);
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

static void reply_rc(struct client *cl, struct dp_dataplane *dp, int err)
{
	if (err)
		reply_err(cl, err, dp_dataplane_last_error(dp));
	else
		reply(cl, "OK");
}

/* Value of key=... among the request's arguments, copied into out; false when absent or too long. */
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

/* The len=N argument of a request line (line_len bytes, ending in its newline); false when absent. */
static bool arg_len(const char *line, size_t line_len, size_t *n)
{
	char tmp[MAX_LINE + 1], val[24], *end;

	if (line_len > MAX_LINE)
		return false;
	memcpy(tmp, line, line_len);
	tmp[line_len - 1] = 0;
	if (!arg(strchr(tmp, ' ') ? strchr(tmp, ' ') : "", "len", val, sizeof(val)))
		return false;
	*n = strtoul(val, &end, 10);
	if (*end || val[0] == '-')
		*n = (size_t)-1; /* refused as too large */
	return true;
}

static int do_hello(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	char backends[64] = "";
	const char *s = dp_dataplane_backends();
	size_t o = 0;

	(void)dp;
	if (atoi(r->args) != DP_CONTROL_PROTO) {
		reply(cl, "ERR EPROTO unsupported protocol version (this worker speaks %d)", DP_CONTROL_PROTO);
		return CTL_GO_ON;
	}
	/* "memory=yes afpacket=yes afxdp=no netmap=yes" -> "memory,afpacket,netmap": one value, no spaces */
	while (*s && o < sizeof(backends) - 16) {
		size_t name = strcspn(s, "="), word = strcspn(s, " ");

		if (name < word && !strncmp(s + name, "=yes", 4))
			o += (size_t)snprintf(backends + o, sizeof(backends) - o, "%s%.*s", o ? "," : "", (int)name, s);
		s += word + (s[word] == ' ');
	}
	reply(cl, "OK proto=%d pid=%d version=%s backends=%s", DP_CONTROL_PROTO, (int)getpid(), DP_VERSION, backends);
	return CTL_GO_ON;
}

static int do_host_set(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	reply_rc(cl, dp, dp_dataplane_set_hosts_wire(dp, r->payload, r->plen, false));
	return CTL_GO_ON;
}

static int do_hosts_set(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	reply_rc(cl, dp, dp_dataplane_set_hosts_wire(dp, r->payload, r->plen, true));
	return CTL_GO_ON;
}

static int do_host_del(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	char ip[64];

	if (!arg(r->args, "ip", ip, sizeof(ip)))
		reply_err(cl, EINVAL, "ip: missing");
	else
		reply_rc(cl, dp, dp_dataplane_remove_host(dp, ip));
	return CTL_GO_ON;
}

static int do_host_get(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	char ip[64], *text;
	size_t len;
	int err = dp_dataplane_host_record(dp, arg(r->args, "ip", ip, sizeof(ip)) ? ip : "", &text, &len);

	if (err) {
		reply_rc(cl, dp, err);
		return CTL_GO_ON;
	}
	reply(cl, "OK len=%zu", len);
	dp_control_queue(cl, text, len);
	free(text);
	return CTL_GO_ON;
}

static int do_hosts_reset(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	(void)r;
	reply_rc(cl, dp, dp_dataplane_remove_all_hosts(dp));
	return CTL_GO_ON;
}

static int do_secrets(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	reply_rc(cl, dp, dp_dataplane_set_secrets_wire(dp, r->payload, r->plen));
	return CTL_GO_ON;
}

static int do_stats(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	struct dp_dataplane_stats st;
	char buf[3000];
	size_t off = 0;

	(void)r;
	dp_dataplane_stats(dp, &st);
	for (unsigned i = 0; i < st.n && off < sizeof(buf) - 64; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s=%llu", dp_dataplane_stat_name(i),
					(unsigned long long)st.v[i]);
	buf[off] = 0;
	reply(cl, "OK%s", buf);
	return CTL_GO_ON;
}

/* HOST_STATS lines are built into one growing buffer, then queued with the reply that announces their length. */
struct host_lines {
	char *buf;
	size_t len, cap;
	unsigned hosts;
	bool failed;
};

static int host_line(void *ctx, const struct dp_addr *ip, const struct dp_stats *st)
{
	struct host_lines *t = ctx;
	char a[48];

	if (t->cap - t->len < 2048) {
		size_t cap = t->cap ? t->cap * 2 : 65536;
		char *p = realloc(t->buf, cap);

		if (!p) {
			t->failed = true;
			return 1;
		}
		t->buf = p;
		t->cap = cap;
	}
	dp_addr_format(ip, a, sizeof(a));
	t->len += (size_t)snprintf(t->buf + t->len, t->cap - t->len, "ip=%s", a);
	/* the core's own names of the counters it keeps per host: one table, no second list to drift */
	for (unsigned c = 0; c < DP_C_MAX; c++)
		if (dp_counter_per_host((enum dp_counter)c))
			t->len += (size_t)snprintf(t->buf + t->len, t->cap - t->len, " %s=%llu",
						   dp_counter_name((enum dp_counter)c), (unsigned long long)st->c[c]);
	t->buf[t->len++] = '\n';
	t->hosts++;
	return 0;
}

static int do_host_stats(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	struct host_lines t = { 0 };

	(void)r;
	dp_dataplane_host_stats_each(dp, host_line, &t);
	if (t.failed) {
		reply_err(cl, ENOMEM, "out of memory");
	} else {
		reply(cl, "OK hosts=%u len=%zu", t.hosts, t.len);
		dp_control_queue(cl, t.buf, t.len);
	}
	free(t.buf);
	return CTL_GO_ON;
}

static int do_health(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	static const char *const states[] = { "created", "running", "stopped", "failed" };
	struct dp_dataplane_health h;

	(void)r;
	dp_dataplane_health(dp, &h);
	reply(cl,
	      "OK state=%s workers=%u workers_alive=%u hosts=%u hosts_with_secrets=%u generation=%llu "
	      "uptime_ms=%llu pid=%d error=%s",
	      h.state >= 0 && h.state < 4 ? states[h.state] : "unknown", h.workers, h.workers_alive, h.hosts,
	      h.hosts_with_secrets, (unsigned long long)h.generation, (unsigned long long)h.uptime_ms, (int)getpid(),
	      h.last_error);
	return CTL_GO_ON;
}

static int do_start(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	(void)r;
	reply_rc(cl, dp, dp_dataplane_start(dp));
	return CTL_GO_ON;
}

static int do_stop(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	(void)r;
	dp_dataplane_stop(dp);
	reply(cl, "OK");
	return CTL_GO_ON;
}

static int do_quit(struct client *cl, struct dp_dataplane *dp, const struct request *r)
{
	(void)dp;
	(void)r;
	reply(cl, "OK");
	return CTL_QUIT;
}

static const struct verb {
	const char *name;
	bool payload; /* takes len=N and N bytes of records */
	int (*fn)(struct client *cl, struct dp_dataplane *dp, const struct request *r);
} verbs[] = {
	{ "HELLO", false, do_hello },
	{ "HOST_SET", true, do_host_set },
	{ "HOSTS_SET", true, do_hosts_set },
	{ "HOST_DEL", false, do_host_del },
	{ "HOST_GET", false, do_host_get },
	{ "HOSTS_RESET", false, do_hosts_reset },
	{ "SECRETS", true, do_secrets },
	{ "STATS", false, do_stats },
	{ "HOST_STATS", false, do_host_stats },
	{ "HEALTH", false, do_health },
	{ "START", false, do_start },
	{ "STOP", false, do_stop },
	{ "QUIT", false, do_quit },
};

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void reply_unknown(struct client *cl)
{
	char list[256];
	size_t o = 0;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? " " : "", verbs[i].name);
	reply(cl, "ERR EINVAL unknown request (%s)", list);
}

long dp_control_handle(struct client *cl, struct dp_dataplane *dp, char *buf, size_t len)
{
	char *nl = memchr(buf, '\n', len), verb[32];
	struct request r = { 0 };
	const struct verb *v;
	size_t line_len;

	if (!nl)
		return len > MAX_LINE ? -1 : 0;
	line_len = (size_t)(nl - buf) + 1;
	if (arg_len(buf, line_len, &r.plen)) {
		if (r.plen > MAX_REQUEST) {
			reply_err(cl, EMSGSIZE, "len: payload too large");
			return -1;
		}
		if (len < line_len + r.plen)
			return 0; /* not complete yet: parsed again when more arrives */
		r.payload = buf + line_len;
	}
	*nl = 0;
	if (line_len > 1 && nl[-1] == '\r')
		nl[-1] = 0;
	if (sscanf(buf, "%31s", verb) != 1)
		return (long)(line_len + r.plen);
	r.args = buf + strlen(verb);
	v = find_verb(verb);
	if (!v)
		reply_unknown(cl);
	else if (v->payload && !r.payload)
		reply_err(cl, EINVAL, "len: missing (this request carries records)");
	else if (v->fn(cl, dp, &r) == CTL_QUIT)
		return -2;
	return (long)(line_len + r.plen);
}
