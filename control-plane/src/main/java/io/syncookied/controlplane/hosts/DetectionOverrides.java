package io.syncookied.controlplane.hosts;

import org.jspecify.annotations.Nullable;

/**
 * Per-host detection thresholds from the hosts file; a null field falls back to {@code syncookied.detection.*}.
 */
public record DetectionOverrides(@Nullable Long startSynRate, @Nullable Long endSynRate, @Nullable Long startRxPps,
		@Nullable Integer consecutiveSamples) {

	public static final DetectionOverrides NONE = new DetectionOverrides(null, null, null, null);

}
