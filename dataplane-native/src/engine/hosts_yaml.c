/* hosts_yaml.c: the original syncookied hosts.yml (a YAML list of protected hosts) parsed with libyaml. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine/engine.h"

#define MAX_RULES 256

struct ctx {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const yaml_node_t *node, const char *field, const char *why)
{
	snprintf(c->err, c->errlen, "%s:%zu: %s: %s", c->name, node ? node->start_mark.line + 1 : 0, field, why);
	return -EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_bool(struct ctx *c, const yaml_node_t *v, const char *field, bool *out)
{
	const char *s = scalar(v);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "True")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "False")))
		*out = false;
	else
		return fail(c, v, field, "expected true or false");
	return 0;
}

static int parse_uint(struct ctx *c, const yaml_node_t *v, const char *field, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	const char *s = scalar(v);
	char *end;

	if (!s || !*s || *s == '-')
		return fail(c, v, field, "expected a number");
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out < min || *out > max) {
		char why[80];

		snprintf(why, sizeof(why), "expected a number from %lu to %lu", min, max);
		return fail(c, v, field, why);
	}
	return 0;
}

static int parse_action(struct ctx *c, const yaml_node_t *v, const char *field, enum dp_filter_action *a)
{
	const char *s = scalar(v);

	if (s && !strcmp(s, "drop"))
		*a = DP_FILTER_DROP;
	else if (s && (!strcmp(s, "pass") || !strcmp(s, "accept")))
		*a = DP_FILTER_PASS;
	else
		return fail(c, v, field, "expected drop or pass");
	return 0;
}

/* filters: a mapping "expression: drop|pass" in file order, "default" sets the fallback. */
static int parse_filters(struct ctx *c, const yaml_node_t *map, struct dp_host_entry *e)
{
	struct dp_filter_rule rules[MAX_RULES];
	enum dp_filter_action dflt = DP_FILTER_PASS;
	char perr[256];
	unsigned n = 0;
	int rc;

	if (map->type != YAML_MAPPING_NODE) {
		if (map->type == YAML_SCALAR_NODE && !*scalar(map))
			return 0; /* "filters:" with nothing */
		return fail(c, map, "filters", "expected a mapping of 'pcap expression: drop|pass'");
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *expr = scalar(k);

		if (!expr || !*expr)
			return fail(c, k, "filters", "a rule's key must be a pcap-filter expression");
		if (!strcmp(expr, "default")) {
			rc = parse_action(c, v, "filters.default", &dflt);
			if (rc)
				return rc;
			continue;
		}
		if (n == MAX_RULES)
			return fail(c, k, "filters", "more than 256 rules");
		rules[n].expr = expr;
		rc = parse_action(c, v, "filters", &rules[n].action);
		if (rc)
			return rc;
		n++;
	}
	rc = dp_filter_compile(rules, n, dflt, &e->cfg.filter, perr, sizeof(perr));
	if (rc)
		return fail(c, map, "filters", perr);
	return 0;
}

