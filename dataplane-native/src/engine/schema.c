/* schema.c: the host and secrets key tables (host_schema.h, secrets_schema.h) and the value parsers of their types. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/schema.h"

const struct dp_host_key_info dp_host_keys[DP_HK_MAX] = {
#define DP_HOST_KEY_INFO(name, scope, type, min, max, choices, dflt, doc) \
	[DP_HK_##name] = { #name, DP_SCOPE_##scope, DP_KT_##type, min, max, choices, dflt, doc },
	DP_HOST_KEYS(DP_HOST_KEY_INFO)
#undef DP_HOST_KEY_INFO
};

const struct dp_secrets_key_info dp_secrets_keys[DP_SK_MAX] = {
#define DP_SECRETS_KEY_INFO(name, type, min, max, choices, required, doc) \
	[DP_SK_##name] = { #name, DP_SKT_##type, min, max, choices, required, doc },
	DP_SECRETS_KEYS(DP_SECRETS_KEY_INFO)
#undef DP_SECRETS_KEY_INFO
};

enum dp_host_key dp_host_key_find(const char *name)
{
	for (unsigned k = 0; k < DP_HK_MAX; k++)
		if (!strcmp(dp_host_keys[k].name, name))
			return (enum dp_host_key)k;
	return DP_HK_MAX;
}

enum dp_secrets_key dp_secrets_key_find(const char *name)
{
	for (unsigned k = 0; k < DP_SK_MAX; k++)
		if (!strcmp(dp_secrets_keys[k].name, name))
			return (enum dp_secrets_key)k;
	return DP_SK_MAX;
}

const char *dp_value_u64(const char *s, unsigned long long min, unsigned long long max, unsigned long long *out,
			 char *why, size_t whylen)
{
	char *end;

	errno = 0;
	*out = (s[0] >= '0' && s[0] <= '9') ? strtoull(s, &end, 10) : 0;
	if (s[0] < '0' || s[0] > '9' || errno || *end || *out < min || (max && *out > max)) {
		if (max)
			snprintf(why, whylen, "expected a number from %llu to %llu", min, max);
		else
			snprintf(why, whylen, "expected an unsigned decimal number");
		return why;
	}
	return NULL;
}

const char *dp_value_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };

	for (unsigned i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return NULL;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return NULL;
		}
	}
	return "expected true or false";
}

int dp_value_choice(const char *s, const char *choices)
{
	size_t n = strlen(s);
	int i = 0;

	for (const char *c = choices; *c; i++) {
		size_t len = strcspn(c, "|");

		if (len == n && !strncmp(c, s, n))
			return i;
		c += len + (c[len] == '|');
	}
	return -1;
}

const char *dp_value_choice_why(const char *choices, char *why, size_t whylen)
{
	char list[128];
	size_t o = 0;

	for (const char *c = choices; *c && o < sizeof(list) - 8;) {
		size_t len = strcspn(c, "|");
		const char *sep = c[len] != '|' ? "" : strchr(c + len + 1, '|') ? ", " : " or ";

		o += (size_t)snprintf(list + o, sizeof(list) - o, "%.*s%s", (int)len, c, sep);
		c += len + (c[len] == '|');
	}
	snprintf(why, whylen, "expected %s", list);
	return why;
}

const char *dp_value_unicast_mac(const char *s, uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (dp_mac_parse(s, mac))
		return "expected a MAC address like 0c:c4:7a:6a:fa:bf";
	if (!memcmp(mac, zero, 6))
		return "the all-zero MAC is not a server";
	/* the group bit covers broadcast ff:ff:ff:ff:ff:ff too: frames sent there would reach every port */
	if (mac[0] & 1)
		return "a broadcast or multicast MAC is not a server";
	return NULL;
}

const char *dp_value_sipkey(const char *s, uint64_t key[2])
{
	char *end;

	for (int w = 0; w < 2; w++) {
		for (int i = 0; i < 16; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			      (s[i] >= 'A' && s[i] <= 'F')))
				return "expected <16 hex digits>.<16 hex digits>.";
		if (s[16] != '.')
			return "expected <16 hex digits>.<16 hex digits>.";
		key[w] = strtoull(s, &end, 16);
		s += 17;
	}
	return *s ? "expected <16 hex digits>.<16 hex digits>." : NULL;
}

const char *dp_value_host_addr(const char *s, struct dp_addr *a)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];

	if (dp_addr_parse(s, a))
		return "expected an IPv4 or IPv6 address";
	if (a->family == 4 ? a->a[0] == 0 || a->a[0] >= 224 : a->a[0] == 0xff || !memcmp(a->a, zero, 16))
		return "an unspecified, multicast or broadcast address cannot be a protected server";
	if (a->family == 6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80)
		return "a link-local address cannot be diverted";
	if (a->family == 6 && !memcmp(a->a, v4mapped, 12))
		return "a v4-mapped address: write the IPv4 address";
	return NULL;
}

struct dp_addr dp_addr_masked(const struct dp_addr *a, unsigned len)
{
	struct dp_addr m = *a;

	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;

		m.a[i] &= (uint8_t)(0xff00u >> keep);
	}
	return m;
}

bool dp_addr_in_prefix(const struct dp_addr *a, const struct dp_addr *net, unsigned len)
{
	struct dp_addr m = dp_addr_masked(a, len);

	return a->family == net->family && !memcmp(m.a, net->a, 16);
}

const char *dp_value_prefix(const char *s, struct dp_addr *net, unsigned *len, char *why, size_t whylen)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const char *slash = strchr(s, '/');
	char addr[64], text[64];
	unsigned long long n;
	struct dp_addr m;

	if (!slash || (size_t)(slash - s) >= sizeof(addr) || !slash[1] || strlen(slash + 1) > 3)
		return "expected a prefix like 10.0.0.0/24 or 2001:db8::/48";
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = 0;
	if (dp_addr_parse(addr, net) || dp_value_u64(slash + 1, 0, 999, &n, why, whylen))
		return "expected a prefix like 10.0.0.0/24 or 2001:db8::/48";
	if (n > (net->family == 4 ? 32u : 128u))
		return net->family == 4 ? "an IPv4 prefix length is 0 to 32" : "an IPv6 prefix length is 0 to 128";
	if (net->family == 6 && !memcmp(net->a, v4mapped, 12))
		return "a v4-mapped prefix: write the IPv4 prefix";
	*len = (unsigned)n;
	m = dp_addr_masked(net, *len);
	if (memcmp(m.a, net->a, 16)) {
		dp_addr_format(&m, text, sizeof(text));
		snprintf(why, whylen, "host bits set: the prefix is %s/%u", text, *len);
		return why;
	}
	return NULL;
}
