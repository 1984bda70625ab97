/* host_record.c: builds one host entry from the keys of host_schema.h, for hosts.yml and the worker protocol alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"

_Static_assert(DP_HK_MAX <= sizeof(((struct dp_host_draft *)0)->seen), "dp_host_draft.seen too small");

void dp_host_draft_init(struct dp_host_draft *d, struct dp_host_entry *e, int line, struct dp_filter_memo *memo)
{
	memset(d, 0, sizeof(*d));
	memset(e, 0, sizeof(*e));
	dp_host_cfg_init(&e->cfg);
	e->line = line;
	d->e = e;
	d->dflt = DP_FILTER_PASS;
	d->memo = memo;
}

int dp_filter_memo_init(struct dp_filter_memo *m)
{
	m->n = 0;
	m->mask = 63;
	m->slot = calloc(m->mask + 1, sizeof(*m->slot));
	return m->slot ? 0 : -ENOMEM;
}

void dp_filter_memo_free(struct dp_filter_memo *m)
{
	free(m->slot); /* the filters belong to the entries */
	m->slot = NULL;
}

static uint32_t text_hash(const char *t)
{
	uint32_t h = 2166136261u;

	while (*t)
		h = (h ^ (uint8_t)*t++) * 16777619u;
	return h;
}

static struct dp_memo_slot *memo_find(struct dp_filter_memo *m, const char *text)
{
	uint32_t i = text_hash(text) & m->mask;

	while (m->slot[i].text && strcmp(m->slot[i].text, text))
		i = (i + 1) & m->mask;
	return &m->slot[i];
}

/* Remembers f under text (best effort: a full memo that cannot grow only compiles more). */
static void memo_add(struct dp_filter_memo *m, const char *text, struct dp_filter *f)
{
	if (2 * (m->n + 1) > m->mask + 1) {
		struct dp_filter_memo bigger = { .mask = 2 * m->mask + 1 };

		bigger.slot = calloc(bigger.mask + 1, sizeof(*bigger.slot));
		if (!bigger.slot)
			return;
		for (uint32_t i = 0; i <= m->mask; i++)
			if (m->slot[i].text)
				*memo_find(&bigger, m->slot[i].text) = m->slot[i];
		bigger.n = m->n;
		free(m->slot);
		*m = bigger;
	}
	*memo_find(m, text) = (struct dp_memo_slot){ text, f };
	m->n++;
}

static void set_flag(uint8_t *flags, uint8_t bit, bool on)
{
	if (on)
		*flags |= bit;
	else
		*flags &= (uint8_t)~bit;
}

/* The value is valid for its type: stores it. Only keys the dataplane uses (scope DP) get here. */
static void store(struct dp_host_cfg *c, enum dp_host_key k, unsigned long long n, bool b, int choice)
{
	switch (k) {
	case DP_HK_passthrough:
		set_flag(&c->flags, DP_HOST_PASSTHROUGH, b);
		break;
	case DP_HK_no_secrets:
		set_flag(&c->flags, DP_HOST_NOSECRET_PASS, choice == 1);
		break;
	case DP_HK_md5:
		set_flag(&c->flags, DP_HOST_MD5_PASS, choice == 1);
		break;
	case DP_HK_mss:
		c->mss = (uint16_t)n;
		break;
	case DP_HK_window:
		c->window = (uint16_t)n;
		break;
	case DP_HK_wscale:
		c->wscale = (uint8_t)n;
		break;
	case DP_HK_timestamps:
		set_flag(&c->opts_off, DP_OPT_OFF_TS, !b);
		break;
	case DP_HK_sack:
		set_flag(&c->opts_off, DP_OPT_OFF_SACK, !b);
		break;
	case DP_HK_window_scaling:
		set_flag(&c->opts_off, DP_OPT_OFF_WSCALE, !b);
		break;
	case DP_HK_ecn:
		set_flag(&c->opts_off, DP_OPT_OFF_ECN, !b);
		break;
	case DP_HK_ttl:
		c->ttl = (uint8_t)n;
		break;
	case DP_HK_syn_refresh_ms:
		c->syn_refresh_ms = (uint32_t)n;
		break;
	case DP_HK_pickup_s:
		/* the window opens when the host is received (loaded or set): receiving it again restarts it */
		c->pickup_until_ns = n ? dp_now_ns() + n * 1000000000ull : 0;
		break;
	case DP_HK_cookie:
		c->cookie_alg = (uint8_t)choice;
		break;
	default:
		break;
	}
}

