/* host_schema.h: the one table of per-host keys, shared by the hosts.yml of both programs and the worker protocol's
 * host records. The Java binding's HostKey mirrors it; HostSchemaTest checks HostKey, this table and the field table
 * of docs/dataplane-worker-protocol.md against each other, so none of the three can drift.
 *
 * DP_HOST_KEY(name, scope, type, min, max, choices, dflt, doc), one line per key:
 *   scope    DP: the dataplane uses it. CP: the control plane's; the dataplane accepts it in a hosts.yml and
 *            ignores it (so one file serves both programs); the worker protocol never carries it.
 *   type     ADDR (IPv4/IPv6 literal), MAC (unicast aa:bb:cc:dd:ee:ff), BOOL (true/yes/on, false/no/off),
 *            UINT (decimal, min..max), CHOICE (one of choices, '|'-separated), FILTERS (see below),
 *            TEXT (non-empty), HOSTPORT (host:port, optional udp:// or tcp://), MAP (a mapping: CP keys only).
 *   FILTERS  hosts.yml: a mapping "pcap expression: drop|pass" in order, "default: drop|pass" for the rest.
 *            Worker protocol: one "filters=<drop|pass> <expression>" line per rule, in order; the expression
 *            "default" sets the fallback. At most max rules.
 */
#ifndef DP_ENGINE_HOST_SCHEMA_H
#define DP_ENGINE_HOST_SCHEMA_H

/* clang-format off */
#define DP_HOST_KEYS(X) \
	X(ip,             DP, ADDR,     0,   0,       "",                "",        "the protected IPv4 or IPv6 address (required)") \
	X(mac,            DP, MAC,      0,   0,       "",                "",        "the server's MAC: validated packets are forwarded there (required)") \
	X(passthrough,    DP, BOOL,     0,   1,       "",                "false",   "forward everything the filters pass, with no cookie logic") \
	X(filters,        DP, FILTERS,  0,   256,     "drop|pass",       "pass",    "pcap-filter rules over the IP packet, first match wins") \
	X(no_secrets,     DP, CHOICE,   0,   0,       "drop|pass",       "drop",    "SYNs and ACKs while the host has no usable secrets") \
	X(mss,            DP, UINT,     536, 65495,   "",                "",        "MSS of the SYN-ACK (default 1460 IPv4, 1440 IPv6)") \
	X(window,         DP, UINT,     1,   65535,   "",                "",        "SYN-ACK window, with and without timestamps: overrides the agent's report (default 64240, with TS 65160 IPv4; 64800, with TS 64260 IPv6)") \
	X(wscale,         DP, UINT,     0,   14,      "",                "",        "SYN-ACK window scale: overrides the agent's report (default 7)") \
	X(timestamps,     DP, BOOL,     0,   1,       "",                "true",    "false: never send the TS option (the SYN-ACK then carries MSS only)") \
	X(sack,           DP, BOOL,     0,   1,       "",                "true",    "false: never offer SACK") \
	X(window_scaling, DP, BOOL,     0,   1,       "",                "true",    "false: never send the window-scale option") \
	X(ecn,            DP, BOOL,     0,   1,       "",                "true",    "false: never negotiate ECN (no ECE in the SYN-ACK)") \
	X(md5,            DP, CHOICE,   0,   0,       "drop|pass",       "drop",    "SYNs with the TCP-MD5 option: drop and count, or forward unanswered") \
	X(ttl,            DP, UINT,     1,   255,     "",                "64",      "TTL / hop limit of the SYN-ACK") \
	X(syn_refresh_ms, DP, UINT,     0,   3600000, "",                "0",       "module-free mode: one real SYN per port at least this often (0 = off)") \
	X(pickup_s,       DP, UINT,     0,   3600,    "",                "0",       "pickup window in seconds from when the host is received (0 = none)") \
	X(cookie,         DP, CHOICE,   0,   0,       "siphash|sha1",    "siphash", "the server kernel's cookie hash (sha1: kernels up to 4.10)") \
	X(secrets_addr,   CP, HOSTPORT, 0,   0,       "",                "",        "the agent's address (the original's name)") \
	X(local_addr,     CP, HOSTPORT, 0,   0,       "",                "",        "the agent's address (the original's older name)") \
	X(agent_key_id,   CP, TEXT,     0,   0,       "",                "",        "the telemetry key (label or id) this server's agent uses") \
	X(mode,           CP, CHOICE,   0,   0,       "auto|manual|off", "manual",  "who may divert the host") \
	X(detection,      CP, MAP,      0,   0,       "",                "",        "detection threshold overrides") \
	X(diversion,      CP, MAP,      0,   0,       "",                "",        "router target (and interface) of the host's diversion")
/* clang-format on */

enum dp_host_key {
#define DP_HOST_KEY_ENUM(name, scope, type, min, max, choices, dflt, doc) DP_HK_##name,
	DP_HOST_KEYS(DP_HOST_KEY_ENUM)
#undef DP_HOST_KEY_ENUM
	DP_HK_MAX
};

enum dp_key_scope {
	DP_SCOPE_DP,
	DP_SCOPE_CP
};

enum dp_key_type {
	DP_KT_ADDR,
	DP_KT_MAC,
	DP_KT_BOOL,
	DP_KT_UINT,
	DP_KT_CHOICE,
	DP_KT_FILTERS,
	DP_KT_TEXT,
	DP_KT_HOSTPORT,
	DP_KT_MAP
};

struct dp_host_key_info {
	const char *name;
	enum dp_key_scope scope;
	enum dp_key_type type;
	unsigned long min, max;
	const char *choices; /* CHOICE / FILTERS actions: "a|b|c" */
	const char *dflt;
	const char *doc;
};

extern const struct dp_host_key_info dp_host_keys[DP_HK_MAX];

/* The key called name, or DP_HK_MAX. */
enum dp_host_key dp_host_key_find(const char *name);

#endif
