package io.syncookied.dataplane;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dataplane's counters summed over every worker since it started, by the original syncookied's metric names
 * where one exists ({@code rx_pps}, {@code rx_syn}, {@code rx_forwarded}, {@code rx_drop_bad_cookie}, {@code tx_pps},
 * {@code tx_failed}, ...) plus {@code flows} (a gauge). All totals, never rates.
 */
public record DpStats(Map<String, Long> counters) {

	public DpStats {
		counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
	}

	/** The counter, or 0 when this dataplane does not have it. */
	public long get(String name) {
		return this.counters.getOrDefault(name, 0L);
	}

	/** Every frame handed to the packet core. */
	public long rxPackets() {
		return get("rx_pps");
	}

	/** SYNs answered with a cookie SYN-ACK. */
	public long synAnswered() {
		return get("rx_syn");
	}

	/** Frames forwarded to protected servers. */
	public long forwarded() {
		return get("rx_forwarded");
	}

	/** ACKs dropped because their cookie was invalid. */
	public long badCookies() {
		return get("rx_drop_bad_cookie");
	}
}
