package io.syncookied.telemetry;

/** The type byte of the header. It is authenticated, so a reflected datagram cannot change meaning. */
public enum MessageType {

	/** Agent to control plane: counters every interval, secrets when changed or requested. */
	REPORT(1),
	/** Control plane to agent: send a full report (with secrets) now. Empty payload. */
	RESEND_REQUEST(2);

	private final int code;

	MessageType(int code) {
		this.code = code;
	}

	public int code() {
		return this.code;
	}

	/** @return the type, or {@code null} for an unknown code */
	static @org.jspecify.annotations.Nullable MessageType fromCode(int code) {
		return switch (code) {
			case 1 -> REPORT;
			case 2 -> RESEND_REQUEST;
			default -> null;
		};
	}

}
