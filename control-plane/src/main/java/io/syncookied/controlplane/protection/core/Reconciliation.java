package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.protection.core.ProtectionEvent.ReadBack;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.protection.core.ProtectionState.Failed;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;
import io.syncookied.controlplane.protection.core.ProtectionState.Unprotected;

/**
 * Compares the router's overrides (read back) with the state and repairs the difference: nothing diverted and
 * unmanaged, no diversion forgotten, no failure left alone. A target that did not answer tells nothing: its hosts are
 * left as they are until the next read-back.
 */
final class Reconciliation {

	private static final Comparator<InetAddress> BY_ADDRESS = Comparator.comparing(InetAddress::getHostAddress);

	private Reconciliation() {
	}

	static Reply apply(Round r, ReadBack e) {
		String trigger = e.trigger().label();
		new TreeMap<>(e.unreadable()).forEach((target, why) -> r.alert(AlertKind.ROUTER_READBACK, null,
				"cannot read back overrides from router target " + target + ": " + why + " (will retry)"));
		Set<InetAddress> seen = new HashSet<>();
		for (Map.Entry<String, Set<InetAddress>> t : new TreeMap<>(e.overrides()).entrySet()) {
			for (InetAddress ip : t.getValue().stream().sorted(BY_ADDRESS).toList()) {
				seen.add(ip);
				if (!r.exists(ip)) {
					withdrawUnknown(r, ip, t.getKey(), trigger);
				}
			}
		}
		for (Draft d : r.all()) {
			if (!d.busy()) {
				String target = e.targets().get(d.ip());
				boolean known = target != null && e.overrides().containsKey(target);
				repair(d, known, seen.contains(d.ip()), e.trigger());
			}
		}
		return Reply.ACCEPTED;
	}

	/** Our MAC on the router for an IP that is not a host at all: withdraw it (never leave it unmanaged). */
	private static void withdrawUnknown(Round r, InetAddress ip, String target, String trigger) {
		Draft d = r.add(new HostState(Orphans.config(ip, target), false,
				new Protected(r.at, "found on router " + target, MitigationIds.of(ip, r.at)), null, null, null, null,
				null));
		d.alert(AlertKind.UNMANAGED_DIVERSION, "router " + target
				+ " diverts an IP that is not a configured host (" + trigger + "): withdrawing it");
		HostMachine.startRestore(d, "unmanaged diversion found at " + trigger);
	}

	/**
	 * One idle host. {@code known}: its target answered, so {@code onRouter} is the truth about it.
	 */
	private static void repair(Draft d, boolean known, boolean onRouter, Reconcile trigger) {
		String label = trigger.label();
		boolean want = d.wanted();
		ProtectionState s = d.state;
		if (s instanceof Unprotected && known && onRouter) {
			d.alert(AlertKind.UNMANAGED_DIVERSION, "router diverts a host we consider unprotected (" + label + "): "
					+ (want ? "adopting it" : "withdrawing it"));
			d.transition(new Protected(d.at(), "adopted from router at " + label, MitigationIds.of(d.ip(), d.at())));
			if (want) {
				HostMachine.refresh(d);
				HostMachine.drive(d, null);
			}
			else {
				HostMachine.startRestore(d, "unmanaged diversion found at " + label);
			}
		}
		else if (s instanceof Protected && known && !onRouter) {
			d.alert(AlertKind.DIVERSION_LOST, "the router no longer diverts this protected host (" + label + ")"
					+ (want ? ": diverting again" : ""));
			if (!want) {
				HostMachine.startRestore(d, "diversion lost and no longer wanted");
			}
			else if (d.worker().up()) {
				HostMachine.startDivert(d, "re-divert after diversion was lost");
			}
			else {
				d.transition(new Unprotected(d.at(), "diversion lost while the " + d.worker().describe()));
			}
		}
		else if (s instanceof Failed f) {
			if (want) {
				if (d.worker().up()) {
					HostMachine.startDivert(d, "retry after failure: " + f.reason());
				}
			}
			else if (f.diverted() || onRouter) {
				HostMachine.startRestore(d, "retry restore after failure: " + f.reason());
			}
		}
		else if (s instanceof Protected && trigger == Reconcile.STARTUP) {
			if (want) {
				HostMachine.refresh(d); // the worker may have been restarted while the control plane was down
			}
			else {
				HostMachine.startRestore(d, "intent expired while the control plane was down");
			}
		}
		else {
			HostMachine.drive(d, null);
		}
	}

}
