package io.syncookied.dataplane;

import java.util.Objects;

/**
 * One filter rule of a protected host: a pcap-filter expression over the IP packet and what to do when it matches.
 * Rules are evaluated in list order; the first match wins.
 */
public record DpFilter(String expression, Action action) {

	public enum Action {
		PASS, DROP
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
	}

	public static DpFilter drop(String expression) {
		return new DpFilter(expression, Action.DROP);
	}

	public static DpFilter pass(String expression) {
		return new DpFilter(expression, Action.PASS);
	}
}
