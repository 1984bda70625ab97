package io.syncookied.router.bgp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.api.Via;
import io.syncookied.router.process.CommandRunner;
import io.syncookied.router.process.LocalCommandRunner;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Diversion by BGP through this scrubber's own {@code gobgpd} (driven with its {@code gobgp} CLI over the local gRPC
 * API):
 * <ul>
 * <li>divert: the session to the router must be established (else nothing is announced); announce the /32 or /128
 * with next hop this scrubber and the target's communities; read it back from the adj-rib-out towards the router.
 * An announce the read-back cannot confirm is withdrawn before the error is raised, so a failed divert never leaves
 * a route behind;</li>
 * <li>restore: withdraw, then read back that neither the RIB nor the adj-rib-out holds it;</li>
 * <li>list: the host routes this speaker originates; ours (owner {@code syncookied}) when they carry every
 * community of the target.</li>
 * </ul>
 * The firewall MAC is not used: the router forwards to the next hop. When a scrubber dies its session drops and the
 * router removes that next hop by itself, so the other scrubbers keep the address.
 */
public final class BgpRouteAdapter implements DiversionAdapter {

	private static final Logger log = LoggerFactory.getLogger(BgpRouteAdapter.class);

	private final Function<BgpTarget, CommandRunner> runners;

	public BgpRouteAdapter() {
		this(t -> new LocalCommandRunner(t.name(), t.resilience().timeout()));
	}

