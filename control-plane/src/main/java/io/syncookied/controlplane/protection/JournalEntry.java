package io.syncookied.controlplane.protection;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** One line of the state journal: the state of one IP after a change, and the intent behind it. */
public record JournalEntry(Instant at, String ip, String state, String reason, @Nullable String mitigationId,
		boolean diverted, @Nullable String intentTrigger, @Nullable String intentReason,
		@Nullable Instant intentRequestedAt, @Nullable Instant intentExpiresAt) {

	static JournalEntry of(String ip, ProtectionState state, @Nullable ProtectionIntent intent) {
		return new JournalEntry(state.since(), ip, state.name(), state.reason(), state.mitigationId(),
				state.mayBeDiverted(), (intent != null) ? intent.trigger().name() : null,
				(intent != null) ? intent.reason() : null, (intent != null) ? intent.requestedAt() : null,
				(intent != null) ? intent.expiresAt() : null);
	}

	@Nullable ProtectionIntent intent() {
		if (this.intentTrigger == null || this.intentReason == null || this.intentRequestedAt == null) {
			return null;
		}
		return new ProtectionIntent(ProtectionIntent.Trigger.valueOf(this.intentTrigger), this.intentReason,
				this.intentRequestedAt, this.intentExpiresAt);
	}

}
