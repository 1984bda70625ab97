/* test_cookie_vectors.c: every real-kernel vector line through the cookie core: isn, mss_index, mss_encoded,
 * the kernel check (ages 0 and 1 accepted, -1 and 2 rejected, flipped bits rejected) and TSval. */
#include "cookie.h"
#include "crypto_check.h"
#include "tsopt.h"
#include "vectors.h"

static void secret_of(const struct vec *v, struct dp_cookie_secret *s)
{
	memset(s, 0, sizeof(*s));
	s->alg = DP_COOKIE_SIPHASH;
	s->key[0].key[0] = v->k0[0];
	s->key[0].key[1] = v->k0[1];
	s->key[1].key[0] = v->k1[0];
	s->key[1].key[1] = v->k1[1];
}

/* The kernel check as the server runs it on the ACK (seq = client_seq + 1, ack = isn + 1). */
static int check(const struct dp_cookie_secret *s, const struct vec *v, uint32_t seq, uint32_t ack, uint32_t count)
{
	uint16_t sp = htons(v->sport), dp = htons(v->dport);

	if (v->v6)
		return dp_cookie_v6_check(s, v->saddr, v->daddr, sp, dp, seq - 1, ack - 1, count);
	uint32_t sa, da;
	memcpy(&sa, v->saddr, 4);
	memcpy(&da, v->daddr, 4);
	return dp_cookie_v4_check(s, sa, da, sp, dp, seq - 1, ack - 1, count);
}

static void test_vector(const struct vec *v)
{
	struct dp_cookie_secret s;
	const uint16_t *tab = v->v6 ? dp_msstab6 : dp_msstab4;
	uint16_t mss =
		(uint16_t)(v->mss_in < 0 ? (v->v6 ? DP_TCP6_MSS_DEFAULT : DP_TCP_MSS_DEFAULT) : (unsigned)v->mss_in);
	unsigned idx = dp_mss_index(tab, mss);
	uint16_t sp = htons(v->sport), dp = htons(v->dport);
	uint32_t isn, seq = v->client_seq + 1, ack = v->isn + 1;
	int r;

	secret_of(v, &s);
	CC_CHECK(idx == v->mss_index, "line %d: mss_index %u want %u", v->line, idx, v->mss_index);
	CC_CHECK(tab[idx] == v->mss_encoded, "line %d: mss %u want %u", v->line, tab[idx], v->mss_encoded);
	if (v->v6) {
		isn = dp_cookie_v6_make(&s, v->saddr, v->daddr, sp, dp, v->client_seq, v->count, idx);
	} else {
		uint32_t sa, da;
		memcpy(&sa, v->saddr, 4);
		memcpy(&da, v->daddr, 4);
		isn = dp_cookie_v4_make(&s, sa, da, sp, dp, v->client_seq, v->count, idx);
	}
	CC_CHECK(isn == v->isn, "line %d: isn %u want %u", v->line, isn, v->isn);

	/* server's count == the cookie's, and one minute later: accepted with the encoded index */
	r = check(&s, v, seq, ack, v->count);
	CC_CHECK(r == (int)v->mss_index, "line %d: check at count gave %d", v->line, r);
	r = check(&s, v, seq, ack, v->count + 1);
	CC_CHECK(r == (int)v->mss_index, "line %d: check at count+1 gave %d", v->line, r);
	/* two minutes old, or from the server's future: rejected */
	CC_CHECK(check(&s, v, seq, ack, v->count + 2) < 0, "line %d: accepted at count+2", v->line);
	CC_CHECK(check(&s, v, seq, ack, v->count - 1) < 0, "line %d: accepted at count-1", v->line);
	/* a flipped bit above the two index bits never passes (bits 0-1 can land on another valid index, as in the
	 * kernel) */
	for (int b = 2; b < 32; b++)
		CC_CHECK(check(&s, v, seq, ack ^ (1U << b), v->count) < 0, "line %d: ack bit %d flip accepted", v->line,
			 b);
	CC_CHECK(check(&s, v, seq ^ 0x100, ack, v->count) < 0, "line %d: wrong seq accepted", v->line);

	/* TSval: ts_encode(ts_clock_ms rounded down, options) + tsoff, where the kernel put a TS */
	struct dp_ts_sysctls sys = { .tcp_timestamps = (uint8_t)v->tcp_timestamps,
				     .tcp_sack = 1,
				     .tcp_window_scaling = 1,
				     .tcp_ecn = 2 };
	uint32_t options;
	bool ts = dp_cookie_syn_options(&sys, v->ts_in, v->wscale_in, v->sack_in, v->ecn_in, false, false, &options);

	CC_CHECK(ts == v->has_ts, "line %d: TS in SYN-ACK %d, kernel %d", v->line, ts, v->has_ts);
	if (ts && v->has_ts) {
		uint32_t tsval = dp_cookie_tsval(v->ts_clock_ms, options, v->tsoff);
		struct dp_ts_decoded d;

		CC_CHECK(tsval == v->tsval, "line %d: tsval %u want %u", v->line, tsval, v->tsval);
		CC_CHECK(dp_cookie_init_timestamp(v->ts_clock_ms, options) <= v->ts_clock_ms, "line %d: ts ahead",
			 v->line);
		if (v->tcp_timestamps == 2)
			CC_CHECK(v->tsoff == 0, "line %d: tcp_timestamps=2 with tsoff %u", v->line, v->tsoff);
		/* the server's decode of the echoed TS gives back what the SYN offered */
		CC_CHECK(dp_cookie_timestamp_decode(&sys, true, v->tsval - v->tsoff, &d), "line %d: decode", v->line);
		CC_CHECK(d.sack_ok == v->sack_in && d.ecn_ok == v->ecn_in && d.wscale_ok == (v->wscale_in >= 0) &&
				 (!d.wscale_ok || d.snd_wscale == v->wscale_in),
			 "line %d: decoded options differ", v->line);
	}
}

int main(void)
{
	unsigned n;
	struct vec *v = vec_load(&n);

	CC_CHECK(n == 580, "expected 580 vectors, read %u", n);
	for (unsigned i = 0; i < n; i++)
		test_vector(&v[i]);
	free(v);
	printf("%u vectors checked\n", n);
	return cc_summary();
}
