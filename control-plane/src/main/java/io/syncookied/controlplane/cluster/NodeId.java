package io.syncookied.controlplane.cluster;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** The name of one firewall node: it appears in etcd keys and values, so only a safe alphabet is allowed. */
public record NodeId(String value) implements Comparable<NodeId> {

	private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	public NodeId {
		if (value == null || !VALID.matcher(value).matches()) {
			throw new IllegalArgumentException("node id must be 1-63 lower-case letters, digits or '-' (not first or"
					+ " last), got " + ((value == null) ? "nothing" : "'" + value + "'"));
		}
	}

	/** Parses a configured or stored node id, naming the field in the error. */
	public static NodeId parse(String field, @Nullable String value) {
		try {
			return new NodeId(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(field + ": " + ex.getMessage()); // the whole story, one line
		}
	}

	@Override
	public int compareTo(NodeId other) {
		return this.value.compareTo(other.value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
