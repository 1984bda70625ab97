/* test_cookie_props.c: property tests of the cookie core with random keys, tuples, counts and options:
 * make -> check round trips (SipHash and legacy SHA-1, v4 and v6), count wrap, burst == single, the legacy SHA-1
 * message layout against a literal transcription of the 4.10 kernel, TS encode/decode, and tsoff layouts. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cookie.h"
#include "crypto_check.h"
#include "sha1.h"
#include "tsopt.h"

#define ROUNDS 20000

static unsigned long long seed;

static uint32_t r32(void)
{
	return (uint32_t)(cc_rand(&seed) >> 32);
}
static uint64_t r64(void)
{
	return cc_rand(&seed);
}

static void rand_secret(struct dp_cookie_secret *s, enum dp_cookie_alg alg)
{
	memset(s, 0, sizeof(*s));
	s->alg = alg;
	for (int c = 0; c < 2; c++) {
		s->key[c].key[0] = r64();
		s->key[c].key[1] = r64();
		for (int i = 0; i < DP_SHA1_SECRET_WORDS; i++)
			s->sha1[c][i] = r32();
	}
}

static uint32_t rand_count(void)
{
	switch (r32() % 4) {
	case 0:
		return r32();
	case 1:
		return 0xffffffffU - (r32() % 3); /* u32 wrap */
	case 2:
		return (r32() << 8) | 0xff; /* 8-bit cookie count wraps at the next minute */
	default:
		return r32() % 1000;
	}
}

static void test_roundtrip(enum dp_cookie_alg alg, bool v6)
{
	for (int i = 0; i < ROUNDS; i++) {
		struct dp_cookie_secret s;
		uint8_t sa[16], da[16];
		uint32_t sa4, da4, count = rand_count(), seq = r32(), isn;
		uint16_t sp = (uint16_t)r32(), dp = (uint16_t)r32();
		unsigned idx = r32() % DP_MSS_TABLE_SIZE;
		int age0, age1, age2, future;

		rand_secret(&s, alg);
		for (int j = 0; j < 16; j++) {
			sa[j] = (uint8_t)r32();
			da[j] = (uint8_t)r32();
		}
		memcpy(&sa4, sa, 4);
		memcpy(&da4, da, 4);
		if (v6) {
			isn = dp_cookie_v6_make(&s, sa, da, sp, dp, seq, count, idx);
			age0 = dp_cookie_v6_check(&s, sa, da, sp, dp, seq, isn, count);
			age1 = dp_cookie_v6_check(&s, sa, da, sp, dp, seq, isn, count + 1);
			age2 = dp_cookie_v6_check(&s, sa, da, sp, dp, seq, isn, count + 2);
			future = dp_cookie_v6_check(&s, sa, da, sp, dp, seq, isn, count - 1);
		} else {
			isn = dp_cookie_v4_make(&s, sa4, da4, sp, dp, seq, count, idx);
			age0 = dp_cookie_v4_check(&s, sa4, da4, sp, dp, seq, isn, count);
			age1 = dp_cookie_v4_check(&s, sa4, da4, sp, dp, seq, isn, count + 1);
			age2 = dp_cookie_v4_check(&s, sa4, da4, sp, dp, seq, isn, count + 2);
			future = dp_cookie_v4_check(&s, sa4, da4, sp, dp, seq, isn, count - 1);
		}
		CC_CHECK(age0 == (int)idx && age1 == (int)idx && age2 < 0 && future < 0,
			 "alg %d v6 %d count %u idx %u: %d %d %d %d (seed %llu)", alg, v6, count, idx, age0, age1, age2,
			 future, seed);
	}
}

static void test_mss_index(void)
{
	/* largest entry <= mss; anything below the smallest maps to index 0 */
	CC_CHECK(dp_mss_index(dp_msstab4, 0) == 0 && dp_mss_index(dp_msstab4, 535) == 0, "v4 small");
	CC_CHECK(dp_mss_index(dp_msstab4, 536) == 0 && dp_mss_index(dp_msstab4, 1299) == 0, "v4 536");
	CC_CHECK(dp_mss_index(dp_msstab4, 1300) == 1 && dp_mss_index(dp_msstab4, 1439) == 1, "v4 1300");
	CC_CHECK(dp_mss_index(dp_msstab4, 1440) == 2 && dp_mss_index(dp_msstab4, 1459) == 2, "v4 1440");
	CC_CHECK(dp_mss_index(dp_msstab4, 1460) == 3 && dp_mss_index(dp_msstab4, 65535) == 3, "v4 1460");
	CC_CHECK(dp_mss_index(dp_msstab6, 1219) == 0 && dp_mss_index(dp_msstab6, 1420) == 1, "v6 low");
	CC_CHECK(dp_mss_index(dp_msstab6, 8939) == 2 && dp_mss_index(dp_msstab6, 8940) == 3, "v6 high");
	for (int i = 1; i < DP_MSS_TABLE_SIZE; i++)
		CC_CHECK(dp_msstab4[i - 1] < dp_msstab4[i] && dp_msstab6[i - 1] < dp_msstab6[i],
			 "Table must be sorted");
}

