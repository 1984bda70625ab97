package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.process.CommandRunner;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The {@code gobgp} CLI calls the BGP adapter makes, and pure parsers of their {@code -j} output (JSON, read with
 * SnakeYAML since JSON is YAML). Every failure becomes one {@link DiversionException} naming the target.
 */
final class GobgpCli {

	/** BGP FSM states as GoBGP's API numbers them (apipb.PeerState.SessionState). */
	private static final String[] STATES = { "UNKNOWN", "IDLE", "CONNECT", "ACTIVE", "OPENSENT", "OPENCONFIRM",
			"ESTABLISHED" };

	static final int ESTABLISHED = 6;

	private final BgpTarget target;

	private final CommandRunner runner;

	GobgpCli(BgpTarget target, CommandRunner runner) {
		this.target = target;
		this.runner = runner;
	}

	/** The session to the router as gobgpd sees it. */
	record Peer(int state, @Nullable InetAddress localAddress, long holdTime) {

		boolean established() {
			return this.state == ESTABLISHED;
		}

		String stateName() {
			return this.state >= 0 && this.state < STATES.length ? STATES[this.state] : "state " + this.state;
		}

	}

	/** One path of a host route: where it points and what it carries; {@code local} when this speaker originated it. */
	record Route(InetAddress ip, int length, @Nullable InetAddress nextHop, Communities communities, boolean local) {
	}

	static String family(InetAddress ip) {
		return ip.getAddress().length == 16 ? "ipv6" : "ipv4";
	}

	static String prefix(InetAddress ip) {
		return IpAddresses.text(ip) + "/" + IpAddresses.hostBits(ip);
	}

	Peer neighbor() {
		Object doc = json(run(List.of("neighbor", IpAddresses.text(this.target.neighbor()), "-j")));
		if (!(doc instanceof Map<?, ?> peer)) {
			throw unexpected("neighbor", doc);
		}
		Map<?, ?> state = map(peer.get("state"));
		Map<?, ?> transport = map(peer.get("transport"));
		Map<?, ?> timers = map(map(peer.get("timers")).get("state"));
		InetAddress local = null;
		if (transport.get("local_address") instanceof String s) {
			try {
				local = IpAddresses.parse("local_address", s);
			}
			catch (IllegalArgumentException ex) {
				local = null; // "0.0.0.0" or empty before the session comes up
			}
		}
		return new Peer((int) number(state.get("session_state")), local, number(timers.get("negotiated_hold_time")));
	}

	/** The paths for {@code ip}'s host route in the adj-rib-out towards the router. */
	List<Route> adjOut(InetAddress ip) {
		return routes(json(run(List.of("neighbor", IpAddresses.text(this.target.neighbor()), "adj-out", prefix(ip), "-a",
				family(ip), "-j"))));
	}

	/** The paths of the global RIB of one family ({@code ip} == null) or of {@code ip}'s host route. */
	List<Route> rib(String family, @Nullable InetAddress ip) {
		List<String> args = new ArrayList<>(List.of("global", "rib", "-a", family));
		if (ip != null) {
			args.add(prefix(ip));
		}
		args.add("-j");
		return routes(json(run(args)));
	}

	void add(InetAddress ip, InetAddress nextHop) {
		List<String> args = new ArrayList<>(List.of("global", "rib", "add", "-a", family(ip), prefix(ip), "nexthop",
				IpAddresses.text(nextHop)));
		args.addAll(this.target.communities().cliArgs());
		run(args);
	}

	void delete(InetAddress ip) {
		run(List.of("global", "rib", "del", "-a", family(ip), prefix(ip)));
	}

	private String run(List<String> args) {
		CommandRunner.Result r = this.runner.run(this.target.cli(args));
		if (r.exitCode() == 0) {
			return r.stdout();
		}
		throw classify(r);
	}

