package io.syncookied.controlplane.hosts;

/** How the control plane may protect a host. */
public enum ProtectionMode {

	/** Detection may divert the host by itself; operators may too. */
	AUTO,
	/** Only an operator (REST) diverts the host. */
	MANUAL,
	/** Never diverted: a protect request is refused. */
	OFF

}
