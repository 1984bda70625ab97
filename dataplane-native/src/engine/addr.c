/* addr.c: IP and MAC address text, as hosts files, requests and the CLI write them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

int dp_addr_parse(const char *s, struct dp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = 6;
		return 0;
	}
	return -EINVAL;
}

void dp_addr_format(const struct dp_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

int dp_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 || s[n] ||
	    strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}
