package io.syncookied.router.junos;

import java.net.InetAddress;
import java.time.Duration;

import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.IpPrefix;
import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SshEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * A Junos router or switch over NETCONF-over-SSH: static ARP entries under the interface's {@code family inet}
 * address, static NDP entries under its {@code family inet6} address.
 * @param interfaceName the logical interface holding the subnet ({@code ae0.100}, or {@code irb.0} on an EX)
 * @param subnet the {@code family inet} address as configured ({@code 10.0.2.1/24}), or {@code null}
 * @param subnet6 the {@code family inet6} address as configured ({@code 2001:db8:2::1/64}), or {@code null}; at
 * least one of the two is set
 * @param confirmTimeout the {@code commit confirmed} window, whole minutes (Junos' unit), at least 1
 */
public record JunosTarget(String name, SshEndpoint ssh, String interfaceName, @Nullable IpPrefix subnet,
		@Nullable IpPrefix subnet6, Duration confirmTimeout, ResilienceSettings resilience) implements RouterTarget {

	@Override
	public String adapter() {
		return JunosVendor.NAME;
	}

	/** The address statement that holds {@code ip}'s entries, or an error naming the missing or wrong setting. */
	public IpPrefix addressFor(InetAddress ip) {
		boolean v6 = ip.getAddress().length == 16;
		IpPrefix p = v6 ? this.subnet6 : this.subnet;
		if (p == null) {
			throw new IllegalArgumentException(this.name + ": " + (v6 ? "subnet6" : "subnet") + " is not configured, so "
					+ "this target cannot divert " + (v6 ? "IPv6" : "IPv4") + " addresses");
		}
		if (!p.contains(ip)) {
			throw new IllegalArgumentException(this.name + ": " + IpAddresses.text(ip)
					+ " is outside " + p + " on " + this.interfaceName);
		}
		return p;
	}

	@Override
	public RouterTarget onInterface(String iface) {
		JunosVendor.checkInterface("interface", iface);
		return new JunosTarget(this.name, this.ssh, iface, this.subnet, this.subnet6, this.confirmTimeout,
				this.resilience);
	}

}
