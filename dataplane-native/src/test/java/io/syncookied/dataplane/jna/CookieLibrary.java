package io.syncookied.dataplane.jna;

import com.sun.jna.Library;

/**
 * JNA binding of the exported cookie functions of {@code libsyncookied_dp.so} (src/core/cookie.h, tsopt.h).
 *
 * <p>All C {@code uint32_t} values arrive as Java {@code int} (use {@link Integer#toUnsignedLong(int)}); ports and
 * sequence numbers are in host order; addresses are their 4 or 16 wire bytes; a SipHash key is its two u64 words
 * in {@code /proc/tcp_secrets} order. Prefer the typed facade {@code io.syncookied.dataplane.cookie.SynCookies}.
 */
public interface CookieLibrary extends Library {

	/** IPv4 cookie; {@code out} = {isn, mss_index, table mss}. Returns 0. */
	int dp_cookie4_make(long[] k0, long[] k1, int count, byte[] saddr, byte[] daddr, int sport, int dport, int seq,
			int mss, int[] out);

	/** Checks the cookie an ACK carries ({@code seq}, {@code ack} are the ACK's own); table MSS or 0 = invalid. */
	int dp_cookie4_check(long[] k0, long[] k1, int count, byte[] saddr, byte[] daddr, int sport, int dport, int seq,
			int ack);

	int dp_cookie6_make(long[] k0, long[] k1, int count, byte[] saddr, byte[] daddr, int sport, int dport, int seq,
			int mss, int[] out);

	int dp_cookie6_check(long[] k0, long[] k1, int count, byte[] saddr, byte[] daddr, int sport, int dport, int seq,
			int ack);

	/** Legacy SHA-1 cookies (kernels up to 4.10): {@code s0}, {@code s1} are the 17 u32 words of each slot. */
	int dp_cookie4_make_sha1(int[] s0, int[] s1, int count, byte[] saddr, byte[] daddr, int sport, int dport,
			int seq, int mss, int[] out);

	int dp_cookie4_check_sha1(int[] s0, int[] s1, int count, byte[] saddr, byte[] daddr, int sport, int dport,
			int seq, int ack);

	int dp_cookie6_make_sha1(int[] s0, int[] s1, int count, byte[] saddr, byte[] daddr, int sport, int dport,
			int seq, int mss, int[] out);

	int dp_cookie6_check_sha1(int[] s0, int[] s1, int count, byte[] saddr, byte[] daddr, int sport, int dport,
			int seq, int ack);

	/** TSval of a cookie SYN-ACK: the ms clock rounded down with the option bits, plus tsoff. wscale -1 = none. */
	int dp_ts_tsval(long nowMs, int tsoff, int wscale, int sack, int ecn);

	/** tsoff; rule 0 = none, 1 = pre-2026 ({@code ts_secret}), 2 = 2026 ({@code net_secret}). local = server. */
	int dp_ts_tsoff4(int rule, long[] secret, byte[] local, byte[] remote, int lport, int rport);

	int dp_ts_tsoff6(int rule, long[] secret, byte[] local, byte[] remote, int lport, int rport);

	/** Decodes an echoed TS (tsoff removed) against the sysctls: -1 refused, else bits (0-3 wscale, 4 sack, 5 ecn,
	 * 6 saw TS). */
	int dp_ts_decode(int sawTstamp, int tsecrMinusTsoff, int tcpTimestamps, int tcpSack, int tcpWindowScaling,
			int tcpEcn);

	/** SipHash-2-4 of {@code len} bytes of {@code data}. */
	long dp_siphash(byte[] data, long len, long[] key);
}
