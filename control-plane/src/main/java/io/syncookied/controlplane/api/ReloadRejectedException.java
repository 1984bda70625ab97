package io.syncookied.controlplane.api;

import io.syncookied.controlplane.hosts.HostRegistry;

/** A reload whose file was rejected; the old configuration stays. */
final class ReloadRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient HostRegistry.ReloadResult result;

	ReloadRejectedException(HostRegistry.ReloadResult result) {
		super(result.message());
		this.result = result;
	}

	HostRegistry.ReloadResult result() {
		return this.result;
	}

}
