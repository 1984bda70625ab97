package io.syncookied.controlplane.protection;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Why a host should be protected. A manual intent expires at its TTL; an automatic one ends when detection says the
 * attack is over (after hold-down and quiet period). A manual intent wins over an automatic one.
 */
public record ProtectionIntent(Trigger trigger, String reason, Instant requestedAt, @Nullable Instant expiresAt) {

	public enum Trigger {
		MANUAL, AUTO, RECONCILE
	}

	public boolean expired(Instant now) {
		return this.expiresAt != null && !now.isBefore(this.expiresAt);
	}

}
