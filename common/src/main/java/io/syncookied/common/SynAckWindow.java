package io.syncookied.common;

/**
 * The receive window and window scale a server's kernel puts into a cookie SYN-ACK (tcp_select_initial_window() from
 * the listener's receive space, {@code tcp_rmem[2]} and {@code net.core.rmem_max}). The window depends on the address
 * family and on whether the SYN-ACK carries timestamps, because the kernel rounds the receive space down to whole
 * segments of the server's MSS (MTU - 40 for IPv4, MTU - 60 for IPv6, 12 bytes less with timestamps): one listener
 * of a stock kernel sends 64240 and, with timestamps, 65160 over IPv4. The window field of a SYN-ACK is never
 * scaled.
 *
 * @param wscale the window-scale shift the server announces, 0..14 (sent only in SYN-ACKs with timestamps: a cookie
 * cannot encode it otherwise)
 * @param window4 an IPv4 SYN-ACK without timestamps, 1..65535
 * @param window4Ts an IPv4 SYN-ACK with timestamps
 * @param window6 an IPv6 SYN-ACK without timestamps
 * @param window6Ts an IPv6 SYN-ACK with timestamps
 */
public record SynAckWindow(int wscale, int window4, int window4Ts, int window6, int window6Ts) {

	/** The largest shift RFC 7323 allows. */
	public static final int MAX_WSCALE = 14;

	public SynAckWindow {
		if (wscale < 0 || wscale > MAX_WSCALE) {
			throw new IllegalArgumentException("wscale: " + wscale + " is outside 0.." + MAX_WSCALE);
		}
		check("window4", window4);
		check("window4_ts", window4Ts);
		check("window6", window6);
		check("window6_ts", window6Ts);
	}

	private static void check(String name, int window) {
		if (window < 1 || window > 65535) {
			throw new IllegalArgumentException(name + ": " + window + " is outside 1..65535");
		}
	}

	/** The window field of a SYN-ACK of that family, with or without timestamps. */
	public int window(boolean ipv6, boolean timestamps) {
		if (ipv6) {
			return timestamps ? this.window6Ts : this.window6;
		}
		return timestamps ? this.window4Ts : this.window4;
	}

}