static void test_burst(void)
{
	struct dp_cookie_secret s;
	struct dp_cookie_v4_req req[67];
	uint32_t out[67], count = r32();

	rand_secret(&s, DP_COOKIE_SIPHASH);
	for (unsigned i = 0; i < 67; i++)
		req[i] = (struct dp_cookie_v4_req){ r32(), r32(), (uint16_t)r32(), (uint16_t)r32(), r32(), r32() % 4 };
	for (unsigned n = 0; n <= 67; n += (n < 9 ? 1 : 29)) {
		memset(out, 0, sizeof(out));
		dp_cookie_v4_make_burst(&s, count, req, out, n);
		for (unsigned i = 0; i < n; i++)
			CC_CHECK(out[i] == dp_cookie_v4_make(&s, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport,
							     req[i].client_seq, count, req[i].mss_index),
				 "burst n=%u lane %u", n, i);
	}

	/* tsoff burst (2026 rule) against the scalar tsoff of the same connection */
	uint32_t to[67];
	for (unsigned n = 0; n <= 67; n += (n < 9 ? 1 : 29)) {
		dp_tsoff_v4_2026_burst(&s.key[1], req, to, n);
		for (unsigned i = 0; i < n; i++)
			CC_CHECK(to[i] == dp_tsoff_v4(DP_TSOFF_2026, &s.key[1], req[i].daddr, req[i].saddr,
						      req[i].dport, req[i].sport),
				 "tsoff burst n=%u lane %u", n, i);
	}

	/* check burst: a mix of valid (ages 0, 1), too old, from the future, and tampered cookies */
	struct dp_cookie_v4_ack ack[67];
	int idx[67];
	for (unsigned alg = 0; alg < 2; alg++) {
		struct dp_cookie_secret t;

		rand_secret(&t, alg ? DP_COOKIE_SHA1_LEGACY : DP_COOKIE_SIPHASH);
		for (unsigned i = 0; i < 67; i++) {
			uint32_t made_at = count - (i % 5 == 4 ? (uint32_t)-1 : i % 5); /* ages 0,1,2,3,-1 */
			uint32_t isn = dp_cookie_v4_make(&t, req[i].saddr, req[i].daddr, req[i].sport, req[i].dport,
							 req[i].client_seq, made_at, req[i].mss_index);

			ack[i] = (struct dp_cookie_v4_ack){ req[i].saddr,      req[i].daddr,
							    req[i].sport,      req[i].dport,
							    req[i].client_seq, isn ^ (i % 7 == 6 ? 1U << 12 : 0) };
		}
		for (unsigned n = 0; n <= 67; n += (n < 9 ? 1 : 29)) {
			dp_cookie_v4_check_burst(&t, count, ack, idx, n);
			for (unsigned i = 0; i < n; i++) {
				int want = dp_cookie_v4_check(&t, ack[i].saddr, ack[i].daddr, ack[i].sport,
							      ack[i].dport, ack[i].sseq, ack[i].cookie, count);
				bool valid = i % 5 < 2 && i % 7 != 6;

				CC_CHECK(idx[i] == want && (valid ? want == (int)req[i].mss_index : want < 0),
					 "check burst alg %u n=%u lane %u: %d (scalar %d)", alg, n, i, idx[i], want);
			}
		}
	}
}

/* Literal transcription of the 4.10 kernel's cookie_hash() scratch layout (u32 tmp[16 + 5 + 80] on x86). */
static uint32_t kernel410_v4(const uint32_t secret[17], uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
			     uint32_t count)
{
	uint32_t tmp[16 + 5];

	memcpy(tmp + 4, secret, 17 * 4);
	tmp[0] = saddr;
	tmp[1] = daddr;
	tmp[2] = ((uint32_t)sport << 16) + dport;
	tmp[3] = count;
	dp_sha1_transform(tmp + 16, (const uint8_t *)tmp);
	return tmp[17];
}

