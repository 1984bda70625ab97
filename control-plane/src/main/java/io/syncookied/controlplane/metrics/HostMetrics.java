package io.syncookied.controlplane.metrics;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

import io.syncookied.common.IpText;
import io.syncookied.controlplane.detection.DetectionService;
import io.syncookied.controlplane.detection.HostRates;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.TelemetrySample;
import io.syncookied.controlplane.telemetry.TelemetrySource;

/**
 * Per-host meters, tag {@code ip}: protection state ({@code syncookied.host.state}: 0 unprotected, 1 diverting,
 * 2 protected, 3 restoring, 4 failed), its transitions ({@code syncookied.host.transitions{to}}, the dashboard's
 * annotations), SYN and NIC rates, detection score, agent freshness, and the server kernel's validated cookies
 * ({@code syncookied.host.syncookies.received}: clients that completed a handshake with the server's own cookie);
 * plus a counter of published events by type. Gauges read the services' latest snapshots: nothing blocks. A host's
 * meters are removed when it leaves the hosts file.
 */
@Component
public final class HostMetrics implements MeterBinder {

	/** The previous state ControlEvent.StateChanged names for a host that had none. */
	private static final String NO_STATE = "NONE";

	private final ProtectionService protection;

	private final DetectionService detection;

	private final SecretsStore secrets;

	private final HostRegistry registry;

	private final EventBus events;

	private final TelemetrySource telemetry;

	/** The registered hosts by their address as events name them (RFC 5952). */
	private final Map<String, InetAddress> byText = new ConcurrentHashMap<>();

	/** The server's SyncookiesRecv per host, as the agent reports it. */
	private final Map<InetAddress, MonotonicCount> syncookiesReceived = new ConcurrentHashMap<>();

	/**
	 * The meters of each configured host, those registered with it and those added later (its transitions, its
	 * server's cookies), removed with the host: series of hosts that left never linger.
	 */
	private final Map<InetAddress, List<Meter>> registered = new ConcurrentHashMap<>();

	public HostMetrics(ProtectionService protection, DetectionService detection, SecretsStore secrets,
			HostRegistry registry, EventBus events, TelemetrySource telemetry) {
		this.protection = protection;
		this.detection = detection;
		this.secrets = secrets;
		this.registry = registry;
		this.events = events;
		this.telemetry = telemetry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		this.registry.changes().subscribe(snapshot -> follow(meters, snapshot));
		this.events.events().subscribe(e -> {
			meters.counter("syncookied.events", "type", e.type(), "kind", kind(e)).increment();
			if (e instanceof ControlEvent.StateChanged s) {
				transition(meters, s);
			}
		});
		this.telemetry.samples().subscribe(sample -> sample(meters, sample));
	}

	/**
	 * Counts a configured host's state change. A host's first state (from NONE, as every host of a reload gets) is
	 * no change; an unconfigured IP gets no series, as nothing would remove it.
	 */
	private void transition(MeterRegistry meters, ControlEvent.StateChanged change) {
		InetAddress ip = this.byText.get(change.ip());
		if (NO_STATE.equals(change.from()) || ip == null) {
			return;
		}
		this.registered.computeIfPresent(ip, (k, hostMeters) -> {
			Counter c = Counter.builder("syncookied.host.transitions").tags("ip", change.ip(), "to", kind(change))
				.description("Protection state changes of the host, by the state entered").register(meters);
			c.increment();
			if (!hostMeters.contains(c)) {
				hostMeters.add(c);
			}
			return hostMeters;
		});
	}

	/** Follows a configured host's SyncookiesRecv from its first report on (the server's boot is not history here). */
	private void sample(MeterRegistry meters, TelemetrySample sample) {
		this.registered.computeIfPresent(sample.ip(), (ip, hostMeters) -> {
			MonotonicCount count = this.syncookiesReceived.get(ip);
			if (count != null) {
				count.observe(sample.syncookiesRecv());
				return hostMeters;
			}
			MonotonicCount first = new MonotonicCount(sample.syncookiesRecv(), 0);
			this.syncookiesReceived.put(ip, first);
			hostMeters.add(FunctionCounter.builder("syncookied.host.syncookies.received", first, MonotonicCount::total)
				.tags("ip", IpText.of(ip))
				.description("Cookie ACKs the server's kernel validated (SyncookiesRecv, from its agent)")
				.register(meters));
			return hostMeters;
		});
	}

