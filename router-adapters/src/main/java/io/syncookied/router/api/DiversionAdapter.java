package io.syncookied.router.api;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Pushes, withdraws and reads back the diversion of one protected address (IPv4 or IPv6) on one kind of device:
 * a static ARP/NDP entry pointing at the firewall's MAC, or a host route pointing at this scrubber.
 *
 * <p>Every method <b>blocks</b> (SSH, NETCONF, SNMP, gRPC or a child process). Call it from
 * {@code Schedulers.boundedElastic()}, never from an event loop; {@link ReactiveDiversion} does that
 * for you. Every method is idempotent: diverting an address that is already diverted the same way, or
 * restoring one that has no diversion, succeeds without touching the device.
 *
 * <p>{@link #divert} and {@link #restore} read the device back after the change and throw
 * {@link DiversionException.VerificationFailed} unless it holds exactly what was asked. Failures are
 * always one of the {@link DiversionException} subtypes; an address the target cannot divert (an IPv6 address on a
 * target with no IPv6 configuration) is an {@link IllegalArgumentException} naming the missing setting.
 */
public interface DiversionAdapter {

	/**
	 * Makes {@code target} send traffic for {@code ip} to this scrubber and verifies it.
	 * @param firewallMac the scrubber's MAC on the router's segment, required by targets that
	 * {@linkplain RouterTarget#divertsToMac() divert to a MAC}; targets that announce routes take their next hop from
	 * their own configuration and ignore it
	 * @return the diversion as read back from the device
	 */
	Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag);

	default Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target) {
		return divert(ip, firewallMac, target, OverrideTag.operator());
	}

	/**
	 * Removes the diversion of {@code ip} and verifies it is gone.
	 * @return {@code true} if a diversion was removed, {@code false} if there was none
	 */
	boolean restore(InetAddress ip, RouterTarget target);

	/** Reads the diversions the device holds now (in the target's scope, both address families), sorted by IP. */
	List<Diversion> listDiversions(RouterTarget target);

	/**
	 * Connects, authenticates and reads the table; never throws, reports what failed. A device is healthy when its
	 * diversions can be read back, because that is what every divert and restore needs.
	 */
	default TargetHealth health(RouterTarget target) {
		long start = System.nanoTime();
		try {
			int n = listDiversions(target).size();
			return new TargetHealth(target.name(), true, n + " diversions", Duration.ofNanos(System.nanoTime() - start));
		}
		catch (DiversionException ex) {
			return new TargetHealth(target.name(), false, ex.getMessage(), Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
