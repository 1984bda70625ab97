package io.syncookied.controlplane.hooks;

import java.util.Locale;

/**
 * How one attempt to hand an event to a receiver ended.
 *
 * @param detail what the receiver answered, for the log (an exit status and stderr, an HTTP status and body)
 */
record Attempt(Outcome outcome, String detail) {

	/** The tag {@code outcome} of {@code syncookied.hooks.attempts}. */
	enum Outcome {

		/** Delivered: exit status 0, HTTP 2xx. */
		OK,
		/** No answer in time: the script was killed, the request abandoned. Retried. */
		TIMEOUT,
		/** Failed in a way that may pass: a non-zero exit, a connection error, HTTP 408, 429 or 5xx. Retried. */
		ERROR,
		/** Refused for good: any other HTTP status (a retry would get the same answer). Not retried. */
		REJECTED;

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	boolean delivered() {
		return this.outcome == Outcome.OK;
	}

	boolean retryable() {
		return this.outcome == Outcome.TIMEOUT || this.outcome == Outcome.ERROR;
	}

}
