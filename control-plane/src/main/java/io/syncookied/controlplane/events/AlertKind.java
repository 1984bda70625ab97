package io.syncookied.controlplane.events;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an {@link ControlEvent.Alert} is about. The wire name (SSE, logs, the {@code kind} tag of
 * {@code syncookied.events}) is the constant's name in lower case with dashes: {@code SECRETS_STALE} is
 * {@code secrets-stale}.
 */
public enum AlertKind {

	/** A host has no fresh secrets: it is not diverted (or, after a worker restart, its direct path is restored). */
	SECRETS_STALE,
	/** A diverted host's secrets went stale: it is still scrubbed, once-a-minute reminder. */
	SECRETS_STALE_DIVERTED,
	/** Fresh secrets could not be pushed to the dataplane. */
	SECRETS_PUSH,
	/** A protect request refused because of the host's mode. */
	MODE_OFF,
	/** The dataplane worker is unhealthy: the direct path of a diverted host is restored. */
	FAIL_OPEN,
	/** A protect request (or a diverted host) waits for the dataplane worker. */
	PROTECTION_PENDING,
	/** A divert step failed; the diversion is rolled back. */
	DIVERT_FAILED,
	/** A router restore failed: the router may still divert the host. */
	RESTORE_FAILED,
	/** A re-push of a protected host to the dataplane failed. */
	DATAPLANE_PUSH_FAILED,
	/** The dataplane could not remove a host (harmless: its traffic is no longer diverted). */
	DATAPLANE_REMOVE_FAILED,
	/** The worker could not be given the diverted hosts after it came back. */
	DATAPLANE_RESYNC_FAILED,
	/** The router no longer diverts a host we protect. */
	DIVERSION_LOST,
	/** The router diverts an IP we do not consider protected. */
	UNMANAGED_DIVERSION,
	/** A router target's overrides could not be read back. */
	ROUTER_READBACK,
	/** A host left the hosts file while the router may divert it: its direct path is restored before it is forgotten. */
	HOST_REMOVED,
	/** The dataplane worker could not be started. */
	WORKER_START_FAILED,
	/** The dataplane worker could not be restarted (the supervisor tries again after its backoff). */
	WORKER_RESTART_FAILED,
	/** An operator hook or webhook could not deliver events after its retries (at most one alert a minute each). */
	HOOK_FAILED,
	/** Events were dropped for a hook or webhook whose queue was full (at most one alert a minute each). */
	HOOK_DROPPED;

	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public String toString() {
		return wireName();
	}

}
