package io.syncookied.controlplane.protection.core;

import java.net.InetAddress;
import java.util.Locale;

/** The answer to the event that caused a transition, for whoever submitted it (a REST request, detection). */
public sealed interface Reply {

	/** The event was acted on. */
	record Accepted() implements Reply {
	}

	/** The event did not apply (an automatic decision for a manual host, a hold-down not over, ...). */
	record Ignored(String why) implements Reply {
	}

	/** A request that must not be carried out; the message says why. */
	record Refused(Refusal code, String message) implements Reply {
	}

	/** The IP is not a configured host. */
	record NotConfigured(InetAddress ip) implements Reply {
	}

	/** Why a protect request was refused. The wire name is {@code mode-off}, {@code secrets-stale}, ... */
	enum Refusal {

		MODE_OFF, SECRETS_STALE, TTL_OUT_OF_RANGE;

		public String wireName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	Reply ACCEPTED = new Accepted();

}