	// VisibleForTesting
	BgpRouteAdapter(Function<BgpTarget, CommandRunner> runners) {
		this.runners = runners;
	}

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		BgpTarget t = cast(target);
		GobgpCli cli = new GobgpCli(t, this.runners.apply(t));
		GobgpCli.Peer peer = cli.neighbor();
		if (!peer.established()) {
			throw new DiversionException.Unreachable(t.name(), "the BGP session to " + IpAddresses.text(t.neighbor())
					+ " is " + peer.stateName() + ", not established; nothing announced", null);
		}
		InetAddress nextHop = nextHop(t, ip, peer);
		GobgpCli.Route now = confirmed(cli.adjOut(ip), nextHop, t);
		if (now != null) {
			return diversion(now, t);
		}
		log.info("{}: announcing {} next hop {} ({})", t.name(), GobgpCli.prefix(ip), IpAddresses.text(nextHop),
				tag.render());
		boolean confirmed = false;
		try {
			cli.add(ip, nextHop);
			List<GobgpCli.Route> out = cli.adjOut(ip);
			GobgpCli.Route r = confirmed(out, nextHop, t);
			if (r == null) {
				throw new DiversionException.VerificationFailed(t.name(), "announced " + GobgpCli.prefix(ip) + " next hop "
						+ IpAddresses.text(nextHop) + " " + t.communities().texts() + ", the adj-rib-out towards "
						+ IpAddresses.text(t.neighbor()) + " holds " + describe(out) + "; withdrawn");
			}
			confirmed = true;
			return diversion(r, t);
		}
		finally {
			if (!confirmed) {
				withdrawAfterFailure(t, ip);
			}
		}
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		BgpTarget t = cast(target);
		GobgpCli cli = new GobgpCli(t, this.runners.apply(t));
		if (local(cli.rib(GobgpCli.family(ip), ip)).isEmpty()) {
			return false;
		}
		log.info("{}: withdrawing {}", t.name(), GobgpCli.prefix(ip));
		cli.delete(ip);
		List<GobgpCli.Route> left = local(cli.rib(GobgpCli.family(ip), ip));
		if (!left.isEmpty()) {
			throw new DiversionException.VerificationFailed(t.name(), GobgpCli.prefix(ip)
					+ " is still in gobgpd's RIB after the withdraw: " + describe(left));
		}
		if (cli.neighbor().established()) {
			List<GobgpCli.Route> out = cli.adjOut(ip);
			if (!out.isEmpty()) {
				throw new DiversionException.VerificationFailed(t.name(), GobgpCli.prefix(ip)
						+ " is still in the adj-rib-out towards " + IpAddresses.text(t.neighbor()) + ": " + describe(out));
			}
		}
		return true;
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		BgpTarget t = cast(target);
		GobgpCli cli = new GobgpCli(t, this.runners.apply(t));
		List<Diversion> out = new ArrayList<>();
		for (String family : List.of("ipv4", "ipv6")) {
			for (GobgpCli.Route r : local(cli.rib(family, null))) {
				if (r.length() == IpAddresses.hostBits(r.ip()) && r.nextHop() != null) {
					out.add(diversion(r, t));
				}
			}
		}
		out.sort(Diversion.BY_IP);
		return out;
	}

	/** Healthy when gobgpd answers and the session to the router is established. */
	@Override
	public TargetHealth health(RouterTarget target) {
		BgpTarget t = cast(target);
		long start = System.nanoTime();
		try {
			GobgpCli.Peer peer = new GobgpCli(t, this.runners.apply(t)).neighbor();
			int n = listDiversions(t).size();
			String session = "session to " + IpAddresses.text(t.neighbor()) + " " + peer.stateName()
					+ (peer.established() ? " (hold time " + peer.holdTime() + " s)" : "");
			return new TargetHealth(t.name(), peer.established(), session + ", " + n + " diversions",
					Duration.ofNanos(System.nanoTime() - start));
		}
		catch (DiversionException ex) {
			return new TargetHealth(t.name(), false, ex.getMessage(), Duration.ofNanos(System.nanoTime() - start));
		}
	}

	/**
	 * The next hop for {@code ip}'s family: configured, or the session's own local address when the session is of
	 * that family (the address the router already reaches this scrubber at).
	 */
	static InetAddress nextHop(BgpTarget t, InetAddress ip, GobgpCli.Peer peer) {
		boolean v6 = ip.getAddress().length == 16;
		InetAddress configured = v6 ? t.nextHop6() : t.nextHop();
		if (configured != null) {
			return configured;
		}
		InetAddress local = peer.localAddress();
		if (local != null && (local.getAddress().length == 16) == v6) {
			return local;
		}
		throw new IllegalArgumentException(t.name() + ": " + (v6 ? "next-hop6" : "next-hop") + " is required to announce "
				+ (v6 ? "IPv6" : "IPv4") + " routes over the " + (v6 ? "IPv4" : "IPv6") + " session to "
				+ IpAddresses.text(t.neighbor()));
	}

	/** The adj-rib-out path that sends the route the way it was asked, or null. */
	private static GobgpCli.@Nullable Route confirmed(List<GobgpCli.Route> out, InetAddress nextHop, BgpTarget t) {
		for (GobgpCli.Route r : out) {
			if (nextHop.equals(r.nextHop()) && r.communities().containsAll(t.communities())) {
				return r;
			}
		}
		return null;
	}

	private static List<GobgpCli.Route> local(List<GobgpCli.Route> routes) {
		return routes.stream().filter(GobgpCli.Route::local).toList();
	}

	private static Diversion diversion(GobgpCli.Route r, BgpTarget t) {
		return new Diversion(r.ip(), new Via.NextHop(r.nextHop(), r.communities().texts()),
				r.communities().containsAll(t.communities()) ? "syncookied" : null);
	}

	private static String describe(List<GobgpCli.Route> routes) {
		if (routes.isEmpty()) {
			return "nothing";
		}
		return String.join("; ", routes.stream()
			.map(r -> "next hop " + (r.nextHop() == null ? "none" : IpAddresses.text(r.nextHop())) + " "
					+ r.communities().texts())
			.toList());
	}

	/**
	 * Withdraws a route whose divert failed after the announce, also when the failure was the caller's time limit
	 * (the interrupt is put back afterwards), so nothing stays half-announced.
	 */
	private void withdrawAfterFailure(BgpTarget t, InetAddress ip) {
		boolean interrupted = Thread.interrupted();
		try {
			new GobgpCli(t, this.runners.apply(t)).delete(ip);
			log.warn("{}: divert of {} failed; the announce was withdrawn", t.name(), GobgpCli.prefix(ip));
		}
		catch (DiversionException ex) {
			log.error("{}: divert of {} failed and the withdraw failed too ({}): check 'gobgp global rib -a {}'",
					t.name(), GobgpCli.prefix(ip), ex.getMessage(), GobgpCli.family(ip));
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static BgpTarget cast(RouterTarget target) {
		if (target instanceof BgpTarget t) {
			return t;
		}
		throw new IllegalArgumentException("BgpRouteAdapter cannot drive " + target.adapter() + " target "
				+ target.name());
	}

}
