/* test_host_groups.c: host groups in hosts.yml: a list item with a cidr gives its keys to the listed hosts inside
 * its prefix (own value first, then the most specific group); prefixes and group values are checked with the line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"
#include "pkt_util.h"

static char err[512];

static int parse(const char *y, struct dp_hosts *h)
{
	err[0] = 0;
	return dp_hosts_parse(y, strlen(y), "hosts.yml", h, err, sizeof(err));
}

static void expect_error(const char *yaml, const char *needle)
{
	struct dp_hosts h;
	int rc = parse(yaml, &h);

	CC_CHECK(rc == -EINVAL, "rc %d for %s", rc, needle);
	CC_CHECK(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
	if (!rc)
		dp_hosts_free(&h);
}

static const struct dp_host_cfg *host(const struct dp_hosts *h, const char *ip)
{
	struct dp_addr a;

	dp_addr_parse(ip, &a);
	for (unsigned i = 0; i < h->n; i++)
		if (h->v[i].cfg.ip.family == a.family && !memcmp(h->v[i].cfg.ip.a, a.a, 16))
			return &h->v[i].cfg;
	return NULL;
}

/* Nested IPv4 groups, an IPv6 group, a group after its members, filters whole, a memberless group. */
static void test_inheritance(void)
{
	static const char y[] = "- ip: 10.1.2.3\n" /* 1: in /16 and /24 */
				"  mac: 02:00:00:00:00:01\n"
				"  ttl: 33\n"		/* 3: its own value wins */
				"- cidr: 10.1.0.0/16\n" /* 4 */
				"  mss: 1400\n"
				"  ttl: 50\n"
				"  md5: pass\n"
				"  filters:\n"
				"    udp: drop\n"
				"- cidr: 10.1.2.0/24\n" /* 10 */
				"  mss: 1300\n"		/* the /24 beats the /16 */
				"  mac: 02:00:00:00:00:24\n"
				"  mode: auto\n" /* a control-plane key: accepted, ignored */
				"  detection:\n    start_syn_rate: 5000\n"
				"- ip: 10.1.9.9\n" /* only in the /16 */
				"  mac: 02:00:00:00:00:02\n"
				"  filters:\n" /* its own filters replace the group's */
				"    tcp: drop\n"
				"- ip: 10.2.0.1\n" /* in no group */
				"  mac: 02:00:00:00:00:03\n"
				"- cidr: 2001:db8::/32\n"
				"  cookie: sha1\n"
				"  timestamps: false\n"
				"- ip: 2001:db8::10\n"
				"  mac: 02:00:00:00:00:06\n"
				"- cidr: 192.0.2.0/24\n" /* no member: accepted */
				"  ttl: 9\n"
				"- cidr: 0.0.0.0/0\n" /* every IPv4 host */
				"  syn_refresh_ms: 55000\n";
	uint8_t udp[28] = { 0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 1, 2, 3, 4, 10, 1, 2, 3 };
	const struct dp_host_cfg *a, *b, *c, *v6;
	struct dp_hosts h;
	int rc = parse(y, &h);

	CC_CHECK(rc == 0, "rc %d: %s", rc, err);
	if (rc)
		return;
	CC_CHECK(h.n == 4, "groups are not hosts: n %u", h.n);
	a = host(&h, "10.1.2.3");
	b = host(&h, "10.1.9.9");
	c = host(&h, "10.2.0.1");
	v6 = host(&h, "2001:db8::10");
	CC_CHECK(a && b && c && v6, "every listed host");
	if (!a || !b || !c || !v6)
		goto out;
	CC_CHECK(a->ttl == 33, "own ttl wins: %u", a->ttl);
	CC_CHECK(a->mss == 1300, "the /24's mss beats the /16's: %u", a->mss);
	CC_CHECK(a->flags & DP_HOST_MD5_PASS, "md5 from the /16 (the /24 has none)");
	CC_CHECK(a->mac[0] == 2 && a->mac[5] == 1, "own mac beats the /24's");
	CC_CHECK(a->filter && dp_filter_run(a->filter, udp, 28) == DP_FILTER_DROP, "the /16's filters");
	CC_CHECK(a->syn_refresh_ms == 55000, "the /0's syn_refresh_ms");
	CC_CHECK(b->mss == 1400 && b->ttl == 50, "the /16 only: mss %u ttl %u", b->mss, b->ttl);
	udp[19] = 9;
	udp[17] = 9;
	CC_CHECK(!b->filter || dp_filter_run(b->filter, udp, 28) == DP_FILTER_PASS, "own filters, not merged");
	CC_CHECK(c->mss == 0 && c->ttl == 64 && !(c->flags & DP_HOST_MD5_PASS), "no group: defaults");
	CC_CHECK(c->syn_refresh_ms == 55000, "but the /0");
	CC_CHECK(v6->cookie_alg == 1 && (v6->opts_off & DP_OPT_OFF_TS), "IPv6 group");
	CC_CHECK(v6->syn_refresh_ms == 0, "an IPv4 group never reaches an IPv6 host");
out:
	dp_hosts_free(&h);
}

