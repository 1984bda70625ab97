package io.syncookied.router.api;

import java.time.Duration;

/**
 * A Junos router or switch over NETCONF-over-SSH.
 * @param interfaceName the logical interface holding the subnet ({@code ae0.100}, or {@code irb.0} on an EX)
 * @param subnet the interface address in CIDR form as configured ({@code 10.0.2.1/24})
 * @param confirmTimeout the {@code commit confirmed} window, whole minutes (Junos' unit), at least 1
 */
public record JunosTarget(String name, SshEndpoint ssh, String interfaceName, String subnet, Duration confirmTimeout,
		ResilienceSettings resilience) implements RouterTarget {

	@Override
	public String adapter() {
		return "junos";
	}

}
