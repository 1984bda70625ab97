/* wire.c: the worker protocol's typed records: host records (host_schema.h) and SECRETS records (secrets_schema.h),
 * both "key=value" lines (docs/dataplane-worker-protocol.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"

/* Splits the next line off *p (up to end) in place: returns it NUL-terminated, or NULL at the end. */
static char *next_line(char **p, char *end)
{
	char *line = *p, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (!nl)
		nl = end;
	*nl = 0;
	if (nl > line && nl[-1] == '\r')
		nl[-1] = 0;
	*p = nl + 1;
	return line;
}

static int bad(char *err, size_t errlen, const char *name, int line, const char *field, const char *why)
{
	if (name)
		snprintf(err, errlen, "%s:%d: %s: %s", name, line, field, why);
	else
		snprintf(err, errlen, "line %d: %s: %s", line, field, why);
	return -EINVAL;
}

static const struct dp_addr *entry_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_host_entry *)ctx)[i].cfg.ip;
}

/* Finishes the record being built (if any) and checks that its ip is new. */
static int close_record(struct dp_host_draft *d, struct dp_hosts *out, struct dp_addr_set *seen, const char *name,
			char *err, size_t errlen)
{
	const char *field, *why;
	char buf[400];

	if (!d->e)
		return 0;
	why = dp_host_draft_finish(d, &field, buf, sizeof(buf));
	if (why)
		return bad(err, errlen, name, d->bad_line ? d->bad_line : d->e->line, field, why);
	if (dp_addr_set_find(seen, &d->e->cfg.ip, (int)out->n - 1, true, entry_ip, out->v) >= 0)
		return bad(err, errlen, name, d->e->line, "ip", "duplicate protected ip");
	d->e = NULL;
	return 0;
}

int dp_hosts_parse_wire(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen)
{
	struct dp_host_draft d = { 0 };
	struct dp_addr_set seen = { 0 };
	struct dp_filter_memo memo = { 0 };
	char *text = malloc(len + 1), *p = text, *line, why[400];
	unsigned records = 0;
	int rc = 0, ln = 0;

	memset(out, 0, sizeof(*out));
	if (!text)
		return -ENOMEM;
	memcpy(text, buf, len);
	text[len] = 0;
	/* one allocation for every record: each starts with its ip= line */
	for (const char *q = text; (q = strstr(q, "ip=")); q += 3)
		records += q == text || q[-1] == '\n';
	out->v = calloc(records + 1, sizeof(*out->v));
	if (!out->v || dp_addr_set_init(&seen, records) || dp_filter_memo_init(&memo)) {
		rc = -ENOMEM;
		goto out_free;
	}
	while ((line = next_line(&p, text + len))) {
		char *eq = strchr(line, '=');
		const char *field, *why_bad;
		enum dp_host_key k;

		ln++;
		if (!*line)
			continue;
		if (!eq) {
			rc = bad(err, errlen, name, ln, line, "expected key=value");
			goto out_free;
		}
		*eq = 0;
		k = dp_host_key_find(line);
		if (k == DP_HK_ip) {
			if ((rc = close_record(&d, out, &seen, name, err, errlen)))
				goto out_free;
			dp_host_draft_init(&d, &out->v[out->n++], ln, &memo);
		} else if (!d.e) {
			rc = bad(err, errlen, name, ln, "ip", "every host record starts with its ip= line");
			goto out_free;
		}
		if (k != DP_HK_MAX && dp_host_keys[k].scope == DP_SCOPE_CP) {
			rc = bad(err, errlen, name, ln, line,
				 "a control-plane key: the worker protocol never carries it");
			goto out_free;
		}
		if (k == DP_HK_filters) {
			/* "filters=<drop|pass> <pcap expression>", one line per rule in order */
			char *sp = strchr(eq + 1, ' ');

			if (sp)
				*sp = 0;
			why_bad = dp_host_draft_rule(&d, sp ? sp + 1 : "", eq + 1, ln, why, sizeof(why));
			d.seen[k] = true;
			field = "filters";
		} else {
			why_bad = dp_host_draft_set(&d, line, eq + 1, &field, why, sizeof(why));
		}
		if (why_bad) {
			rc = bad(err, errlen, name, ln, field, why_bad);
			goto out_free;
		}
	}
	rc = close_record(&d, out, &seen, name, err, errlen);
out_free:
	if (rc)
		dp_hosts_free(out);
	dp_addr_set_free(&seen);
	dp_filter_memo_free(&memo);
	free(text);
	return rc;
}

