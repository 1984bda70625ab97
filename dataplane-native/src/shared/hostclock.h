/* hostclock.h: the protected server's clocks estimated from one sample (its cookie count and TCP ms clock, taken
 * at our CLOCK_MONOTONIC base_ns with an error bound), never ahead of the server. Unsigned arithmetic only: the
 * XDP program has no signed 64-bit division. */
#ifndef DP_SHARED_HOSTCLOCK_H
#define DP_SHARED_HOSTCLOCK_H

#include "dp_shared.h"

#define DP_CLOCK_MINUTE_NS 60000000000ULL
#define DP_CLOCK_SKEW_DIV 10000ULL /* the error bound grows by 1/10000 (100 ppm) of the sample's age */

/* One host's clock sample (what the worker precomputes from the secrets it was given). */
struct dp_clock_sample {
	uint64_t base_ns;  /* our CLOCK_MONOTONIC at the sample */
	uint64_t phase_ns; /* how far into its current cookie minute the server was at the sample (< 1 minute) */
	uint64_t err_ns;   /* error bound at the sample */
	uint64_t ms;	   /* the server's TCP ms clock at the sample */
	uint32_t count;	   /* the server's cookie count at the sample */
};

DP_SHARED uint64_t dp_clock_age(const struct dp_clock_sample *s, uint64_t now_ns)
{
	return now_ns > s->base_ns ? now_ns - s->base_ns : 0;
}

/* The error bound at now: the sample's, plus 100 ppm of its age (clock skew between the two machines). */
DP_SHARED uint64_t dp_clock_err_ns(const struct dp_clock_sample *s, uint64_t now_ns)
{
	return s->err_ns + dp_clock_age(s, now_ns) / DP_CLOCK_SKEW_DIV;
}

/* The server's cookie count: lo at (now - error), hi at (now + error). Cookies are made with lo; ACKs are checked
 * against hi, then lo. A negative offset rounds towards minus infinity (lo may be the count before the sample's). */
DP_SHARED void dp_clock_count(const struct dp_clock_sample *s, uint64_t now_ns, uint32_t *lo, uint32_t *hi)
{
	uint64_t up = dp_clock_age(s, now_ns) + s->phase_ns, err = dp_clock_err_ns(s, now_ns);

	if (up >= err)
		*lo = s->count + (uint32_t)((up - err) / DP_CLOCK_MINUTE_NS);
	else
		*lo = s->count - (uint32_t)((err - up + DP_CLOCK_MINUTE_NS - 1) / DP_CLOCK_MINUTE_NS);
	*hi = s->count + (uint32_t)((up + err) / DP_CLOCK_MINUTE_NS);
}

/* The server's TCP timestamp clock (ms) at now minus the error bound, rounded towards the sample; never below 0. */
DP_SHARED uint64_t dp_clock_ts_ms(const struct dp_clock_sample *s, uint64_t now_ns)
{
	uint64_t age = dp_clock_age(s, now_ns), err = dp_clock_err_ns(s, now_ns), back;

	if (age >= err)
		return s->ms + (age - err) / 1000000;
	back = (err - age) / 1000000;
	return s->ms > back ? s->ms - back : 0;
}

/* The error bound at now in ms. */
DP_SHARED uint64_t dp_clock_err_ms(const struct dp_clock_sample *s, uint64_t now_ns)
{
	return dp_clock_err_ns(s, now_ns) / 1000000;
}

/*
 * Whether server_ts (an ACK's TS echo minus the connection's tsoff) is a TSval the server sent recently: within
 * DP_TS_REVALIDATE_MS before the latest its clock can show now (our estimate plus twice the error bound, plus a
 * second). A segment of a connection whose flow we lost proves itself this way; a blind attacker passes with
 * probability DP_TS_REVALIDATE_MS / 2^32 (7e-5).
 */
#define DP_TS_REVALIDATE_MS 300000u

DP_SHARED bool dp_clock_ts_recent(const struct dp_clock_sample *s, uint64_t now_ns, uint32_t server_ts)
{
	uint32_t upper = (uint32_t)(dp_clock_ts_ms(s, now_ns) + 2 * dp_clock_err_ms(s, now_ns) + 1000);

	return (uint32_t)(upper - server_ts) < DP_TS_REVALIDATE_MS;
}

#endif /* DP_SHARED_HOSTCLOCK_H */
