package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Receiver settings. {@code ratePerSecond}/{@code burst}: token bucket per source IP, applied before any crypto.
 * {@code maxSources}: bound on per-source state (rate buckets and counters). {@code eventBuffer}: events held
 * for slow subscribers before new ones are dropped (and counted).
 */
public record ReceiverConfig(InetSocketAddress bind, KeyRing keys, Duration maxClockSkew, double ratePerSecond,
		int burst, int maxSources, int eventBuffer, boolean autoResend) {

	public ReceiverConfig {
		if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
			throw new IllegalArgumentException("maxClockSkew: must be positive, got " + maxClockSkew);
		}
		if (!(ratePerSecond > 0) || burst < 1) {
			throw new IllegalArgumentException("ratePerSecond/burst: must be positive");
		}
		if (maxSources < 1 || eventBuffer < 1) {
			throw new IllegalArgumentException("maxSources/eventBuffer: must be positive");
		}
	}

	public static ReceiverConfig defaults(InetSocketAddress bind, KeyRing keys) {
		return new ReceiverConfig(bind, keys, Duration.ofSeconds(30), 200, 400, 4096, 4096, true);
	}

	public ReceiverConfig withRate(double ratePerSecond, int burst) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, ratePerSecond, burst, this.maxSources,
				this.eventBuffer, this.autoResend);
	}

	public ReceiverConfig withMaxClockSkew(Duration skew) {
		return new ReceiverConfig(this.bind, this.keys, skew, this.ratePerSecond, this.burst, this.maxSources,
				this.eventBuffer, this.autoResend);
	}

	public ReceiverConfig withAutoResend(boolean autoResend) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				this.maxSources, this.eventBuffer, autoResend);
	}

	public ReceiverConfig withEventBuffer(int eventBuffer) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				this.maxSources, eventBuffer, this.autoResend);
	}

}
