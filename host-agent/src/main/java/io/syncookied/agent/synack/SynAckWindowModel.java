package io.syncookied.agent.synack;

import io.syncookied.common.SynAckWindow;

/**
 * The kernel's arithmetic for the window and window scale of a cookie SYN-ACK, as Linux 6.1 and 6.12 do it:
 * {@code tcp_openreq_init_rwin()} calling {@code tcp_select_initial_window()} with the listener's receive space
 * ({@code tcp_full_space()}), its window clamp and the server's MSS for the route. The SYN-ACK's window field is
 * {@code min(rcv_wnd, 65535)} ({@code tcp_make_synack()}), never scaled. Pure: the tests feed it values read from
 * real kernels and compare with the SYN-ACKs those kernels sent.
 */
public final class SynAckWindowModel {

	/** {@code TCP_MAX_WSCALE}. */
	static final int MAX_WSCALE = 14;

	/** {@code MAX_TCP_WINDOW}: the cap with {@code tcp_workaround_signed_windows}. */
	static final int MAX_SIGNED_WINDOW = 32767;

	/** {@code TCPOLEN_TSTAMP_ALIGNED}: what a timestamp option takes from every segment. */
	static final int TIMESTAMP_BYTES = 12;

	/** {@code TCP_MIN_MSS} (tcp_dst_advmss's floor). */
	static final int MIN_MSS = 88;

	/** {@code ip_rt_min_advmss} and {@code ip6_rt_min_advmss} defaults (256 and 1280 - 60). */
	static final int MIN_ADVMSS4 = 256;

	static final int MIN_ADVMSS6 = 1220;

	private SynAckWindowModel() {
	}

	/**
	 * The SYN-ACKs of a listener whose receive buffer is {@code rcvbuf} ({@code sk_rcvbuf}, what sock_diag reports).
	 * A listener created with the default buffer has exactly {@code tcp_rmem[1]}: any other value was set with
	 * SO_RCVBUF, which also locks the buffer (SOCK_RCVBUF_LOCK), and then the kernel clamps the window to the
	 * receive space. (SO_RCVBUF of exactly tcp_rmem[1] / 2 cannot be told from the default: see docs/limitations.md.)
	 */
	public static SynAckWindow forListener(TcpStack stack, long rcvbuf) {
		return compute(stack, rcvbuf, rcvbuf != stack.rmemDefault());
	}

	/** A listener with the default receive buffer. */
	public static SynAckWindow forDefaultListener(TcpStack stack) {
		return compute(stack, stack.rmemDefault(), false);
	}

	static SynAckWindow compute(TcpStack stack, long rcvbuf, boolean rcvbufLocked) {
		long fullSpace = stack.rule().fullSpace(rcvbuf, stack.tcpAdvWinScale());
		// tcp_openreq_init_rwin(): a listener's window_clamp is 0 (no TCP_WINDOW_CLAMP, no route "window" metric);
		// a locked buffer clamps it to the receive space
		long clamp = rcvbufLocked ? fullSpace : 0;
		if (clamp == 0) {
			clamp = 65535L << MAX_WSCALE;
		}
		int advmss4 = Math.max(Math.min(Math.max(stack.mtu4() - 40, MIN_ADVMSS4), 65535 - 40), MIN_MSS);
		int advmss6 = Math.max(Math.max(stack.mtu6() - 60, MIN_ADVMSS6), MIN_MSS);
		int wscale = wscale(stack, fullSpace, clamp, advmss4);
		return new SynAckWindow(wscale, window(stack, fullSpace, clamp, advmss4),
				window(stack, fullSpace, clamp, advmss4 - TIMESTAMP_BYTES), window(stack, fullSpace, clamp, advmss6),
				window(stack, fullSpace, clamp, advmss6 - TIMESTAMP_BYTES));
	}

	/** {@code tcp_select_initial_window()}'s receive space, rounded down to whole segments of {@code mss}. */
	private static long space(long fullSpace, long clamp, int mss) {
		long space = Math.min(Math.max(fullSpace, 0), clamp);
		return (space > mss) ? space - space % mss : space;
	}

	private static int window(TcpStack stack, long fullSpace, long clamp, int mss) {
		long space = space(fullSpace, clamp, mss);
		long rcvWnd = stack.workaroundSignedWindows() ? Math.min(space, MAX_SIGNED_WINDOW) : space;
		return (int) Math.max(1, Math.min(rcvWnd, 65535));
	}

	/**
	 * The shift from the largest window the listener could ever offer: the rounded space, {@code tcp_rmem[2]} and
	 * {@code rmem_max}, within the clamp. The sysctls or the clamp decide it unless the space itself exceeds both
	 * sysctls (an SO_RCVBUFFORCE buffer beyond rmem_max, or tcp_adv_win_scale <= 0 before 6.6); only then could the
	 * rounding to another MSS move it across a power of two, and the IPv4 SYN-ACK without timestamps speaks for all.
	 */
	private static int wscale(TcpStack stack, long fullSpace, long clamp, int mss) {
		if (!stack.windowScaling()) {
			return 0;
		}
		long space = Math.max(space(fullSpace, clamp, mss), Integer.toUnsignedLong(stack.rmemMax()));
		space = Math.max(space, Integer.toUnsignedLong(stack.coreRmemMax()));
		space = Math.min(space, clamp);
		int log2 = 63 - Long.numberOfLeadingZeros(Math.max(space, 1));
		return Math.max(0, Math.min(log2 - 15, MAX_WSCALE));
	}

}
