package io.syncookied.controlplane.supervision;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.dataplane.DataplaneStatus;

/** {@code GET /api/v1/dataplane}: supervision state plus the worker's own health and counters. */
public record DataplaneView(boolean enabled, boolean managed, boolean healthy, @Nullable Instant lastHealthyAt,
		int restarts, @Nullable String lastFailure, String failMode, String worker, DataplaneStatus status) {
}
