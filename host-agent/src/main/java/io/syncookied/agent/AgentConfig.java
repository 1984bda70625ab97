package io.syncookied.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.syncookied.telemetry.AeadAlgorithm;
import org.jspecify.annotations.Nullable;

/**
 * The agent's settings, from a properties file overridden by flags (see {@link AgentConfigLoader}).
 * {@code previousKeyId}/{@code previousKeyFile} are accepted for incoming resend requests during a key rollover.
 * {@code sysRoot} stands for /sys (the MTU of the interfaces towards the clients), as {@code procRoot} for /proc.
 * {@code controlPlanes} are every control plane that gets the reports: one, or each node of a cluster (every node
 * needs the secrets itself, since secrets never go into the cluster's shared store).
 */
public record AgentConfig(Path procRoot, Path sysRoot, List<HostPort> controlPlanes, HostPort bind, long keyId, Path keyFile,
		AeadAlgorithm algorithm, @Nullable Long previousKeyId, @Nullable Path previousKeyFile, Duration interval,
		Duration secretsPoll, boolean setSyncookies, List<String> interfaces, @Nullable String hostname,
		Duration maxClockSkew) {

	public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

	public static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

	/** More destinations than any cluster has: each report is sent to every one. */
	public static final int MAX_CONTROL_PLANES = 16;

	public AgentConfig {
		interfaces = List.copyOf(interfaces);
		controlPlanes = List.copyOf(controlPlanes);
		if (controlPlanes.isEmpty() || controlPlanes.size() > MAX_CONTROL_PLANES) {
			throw new IllegalArgumentException("control-plane: between 1 and " + MAX_CONTROL_PLANES
					+ " HOST:PORT destinations, got " + controlPlanes.size());
		}
		if (new java.util.HashSet<>(controlPlanes).size() != controlPlanes.size()) {
			throw new IllegalArgumentException("control-plane: a destination is listed twice in " + controlPlanes);
		}
		if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
			throw new IllegalArgumentException("interval: " + interval.toMillis() + " ms is outside 100ms..10m");
		}
		if (secretsPoll.compareTo(MIN_INTERVAL) < 0) {
			throw new IllegalArgumentException("secrets-poll: must be at least 100ms");
		}
		if ((previousKeyId == null) != (previousKeyFile == null)) {
			throw new IllegalArgumentException("previous-key-id and previous-key-file: give both or neither");
		}
		if (previousKeyId != null && previousKeyId == keyId) {
			throw new IllegalArgumentException("previous-key-id: equals key-id " + keyId);
		}
	}

	/** A {@code host:port} or {@code [v6]:port} pair, unresolved (resolution happens off the event loop). */
	public record HostPort(String host, int port) {

		public static HostPort parse(String field, String value) {
			String v = value.trim();
			int colon = v.lastIndexOf(':');
			if (colon <= 0 || colon == v.length() - 1) {
				throw new IllegalArgumentException(field + ": expected HOST:PORT, got '" + value + "'");
			}
			String host = v.substring(0, colon);
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			else if (host.contains(":")) {
				throw new IllegalArgumentException(field + ": write an IPv6 address as [addr]:port, got '" + value + "'");
			}
			int port;
			try {
				port = Integer.parseInt(v.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(field + ": port is not a number in '" + value + "'");
			}
			if (port < 0 || port > 65535 || host.isEmpty()) {
				throw new IllegalArgumentException(field + ": port out of range or empty host in '" + value + "'");
			}
			return new HostPort(host, port);
		}

		@Override
		public String toString() {
			return (this.host.contains(":") ? "[" + this.host + "]" : this.host) + ":" + this.port;
		}

	}

}