/* A member may take its mac from its group; every host must still be listed to be protected. */
static void test_mac_from_group(void)
{
	static const char y[] = "- cidr: 10.0.0.0/29\n  mac: 02:00:00:00:00:29\n"
				"- ip: 10.0.0.1\n- ip: 10.0.0.2\n";
	struct dp_hosts h;
	int rc = parse(y, &h);

	CC_CHECK(rc == 0 && h.n == 2, "rc %d n %u: %s", rc, rc ? 0 : h.n, err);
	if (rc)
		return;
	CC_CHECK(h.v[0].cfg.mac[5] == 0x29 && h.v[1].cfg.mac[5] == 0x29, "mac inherited");
	CC_CHECK(h.v[0].line == 3 && h.v[1].line == 4, "hosts keep their own lines");
	dp_hosts_free(&h);
	expect_error("- cidr: 10.0.0.0/29\n  ttl: 9\n- ip: 10.0.0.1\n", "hosts.yml:3: mac: missing");
}

/* Many groups of many lengths: each host finds exactly its own chain. */
static void test_many_groups(void)
{
	char *y = malloc(1 << 20);
	size_t o = 0;
	struct dp_hosts h;
	int rc;

	/* a /16 (ttl 11), its 256 /24s (mss 600 + i) and a /25 (mss 2000) in the upper half of every other /24 */
	o += (size_t)sprintf(y + o, "- cidr: 10.7.0.0/16\n  ttl: 11\n");
	for (unsigned i = 0; i < 256; i++)
		o += (size_t)sprintf(y + o, "- cidr: 10.7.%u.0/24\n  mss: %u\n", i, 600 + i);
	for (unsigned i = 0; i < 256; i += 2)
		o += (size_t)sprintf(y + o, "- cidr: 10.7.%u.128/25\n  mss: 2000\n", i);
	for (unsigned i = 0; i < 256; i++) /* .100 (below every /25) in even /24s, .200 in odd ones (no /25) */
		o += (size_t)sprintf(y + o, "- ip: 10.7.%u.%u\n  mac: 02:00:00:00:00:01\n", i, i % 2 ? 200 : 100);
	o += (size_t)sprintf(y + o,
			     "- ip: 10.7.4.130\n  mac: 02:00:00:00:00:01\n- ip: 10.8.0.1\n  mac: 02:00:00:00:00:01\n");
	y[o] = 0;
	rc = parse(y, &h);
	CC_CHECK(rc == 0 && h.n == 258, "rc %d: %s", rc, err);
	for (unsigned i = 0; !rc && i < 256; i++)
		CC_CHECK(h.v[i].cfg.mss == 600 + i && h.v[i].cfg.ttl == 11, "host %u: mss %u ttl %u", i, h.v[i].cfg.mss,
			 h.v[i].cfg.ttl);
	CC_CHECK(rc || (h.v[256].cfg.mss == 2000 && h.v[256].cfg.ttl == 11), "the /25 beats its /24");
	CC_CHECK(rc || (h.v[257].cfg.mss == 0 && h.v[257].cfg.ttl == 64), "outside the /16: defaults");
	if (!rc)
		dp_hosts_free(&h);
	free(y);
}

