package io.syncookied.controlplane.protection.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the core knows of the dataplane worker. Nothing is diverted unless it is {@link Health#UP}.
 *
 * @param cause why it is not up, for messages
 */
public record WorkerState(Health health, @Nullable String cause, Instant since) {

	public enum Health {
		/** Not seen yet since the control plane started: the supervisor adopts or starts it, then re-syncs it. */
		STARTING,
		/** Back, and being given the diverted hosts. */
		RESYNCING,
		/** Healthy and holding the diverted hosts. */
		UP,
		/** Lost: fail-open or fail-closed applies until it is back. */
		DOWN
	}

	public static WorkerState up(Instant since) {
		return new WorkerState(Health.UP, null, since);
	}

	public static WorkerState starting(Instant since) {
		return new WorkerState(Health.STARTING, "the dataplane worker has not been seen yet", since);
	}

	public boolean up() {
		return this.health == Health.UP;
	}

	/** Why nothing can be diverted now, for messages. */
	public String describe() {
		return switch (this.health) {
			case UP -> "dataplane worker up";
			case STARTING -> "dataplane worker not running yet";
			case RESYNCING -> "dataplane worker being re-synced";
			case DOWN -> "dataplane worker down" + ((this.cause != null) ? " (" + this.cause + ")" : "");
		};
	}

}