static const char *known_keys(char *why, size_t whylen)
{
	size_t o = (size_t)snprintf(why, whylen, "unknown key (known:");

	for (unsigned k = 0; k < DP_HK_MAX && o < whylen; k++)
		o += (size_t)snprintf(why + o, whylen - o, " %s", dp_host_keys[k].name);
	if (o < whylen)
		snprintf(why + o, whylen - o, ")");
	return why;
}

const char *dp_host_draft_set(struct dp_host_draft *d, const char *name, const char *value, const char **field,
			      char *why, size_t whylen)
{
	enum dp_host_key k = dp_host_key_find(name);
	const struct dp_host_key_info *ki;
	struct dp_host_cfg *c = &d->e->cfg;
	unsigned long long n = 0;
	const char *bad = NULL;
	bool b = false;
	int choice = 0;

	*field = name;
	if (k == DP_HK_MAX)
		return known_keys(why, whylen);
	ki = &dp_host_keys[k];
	*field = ki->name;
	if (d->seen[k])
		return "given twice";
	d->seen[k] = true;
	if (ki->scope == DP_SCOPE_CP)
		return NULL; /* the control plane's key: one hosts.yml serves both programs */
	switch (ki->type) {
	case DP_KT_ADDR:
		if ((bad = dp_value_host_addr(value, &c->ip)))
			return bad;
		snprintf(d->e->ip_str, sizeof(d->e->ip_str), "%s", value);
		return NULL;
	case DP_KT_MAC:
		return dp_value_unicast_mac(value, c->mac);
	case DP_KT_BOOL:
		bad = dp_value_bool(value, &b);
		break;
	case DP_KT_UINT:
		bad = dp_value_u64(value, ki->min, ki->max, &n, why, whylen);
		break;
	case DP_KT_CHOICE:
		choice = dp_value_choice(value, ki->choices);
		if (choice < 0)
			bad = dp_value_choice_why(ki->choices, why, whylen);
		break;
	default:
		return "expected a structured value, not a single one";
	}
	if (bad)
		return bad;
	store(c, k, n, b, choice);
	return NULL;
}

const char *dp_host_draft_rule(struct dp_host_draft *d, const char *expr, const char *action, int line, char *why,
			       size_t whylen)
{
	const struct dp_host_key_info *ki = &dp_host_keys[DP_HK_filters];
	int a = dp_value_choice(action, ki->choices);

	d->have_filters = true;
	if (a < 0)
		return dp_value_choice_why(ki->choices, why, whylen);
	if (!*expr)
		return "a rule's expression must not be empty";
	if (!strcmp(expr, "default")) {
		d->dflt = a ? DP_FILTER_PASS : DP_FILTER_DROP;
		return NULL;
	}
	if (d->n_rules == ki->max) {
		snprintf(why, whylen, "more than %lu rules", ki->max);
		return why;
	}
	d->rules[d->n_rules].expr = expr;
	d->rules[d->n_rules].action = a ? DP_FILTER_PASS : DP_FILTER_DROP;
	d->rule_line[d->n_rules] = line;
	d->n_rules++;
	return NULL;
}

