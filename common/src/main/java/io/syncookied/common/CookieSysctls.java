package io.syncookied.common;

/**
 * The server's sysctls (initial network namespace) that decide what its kernel accepts in a cookie ACK, as
 * /proc/tcp_secrets prints them. {@value #ABSENT} means the file did not say: the dataplane then assumes a stock
 * kernel (syncookies 1, timestamps 1, sack 1, window_scaling 1, ecn 2).
 */
public record CookieSysctls(int tcpSyncookies, int tcpTimestamps, int tcpSack, int tcpWindowScaling, int tcpEcn) {

	public static final int ABSENT = -1;

	/** Nothing known (the original 3-line format). */
	public static final CookieSysctls NONE = new CookieSysctls(ABSENT, ABSENT, ABSENT, ABSENT, ABSENT);

	public CookieSysctls {
		check("tcp_syncookies", tcpSyncookies);
		check("tcp_timestamps", tcpTimestamps);
		check("tcp_sack", tcpSack);
		check("tcp_window_scaling", tcpWindowScaling);
		check("tcp_ecn", tcpEcn);
	}

	private static void check(String name, int value) {
		if (value < ABSENT || value > 255) {
			throw new IllegalArgumentException(name + ": " + value + " is outside 0..255 (or absent)");
		}
	}

}
