package io.syncookied.controlplane.protection.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Why a host should be protected. A manual intent expires at its TTL; an automatic one ends when detection says the
 * attack is over (after hold-down and quiet period). A manual intent wins over an automatic one.
 */
public record ProtectionIntent(Trigger trigger, String reason, Instant requestedAt, @Nullable Instant expiresAt) {

	public enum Trigger {
		/** An operator asked (REST). */
		MANUAL,
		/** Detection saw an attack on a host in mode {@code auto}. */
		AUTO
	}

	public boolean expired(Instant now) {
		return this.expiresAt != null && !now.isBefore(this.expiresAt);
	}

}
