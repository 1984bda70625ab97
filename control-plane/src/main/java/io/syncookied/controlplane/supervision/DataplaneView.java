package io.syncookied.controlplane.supervision;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.dataplane.DataplaneStatus;

/**
 * {@code GET /api/v1/dataplane}: supervision state plus the worker's own health and counters.
 *
 * @param health what the supervisor knows of the worker
 * @param restarts restart attempts since the control plane started
 * @param restartAttempts restart attempts since the worker was lost (0 while it is up)
 * @param nextRestartAt when the next restart attempt is due, or null
 */
public record DataplaneView(boolean enabled, boolean managed, boolean healthy, WorkerSupervisor.Health health,
		@Nullable Instant lastHealthyAt, int restarts, int restartAttempts, @Nullable Instant nextRestartAt,
		@Nullable String lastFailure, String failMode, String worker, DataplaneStatus status) {
}