static void test_errors(void)
{
	expect_error("- cidr: 10.0.0.1/24\n", "hosts.yml:1: cidr: host bits set: the prefix is 10.0.0.0/24");
	expect_error("- cidr: 2001:db8::1/64\n", "hosts.yml:1: cidr: host bits set: the prefix is 2001:db8::/64");
	expect_error("- cidr: 10.0.0.0/33\n", "hosts.yml:1: cidr: an IPv4 prefix length is 0 to 32");
	expect_error("- cidr: 2001:db8::/129\n", "hosts.yml:1: cidr: an IPv6 prefix length is 0 to 128");
	expect_error("- cidr: 10.0.0.0\n", "hosts.yml:1: cidr: expected a prefix like 10.0.0.0/24");
	expect_error("- cidr: 10.0.0.0/\n", "hosts.yml:1: cidr: expected a prefix");
	expect_error("- cidr: 10.0.0.0/-8\n", "hosts.yml:1: cidr: expected a prefix");
	expect_error("- cidr: 10.0.0.0/2a\n", "hosts.yml:1: cidr: expected a prefix");
	expect_error("- cidr: web/24\n", "hosts.yml:1: cidr: expected a prefix");
	expect_error("- cidr: ::ffff:10.0.0.0/120\n", "hosts.yml:1: cidr: a v4-mapped prefix");
	expect_error("- cidr: [10.0.0.0/8]\n", "hosts.yml:1: cidr: expected a single value");
	expect_error("- ip: 10.0.0.1\n  cidr: 10.0.0.0/8\n  mac: 02:00:00:00:00:01\n",
		     "hosts.yml:2: cidr: an entry is a host (ip) or a group (cidr), not both");
	expect_error("- cidr: 10.0.0.0/8\n  mss: 99\n", "hosts.yml:2: mss: expected a number from 536 to 65495");
	expect_error("- cidr: 10.0.0.0/8\n  mac: ff:ff:ff:ff:ff:ff\n", "hosts.yml:2: mac: a broadcast");
	expect_error("- cidr: 10.0.0.0/8\n  filters:\n    tcp and port 99999: drop\n", "hosts.yml:3: filters:");
	expect_error("- cidr: 10.0.0.0/8\n  mdoe: auto\n", "hosts.yml:2: mdoe: unknown key");
	expect_error("- cidr: 10.0.0.0/8\n  cidr: 10.0.0.0/9\n", "hosts.yml:2: cidr: given twice");
	expect_error("- cidr: 10.0.0.0/8\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- cidr: 10.0.0.0/8\n"
		     "- cidr: 10.0.0.0/8\n",
		     "hosts.yml:4: cidr: 10.0.0.0/8 is already a group at line 1");
	expect_error("- cidr: 10.0.0.0/8\n  mss: 1400\n  mss: 1300\n", "hosts.yml:3: mss: given twice");
	/* a bad member is named at its own line, even with a group that would give it what it lacks */
	expect_error("- cidr: 10.0.0.0/8\n  mss: 1400\n- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n  mss: 1\n",
		     "hosts.yml:5: mss: expected a number");
	expect_error("- ip: 10.0.0.1\n  mac: 02:00:00:00:00:01\n- cidr: 10.0.0.0/8\n  ttl: 0\n",
		     "hosts.yml:4: ttl: expected a number from 1 to 255");
}

/* The prefix parser and containment on their own. */
static void test_prefix_values(void)
{
	struct dp_addr net, a;
	unsigned len;
	char why[128];

	CC_CHECK(!dp_value_prefix("0.0.0.0/0", &net, &len, why, sizeof(why)) && len == 0, "/0");
	CC_CHECK(!dp_value_prefix("::/0", &net, &len, why, sizeof(why)) && net.family == 6, "::/0");
	CC_CHECK(!dp_value_prefix("10.0.0.7/32", &net, &len, why, sizeof(why)) && len == 32, "/32");
	dp_value_prefix("10.128.0.0/9", &net, &len, why, sizeof(why));
	dp_addr_parse("10.200.1.1", &a);
	CC_CHECK(dp_addr_in_prefix(&a, &net, len), "10.200.1.1 in 10.128/9");
	dp_addr_parse("10.127.1.1", &a);
	CC_CHECK(!dp_addr_in_prefix(&a, &net, len), "10.127.1.1 not in 10.128/9");
	dp_value_prefix("2001:db8:8000::/33", &net, &len, why, sizeof(why));
	dp_addr_parse("2001:db8:ffff::1", &a);
	CC_CHECK(dp_addr_in_prefix(&a, &net, len), "v6 /33");
	dp_addr_parse("10.0.0.0", &a);
	CC_CHECK(!dp_addr_in_prefix(&a, &net, 0), "families never mix");
}

int main(void)
{
	test_inheritance();
	test_mac_from_group();
	test_many_groups();
	test_errors();
	test_prefix_values();
	return cc_summary();
}
