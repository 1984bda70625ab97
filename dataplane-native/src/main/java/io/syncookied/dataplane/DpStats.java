package io.syncookied.dataplane;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dataplane's counters summed over every worker since it started (totals, never rates), by the original
 * syncookied's metric names where one exists ({@code rx_pps}, {@code rx_syn}, {@code rx_forwarded},
 * {@code rx_drop_bad_cookie}, {@code tx_pps}, {@code tx_failed}, ...) plus {@code flows} (a gauge); and per protected
 * IP the counters the worker keeps for that host (its {@code HOST_STATS}).
 *
 * @param totals counter name to value; names the worker adds later appear here too
 * @param hosts the per-host counters of every protected IP that has its own
 */
public record DpStats(Map<String, Long> totals, Map<InetAddress, DpHostCounters> hosts) {

	public DpStats {
		totals = Collections.unmodifiableMap(new LinkedHashMap<>(totals));
		hosts = Map.copyOf(hosts);
	}

	/** The counter, or 0 when this dataplane does not have it. */
	public long get(String name) {
		return this.totals.getOrDefault(name, 0L);
	}

	/** The counters of one protected host (all zero when it has none). */
	public DpHostCounters host(InetAddress ip) {
		return this.hosts.getOrDefault(ip, DpHostCounters.NONE);
	}

}
