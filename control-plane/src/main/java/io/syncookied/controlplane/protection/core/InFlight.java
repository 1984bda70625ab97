package io.syncookied.controlplane.protection.core;

import org.jspecify.annotations.Nullable;

/**
 * The tracked step a host waits for. At most one per host: a new divert or restore starts only when it is over.
 *
 * @param rollbackOf set while a failed divert is rolled back: the failure, which becomes the FAILED reason
 */
public record InFlight(Step step, @Nullable String rollbackOf) {

	public static InFlight of(Step step) {
		return new InFlight(step, null);
	}

}