static int parse_host(struct ctx *c, const yaml_node_t *map, struct dp_host_entry *e)
{
	bool have_ip = false, have_mac = false, b;
	unsigned long v;
	int rc;

	dp_host_cfg_init(&e->cfg);
	e->line = (int)map->start_mark.line + 1;
	if (map->type != YAML_MAPPING_NODE)
		return fail(c, map, "host", "each list item must be a mapping with at least ip and mac");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k), *s = scalar(val);

		if (!key)
			return fail(c, k, "host", "keys must be plain names");
		if (!strcmp(key, "ip")) {
			if (!s || dp_addr_parse(s, &e->cfg.ip))
				return fail(c, val, "ip", "expected an IPv4 or IPv6 address");
			snprintf(e->ip_str, sizeof(e->ip_str), "%s", s);
			have_ip = true;
		} else if (!strcmp(key, "mac")) {
			if (!s || dp_mac_parse(s, e->cfg.mac))
				return fail(c, val, "mac", "expected a MAC address like 0c:c4:7a:6a:fa:bf");
			have_mac = true;
		} else if (!strcmp(key, "secrets_addr") || !strcmp(key, "local_addr")) {
			if (!s)
				return fail(c, val, key, "expected host:port");
			/* the agent's address: the control plane fetches secrets; the dataplane reads --secrets-dir */
		} else if (!strcmp(key, "passthrough")) {
			if ((rc = parse_bool(c, val, key, &b)))
				return rc;
			if (b)
				e->cfg.flags |= DP_HOST_PASSTHROUGH;
		} else if (!strcmp(key, "no_secrets")) {
			enum dp_filter_action a;

			if ((rc = parse_action(c, val, key, &a)))
				return rc;
			if (a == DP_FILTER_PASS)
				e->cfg.flags |= DP_HOST_NOSECRET_PASS;
		} else if (!strcmp(key, "filters")) {
			if ((rc = parse_filters(c, val, e)))
				return rc;
		} else if (!strcmp(key, "mss")) {
			if ((rc = parse_uint(c, val, key, 536, 65495, &v)))
				return rc;
			e->cfg.mss = (uint16_t)v;
		} else if (!strcmp(key, "window")) {
			if ((rc = parse_uint(c, val, key, 1, 65535, &v)))
				return rc;
			e->cfg.window = (uint16_t)v;
		} else if (!strcmp(key, "wscale")) {
			if ((rc = parse_uint(c, val, key, 0, 14, &v)))
				return rc;
			e->cfg.wscale = (uint8_t)v;
		} else if (!strcmp(key, "ttl")) {
			if ((rc = parse_uint(c, val, key, 1, 255, &v)))
				return rc;
			e->cfg.ttl = (uint8_t)v;
		} else if (!strcmp(key, "syn_refresh_ms")) {
			if ((rc = parse_uint(c, val, key, 0, 3600000, &v)))
				return rc;
			e->cfg.syn_refresh_ms = (uint32_t)v;
		} else if (!strcmp(key, "pickup_s")) {
			/* The window opens when the host is received (loaded or HOST_SET): a re-set restarts it. */
			if ((rc = parse_uint(c, val, key, 0, 3600, &v)))
				return rc;
			e->cfg.pickup_until_ns = v ? dp_now_ns() + (uint64_t)v * 1000000000ull : 0;
		} else if (!strcmp(key, "cookie")) {
			if (s && !strcmp(s, "siphash"))
				e->cfg.cookie_alg = 0;
			else if (s && !strcmp(s, "sha1"))
				e->cfg.cookie_alg = 1;
			else
				return fail(c, val, key, "expected siphash or sha1");
		} else {
			return fail(c, k, key,
				    "unknown key (known: ip, mac, secrets_addr, local_addr, passthrough, filters, mss, "
				    "window, wscale, ttl, cookie, no_secrets, syn_refresh_ms, pickup_s)");
		}
	}
	if (!have_ip)
		return fail(c, map, "ip", "missing (every host needs its protected ip)");
	if (!have_mac)
		return fail(c, map, "mac", "missing (every host needs the server's mac)");
	return 0;
}

void dp_hosts_free(struct dp_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++)
		dp_filter_put(h->v[i].cfg.filter);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

int dp_hosts_parse(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = { &doc, name, err, errlen };
	yaml_node_t *root;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu: yaml: %s %s", name, parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "syntax error", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) /* empty file: no hosts */
		goto out_delete_doc;
	if (root->type != YAML_SEQUENCE_NODE) {
		rc = fail(&c, root, "hosts", "the file must be a YAML list of hosts ('- ip: ...')");
		goto out_delete_doc;
	}
	out->v = calloc((size_t)(root->data.sequence.items.top - root->data.sequence.items.start) + 1,
			sizeof(*out->v));
	if (!out->v) {
		rc = -ENOMEM;
		goto out_delete_doc;
	}
	for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		struct dp_host_entry *e = &out->v[out->n];

		rc = parse_host(&c, yaml_document_get_node(&doc, *it), e);
		out->n++; /* counted even on failure so that dp_hosts_free releases its filter */
		if (rc)
			goto out_free_hosts;
		for (unsigned j = 0; j + 1 < out->n; j++)
			if (!memcmp(&out->v[j].cfg.ip, &e->cfg.ip, sizeof(e->cfg.ip))) {
				rc = fail(&c, yaml_document_get_node(&doc, *it), "ip", "duplicate protected ip");
				goto out_free_hosts;
			}
	}
	goto out_delete_doc;
out_free_hosts:
	dp_hosts_free(out);
out_delete_doc:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int dp_hosts_load(const char *path, struct dp_hosts *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		snprintf(err, errlen, "%s: read failed", path);
		return -EIO;
	}
	fclose(f);
	rc = dp_hosts_parse(buf, (size_t)len, path, out, err, errlen);
	free(buf);
	return rc;
}
