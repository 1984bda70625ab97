package io.syncookied.controlplane.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
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
import io.syncookied.controlplane.events.WorkerEventKind;
import io.syncookied.controlplane.protection.ProtectionService;

/**
 * Starts, watches and restarts the dataplane worker, and tells protection when it is lost and when it is back.
 * <ul>
 * <li>Lost: its exit is seen (at once), or no healthy heartbeat for {@code heartbeat-timeout}. Protection fails open
 * (or closed) and diverts nothing until the worker is back.</li>
 * <li>A managed worker is restarted with exponential backoff from {@code restart-backoff} up to
 * {@code restart-backoff-max}, for as long as it takes: a missing device, held control slots or a binary being
 * replaced are all temporary. Every attempt is an event and shows in {@link #view()}.</li>
 * <li>Back: the first healthy heartbeat, once agents had {@code reconcile-delay} after start to send fresh secrets,
 * re-syncs the worker to exactly the diverted hosts.</li>
 * </ul>
 * All state changes happen on the one "supervisor" thread; launcher calls block, so they run on
 * {@code boundedElastic}.
 */
@Service
public class WorkerSupervisor implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);

	/** What the supervisor knows of the worker. */
	public enum Health {
		/** {@code syncookied.dataplane.enabled=false}. */
		DISABLED,
		/** Not healthy yet since the control plane started. */
		STARTING,
		/** Answering healthy heartbeats. */
		UP,
		/** Lost; a managed worker is being restarted. */
		DOWN
	}

	private final DataplaneProperties properties;

	private final ProtectionProperties protectionProperties;

	private final DataplanePort dataplane;

	private final @Nullable WorkerLauncher launcher;

	private final ProtectionService protection;

	private final EventBus events;

	private final Clock clock;

	private final Scheduler scheduler = Schedulers.newSingle("supervisor");

	private final Disposable.Composite tasks = Disposables.composite();

	private final Instant startedAt;

	/** Every restart attempt since the control plane started. */
	private final AtomicInteger restarts = new AtomicInteger();

	private volatile Health health;

	private volatile @Nullable Instant lastHealthyAt;

	private volatile @Nullable String lastFailure;

	/** Restart attempts since the worker was lost (0 while it is up). */
	private volatile int attempts;

	private volatile @Nullable Instant nextAttemptAt;

	private volatile DataplaneStatus lastStatus;

	/** Supervisor thread only: a restart is scheduled or running. */
	private boolean restartPending;

	/** Supervisor thread only: when the last (re)start returned, to give a new worker a heartbeat timeout. */
	private @Nullable Instant lastLaunchAt;

	/** Supervisor thread only: protection was told the worker is back since it was last lost. */
	private boolean synced;

	public WorkerSupervisor(DataplaneProperties properties, ProtectionProperties protectionProperties,
			DataplanePort dataplane, ObjectProvider<WorkerLauncher> launcher, ProtectionService protection, EventBus events,
			Clock clock) {
		this.properties = properties;
		this.protectionProperties = protectionProperties;
		this.dataplane = dataplane;
		this.launcher = properties.manageWorker() ? launcher.getIfAvailable() : null;
		this.protection = protection;
		this.events = events;
		this.clock = clock;
		this.startedAt = clock.instant();
		this.health = properties.enabled() ? Health.STARTING : Health.DISABLED;
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
		WorkerLauncher l = this.launcher;
		if (l != null) {
			l.onExit(cause -> this.scheduler.schedule(() -> lost(WorkerEventKind.EXITED, cause)));
			this.restartPending = true;
			this.scheduler.schedule(() -> launch(false));
		}
		this.tasks.add(Flux.interval(Duration.ZERO, this.properties.heartbeatInterval(), this.scheduler)
			.onBackpressureDrop()
			.concatMap(t -> heartbeat(), 1)
			.subscribe());
	}

	// ---------------------------------------------------------------- views (any thread)

	public Mono<DataplaneView> view() {
		Mono<DataplaneStatus> status = this.properties.enabled()
				? this.dataplane.status()
					.timeout(this.properties.heartbeatTimeout())
					.onErrorResume(ex -> Mono.just(DataplaneStatus.unavailable(String.valueOf(ex.getMessage()),
							this.clock.instant())))
				: Mono.just(this.lastStatus);
		return status.map(s -> new DataplaneView(this.properties.enabled(), this.properties.manageWorker(),
				healthy() && s.alive(), this.health, this.lastHealthyAt, this.restarts.get(), this.attempts,
				this.nextAttemptAt, this.lastFailure,
				this.protectionProperties.failMode().name().toLowerCase(Locale.ROOT),
				(this.launcher != null) ? this.launcher.describe() : this.properties.controlSocket().toString(), s));
	}

	/** Latest status seen by the heartbeat (for metrics; never blocks). */
	public DataplaneStatus lastStatus() {
		return this.lastStatus;
	}

	public boolean healthy() {
		return this.health == Health.UP;
	}

	public Health health() {
		return this.health;
	}

	// ---------------------------------------------------------------- supervisor thread

	private Mono<Void> heartbeat() {
		return this.dataplane.status()
			.timeout(this.properties.heartbeatTimeout())
			.onErrorResume(ex -> Mono.just(DataplaneStatus.unavailable(String.valueOf(ex.getMessage()), now())))
			.publishOn(this.scheduler)
			.doOnNext(this::judge)
			.then();
	}

	private void judge(DataplaneStatus status) {
		this.lastStatus = status;
		Instant now = now();
		if (status.available() && status.alive()) {
			this.lastHealthyAt = now;
			if (this.health != Health.UP) {
				boolean recovered = this.health == Health.DOWN;
				this.health = Health.UP;
				this.attempts = 0;
				this.nextAttemptAt = null;
				if (recovered) {
					publish(WorkerEventKind.RECOVERED, "dataplane worker healthy again");
				}
			}
			// protection re-syncs it once per (re)start, but not before agents had time to send fresh secrets
			if (!this.synced && !between(this.startedAt, now).minus(this.protectionProperties.reconcileDelay()).isNegative()) {
				this.synced = true;
				boolean adopted = this.launcher != null && this.launcher.adopted();
				this.protection.workerBack(adopted).subscribe(null, ex -> log.error("Cannot re-sync the worker", ex));
			}
			return;
		}
		if (this.health == Health.DOWN) {
			restartIfStuck(now, status);
			return;
		}
		Instant since = (this.lastHealthyAt != null) ? this.lastHealthyAt : this.startedAt;
		if (between(since, now).compareTo(this.properties.heartbeatTimeout()) >= 0) {
			lost(WorkerEventKind.UNHEALTHY,
					"no healthy heartbeat for " + between(since, now).toMillis() + " ms (" + status.cause() + ")");
		}
	}

	/** A lost worker that is not being restarted, or a restarted one that never became healthy: try again. */
	private void restartIfStuck(Instant now, DataplaneStatus status) {
		WorkerLauncher l = this.launcher;
		if (l == null || this.restartPending) {
			return;
		}
		Instant launched = this.lastLaunchAt;
		if (!l.isAlive() || launched == null
				|| between(launched, now).compareTo(this.properties.heartbeatTimeout()) >= 0) {
			this.lastFailure = "restarted worker not healthy within " + this.properties.heartbeatTimeout().toMillis()
					+ " ms (" + status.cause() + ")";
			scheduleRestart();
		}
	}

	/** The worker is gone: protection fails open (or closed) at once, and a managed worker is restarted. */
	private void lost(WorkerEventKind how, String cause) {
		if (this.health == Health.DOWN) {
			this.lastFailure = cause;
			if (this.launcher != null) {
				scheduleRestart(); // e.g. a freshly restarted worker that exited again
			}
			return;
		}
		if (this.health == Health.DISABLED) {
			return;
		}
		this.health = Health.DOWN;
		this.synced = false;
		this.lastFailure = cause;
		// protection first: fail-open must not wait for the event's log line
		this.protection.workerLost(cause).subscribe(n -> {
			if (n > 0) {
				log.warn("Dataplane worker lost with {} diverted host(s): fail-{}", n,
						this.protectionProperties.failMode().name().toLowerCase(Locale.ROOT));
			}
		}, ex -> log.error("Cannot tell protection the worker is lost", ex));
		publish(how, cause);
		if (this.launcher != null) {
			scheduleRestart();
		}
	}

	private void scheduleRestart() {
		if (this.restartPending) {
			return;
		}
		this.restartPending = true;
		Duration delay = RestartBackoff.delay(this.attempts, this.properties.restartBackoff(),
				this.properties.restartBackoffMax());
		this.nextAttemptAt = now().plus(delay);
		publish(WorkerEventKind.RESTART_SCHEDULED,
				"restart attempt " + (this.attempts + 1) + " in " + delay.toMillis() + " ms");
		this.scheduler.schedule(() -> launch(true), delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	/** Starts (or adopts) the worker on boundedElastic; the outcome comes back to the supervisor thread. */
	private void launch(boolean restart) {
		WorkerLauncher l = this.launcher;
		if (l == null) {
			return;
		}
		int attempt = restart ? this.restarts.incrementAndGet() : 0;
		this.attempts = restart ? this.attempts + 1 : this.attempts;
		Mono.fromCallable(() -> {
			if (restart) {
				l.stop();
			}
			l.start();
			return l.adopted();
		}).subscribeOn(Schedulers.boundedElastic()).publishOn(this.scheduler).subscribe(adopted -> {
			this.restartPending = false;
			this.nextAttemptAt = null;
			this.lastLaunchAt = now();
			publish(adopted ? WorkerEventKind.ADOPTED : restart ? WorkerEventKind.RESTARTED : WorkerEventKind.STARTED,
					(restart ? "restart attempt " + this.attempts + " (#" + attempt + " since start): " : "")
							+ l.describe());
		}, ex -> {
			this.restartPending = false;
			String failure = (restart ? "restart attempt " + this.attempts : "start") + " failed: " + ex.getMessage();
			this.events.publish(new ControlEvent.Alert(now(),
					restart ? AlertKind.WORKER_RESTART_FAILED : AlertKind.WORKER_START_FAILED, null,
					failure + " (" + l.describe() + ")"));
			lost(WorkerEventKind.UNHEALTHY, failure);
		});
	}

	private void publish(WorkerEventKind what, String message) {
		this.events.publish(new ControlEvent.Worker(now(), what, message));
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static Duration between(Instant from, Instant to) {
		return Duration.between(from, to);
	}

	@Override
	public void destroy() {
		// The worker is left running on purpose: it keeps scrubbing for diverted hosts with its last configuration,
		// and the next control plane adopts it and reconciles. Stopping it here could black-hole diverted IPs.
		this.tasks.dispose();
		this.scheduler.dispose();
	}

}
