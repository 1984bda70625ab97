package io.syncookied.controlplane.router;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.HostConfig;

/**
 * What the control plane needs from the router adapters: push, withdraw and read back the ARP override of a host.
 * Each call verifies on the device (read-back) before it completes.
 */
public interface DiversionPort {

	/** Names of the configured router targets. */
	Set<String> targets();

	/** The target that diverts this host, or an error naming the missing configuration. */
	String targetOf(HostConfig host);

	Mono<Void> divert(HostConfig host, String mitigationId);

	Mono<Void> restore(HostConfig host, String mitigationId);

	/** The overrides that point at our firewall MAC on one target: IP to MAC. */
	Mono<Map<InetAddress, String>> overrides(String target);

}
