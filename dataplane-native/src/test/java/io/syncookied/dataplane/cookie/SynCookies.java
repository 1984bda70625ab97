package io.syncookied.dataplane.cookie;

import io.syncookied.common.SipKey;
import io.syncookied.common.TsOffsetRule;
import io.syncookied.dataplane.jna.CookieLibrary;
import io.syncookied.dataplane.jna.NativeDataplane;
import java.util.OptionalInt;

/**
 * Kernel-exact SYN cookies through the native dataplane library: make and check (IPv4/IPv6, SipHash and legacy
 * SHA-1), the cookie timestamp and the timestamp offset. Values that are unsigned 32-bit on the wire are
 * {@code long} here (0..2^32-1). Every method throws {@link IllegalStateException} when the native library is
 * unavailable ({@link NativeDataplane#unavailabilityCause()} says why), and {@link IllegalArgumentException} naming
 * the field for an out-of-range value.
 */
public final class SynCookies {

	private SynCookies() {
	}

	public static boolean isAvailable() {
		return NativeDataplane.isAvailable();
	}

	private static CookieLibrary lib() {
		return CookieHolder.COOKIES;
	}

	/** The cookie the server's kernel puts in its SYN-ACK; {@code mss} is the SYN's MSS option (536 if none). */
	public static Cookie make(CookieSecret secret, long count, TcpTuple t, long clientSeq, int mss) {
		int[] out = new int[3];
		checkU32("count", count);
		checkU32("clientSeq", clientSeq);
		checkMss(mss);
		byte[] c = t.client().getAddress();
		byte[] s = t.server().getAddress();
		long[] k0 = new long[] { secret.k0().w0(), secret.k0().w1() };
		long[] k1 = new long[] { secret.k1().w0(), secret.k1().w1() };
		if (t.isIpv6()) {
			lib().dp_cookie6_make(k0, k1, (int) count, c, s, t.clientPort(), t.serverPort(), (int) clientSeq, mss, out);
		} else {
			lib().dp_cookie4_make(k0, k1, (int) count, c, s, t.clientPort(), t.serverPort(), (int) clientSeq, mss, out);
		}
		return new Cookie(Integer.toUnsignedLong(out[0]), out[1], out[2]);
	}

	/**
	 * Checks the cookie an ACK carries as the server's kernel would at its current {@code count} (ages 0 and 1 pass).
	 *
	 * @param ackSeq the ACK segment's sequence number
	 * @param ackAck the ACK segment's acknowledgement number
	 * @return the table MSS the cookie encodes, or empty when the kernel would reject it
	 */
	public static OptionalInt check(CookieSecret secret, long count, TcpTuple t, long ackSeq, long ackAck) {
		checkU32("count", count);
		checkU32("ackSeq", ackSeq);
		checkU32("ackAck", ackAck);
		byte[] c = t.client().getAddress();
		byte[] s = t.server().getAddress();
		long[] k0 = new long[] { secret.k0().w0(), secret.k0().w1() };
		long[] k1 = new long[] { secret.k1().w0(), secret.k1().w1() };
		int mss = t.isIpv6()
				? lib().dp_cookie6_check(k0, k1, (int) count, c, s, t.clientPort(), t.serverPort(), (int) ackSeq,
						(int) ackAck)
				: lib().dp_cookie4_check(k0, k1, (int) count, c, s, t.clientPort(), t.serverPort(), (int) ackSeq,
						(int) ackAck);
		return mss > 0 ? OptionalInt.of(mss) : OptionalInt.empty();
	}

	/** Legacy SHA-1 cookie (kernels up to 4.10). */
	public static Cookie makeLegacy(LegacySecret secret, long count, TcpTuple t, long clientSeq, int mss) {
		int[] out = new int[3];
		checkU32("count", count);
		checkU32("clientSeq", clientSeq);
		checkMss(mss);
		byte[] c = t.client().getAddress();
		byte[] s = t.server().getAddress();
		if (t.isIpv6()) {
			lib().dp_cookie6_make_sha1(secret.slot0(), secret.slot1(), (int) count, c, s, t.clientPort(),
					t.serverPort(), (int) clientSeq, mss, out);
		} else {
			lib().dp_cookie4_make_sha1(secret.slot0(), secret.slot1(), (int) count, c, s, t.clientPort(),
					t.serverPort(), (int) clientSeq, mss, out);
		}
		return new Cookie(Integer.toUnsignedLong(out[0]), out[1], out[2]);
	}

	/** Legacy SHA-1 check; see {@link #check}. */
	public static OptionalInt checkLegacy(LegacySecret secret, long count, TcpTuple t, long ackSeq, long ackAck) {
		checkU32("count", count);
		checkU32("ackSeq", ackSeq);
		checkU32("ackAck", ackAck);
		byte[] c = t.client().getAddress();
		byte[] s = t.server().getAddress();
		int mss = t.isIpv6()
				? lib().dp_cookie6_check_sha1(secret.slot0(), secret.slot1(), (int) count, c, s, t.clientPort(),
						t.serverPort(), (int) ackSeq, (int) ackAck)
				: lib().dp_cookie4_check_sha1(secret.slot0(), secret.slot1(), (int) count, c, s, t.clientPort(),
						t.serverPort(), (int) ackSeq, (int) ackAck);
		return mss > 0 ? OptionalInt.of(mss) : OptionalInt.empty();
	}

	/**
	 * TSval of the cookie SYN-ACK: the server's ms clock rounded down with the option bits in its low 6 bits, plus
	 * tsoff.
	 *
	 * @param wscale the client's window-scale shift, or empty when its SYN had none
	 */
	public static long tsval(long nowMs, long tsoff, OptionalInt wscale, boolean sack, boolean ecn) {
		if (nowMs < 0) {
			throw new IllegalArgumentException("nowMs " + nowMs + ": expected >= 0");
		}
		checkU32("tsoff", tsoff);
		int ws = wscale.orElse(-1);
		if (wscale.isPresent() && (ws < 0 || ws > 255)) {
			throw new IllegalArgumentException("wscale " + ws + ": expected 0..255");
		}
		return Integer.toUnsignedLong(lib().dp_ts_tsval(nowMs, (int) tsoff, ws, sack ? 1 : 0, ecn ? 1 : 0));
	}

	/** The connection's timestamp offset under {@code rule}; local = the protected server. */
	public static long tsoff(TsOffsetRule rule, SipKey secret, TcpTuple t) {
		byte[] local = t.server().getAddress();
		byte[] remote = t.client().getAddress();
		long[] k = { secret.w0(), secret.w1() };
		int r = t.isIpv6()
				? lib().dp_ts_tsoff6(rule.code(), k, local, remote, t.serverPort(), t.clientPort())
				: lib().dp_ts_tsoff4(rule.code(), k, local, remote, t.serverPort(), t.clientPort());
		return Integer.toUnsignedLong(r);
	}

	private static void checkU32(String name, long v) {
		if (v < 0 || v > 0xffff_ffffL) {
			throw new IllegalArgumentException(name + " " + v + ": expected 0..4294967295");
		}
	}

	private static void checkMss(int mss) {
		if (mss < 0 || mss > 0xffff) {
			throw new IllegalArgumentException("mss " + mss + ": expected 0..65535");
		}
	}

	private static final class CookieHolder {
		static final CookieLibrary COOKIES = NativeDataplane.load(CookieLibrary.class);
	}
}
