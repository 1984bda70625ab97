package io.syncookied.controlplane.api;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One host as the API shows it: protection state, intent, rates and agent freshness.
 *
 * @param pending why a wanted protection waits (the dataplane worker is not up), or null
 */
public record HostDto(String ip, String mode, String state, Instant since, String reason,
		@Nullable String mitigationId, boolean diverted, @Nullable Intent intent, @Nullable String pending,
		@Nullable Rates rates, Agent agent) {

	public record Intent(String trigger, String reason, @Nullable Instant expiresAt) {
	}

	public record Rates(double synRateEwma, double synRateWindowMean, double synRateWindowPeak, double rxPpsEwma,
			double score, boolean underAttack, String source, Instant at) {
	}

	/** Ages in milliseconds; null when nothing was received yet. */
	public record Agent(@Nullable Long secretsAgeMillis, @Nullable Long telemetryAgeMillis, boolean secretsFresh) {
	}

}
