package io.syncookied.controlplane.protection.core;

import org.jspecify.annotations.Nullable;

/**
 * The tracked step a host waits for. At most one per host: a new divert or restore starts only when it is over.
 *
 * @param rollbackOf set while a failed divert is rolled back: the failure, which becomes the FAILED reason
 * @param restoreAfter a divert that must end in a restore: the worker came back while it was in flight, without
 *        fresh secrets for the host, so the new worker does not hold it
 */
public record InFlight(Step step, @Nullable String rollbackOf, boolean restoreAfter) {

	public InFlight(Step step, @Nullable String rollbackOf) {
		this(step, rollbackOf, false);
	}

	public static InFlight of(Step step) {
		return new InFlight(step, null, false);
	}

}
