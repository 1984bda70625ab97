/* tsopt.c: cookie timestamp decode (cookie_timestamp_decode/cookie_ecn_ok), SYN option choice, and tsoff. */
#include <string.h>

#include "tsopt.h"

bool dp_cookie_timestamp_decode(const struct dp_ts_sysctls *sys, bool saw_tstamp, uint32_t tsecr,
				struct dp_ts_decoded *out)
{
	/* echoed timestamp, lowest bits contain options */
	uint32_t options = tsecr;

	memset(out, 0, sizeof(*out));
	if (!saw_tstamp)
		return true; /* tcp_clear_options(): no SACK, no window scaling, no ECN */

	out->saw_tstamp = true;
	if (!sys->tcp_timestamps)
		return false;

	out->sack_ok = (options & DP_TS_OPT_SACK) != 0;
	if (out->sack_ok && !sys->tcp_sack)
		return false;

	/* cookie_ecn_ok() never refuses the cookie: the connection uses ECN when the bit is set and tcp_ecn is on (or
	 * the route has the ECN feature, which we cannot see; then the server enables ECN where we say no). */
	out->ecn_ok = (options & DP_TS_OPT_ECN) != 0 && sys->tcp_ecn;

	if ((options & DP_TS_OPT_WSCALE_MASK) == DP_TS_OPT_WSCALE_MASK)
		return true; /* no window scaling */

	out->wscale_ok = true;
	out->snd_wscale = options & DP_TS_OPT_WSCALE_MASK;
	return sys->tcp_window_scaling != 0;
}

bool dp_cookie_syn_options(const struct dp_ts_sysctls *sys, bool ts_in, int wscale_in, bool sack_in,
			   bool ecn_setup, bool ip_ect, bool tcp_res1, uint32_t *options)
{
	bool ecn_ok;

	/* tcp_parse_options() only records TS/SACK/WSCALE of a SYN when the matching sysctl is on; without TS the
	 * cookie SYN-ACK carries MSS only (tcp_synack_options / cookie_init_sequence path). */
	if (!ts_in || !sys->tcp_timestamps) {
		*options = 0;
		return false;
	}
	if (!sys->tcp_window_scaling)
		wscale_in = -1;
	/* tcp_ecn_create_request(): th_ecn && ((!ect || res1) && (tcp_ecn || route ECN)) */
	ecn_ok = ecn_setup && sys->tcp_ecn && (!ip_ect || tcp_res1);
	*options = dp_ts_options(wscale_in, sack_in && sys->tcp_sack, ecn_ok);
	return true;
}

uint32_t dp_tsoff_v4(enum dp_tsoff_rule rule, const dp_siphash_key_t *secret, uint32_t local, uint32_t remote,
		     uint16_t lport, uint16_t rport)
{
	switch (rule) {
	case DP_TSOFF_2026:
		/* secure_tcp_seq_and_ts_off(): hash64 = siphash_3u32(saddr, daddr, sport << 16 | dport, &net_secret);
		 * union { struct { u32 seq; u32 ts_off; }; u64 hash64; }: ts_off is the high half. */
		return (uint32_t)(dp_siphash_3u32(local, remote, (uint32_t)lport << 16 | rport, secret) >> 32);
	case DP_TSOFF_PRE2026:
		/* secure_tcp_ts_off(): siphash_2u32(saddr, daddr, &ts_secret), truncated to u32 */
		return (uint32_t)dp_siphash_2u32(local, remote, secret);
	case DP_TSOFF_NONE:
	default:
		return 0;
	}
}

uint32_t dp_tsoff_v6(enum dp_tsoff_rule rule, const dp_siphash_key_t *secret, const uint8_t local[16],
		     const uint8_t remote[16], uint16_t lport, uint16_t rport)
{
	uint8_t m[36];

	switch (rule) {
	case DP_TSOFF_2026:
		/* secure_tcpv6_seq_and_ts_off(): { saddr, daddr, sport, dport } up to dport = 36 bytes */
		memcpy(m, local, 16);
		memcpy(m + 16, remote, 16);
		memcpy(m + 32, &lport, 2);
		memcpy(m + 34, &rport, 2);
		return (uint32_t)(dp_siphash(m, 36, secret) >> 32);
	case DP_TSOFF_PRE2026:
		/* secure_tcpv6_ts_off(): { saddr, daddr } = 32 bytes */
		memcpy(m, local, 16);
		memcpy(m + 16, remote, 16);
		return (uint32_t)dp_siphash(m, 32, secret);
	case DP_TSOFF_NONE:
	default:
		return 0;
	}
}

/* ---- exported wrappers ---- */

DP_EXPORT uint32_t dp_ts_tsval(uint64_t now_ms, uint32_t tsoff, int32_t wscale, int32_t sack, int32_t ecn)
{
	return dp_cookie_tsval(now_ms, dp_ts_options(wscale, sack != 0, ecn != 0), tsoff);
}

static enum dp_tsoff_rule rule_of(int32_t rule)
{
	return rule == 2 ? DP_TSOFF_2026 : rule == 1 ? DP_TSOFF_PRE2026 : DP_TSOFF_NONE;
}

DP_EXPORT uint32_t dp_ts_tsoff4(int32_t rule, const uint64_t secret[2], const uint8_t local[4],
				const uint8_t remote[4], uint32_t lport, uint32_t rport)
{
	dp_siphash_key_t k = { { secret[0], secret[1] } };
	uint32_t l, r;

	memcpy(&l, local, 4);
	memcpy(&r, remote, 4);
	return dp_tsoff_v4(rule_of(rule), &k, l, r, __builtin_bswap16((uint16_t)lport),
			   __builtin_bswap16((uint16_t)rport));
}

DP_EXPORT uint32_t dp_ts_tsoff6(int32_t rule, const uint64_t secret[2], const uint8_t local[16],
				const uint8_t remote[16], uint32_t lport, uint32_t rport)
{
	dp_siphash_key_t k = { { secret[0], secret[1] } };

	return dp_tsoff_v6(rule_of(rule), &k, local, remote, __builtin_bswap16((uint16_t)lport),
			   __builtin_bswap16((uint16_t)rport));
}

DP_EXPORT int32_t dp_ts_decode(int32_t saw_tstamp, uint32_t tsecr_minus_tsoff, int32_t tcp_timestamps,
			       int32_t tcp_sack, int32_t tcp_window_scaling, int32_t tcp_ecn)
{
	struct dp_ts_sysctls sys = {
		.tcp_timestamps = (uint8_t)tcp_timestamps,
		.tcp_sack = (uint8_t)tcp_sack,
		.tcp_window_scaling = (uint8_t)tcp_window_scaling,
		.tcp_ecn = (uint8_t)tcp_ecn,
	};
	struct dp_ts_decoded d;

	if (!dp_cookie_timestamp_decode(&sys, saw_tstamp != 0, tsecr_minus_tsoff, &d))
		return -1;
	return (d.wscale_ok ? d.snd_wscale : 0xf) | (d.sack_ok ? 1 << 4 : 0) | (d.ecn_ok ? 1 << 5 : 0) |
	       (d.saw_tstamp ? 1 << 6 : 0);
}
