package io.syncookied.controlplane.metrics;

import java.util.Locale;

import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

/**
 * The meter a worker counter feeds, by the counter's name in the worker protocol. Per protected IP (tag {@code ip}
 * added by the caller):
 * <ul>
 * <li>{@code syncookied.dataplane.packets{verdict}}: {@code answered} (a SYN answered with a cookie),
 * {@code forwarded} (to the server), {@code dropped}; together every packet the firewall received for the IP;</li>
 * <li>{@code syncookied.dataplane.drops{reason}}: the dropped ones by reason ({@code bad_cookie}, {@code filtered},
 * ...);</li>
 * <li>{@code syncookied.dataplane.handshakes}: cookie ACKs validated, i.e. clients that completed the handshake
 * through the firewall.</li>
 * </ul>
 * Firewall-wide, the same three under {@code syncookied.dataplane.firewall.*} (every IP, including frames for no
 * protected host), and the worker's other counters as {@code syncookied.dataplane.worker.events{counter}}.
 */
record DataplaneMeter(String name, Tags tags, String description) {

	/** The worker's live-flow count: a level, published as the gauge {@code syncookied.dataplane.flows}. */
	static final String FLOWS_GAUGE = "flows";

	/** The worker's sum of every verdict: derivable from {@code packets}, so not published twice. */
	private static final String RECEIVED = "rx_pps";

	private static final String DROP_PREFIX = "rx_drop_";

	private static final String HANDSHAKES = "flows_created";

	/** What the firewall did with a packet, by the worker counter that counts it. */
	enum Verdict {

		ANSWERED("rx_syn"), FORWARDED("rx_forwarded"), DROPPED("rx_drop");

		private final String counter;

		Verdict(String counter) {
			this.counter = counter;
		}

		String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

		static @Nullable Verdict of(String counter) {
			for (Verdict v : values()) {
				if (v.counter.equals(counter)) {
					return v;
				}
			}
			return null;
		}

	}

	/** The per-IP meter of a {@code HOST_STATS} counter, or {@code null} when it has none. */
	static @Nullable DataplaneMeter perIp(String counter) {
		return packetMeter("syncookied.dataplane.", counter, " for this IP");
	}

	/** The firewall-wide meter of a {@code STATS} counter, or {@code null} when it has none. */
	static @Nullable DataplaneMeter firewall(String counter) {
		if (RECEIVED.equals(counter) || FLOWS_GAUGE.equals(counter)) {
			return null;
		}
		DataplaneMeter packets = packetMeter("syncookied.dataplane.firewall.", counter, " (every IP)");
		return (packets != null) ? packets
				: new DataplaneMeter("syncookied.dataplane.worker.events", Tags.of("counter", counter),
						"Dataplane worker counter (see the worker protocol's counter list)");
	}

	private static @Nullable DataplaneMeter packetMeter(String prefix, String counter, String scope) {
		Verdict verdict = Verdict.of(counter);
		if (verdict != null) {
			return new DataplaneMeter(prefix + "packets", Tags.of("verdict", verdict.tag()),
					"Packets by the firewall's verdict: answered (SYN, with a cookie), forwarded, dropped" + scope);
		}
		if (counter.startsWith(DROP_PREFIX) && counter.length() > DROP_PREFIX.length()) {
			return new DataplaneMeter(prefix + "drops", Tags.of("reason", counter.substring(DROP_PREFIX.length())),
					"Dropped packets by reason" + scope);
		}
		if (HANDSHAKES.equals(counter)) {
			return new DataplaneMeter(prefix + "handshakes", Tags.empty(),
					"Cookie ACKs validated: handshakes completed through the firewall" + scope);
		}
		return null;
	}

}
