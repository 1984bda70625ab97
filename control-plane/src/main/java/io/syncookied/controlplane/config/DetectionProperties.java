package io.syncookied.controlplane.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Default flood detection settings (a host's {@code detection:} block overrides the thresholds).
 *
 * @param startSynRate unanswered SYN/s (cookies that never came back, plus drops) at or above which a sample is
 * "hot"; the floor of the start line, which rises with the host's baseline
 * @param endSynRate unanswered SYN/s (EWMA) below which a sample is "calm"; must be below startSynRate (hysteresis)
 * @param startRxPps NIC receive packets/s at or above which a sample is "hot"; 0 disables this signal
 * @param consecutiveSamples hot (or calm) samples in a row needed for a decision
 * @param ewmaTau time constant of the exponentially weighted moving average
 * @param window length of the sliding window whose mean and peak are reported with every decision
 * @param maxSampleGap a gap longer than this between two samples resets the rate (agent restart, lost packets)
 * @param startFactor the start lines are at least this multiple of the host's learned baseline
 * @param endFactor the end lines are at least this multiple of the baseline; below startFactor
 * @param baselineTau time constant of the learned baseline (answered SYNs, NIC rate of calm samples)
 * @param baselineMaxSynRate ceiling of the baseline's answered SYN/s
 * @param baselineMaxRxPps ceiling of the baseline's NIC packets/s
 */
@Validated
@ConfigurationProperties("syncookied.detection")
public record DetectionProperties(@DefaultValue("5000") @Positive long startSynRate,
		@DefaultValue("1000") @Positive long endSynRate, @DefaultValue("0") @Min(0) long startRxPps,
		@DefaultValue("3") @Min(1) int consecutiveSamples,
		@DefaultValue("300ms") @NotNull Duration ewmaTau, @DefaultValue("5s") @NotNull Duration window,
		@DefaultValue("10s") @NotNull Duration maxSampleGap, @DefaultValue("4") @Positive double startFactor,
		@DefaultValue("2") @Positive double endFactor, @DefaultValue("60s") @NotNull Duration baselineTau,
		@DefaultValue("20000") @Min(0) double baselineMaxSynRate,
		@DefaultValue("2000000") @Min(0) double baselineMaxRxPps) {

	@ConstructorBinding
	public DetectionProperties {
		if (endSynRate >= startSynRate) {
			throw new IllegalArgumentException("syncookied.detection.end-syn-rate (" + endSynRate
					+ ") must be below syncookied.detection.start-syn-rate (" + startSynRate + ") for hysteresis");
		}
		if (ewmaTau.isNegative() || ewmaTau.isZero()) {
			throw new IllegalArgumentException("syncookied.detection.ewma-tau must be positive, got " + ewmaTau);
		}
		if (!(endFactor < startFactor)) {
			throw new IllegalArgumentException("syncookied.detection.end-factor (" + endFactor
					+ ") must be below syncookied.detection.start-factor (" + startFactor + ") for hysteresis");
		}
		if (baselineTau.isNegative() || baselineTau.isZero()) {
			throw new IllegalArgumentException("syncookied.detection.baseline-tau must be positive, got " + baselineTau);
		}
	}

	/** The thresholds and smoothing, with the baseline settings at their defaults. */
	public DetectionProperties(long startSynRate, long endSynRate, long startRxPps, int consecutiveSamples,
			Duration ewmaTau, Duration window, Duration maxSampleGap) {
		this(startSynRate, endSynRate, startRxPps, consecutiveSamples, ewmaTau, window, maxSampleGap, 4, 2,
				Duration.ofSeconds(60), 20000, 2000000);
	}

}
