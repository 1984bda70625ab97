package io.syncookied.controlplane.dataplane;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Worker health and counters as last seen.
 *
 * @param available the control plane can talk to a worker
 * @param alive the worker answered its last heartbeat
 * @param counters counters under the original syncookied measurement names ({@code rx_syn}, {@code rx_forwarded},
 * {@code rx_drop_bad_cookie}, ...) plus per protected IP counters as {@code name@ip}
 */
public record DataplaneStatus(boolean available, boolean alive, @Nullable String cause, String state, int workers,
		int hosts, long generation, long uptimeMillis, Map<String, Long> counters, Instant at) {

	public DataplaneStatus {
		counters = Map.copyOf(counters);
	}

	public static DataplaneStatus unavailable(String cause, Instant at) {
		return new DataplaneStatus(false, false, cause, "unavailable", 0, 0, 0, 0, Map.of(), at);
	}

	public long counter(String name) {
		return this.counters.getOrDefault(name, 0L);
	}

}
