/* hosts_yaml.c: hosts.yml (the original syncookied's YAML list of hosts, keys of host_schema.h) parsed with libyaml,
 * with host groups: a list item with a cidr key gives its keys to every listed host inside the prefix (the host's own
 * value first, then the most specific group's). docs/operations.md, "Host groups", states the rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine/schema.h"

struct ctx {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail_at(struct ctx *c, int line, const char *field, const char *why)
{
	snprintf(c->err, c->errlen, "%s:%d: %s: %s", c->name, line, field, why);
	return -EINVAL;
}

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* filters: a mapping "expression: drop|pass" in file order; "filters:" with nothing means none. */
static int parse_filters(struct ctx *c, struct dp_host_draft *d, const yaml_node_t *map)
{
	char why[256];

	if (map->type != YAML_MAPPING_NODE) {
		if (map->type == YAML_SCALAR_NODE && !*scalar(map)) {
			d->have_filters = true;
			return 0;
		}
		return fail_at(c, line_of(map), "filters", "expected a mapping of 'pcap expression: drop|pass'");
	}
	d->have_filters = true;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *expr = scalar(k), *action = scalar(v), *bad;

		if (!expr || !action)
			return fail_at(c, line_of(k), "filters", "each rule is 'pcap expression: drop|pass'");
		bad = dp_host_draft_rule(d, expr, action, line_of(k), why, sizeof(why));
		if (bad)
			return fail_at(c, line_of(k), "filters", bad);
	}
	return 0;
}

/* How a mapping's keys are applied to a draft. */
enum apply_mode {
	APPLY_HOST,   /* a host's own keys: each may appear once */
	APPLY_GROUP,  /* a group's keys, checked on a scratch draft: as a host's, but no ip and the cidr skipped */
	APPLY_INHERIT /* a group's keys given to a member: only those it has not got (it and tighter groups win) */
};

static int apply_keys(struct ctx *c, struct dp_host_draft *d, const yaml_node_t *map, enum apply_mode mode)
{
	const char *field, *bad;
	unsigned cidr_seen = 0;
	char why[512];
	int rc;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k), *val = scalar(v);
		enum dp_host_key hk;

		if (!key)
			return fail_at(c, line_of(k), "host", "keys must be plain names");
		if (mode != APPLY_HOST && !strcmp(key, "cidr")) {
			if (mode == APPLY_GROUP && cidr_seen++)
				return fail_at(c, line_of(k), key, "given twice");
			continue;
		}
		hk = dp_host_key_find(key);
		if (mode == APPLY_GROUP && hk == DP_HK_ip)
			return fail_at(c, line_of(k), key,
				       "a group has no ip of its own: list each protected host as its own entry");
		if (mode == APPLY_INHERIT && hk < DP_HK_MAX && d->seen[hk])
			continue;
		if (hk == DP_HK_filters) {
			if (d->seen[hk])
				return fail_at(c, line_of(k), key, "given twice");
			d->seen[hk] = true;
			if ((rc = parse_filters(c, d, v)))
				return rc;
			continue;
		}
		/* a control-plane key may hold a mapping (detection, diversion): its value is not the dataplane's */
		if (!val && (hk == DP_HK_MAX || dp_host_keys[hk].scope == DP_SCOPE_DP))
			return fail_at(c, line_of(v), key, "expected a single value");
		bad = dp_host_draft_set(d, key, val ? val : "", &field, why, sizeof(why));
		if (bad)
			return fail_at(c, line_of(hk == DP_HK_MAX || !strcmp(bad, "given twice") ? k : v), field, bad);
	}
	return 0;
}

/* A host group: a list item with a cidr key. Its keys go to every listed host inside the prefix. */
struct group {
	struct dp_addr net;
	unsigned len;
	int line;
	const yaml_node_t *map;
};

/* The value node of key in a mapping, or NULL. */
static const yaml_node_t *value_of(struct ctx *c, const yaml_node_t *map, const char *key, const yaml_node_t **k)
{
	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *name = scalar(yaml_document_get_node(c->doc, p->key));

		if (name && !strcmp(name, key)) {
			*k = yaml_document_get_node(c->doc, p->key);
			return yaml_document_get_node(c->doc, p->value);
		}
	}
	return NULL;
}

/* Reads a group's prefix and checks its keys as a host's would be, so that a bad value in a group is refused even
 * while no host is listed in it. */
static int parse_group(struct ctx *c, const yaml_node_t *map, const yaml_node_t *cidr, struct group *g)
{
	struct dp_host_entry scratch;
	struct dp_host_draft d;
	const char *field, *bad;
	char why[512];
	int rc;

	g->line = line_of(map);
	g->map = map;
	if (!scalar(cidr))
		return fail_at(c, line_of(cidr), "cidr", "expected a single value");
	if ((bad = dp_value_prefix(scalar(cidr), &g->net, &g->len, why, sizeof(why))))
		return fail_at(c, line_of(cidr), "cidr", bad);
	dp_host_draft_init(&d, &scratch, g->line, NULL);
	rc = apply_keys(c, &d, map, APPLY_GROUP);
	if (!rc) {
		d.seen[DP_HK_ip] = d.seen[DP_HK_mac] = true; /* the members bring them (mac: when the group has none) */
		if ((bad = dp_host_draft_finish(&d, &field, why, sizeof(why))))
			rc = fail_at(c, d.bad_line ? d.bad_line : g->line, field, bad);
	}
	dp_host_entry_release(&scratch);
	return rc;
}

/* Longest prefix first, so that a member meets its most specific group first; then by address, then file order. */
static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int r;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	if (x->net.family != y->net.family)
		return x->net.family < y->net.family ? -1 : 1;
	r = memcmp(x->net.a, y->net.a, 16);
	return r ? r : x->line - y->line;
}

