package io.syncookied.controlplane.protection.core;

/** The protection phase of one IP as operators see it (API, events, journal, the {@code syncookied.host.state} gauge). */
public enum Phase {

	UNPROTECTED(0), DIVERTING(1), PROTECTED(2), RESTORING(3), FAILED(4);

	private final int code;

	Phase(int code) {
		this.code = code;
	}

	/** The value of the {@code syncookied.host.state} gauge. */
	public int code() {
		return this.code;
	}

}
