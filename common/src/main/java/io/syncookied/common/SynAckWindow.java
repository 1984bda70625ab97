package io.syncookied.common;

/**
 * The receive window and window scale a server's kernel puts into a cookie SYN-ACK (tcp_select_initial_window() from
 * the listener's receive space, {@code tcp_rmem[2]} and {@code net.core.rmem_max}).
 *
 * @param window the SYN-ACK's window field (never scaled in a SYN-ACK), 1..65535
 * @param wscale the window-scale shift the server announces, 0..14
 */
public record SynAckWindow(int window, int wscale) {

	/** The largest shift RFC 7323 allows. */
	public static final int MAX_WSCALE = 14;

	public SynAckWindow {
		if (window < 1 || window > 65535) {
			throw new IllegalArgumentException("window: " + window + " is outside 1..65535");
		}
		if (wscale < 0 || wscale > MAX_WSCALE) {
			throw new IllegalArgumentException("wscale: " + wscale + " is outside 0.." + MAX_WSCALE);
		}
	}

}
