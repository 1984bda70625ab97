/* tsopt.c: the exported JNA wrappers of the timestamp code in src/shared/tsopt.h. */
#include <string.h>

#include "cookie.h"

/* ---- exported wrappers ---- */

DP_EXPORT uint32_t dp_ts_tsval(uint64_t now_ms, uint32_t tsoff, int32_t wscale, int32_t sack, int32_t ecn)
{
	return dp_cookie_tsval(now_ms, dp_ts_options(wscale, sack != 0, ecn != 0), tsoff);
}

static enum dp_tsoff_rule rule_of(int32_t rule)
{
	return rule == 2 ? DP_TSOFF_2026 : rule == 1 ? DP_TSOFF_PRE2026 : DP_TSOFF_NONE;
}

DP_EXPORT uint32_t dp_ts_tsoff4(int32_t rule, const uint64_t secret[2], const uint8_t local[4], const uint8_t remote[4],
				uint32_t lport, uint32_t rport)
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

DP_EXPORT int32_t dp_ts_decode(int32_t saw_tstamp, uint32_t tsecr_minus_tsoff, int32_t tcp_timestamps, int32_t tcp_sack,
			       int32_t tcp_window_scaling, int32_t tcp_ecn)
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
