/* hosts_yaml.c: hosts.yml (the original syncookied's YAML list of hosts, keys of host_schema.h) parsed with libyaml. */
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

static int parse_host(struct ctx *c, const yaml_node_t *map, struct dp_host_entry *e, struct dp_filter_memo *memo)
{
	struct dp_host_draft d;
	const char *field, *bad;
	char why[512];
	int rc;

	dp_host_draft_init(&d, e, line_of(map), memo);
	if (map->type != YAML_MAPPING_NODE)
		return fail_at(c, line_of(map), "host", "each list item must be a mapping with at least ip and mac");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k), *val = scalar(v);
		enum dp_host_key hk;

		if (!key)
			return fail_at(c, line_of(k), "host", "keys must be plain names");
		hk = dp_host_key_find(key);
		if (hk == DP_HK_filters) {
			if (d.seen[hk])
				return fail_at(c, line_of(k), key, "given twice");
			d.seen[hk] = true;
			if ((rc = parse_filters(c, &d, v)))
				return rc;
			continue;
		}
		/* a control-plane key may hold a mapping (detection, diversion): its value is not the dataplane's */
		if (!val && (hk == DP_HK_MAX || dp_host_keys[hk].scope == DP_SCOPE_DP))
			return fail_at(c, line_of(v), key, "expected a single value");
		bad = dp_host_draft_set(&d, key, val ? val : "", &field, why, sizeof(why));
		if (bad)
			return fail_at(c, line_of(hk == DP_HK_MAX || !strcmp(bad, "given twice") ? k : v), field, bad);
	}
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
	if (!out->v || dp_addr_set_init(&seen, (unsigned)n) || dp_filter_memo_init(&memo)) {
		rc = -ENOMEM;
		goto out_free_hosts;
	}
	for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		const yaml_node_t *node = yaml_document_get_node(&doc, *it);
		struct dp_host_entry *e = &out->v[out->n];

		rc = parse_host(&c, node, e, &memo);
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
