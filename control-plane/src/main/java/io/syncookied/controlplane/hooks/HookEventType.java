package io.syncookied.controlplane.hooks;

import java.util.Locale;
import java.util.Optional;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;

/** The operator events a hook may get: the SSE event names ({@code syncookied.hooks.*.events: [state, alert]}). */
public enum HookEventType {

	/** A host changed protection state: the hook of FastNetMon's ban and unban. */
	STATE,
	/** Something an operator must look at (failed steps, stale secrets, a dead worker, ...). */
	ALERT,
	/** Dataplane worker lifecycle. */
	WORKER,
	/** The hosts file was reloaded or a reload refused. */
	CONFIG,
	/** Every detection decision, with its numbers (many per attack). */
	DETECTION;

	/** The name in settings, in the JSON's {@code type} and in {@code SYNCOOKIED_EVENT_TYPE}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The type of an event that hooks may get; empty for the alerts about hooks themselves, which never go to a hook
	 * (a failing receiver would otherwise be sent news of its own failures, for ever).
	 */
	static Optional<HookEventType> of(ControlEvent event) {
		if (event instanceof ControlEvent.Alert a
				&& (a.kind() == AlertKind.HOOK_FAILED || a.kind() == AlertKind.HOOK_DROPPED)) {
			return Optional.empty();
		}
		for (HookEventType t : values()) {
			if (t.wireName().equals(event.type())) {
				return Optional.of(t);
			}
		}
		return Optional.empty();
	}

}
