package io.syncookied.controlplane.protection.core;

import java.util.Locale;

/**
 * A dataplane or router call the core asks for. Its outcome comes back as {@link ProtectionEvent.StepDone} or
 * {@link ProtectionEvent.StepFailed}. The first four make up a divert, a restore or a rollback and are tracked as the
 * host's {@link HostState#work()}; the others are side calls whose failure is only reported.
 */
public enum Step {

	/** The host with fresh secrets (and the pickup window) reaches the dataplane: first step of a divert. */
	DATAPLANE_PUSH("dataplane push"),
	/** The router's ARP override points the IP at the firewall, read back. */
	ROUTER_DIVERT("router divert"),
	/** The router's override is withdrawn, read back: first step of a restore and of a divert's rollback. */
	ROUTER_RESTORE("router restore"),
	/** The host leaves the dataplane: last step of a restore and of a rollback. */
	DATAPLANE_REMOVE("dataplane remove"),
	/** A protected host's new configuration reaches the dataplane (hosts file change, adoption from the router). */
	HOST_REFRESH("dataplane refresh"),
	/** Fresh secrets reach the dataplane for a host it scrubs for. */
	SECRETS_PUSH("secrets push"),
	/** The worker is made to hold exactly the diverted hosts, after a (re)start or adoption. */
	DATAPLANE_RESYNC("dataplane resync");

	private final String label;

	Step(String label) {
		this.label = label;
	}

	/** For operators: "router divert failed: ...". */
	public String label() {
		return this.label;
	}

	/** The {@code step} tag of the {@code syncookied.protection.step} timer. */
	public String tag() {
		return this.label.replace(' ', '_');
	}

	/** Whether the step belongs to a divert, restore or rollback (one at a time per host). */
	public boolean tracked() {
		return this == DATAPLANE_PUSH || this == ROUTER_DIVERT || this == ROUTER_RESTORE || this == DATAPLANE_REMOVE;
	}

	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
