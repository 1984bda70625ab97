package io.syncookied.controlplane.dataplane;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.jspecify.annotations.Nullable;

import io.syncookied.common.IpText;
import io.syncookied.dataplane.DpHostCounters;

/**
 * Worker health and counters as last seen.
 *
 * @param available the control plane can talk to a worker
 * @param alive the worker answered its last heartbeat
 * @param counters the worker's totals under the original syncookied measurement names ({@code rx_syn},
 * {@code rx_forwarded}, {@code rx_drop_bad_cookie}, ...)
 * @param hostCounters per protected IP, the counters the worker keeps for that host
 */
public record DataplaneStatus(boolean available, boolean alive, @Nullable String cause, String state, int workers,
		int hosts, long generation, long uptimeMillis, Map<String, Long> counters,
		@JsonIgnore Map<InetAddress, DpHostCounters> hostCounters, Instant at) {

	public DataplaneStatus {
		counters = Map.copyOf(counters);
		hostCounters = Map.copyOf(hostCounters);
	}

	public static DataplaneStatus unavailable(String cause, Instant at) {
		return new DataplaneStatus(false, false, cause, "unavailable", 0, 0, 0, 0, Map.of(), Map.of(), at);
	}

	/** The per-host counters as the API shows them: by address text (RFC 5952), then counter name. */
	@JsonProperty("hostCounters")
	public Map<String, Map<String, Long>> hostCountersByText() {
		Map<String, Map<String, Long>> m = new TreeMap<>();
		this.hostCounters.forEach((ip, c) -> m.put(IpText.of(ip), c.counters()));
		return m;
	}

	public long counter(String name) {
		return this.counters.getOrDefault(name, 0L);
	}

	/** One protected IP's counters (all zero when the worker keeps none for it). */
	public DpHostCounters host(InetAddress ip) {
		return this.hostCounters.getOrDefault(ip, DpHostCounters.NONE);
	}

}
