package io.syncookied.controlplane.detection;

import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.hosts.DetectionOverrides;

/**
 * Effective thresholds of one host: its {@code detection:} block over the defaults. The end threshold is below the
 * start threshold (hysteresis), so a rate hovering around one line does not flap.
 */
public record Thresholds(long startSynRate, long endSynRate, long startRxPps, int consecutiveSamples) {

	public Thresholds {
		if (endSynRate >= startSynRate) {
			throw new IllegalArgumentException(
					"end SYN rate " + endSynRate + " must be below start SYN rate " + startSynRate);
		}
	}

	public static Thresholds of(DetectionProperties defaults, DetectionOverrides host) {
		long start = (host.startSynRate() != null) ? host.startSynRate() : defaults.startSynRate();
		long end = (host.endSynRate() != null) ? host.endSynRate() : Math.min(defaults.endSynRate(), start - 1);
		return new Thresholds(start, end, (host.startRxPps() != null) ? host.startRxPps() : defaults.startRxPps(),
				(host.consecutiveSamples() != null) ? host.consecutiveSamples() : defaults.consecutiveSamples());
	}

	/** NIC rx threshold for "calm", scaled like the SYN thresholds. */
	public double endRxPps() {
		return this.startRxPps * ((double) this.endSynRate / this.startSynRate);
	}

}
