package io.syncookied.controlplane.support;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.router.DiversionPort;

/** Test double of one router target ("rt"): an ARP override table, a call log and failure injection. */
public final class RecordingRouter implements DiversionPort {

	public static final String FIREWALL_MAC = "02:00:00:00:00:fe";

	private final List<String> log;

	public final Map<InetAddress, String> overrides = new ConcurrentHashMap<>();

	public final AtomicReference<String> failOn = new AtomicReference<>("");

	public volatile Duration delay = Duration.ofMillis(5);

	public RecordingRouter(List<String> log) {
		this.log = log;
	}

	@Override
	public Set<String> targets() {
		return Set.of("rt");
	}

	@Override
	public String targetOf(HostConfig host) {
		return "rt";
	}

	private Mono<Void> op(String name, Runnable effect) {
		return Mono.fromRunnable(() -> {
			try {
				Thread.sleep(this.delay.toMillis()); // SSH/NETCONF/SNMP block like this
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (!this.failOn.get().isEmpty() && name.startsWith(this.failOn.get())) {
				this.log.add("router " + name + " FAILED");
				throw new IllegalStateException("injected router failure on " + name);
			}
			effect.run();
			this.log.add("router " + name);
		}).subscribeOn(Schedulers.boundedElastic()).then();
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId) {
		return op("divert " + host.ipText(), () -> this.overrides.put(host.ip(), FIREWALL_MAC));
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId, String firewallMac) {
		return op("divert " + host.ipText() + " to " + firewallMac, () -> this.overrides.put(host.ip(), firewallMac));
	}

	@Override
	public Mono<Void> restore(HostConfig host, String mitigationId) {
		return op("restore " + host.ipText(), () -> this.overrides.remove(host.ip()));
	}

	@Override
	public Mono<Map<InetAddress, String>> overrides(String target) {
		return op("list", () -> {
		}).then(Mono.fromCallable(() -> Map.copyOf(this.overrides)));
	}

}
