package io.syncookied.agent.synack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the kernel turns a listener's receive buffer into the receive space of a SYN-ACK ({@code tcp_full_space()}).
 */
public enum WindowRule {

	/**
	 * Before 6.6: {@code space - (space >> tcp_adv_win_scale)} (or {@code space >> -scale} for a scale of 0 or less),
	 * with the sysctl {@code net.ipv4.tcp_adv_win_scale} (default 1: half the buffer).
	 */
	ADV_WIN_SCALE,

	/**
	 * 6.6 and later: {@code space * scaling_ratio >> 8}. A listener never receives data, so its ratio stays the
	 * kernel's default, 128 (half the buffer) since commit 697a6c8cec03 (6.10, also in the 6.6, 6.8 and 6.9 stable
	 * series); the sysctl is ignored.
	 */
	SCALING_RATIO;

	/** {@code TCP_DEFAULT_SCALING_RATIO}, out of {@code 1 << TCP_RMEM_TO_WIN_SCALE}. */
	static final int DEFAULT_SCALING_RATIO = 128;

	private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

	/** The rule of a kernel release ({@code /proc/sys/kernel/osrelease}, e.g. "6.1.0-57-amd64"). */
	public static WindowRule forRelease(String osrelease) {
		Matcher m = RELEASE.matcher(osrelease.trim());
		if (!m.find()) {
			throw new IllegalArgumentException("osrelease: '" + osrelease.trim() + "' does not start with MAJOR.MINOR");
		}
		int major = Integer.parseInt(m.group(1));
		int minor = Integer.parseInt(m.group(2));
		return (major > 6 || (major == 6 && minor >= 6)) ? SCALING_RATIO : ADV_WIN_SCALE;
	}

	/** {@code tcp_win_from_space(listener, rcvbuf)}. */
	long fullSpace(long rcvbuf, int tcpAdvWinScale) {
		if (this == SCALING_RATIO) {
			return (rcvbuf * DEFAULT_SCALING_RATIO) >> 8;
		}
		return (tcpAdvWinScale <= 0) ? rcvbuf >> -tcpAdvWinScale : rcvbuf - (rcvbuf >> tcpAdvWinScale);
	}

}
