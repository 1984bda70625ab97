package io.syncookied.dataplane;

import io.syncookied.common.IpText;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dataplane's counters summed over every worker since it started, by the original syncookied's metric names
 * where one exists ({@code rx_pps}, {@code rx_syn}, {@code rx_forwarded}, {@code rx_drop_bad_cookie}, {@code tx_pps},
 * {@code tx_failed}, ...) plus {@code flows} (a gauge), and per protected IP {@code rx_pps@<ip>} (frames received
 * for it), {@code rx_syn@<ip>} (SYNs answered), {@code rx_forwarded@<ip>} and {@code rx_drop@<ip>}, since the host
 * was added. All totals, never rates.
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

	/** The per-IP counters of one protected host (zeros when it is unknown). */
	public DpHostCounters host(InetAddress ip) {
		String k = "@" + IpText.of(ip);
		return new DpHostCounters(get("rx_pps" + k), get("rx_syn" + k), get("rx_forwarded" + k), get("rx_drop" + k));
	}

	/**
	 * One protected IP's counters since it was added.
	 *
	 * @param received frames for it that reached the packet core (the original's rx_pps_ip)
	 * @param synAnswered SYNs answered with a cookie SYN-ACK
	 * @param forwarded frames forwarded to the server
	 * @param dropped frames dropped (bad cookies, filters, ...)
	 */
	public record DpHostCounters(long received, long synAnswered, long forwarded, long dropped) {
	}

	/** ACKs dropped because their cookie was invalid. */
	public long badCookies() {
		return get("rx_drop_bad_cookie");
	}
}
