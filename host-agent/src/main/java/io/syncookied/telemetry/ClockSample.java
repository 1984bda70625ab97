package io.syncookied.telemetry;

/**
 * The kernel clock as read from /proc/tcp_secrets, sampled together: jiffies, HZ, and (extended format only)
 * tcp_clock_ms, which TCP timestamps derive from. {@code sampledAtMs} is the agent's wall clock at the read,
 * so a receiver can map its own time onto the host's TCP clock.
 */
public record ClockSample(long jiffies, int hz, long cookieCount, long tcpClockMs, long sampledAtMs) {

	/** Value of {@link #tcpClockMs()} when the module printed the original 3-line format. */
	public static final long ABSENT = -1;

	public boolean hasTcpClock() {
		return this.tcpClockMs != ABSENT;
	}

}
