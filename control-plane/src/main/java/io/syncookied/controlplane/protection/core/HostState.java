package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.hosts.HostConfig;

/**
 * Everything the core keeps about one IP. Immutable: a transition returns new values.
 *
 * @param host the configuration (for an IP that is not configured, a placeholder with mode off)
 * @param configured whether the IP is in the hosts file; an unconfigured IP is kept only until the router no longer
 *        diverts it
 * @param state the protection state
 * @param intent why the host should be protected, or null
 * @param work the tracked step in flight, or null
 * @param pickupUntil end of the pickup window the dataplane was last given (a re-push keeps what is left of it)
 * @param secretsAt when the newest secrets from the host's agent arrived, or null
 * @param lastStaleAlert when the last "diverted with stale secrets" reminder went out
 */
public record HostState(HostConfig host, boolean configured, ProtectionState state, @Nullable ProtectionIntent intent,
		@Nullable InFlight work, @Nullable Instant pickupUntil, @Nullable Instant secretsAt,
		@Nullable Instant lastStaleAlert) {

	/** A configured host as it starts: unprotected, nothing known yet. */
	public static HostState configured(HostConfig host, Instant at) {
		return new HostState(host, true, new ProtectionState.Unprotected(at, "configured"), null, null, null, null,
				null);
	}

	public InetAddress ip() {
		return this.host.ip();
	}

	public HostState withSecretsAt(Instant at) {
		return new HostState(this.host, this.configured, this.state, this.intent, this.work, this.pickupUntil, at,
				this.lastStaleAlert);
	}

}
