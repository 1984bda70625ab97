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
	uint8_t cookie_alg; /* 0 SipHash, 1 SHA-1 (17-word lines) */
	bool has_v6;	    /* format 2 syncookie6 lines present */
	bool all_zero;	    /* the kernel has not made its first cookie yet: keys are all zero */
	char overflow_hook[16];
	struct dp_tcp_profile profile; /* the agent's SYN-ACK window report (worker protocol only) */
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
	struct dp_host_cfg cfg; /* ip, mac, flags (passthrough, nosecret), mss, ...; cfg.filter owned (1 ref) */
	char ip_str[48];
	int line;
	char *filters_text; /* the rules as written, "filters=<action> <expr>\n" lines (owned), for HOST_GET */
};

struct dp_hosts {
	struct dp_host_entry *v;
	unsigned n;
};

/* A host entry being built from key/value pairs: a hosts.yml mapping or a worker-protocol host record. Both feed
 * the keys of host_schema.h through the same setters, so both accept exactly the same values. */
#define DP_MAX_RULES 256

/* The filters compiled while one file or request is parsed, by their rules' text: hosts that share a rule set (the
 * common case) share one compiled filter, so a request of n hosts costs n compiles only when all differ. */
struct dp_filter_memo {
	struct dp_memo_slot {
		const char *text; /* an entry's filters_text */
		struct dp_filter *f;
	} * slot;
	uint32_t mask, n;
};
int dp_filter_memo_init(struct dp_filter_memo *m);
void dp_filter_memo_free(struct dp_filter_memo *m);

struct dp_host_draft {
	struct dp_host_entry *e;
	bool seen[32]; /* by enum dp_host_key (checked against DP_HK_MAX in host_record.c) */
	struct dp_filter_rule rules[DP_MAX_RULES];
	unsigned n_rules;
	int rule_line[DP_MAX_RULES]; /* where each rule was written, for errors */
	enum dp_filter_action dflt;
	bool have_filters;
	int bad_line;		     /* after a failed finish: the line of the rule at fault, else 0 */
	struct dp_filter_memo *memo; /* NULL: compile every host's filters */
};

void dp_host_draft_init(struct dp_host_draft *d, struct dp_host_entry *e, int line, struct dp_filter_memo *memo);
/* Applies one key (a control-plane key is accepted and ignored). name = the key as written, for unknown keys.
 * NULL, or the reason with *field set to the field at fault. */
const char *dp_host_draft_set(struct dp_host_draft *d, const char *name, const char *value, const char **field,
			      char *why, size_t whylen);
/* One filter rule written at line; expr "default" sets the fallback. expr must live until dp_host_draft_finish. */
const char *dp_host_draft_rule(struct dp_host_draft *d, const char *expr, const char *action, int line, char *why,
			       size_t whylen);
/* Checks the required keys and compiles the filters: NULL or the reason with *field. */
const char *dp_host_draft_finish(struct dp_host_draft *d, const char **field, char *why, size_t whylen);

/* A hash set of protected IPs for duplicate checks and merges in time linear in the host count. */
struct dp_addr_set {
	uint32_t *slot; /* index + 1 into the owner's array; 0 = empty */
	uint32_t mask;
};
int dp_addr_set_init(struct dp_addr_set *s, unsigned n);
void dp_addr_set_free(struct dp_addr_set *s);
/* The index stored for ip, or -1; with add, stores idx when absent (and returns -1). at(i) gives entry i's address. */
int dp_addr_set_find(struct dp_addr_set *s, const struct dp_addr *ip, int idx, bool add,
		     const struct dp_addr *(*at)(const void *ctx, unsigned i), const void *ctx);

/* Parses the worker protocol's host records (docs/dataplane-worker-protocol.md): "key=value" lines, each record
 * starting with its ip= line. Errors name "<name>:<line>: <field>: <reason>". 0, -EINVAL or -ENOMEM. */
int dp_hosts_parse_wire(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen);
/* One protected IP's secrets. */
struct dp_secrets_rec {
	struct dp_addr ip;
	struct dp_secrets_file file;
};

/* Parses the records of a worker-protocol SECRETS request ("key=value" lines, secrets_schema.h; each record starts
 * with its ip= line) into *out (malloc'ed, *n records), each clock basis placed its age_ms into the past. 0, -ENOMEM,
 * or -EINVAL with "line N: <field>: <reason>" in err (then nothing is returned). */
int dp_secrets_parse_wire(const char *buf, size_t len, struct dp_secrets_rec **out, unsigned *n, char *err,
			  size_t errlen);

/* Parses an original-style hosts.yml (a YAML list of host mappings) from buf. Errors name
 * "<name>:<line>: <field>: <reason>". Filters are compiled here. 0, -EINVAL or -ENOMEM. */
int dp_hosts_parse(const char *buf, size_t len, const char *name, struct dp_hosts *out, char *err, size_t errlen);
int dp_hosts_load(const char *path, struct dp_hosts *out, char *err, size_t errlen);
void dp_hosts_free(struct dp_hosts *h);
/* Releases what one entry owns (its filter reference and rule text). */
void dp_host_entry_release(struct dp_host_entry *e);
/* A copy of e that owns its own references; 0 or -ENOMEM. */
int dp_host_entry_copy(struct dp_host_entry *dst, const struct dp_host_entry *src);
/* The host as a worker-protocol host record (what HOST_GET returns): malloc'ed text, NULL on ENOMEM. */
char *dp_host_render_wire(const struct dp_host_entry *e, uint64_t now_ns, size_t *len);
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