	private static String kind(ControlEvent e) {
		if (e instanceof ControlEvent.Alert a) {
			return a.kind().wireName();
		}
		if (e instanceof ControlEvent.StateChanged s) {
			return s.to().toLowerCase(java.util.Locale.ROOT);
		}
		if (e instanceof ControlEvent.Detection d) {
			return d.decision().toLowerCase(java.util.Locale.ROOT);
		}
		if (e instanceof ControlEvent.Worker w) {
			return w.what().wireName();
		}
		return "reload";
	}

	/** Registers the meters of new hosts and removes those of hosts that left the file. */
	private void follow(MeterRegistry meters, HostRegistry.Snapshot snapshot) {
		Set<InetAddress> current = new HashSet<>();
		for (HostConfig host : snapshot.hosts()) {
			current.add(host.ip());
			this.registered.computeIfAbsent(host.ip(), ip -> new CopyOnWriteArrayList<>(register(meters, host)));
			this.byText.put(host.ipText(), host.ip());
		}
		this.registered.entrySet().removeIf(e -> {
			if (current.contains(e.getKey())) {
				return false;
			}
			e.getValue().forEach(meters::remove);
			this.byText.remove(IpText.of(e.getKey()));
			this.syncookiesReceived.remove(e.getKey());
			return true;
		});
	}

	private List<Meter> register(MeterRegistry meters, HostConfig host) {
		InetAddress ip = host.ip();
		Tags tags = Tags.of("ip", host.ipText());
		return List.of(
				Gauge.builder("syncookied.host.state", this, m -> m.view(ip).map(v -> v.state().code()).orElse(0))
					.tags(tags)
					.description("Protection state: 0 unprotected, 1 diverting, 2 protected, 3 restoring, 4 failed")
					.register(meters),
				Gauge.builder("syncookied.host.protected", this, m -> m.view(ip).map(v -> v.diverted() ? 1 : 0).orElse(0))
					.tags(tags).description("1 while the router may divert this IP to the firewall").register(meters),
				Gauge.builder("syncookied.host.syn.rate", this, m -> m.rates(ip).map(HostRates::synRateEwma).orElse(0.0))
					.tags(tags).baseUnit("packets/s").description("Estimated SYN arrivals per second (EWMA)")
					.register(meters),
				Gauge.builder("syncookied.host.rx.rate", this, m -> m.rates(ip).map(HostRates::rxPpsEwma).orElse(0.0))
					.tags(tags).baseUnit("packets/s").description("Server NIC receive packets per second (EWMA)")
					.register(meters),
				Gauge.builder("syncookied.host.detection.score", this, m -> m.rates(ip).map(HostRates::score).orElse(0.0))
					.tags(tags).description("EWMA SYN rate over the start threshold (>= 1 means attack)")
					.register(meters),
				Gauge.builder("syncookied.agent.secrets.age", this, m -> seconds(m.secrets.secretsAge(ip)))
					.tags(tags).baseUnit("seconds").description("Age of the host's newest secrets (-1: none yet)")
					.register(meters),
				Gauge.builder("syncookied.agent.telemetry.age", this, m -> seconds(m.secrets.telemetryAge(ip)))
					.tags(tags).baseUnit("seconds").description("Age of the host's newest telemetry (-1: none yet)")
					.register(meters));
	}

	private java.util.Optional<HostView> view(InetAddress ip) {
		return this.protection.host(ip);
	}

	private java.util.Optional<HostRates> rates(InetAddress ip) {
		return this.detection.rates(ip);
	}

	private static double seconds(Duration d) {
		return (d != null) ? d.toMillis() / 1000.0 : -1;
	}


}
