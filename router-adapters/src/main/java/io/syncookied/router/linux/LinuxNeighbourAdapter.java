package io.syncookied.router.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.process.CommandRunner;
import io.syncookied.router.process.LocalCommandRunner;
import org.jspecify.annotations.Nullable;

/**
 * A Linux router: permanent neighbour entries via {@code ip neigh}, locally, in a netns, or over SSH; ARP entries
 * for IPv4 addresses and NDP entries for IPv6 ones, with the same commands. Our entries carry {@code protocol <n>}
 * (default 197), so {@code ip neigh show proto 197} lists exactly what Syncookied installed; the mitigation id itself
 * is not stored on the box.
 */
public final class LinuxNeighbourAdapter implements DiversionAdapter {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LinuxNeighbourAdapter.class);

	private final Function<LinuxTarget, CommandRunner> runners;

	public LinuxNeighbourAdapter() {
		this(LinuxNeighbourAdapter::runner);
	}

	// VisibleForTesting
	LinuxNeighbourAdapter(Function<LinuxTarget, CommandRunner> runners) {
		this.runners = runners;
	}

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		LinuxTarget t = cast(target);
		MacAddress mac = MacAddress.required(firewallMac, t);
		try (CommandRunner run = this.runners.apply(t)) {
			return divert(run, t, ip, mac);
		}
	}

	private Diversion divert(CommandRunner run, LinuxTarget t, InetAddress ip, MacAddress mac) {
		Entry now = read(run, t, ip);
		if (now != null && now.mac().equals(mac) && now.ours()) {
			return now.diversion();
		}
		List<String> replace = ip("neigh", "replace", IpAddresses.text(ip), "lladdr", mac.toString(), "nud",
				"permanent", "dev", t.dev());
		List<String> tagged = new ArrayList<>(replace);
		tagged.add("protocol");
		tagged.add(Integer.toString(t.protocol()));
		CommandRunner.Result r = run.run(t.netnsArgs(tagged));
		if (r.exitCode() != 0 && r.firstErrorLine().contains("\"protocol\" is a garbage")) {
			// iproute2 before 5.x / kernels before 5.2 have no neighbour protocol: divert untagged.
			log.warn("{}: this ip/kernel cannot tag neighbours with a protocol; the override is untagged", t.name());
			r = run.run(t.netnsArgs(replace));
		}
		if (r.exitCode() != 0) {
			throw classify(t, r);
		}
		Entry after = read(run, t, ip);
		if (after == null || !after.mac().equals(mac)) {
			throw new DiversionException.VerificationFailed(t.name(), "asked " + IpAddresses.text(ip) + " -> " + mac
					+ " PERMANENT on " + t.dev() + ", device holds " + (after == null ? "no permanent entry" : after.mac()));
		}
		return after.diversion();
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		LinuxTarget t = cast(target);
		try (CommandRunner run = this.runners.apply(t)) {
			return restore(run, t, ip);
		}
	}

	private boolean restore(CommandRunner run, LinuxTarget t, InetAddress ip) {
		if (read(run, t, ip) == null) {
			return false;
		}
		CommandRunner.Result r = run.run(t.netnsArgs(ip("neigh", "del", IpAddresses.text(ip), "dev", t.dev())));
		if (r.exitCode() != 0 && !r.stderr().contains("No such file or directory")) {
			throw classify(t, r);
		}
		Entry after = read(run, t, ip);
		if (after != null) {
			throw new DiversionException.VerificationFailed(t.name(),
					IpAddresses.text(ip) + " still PERMANENT -> " + after.mac() + " on " + t.dev() + " after delete");
		}
		return true;
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		LinuxTarget t = cast(target);
		String out;
		try (CommandRunner run = this.runners.apply(t)) {
			out = exec(run, t, ip("neigh", "show", "dev", t.dev(), "nud", "permanent"), t);
		}
		List<Diversion> list = new ArrayList<>(parse(out, t.protocol()).stream().map(Entry::diversion).toList());
		list.sort(Diversion.BY_IP);
		return list;
	}

	private Entry read(CommandRunner run, LinuxTarget t, InetAddress ip) {
		String out = exec(run, t, ip("neigh", "show", "to", IpAddresses.text(ip), "dev", t.dev(), "nud", "permanent"),
				t);
		return parse(out, t.protocol()).stream().filter(o -> o.ip().equals(ip)).findFirst().orElse(null);
	}

	/** One permanent neighbour entry; {@code ours} when it carries our protocol number. */
	record Entry(InetAddress ip, MacAddress mac, boolean ours) {

		Diversion diversion() {
			return Diversion.neighbour(this.ip, this.mac, this.ours ? "syncookied" : null);
		}

	}

	/**
	 * Parses {@code ip neigh show dev X} lines of both families: {@code 10.0.2.10 lladdr 02:00:00:00:02:03 PERMANENT
	 * proto 197}, {@code fd00:2::10 lladdr 02:00:00:00:02:03 router PERMANENT}. Lines without lladdr (e.g. FAILED)
	 * are skipped.
	 */
	static List<Entry> parse(String out, int protocol) {
		List<Entry> list = new ArrayList<>();
		for (String line : out.split("\n")) {
			String[] f = line.trim().split("\\s+");
			InetAddress ip;
			try {
				ip = IpAddresses.parse("ip neigh", f[0]);
			}
			catch (IllegalArgumentException ex) {
				continue; // not an address line
			}
			String mac = null;
			String proto = null;
			boolean permanent = false;
			for (int i = 1; i < f.length; i++) {
				if (f[i].equals("lladdr") && i + 1 < f.length) {
					mac = f[i + 1];
				}
				else if (f[i].equals("proto") && i + 1 < f.length) {
					proto = f[i + 1];
				}
				else if (f[i].equals("PERMANENT")) {
					permanent = true;
				}
			}
			if (mac == null || !permanent) {
				continue;
			}
			boolean ours = proto != null && (proto.equals(Integer.toString(protocol))
					|| proto.toLowerCase(Locale.ROOT).equals("syncookied"));
			list.add(new Entry(ip, MacAddress.parse("ip neigh lladdr", mac), ours));
		}
		return list;
	}

	private static String exec(CommandRunner run, LinuxTarget t, List<String> argv, LinuxTarget target) {
		CommandRunner.Result r = run.run(t.netnsArgs(argv));
		if (r.exitCode() != 0) {
			throw classify(target, r);
		}
		return r.stdout();
	}

	private static DiversionException classify(LinuxTarget t, CommandRunner.Result r) {
		String line = r.firstErrorLine();
		if (line.contains("Operation not permitted")) {
			return new DiversionException.AuthFailed(t.name(), "ip: " + line + " (needs CAP_NET_ADMIN)", null);
		}
		if (r.exitCode() == 127) {
			return new DiversionException.Unreachable(t.name(), "ip command not found: " + line, null);
		}
		return new DiversionException.Rejected(t.name(), line, false);
	}

	private static List<String> ip(String... args) {
		return List.of(args);
	}

	private static LinuxTarget cast(RouterTarget target) {
		if (target instanceof LinuxTarget t) {
			return t;
		}
		throw new IllegalArgumentException("LinuxNeighbourAdapter cannot drive " + target.adapter() + " target "
				+ target.name());
	}

	private static CommandRunner runner(LinuxTarget t) {
		if (t.ssh() != null) {
			return new SshCommandRunner(t.name(), t.ssh(), t.resilience().timeout());
		}
		return new LocalCommandRunner(t.name(), t.resilience().timeout());
	}

}
