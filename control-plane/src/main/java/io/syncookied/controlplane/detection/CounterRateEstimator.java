package io.syncookied.controlplane.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** Rate of one monotonic counter (the dataplane's SYNs for one IP). One instance per host, fed in order. */
public final class CounterRateEstimator {

	private final Duration maxGap;

	private @Nullable Instant lastAt;

	private long lastValue;

	public CounterRateEstimator(Duration maxGap) {
		this.maxGap = maxGap;
	}

	public Optional<Double> next(Instant at, long value) {
		Instant previousAt = this.lastAt;
		long previous = this.lastValue;
		this.lastAt = at;
		this.lastValue = value;
		if (previousAt == null) {
			return Optional.empty();
		}
		double seconds = Duration.between(previousAt, at).toNanos() / 1e9;
		if (seconds <= 0 || seconds > this.maxGap.toNanos() / 1e9 || value < previous) {
			return Optional.empty();
		}
		return Optional.of((value - previous) / seconds);
	}

	public void reset() {
		this.lastAt = null;
	}

}
