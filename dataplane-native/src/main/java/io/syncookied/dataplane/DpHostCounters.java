package io.syncookied.dataplane;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One protected IP's counters since the worker received the host, by the names of the totals ({@code rx_pps},
 * {@code rx_syn}, {@code flows_created}, {@code rx_forwarded}, {@code rx_drop} and the {@code rx_drop_*} reasons).
 *
 * @param counters counter name to value; names the worker adds later appear here too
 */
public record DpHostCounters(Map<String, Long> counters) {

	/** A host without counters. */
	public static final DpHostCounters NONE = new DpHostCounters(Map.of());

	public DpHostCounters {
		counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
	}

	public long get(String name) {
		return this.counters.getOrDefault(name, 0L);
	}

}
