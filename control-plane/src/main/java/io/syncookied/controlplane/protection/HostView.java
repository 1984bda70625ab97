package io.syncookied.controlplane.protection;

import java.net.InetAddress;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.HostState;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionIntent;
import io.syncookied.controlplane.protection.core.ProtectionState;
import io.syncookied.controlplane.protection.core.WorkerState;

/**
 * Read-only view of one host's protection, safe to hand out from any thread.
 *
 * @param configured false for an IP that left the hosts file (or was found on the router) and is being restored
 * @param diverted whether the router may send this IP's traffic to the firewall
 * @param intent why protection is wanted, or null
 * @param pending why a wanted protection waits (the dataplane worker is not up), or null
 */
public record HostView(InetAddress ip, boolean configured, ProtectionMode mode, Phase state, Instant since,
		String reason, @Nullable String mitigationId, boolean diverted, ProtectionIntent.@Nullable Trigger intent,
		@Nullable String intentReason, @Nullable Instant expiresAt, @Nullable String pending) {

	static HostView of(HostState s, WorkerState worker) {
		ProtectionState state = s.state();
		ProtectionIntent i = s.intent();
		boolean waiting = i != null && s.configured() && s.host().mode() != ProtectionMode.OFF && !worker.up()
				&& !state.mayBeDiverted() && s.work() == null;
		return new HostView(s.ip(), s.configured(), s.host().mode(), state.phase(), state.since(), state.reason(),
				state.mitigationId(), state.mayBeDiverted(), (i != null) ? i.trigger() : null,
				(i != null) ? i.reason() : null, (i != null) ? i.expiresAt() : null,
				waiting ? worker.describe() : null);
	}

}
