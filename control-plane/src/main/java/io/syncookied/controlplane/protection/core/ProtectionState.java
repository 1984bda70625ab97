package io.syncookied.controlplane.protection.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Protection state of one IP: {@code UNPROTECTED → DIVERTING → PROTECTED → RESTORING → UNPROTECTED}, and
 * {@code FAILED} when a step failed. While DIVERTING the dataplane gets the host before the router is told; while
 * RESTORING the router override goes before the host leaves the dataplane. The step in flight is
 * {@link HostState#work()}.
 */
public sealed interface ProtectionState {

	Instant since();

	String reason();

	@Nullable String mitigationId();

	Phase phase();

	/** True when the router may send this IP's traffic to the firewall. */
	boolean mayBeDiverted();

	record Unprotected(Instant since, String reason) implements ProtectionState {
		@Override
		public @Nullable String mitigationId() {
			return null;
		}

		@Override
		public Phase phase() {
			return Phase.UNPROTECTED;
		}

		@Override
		public boolean mayBeDiverted() {
			return false;
		}
	}

	record Diverting(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public Phase phase() {
			return Phase.DIVERTING;
		}

		@Override
		public boolean mayBeDiverted() {
			return true;
		}
	}

	record Protected(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public Phase phase() {
			return Phase.PROTECTED;
		}

		@Override
		public boolean mayBeDiverted() {
			return true;
		}
	}

	record Restoring(Instant since, String reason, String mitigationId) implements ProtectionState {
		@Override
		public Phase phase() {
			return Phase.RESTORING;
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
		public Phase phase() {
			return Phase.FAILED;
		}

		@Override
		public boolean mayBeDiverted() {
			return this.diverted;
		}
	}

}
