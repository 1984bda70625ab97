package io.syncookied.router.junos;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.Via;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Junos over NETCONF: lock candidate → load-configuration (set/delete) → commit confirmed →
 * read back the committed configuration → confirming commit → unlock. If anything fails after the
 * load, the candidate is discarded; if the read-back disagrees after the confirmed commit, the
 * adapter does not confirm, so Junos rolls back by itself when the confirm timeout expires.
 * The owner tag goes into the commit comment ({@code show system commit}). IPv4 addresses get static ARP entries
 * under the interface's {@code family inet} address, IPv6 ones static NDP entries under its {@code family inet6}
 * address.
 */
public final class JunosNetconfAdapter implements DiversionAdapter {

	private static final Logger log = LoggerFactory.getLogger(JunosNetconfAdapter.class);

	@Override
	public Diversion divert(InetAddress ip, @Nullable MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		JunosTarget t = cast(target);
		MacAddress mac = MacAddress.required(firewallMac, t);
		String command = JunosRpcs.setNeighbour(t, ip, mac); // checks the family is configured before connecting
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			JunosRpcs.AddressConfig before = read(nc, t);
			if (!before.holds(ip)) {
				throw new DiversionException.Rejected(t.name(), "address " + t.addressFor(ip) + " is not configured on "
						+ t.interfaceName() + "; refusing to create it (check interface and subnet)", false);
			}
			Optional<MacAddress> now = find(before, ip);
			if (now.isPresent() && now.get().equals(mac)) {
				return Diversion.neighbour(ip, mac, null);
			}
			change(nc, t, command, tag.render(), after -> {
				Optional<MacAddress> o = find(after, ip);
				if (o.isEmpty() || !o.get().equals(mac)) {
					return "asked " + entry(ip) + " " + IpAddresses.text(ip) + " mac " + mac
							+ ", committed configuration has " + o.map(x -> "mac " + x).orElse("no " + entry(ip) + " entry");
				}
				return null;
			});
			return Diversion.neighbour(ip, mac, null);
		}
	}

	@Override
	public boolean restore(InetAddress ip, RouterTarget target) {
		JunosTarget t = cast(target);
		String command = JunosRpcs.deleteNeighbour(t, ip);
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			if (find(read(nc, t), ip).isEmpty()) {
				return false;
			}
			change(nc, t, command, "syncookied restore " + IpAddresses.text(ip), after -> find(after, ip)
				.map(x -> entry(ip) + " " + IpAddresses.text(ip) + " mac " + x + " still committed after delete")
				.orElse(null));
			return true;
		}
	}

	@Override
	public List<Diversion> listDiversions(RouterTarget target) {
		JunosTarget t = cast(target);
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			JunosRpcs.AddressConfig cfg = read(nc, t);
			if (t.subnet() != null && !cfg.inet()) {
				throw new DiversionException.Rejected(t.name(),
						"address " + t.subnet() + " is not configured on " + t.interfaceName(), false);
			}
			if (t.subnet6() != null && !cfg.inet6()) {
				throw new DiversionException.Rejected(t.name(),
						"address " + t.subnet6() + " is not configured on " + t.interfaceName(), false);
			}
			return cfg.entries();
		}
	}

	private static String entry(InetAddress ip) {
		return ip.getAddress().length == 16 ? "ndp" : "arp";
	}

	interface Check {

		/** @return null when the committed configuration is right, else what is wrong */
		String problem(JunosRpcs.AddressConfig after);

	}

	private static void change(NetconfClient nc, JunosTarget t, String command, String comment, Check check) {
		nc.rpc(JunosRpcs.lockCandidate());
		boolean confirmedPending = false;
		try {
			try {
				nc.rpc(JunosRpcs.loadSet(command));
				nc.rpc(JunosRpcs.commitConfirmed(t.confirmTimeout().toMinutes(), comment));
				confirmedPending = true;
			}
			catch (DiversionException ex) {
				discard(nc, t);
				throw ex;
			}
			String problem = check.problem(read(nc, t));
			if (problem != null) {
				throw new DiversionException.VerificationFailed(t.name(), problem + "; not confirming, Junos rolls back in "
						+ t.confirmTimeout().toMinutes() + " min");
			}
			nc.rpc(JunosRpcs.confirmingCommit(comment));
			confirmedPending = false;
		}
		finally {
			try {
				nc.rpc(JunosRpcs.unlockCandidate());
			}
			catch (DiversionException ex) {
				log.warn("{}: unlock failed: {}{}", t.name(), ex.getMessage(),
						confirmedPending ? " (commit confirmed still pending)" : "");
			}
		}
	}

	private static void discard(NetconfClient nc, JunosTarget t) {
		try {
			nc.rpc(JunosRpcs.discardChanges());
		}
		catch (DiversionException ex) {
			log.warn("{}: discard-changes failed: {}", t.name(), ex.getMessage());
		}
	}

	private static JunosRpcs.AddressConfig read(NetconfClient nc, JunosTarget t) {
		String reply = nc.rpc(JunosRpcs.getAddressConfig(t));
		try {
			return JunosRpcs.parseAddressConfig(t, reply);
		}
		catch (IllegalArgumentException ex) {
			throw new DiversionException.VerificationFailed(t.name(), "cannot read get-configuration reply: "
					+ ex.getMessage());
		}
	}

	private static Optional<MacAddress> find(JunosRpcs.AddressConfig cfg, InetAddress ip) {
		return cfg.entries()
			.stream()
			.filter(o -> o.ip().equals(ip) && o.via() instanceof Via.Mac)
			.map(o -> ((Via.Mac) o.via()).mac())
			.findFirst();
	}

	private static JunosTarget cast(RouterTarget target) {
		if (target instanceof JunosTarget t) {
			return t;
		}
		throw new IllegalArgumentException("JunosNetconfAdapter cannot drive " + target.adapter() + " target "
				+ target.name());
	}

}
