package io.syncookied.router.api;

/**
 * One device the control plane can divert traffic on. Build it with {@link TargetConfig#parse}
 * from the same keys the CLI takes as flags.
 */
public sealed interface RouterTarget permits LinuxTarget, JunosTarget, SnmpTarget {

	/** Unique name: the key for its circuit breaker, metrics and logs. */
	String name();

	/** {@code linux}, {@code junos} or {@code snmp}. */
	String adapter();

	ResilienceSettings resilience();

}
