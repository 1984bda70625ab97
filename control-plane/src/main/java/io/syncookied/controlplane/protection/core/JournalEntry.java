package io.syncookied.controlplane.protection.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One line of the state journal: the state of one IP after a change, and the intent behind it.
 *
 * @param ip the address as the hosts file and the API write it (a literal, never a name)
 */
public record JournalEntry(Instant at, String ip, Phase state, String reason, @Nullable String mitigationId,
		boolean diverted, ProtectionIntent.@Nullable Trigger intentTrigger, @Nullable String intentReason,
		@Nullable Instant intentRequestedAt, @Nullable Instant intentExpiresAt) {

	public static JournalEntry of(String ip, ProtectionState state, @Nullable ProtectionIntent intent) {
		return new JournalEntry(state.since(), ip, state.phase(), state.reason(), state.mitigationId(),
				state.mayBeDiverted(), (intent != null) ? intent.trigger() : null,
				(intent != null) ? intent.reason() : null, (intent != null) ? intent.requestedAt() : null,
				(intent != null) ? intent.expiresAt() : null);
	}

	public @Nullable ProtectionIntent intent() {
		if (this.intentTrigger == null || this.intentReason == null || this.intentRequestedAt == null) {
			return null;
		}
		return new ProtectionIntent(this.intentTrigger, this.intentReason, this.intentRequestedAt,
				this.intentExpiresAt);
	}

}
