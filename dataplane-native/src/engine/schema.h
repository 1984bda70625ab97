/* schema.h: the key tables of hosts and secrets records, and the parsers of their value types. */
#ifndef DP_ENGINE_SCHEMA_H
#define DP_ENGINE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/host_schema.h"
#include "engine/secrets_schema.h"

/* Each returns NULL when the value is good, else the reason (in why, or a constant). */
const char *dp_value_u64(const char *s, unsigned long long min, unsigned long long max, unsigned long long *out,
			 char *why, size_t whylen);
const char *dp_value_bool(const char *s, bool *out);
const char *dp_value_unicast_mac(const char *s, uint8_t mac[6]); /* refuses zero, broadcast and multicast MACs */
const char *dp_value_sipkey(const char *s, uint64_t key[2]);	 /* "<16 hex>.<16 hex>." */
/* An address one server holds and a router can divert: not unspecified, multicast, broadcast, IPv6 link-local or
 * v4-mapped. */
const char *dp_value_host_addr(const char *s, struct dp_addr *a);
/* Index of s among the '|'-separated choices, or -1; dp_value_choice_why() words the error. */
int dp_value_choice(const char *s, const char *choices);
/* A host group's prefix "10.0.0.0/24" / "2001:db8::/48": an address literal, '/', a length of at most 32 (IPv4) or
 * 128 (IPv6), no host bits set, not v4-mapped. */
const char *dp_value_prefix(const char *s, struct dp_addr *net, unsigned *len, char *why, size_t whylen);
/* a with every bit past the first len cleared. */
struct dp_addr dp_addr_masked(const struct dp_addr *a, unsigned len);
/* a lies inside net/len (same family). */
bool dp_addr_in_prefix(const struct dp_addr *a, const struct dp_addr *net, unsigned len);
const char *dp_value_choice_why(const char *choices, char *why, size_t whylen);

#endif
