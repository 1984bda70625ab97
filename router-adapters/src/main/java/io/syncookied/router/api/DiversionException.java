package io.syncookied.router.api;

/**
 * Every way a diversion call can fail. The message is one line an operator can act on and always
 * names the target. {@link #isTransient()} says whether retrying the same call may help; the
 * resilience wrapper retries only those.
 */
public abstract sealed class DiversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String target;

	DiversionException(String target, String message, Throwable cause) {
		super(target + ": " + message, cause);
		this.target = target;
	}

	public String target() {
		return this.target;
	}

	/** Short machine name, used as the {@code outcome} metric tag and by the CLI. */
	public abstract String kind();

	public boolean isTransient() {
		return false;
	}

	/** Connection refused, no route, DNS, SNMP request without a response. */
	public static final class Unreachable extends DiversionException {

		private static final long serialVersionUID = 1L;

		public Unreachable(String target, String message, Throwable cause) {
			super(target, "unreachable: " + message, cause);
		}

		@Override
		public String kind() {
			return "unreachable";
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** Wrong key, password, community or USM credentials; or an unknown host key. */
	public static final class AuthFailed extends DiversionException {

		private static final long serialVersionUID = 1L;

		public AuthFailed(String target, String message, Throwable cause) {
			super(target, "authentication failed: " + message, cause);
		}

		@Override
		public String kind() {
			return "auth";
		}

	}

	/** The device refused the change; {@link #deviceMessage()} is its own text. */
	public static final class Rejected extends DiversionException {

		private static final long serialVersionUID = 1L;

		private final String deviceMessage;

		/** @param transientOnDevice e.g. Junos "configuration database locked": worth a retry */
		private final boolean transientOnDevice;

		public Rejected(String target, String deviceMessage, boolean transientOnDevice) {
			super(target, "rejected by device: " + deviceMessage, null);
			this.deviceMessage = deviceMessage;
			this.transientOnDevice = transientOnDevice;
		}

		public String deviceMessage() {
			return this.deviceMessage;
		}

		@Override
		public String kind() {
			return "rejected";
		}

		@Override
		public boolean isTransient() {
			return this.transientOnDevice;
		}

	}

	/** The change was accepted but the read-back shows something else. */
	public static final class VerificationFailed extends DiversionException {

		private static final long serialVersionUID = 1L;

		public VerificationFailed(String target, String message) {
			super(target, "verification failed: " + message, null);
		}

		@Override
		public String kind() {
			return "verification";
		}

	}

	/** The call did not finish within the target's timeout. The device state is unknown: read it back. */
	public static final class TimedOut extends DiversionException {

		private static final long serialVersionUID = 1L;

		public TimedOut(String target, String message, Throwable cause) {
			super(target, "timed out: " + message, cause);
		}

		@Override
		public String kind() {
			return "timeout";
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

	/** The target's circuit breaker is open: recent calls failed, so this one was not attempted. */
	public static final class CircuitOpen extends DiversionException {

		private static final long serialVersionUID = 1L;

		public CircuitOpen(String target, String message) {
			super(target, "circuit open: " + message, null);
		}

		@Override
		public String kind() {
			return "circuit_open";
		}

	}

	/** Too many calls to this target at once (bulkhead full). */
	public static final class Busy extends DiversionException {

		private static final long serialVersionUID = 1L;

		public Busy(String target, String message) {
			super(target, "busy: " + message, null);
		}

		@Override
		public String kind() {
			return "busy";
		}

		@Override
		public boolean isTransient() {
			return true;
		}

	}

}
