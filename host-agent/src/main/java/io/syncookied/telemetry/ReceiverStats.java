package io.syncookied.telemetry;

import java.net.InetAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Receiver counters: totals and per source IP, by reject reason. Written by the receiving event loop, read from
 * anywhere. Per-source entries are bounded: past {@code maxSources} addresses, new sources are counted under
 * {@link #OVERFLOW_SOURCE} so a spoofing flood cannot grow the map.
 */
public final class ReceiverStats {

	/** Stands for "one of too many sources" in {@link #bySource()}. */
	public static final String OVERFLOW_SOURCE = "other";

	private static final int ACCEPTED = RejectReason.values().length;

	private final AtomicLongArray totals = new AtomicLongArray(ACCEPTED + 1);

	private final Map<String, AtomicLongArray> perSource = new ConcurrentHashMap<>();

	private final LongAdder eventsDropped = new LongAdder();

	private final LongAdder resendRequestsSent = new LongAdder();

	private final int maxSources;

	ReceiverStats(int maxSources) {
		this.maxSources = maxSources;
	}

	void rejected(InetAddress source, RejectReason reason) {
		this.totals.incrementAndGet(reason.ordinal());
		sourceCounters(source).incrementAndGet(reason.ordinal());
	}

	void accepted(InetAddress source) {
		this.totals.incrementAndGet(ACCEPTED);
		sourceCounters(source).incrementAndGet(ACCEPTED);
	}

	void eventDropped() {
		this.eventsDropped.increment();
	}

	void resendSent() {
		this.resendRequestsSent.increment();
	}

	private AtomicLongArray sourceCounters(InetAddress source) {
		String key = source.getHostAddress();
		AtomicLongArray counters = this.perSource.get(key);
		if (counters == null) {
			if (this.perSource.size() >= this.maxSources) {
				key = OVERFLOW_SOURCE;
			}
			counters = this.perSource.computeIfAbsent(key, k -> new AtomicLongArray(ACCEPTED + 1));
		}
		return counters;
	}

	/** Datagrams that produced events. */
	public long accepted() {
		return this.totals.get(ACCEPTED);
	}

	public long rejected(RejectReason reason) {
		return this.totals.get(reason.ordinal());
	}

	public long rejectedTotal() {
		long sum = 0;
		for (RejectReason r : RejectReason.values()) {
			sum += this.totals.get(r.ordinal());
		}
		return sum;
	}

	/** Events not delivered because subscribers did not keep up (or none was subscribed yet). */
	public long eventsDropped() {
		return this.eventsDropped.sum();
	}

	public long resendRequestsSent() {
		return this.resendRequestsSent.sum();
	}

	/** Snapshot: source IP (or {@link #OVERFLOW_SOURCE}) to counts of rejections by reason. */
	public Map<String, Map<RejectReason, Long>> bySource() {
		Map<String, Map<RejectReason, Long>> out = new java.util.TreeMap<>();
		this.perSource.forEach((source, counters) -> {
			Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
			for (RejectReason r : RejectReason.values()) {
				long n = counters.get(r.ordinal());
				if (n != 0) {
					byReason.put(r, n);
				}
			}
			out.put(source, byReason);
		});
		return Collections.unmodifiableMap(out);
	}

	/** Snapshot: datagrams accepted per source IP. */
	public Map<String, Long> acceptedBySource() {
		Map<String, Long> out = new java.util.TreeMap<>();
		this.perSource.forEach((source, counters) -> out.put(source, counters.get(ACCEPTED)));
		return Collections.unmodifiableMap(out);
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder("ReceiverStats[accepted=").append(accepted());
		for (RejectReason r : RejectReason.values()) {
			sb.append(", ").append(r.tag()).append('=').append(rejected(r));
		}
		return sb.append(", events_dropped=").append(eventsDropped()).append(']').toString();
	}

}
