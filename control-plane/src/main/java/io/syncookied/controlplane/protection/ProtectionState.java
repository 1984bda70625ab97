package io.syncookied.controlplane.protection;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Protection state of one IP: {@code UNPROTECTED → DIVERTING → PROTECTED → RESTORING → UNPROTECTED}, and
 * {@code FAILED} when a step failed. While DIVERTING the dataplane gets the host before the router is told; while
 * RESTORING the router override goes before the host leaves the dataplane.
 */
public sealed interface ProtectionState {

	Instant since();

	String reason();

	@Nullable String mitigationId();

	String name();

	/** True when the router may send this IP's traffic to the firewall. */
	boolean mayBeDiverted();

	record Unprotected(Instant since, String reason) implements ProtectionState {
		@Override
		public @Nullable String mitigationId() {
			return null;
		}

		@Override
		public String name() {
			return "UNPROTECTED";
		}

		@Override
		public boolean mayBeDiverted() {
			return false;
		}
	}

	record Diverting(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public String name() {
			return "DIVERTING";
		}

		@Override
		public boolean mayBeDiverted() {
			return true;
		}
	}

	record Protected(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public String name() {
			return "PROTECTED";
		}

		@Override
		public boolean mayBeDiverted() {
			return true;
		}
	}

	record Restoring(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public String name() {
			return "RESTORING";
		}

		@Override
		public boolean mayBeDiverted() {
			return true;
		}
	}

	/**
	 * A step failed. {@code diverted} says whether the router may still hold our override (then the host is kept in
	 * the dataplane, and reconciliation keeps trying to restore).
	 */
	record Failed(Instant since, String reason, @Nullable String mitigationId, boolean diverted)
			implements ProtectionState {
		@Override
		public String name() {
			return "FAILED";
		}

		@Override
		public boolean mayBeDiverted() {
			return this.diverted;
		}
	}

}
