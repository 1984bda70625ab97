package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionVendor;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetKeys;
import org.jspecify.annotations.Nullable;

/**
 * {@code adapter: bgp}: {@code neighbor} (required), {@code api} (default {@code 127.0.0.1:50051}),
 * {@code next-hop}, {@code next-hop6}, {@code communities}, {@code large-communities} and {@code command}.
 */
public final class BgpVendor implements DiversionVendor {

	static final String NAME = "bgp";

	static final String DEFAULT_API = "127.0.0.1:50051";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String summary() {
		return "a /32 or /128 announced by this scrubber's gobgpd, next hop this scrubber (ECMP across scrubbers)";
	}

	@Override
	public Set<String> keys() {
		return Set.of("api", "neighbor", "nexthop", "nexthop6", "communities", "largecommunities", "command");
	}

	@Override
	public RouterTarget parse(TargetKeys keys) {
		String api = api(keys);
		InetAddress neighbor = keys.ip("neighbor");
		if (neighbor == null) {
			throw keys.bad("neighbor", "required (the router's address as configured in gobgpd)");
		}
		InetAddress nextHop = nextHop(keys, "nexthop", false);
		InetAddress nextHop6 = nextHop(keys, "nexthop6", true);
		List<Long> standard = new ArrayList<>();
		for (String c : keys.list("communities")) {
			try {
				standard.add(Communities.parseStandard(c));
			}
			catch (IllegalArgumentException ex) {
				throw keys.bad("communities", ex.getMessage());
			}
		}
		List<Communities.Large> large = new ArrayList<>();
		for (String c : keys.list("largecommunities")) {
			try {
				large.add(Communities.parseLarge(c));
			}
			catch (IllegalArgumentException ex) {
				throw keys.bad("largecommunities", ex.getMessage());
			}
		}
		String command = keys.optional("command");
		if (command != null) {
			keys.checkName("command", command);
		}
		return new BgpTarget(keys.name("bgp:" + IpAddresses.text(neighbor)), api, neighbor, nextHop, nextHop6,
				new Communities(standard, large), command == null ? "gobgp" : command, keys.resilience());
	}

	/**
	 * gobgpd's gRPC API has no client authentication, and whoever reaches it can announce any route: it must be on
	 * this machine, so only a unix socket or a loopback address is accepted.
	 */
	private static String api(TargetKeys keys) {
		String api = keys.optional("api");
		if (api == null) {
			return DEFAULT_API;
		}
		if (api.startsWith("unix://")) {
			if (!api.matches("unix:///[A-Za-z0-9_./-]+")) {
				throw keys.bad("api", "'" + api + "' is not a unix socket path such as unix:///run/gobgpd/api.sock");
			}
			return api;
		}
		int colon = api.lastIndexOf(':');
		String host = colon > 0 ? api.substring(0, colon) : "";
		String port = colon > 0 ? api.substring(colon + 1) : "";
		if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
			throw keys.bad("api", "'" + api + "' is not host:port such as 127.0.0.1:50051, or unix:///path");
		}
		if (!host.equals("localhost")) {
			InetAddress ip;
			try {
				ip = IpAddresses.parse("api", host.startsWith("[") && host.endsWith("]")
						? host.substring(1, host.length() - 1) : host);
			}
			catch (IllegalArgumentException ex) {
				throw keys.bad("api", "'" + api + "' is not host:port such as 127.0.0.1:50051, or unix:///path");
			}
			if (!ip.isLoopbackAddress()) {
				throw keys.bad("api", "'" + api + "' is not on this machine: gobgpd's API has no authentication, so "
						+ "run gobgpd on this scrubber with --api-hosts on loopback or a unix socket");
			}
		}
		return api;
	}

	private static @Nullable InetAddress nextHop(TargetKeys keys, String key, boolean v6) {
		InetAddress ip = keys.ip(key);
		if (ip != null && (ip.getAddress().length == 16) != v6) {
			throw keys.bad(key, "'" + keys.optional(key) + "' is not an " + (v6 ? "IPv6" : "IPv4") + " address");
		}
		if (ip != null && (ip.isAnyLocalAddress() || ip.isMulticastAddress() || ip.isLoopbackAddress())) {
			throw keys.bad(key, "'" + keys.optional(key) + "' cannot be a next hop");
		}
		return ip;
	}

	@Override
	public DiversionAdapter adapter() {
		return new BgpRouteAdapter();
	}

}
