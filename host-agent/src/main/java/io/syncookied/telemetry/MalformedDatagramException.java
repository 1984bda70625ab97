package io.syncookied.telemetry;

/**
 * A payload that authenticated but does not decode, or a value the encoder refuses. Carries no stack trace:
 * it is thrown per bad datagram and caught in the pipeline, so it must stay cheap.
 */
public final class MalformedDatagramException extends Exception {

	private static final long serialVersionUID = 1L;

	public MalformedDatagramException(String message) {
		super(message, null, false, false);
	}

}