static uint32_t kernel410_v6(const uint32_t secret[17], const uint8_t saddr[16], const uint8_t daddr[16],
			     uint16_t sport, uint16_t dport, uint32_t count)
{
	uint32_t tmp[16 + 5];

	memcpy(tmp + 10, secret, 44);
	memcpy(tmp, saddr, 16);
	memcpy(tmp + 4, daddr, 16);
	tmp[8] = ((uint32_t)sport << 16) + dport;
	tmp[9] = count;
	dp_sha1_transform(tmp + 16, (const uint8_t *)tmp);
	return tmp[17];
}

static void test_sha1_layout(void)
{
	for (int i = 0; i < 2000; i++) {
		uint32_t sec[17], sa = r32(), da = r32(), count = r32();
		uint16_t sp = (uint16_t)r32(), dp = (uint16_t)r32();
		uint8_t s6[16], d6[16];

		for (int j = 0; j < 17; j++)
			sec[j] = r32();
		for (int j = 0; j < 16; j++) {
			s6[j] = (uint8_t)r32();
			d6[j] = (uint8_t)r32();
		}
		CC_CHECK(dp_cookie_v4_hash_sha1(sec, sa, da, sp, dp, count) == kernel410_v4(sec, sa, da, sp, dp, count),
			 "sha1 v4 layout");
		CC_CHECK(dp_cookie_v6_hash_sha1(sec, s6, d6, sp, dp, count) == kernel410_v6(sec, s6, d6, sp, dp, count),
			 "sha1 v6 layout");
	}
}

/* The IPv4 SipHash message is saddr, daddr, dport, sport (wire bytes), count (LE): check the fast form against
 * the generic hash over those 16 bytes, and the IPv6 form against its 40-byte struct. */
static void test_siphash_layouts(void)
{
	for (int i = 0; i < 2000; i++) {
		dp_siphash_key_t k = { { r64(), r64() } };
		uint8_t m[40], s6[16], d6[16];
		uint32_t sa = r32(), da = r32(), count = r32();
		uint16_t sp = (uint16_t)r32(), dp = (uint16_t)r32();

		memcpy(m, &sa, 4);
		memcpy(m + 4, &da, 4);
		memcpy(m + 8, &dp, 2);
		memcpy(m + 10, &sp, 2);
		memcpy(m + 12, &count, 4);
		CC_CHECK(dp_cookie_v4_hash(&k, sa, da, sp, dp, count) == (uint32_t)dp_siphash(m, 16, &k), "v4 layout");

		for (int j = 0; j < 16; j++) {
			s6[j] = (uint8_t)r32();
			d6[j] = (uint8_t)r32();
		}
		memcpy(m, s6, 16);
		memcpy(m + 16, d6, 16);
		memcpy(m + 32, &count, 4);
		memcpy(m + 36, &sp, 2);
		memcpy(m + 38, &dp, 2);
		CC_CHECK(dp_cookie_v6_hash(&k, s6, d6, sp, dp, count) == (uint32_t)dp_siphash(m, 40, &k), "v6 layout");

		/* tsoff, 2026 rule: IPv4 local ‖ remote ‖ rport ‖ lport (12 bytes), high half */
		memcpy(m, &sa, 4);
		memcpy(m + 4, &da, 4);
		memcpy(m + 8, &dp, 2);
		memcpy(m + 10, &sp, 2);
		CC_CHECK(dp_tsoff_v4(DP_TSOFF_2026, &k, sa, da, sp, dp) == (uint32_t)(dp_siphash(m, 12, &k) >> 32),
			 "tsoff v4 2026");
		CC_CHECK(dp_tsoff_v4(DP_TSOFF_PRE2026, &k, sa, da, sp, dp) == (uint32_t)dp_siphash(m, 8, &k),
			 "tsoff v4 pre2026");
		CC_CHECK(dp_tsoff_v4(DP_TSOFF_NONE, &k, sa, da, sp, dp) == 0, "tsoff none");
		/* IPv6: local ‖ remote ‖ lport ‖ rport (36 bytes) */
		memcpy(m, s6, 16);
		memcpy(m + 16, d6, 16);
		memcpy(m + 32, &sp, 2);
		memcpy(m + 34, &dp, 2);
		CC_CHECK(dp_tsoff_v6(DP_TSOFF_2026, &k, s6, d6, sp, dp) == (uint32_t)(dp_siphash(m, 36, &k) >> 32),
			 "tsoff v6 2026");
		CC_CHECK(dp_tsoff_v6(DP_TSOFF_PRE2026, &k, s6, d6, sp, dp) == (uint32_t)dp_siphash(m, 32, &k),
			 "tsoff v6 pre2026");
	}
}