/* Sorts the groups and refuses a prefix given twice, at the first entry (in file order) that repeats one. */
static int index_groups(struct ctx *c, struct group *v, unsigned n)
{
	const struct group *dup = NULL;
	char text[64], why[160];

	qsort(v, n, sizeof(*v), group_cmp);
	for (unsigned i = 1; i < n; i++)
		if (v[i].len == v[i - 1].len && v[i].net.family == v[i - 1].net.family &&
		    !memcmp(v[i].net.a, v[i - 1].net.a, 16) && (!dup || v[i].line < dup->line))
			dup = &v[i];
	if (!dup)
		return 0;
	dp_addr_format(&dup->net, text, sizeof(text));
	snprintf(why, sizeof(why), "%s/%u is already a group at line %d", text, dup->len, dup[-1].line);
	return fail_at(c, dup->line, "cidr", why);
}

/* Gives a host the keys of every group its ip lies in, most specific first. Groups of one length and family form
 * one run of the sorted array, searched by halving: a host costs one search per distinct prefix length. */
static int inherit_groups(struct ctx *c, struct dp_host_draft *d, const struct group *v, unsigned n)
{
	const struct dp_addr *ip = &d->e->cfg.ip;
	int rc;

	for (unsigned run = 0, end; run < n; run = end) {
		unsigned lo = run, hi;
		struct dp_addr key;

		for (end = run + 1; end < n && v[end].len == v[run].len && v[end].net.family == v[run].net.family;
		     end++)
			;
		if (v[run].net.family != ip->family)
			continue;
		key = dp_addr_masked(ip, v[run].len);
		for (hi = end; lo < hi;) { /* the first group of the run whose network is not below the key */
			unsigned mid = lo + (hi - lo) / 2;

			if (memcmp(v[mid].net.a, key.a, 16) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < end && !memcmp(v[lo].net.a, key.a, 16) && (rc = apply_keys(c, d, v[lo].map, APPLY_INHERIT)))
			return rc;
	}
	return 0;
}

static int parse_host(struct ctx *c, const yaml_node_t *map, struct dp_host_entry *e, struct dp_filter_memo *memo,
		      const struct group *groups, unsigned n_groups)
{
	struct dp_host_draft d;
	const char *field, *bad;
	char why[512];
	int rc;

	dp_host_draft_init(&d, e, line_of(map), memo);
	if (map->type != YAML_MAPPING_NODE)
		return fail_at(c, line_of(map), "host", "each list item must be a mapping with at least ip and mac");
	if ((rc = apply_keys(c, &d, map, APPLY_HOST)))
		return rc;
	if (d.seen[DP_HK_ip] && (rc = inherit_groups(c, &d, groups, n_groups)))
		return rc;
	bad = dp_host_draft_finish(&d, &field, why, sizeof(why));
	if (bad)
		return fail_at(c, d.bad_line ? d.bad_line : line_of(map), field, bad);
	return 0;
}

void dp_hosts_free(struct dp_hosts *h)
{
	for (unsigned i = 0; i < h->n; i++)
		dp_host_entry_release(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static const struct dp_addr *entry_ip(const void *ctx, unsigned i)
{
	return &((const struct dp_host_entry *)ctx)[i].cfg.ip;
}

int dp_hosts_parse(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = { &doc, name, err, errlen };
	struct dp_addr_set seen = { 0 };
	struct dp_filter_memo memo = { 0 };
	struct group *groups = NULL;
	unsigned n_groups = 0;
	yaml_node_t *root;
	size_t n;
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
		rc = fail_at(&c, line_of(root), "hosts", "the file must be a YAML list of hosts ('- ip: ...')");
		goto out_delete_doc;
	}
	n = (size_t)(root->data.sequence.items.top - root->data.sequence.items.start);
	out->v = calloc(n + 1, sizeof(*out->v));
	groups = calloc(n + 1, sizeof(*groups));
	if (!out->v || !groups || dp_addr_set_init(&seen, (unsigned)n) || dp_filter_memo_init(&memo)) {
		rc = -ENOMEM;
		goto out_free_hosts;
	}
	/* groups first, wherever they are in the file: a host may come before its group */
	for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		const yaml_node_t *node = yaml_document_get_node(&doc, *it), *k, *ipk;
		const yaml_node_t *cidr = value_of(&c, node, "cidr", &k);

		if (!cidr)
			continue;
		if (value_of(&c, node, "ip", &ipk)) {
			rc = fail_at(&c, line_of(k), "cidr", "an entry is a host (ip) or a group (cidr), not both");
			goto out_free_hosts;
		}
		if ((rc = parse_group(&c, node, cidr, &groups[n_groups++])))
			goto out_free_hosts;
	}
	if ((rc = index_groups(&c, groups, n_groups)))
		goto out_free_hosts;
	for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		const yaml_node_t *node = yaml_document_get_node(&doc, *it), *k;
		struct dp_host_entry *e = &out->v[out->n];

		if (value_of(&c, node, "cidr", &k))
			continue;
		rc = parse_host(&c, node, e, &memo, groups, n_groups);
		out->n++; /* counted even on failure so that dp_hosts_free releases its filter */
		if (rc)
			goto out_free_hosts;
		if (dp_addr_set_find(&seen, &e->cfg.ip, (int)out->n - 1, true, entry_ip, out->v) >= 0) {
			rc = fail_at(&c, line_of(node), "ip", "duplicate protected ip");
			goto out_free_hosts;
		}
	}
	goto out_free_set;
out_free_hosts:
	dp_hosts_free(out);
out_free_set:
	free(groups);
	dp_addr_set_free(&seen);
	dp_filter_memo_free(&memo);
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
