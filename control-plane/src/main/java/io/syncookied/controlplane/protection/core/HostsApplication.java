package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.ProtectionEvent.HostsLoaded;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;

/**
 * A new generation of the hosts file meets the state. New hosts start unprotected; a changed protected host is
 * re-pushed to the dataplane (new filters or MAC apply at once); a host set to mode off is restored. A host that left
 * the file is forgotten, unless the router may divert it: then it is first restored, visible as unconfigured and
 * RESTORING, with a {@code host-removed} alert, and forgotten once its direct path is back.
 */
final class HostsApplication {

	private HostsApplication() {
	}

	static Reply apply(Round r, HostsLoaded e) {
		Map<InetAddress, HostConfig> next = new LinkedHashMap<>();
		e.hosts().forEach(h -> next.put(h.ip(), h));
		for (Draft d : r.all()) {
			HostConfig updated = next.get(d.ip());
			if (updated == null) {
				removed(d);
			}
			else {
				changed(d, updated);
			}
		}
		for (HostConfig h : e.hosts()) {
			if (!r.exists(h.ip())) {
				r.add(HostState.configured(h, e.at()));
			}
		}
		return Reply.ACCEPTED;
	}

	private static void removed(Draft d) {
		boolean wasConfigured = d.configured;
		d.configured = false;
		if (d.intent != null) {
			d.intent = null;
			d.journal();
		}
		if (!d.state.mayBeDiverted()) {
			d.forget();
			return;
		}
		if (wasConfigured) {
			d.alert(AlertKind.HOST_REMOVED, "removed from the hosts file while the router may divert it: "
					+ (d.busy() ? "restoring the direct path once its current step is over"
							: "restoring the direct path") + ", then forgetting it");
		}
		if (!d.busy()) {
			HostMachine.startRestore(d, "host removed from the hosts file");
		}
	}

	private static void changed(Draft d, HostConfig updated) {
		boolean changed = !updated.equals(d.host) || !d.configured;
		d.host = updated;
		d.configured = true;
		if (d.busy()) {
			return; // the step in flight finishes with the old configuration; drive() then sees the new one
		}
		if (updated.mode() == ProtectionMode.OFF && d.state.mayBeDiverted()) {
			d.intent = null;
			HostMachine.startRestore(d, "host mode set to off");
		}
		else if (changed && d.state instanceof Protected) {
			HostMachine.refresh(d);
		}
	}

}
