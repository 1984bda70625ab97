/* tsopt.h: the SYN-cookie timestamp trick (option bits in the low 6 bits of TSval, kernel cookie_init_timestamp /
 * cookie_timestamp_decode / cookie_ecn_ok) and the per-connection timestamp offset (tsoff) of both kernel rules. */
#ifndef DP_SHARED_TSOPT_H
#define DP_SHARED_TSOPT_H

#include "siphash.h"

/*
 * TSval of a cookie SYN-ACK (include/net/tcp.h, net/ipv4/syncookies.c):
 *
 *   31                                  6   5     4     3   0
 *  +-------------------------------------+-----+------+------+
 *  | server ms clock, rounded down       | ECN | SACK |wscale|   (+ tsoff on the wire)
 *  +-------------------------------------+-----+------+------+
 *
 * wscale = the client's window-scale shift, or 0xF when the client sent no WSCALE.
 */
#define DP_TS_OPT_WSCALE_MASK 0xfU
#define DP_TS_OPT_SACK (1U << 4)
#define DP_TS_OPT_ECN (1U << 5)
#define DP_TSBITS 6
#define DP_TCP_MAX_WSCALE 14

/* The protected server's sysctls that decide what the cookie may encode and what its check accepts. */
struct dp_ts_sysctls {
	uint8_t tcp_timestamps; /* 0 off, 1 on with per-connection tsoff, 2 on with tsoff 0 */
	uint8_t tcp_sack;
	uint8_t tcp_window_scaling;
	uint8_t tcp_ecn; /* 0 off, 1 request+accept, 2 accept only (default) */
};

/* What an ACK's echoed TS says about the connection (cookie_timestamp_decode's tcp_options_received). */
struct dp_ts_decoded {
	bool saw_tstamp;
	bool sack_ok;
	bool wscale_ok;
	uint8_t snd_wscale;
	bool ecn_ok;
};

/* Option bits: wscale < 0 means the client sent no WSCALE (0xF); a shift above 14 is capped at 14 as the
 * kernel's tcp_parse_options does. */
DP_SHARED uint32_t dp_ts_options(int wscale, bool sack, bool ecn)
{
	uint32_t o = wscale < 0 ? DP_TS_OPT_WSCALE_MASK :
				  (uint32_t)(wscale > DP_TCP_MAX_WSCALE ? DP_TCP_MAX_WSCALE : wscale);

	if (sack)
		o |= DP_TS_OPT_SACK;
	if (ecn)
		o |= DP_TS_OPT_ECN;
	return o;
}

/*
 * cookie_init_timestamp(): the server's ms clock with the option bits in its low 6 bits, rounded down so the
 * result never exceeds now_ms: ts = (now >> 6) << 6 | options; if (ts > now) ts -= 1 << 6.
 * Returns the u32 TS clock value (before tsoff).
 */
DP_SHARED uint32_t dp_cookie_init_timestamp(uint64_t now_ms, uint32_t options)
{
	uint64_t ts = ((now_ms >> DP_TSBITS) << DP_TSBITS) | options;

	if (ts > now_ms)
		ts -= (uint64_t)1 << DP_TSBITS;
	return (uint32_t)ts;
}

/* TSval on the wire: dp_cookie_init_timestamp(now, options) + tsoff (mod 2^32). */
DP_SHARED uint32_t dp_cookie_tsval(uint64_t now_ms, uint32_t options, uint32_t tsoff)
{
	return dp_cookie_init_timestamp(now_ms, options) + tsoff;
}

/*
 * cookie_timestamp_decode() + cookie_ecn_ok(): tsecr is the ACK's echoed TS with tsoff already subtracted.
 * Returns false when the kernel would refuse the cookie: timestamps off but TS seen, or the bits ask for SACK or
 * window scaling that the sysctls disable. An ACK without TS decodes to no options. The ECN bit never refuses a
 * cookie (kernels >= 4.x); it gives ecn_ok when tcp_ecn is on (the kernel also when the route has the ECN feature,
 * which we cannot see).
 */
DP_SHARED bool dp_cookie_timestamp_decode(const struct dp_ts_sysctls *sys, bool saw_tstamp, uint32_t tsecr,
					  struct dp_ts_decoded *out)
{
	/* echoed timestamp, lowest bits contain options */
	uint32_t options = tsecr;

	*out = (struct dp_ts_decoded){ 0 };
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

/*
 * Which options a cookie SYN-ACK carries for this SYN, as the kernel decides them (tcp_parse_options and
 * tcp_ecn_create_request): returns false when no TS goes out (client sent none, or tcp_timestamps = 0: then the
 * SYN-ACK has MSS only and the ISN is the whole cookie). Otherwise *options gets the bits to encode.
 * wscale_in < 0: the SYN had no WSCALE. ecn_setup: ECE+CWR in the SYN; ip_ect: the SYN's IP header was ECT
 * (then, as in the kernel without ECN-capable CA, ECN is not negotiated unless the reserved bit res1 is set).
 */
DP_SHARED bool dp_cookie_syn_options(const struct dp_ts_sysctls *sys, bool ts_in, int wscale_in, bool sack_in,
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

/* How the server's kernel derives tsoff (net.ipv4.tcp_timestamps = 1). */
enum dp_tsoff_rule {
	DP_TSOFF_NONE = 0,    /* tcp_timestamps = 2 (or 0): tsoff = 0 */
	DP_TSOFF_PRE2026 = 1, /* ts_secret: low 32 bits of SipHash(local IP || remote IP) */
	DP_TSOFF_2026 = 2     /* net_secret: high 32 bits of SipHash(local IP || remote IP || ports) */
};

/*
 * tsoff of the connection the SYN opens. local = the protected server (the SYN's daddr/dport), remote = the client.
 * Addresses/ports in network byte order as in the headers.
 * 2026 rule (secure_tcp_seq_and_ts_off, IPv4): siphash_3u32(local, remote, lport << 16 | rport) >> 32, i.e. the
 *   12-byte message local ‖ remote ‖ rport ‖ lport; IPv6: siphash(local ‖ remote ‖ lport ‖ rport, 36 bytes) >> 32.
 * Pre-2026 (secure_tcp_ts_off): IPv4 siphash_2u32(local, remote) low 32 bits; IPv6 siphash(local ‖ remote, 32).
 */
DP_SHARED uint32_t dp_tsoff_v4(enum dp_tsoff_rule rule, const dp_siphash_key_t *secret, uint32_t local, uint32_t remote,
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

DP_SHARED uint32_t dp_tsoff_v6(enum dp_tsoff_rule rule, const dp_siphash_key_t *secret, const uint8_t local[16],
			       const uint8_t remote[16], uint16_t lport, uint16_t rport)
{
	uint64_t l0 = dp_le64(local), l1 = dp_le64(local + 8), r0 = dp_le64(remote), r1 = dp_le64(remote + 8);

	switch (rule) {
	case DP_TSOFF_2026:
		/* secure_tcpv6_seq_and_ts_off(): { saddr, daddr, sport, dport } up to dport = 36 bytes */
		return (uint32_t)(dp_siphash_4u64_1u32(l0, l1, r0, r1, (uint32_t)lport | (uint32_t)rport << 16,
						       secret) >>
				  32);
	case DP_TSOFF_PRE2026:
		/* secure_tcpv6_ts_off(): { saddr, daddr } = 32 bytes */
		return (uint32_t)dp_siphash_4u64(l0, l1, r0, r1, secret);
	case DP_TSOFF_NONE:
	default:
		return 0;
	}
}

#endif /* DP_SHARED_TSOPT_H */
