package io.syncookied.agent.synack;

/**
 * What a server's kernel consults when it sizes the window of a SYN-ACK, read from its sysctls and its default
 * routes' interfaces.
 *
 * @param rule how the listener's buffer becomes receive space (from the kernel release)
 * @param tcpAdvWinScale {@code net.ipv4.tcp_adv_win_scale} (only {@link WindowRule#ADV_WIN_SCALE} uses it)
 * @param rmemDefault {@code net.ipv4.tcp_rmem[1]}: a new listener's receive buffer
 * @param rmemMax {@code net.ipv4.tcp_rmem[2]}, sized from RAM at boot
 * @param coreRmemMax {@code net.core.rmem_max}
 * @param windowScaling {@code net.ipv4.tcp_window_scaling}
 * @param workaroundSignedWindows {@code net.ipv4.tcp_workaround_signed_windows}: windows capped at 32767
 * @param mtu4 the MTU towards IPv4 clients (the IPv4 default route's interface)
 * @param mtu6 the MTU towards IPv6 clients
 */
public record TcpStack(WindowRule rule, int tcpAdvWinScale, int rmemDefault, int rmemMax, int coreRmemMax,
		boolean windowScaling, boolean workaroundSignedWindows, int mtu4, int mtu6) {

	/** The smallest MTU an IPv6 link may have; IPv4's is smaller, but no real path to clients is. */
	static final int MIN_MTU = 576;

	public TcpStack {
		if (tcpAdvWinScale < -31 || tcpAdvWinScale > 31) {
			throw new IllegalArgumentException("tcp_adv_win_scale: " + tcpAdvWinScale + " is outside -31..31");
		}
		if (rmemDefault < 1 || rmemMax < 1 || coreRmemMax < 0) {
			throw new IllegalArgumentException("tcp_rmem/rmem_max: " + rmemDefault + " " + rmemMax + " " + coreRmemMax
					+ ": not positive");
		}
		if (mtu4 < MIN_MTU || mtu4 > 65536 || mtu6 < MIN_MTU || mtu6 > 65536) {
			throw new IllegalArgumentException("mtu: " + mtu4 + "/" + mtu6 + " is outside " + MIN_MTU + "..65536");
		}
	}

}
