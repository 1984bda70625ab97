package io.syncookied.dataplane;

import java.util.Objects;

/**
 * One filter rule of a protected host: a pcap-filter expression over the IP packet and what to do when it matches.
 * Rules are evaluated in list order; the first match wins.
 */
public record DpFilter(String expression, Action action) {

	/** What happens to a packet (the hosts.yml words {@code pass} and {@code drop}). */
	public enum Action {
		PASS, DROP;

		/** The hosts.yml and worker-protocol word. */
		public String word() {
			return this == PASS ? "pass" : "drop";
		}
	}

	public DpFilter {
		Objects.requireNonNull(expression, "expression");
		Objects.requireNonNull(action, "action");
		if (expression.isBlank()) {
			throw new IllegalArgumentException("filter expression: must not be blank");
		}
		if (expression.equals("default")) {
			throw new IllegalArgumentException("filter expression: 'default' is the host's defaultAction, not a rule");
		}
		if (expression.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
			throw new IllegalArgumentException("filter expression: control characters are not allowed");
		}
	}
}
