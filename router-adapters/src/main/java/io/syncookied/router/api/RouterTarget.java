package io.syncookied.router.api;

/**
 * One device the control plane can divert traffic on, as its vendor package parsed it from the same keys the CLI
 * takes as flags (see {@link DiversionVendor}).
 */
public interface RouterTarget {

	/** Unique name: the key for its circuit breaker, metrics and logs. */
	String name();

	/** The name of the {@link DiversionVendor} that drives it ({@code linux}, {@code junos}, {@code snmp}, ...). */
	String adapter();

	ResilienceSettings resilience();

	/**
	 * Whether {@link DiversionAdapter#divert} needs the firewall's MAC: true for static ARP/NDP entries, false for
	 * targets that route to a next hop of their own configuration.
	 */
	default boolean divertsToMac() {
		return true;
	}

	/**
	 * The same target (same name, so the same breaker) on another interface, for a host whose diversion names one.
	 * @throws IllegalArgumentException when this kind of target has no interface or {@code iface} is not one
	 */
	default RouterTarget onInterface(String iface) {
		throw new IllegalArgumentException(adapter() + " targets have no per-host interface");
	}

}
