package io.syncookied.controlplane.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.dataplane.DataplaneStatus;
import io.syncookied.controlplane.dataplane.WorkerLauncher;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.protection.ProtectionService;

/**
 * Starts, watches and restarts the dataplane worker. No healthy heartbeat for {@code heartbeat-timeout} while hosts
 * may be diverted: fail open (restore the direct path) or closed (keep it), raise an event, and restart the worker;
 * once it is back, every diverted host is pushed again with fresh secrets.
 */
@Service
public class WorkerSupervisor implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

	private final DataplaneProperties properties;

	private final ProtectionProperties protectionProperties;

	private final DataplanePort dataplane;

	private final @Nullable WorkerLauncher launcher;

	private final ProtectionService protection;

	private final EventBus events;

	private final Clock clock;

	private final Disposable.Composite tasks = Disposables.composite();

	private final AtomicInteger restarts = new AtomicInteger();

	private volatile @Nullable Instant lastHealthyAt;

	private volatile boolean unhealthy;

	private volatile boolean restarting;

	private volatile boolean synced;

	private volatile @Nullable String lastFailure;

	private volatile DataplaneStatus lastStatus;

	private final Instant startedAt;

	public WorkerSupervisor(DataplaneProperties properties, ProtectionProperties protectionProperties,
			DataplanePort dataplane, ObjectProvider<WorkerLauncher> launcher, ProtectionService protection, EventBus events,
			Clock clock) {
		this.properties = properties;
		this.protectionProperties = protectionProperties;
		this.dataplane = dataplane;
		this.launcher = launcher.getIfAvailable();
		this.protection = protection;
		this.events = events;
		this.clock = clock;
		this.startedAt = clock.instant();
		this.lastStatus = DataplaneStatus.unavailable(
				properties.enabled() ? "not checked yet" : "dataplane disabled (syncookied.dataplane.enabled=false)",
				clock.instant());
	}

	@EventListener(ApplicationReadyEvent.class)
	public void start() {
		if (!this.properties.enabled()) {
			log.info("Dataplane disabled (syncookied.dataplane.enabled=false): protection requests will fail");
			return;
		}
		Mono<Void> launch = (this.launcher != null && this.properties.manageWorker()) ? launch("start") : Mono.empty();
		this.tasks.add(launch.thenMany(Flux.interval(Duration.ZERO, this.properties.heartbeatInterval()))
			.onBackpressureDrop()
			.concatMap(t -> heartbeat(), 1)
			.subscribe());
	}

	public Mono<DataplaneView> view() {
		Mono<DataplaneStatus> status = this.properties.enabled()
				? this.dataplane.status()
					.timeout(this.properties.heartbeatTimeout())
					.onErrorResume(ex -> Mono.just(DataplaneStatus.unavailable(String.valueOf(ex.getMessage()),
							this.clock.instant())))
				: Mono.just(this.lastStatus);
		return status.map(s -> new DataplaneView(this.properties.enabled(), this.properties.manageWorker(),
				this.properties.enabled() && !this.unhealthy && s.alive(), this.lastHealthyAt, this.restarts.get(),
				this.lastFailure, this.protectionProperties.failMode().name().toLowerCase(java.util.Locale.ROOT),
				(this.launcher != null) ? this.launcher.describe() : this.properties.controlSocket().toString(), s));
	}

	/** Latest status seen by the heartbeat (for metrics; never blocks). */
	public DataplaneStatus lastStatus() {
		return this.lastStatus;
	}

	public boolean healthy() {
		return this.properties.enabled() && !this.unhealthy && this.lastHealthyAt != null;
	}

	private Mono<Void> heartbeat() {
		return this.dataplane.status()
			.timeout(this.properties.heartbeatTimeout())
			.onErrorResume(ex -> Mono.just(DataplaneStatus.unavailable(String.valueOf(ex.getMessage()), this.clock.instant())))
			.flatMap(this::judge);
	}

	private Mono<Void> judge(DataplaneStatus status) {
		this.lastStatus = status;
		Instant now = this.clock.instant();
		if (status.available() && status.alive()) {
			this.lastHealthyAt = now;
			if (this.unhealthy) {
				this.unhealthy = false;
				this.events.publish(new ControlEvent.Worker(now, "recovered", "dataplane worker healthy again"));
			}
			// Sync the worker's hosts once per (re)start, but not before agents had time to send fresh secrets.
			if (!this.synced && Duration.between(this.startedAt, now)
				.compareTo(this.protectionProperties.reconcileDelay()) >= 0) {
				this.synced = true;
				return this.protection.workerBack(this.launcher != null && this.launcher.adopted());
			}
			return Mono.empty();
		}
		Instant since = (this.lastHealthyAt != null) ? this.lastHealthyAt : this.startedAt;
		if (this.unhealthy || Duration.between(since, now).compareTo(this.properties.heartbeatTimeout()) < 0) {
			return Mono.empty();
		}
		this.unhealthy = true;
		this.synced = false;
		String why = "no healthy heartbeat for " + Duration.between(since, now).toMillis() + " ms ("
				+ status.cause() + ")";
		this.lastFailure = why;
		this.events.publish(new ControlEvent.Worker(now, "unhealthy", why));
		Mono<Integer> failSafe = this.protection.workerLost(why).doOnNext(n -> {
			if (n > 0) {
				log.warn("Dataplane worker unhealthy with {} diverted host(s): fail-{}", n,
						this.protectionProperties.failMode().name().toLowerCase(java.util.Locale.ROOT));
			}
		});
		Mono<Void> restart = (this.launcher != null && this.properties.manageWorker() && !this.restarting)
				? Mono.delay(this.properties.restartBackoff()).then(launch("restart")) : Mono.empty();
		return failSafe.then(restart);
	}

	private Mono<Void> launch(String what) {
		WorkerLauncher l = this.launcher;
		if (l == null) {
			return Mono.empty();
		}
		return Mono.fromCallable(() -> {
			this.restarting = true;
			try {
				if ("restart".equals(what)) {
					l.stop();
					this.restarts.incrementAndGet();
				}
				l.start();
				this.events.publish(new ControlEvent.Worker(this.clock.instant(), what + "ed", l.describe()));
				return true;
			}
			finally {
				this.restarting = false;
			}
		}).subscribeOn(Schedulers.boundedElastic()).onErrorResume(ex -> {
			this.lastFailure = "worker " + what + " failed: " + ex.getMessage();
			this.events.publish(new ControlEvent.Alert(this.clock.instant(),
					"restart".equals(what) ? AlertKind.WORKER_RESTART_FAILED : AlertKind.WORKER_START_FAILED, null,
					this.lastFailure + " (" + l.describe() + ")"));
			return Mono.just(false);
		}).then();
	}

	@Override
	public void destroy() {
		// The worker is left running on purpose: it keeps scrubbing for diverted hosts with its last configuration,
		// and the next control plane attaches to it and reconciles. Stopping it here could black-hole diverted IPs.
		this.tasks.dispose();
	}

}
