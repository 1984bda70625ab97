package io.syncookied.controlplane.router;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.DiversionTarget;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.JunosTarget;
import io.syncookied.router.api.LinuxTarget;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.ReactiveDiversion;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SnmpTarget;

/**
 * {@link DiversionPort} over the router adapters ({@code io.syncookied.router}): the resilient adapter (retry,
 * breaker, bulkhead, time limit per target) wrapped so every blocking call runs on {@code boundedElastic}. Every
 * override carries the mitigation id as its tag, and only overrides pointing at our firewall MAC count as ours.
 */
public final class RouterDiversion implements DiversionPort {

	public static final String OWNER = "syncookied-controlplane";

	private final ReactiveDiversion adapter;

	private final Map<String, RouterTarget> targets;

	private final String defaultTarget;

	private final MacAddress firewallMac;

	public RouterDiversion(DiversionAdapter adapter, Map<String, RouterTarget> targets, String defaultTarget,
			MacAddress firewallMac) {
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
		return Mono.defer(() -> this.adapter.divert(ipv4(host.ip()), this.firewallMac, target(host),
				new OverrideTag(OWNER, "protection", mitigationId)))
			.then();
	}

	@Override
	public Mono<Void> restore(HostConfig host, String mitigationId) {
		if (!(host.ip() instanceof Inet4Address)) {
			return Mono.empty(); // never diverted: the adapters only divert IPv4
		}
		return Mono.defer(() -> this.adapter.restore((Inet4Address) host.ip(), target(host))).then();
	}

	@Override
	public Mono<Map<InetAddress, String>> overrides(String target) {
		RouterTarget t = this.targets.get(target);
		if (t == null) {
			return Mono.error(new IllegalArgumentException("unknown router target " + target));
		}
		return this.adapter.listOverrides(t).map(list -> {
			Map<InetAddress, String> ours = new LinkedHashMap<>();
			for (ArpOverride o : list) {
				if (o.mac().equals(this.firewallMac)) {
					ours.put(o.ip(), o.mac().toString());
				}
			}
			return ours;
		});
	}

	private RouterTarget target(HostConfig host) {
		RouterTarget target = this.targets.get(targetOf(host));
		DiversionTarget d = host.diversion();
		return (d != null && d.iface() != null) ? withInterface(target, d.iface(), host) : target;
	}

	/** The same target (same name, so the same breaker) on another interface, for a host's {@code interface}. */
	static RouterTarget withInterface(RouterTarget t, String iface, HostConfig host) {
		if (t instanceof LinuxTarget l) {
			return new LinuxTarget(l.name(), iface, l.netns(), l.ssh(), l.protocol(), l.resilience());
		}
		if (t instanceof JunosTarget j) {
			return new JunosTarget(j.name(), j.ssh(), iface, j.subnet(), j.confirmTimeout(), j.resilience());
		}
		if (t instanceof SnmpTarget s) {
			int ifIndex;
			try {
				ifIndex = Integer.parseInt(iface);
			}
			catch (NumberFormatException ex) {
				throw new IllegalStateException("host " + host.ipText() + " (hosts file line " + host.line()
						+ "): diversion.interface must be an ifIndex number for SNMP target " + s.name());
			}
			return new SnmpTarget(s.name(), s.host(), s.port(), s.version(), s.community(), s.usm(), s.mode(), ifIndex,
					s.requestTimeout(), s.requestRetries(), s.resilience());
		}
		return t;
	}

	private static Inet4Address ipv4(InetAddress ip) {
		if (ip instanceof Inet4Address v4) {
			return v4;
		}
		throw new IllegalArgumentException(
				ip.getHostAddress() + ": the router adapters divert IPv4 only (static ARP); IPv6 needs NDP overrides");
	}

}
