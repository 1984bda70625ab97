package io.syncookied.controlplane.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.syncookied.common.IpText;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import io.syncookied.controlplane.cluster.ClusterMode;
import io.syncookied.controlplane.cluster.ClusterProtection;
import io.syncookied.controlplane.cluster.ProtectionRecord;
import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.core.CoreSettings;
import io.syncookied.controlplane.protection.core.HostState;
import io.syncookied.controlplane.protection.core.MemoryState;
import io.syncookied.controlplane.protection.core.ProtectionCore;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.protection.core.Reply;
import io.syncookied.controlplane.protection.core.Transition;
import io.syncookied.controlplane.protection.core.WorkerState;
import io.syncookied.controlplane.router.DiversionPort;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * Runs the {@link ProtectionCore} for this control plane: one event at a time on one thread ("protection", like a
 * Kafka controller), state in memory, commands carried out by a {@link CommandExecutor} whose outcomes come back as
 * events. Requests from REST, detection and the supervisor become events; views are published after each one.
 * <p>
 * In cluster mode ({@link ClusterMode}) the cluster's leader runs the same core over the state in etcd: requests go to
 * it (a follower refuses changes with {@link NotTheLeaderException}), detection verdicts are forwarded to it, and views
 * are read from this node's copy of etcd, so every node answers reads.
 */
