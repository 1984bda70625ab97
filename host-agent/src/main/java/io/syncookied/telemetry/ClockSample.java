package io.syncookied.telemetry;

import java.time.Instant;

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

	/**
	 * When the kernel printed this sample, on the receiver's clock: the arrival time minus the agent's own
	 * read-to-send delay. Both differences are taken on one clock each, so a skew between the agent's clock and
	 * the receiver's does not enter (the network transit, milliseconds, is not counted). Never after the arrival.
	 */
	public Instant sampledAt(Instant sentAt, Instant receivedAt) {
		long readToSend = Math.max(0, sentAt.toEpochMilli() - this.sampledAtMs);
		return receivedAt.minusMillis(readToSend);
	}

}
