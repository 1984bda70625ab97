package io.syncookied.telemetry;

/** Why the agent sent a report now. */
public enum ReportTrigger {

	INTERVAL(0), STARTUP(1), SECRETS_CHANGED(2), CLOCK_CHANGED(3), RESEND_REQUESTED(4);

	private final int code;

	ReportTrigger(int code) {
		this.code = code;
	}

	public int code() {
		return this.code;
	}

	static @org.jspecify.annotations.Nullable ReportTrigger fromCode(int code) {
		for (ReportTrigger t : values()) {
			if (t.code == code) {
				return t;
			}
		}
		return null;
	}

}
