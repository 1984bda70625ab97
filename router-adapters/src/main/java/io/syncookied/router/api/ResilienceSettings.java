package io.syncookied.router.api;

import java.time.Duration;

/**
 * Resilience4j settings for one target.
 * @param timeout whole-call time limit (one attempt, including read-back)
 * @param maxAttempts attempts for transient failures (unreachable, timeout, lock held), at least 1
 * @param backoff first wait between attempts; doubles each time
 * @param failureRateThreshold percent of failed calls that opens the breaker
 * @param minimumCalls calls in the sliding window before the rate is computed
 * @param openWait how long the breaker stays open before letting a trial call through
 * @param maxConcurrent calls to this device at once (bulkhead); 1 serialises changes
 */
public record ResilienceSettings(Duration timeout, int maxAttempts, Duration backoff, int failureRateThreshold,
		int minimumCalls, Duration openWait, int maxConcurrent) {

	public static ResilienceSettings defaults() {
		return new ResilienceSettings(Duration.ofSeconds(20), 3, Duration.ofMillis(500), 50, 4, Duration.ofSeconds(30), 1);
	}

}
