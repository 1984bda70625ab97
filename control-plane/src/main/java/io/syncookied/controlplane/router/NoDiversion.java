package io.syncookied.controlplane.router;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.HostConfig;

/**
 * Diversion when no router target is configured: divert fails with a message naming the missing setting, restore is
 * a no-op (nothing can have been diverted), and there is nothing to read back.
 */
public final class NoDiversion implements DiversionPort {

	@Override
	public Set<String> targets() {
		return Set.of();
	}

	@Override
	public String targetOf(HostConfig host) {
		throw new IllegalStateException("no router target configured (syncookied.routers.targets)");
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId) {
		return Mono.error(new IllegalStateException(
				"no router target configured for " + host.ipText() + " (set syncookied.routers.targets)"));
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId, String firewallMac) {
		return divert(host, mitigationId);
	}

	@Override
	public Mono<Void> restore(HostConfig host, String mitigationId) {
		return Mono.empty();
	}

	@Override
	public Mono<Map<InetAddress, String>> overrides(String target) {
		return Mono.just(Map.of());
	}

}
