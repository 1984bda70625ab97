package io.syncookied.telemetry;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Receiver settings. {@code ratePerSecond}/{@code burst}: token bucket per source IP, applied before any crypto.
 * {@code untrustedRatePerSecond}/{@code untrustedBurst}: one bucket shared by every source that has not yet sent an
 * authenticated datagram, so spoofed source addresses cannot multiply the per-source allowance.
 * {@code maxSources}: bound on per-source state (rate buckets, trusted sources and counters). {@code eventBuffer}:
 * events held for slow subscribers before new ones are dropped (and counted). {@code instanceTimeout}: how long a
 * sender instance stays live after its last authenticated datagram, superseding older instances of its key.
 */
public record ReceiverConfig(InetSocketAddress bind, KeyRing keys, Duration maxClockSkew, double ratePerSecond,
		int burst, double untrustedRatePerSecond, int untrustedBurst, int maxSources, int eventBuffer,
		boolean autoResend, Duration instanceTimeout) {

	public ReceiverConfig {
		if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
			throw new IllegalArgumentException("maxClockSkew: must be positive, got " + maxClockSkew);
		}
		if (!(ratePerSecond > 0) || burst < 1) {
			throw new IllegalArgumentException("ratePerSecond/burst: must be positive");
		}
		if (!(untrustedRatePerSecond > 0) || untrustedBurst < 1) {
			throw new IllegalArgumentException("untrustedRatePerSecond/untrustedBurst: must be positive");
		}
		if (maxSources < 1 || eventBuffer < 1) {
			throw new IllegalArgumentException("maxSources/eventBuffer: must be positive");
		}
		if (instanceTimeout.isNegative() || instanceTimeout.isZero()) {
			throw new IllegalArgumentException("instanceTimeout: must be positive, got " + instanceTimeout);
		}
	}

	public static ReceiverConfig defaults(InetSocketAddress bind, KeyRing keys) {
		return new ReceiverConfig(bind, keys, Duration.ofSeconds(30), 200, 400, 5000, 10_000, 4096, 4096, true,
				DatagramOpener.DEFAULT_INSTANCE_TIMEOUT);
	}

	public ReceiverConfig withRate(double ratePerSecond, int burst) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, ratePerSecond, burst,
				this.untrustedRatePerSecond, this.untrustedBurst, this.maxSources, this.eventBuffer, this.autoResend,
				this.instanceTimeout);
	}

	public ReceiverConfig withUntrustedRate(double untrustedRatePerSecond, int untrustedBurst) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				untrustedRatePerSecond, untrustedBurst, this.maxSources, this.eventBuffer, this.autoResend,
				this.instanceTimeout);
	}

	public ReceiverConfig withMaxClockSkew(Duration skew) {
		return new ReceiverConfig(this.bind, this.keys, skew, this.ratePerSecond, this.burst,
				this.untrustedRatePerSecond, this.untrustedBurst, this.maxSources, this.eventBuffer, this.autoResend,
				this.instanceTimeout);
	}

	public ReceiverConfig withAutoResend(boolean autoResend) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				this.untrustedRatePerSecond, this.untrustedBurst, this.maxSources, this.eventBuffer, autoResend,
				this.instanceTimeout);
	}

	public ReceiverConfig withEventBuffer(int eventBuffer) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				this.untrustedRatePerSecond, this.untrustedBurst, this.maxSources, eventBuffer, this.autoResend,
				this.instanceTimeout);
	}

	public ReceiverConfig withInstanceTimeout(Duration instanceTimeout) {
		return new ReceiverConfig(this.bind, this.keys, this.maxClockSkew, this.ratePerSecond, this.burst,
				this.untrustedRatePerSecond, this.untrustedBurst, this.maxSources, this.eventBuffer, this.autoResend,
				instanceTimeout);
	}

}
