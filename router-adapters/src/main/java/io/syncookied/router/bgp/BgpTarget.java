package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.util.List;

import io.syncookied.router.api.ResilienceSettings;
import io.syncookied.router.api.RouterTarget;
import org.jspecify.annotations.Nullable;

/**
 * One BGP session from this scrubber's GoBGP speaker to a router: divert announces the protected address as a /32
 * or /128 over it.
 * @param api where {@code gobgpd}'s gRPC API listens: {@code unix:///path} or a loopback {@code host:port}
 * @param neighbor the router's address, as configured in gobgpd (the session whose adj-rib-out is read back)
 * @param nextHop the IPv4 next hop of /32 routes, or {@code null} for the session's local address
 * @param nextHop6 the IPv6 next hop of /128 routes, or {@code null} for the session's local address (an IPv6
 * session is then needed)
 * @param communities what every announced route carries; also how {@code list} tells our routes from others
 * @param command the {@code gobgp} CLI that talks to the API
 */
public record BgpTarget(String name, String api, InetAddress neighbor, @Nullable InetAddress nextHop,
		@Nullable InetAddress nextHop6, Communities communities, String command, ResilienceSettings resilience)
		implements RouterTarget {

	@Override
	public String adapter() {
		return BgpVendor.NAME;
	}

	/** Routes go to a next hop of this target's own configuration, not to a MAC. */
	@Override
	public boolean divertsToMac() {
		return false;
	}

	/** {@code gobgp <api flags> <args> }: one CLI call against this target's gobgpd. */
	List<String> cli(List<String> args) {
		List<String> argv = new java.util.ArrayList<>();
		argv.add(this.command);
		if (this.api.startsWith("unix://")) {
			argv.add("--target");
			argv.add(this.api);
		}
		else {
			int colon = this.api.lastIndexOf(':');
			String host = this.api.substring(0, colon);
			argv.add("-u");
			argv.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
			argv.add("-p");
			argv.add(this.api.substring(colon + 1));
		}
		argv.addAll(args);
		return argv;
	}

}
