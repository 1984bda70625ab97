package io.syncookied.router.api;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;

/**
 * Pushes, withdraws and reads back static ARP overrides on one kind of device.
 *
 * <p>Every method <b>blocks</b> (SSH, NETCONF, SNMP or a child process). Call it from
 * {@code Schedulers.boundedElastic()}, never from an event loop; {@link ReactiveDiversion} does that
 * for you. Every method is idempotent: diverting an IP that is already diverted to the same MAC, or
 * restoring one that has no override, succeeds without touching the device.
 *
 * <p>{@link #divert} and {@link #restore} read the device back after the change and throw
 * {@link DiversionException.VerificationFailed} unless it holds exactly what was asked. Failures are
 * always one of the {@link DiversionException} subtypes.
 */
public interface DiversionAdapter {

	/**
	 * Makes {@code target} send traffic for {@code ip} to {@code firewallMac} and verifies it.
	 * @return the override as read back from the device
	 */
	ArpOverride divert(Inet4Address ip, MacAddress firewallMac, RouterTarget target, OverrideTag tag);

	default ArpOverride divert(Inet4Address ip, MacAddress firewallMac, RouterTarget target) {
		return divert(ip, firewallMac, target, OverrideTag.operator());
	}

	/**
	 * Removes the override for {@code ip} and verifies it is gone.
	 * @return {@code true} if an override was removed, {@code false} if there was none
	 */
	boolean restore(Inet4Address ip, RouterTarget target);

	/** Reads the static overrides the device holds now (in the target's scope), sorted by IP. */
	List<ArpOverride> listOverrides(RouterTarget target);

	/**
	 * Connects, authenticates and reads the table; never throws, reports what failed. A device is healthy when its
	 * overrides can be read back, because that is what every divert and restore needs.
	 */
	default TargetHealth health(RouterTarget target) {
		long start = System.nanoTime();
		try {
			int n = listOverrides(target).size();
			return new TargetHealth(target.name(), true, n + " overrides", Duration.ofNanos(System.nanoTime() - start));
		}
		catch (DiversionException ex) {
			return new TargetHealth(target.name(), false, ex.getMessage(), Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