static const char *set_secret(struct dp_secrets_file *s, enum dp_secrets_key k, const char *v, int *rule, char *why,
			      size_t whylen)
{
	const struct dp_secrets_key_info *ki = &dp_secrets_keys[k];
	unsigned long long n = 0;
	const char *bad_v = NULL;
	int choice = 0;

	switch (ki->type) {
	case DP_SKT_U64:
		bad_v = dp_value_u64(v, ki->min, ki->max, &n, why, whylen);
		break;
	case DP_SKT_CHOICE:
		choice = dp_value_choice(v, ki->choices);
		if (choice < 0)
			bad_v = dp_value_choice_why(ki->choices, why, whylen);
		break;
	default:
		break;
	}
	if (bad_v)
		return bad_v;
	switch (k) {
	case DP_SK_ip:
		return NULL; /* the record's key, handled by the caller */
	case DP_SK_age_ms:
		s->clock.local_ns = n * 1000000ull; /* the age for now; placed on the local clock at the end */
		return NULL;
	case DP_SK_jiffies:
		s->clock.jiffies = n;
		return NULL;
	case DP_SK_cookie_count:
		s->clock.count = (uint32_t)n;
		return NULL;
	case DP_SK_hz:
		s->clock.hz = (uint32_t)n;
		return NULL;
	case DP_SK_tcp_clock_ms:
		s->clock.tcp_clock_ms = n;
		return NULL;
	case DP_SK_secret0:
	case DP_SK_secret1:
		return dp_value_sipkey(v, s->secrets.v4[k - DP_SK_secret0]);
	case DP_SK_secret6_0:
	case DP_SK_secret6_1:
		return dp_value_sipkey(v, s->secrets.v6[k - DP_SK_secret6_0]);
	case DP_SK_ts_offset_rule:
		*rule = choice == 0 ? DP_TS_PRE2026 : DP_TS_2026; /* choices: ts_secret|net_secret */
		return NULL;
	case DP_SK_ts_offset_secret:
		return dp_value_sipkey(v, s->secrets.ts);
	case DP_SK_tcp_syncookies:
		s->sysctl.syncookies = (uint8_t)n;
		return NULL;
	case DP_SK_tcp_timestamps:
		s->sysctl.timestamps = (uint8_t)n;
		return NULL;
	case DP_SK_tcp_sack:
		s->sysctl.sack = (uint8_t)n;
		return NULL;
	case DP_SK_tcp_window_scaling:
		s->sysctl.window_scaling = (uint8_t)n;
		return NULL;
	case DP_SK_tcp_ecn:
		s->sysctl.ecn = (uint8_t)n;
		return NULL;
	case DP_SK_overflow_hook:
		snprintf(s->overflow_hook, sizeof(s->overflow_hook), "%s", v);
		return NULL;
	case DP_SK_window:
		s->profile.window = (uint16_t)n;
		return NULL;
	case DP_SK_window_ts:
		s->profile.window_ts = (uint16_t)n;
		return NULL;
	case DP_SK_wscale:
		s->profile.wscale = (uint8_t)n;
		return NULL;
	case DP_SK_port: {
		unsigned port, window, window_ts, wscale;
		int end = 0;

		if (sscanf(v, "%5u:%5u:%5u:%2u%n", &port, &window, &window_ts, &wscale, &end) != 4 || v[end] || !port ||
		    port > 65535 || !window || window > 65535 || !window_ts || window_ts > 65535 || wscale > 14)
			return "expected <port 1..65535>:<window 1..65535>:<window_ts 1..65535>:<wscale 0..14>";
		if (s->profile.n_ports == ki->max) {
			snprintf(why, whylen, "more than %llu listener ports", ki->max);
			return why;
		}
		for (unsigned i = 0; i < s->profile.n_ports; i++)
			if (s->profile.ports[i].port == port)
				return "the same port twice";
		s->profile.ports[s->profile.n_ports].port = (uint16_t)port;
		s->profile.ports[s->profile.n_ports].window = (uint16_t)window;
		s->profile.ports[s->profile.n_ports].window_ts = (uint16_t)window_ts;
		s->profile.ports[s->profile.n_ports].wscale = (uint8_t)wscale;
		s->profile.n_ports++;
		return NULL;
	}
	default:
		return "unhandled key";
	}
}

