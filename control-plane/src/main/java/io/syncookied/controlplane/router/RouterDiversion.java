package io.syncookied.controlplane.router;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.DiversionTarget;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.ReactiveDiversion;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.Via;

/**
 * {@link DiversionPort} over the router adapters ({@code io.syncookied.router}): the resilient adapter (retry,
 * breaker, bulkhead, time limit per target) wrapped so every blocking call runs on {@code boundedElastic}. IPv4 and
 * IPv6 hosts take the same path; the target decides how (ARP or NDP entry, or a /32 or /128 route). Every diversion
 * carries the mitigation id as its tag, and only diversions that point at this scrubber count as ours.
 */
public final class RouterDiversion implements DiversionPort {

	public static final String OWNER = "syncookied-controlplane";

	private final ReactiveDiversion adapter;

	private final Map<String, RouterTarget> targets;

	private final String defaultTarget;

	private final @Nullable MacAddress firewallMac;

	/** @param firewallMac the MAC that ARP/NDP targets divert to; {@code null} when every target routes instead */
	public RouterDiversion(DiversionAdapter adapter, Map<String, RouterTarget> targets, String defaultTarget,
			@Nullable MacAddress firewallMac) {
		this.adapter = new ReactiveDiversion(adapter);
		this.targets = Map.copyOf(new LinkedHashMap<>(targets));
		this.defaultTarget = defaultTarget;
		this.firewallMac = firewallMac;
	}

	@Override
	public Set<String> targets() {
		return this.targets.keySet();
	}

	@Override
	public String targetOf(HostConfig host) {
		String name = (host.diversion() != null) ? host.diversion().target() : this.defaultTarget;
		if (!this.targets.containsKey(name)) {
			throw new IllegalStateException("host " + host.ipText() + " (hosts file line " + host.line()
					+ ") uses router target '" + name + "', which is not configured (known: " + this.targets.keySet()
					+ ")");
		}
		return name;
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId) {
		return divertTo(host, mitigationId, this.firewallMac);
	}

	@Override
	public Mono<Void> divert(HostConfig host, String mitigationId, String firewallMac) {
		return Mono.defer(() -> divertTo(host, mitigationId, MacAddress.parse("firewall MAC", firewallMac)));
	}

	private Mono<Void> divertTo(HostConfig host, String mitigationId, @Nullable MacAddress mac) {
		return Mono.defer(() -> this.adapter.divert(host.ip(), mac, target(host),
				new OverrideTag(OWNER, "protection", mitigationId)))
			.then();
	}

	@Override
	public Mono<Void> restore(HostConfig host, String mitigationId) {
		return Mono.defer(() -> this.adapter.restore(host.ip(), target(host))).then();
	}

	@Override
	public Mono<Map<InetAddress, String>> overrides(String target) {
		return pointingAt(target, (this.firewallMac != null) ? Set.of(this.firewallMac) : Set.of());
	}

	@Override
	public Mono<Map<InetAddress, String>> overrides(String target, Set<String> firewallMacs) {
		return Mono.defer(() -> {
			Set<MacAddress> macs = new HashSet<>();
			firewallMacs.forEach(m -> macs.add(MacAddress.parse("firewall MAC", m)));
			return pointingAt(target, macs);
		});
	}

	private Mono<Map<InetAddress, String>> pointingAt(String target, Set<MacAddress> ours) {
		RouterTarget t = this.targets.get(target);
		if (t == null) {
			return Mono.error(new IllegalArgumentException("unknown router target " + target));
		}
		return this.adapter.listDiversions(t).map(list -> {
			Map<InetAddress, String> found = new LinkedHashMap<>();
			for (Diversion d : list) {
				if (pointsAt(d, ours)) {
					found.put(d.ip(), d.via().toString());
				}
			}
			return found;
		});
	}

	/**
	 * A neighbour entry is ours when it names one of our MACs (the router may hold other static entries); a host route
	 * is ours when our own speaker announces it, which is what the route adapters list with an owner.
	 */
	private static boolean pointsAt(Diversion d, Set<MacAddress> ours) {
		if (d.via() instanceof Via.Mac m) {
			return ours.contains(m.mac());
		}
		return d.owner() != null;
	}

	private RouterTarget target(HostConfig host) {
		RouterTarget target = this.targets.get(targetOf(host));
		DiversionTarget d = host.diversion();
		if (d == null || d.iface() == null) {
			return target;
		}
		try {
			return target.onInterface(d.iface());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("host " + host.ipText() + " (hosts file line " + host.line()
					+ "): diversion.interface: " + ex.getMessage());
		}
	}

}
