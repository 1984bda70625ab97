package io.syncookied.controlplane.detection;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.DetectionProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.dataplane.DataplaneStatus;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.TelemetrySample;
import io.syncookied.controlplane.telemetry.TelemetrySource;
import io.syncookied.dataplane.DpHostCounters;

/**
 * Runs a {@link FloodDetector} per host. Before diversion it reads the server's kernel counters (agent telemetry);
 * while diverted the server only sees validated traffic, so it reads the dataplane's own per-IP SYN counter instead
 * and can tell when the attack ends. Decisions are logged and published with their numbers; in mode {@code auto}
 * they drive {@link ProtectionService}. All detector state lives on one scheduler.
 */
@Service
public class DetectionService implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(DetectionService.class);

	/** Per-IP dataplane counter that counts SYNs for a protected IP (the original's rx_syn, per destination). */
	public static final String DATAPLANE_SYN_COUNTER = "rx_syn";

	private static final Duration RETRY_PROTECT = Duration.ofSeconds(5);

	private final Scheduler scheduler = Schedulers.newSingle("detection");

	private final Map<InetAddress, HostDetection> hosts = new HashMap<>();

	private final Map<InetAddress, HostRates> rates = new ConcurrentHashMap<>();

	private final DetectionProperties properties;

	private final ProtectionProperties protection;

	private final HostRegistry registry;

	private final ProtectionService service;

	private final SecretsStore secrets;

	private final EventBus events;

	private final Clock clock;

	private final Disposable.Composite subscriptions = Disposables.composite();

	private final class HostDetection {

		final KernelRateEstimator kernel = new KernelRateEstimator(DetectionService.this.properties.maxSampleGap());

		final CounterRateEstimator dataplane = new CounterRateEstimator(
				DetectionService.this.properties.maxSampleGap());

		final FloodDetector detector = new FloodDetector(DetectionService.this.properties.ewmaTau(),
				DetectionService.this.properties.window());

		Instant lastProtectAttempt = Instant.EPOCH;

	}

	public DetectionService(DetectionProperties properties, ProtectionProperties protection,
			DataplaneProperties dataplaneProperties, HostRegistry registry, ProtectionService service,
			SecretsStore secrets, TelemetrySource telemetry, DataplanePort dataplane, EventBus events, Clock clock) {
		this.properties = properties;
		this.protection = protection;
		this.registry = registry;
		this.service = service;
		this.secrets = secrets;
		this.events = events;
		this.clock = clock;
		this.subscriptions.add(telemetry.samples()
			.publishOn(this.scheduler)
			.subscribe(this::onAgentSample, ex -> log.error("Telemetry stream ended with an error", ex)));
		this.subscriptions.add(telemetry.secrets()
			.concatMap(update -> service.secretsArrived(update).onErrorResume(ex -> Mono.empty()))
			.subscribe());
		if (dataplaneProperties.enabled()) {
			this.subscriptions.add(Flux.interval(dataplaneProperties.statsInterval(), Schedulers.parallel())
				.onBackpressureDrop()
				.concatMap(t -> dataplane.status().onErrorResume(ex -> Mono.empty()), 1)
				.publishOn(this.scheduler)
				.subscribe(this::onDataplaneStatus));
		}
	}

	public Optional<HostRates> rates(InetAddress ip) {
		return Optional.ofNullable(this.rates.get(ip));
	}

	public Map<InetAddress, HostRates> allRates() {
		return Map.copyOf(this.rates);
	}

	void onAgentSample(TelemetrySample sample) {
		this.secrets.sawTelemetry(sample.ip(), sample.at());
		Optional<HostConfig> host = this.registry.find(sample.ip());
		if (host.isEmpty()) {
			return;
		}
		HostDetection d = this.hosts.computeIfAbsent(sample.ip(), ip -> new HostDetection());
		Optional<RateSample> rate = d.kernel.next(sample); // keep the baseline current even while diverted
		if (rate.isEmpty() || diverted(sample.ip())) {
			return;
		}
		observe(host.get(), d, rate.get());
	}

	void onDataplaneStatus(DataplaneStatus status) {
		if (!status.available()) {
			return;
		}
		for (HostView view : this.service.hosts()) {
			if (!view.diverted()) {
				continue;
			}
			InetAddress ip = view.ip();
			Optional<HostConfig> host = this.registry.find(ip);
			// Per-IP counter when the worker reports one; otherwise the firewall-wide count, which is never below
			// this host's own: the attack then ends only when every diverted host is calm (errs on protecting).
			DpHostCounters own = status.hostCounters().get(ip);
			Long perIp = (own != null) ? own.get(DATAPLANE_SYN_COUNTER) : null;
			Long syns = (perIp != null) ? perIp : status.counters().get(DATAPLANE_SYN_COUNTER);
			if (host.isEmpty() || syns == null) {
				continue;
			}
			String source = (perIp != null) ? "dataplane" : "dataplane-total";
			HostDetection d = this.hosts.computeIfAbsent(ip, x -> new HostDetection());
			d.dataplane.next(status.at(), syns)
				.ifPresent(rate -> observe(host.get(), d, new RateSample(status.at(), rate, 0, source)));
		}
	}

	private void observe(HostConfig host, HostDetection d, RateSample sample) {
		Thresholds thresholds = Thresholds.of(this.properties, host.detection());
		Decision decision = d.detector.observe(sample, thresholds);
		this.rates.put(host.ip(), new HostRates(decision.synRateEwma(), decision.synRateWindowMean(),
				decision.synRateWindowPeak(), decision.rxPpsEwma(), decision.score(), decision.underAttack(),
				decision.source(), decision.at()));
		if (decision.kind() != Decision.Kind.NONE) {
			log.info("{}: {}", host.ipText(), decision.describe());
			this.events.publish(new ControlEvent.Detection(decision.at(), host.ipText(), decision.kind().name(),
					decision.source(), decision.synRateEwma(), decision.synRateWindowMean(),
					decision.synRateWindowPeak(), decision.rxPpsEwma(), thresholds.startSynRate(),
					thresholds.endSynRate(), decision.consecutive(), decision.score()));
		}
		// protection decides what an attack means for the host (mode, intent, hold-down): detection only reports it
		boolean diverted = diverted(host.ip());
		Instant now = this.clock.instant();
		if (decision.underAttack() && !diverted
				&& Duration.between(d.lastProtectAttempt, now).compareTo(RETRY_PROTECT) >= 0) {
			d.lastProtectAttempt = now;
			this.service.attackStarted(host.ip(), decision.describe()).subscribe();
		}
		else if (!decision.underAttack() && diverted
				&& Duration.between(decision.lastHotAt(), sample.at()).compareTo(this.protection.quietPeriod()) >= 0) {
			this.service.attackEnded(host.ip(), "attack over: " + decision.describe()).subscribe();
		}
	}

	private boolean diverted(InetAddress ip) {
		return this.service.host(ip).map(HostView::diverted).orElse(false);
	}

	@Override
	public void destroy() {
		this.subscriptions.dispose();
		this.scheduler.dispose();
	}

}