/* Checks a finished record and places its clock basis: the server's clock was sampled age_ms before now. */
static int close_secrets(struct dp_secrets_file *s, const bool *seen, int rule, int line, uint64_t now, char *err,
			 size_t errlen)
{
	for (unsigned k = 0; k < DP_SK_MAX; k++)
		if (dp_secrets_keys[k].required && !seen[k])
			return bad(err, errlen, NULL, line, dp_secrets_keys[k].name, "missing");
	if (seen[DP_SK_secret6_0] != seen[DP_SK_secret6_1])
		return bad(err, errlen, NULL, line, seen[DP_SK_secret6_0] ? "secret6_1" : "secret6_0",
			   "missing: the IPv6 secrets come as a pair");
	if (seen[DP_SK_ts_offset_secret] && rule < 0)
		return bad(err, errlen, NULL, line, "ts_offset_rule", "missing: the offset secret needs its rule");
	s->has_v6 = seen[DP_SK_secret6_0];
	s->all_zero = !(s->secrets.v4[0][0] | s->secrets.v4[0][1] | s->secrets.v4[1][0] | s->secrets.v4[1][1]);
	s->ts_mode = s->sysctl.timestamps == 2 || !seen[DP_SK_ts_offset_secret] ? DP_TS_ZERO : (enum dp_ts_mode)rule;
	s->clock.local_ns = now > s->clock.local_ns ? now - s->clock.local_ns : 0; /* local_ns held the age */
	return 0;
}

static void secrets_init(struct dp_secrets_file *s)
{
	memset(s, 0, sizeof(*s));
	s->sysctl = (struct dp_sysctls){ .syncookies = 1, .timestamps = 1, .sack = 1, .window_scaling = 1, .ecn = 2 };
	s->profile.wscale = 0xff;
}

static const struct dp_addr *rec_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_secrets_rec *)ctx)[i].ip;
}

int dp_secrets_parse_wire(const char *buf, size_t len, struct dp_secrets_rec **out, unsigned *n, char *err,
			  size_t errlen)
{
	char *text = malloc(len + 1), *p = text, *line, why[200];
	struct dp_secrets_rec *v = NULL, *r = NULL;
	struct dp_addr_set ips = { 0 };
	bool seen[DP_SK_MAX] = { false };
	int rule = -1, ln = 0, rc = 0, start = 0;
	unsigned records = 0, nr = 0;
	uint64_t now = dp_now_ns();

	*out = NULL;
	*n = 0;
	if (!text)
		return -ENOMEM;
	memcpy(text, buf, len);
	text[len] = 0;
	for (const char *q = text; (q = strstr(q, "ip=")); q += 3)
		records += q == text || q[-1] == '\n';
	v = calloc(records + 1, sizeof(*v));
	if (!v || dp_addr_set_init(&ips, records)) {
		rc = -ENOMEM;
		goto out_free;
	}
	while ((line = next_line(&p, text + len))) {
		char *eq = strchr(line, '=');
		enum dp_secrets_key k;
		const char *why_bad;

		ln++;
		if (!*line)
			continue;
		if (!eq) {
			rc = bad(err, errlen, NULL, ln, line, "expected key=value");
			goto out_free;
		}
		*eq = 0;
		k = dp_secrets_key_find(line);
		if (k == DP_SK_MAX) {
			rc = bad(err, errlen, NULL, ln, line, "unknown key");
			goto out_free;
		}
		if (k == DP_SK_ip) {
			if (r && (rc = close_secrets(&r->file, seen, rule, start, now, err, errlen)))
				goto out_free;
			r = &v[nr++];
			secrets_init(&r->file);
			memset(seen, 0, sizeof(seen));
			rule = -1;
			start = ln;
			if (dp_addr_parse(eq + 1, &r->ip)) {
				rc = bad(err, errlen, NULL, ln, "ip", "expected an IPv4 or IPv6 address");
				goto out_free;
			}
			if (dp_addr_set_find(&ips, &r->ip, (int)nr - 1, true, rec_ip, v) >= 0) {
				rc = bad(err, errlen, NULL, ln, "ip", "the same ip twice in one request");
				goto out_free;
			}
		} else if (!r) {
			rc = bad(err, errlen, NULL, ln, "ip", "every secrets record starts with its ip= line");
			goto out_free;
		}
		if (seen[k] && k != DP_SK_port) {
			rc = bad(err, errlen, NULL, ln, line, "given twice");
			goto out_free;
		}
		seen[k] = true;
		why_bad = k == DP_SK_ip ? NULL : set_secret(&r->file, k, eq + 1, &rule, why, sizeof(why));
		if (why_bad) {
			rc = bad(err, errlen, NULL, ln, line, why_bad);
			goto out_free;
		}
	}
	if (!r)
		rc = bad(err, errlen, NULL, 1, "ip", "no secrets record");
	else
		rc = close_secrets(&r->file, seen, rule, start, now, err, errlen);
out_free:
	explicit_bzero(text, len); /* the request held key material */
	free(text);
	dp_addr_set_free(&ips);
	if (rc) {
		if (v)
			explicit_bzero(v, (records + 1) * sizeof(*v));
		free(v);
		return rc;
	}
	*out = v;
	*n = nr;
	return 0;
}