@Service
public class ProtectionService implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ProtectionService.class);

	/** Agents report every 100 ms to 1 s; the dataplane needs a fresh clock sample far less often. */
	private static final Duration SECRETS_PUSH_INTERVAL = Duration.ofSeconds(1);

	/**
	 * The one thread that owns the state. Not a Reactor "non-blocking" thread on purpose: it writes (and fsyncs) the
	 * journal, which must happen before a transition is reported. Never an event loop.
	 */
	private final Scheduler control = Schedulers.fromExecutorService(Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "protection");
		t.setDaemon(true);
		return t;
	}), "protection");

	private final HostRegistry registry;

	private final DataplanePort dataplane;

	private final DiversionPort router;

	private final SecretsStore secrets;

	private final EventBus events;

	private final ProtectionProperties properties;

	private final Clock clock;

	private final MeterRegistry meters;

	private final ProtectionCore core;

	/** Control thread only. */
	private final MemoryState state;

	/** Control thread only: callers of {@link #workerBack} waiting for the re-sync to end. */
	private final List<Sinks.One<Void>> syncWaiters = new ArrayList<>();

	private final Map<InetAddress, Instant> lastSecretsEvent = new ConcurrentHashMap<>();

	private final Disposable.Composite subscriptions = Disposables.composite();

	private final Map<InetAddress, HostView> views = new ConcurrentHashMap<>();

	private volatile List<InetAddress> order = List.of();

	private volatile WorkerState worker;

	private @Nullable StateJournal journal;

	private @Nullable CommandExecutor executor;

	private volatile boolean running;

	/** Set in cluster mode: the leader decides, this node forwards. */
	private final @Nullable ClusterMode cluster;

	/** A control plane on its own (single-node mode). */
	public ProtectionService(HostRegistry registry, DataplanePort dataplane, DiversionPort router,
			SecretsStore secrets, EventBus events, ProtectionProperties properties, DataplaneProperties dataplaneProperties,
			Clock clock, MeterRegistry meters) {
		this(registry, dataplane, router, secrets, events, properties, dataplaneProperties, clock, meters, null);
	}

	@Autowired
	public ProtectionService(HostRegistry registry, DataplanePort dataplane, DiversionPort router,
			SecretsStore secrets, EventBus events, ProtectionProperties properties, DataplaneProperties dataplaneProperties,
			Clock clock, MeterRegistry meters, @Nullable ClusterMode cluster) {
		this.cluster = (cluster != null && cluster.enabled()) ? cluster : null;
		this.registry = registry;
		this.dataplane = dataplane;
		this.router = router;
		this.secrets = secrets;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
		this.core = new ProtectionCore(CoreSettings.of(properties));
		// a supervised worker is adopted or started first; without one every step simply tries the dataplane port
		this.worker = dataplaneProperties.enabled() ? WorkerState.starting(clock.instant()) : WorkerState.up(clock.instant());
		this.state = new MemoryState(this.worker);
	}

	// ---------------------------------------------------------------- lifecycle

	/** Opens and replays the journal before the web server takes requests (its phase is later). */
	@Override
	public void start() {
		if (this.cluster != null) {
			this.running = true; // the state lives in etcd; the leader's ClusterProtection runs the core
			return;
		}
		StateJournal opened;
		Map<String, io.syncookied.controlplane.protection.core.JournalEntry> replayed;
		try {
			opened = new StateJournal(this.properties.journal());
			replayed = opened.replay();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the state journal (syncookied.protection.journal="
					+ this.properties.journal() + "): " + ex.getMessage(), ex);
		}
		this.journal = opened;
		this.executor = new CommandExecutor(this.dataplane, this.router, this.secrets, opened, this.events,
				this.properties.stepTimeout(), this.meters, this.clock, event -> submit(at -> event).subscribe(null,
						ex -> log.error("Cannot apply {}", event, ex)));
		HostRegistry.Snapshot hosts = this.registry.current();
		this.control.schedule(() -> {
			try {
				restore(replayed.values(), hosts.hosts());
			}
			catch (RuntimeException ex) {
				log.error("Cannot restore the protection state from {}", this.properties.journal(), ex);
			}
		});
		this.subscriptions.add(this.registry.changes()
			.filter(s -> s.generation() > hosts.generation())
			.subscribe(s -> submit(at -> new ProtectionEvent.HostsLoaded(s.hosts(), at)).subscribe(null,
					ex -> log.error("Cannot apply hosts file generation {}", s.generation(), ex))));
		this.subscriptions.add(Flux.interval(Duration.ofSeconds(1), this.control)
			.subscribe(t -> apply(new ProtectionEvent.Tick(now()))));
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.subscriptions.dispose();
		this.control.dispose();
		StateJournal j = this.journal;
		if (j != null) {
			try {
				j.close();
			}
			catch (IOException ex) {
				log.warn("Cannot close the state journal {}: {}", j.file(), ex.toString());
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/** First reconciliation once the application is up (agents have had time to send fresh secrets). */
	@EventListener(ApplicationReadyEvent.class)
	public void scheduleReconciliation() {
		if (this.cluster != null) {
			return;
		}
		this.subscriptions.add(Flux.interval(this.properties.reconcileDelay(), this.properties.reconcileInterval())
			.onBackpressureDrop()
			.concatMap(n -> reconcile((n == 0) ? Reconcile.STARTUP : Reconcile.PERIODIC).onErrorResume(ex -> {
				log.error("Reconciliation failed", ex);
				return Mono.empty();
			}), 1)
			.subscribe());
	}

	private void restore(java.util.Collection<io.syncookied.controlplane.protection.core.JournalEntry> entries,
			List<HostConfig> hosts) {
		ProtectionCore.Replayed replayed = this.core.replay(entries, hosts, now());
		replayed.skipped().forEach(why -> log.warn("State journal {}: entry skipped: {}", this.properties.journal(), why));
		// secrets that arrived while the application was starting
		this.state.reset(replayed.states()
			.stream()
			.map(s -> this.secrets.fresh(s.ip()).map(u -> s.withSecretsAt(u.receivedAt())).orElse(s))
			.toList());
		publishAllViews();
		log.info("State journal {}: {} host(s) restored, {} possibly diverted (reconciled with the router shortly)",
				this.properties.journal(), entries.size(),
				replayed.states().stream().filter(s -> s.state().mayBeDiverted()).count());
	}

	// ---------------------------------------------------------------- queries (any thread)

	public List<HostView> hosts() {
		if (this.cluster != null) {
			return clusterViews();
		}
		List<HostView> list = new ArrayList<>();
		for (InetAddress ip : this.order) {
			HostView v = this.views.get(ip);
			if (v != null) {
				list.add(v);
			}
		}
		return list;
	}

	public Optional<HostView> host(InetAddress ip) {
		if (this.cluster != null) {
			return clusterViews().stream().filter(v -> v.ip().equals(ip)).findFirst();
		}
		return Optional.ofNullable(this.views.get(ip));
	}

	/** What protection knows of the dataplane worker. */
	public WorkerState worker() {
		return this.worker;
	}

	// ---------------------------------------------------------------- requests

	/**
	 * Manual protection for {@code ttl} (null: the default): 202 semantics, the view is the state right after the
	 * request. While the dataplane worker is not up the host waits (the view's {@code pending} says why).
	 */
	public Mono<HostView> protect(InetAddress ip, String reason, @Nullable Duration ttl) {
		return request(at -> new ProtectionEvent.ProtectRequested(ip, reason, ttl, at), ip);
	}

	public Mono<HostView> unprotect(InetAddress ip, String reason) {
		return request(at -> new ProtectionEvent.UnprotectRequested(ip, reason, at), ip);
	}

	/** Detection saw an attack. Acted on for hosts in mode {@code auto} only. */
	public Mono<Void> attackStarted(InetAddress ip, String reason) {
		if (this.cluster != null) {
			return Mono.fromFuture(() -> this.cluster.verdict(ip, true, reason));
		}
		return submit(at -> new ProtectionEvent.AttackStarted(ip, reason, at)).then();
	}

	/** Detection saw the attack end (after its quiet period); returns whether a restore started. */
	public Mono<Boolean> attackEnded(InetAddress ip, String reason) {
		if (this.cluster != null) {
			return Mono.fromFuture(() -> this.cluster.verdict(ip, false, reason)).thenReturn(true);
		}
		return submit(at -> new ProtectionEvent.AttackEnded(ip, reason, at))
			.map(t -> t.reply() instanceof Reply.Accepted);
	}

	/** The dataplane worker is gone; returns how many hosts may be diverted. */
	public Mono<Integer> workerLost(String cause) {
		if (this.cluster != null) {
			// the node stops being an owner: the leader moves its IPs to a node whose worker runs, or fails open
			this.cluster.workerLost(cause);
			return Mono.just(0);
		}
		return onControl(() -> {
			int diverted = (int) this.state.hosts().stream().filter(s -> s.state().mayBeDiverted()).count();
			apply(new ProtectionEvent.WorkerLost(cause, now()));
			return diverted;
		});
	}

	/**
	 * The dataplane worker answers (again): it gets exactly the hosts that may be diverted. Completes when that
	 * re-sync is over (or the worker was lost again meanwhile).
	 */
	public Mono<Void> workerBack(boolean adopted) {
		if (this.cluster != null) {
			this.cluster.workerBack(adopted);
			return Mono.empty();
		}
		Sinks.One<Void> synced = Sinks.one();
		return onControl(() -> {
			this.syncWaiters.add(synced);
			return apply(new ProtectionEvent.WorkerBack(adopted, now()));
		}).then(synced.asMono());
	}

	/** Fresh secrets: kept for the dataplane, and told to the core at most once a second per host. */
	public Mono<Void> secretsArrived(SecretsUpdate update) {
		this.secrets.put(update);
		if (!this.running) {
			return Mono.empty(); // start() takes what the store holds then
		}
		Instant last = this.lastSecretsEvent.get(update.ip());
		if (last != null && Duration.between(last, update.receivedAt()).compareTo(SECRETS_PUSH_INTERVAL) < 0) {
			return Mono.empty();
		}
		this.lastSecretsEvent.put(update.ip(), update.receivedAt());
		if (this.cluster != null) {
			this.cluster.secretsArrived(update);
			return Mono.empty();
		}
		return submit(at -> new ProtectionEvent.SecretsArrived(update.ip(), update.receivedAt())).then();
	}

	/** Reads the router's overrides back and lets the core repair any difference. */
	public Mono<Void> reconcile(Reconcile trigger) {
		if (this.cluster != null) {
			return Mono.empty(); // the leader's failover re-drives unconfirmed router changes
		}
		Set<String> targets = this.router.targets();
		return Flux.fromIterable(targets)
			.flatMap(t -> this.router.overrides(t)
				.timeout(this.properties.stepTimeout())
				.map(o -> new TargetReadBack(t, o.keySet(), null))
				.onErrorResume(ex -> Mono.just(new TargetReadBack(t, Set.of(), CommandExecutor.describe(ex)))))
			.collectList()
			.flatMap(readBacks -> submit(at -> readBack(trigger, readBacks, at)))
			.then();
	}

	private record TargetReadBack(String target, Set<InetAddress> overrides, @Nullable String failure) {
	}

	/** Control thread: the read-back, with the target of every host as the router adapters resolve it. */
	private ProtectionEvent readBack(Reconcile trigger, List<TargetReadBack> readBacks, Instant at) {
		Map<String, Set<InetAddress>> overrides = new HashMap<>();
		Map<String, String> unreadable = new HashMap<>();
		for (TargetReadBack r : readBacks) {
			if (r.failure() != null) {
				unreadable.put(r.target(), r.failure());
			}
			else {
				overrides.put(r.target(), r.overrides());
			}
		}
		Map<InetAddress, String> hostTargets = new HashMap<>();
		for (HostState s : this.state.hosts()) {
			try {
				hostTargets.put(s.ip(), this.router.targetOf(s.host()));
			}
			catch (RuntimeException ex) {
				// no target resolvable: the read-back tells nothing about this host
			}
		}
		return new ProtectionEvent.ReadBack(trigger, overrides, unreadable, hostTargets, at);
	}

	// ---------------------------------------------------------------- the loop (control thread)

	private Mono<HostView> request(Function<Instant, ProtectionEvent> event, InetAddress ip) {
		ClusterMode c = this.cluster;
		Mono<Transition> applied = (c == null) ? submit(event)
				: Mono.defer(() -> Mono.fromFuture(c.submit(event.apply(now())))).onErrorMap(
						ClusterProtection.NotLeaderException.class,
						ex -> new NotTheLeaderException(ex.getMessage(), ex.leaderApi()));
		return applied.map(t -> {
			Reply reply = t.reply();
			if (reply instanceof Reply.Refused r) {
				throw new ProtectionRefusedException(r.code().wireName(), r.message());
			}
			if (reply instanceof Reply.NotConfigured) {
				throw new HostNotConfiguredException(IpText.of(ip));
			}
			if (c != null) { // this node's copy of etcd may lag the commit: the transition has the state
				Optional<HostState> s = t.updated().stream().filter(u -> u.ip().equals(ip)).findFirst();
				if (s.isPresent()) {
					return HostView.of(s.get(), WorkerState.up(s.get().state().since()));
				}
			}
			return host(ip).orElseThrow(() -> new HostNotConfiguredException(IpText.of(ip)));
		});
	}

	/** Cluster mode: every host as this node's copy of etcd has it, configured hosts in file order first. */
	private List<HostView> clusterViews() {
		Map<InetAddress, ProtectionRecord> records = new java.util.LinkedHashMap<>();
		this.cluster.records().values().forEach(r -> records.put(r.ip(), r));
		List<HostView> views = new ArrayList<>();
		for (HostConfig h : this.registry.current().hosts()) {
			ProtectionRecord r = records.remove(h.ip());
			HostState s = (r != null) ? r.toHostState(h) : HostState.configured(h, this.registry.current().loadedAt());
			views.add(HostView.of(s, WorkerState.up(s.state().since())));
		}
		for (ProtectionRecord r : records.values()) {
			if (r.state().mayBeDiverted()) {
				HostState s = r.toHostState(HostConfig.unconfigured(r.ip(), null));
				views.add(HostView.of(s, WorkerState.up(s.state().since())));
			}
		}
		return views;
	}

	/**
	 * Applies the event on the control thread once subscribed. Cancelling the returned Mono (a REST client that hangs
	 * up) neither interrupts nor withdraws the event: half an event is never applied.
	 */
	private Mono<Transition> submit(Function<Instant, ProtectionEvent> event) {
		return onControl(() -> apply(event.apply(now())));
	}

	private <T> Mono<T> onControl(java.util.concurrent.Callable<T> task) {
		return Mono.defer(() -> {
			Sinks.One<T> result = Sinks.one();
			this.control.schedule(() -> {
				try {
					result.tryEmitValue(task.call());
				}
				catch (Exception ex) {
					result.tryEmitError(ex);
				}
			});
			return result.asMono();
		});
	}

	private Transition apply(ProtectionEvent event) {
		CommandExecutor exec = this.executor;
		if (exec == null) {
			throw new IllegalStateException("protection not started");
		}
		Transition t = this.core.apply(this.state, event);
		this.state.commit(t);
		exec.execute(t.commands()); // the journal is on disk before any router step and before the views
		publishViews(t);
		if (this.state.worker().health() != WorkerState.Health.RESYNCING && !this.syncWaiters.isEmpty()) {
			this.syncWaiters.forEach(w -> w.tryEmitEmpty());
			this.syncWaiters.clear();
		}
		return t;
	}

	private void publishViews(Transition t) {
		if (t.worker() != null) {
			this.worker = t.worker();
			publishAllViews(); // whether a wanted host waits depends on the worker
			return;
		}
		boolean reorder = !t.forgotten().isEmpty();
		for (HostState s : t.updated()) {
			reorder |= this.views.put(s.ip(), HostView.of(s, this.worker)) == null;
		}
		t.forgotten().forEach(this.views::remove);
		if (reorder) {
			this.order = this.state.hosts().stream().map(HostState::ip).toList();
		}
	}

	private void publishAllViews() {
		this.worker = this.state.worker();
		this.state.hosts().forEach(s -> this.views.put(s.ip(), HostView.of(s, this.worker)));
		List<InetAddress> ips = this.state.hosts().stream().map(HostState::ip).toList();
		this.views.keySet().retainAll(Set.copyOf(ips));
		this.order = ips;
	}

	private Instant now() {
		return this.clock.instant();
	}

}
