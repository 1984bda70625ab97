package io.syncookied.controlplane.detection;

import java.time.Duration;

import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.hosts.DetectionOverrides;

/**
 * Effective detection settings of one host: its {@code detection:} block over the defaults. The lines a sample is
 * compared with follow the host's learned baseline ({@link #lines}): a busy host gets proportionally higher lines,
 * a quiet one keeps the floors. The end line is below the start line (hysteresis), so a rate hovering around one
 * line does not flap.
 *
 * @param startSynRate floor of the start line: unanswered SYNs per second
 * @param endSynRate floor of the end line: unanswered SYNs per second (the EWMA must fall below it)
 * @param startRxPps floor of the NIC receive line; 0 disables the NIC signal
 * @param consecutiveSamples hot (or calm) samples in a row for a decision
 * @param startFactor the start line is at least this many times the baseline's answered SYN (and NIC) rate
 * @param endFactor the end line is at least this many times the baseline (below startFactor)
 * @param baselineTau time constant of the baseline's EWMA
 * @param baselineMaxSynRate ceiling of the baseline's answered SYN rate
 * @param baselineMaxRxPps ceiling of the baseline's NIC receive rate
 */
public record Thresholds(long startSynRate, long endSynRate, long startRxPps, int consecutiveSamples,
		double startFactor, double endFactor, Duration baselineTau, double baselineMaxSynRate,
		double baselineMaxRxPps) {

	public Thresholds {
		if (endSynRate >= startSynRate) {
			throw new IllegalArgumentException(
					"end SYN rate " + endSynRate + " must be below start SYN rate " + startSynRate);
		}
		if (endSynRate < 0 || startRxPps < 0 || consecutiveSamples < 1) {
			throw new IllegalArgumentException("end SYN rate and start rx pps must be >= 0 and consecutive samples >= 1, got "
					+ endSynRate + ", " + startRxPps + ", " + consecutiveSamples);
		}
		if (!(endFactor > 0) || !(endFactor < startFactor)) {
			throw new IllegalArgumentException(
					"end factor " + endFactor + " must be positive and below start factor " + startFactor);
		}
		if (baselineTau.isNegative() || baselineTau.isZero() || !(baselineMaxSynRate >= 0)
				|| !(baselineMaxRxPps >= 0)) {
			throw new IllegalArgumentException("baseline tau must be positive and its ceilings >= 0");
		}
	}

	public static Thresholds of(DetectionProperties defaults, DetectionOverrides host) {
		long start = (host.startSynRate() != null) ? host.startSynRate() : defaults.startSynRate();
		long end = (host.endSynRate() != null) ? host.endSynRate() : Math.min(defaults.endSynRate(), start - 1);
		return new Thresholds(start, end, (host.startRxPps() != null) ? host.startRxPps() : defaults.startRxPps(),
				(host.consecutiveSamples() != null) ? host.consecutiveSamples() : defaults.consecutiveSamples(),
				defaults.startFactor(), defaults.endFactor(), defaults.baselineTau(), defaults.baselineMaxSynRate(),
				defaults.baselineMaxRxPps());
	}

	/** The lines for a host whose baseline is {@code baseline}. */
	public Lines lines(Baseline.Level baseline) {
		double startRx = (this.startRxPps == 0) ? Double.POSITIVE_INFINITY
				: Math.max(this.startRxPps, this.startFactor * baseline.rxPps());
		double endRx = (this.startRxPps == 0) ? Double.POSITIVE_INFINITY
				: Math.max(this.startRxPps * ((double) this.endSynRate / this.startSynRate),
						this.endFactor * baseline.rxPps());
		return new Lines(Math.max(this.startSynRate, this.startFactor * baseline.answeredSynRate()),
				Math.max(this.endSynRate, this.endFactor * baseline.answeredSynRate()), startRx, endRx);
	}

	/**
	 * The lines in force for one sample: a sample is hot when its unanswered SYN rate (or NIC rate) reaches a start
	 * line, calm when the EWMAs are below the end lines. An infinite NIC line means the NIC signal is off.
	 */
	public record Lines(double startUnanswered, double endUnanswered, double startRxPps, double endRxPps) {
	}

}
