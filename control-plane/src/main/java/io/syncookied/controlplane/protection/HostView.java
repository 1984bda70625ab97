package io.syncookied.controlplane.protection;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** Read-only view of one host's protection, safe to hand out from any thread. */
public record HostView(String ip, String mode, String state, Instant since, String reason,
		@Nullable String mitigationId, boolean diverted, @Nullable String intent, @Nullable String intentReason,
		@Nullable Instant expiresAt) {
}