static void test_timestamps(void)
{
	const struct dp_ts_sysctls all = { 1, 1, 1, 2 };
	struct dp_ts_decoded d;

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t now = (i & 1) ? r64() : (r64() % 100000) + 64;
		int ws = (int)(r32() % 17) - 1; /* -1..15 */
		bool sack = r32() & 1, ecn = r32() & 1;
		uint32_t opt = dp_ts_options(ws, sack, ecn), tsoff = r32();
		uint32_t ts = dp_cookie_init_timestamp(now, opt);
		uint32_t tsval = dp_cookie_tsval(now, opt, tsoff);

		CC_CHECK((ts & 0x3f) == opt, "options kept in the low 6 bits");
		CC_CHECK((uint32_t)now - ts < 64, "ts %u not within 64 ms below now %llu", ts, (unsigned long long)now);
		CC_CHECK(tsval == ts + tsoff, "tsval = ts + tsoff");
		CC_CHECK(dp_cookie_timestamp_decode(&all, true, tsval - tsoff, &d), "decode");
		CC_CHECK(d.saw_tstamp && d.sack_ok == sack && d.ecn_ok == ecn && d.wscale_ok == (ws >= 0) &&
				 (ws < 0 || d.snd_wscale == (ws > 14 ? 14 : ws)),
			 "decoded options");
	}
	/* rounding down: never ahead of now, exactly as cookie_init_timestamp */
	CC_CHECK(dp_cookie_init_timestamp(3838, 62) == 3838, "3838|62");
	CC_CHECK(dp_cookie_init_timestamp(3837, 62) == 3774, "3837 rounds down a period");
	CC_CHECK(dp_cookie_init_timestamp(128, 0) == 128, "exact");
	/* refusals, as cookie_timestamp_decode / cookie_ecn_ok */
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 1, 2 }, false, 0xffffffff, &d) &&
			 !d.sack_ok && !d.wscale_ok && !d.ecn_ok,
		 "no TS: accepted without options");
	CC_CHECK(!dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 0, 1, 1, 2 }, true, 0xf, &d), "ts off");
	CC_CHECK(!dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 0, 1, 2 }, true, 0x1f, &d), "sack off");
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 0, 1, 2 }, true, 0x0f, &d), "sack off, unused");
	CC_CHECK(!dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 0, 2 }, true, 0x07, &d), "wscale off");
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 0, 2 }, true, 0x0f, &d), "wscale unused");
	/* ECN bit with tcp_ecn=0: accepted (cookie_ecn_ok only sets ireq->ecn_ok), the connection has no ECN */
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 1, 0 }, true, 0x2f, &d) && !d.ecn_ok,
		 "ecn off: accepted without ECN");
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 1, 1 }, true, 0x2f, &d) && d.ecn_ok,
		 "ecn on: ECN");
	CC_CHECK(dp_cookie_timestamp_decode(&(struct dp_ts_sysctls){ 1, 1, 1, 2 }, true, 0x0f, &d) && !d.ecn_ok,
		 "no ECN bit: no ECN");
	/* SYN option choice: no TS -> nothing; sysctls strip what the kernel would not record */
	uint32_t o;
	CC_CHECK(!dp_cookie_syn_options(&all, false, 7, true, true, false, false, &o), "no TS in SYN");
	CC_CHECK(!dp_cookie_syn_options(&(struct dp_ts_sysctls){ 0, 1, 1, 2 }, true, 7, true, false, false, false, &o),
		 "timestamps off");
	CC_CHECK(dp_cookie_syn_options(&(struct dp_ts_sysctls){ 1, 0, 0, 0 }, true, 7, true, true, false, false, &o) &&
			 o == 0xf,
		 "sack/ws/ecn off -> 0xf, got %#x", o);
	CC_CHECK(dp_cookie_syn_options(&all, true, 20, true, true, false, false, &o) && o == (14 | 16 | 32),
		 "wscale capped at 14, got %#x", o);
	CC_CHECK(dp_cookie_syn_options(&all, true, -1, false, true, true, false, &o) && o == 0xf,
		 "ECT SYN: no ECN, got %#x", o);
}

int main(void)
{
	const char *env = getenv("DP_TEST_SEED");

	seed = env ? strtoull(env, NULL, 0) : (unsigned long long)time(NULL) * 2654435761ULL + 1;
	printf("seed %llu (DP_TEST_SEED to repeat)\n", seed);
	test_mss_index();
	test_roundtrip(DP_COOKIE_SIPHASH, false);
	test_roundtrip(DP_COOKIE_SIPHASH, true);
	test_roundtrip(DP_COOKIE_SHA1_LEGACY, false);
	test_roundtrip(DP_COOKIE_SHA1_LEGACY, true);
	test_burst();
	test_sha1_layout();
	test_siphash_layouts();
	test_timestamps();
	return cc_summary();
}