char *dp_host_render_wire(const struct dp_host_entry *e, uint64_t now_ns, size_t *len)
{
	const struct dp_host_cfg *c = &e->cfg;
	size_t cap = 640 + (e->filters_text ? strlen(e->filters_text) : 0), o = 0;
	char *t = malloc(cap), ip[48];

	if (!t)
		return NULL;
	dp_addr_format(&c->ip, ip, sizeof(ip));
	/* the same keys in the same order as the Java encoder, defaults left out */
	o += (size_t)snprintf(t + o, cap - o, "ip=%s\nmac=%02x:%02x:%02x:%02x:%02x:%02x\n", ip, c->mac[0], c->mac[1],
			      c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
	if (c->flags & DP_HOST_PASSTHROUGH)
		o += (size_t)snprintf(t + o, cap - o, "passthrough=true\n");
	if (e->filters_text)
		o += (size_t)snprintf(t + o, cap - o, "%s", e->filters_text);
	if (c->flags & DP_HOST_NOSECRET_PASS)
		o += (size_t)snprintf(t + o, cap - o, "no_secrets=pass\n");
	if (c->mss)
		o += (size_t)snprintf(t + o, cap - o, "mss=%u\n", c->mss);
	if (c->window)
		o += (size_t)snprintf(t + o, cap - o, "window=%u\n", c->window);
	if (c->wscale != 0xff)
		o += (size_t)snprintf(t + o, cap - o, "wscale=%u\n", c->wscale);
	if (c->opts_off & DP_OPT_OFF_TS)
		o += (size_t)snprintf(t + o, cap - o, "timestamps=false\n");
	if (c->opts_off & DP_OPT_OFF_SACK)
		o += (size_t)snprintf(t + o, cap - o, "sack=false\n");
	if (c->opts_off & DP_OPT_OFF_WSCALE)
		o += (size_t)snprintf(t + o, cap - o, "window_scaling=false\n");
	if (c->opts_off & DP_OPT_OFF_ECN)
		o += (size_t)snprintf(t + o, cap - o, "ecn=false\n");
	if (c->flags & DP_HOST_MD5_PASS)
		o += (size_t)snprintf(t + o, cap - o, "md5=pass\n");
	if (c->ttl != 64)
		o += (size_t)snprintf(t + o, cap - o, "ttl=%u\n", c->ttl);
	if (c->syn_refresh_ms)
		o += (size_t)snprintf(t + o, cap - o, "syn_refresh_ms=%u\n", c->syn_refresh_ms);
	if (c->pickup_until_ns > now_ns) /* what is left of the window, rounded up */
		o += (size_t)snprintf(
			t + o, cap - o, "pickup_s=%llu\n",
			(unsigned long long)((c->pickup_until_ns - now_ns + 999999999ull) / 1000000000ull));
	if (c->cookie_alg == 1)
		o += (size_t)snprintf(t + o, cap - o, "cookie=sha1\n");
	*len = o;
	return t;
}
