package io.syncookied.router.junos;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.JunosTarget;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Junos over NETCONF: lock candidate → load-configuration (set/delete) → commit confirmed →
 * read back the committed configuration → confirming commit → unlock. If anything fails after the
 * load, the candidate is discarded; if the read-back disagrees after the confirmed commit, the
 * adapter does not confirm, so Junos rolls back by itself when the confirm timeout expires.
 * The owner tag goes into the commit comment ({@code show system commit}).
 */
public final class JunosNetconfAdapter implements DiversionAdapter {

	private static final Logger log = LoggerFactory.getLogger(JunosNetconfAdapter.class);

	@Override
	public ArpOverride divert(Inet4Address ip, MacAddress mac, RouterTarget target, OverrideTag tag) {
		JunosTarget t = cast(target);
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			JunosRpcs.AddressConfig before = read(nc, t);
			if (!before.addressPresent()) {
				throw new DiversionException.Rejected(t.name(), "address " + t.subnet() + " is not configured on "
						+ t.interfaceName() + "; refusing to create it (check interface and subnet)", false);
			}
			Optional<ArpOverride> now = find(before, ip);
			if (now.isPresent() && now.get().mac().equals(mac)) {
				return now.get();
			}
			change(nc, t, JunosRpcs.setArp(t, ip, mac), tag.render(), after -> {
				Optional<ArpOverride> o = find(after, ip);
				if (o.isEmpty() || !o.get().mac().equals(mac)) {
					return "asked arp " + ip.getHostAddress() + " mac " + mac + ", committed configuration has "
							+ o.map(x -> "mac " + x.mac()).orElse("no arp entry");
				}
				return null;
			});
			return new ArpOverride(ip, mac, null);
		}
	}

	@Override
	public boolean restore(Inet4Address ip, RouterTarget target) {
		JunosTarget t = cast(target);
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			if (find(read(nc, t), ip).isEmpty()) {
				return false;
			}
			change(nc, t, JunosRpcs.deleteArp(t, ip), "syncookied restore " + ip.getHostAddress(), after -> {
				Optional<ArpOverride> o = find(after, ip);
				return o.map(x -> "arp " + ip.getHostAddress() + " mac " + x.mac() + " still committed after delete")
					.orElse(null);
			});
			return true;
		}
	}

	@Override
	public List<ArpOverride> listOverrides(RouterTarget target) {
		JunosTarget t = cast(target);
		try (NetconfClient nc = NetconfClient.open(t.name(), t.ssh(), t.resilience().timeout())) {
			JunosRpcs.AddressConfig cfg = read(nc, t);
			if (!cfg.addressPresent()) {
				throw new DiversionException.Rejected(t.name(),
						"address " + t.subnet() + " is not configured on " + t.interfaceName(), false);
			}
			return cfg.arp();
		}
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

	private static Optional<ArpOverride> find(JunosRpcs.AddressConfig cfg, Inet4Address ip) {
		return cfg.arp().stream().filter(o -> o.ip().equals(ip)).findFirst();
	}

	private static JunosTarget cast(RouterTarget target) {
		if (target instanceof JunosTarget t) {
			return t;
		}
		throw new IllegalArgumentException("JunosNetconfAdapter cannot drive " + target.adapter() + " target "
				+ target.name());
	}

}
