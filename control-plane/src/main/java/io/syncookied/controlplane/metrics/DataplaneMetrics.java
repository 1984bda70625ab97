package io.syncookied.controlplane.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.dataplane.DataplaneStatus;
import io.syncookied.controlplane.supervision.WorkerSupervisor;

/**
 * Dataplane counters under the original syncookied measurement names: one gauge per counter ({@code rx_syn},
 * {@code rx_forwarded}, {@code rx_drop_bad_cookie}, ...) whose value is the per-second rate, tagged {@code host} and
 * {@code iface} as the original's points were, so its Grafana panels keep working. Each protected IP's counters
 * ({@code HOST_STATS}) become {@code name_ip} with tag {@code dest_ip} (the original's {@code rx_pps_ip}). Plus
 * {@code syncookied.dataplane.up} and the cumulative {@code syncookied.dataplane.counter} (tag {@code counter}).
 */
@Component
public final class DataplaneMetrics implements MeterBinder, DisposableBean {

	private final WorkerSupervisor supervisor;

	private final DataplaneProperties properties;

	private final Map<RateKey, AtomicLong> rates = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();

	private final String hostname;

	private @Nullable MeterRegistry meters;

	private @Nullable DataplaneStatus previous;

	private @Nullable Disposable poller;

	public DataplaneMetrics(WorkerSupervisor supervisor, DataplaneProperties properties) {
		this.supervisor = supervisor;
		this.properties = properties;
		this.hostname = hostname();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.meters = registry;
		Gauge.builder("syncookied.dataplane.up", this.supervisor, s -> s.healthy() ? 1 : 0)
			.description("1 while the dataplane worker answers its heartbeat").register(registry);
		this.poller = Flux.interval(Duration.ofSeconds(1), Schedulers.parallel())
			.subscribe(t -> update(this.supervisor.lastStatus()));
	}

	/** Turns two consecutive counter snapshots into per-second rates (VisibleForTesting). */
	synchronized void update(DataplaneStatus status) {
		if (!status.available()) {
			return;
		}
		DataplaneStatus before = this.previous;
		this.previous = status;
		status.counters().forEach((name, value) -> total(name).set(value));
		if (before == null || !status.at().isAfter(before.at())) {
			return;
		}
		double seconds = Duration.between(before.at(), status.at()).toNanos() / 1e9;
		status.counters().forEach((name, value) -> rate(new RateKey(name, null))
			.set(perSecond(value, before.counters().get(name), seconds)));
		status.hostCounters().forEach((ip, counters) -> counters.counters()
			.forEach((name, value) -> rate(new RateKey(name, IpText.of(ip)))
				.set(perSecond(value, before.hostCounters().containsKey(ip) ? before.host(ip).get(name) : null, seconds))));
	}

	private static long perSecond(long value, @Nullable Long old, double seconds) {
		long delta = (old != null && value >= old) ? value - old : 0;
		return Math.round(delta / seconds);
	}

	/** A rate gauge: a worker total, or one protected IP's counter ({@code ip} set). */
	private record RateKey(String counter, @Nullable String ip) {
	}

	private AtomicLong rate(RateKey key) {
		return this.rates.computeIfAbsent(key, k -> {
			AtomicLong holder = new AtomicLong();
			MeterRegistry registry = this.meters;
			if (registry != null) {
				String iface = (this.properties.iface() != null) ? this.properties.iface() : "";
				if (k.ip() == null) {
					Gauge.builder(k.counter(), holder, AtomicLong::get)
						.tags(Tags.of("host", this.hostname, "iface", iface))
						.description("Dataplane " + k.counter() + " per second (original syncookied measurement)")
						.register(registry);
				}
				else {
					Gauge.builder(k.counter() + "_ip", holder, AtomicLong::get)
						.tags(Tags.of("host", this.hostname, "iface", iface, "dest_ip", k.ip()))
						.description("Dataplane " + k.counter() + " per second for one protected IP")
						.register(registry);
				}
			}
			return holder;
		});
	}

	private AtomicLong total(String counter) {
		return this.totals.computeIfAbsent(counter, name -> {
			AtomicLong holder = new AtomicLong();
			MeterRegistry registry = this.meters;
			if (registry != null) {
				Gauge.builder("syncookied.dataplane.counter", holder, AtomicLong::get)
					.tags(Tags.of("counter", name))
					.description("Dataplane counter since the worker started")
					.register(registry);
			}
			return holder;
		});
	}

	private static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

	Instant lastUpdate() {
		DataplaneStatus p = this.previous;
		return (p != null) ? p.at() : Instant.EPOCH;
	}

	@Override
	public void destroy() {
		if (this.poller != null) {
			this.poller.dispose();
		}
	}

}
