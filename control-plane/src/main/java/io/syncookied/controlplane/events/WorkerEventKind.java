package io.syncookied.controlplane.events;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happened to the dataplane worker ({@link ControlEvent.Worker}); the wire name is {@code restart-scheduled}. */
public enum WorkerEventKind {

	/** Started by this control plane. */
	STARTED,
	/** Found running on its socket and adopted (it kept its flows). */
	ADOPTED,
	/** Its process exited: seen at once. */
	EXITED,
	/** No healthy heartbeat for the heartbeat timeout. */
	UNHEALTHY,
	/** A restart attempt is scheduled (attempt number and delay in the message). */
	RESTART_SCHEDULED,
	/** A restart attempt started a worker. */
	RESTARTED,
	/** Healthy again after a loss. */
	RECOVERED;

	@JsonValue
	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public String toString() {
		return wireName();
	}

}
