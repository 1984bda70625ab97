package io.syncookied.controlplane.supervision;

import java.time.Duration;

/** The wait before restart attempt {@code n + 1}: {@code initial * 2^n}, capped. Attempts never stop. */
final class RestartBackoff {

	private RestartBackoff() {
	}

	static Duration delay(int attemptsSoFar, Duration initial, Duration max) {
		Duration delay = initial;
		for (int i = 0; i < attemptsSoFar && delay.compareTo(max) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return (delay.compareTo(max) > 0) ? max : delay;
	}

}
