/* crypto_check.h: tiny assertion/summary helpers for the cookie-core C tests (last line "N passed, N failed"). */
#ifndef DP_TEST_CRYPTO_CHECK_H
#define DP_TEST_CRYPTO_CHECK_H

#include <stdio.h>

static unsigned cc_passed, cc_failed;

#define CC_CHECK(cond, ...)                                                             \
	do {                                                                            \
		if (cond) {                                                             \
			cc_passed++;                                                    \
		} else {                                                                \
			cc_failed++;                                                    \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
		}                                                                       \
	} while (0)

static inline int cc_summary(void)
{
	printf("%u passed, %u failed\n", cc_passed, cc_failed);
	return cc_failed ? 1 : 0;
}

/* xorshift64*: deterministic pseudo-random numbers for property tests (seed printed by each test). */
static inline unsigned long long cc_rand(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

#endif /* DP_TEST_CRYPTO_CHECK_H */
