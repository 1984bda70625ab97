/* secrets_schema.h: the fields of a worker-protocol SECRETS record: one server's /proc/tcp_secrets snapshot as typed
 * key=value lines (the Java KernelSecrets), plus the sample's age and the agent's SYN-ACK window report. A request
 * carries one or more records, each starting with its ip= line. The Java
 * binding's SecretsKey mirrors it; HostSchemaTest checks both and the docs' field table against each other.
 *
 * DP_SECRETS_KEY(name, type, min, max, choices, required, doc), one line per key:
 *   type  ADDR (IPv4/IPv6 literal), U64 (decimal, min..max; max 0 = any u64), KEY (<16 hex>.<16 hex>. as /proc prints a siphash_key_t),
 *         CHOICE (one of choices, '|'-separated), PORTWS ("<port>:<window>:<window_ts>:<wscale>", repeated at most
 *         max times)
 */
#ifndef DP_ENGINE_SECRETS_SCHEMA_H
#define DP_ENGINE_SECRETS_SCHEMA_H

/* clang-format off */
#define DP_SECRETS_KEYS(X) \
	X(ip, ADDR, 0, 0, "", 1, "the protected IP these secrets belong to: starts the record") \
	X(age_ms, U64, 0, 0, "", 1, "how old the sample is when sent, in ms (the worker places the server's clock that far back)") \
	X(jiffies, U64, 0, 0, "", 1, "jiffies_64 at the sample") \
	X(cookie_count, U64, 0, 4294967295, "", 1, "the cookie count the kernel printed with those jiffies") \
	X(hz, U64, 1, 100000, "", 1, "the kernel's HZ") \
	X(tcp_clock_ms, U64, 0, 0, "", 0, "tcp_clock_ns() / 1e6 at the sample (absent: SYN-ACKs carry MSS only)") \
	X(secret0, KEY, 0, 0, "", 1, "syncookie_secret[0]") \
	X(secret1, KEY, 0, 0, "", 1, "syncookie_secret[1]") \
	X(secret6_0, KEY, 0, 0, "", 0, "syncookie6_secret[0] (with secret6_1, or neither)") \
	X(secret6_1, KEY, 0, 0, "", 0, "syncookie6_secret[1]") \
	X(ts_offset_rule, CHOICE, 0, 0, "ts_secret|net_secret", 0, "how the kernel derives tsoff") \
	X(ts_offset_secret, KEY, 0, 0, "", 0, "the rule's secret (ts_secret or net_secret), when the module exports it") \
	X(tcp_syncookies, U64, 0, 255, "", 0, "net.ipv4.tcp_syncookies (absent: 1)") \
	X(tcp_timestamps, U64, 0, 2, "", 0, "net.ipv4.tcp_timestamps (absent: 1)") \
	X(tcp_sack, U64, 0, 255, "", 0, "net.ipv4.tcp_sack (absent: 1)") \
	X(tcp_window_scaling, U64, 0, 255, "", 0, "net.ipv4.tcp_window_scaling (absent: 1)") \
	X(tcp_ecn, U64, 0, 255, "", 0, "net.ipv4.tcp_ecn (absent: 2)") \
	X(overflow_hook, CHOICE, 0, 0, "active|inactive|disabled", 0, "the module's overflow hook") \
	X(window, U64, 1, 65535, "", 0, "the window of the server's cookie SYN-ACK without timestamps (default listener), from its agent") \
	X(window_ts, U64, 1, 65535, "", 0, "the window of the server's cookie SYN-ACK with timestamps (default listener)") \
	X(wscale, U64, 0, 14, "", 0, "the window scale of the server's cookie SYN-ACK (default listener)") \
	X(port, PORTWS, 0, 16, "", 0, "<port>:<window>:<window_ts>:<wscale> of a listener with its own receive buffer (repeated)")
/* clang-format on */

enum dp_secrets_key {
#define DP_SECRETS_KEY_ENUM(name, type, min, max, choices, required, doc) DP_SK_##name,
	DP_SECRETS_KEYS(DP_SECRETS_KEY_ENUM)
#undef DP_SECRETS_KEY_ENUM
	DP_SK_MAX
};

enum dp_secrets_key_type {
	DP_SKT_ADDR,
	DP_SKT_U64,
	DP_SKT_KEY,
	DP_SKT_CHOICE,
	DP_SKT_PORTWS
};

struct dp_secrets_key_info {
	const char *name;
	enum dp_secrets_key_type type;
	unsigned long long min, max;
	const char *choices;
	int required;
	const char *doc;
};

extern const struct dp_secrets_key_info dp_secrets_keys[DP_SK_MAX];

enum dp_secrets_key dp_secrets_key_find(const char *name); /* DP_SK_MAX when unknown */

#endif
