package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.ProtectionState.Diverting;
import io.syncookied.controlplane.protection.core.ProtectionState.Failed;
import io.syncookied.controlplane.protection.core.ProtectionState.Protected;
import io.syncookied.controlplane.protection.core.ProtectionState.Restoring;
import io.syncookied.controlplane.protection.core.ProtectionState.Unprotected;

/**
 * The state after a restart: every configured host, with the journal's last word on it. An IP the journal says may
 * be diverted but that left the hosts file is kept, unconfigured, so that reconciliation restores it. No step is in
 * flight after a restart: a DIVERTING or RESTORING host is finished in its intent's direction by {@link HostMachine#drive}.
 */
final class JournalReplay {

	/** A literal, never a name: replaying a journal must not resolve anything. */
	private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

	private JournalReplay() {
	}

	static ProtectionCore.Replayed restore(Collection<JournalEntry> entries, List<HostConfig> hosts, Instant at) {
		Map<InetAddress, HostState> states = new LinkedHashMap<>();
		hosts.forEach(h -> states.put(h.ip(), HostState.configured(h, at)));
		List<String> skipped = new ArrayList<>();
		for (JournalEntry j : entries) {
			InetAddress ip = literal(j.ip());
			if (ip == null) {
				skipped.add("'" + j.ip() + "' is not an IP address");
				continue;
			}
			HostState s = states.get(ip);
			if (s == null) {
				if (!j.diverted()) {
					continue; // left the hosts file and not diverted: nothing to remember
				}
				s = new HostState(Orphans.config(ip, null), false, new Unprotected(j.at(), j.reason()), null, null, null,
						null, null);
			}
			states.put(ip, new HostState(s.host(), s.configured(), stateOf(j, ip), j.intent(), null, null, null, null));
		}
		return new ProtectionCore.Replayed(List.copyOf(states.values()), skipped);
	}

	private static ProtectionState stateOf(JournalEntry j, InetAddress ip) {
		String mid = (j.mitigationId() != null) ? j.mitigationId() : MitigationIds.of(ip, j.at());
		return switch (j.state()) {
			case DIVERTING -> new Diverting(j.at(), j.reason(), mid);
			case PROTECTED -> new Protected(j.at(), j.reason(), mid);
			case RESTORING -> new Restoring(j.at(), j.reason(), mid);
			case FAILED -> new Failed(j.at(), j.reason(), j.mitigationId(), j.diverted());
			case UNPROTECTED -> new Unprotected(j.at(), j.reason());
		};
	}

	private static @Nullable InetAddress literal(String text) {
		if (!IP_LITERAL.matcher(text).matches()) {
			return null;
		}
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
