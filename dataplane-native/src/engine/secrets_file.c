/* secrets_file.c: parser of the /proc/tcp_secrets text (kernel module, agent, --secrets-dir files). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define SHA1_WORDS 17

struct cursor {
	const char *p, *end;
	int line;
};

/* Next line without its newline, in buf; false at the end. */
static bool next_line(struct cursor *c, char *buf, size_t cap)
{
	size_t n = 0;

	if (c->p >= c->end)
		return false;
	while (c->p < c->end && *c->p != '\n') {
		if (n + 1 < cap)
			buf[n++] = *c->p;
		c->p++;
	}
	if (c->p < c->end)
		c->p++;
	while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = 0;
	c->line++;
	return true;
}

static int bad(char *err, size_t errlen, int line, const char *field, const char *why)
{
	snprintf(err, errlen, "line %d: %s: %s", line, field, why);
	return -EINVAL;
}

/* "<hex>.<hex>." into words; returns how many words, or -1 on a malformed word. */
static int dotted_words(const char *s, uint64_t *w, int max, int digits)
{
	int n = 0;

	while (*s) {
		char *end;
		const char *dot = strchr(s, '.');

		if (!dot || dot - s != digits || n == max)
			return -1;
		for (const char *q = s; q < dot; q++)
			if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))
				return -1;
		w[n++] = strtoull(s, &end, 16);
		s = dot + 1;
		while (*s == ' ')
			s++;
	}
	return n;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int key_line(const char *val, uint64_t key[2], char *err, size_t errlen, int line, const char *field)
{
	uint64_t w[2];

	if (dotted_words(val, w, 2, 16) != 2)
		return bad(err, errlen, line, field, "expected two 16-hex-digit words each followed by '.'");
	key[0] = w[0];
	key[1] = w[1];
	return 0;
}

static int parse_sysctl(const char *val, uint8_t *out, int line, const char *field, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(val, &v) || v > 255)
		return bad(err, errlen, line, field, "expected a small decimal number");
	*out = (uint8_t)v;
	return 0;
}

/* The `key value` lines after the secret slots (format 2). */
static int parse_kv(struct dp_secrets_file *s, const char *key, const char *val, int line, bool *rule_net,
		    bool *rule_ts, bool *have_ts_key, char *err, size_t errlen)
{
	if (!strcmp(key, "format"))
		return 0;
	if (!strcmp(key, "syncookie6_secret0") || !strcmp(key, "syncookie6_secret1")) {
		s->has_v6 = true;
		return key_line(val, s->secrets.v6[key[17] - '0'], err, errlen, line, key);
	}
	if (!strcmp(key, "tcp_clock_ms")) {
		if (parse_u64(val, &s->clock.tcp_clock_ms))
			return bad(err, errlen, line, key, "expected a decimal u64");
		return 0;
	}
	if (!strcmp(key, "ts_offset_rule")) {
		*rule_net = !strcmp(val, "net_secret");
		*rule_ts = !strcmp(val, "ts_secret");
		if (!*rule_net && !*rule_ts)
			return bad(err, errlen, line, key, "expected net_secret or ts_secret");
		return 0;
	}
	if (!strcmp(key, "net_secret") || !strcmp(key, "ts_secret")) {
		*have_ts_key = true;
		return key_line(val, s->secrets.ts, err, errlen, line, key);
	}
	if (!strcmp(key, "tcp_syncookies"))
		return parse_sysctl(val, &s->sysctl.syncookies, line, key, err, errlen);
	if (!strcmp(key, "tcp_timestamps"))
		return parse_sysctl(val, &s->sysctl.timestamps, line, key, err, errlen);
	if (!strcmp(key, "tcp_sack"))
		return parse_sysctl(val, &s->sysctl.sack, line, key, err, errlen);
	if (!strcmp(key, "tcp_window_scaling"))
		return parse_sysctl(val, &s->sysctl.window_scaling, line, key, err, errlen);
	if (!strcmp(key, "tcp_ecn"))
		return parse_sysctl(val, &s->sysctl.ecn, line, key, err, errlen);
	if (!strcmp(key, "overflow_hook")) {
		snprintf(s->overflow_hook, sizeof(s->overflow_hook), "%s", val);
		return 0;
	}
	return 0; /* unknown key: forward compatible */
}