	/** gobgp prints {@code {"error":"..."}} with {@code -j}, otherwise {@code error: ...} and its usage. */
	private DiversionException classify(CommandRunner.Result r) {
		String msg = r.stdout().strip();
		if (msg.startsWith("{")) {
			Object doc = json(msg);
			if (doc instanceof Map<?, ?> m && m.get("error") != null) {
				msg = String.valueOf(m.get("error"));
			}
		}
		else {
			msg = r.firstErrorLine();
		}
		msg = msg.replaceFirst("^error: ", "");
		String name = this.target.name();
		String lower = msg.toLowerCase(Locale.ROOT);
		if (r.exitCode() == 127 || lower.contains("no such file or directory") && lower.contains("exec")) {
			return new DiversionException.Unreachable(name, this.target.command() + " (the gobgp CLI) cannot run: " + msg,
					null);
		}
		if (lower.contains("deadline exceeded") || lower.contains("connection refused") || lower.contains("unavailable")
				|| lower.contains("error while dialing")) {
			return new DiversionException.Unreachable(name, "gobgpd does not answer on " + this.target.api() + " ("
					+ msg + ")", null);
		}
		if (lower.contains("not found neighbor")) {
			return new DiversionException.Rejected(name, "gobgpd has no neighbor "
					+ IpAddresses.text(this.target.neighbor()) + " (configure the session in gobgpd's configuration)",
					false);
		}
		if (lower.contains("not established")) {
			return new DiversionException.Unreachable(name, "the BGP session to "
					+ IpAddresses.text(this.target.neighbor()) + " is not established", null);
		}
		return new DiversionException.Rejected(name, "gobgp: " + msg, false);
	}

	private Object json(String text) {
		try {
			LoaderOptions options = new LoaderOptions();
			options.setCodePointLimit(256 * 1024 * 1024);
			return new Yaml(new SafeConstructor(options)).load(text);
		}
		catch (YAMLException ex) {
			throw new DiversionException.VerificationFailed(this.target.name(), "cannot read gobgp's JSON output: "
					+ ex.getMessage().lines().findFirst().orElse(""));
		}
	}

	/** {@code {"10.0.0.5/32": [path, ...], ...}}; {@code {}} when there is none. */
	private List<Route> routes(@Nullable Object doc) {
		List<Route> out = new ArrayList<>();
		if (doc == null) {
			return out;
		}
		if (!(doc instanceof Map<?, ?> byPrefix)) {
			throw unexpected("rib", doc);
		}
		for (Map.Entry<?, ?> e : byPrefix.entrySet()) {
			String prefix = String.valueOf(e.getKey());
			int slash = prefix.indexOf('/');
			InetAddress ip;
			int length;
			try {
				ip = IpAddresses.parse("prefix", prefix.substring(0, Math.max(slash, 0)));
				length = Integer.parseInt(prefix.substring(slash + 1));
			}
			catch (RuntimeException ex) {
				continue; // not a unicast prefix
			}
			if (!(e.getValue() instanceof List<?> paths)) {
				continue;
			}
			for (Object p : paths) {
				out.add(route(ip, length, map(p)));
			}
		}
		return out;
	}

	/** Attribute types: 3 NEXT_HOP, 14 MP_REACH_NLRI (IPv6 next hop), 8 COMMUNITIES, 32 LARGE_COMMUNITY. */
	private static Route route(InetAddress ip, int length, Map<?, ?> path) {
		InetAddress nextHop = null;
		List<Long> standard = new ArrayList<>();
		List<Communities.Large> large = new ArrayList<>();
		if (path.get("attrs") instanceof List<?> attrs) {
			for (Object a : attrs) {
				Map<?, ?> attr = map(a);
				int type = (int) number(attr.get("type"));
				if ((type == 3 || type == 14) && attr.get("nexthop") instanceof String nh) {
					try {
						nextHop = IpAddresses.parse("nexthop", nh);
					}
					catch (IllegalArgumentException ex) {
						nextHop = null;
					}
				}
				else if (type == 8 && attr.get("communities") instanceof List<?> cs) {
					cs.forEach(c -> standard.add(number(c)));
				}
				else if (type == 32 && attr.get("value") instanceof List<?> ls) {
					for (Object l : ls) {
						Map<?, ?> m = map(l);
						large.add(new Communities.Large(number(m.get("ASN")), number(m.get("LocalData1")),
								number(m.get("LocalData2"))));
					}
				}
			}
		}
		// paths learnt from a peer name it; the ones this speaker originated do not
		boolean local = path.get("neighbor-ip") == null || String.valueOf(path.get("neighbor-ip")).isEmpty();
		return new Route(ip, length, nextHop, new Communities(standard, large), local);
	}

	private static Map<?, ?> map(@Nullable Object o) {
		return o instanceof Map<?, ?> m ? m : Map.of();
	}

	private static long number(@Nullable Object o) {
		return o instanceof Number n ? n.longValue() : 0;
	}

	private DiversionException unexpected(String what, @Nullable Object doc) {
		return new DiversionException.VerificationFailed(this.target.name(), "unexpected gobgp " + what + " output: "
				+ String.valueOf(doc).lines().findFirst().orElse(""));
	}

}
