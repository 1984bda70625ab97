/* bench_cookie.c: micro benchmark of the cookie core (ns per cookie), not a test. `make bench-cookie`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cookie.h"
#include "tsopt.h"

#define N 4096
#define BURST 64

/* Thread CPU time, not wall time: on a shared, loaded machine a descheduled thread must not count. */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct dp_cookie_v4_req req[N];
static uint8_t a6[N][2][16];
static uint32_t out[N];
static volatile uint32_t sink;

#define RUN(label, per_iter, body)                                                                    \
	do {                                                                                          \
		double t0 = now_s(), t;                                                               \
		unsigned long long iters = 0;                                                         \
		do {                                                                                  \
			body;                                                                         \
			iters++;                                                                      \
		} while ((t = now_s() - t0) < seconds);                                               \
		printf("%-34s %7.2f ns/cookie  %7.2f M/s (thread CPU time)\n", label,                 \
		       t * 1e9 / ((double)iters * (per_iter)), (double)iters * (per_iter) / t / 1e6); \
	} while (0)

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	struct dp_cookie_secret s = { .alg = DP_COOKIE_SIPHASH,
				      .key = { { { 0x22d66e2a30aa5387ULL, 0x4b459b49f3a9d00aULL } },
					       { { 0x675e70b4be33f434ULL, 0xc1bf14b609b4e230ULL } } } };
	struct dp_cookie_secret legacy = { .alg = DP_COOKIE_SHA1_LEGACY };
	uint32_t count = 286326;

	srand(1);
	for (int i = 0; i < N; i++) {
		req[i] = (struct dp_cookie_v4_req){ (uint32_t)rand(), (uint32_t)rand(), (uint16_t)rand(),
						    (uint16_t)rand(), (uint32_t)rand(), (uint32_t)rand() % 4 };
		for (int j = 0; j < 16; j++) {
			a6[i][0][j] = (uint8_t)rand();
			a6[i][1][j] = (uint8_t)rand();
		}
	}
	for (int i = 0; i < DP_SHA1_SECRET_WORDS; i++)
		legacy.sha1[0][i] = legacy.sha1[1][i] = (uint32_t)rand();

	RUN("ipv4 make (scalar, one at a time)", N,
	    for (int i = 0; i < N; i++)
		    out[i] = dp_cookie_v4_make(&s, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport,
					       req[i].client_seq, count, req[i].mss_index));
	RUN("ipv4 make burst of 64 (SIMD)", N,
	    for (int i = 0; i < N; i += BURST) dp_cookie_v4_make_burst(&s, count, req + i, out + i, BURST));
	RUN("ipv4 check (ACK)", N,
	    for (int i = 0; i < N; i++) sink += (uint32_t)dp_cookie_v4_check(
		    &s, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport, req[i].client_seq, out[i], count));
	static struct dp_cookie_v4_ack acks[N];
	static int idx[N];
	for (int i = 0; i < N; i++)
		acks[i] = (struct dp_cookie_v4_ack){ req[i].saddr, req[i].daddr,      req[i].sport,
						     req[i].dport, req[i].client_seq, out[i] };
	RUN("ipv4 check burst of 64 (SIMD)", N,
	    for (int i = 0; i < N; i += BURST) dp_cookie_v4_check_burst(&s, count, acks + i, idx + i, BURST));
	sink += (uint32_t)idx[N - 1];
	RUN("ipv6 make", N,
	    for (int i = 0; i < N; i++) out[i] = dp_cookie_v6_make(&s, a6[i][0], a6[i][1], req[i].sport, req[i].dport,
								   req[i].client_seq, count, req[i].mss_index));
	RUN("ipv4 make legacy SHA-1", N,
	    for (int i = 0; i < N; i++)
		    out[i] = dp_cookie_v4_make(&legacy, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport,
					       req[i].client_seq, count, req[i].mss_index));
	RUN("tsoff ipv4 2026 rule", N,
	    for (int i = 0; i < N; i++) out[i] =
		    dp_tsoff_v4(DP_TSOFF_2026, &s.key[0], req[i].daddr, req[i].saddr, req[i].dport, req[i].sport));
	RUN("tsoff ipv4 2026 burst of 64 (SIMD)", N,
	    for (int i = 0; i < N; i += BURST) dp_tsoff_v4_2026_burst(&s.key[0], req + i, out + i, BURST));
	sink += out[N - 1];
	return 0;
}
