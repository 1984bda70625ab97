/* test_shared_hostclock.c: the server clock estimate of src/shared/hostclock.h (unsigned, for the BPF target) against
 * the signed-arithmetic statement of the same rule, over random samples: offsets before and after the sample,
 * error bounds larger than the age, minute and millisecond boundaries. */
#include <stdint.h>

#include "crypto_check.h"
#include "hostclock.h"

/* The rule as the signed formulas state it (C division truncates towards zero). */
static void ref_count(const struct dp_clock_sample *s, uint64_t now, uint32_t *lo, uint32_t *hi)
{
	const int64_t minute = 60LL * 1000000000LL;
	int64_t age = (int64_t)now - (int64_t)s->base_ns, err, a, b;

	if (age < 0)
		age = 0;
	err = (int64_t)s->err_ns + age / 10000;
	a = age + (int64_t)s->phase_ns - err;
	b = age + (int64_t)s->phase_ns + err;
	*lo = s->count + (uint32_t)(a >= 0 ? a / minute : -((-a + minute - 1) / minute));
	*hi = s->count + (uint32_t)(b / minute);
}

static uint64_t ref_ts_ms(const struct dp_clock_sample *s, uint64_t now)
{
	int64_t age = (int64_t)now - (int64_t)s->base_ns, err, ms;

	if (age < 0)
		age = 0;
	err = (int64_t)s->err_ns + age / 10000;
	ms = (int64_t)s->ms + (age - err) / 1000000;
	return ms < 0 ? 0 : (uint64_t)ms;
}

int main(void)
{
	unsigned long long seed = 0x5eedc10cULL;

	for (int i = 0; i < 2000000; i++) {
		struct dp_clock_sample s = {
			.base_ns = 1000000000ULL + cc_rand(&seed) % (1ULL << 50),
			.phase_ns = cc_rand(&seed) % 60000000000ULL,
			.err_ns = (i & 1) ? cc_rand(&seed) % 5000000000ULL : cc_rand(&seed) % 200000000000ULL,
			.ms = (i & 2) ? cc_rand(&seed) % 3000 : cc_rand(&seed) % (1ULL << 40),
			.count = (uint32_t)cc_rand(&seed),
		};
		/* now from well before the sample (clamped to age 0) to days after it, or on a boundary */
		uint64_t now = s.base_ns - 1000000000ULL + cc_rand(&seed) % (1ULL << (20 + i % 30));
		uint32_t lo, hi, rlo, rhi;

		if (i % 7 == 0) /* exactly where (age + phase - err) crosses a minute */
			now = s.base_ns + s.err_ns - s.phase_ns + 60000000000ULL * (cc_rand(&seed) % 3);
		dp_clock_count(&s, now, &lo, &hi);
		ref_count(&s, now, &rlo, &rhi);
		CC_CHECK(lo == rlo && hi == rhi, "count: seed %llx i %d lo %u/%u hi %u/%u", seed, i, lo, rlo, hi, rhi);
		CC_CHECK(dp_clock_ts_ms(&s, now) == ref_ts_ms(&s, now), "ts_ms: i %d", i);
	}
	return cc_summary();
}
