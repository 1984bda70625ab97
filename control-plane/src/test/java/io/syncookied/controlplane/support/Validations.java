package io.syncookied.controlplane.support;

import java.util.Set;

import io.syncookied.controlplane.hosts.HostsValidation;

/** The load-time checks of a hosts file as production makes them, with the router targets a test configures. */
public final class Validations {

	private Validations() {
	}

	/** Filters compiled by the real native code; these router targets exist. */
	public static HostsValidation targets(String... targets) {
		return HostsValidation.of(() -> Set.of(targets));
	}

}
