package io.syncookied.controlplane.protection;

/** A protect request that must not be carried out (mode off, stale secrets, ...); the message says why. */
public final class ProtectionRefusedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String code;

	public ProtectionRefusedException(String code, String message) {
		super(message);
		this.code = code;
	}

	/** Short machine-readable reason: {@code mode-off}, {@code secrets-stale}, {@code ttl-too-long}. */
	public String code() {
		return this.code;
	}

}
