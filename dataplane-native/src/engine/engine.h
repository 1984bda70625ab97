/* engine.h: internal interfaces of the engine: secrets/hosts parsers, the worker threads, the control socket. */
#ifndef DP_ENGINE_H
#define DP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syncookied/core.h"

/* Everything one /proc/tcp_secrets text tells about a server. */
struct dp_secrets_file {
	struct dp_secrets secrets;
	struct dp_clock_basis clock;
	struct dp_sysctls sysctl;
	enum dp_ts_mode ts_mode;
	uint8_t cookie_alg;  /* 0 SipHash, 1 SHA-1 (17-word lines) */
	bool has_v6;         /* format 2 syncookie6 lines present */
	bool all_zero;       /* the kernel has not made its first cookie yet: keys are all zero */
	char overflow_hook[16];
};

/* Parses the /proc/tcp_secrets format (docs/tcp_secrets-format.md; the original 3-line format too; unknown `key value`
 * lines ignored). sample_age_ns: how old the sample is (file age) so the clock basis is placed in the past.
 * Returns 0 or -EINVAL with "line N: <field>: <reason>" in err. */
int dp_secrets_parse(const char *text, size_t len, uint64_t sample_age_ns, struct dp_secrets_file *out, char *err,
		     size_t errlen);
/* Copies what a secrets file says into a host entry (keeps ip, mac, filter, passthrough and per-host options). */
void dp_secrets_apply(const struct dp_secrets_file *s, struct dp_host_cfg *h);

/* One host as hosts.yml (or a HOST_SET) describes it. */
struct dp_host_entry {
	struct dp_host_cfg cfg;  /* ip, mac, flags (passthrough, nosecret), mss, ...; cfg.filter owned (1 ref) */
	char ip_str[48];
	int line;
};

struct dp_hosts {
	struct dp_host_entry *v;
	unsigned n;
};

/* Parses an original-style hosts.yml (a YAML list of host mappings) from buf. Errors name
 * "<name>:<line>: <field>: <reason>". Filters are compiled here. 0, -EINVAL or -ENOMEM. */
int dp_hosts_parse(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen);
int dp_hosts_load(const char *path, struct dp_hosts *out, char *err, size_t errlen);
void dp_hosts_free(struct dp_hosts *h);
/* addr.c: parses "10.0.2.10" / "fd00::1" into a dp_addr (0 or -EINVAL); formats one (RFC 5952 for IPv6, as
 * inet_ntop); parses "0c:c4:7a:6a:fa:bf" (0 or -EINVAL). */
int dp_addr_parse(const char *s, struct dp_addr *a);
void dp_addr_format(const struct dp_addr *a, char *buf, size_t len);
int dp_mac_parse(const char *s, uint8_t mac[6]);

/* cpulist.c: parses "0-3,6" into at most max CPUs; 0, -EINVAL or -E2BIG. */
int dp_cpulist_parse(const char *s, int *cpus, unsigned max, unsigned *n);

/* clock.c: CLOCK_MONOTONIC in ns. */
uint64_t dp_now_ns(void);

#endif