int dp_secrets_parse(const char *text, size_t len, uint64_t sample_age_ns, struct dp_secrets_file *s, char *err,
		     size_t errlen)
{
	struct cursor c = { text, text + len, 0 };
	char buf[512];
	uint64_t jiffies, count, hz, w[SHA1_WORDS];
	bool rule_net = false, rule_ts = false, have_ts_key = false, nonzero = false;
	int i, n, rc;
	uint64_t now = dp_now_ns();

	memset(s, 0, sizeof(*s));
	s->sysctl = (struct dp_sysctls){ .syncookies = 1, .timestamps = 1, .sack = 1, .window_scaling = 1, .ecn = 2 };
	s->profile.wscale = 0xff; /* the /proc text has no SYN-ACK window report: the hosts.yml or the defaults apply */
	if (!next_line(&c, buf, sizeof(buf)))
		return bad(err, errlen, 1, "header", "empty secrets text");
	if (sscanf(buf, "%" SCNu64 " %" SCNu64 " %" SCNu64 "%n", &jiffies, &count, &hz, &n) != 3 || buf[n])
		return bad(err, errlen, c.line, "header", "expected '<jiffies> <count> <HZ>'");
	if (hz == 0 || hz > 100000)
		return bad(err, errlen, c.line, "HZ", "out of range");
	s->clock.jiffies = jiffies;
	s->clock.count = (uint32_t)count;
	s->clock.hz = (uint32_t)hz;
	s->clock.local_ns = now > sample_age_ns ? now - sample_age_ns : 0;
	for (i = 0; i < 2; i++) {
		const char *field = i ? "syncookie_secret1" : "syncookie_secret0";

		if (!next_line(&c, buf, sizeof(buf)))
			return bad(err, errlen, c.line + 1, field, "missing secret line");
		n = dotted_words(buf, w, SHA1_WORDS, 16);
		if (n == 2) {
			s->secrets.v4[i][0] = w[0];
			s->secrets.v4[i][1] = w[1];
			nonzero |= w[0] || w[1];
			continue;
		}
		n = dotted_words(buf, w, SHA1_WORDS, 8);
		if (n != SHA1_WORDS)
			return bad(
				err, errlen, c.line, field,
				"expected two 16-hex-digit words (SipHash) or 17 8-hex-digit words (SHA-1), each followed by '.'");
		s->cookie_alg = 1;
		for (int k = 0; k < SHA1_WORDS; k++) {
			s->secrets.sha1[i][k] = (uint32_t)w[k];
			nonzero |= w[k] != 0;
		}
	}
	while (next_line(&c, buf, sizeof(buf))) {
		char *val;

		if (!buf[0] || buf[0] == '#')
			continue;
		val = strchr(buf, ' ');
		if (!val)
			return bad(err, errlen, c.line, buf, "expected '<key> <value>'");
		*val++ = 0;
		while (*val == ' ')
			val++;
		rc = parse_kv(s, buf, val, c.line, &rule_net, &rule_ts, &have_ts_key, err, errlen);
		if (rc)
			return rc;
	}
	s->all_zero = !nonzero;
	if (s->sysctl.timestamps == 2 || !have_ts_key)
		s->ts_mode = DP_TS_ZERO;
	else
		s->ts_mode = rule_ts ? DP_TS_PRE2026 : DP_TS_2026;
	if (have_ts_key && !rule_net && !rule_ts)
		s->ts_mode = DP_TS_2026; /* a net_secret without a rule line: the rule is implied by the key name */
	/* 3-line format: no tcp_clock_ms. The jiffies are not the TCP clock (CLOCK_MONOTONIC ms since 4.13), so the
	 * clock stays 0 and the core answers with MSS only rather than with a TSval the server would contradict. */
	return 0;
}

void dp_secrets_apply(const struct dp_secrets_file *s, struct dp_host_cfg *h)
{
	h->cur = s->secrets;
	h->clock = s->clock;
	h->sysctl = s->sysctl;
	h->ts_mode = s->ts_mode;
	h->cookie_alg = s->cookie_alg;
	h->profile = s->profile;
	if (s->all_zero)
		h->flags &= (uint8_t)~DP_HOST_SECRETS_VALID; /* lazy kernel init: these keys answer nothing */
	else
		h->flags |= DP_HOST_SECRETS_VALID;
}
