package io.syncookied.controlplane.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Default flood detection thresholds (a host's {@code detection:} block overrides them).
 *
 * @param startSynRate SYN/s (EWMA) at or above which a sample counts as "attack"
 * @param endSynRate SYN/s (EWMA) below which a sample counts as "calm"; must be below startSynRate (hysteresis)
 * @param startRxPps NIC receive packets/s at or above which a sample counts as "attack"; 0 disables this signal
 * @param consecutiveSamples attack (or calm) samples in a row needed for a decision
 * @param ewmaTau time constant of the exponentially weighted moving average
 * @param window length of the sliding window whose mean and peak are reported with every decision
 * @param maxSampleGap a gap longer than this between two samples resets the rate (agent restart, lost packets)
 */
@Validated
@ConfigurationProperties("syncookied.detection")
public record DetectionProperties(@DefaultValue("50000") @Positive long startSynRate,
		@DefaultValue("10000") @Positive long endSynRate, @DefaultValue("0") @Min(0) long startRxPps,
		@DefaultValue("3") @Min(1) int consecutiveSamples,
		@DefaultValue("300ms") @NotNull Duration ewmaTau, @DefaultValue("5s") @NotNull Duration window,
		@DefaultValue("10s") @NotNull Duration maxSampleGap) {

	public DetectionProperties {
		if (endSynRate >= startSynRate) {
			throw new IllegalArgumentException("syncookied.detection.end-syn-rate (" + endSynRate
					+ ") must be below syncookied.detection.start-syn-rate (" + startSynRate + ") for hysteresis");
		}
		if (ewmaTau.isNegative() || ewmaTau.isZero()) {
			throw new IllegalArgumentException("syncookied.detection.ewma-tau must be positive, got " + ewmaTau);
		}
	}

}
