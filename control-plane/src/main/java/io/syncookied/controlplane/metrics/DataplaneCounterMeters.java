package io.syncookied.controlplane.metrics;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.dataplane.DataplaneStatus;

/**
 * Worker snapshots turned into counters with tags (see {@link DataplaneMeter} for the names), plus the gauge
 * {@code syncookied.dataplane.flows}.
 * <p>
 * The worker's counters restart at zero with the worker; each meter here is a {@link MonotonicCount}, so a worker
 * restart is neither a negative step nor a reset. Per-IP meters exist exactly while the worker reports the IP in
 * {@code HOST_STATS}: the worker holds a host only while it is protected, so a host's series disappear at the first
 * snapshot after its restore or removal instead of freezing at their last value.
 */
final class DataplaneCounterMeters {

	private final MeterRegistry registry;

	private final AtomicLong flows = new AtomicLong();

	private final Map<Key, Followed> followed = new HashMap<>();

	DataplaneCounterMeters(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("syncookied.dataplane.flows", this.flows, AtomicLong::get)
			.description("Flows the worker tracks now (validated handshakes not yet expired)").register(registry);
	}

	/** Feeds one worker snapshot into the meters; a snapshot of an unavailable worker changes nothing. */
	synchronized void update(DataplaneStatus status) {
		if (!status.available()) {
			return;
		}
		status.counters().forEach((name, value) -> {
			if (DataplaneMeter.FLOWS_GAUGE.equals(name)) {
				this.flows.set(value);
				return;
			}
			DataplaneMeter meter = DataplaneMeter.firewall(name);
			if (meter != null) {
				follow(new Key(meter, null), value, false);
			}
		});
		status.hostCounters().forEach((ip, counters) -> counters.counters().forEach((name, value) -> {
			DataplaneMeter meter = DataplaneMeter.perIp(name);
			if (meter != null) {
				follow(new Key(meter, ip), value, true);
			}
		}));
		this.followed.entrySet().removeIf(e -> {
			InetAddress ip = e.getKey().ip();
			if (ip == null || status.hostCounters().containsKey(ip)) {
				return false;
			}
			this.registry.remove(e.getValue().meter());
			return true;
		});
	}

	/**
	 * @param countFirst whether the first value counts: a host's counters start with the host in the worker, while
	 * the worker's totals hold everything since it started (possibly long before this process)
	 */
	private void follow(Key key, long value, boolean countFirst) {
		Followed f = this.followed.get(key);
		if (f == null) {
			this.followed.put(key, register(key, new MonotonicCount(value, countFirst ? value : 0)));
		}
		else {
			f.count().observe(value);
		}
	}

	private Followed register(Key key, MonotonicCount count) {
		Tags tags = key.meter().tags();
		InetAddress ip = key.ip();
		if (ip != null) {
			tags = tags.and("ip", IpText.of(ip));
		}
		FunctionCounter counter = FunctionCounter.builder(key.meter().name(), count, MonotonicCount::total)
			.tags(tags).description(key.meter().description()).register(this.registry);
		return new Followed(count, counter);
	}

	/** One meter: which series, and for which protected IP ({@code null}: firewall-wide). */
	private record Key(DataplaneMeter meter, @Nullable InetAddress ip) {
	}

	/** A followed worker counter and the meter that publishes it. */
	private record Followed(MonotonicCount count, Meter meter) {
	}

}
