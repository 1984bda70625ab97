package io.syncookied.controlplane.detection;

import java.time.Instant;

/**
 * Rates derived from two consecutive counter samples.
 *
 * @param synRate estimated SYN arrivals per second, whatever became of them
 * @param unansweredRate SYNs per second that did not become a connection: cookies that never came back and SYNs the
 * kernel dropped. A flood of spoofed SYNs lands here; a flash crowd of real clients does not, because they complete
 * their handshakes.
 * @param rxPps NIC receive packets per second (0 when unknown)
 * @param source {@code agent} (kernel counters of the server) or {@code dataplane} (the firewall's own counters)
 */
public record RateSample(Instant at, double synRate, double unansweredRate, double rxPps, String source) {

	public RateSample {
		if (!(synRate >= 0) || !(unansweredRate >= 0) || !(rxPps >= 0)) {
			throw new IllegalArgumentException("rates must be non-negative numbers: syn=" + synRate + " unanswered="
					+ unansweredRate + " rx=" + rxPps);
		}
	}

	/**
	 * For counters that cannot tell answered from unanswered SYNs (the firewall's SYN count): every SYN counts as
	 * unanswered, which can only keep an attack on longer, never start one that the other signals would not.
	 */
	public RateSample(Instant at, double synRate, double rxPps, String source) {
		this(at, synRate, synRate, rxPps, source);
	}

	/** SYNs per second that became connections: the host's legitimate load, from which its baseline is learned. */
	public double answeredRate() {
		return Math.max(0, this.synRate - this.unansweredRate);
	}

}