/* Keeps the rules' text for HOST_GET (the compiled programs cannot be printed back). */
static int keep_rules(struct dp_host_draft *d)
{
	size_t len = 32, o = 0;
	char *t;

	for (unsigned i = 0; i < d->n_rules; i++)
		len += strlen(d->rules[i].expr) + 24;
	t = malloc(len);
	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < d->n_rules; i++)
		o += (size_t)snprintf(t + o, len - o, "filters=%s %s\n",
				      d->rules[i].action == DP_FILTER_DROP ? "drop" : "pass", d->rules[i].expr);
	if (d->dflt == DP_FILTER_DROP)
		snprintf(t + o, len - o, "filters=drop default\n");
	d->e->filters_text = t;
	return 0;
}

const char *dp_host_draft_finish(struct dp_host_draft *d, const char **field, char *why, size_t whylen)
{
	*field = "ip";
	if (!d->seen[DP_HK_ip])
		return "missing (every host needs its protected ip)";
	*field = "mac";
	if (!d->seen[DP_HK_mac])
		return "missing (every host needs the server's mac)";
	*field = "filters";
	/* "filters:" with no rule and the default pass needs no program: a NULL filter passes everything */
	if (!d->have_filters || (!d->n_rules && d->dflt == DP_FILTER_PASS))
		return NULL;
	if (keep_rules(d))
		return "out of memory";
	if (d->memo && d->memo->slot) {
		struct dp_memo_slot *hit = memo_find(d->memo, d->e->filters_text);

		if (hit->text) {
			d->e->cfg.filter = dp_filter_get(hit->f);
			return NULL;
		}
	}
	if (!dp_filter_compile(d->rules, d->n_rules, d->dflt, &d->e->cfg.filter, why, whylen)) {
		if (d->memo && d->memo->slot)
			memo_add(d->memo, d->e->filters_text, d->e->cfg.filter);
		return NULL;
	}
	/* name the rule at fault and where it was written (only on this error path: each rule compiled again) */
	for (unsigned i = 0; i < d->n_rules; i++)
		if (dp_filter_check(d->rules[i].expr, why, whylen)) {
			d->bad_line = d->rule_line[i];
			break;
		}
	return why;
}

int dp_addr_set_init(struct dp_addr_set *s, unsigned n)
{
	uint32_t size = 16;

	while (size < 2 * (uint64_t)n)
		size <<= 1;
	s->slot = calloc(size, sizeof(*s->slot));
	s->mask = size - 1;
	return s->slot ? 0 : -ENOMEM;
}

void dp_addr_set_free(struct dp_addr_set *s)
{
	free(s->slot);
	s->slot = NULL;
}

static uint32_t addr_hash(const struct dp_addr *a)
{
	uint64_t h = 0xcbf29ce484222325ull ^ a->family;

	for (unsigned i = 0; i < (a->family == 4 ? 4u : 16u); i++)
		h = (h ^ a->a[i]) * 0x100000001b3ull; /* FNV-1a: the set is built once per request, not per packet */
	return (uint32_t)(h ^ h >> 32);
}

int dp_addr_set_find(struct dp_addr_set *s, const struct dp_addr *ip, int idx, bool add,
		     const struct dp_addr *(*at)(const void *ctx, unsigned i), const void *ctx)
{
	for (uint32_t i = addr_hash(ip) & s->mask;; i = (i + 1) & s->mask) {
		const struct dp_addr *o;

		if (!s->slot[i]) {
			if (add)
				s->slot[i] = (uint32_t)idx + 1;
			return -1;
		}
		o = at(ctx, s->slot[i] - 1);
		if (o->family == ip->family && !memcmp(o->a, ip->a, 16))
			return (int)s->slot[i] - 1;
	}
}

void dp_host_entry_release(struct dp_host_entry *e)
{
	dp_filter_put(e->cfg.filter);
	free(e->filters_text);
	e->cfg.filter = NULL;
	e->filters_text = NULL;
}

int dp_host_entry_copy(struct dp_host_entry *dst, const struct dp_host_entry *src)
{
	*dst = *src;
	dst->filters_text = src->filters_text ? strdup(src->filters_text) : NULL;
	if (src->filters_text && !dst->filters_text)
		return -ENOMEM;
	dp_filter_get(dst->cfg.filter);
	return 0;
}
