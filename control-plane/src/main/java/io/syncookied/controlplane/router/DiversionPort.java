package io.syncookied.controlplane.router;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.HostConfig;

/**
 * What the control plane needs from the router adapters: push, withdraw and read back the diversion of a host
 * (IPv4 or IPv6; an ARP/NDP entry or a host route, as its target does it). Each call verifies on the device
 * (read-back) before it completes.
 */
public interface DiversionPort {

	/** Names of the configured router targets. */
	Set<String> targets();

	/** The target that diverts this host, or an error naming the missing configuration. */
	String targetOf(HostConfig host);

	Mono<Void> divert(HostConfig host, String mitigationId);

	/**
	 * As {@link #divert(HostConfig, String)}, pointing the IP at the firewall with {@code firewallMac} (lower-case
	 * {@code aa:bb:cc:dd:ee:ff}) instead of this firewall's: in a cluster the leader diverts each IP to the node that
	 * serves it. Targets that route to a next hop ignore the MAC.
	 */
	Mono<Void> divert(HostConfig host, String mitigationId, String firewallMac);

	Mono<Void> restore(HostConfig host, String mitigationId);

	/** The diversions that point at this scrubber on one target: IP to where (the MAC, or {@code via <next hop>}). */
	Mono<Map<InetAddress, String>> overrides(String target);

	/**
	 * As {@link #overrides(String)}, counting as ours the neighbour entries that name any of {@code firewallMacs}
	 * (lower-case {@code aa:bb:cc:dd:ee:ff}): a cluster's leader reads back the diversions to every node. Targets
	 * that route to a next hop answer as {@link #overrides(String)}.
	 */
	default Mono<Map<InetAddress, String>> overrides(String target, Set<String> firewallMacs) {
		return overrides(target);
	}

}
