package io.syncookied.controlplane.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.DiversionTarget;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.ProtectionIntent.Trigger;
import io.syncookied.controlplane.protection.ProtectionState.Diverting;
import io.syncookied.controlplane.protection.ProtectionState.Failed;
import io.syncookied.controlplane.protection.ProtectionState.Protected;
import io.syncookied.controlplane.protection.ProtectionState.Restoring;
import io.syncookied.controlplane.protection.ProtectionState.Unprotected;
import io.syncookied.controlplane.router.DiversionPort;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * The protection state machine of every configured IP. All state lives on one single-threaded scheduler (like a
 * Kafka controller), so transitions never race; dataplane and router calls run elsewhere and report back to it.
 * Order of operations: the dataplane gets the host with fresh secrets before the router diverts; the router override
 * is withdrawn before the host leaves the dataplane.
 */
@Service
public class ProtectionService implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ProtectionService.class);

	/**
	 * The one thread that owns all state. Not a Reactor "non-blocking" thread on purpose: it writes (and fsyncs) the
	 * journal, which must happen before a transition is reported. Never an event loop.
	 */
	private final Scheduler control = Schedulers.fromExecutorService(
			java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
				Thread t = new Thread(r, "protection");
				t.setDaemon(true);
				return t;
			}), "protection");

	private final Map<InetAddress, Entry> entries = new LinkedHashMap<>();

	private final HostRegistry registry;

	private final DataplanePort dataplane;

	private final DiversionPort router;

	private final SecretsStore secrets;

	private final StateJournal journal;

	private final EventBus events;

	private final ProtectionProperties properties;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Disposable.Composite subscriptions = Disposables.composite();

	private volatile Map<InetAddress, HostView> views = Map.of();

	/** False between a worker loss and its recovery: nothing is diverted meanwhile. Control thread only. */
	private boolean workerHealthy = true;

	/** Agents report every 100 ms to 1 s; the dataplane needs a fresh clock sample far less often. */
	private static final Duration SECRETS_PUSH_INTERVAL = Duration.ofSeconds(1);

	private final Map<InetAddress, Instant> lastSecretsPush = new java.util.concurrent.ConcurrentHashMap<>();

	/** Mutable per-IP state: only touched on {@link #control}. */
	private static final class Entry {

		HostConfig host;

		ProtectionState state;

		@Nullable ProtectionIntent intent;

		boolean busy;

		boolean configured = true;

		@Nullable Instant lastStaleAlert;

		/** End of the pickup window opened by the last divert (a re-push keeps what is left of it). */
		@Nullable Instant pickupUntil;

		Entry(HostConfig host, ProtectionState state) {
			this.host = host;
			this.state = state;
		}

	}

	public ProtectionService(HostRegistry registry, DataplanePort dataplane, DiversionPort router,
			SecretsStore secrets, EventBus events, ProtectionProperties properties, Clock clock, MeterRegistry meters) {
		this.meters = meters;
		this.registry = registry;
		this.dataplane = dataplane;
		this.router = router;
		this.secrets = secrets;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
		try {
			this.journal = new StateJournal(properties.journal());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the state journal (syncookied.protection.journal="
					+ properties.journal() + "): " + ex.getMessage(), ex);
		}
		runOnControl(this::restoreFromJournal).block();
		this.subscriptions.add(registry.changes()
			.skip(1) // the current snapshot was applied by restoreFromJournal
			.subscribe(s -> runOnControl(() -> applyHosts(s.hosts())).subscribe()));
		this.subscriptions.add(Flux.interval(Duration.ofSeconds(1), this.control).subscribe(t -> tick()));
	}

	/** First reconciliation once the application is up (agents have had time to send fresh secrets). */
	@EventListener(ApplicationReadyEvent.class)
	public void scheduleReconciliation() {
		this.subscriptions.add(Flux.interval(this.properties.reconcileDelay(), this.properties.reconcileInterval())
			.onBackpressureDrop()
			.concatMap(n -> reconcile((n == 0) ? "startup" : "periodic").onErrorResume(ex -> {
				log.error("Reconciliation failed", ex);
				return Mono.empty();
			}), 1)
			.subscribe());
	}

	// ---------------------------------------------------------------- queries (any thread)

	public List<HostView> hosts() {
		return List.copyOf(this.views.values());
	}

	public Optional<HostView> host(InetAddress ip) {
		return Optional.ofNullable(this.views.get(ip));
	}

	// ---------------------------------------------------------------- commands

	/** Manual protection for {@code ttl}: 202 semantics, the returned view is the state right after the request. */
	public Mono<HostView> protect(InetAddress ip, String reason, @Nullable Duration ttl) {
		Duration effective = (ttl != null) ? ttl : this.properties.defaultTtl();
		if (effective.isNegative() || effective.isZero() || effective.compareTo(this.properties.maxTtl()) > 0) {
			return Mono.error(new ProtectionRefusedException("ttl-out-of-range", "ttl " + effective
					+ " is outside (0, " + this.properties.maxTtl() + "] (syncookied.protection.max-ttl)"));
		}
		return onControl(() -> {
			Entry e = configured(ip);
			checkProtectable(e, Trigger.MANUAL);
			Instant now = now();
			e.intent = new ProtectionIntent(Trigger.MANUAL, reason, now, now.plus(effective));
			journal(e);
			if (e.state instanceof Failed && !e.busy) {
				startDivert(e, "manual: " + reason);
			}
			drive(e);
			return view(e);
		});
	}

	public Mono<HostView> unprotect(InetAddress ip, String reason) {
		return onControl(() -> {
			Entry e = configured(ip);
			e.intent = null;
			journal(e);
			if (e.state instanceof Failed && !e.busy) {
				startRestore(e, "manual: " + reason);
			}
			else if (e.state instanceof Unprotected) {
				publishUnchanged(e, "unprotect requested while unprotected: " + reason);
			}
			drive(e, "manual: " + reason);
			return view(e);
		});
	}

	/** Detection says the host is under attack. Ignored unless the host is in mode {@code auto}. */
	public Mono<Void> autoProtect(InetAddress ip, String reason) {
		return onControl(() -> {
			Entry e = this.entries.get(ip);
			if (e == null || !e.configured || e.host.mode() != ProtectionMode.AUTO) {
				return null;
			}
			if (e.intent != null) {
				return null; // already wanted (manual wins over auto)
			}
			try {
				checkProtectable(e, Trigger.AUTO);
			}
			catch (ProtectionRefusedException ex) {
				this.events.publish(new ControlEvent.Alert(now(), ex.code(), e.host.ipText(),
						"flood detected but not diverting: " + ex.getMessage()));
				return null;
			}
			e.intent = new ProtectionIntent(Trigger.AUTO, reason, now(), null);
			journal(e);
			drive(e, "auto: " + reason);
			return null;
		}).then();
	}

	/**
	 * Detection says the attack is over (the quiet period is the caller's). Restores only automatic protection, and
	 * only once the hold-down has passed; returns whether the restore was started.
	 */
	public Mono<Boolean> autoRestore(InetAddress ip, String reason) {
		return onControl(() -> {
			Entry e = this.entries.get(ip);
			if (e == null || e.intent == null || e.intent.trigger() != Trigger.AUTO || e.busy) {
				return false;
			}
			if (!(e.state instanceof Protected p)
					|| Duration.between(p.since(), now()).compareTo(this.properties.holdDown()) < 0) {
				return false;
			}
			e.intent = null;
			journal(e);
			drive(e, "auto: " + reason);
			return true;
		});
	}

	/** The dataplane worker is gone while hosts may be diverted: fail open (restore) or closed (keep). */
	public Mono<Integer> workerLost(String why) {
		return onControl(() -> {
			this.workerHealthy = false;
			int affected = 0;
			for (Entry e : this.entries.values()) {
				if (!e.state.mayBeDiverted()) {
					continue;
				}
				affected++;
				if (this.properties.failMode() == ProtectionProperties.FailMode.OPEN && !e.busy) {
					this.events.publish(new ControlEvent.Alert(now(), "fail-open", e.host.ipText(),
							"dataplane worker unhealthy (" + why + "): restoring the direct path"));
					startRestore(e, "fail-open: " + why);
				}
			}
			return affected;
		});
	}

	/**
	 * The worker is back (restarted or adopted): make it hold exactly the hosts that may be diverted, with fresh
	 * secrets. A diverted host without fresh secrets cannot be scrubbed: its direct path is restored.
	 */
	public Mono<Void> workerRestarted() {
		return onControl(() -> {
			List<HostConfig> hosts = new ArrayList<>();
			Map<InetAddress, KernelSecrets> secrets = new HashMap<>();
			for (Entry e : this.entries.values()) {
				if (!e.state.mayBeDiverted()) {
					continue;
				}
				Optional<SecretsUpdate> fresh = this.secrets.fresh(e.host.ip());
				if (fresh.isPresent()) {
					hosts.add(e.host);
					secrets.put(e.host.ip(), fresh.get().secrets());
					e.pickupUntil = now().plus(this.properties.pickupWindow());
				}
				else if (!e.busy) {
					alert("secrets-stale", e.host.ipText(), "worker restarted but " + this.secrets.staleness(e.host.ip())
							+ ": restoring the direct path");
					startRestore(e, "no fresh secrets after worker restart");
				}
			}
			return Map.entry(hosts, secrets);
		}).flatMap(job -> step("dataplane resync",
				this.dataplane.resync(job.getKey(), job.getValue(), this.properties.pickupWindow()))
			.onErrorResume(ex -> {
				alert("dataplane-resync-failed", null, describe(ex));
				return Mono.empty();
			}))
			.then(runOnControl(() -> {
				this.workerHealthy = true;
				// hosts still wanted (fail-open restored them) are diverted again now that the worker is back
				new ArrayList<>(this.entries.values()).forEach(this::drive);
			}));
	}

	/** Fresh secrets: forward them to the dataplane for every host it currently scrubs for. */
	public Mono<Void> secretsArrived(SecretsUpdate update) {
		this.secrets.put(update);
		Instant last = this.lastSecretsPush.get(update.ip());
		if (last != null && Duration.between(last, update.receivedAt()).compareTo(SECRETS_PUSH_INTERVAL) < 0) {
			return Mono.empty();
		}
		this.lastSecretsPush.put(update.ip(), update.receivedAt());
		return onControl(() -> {
			Entry e = this.entries.get(update.ip());
			return (e != null && e.state.mayBeDiverted() && !(e.state instanceof Diverting)) ? e : null;
		}).flatMap(e -> this.dataplane.setSecrets(update.ip(), update.secrets())
			.onErrorResume(ex -> {
				alert("secrets-push", update.ip().getHostAddress(), "cannot push fresh secrets to the dataplane: "
						+ ex.getMessage());
				return Mono.empty();
			}));
	}

	/**
	 * Compare the router's overrides (read back) with the state and repair: nothing diverted and unmanaged, no
	 * diversion forgotten.
	 */
	public Mono<Void> reconcile(String trigger) {
		Set<String> targets = this.router.targets();
		return Flux.fromIterable(targets)
			.flatMap(t -> this.router.overrides(t)
				.timeout(this.properties.stepTimeout())
				.map(o -> Map.entry(t, Optional.of(o)))
				.onErrorResume(ex -> {
					alert("router-readback", null, "cannot read back overrides from router target " + t + ": "
							+ ex.getMessage() + " (will retry)");
					return Mono.just(Map.entry(t, Optional.empty()));
				}))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap(readBack -> onControl(() -> {
				reconcileOnControl(trigger, readBack);
				return null;
			}))
			.then();
	}

	// ---------------------------------------------------------------- state machine (control thread only)

	private void drive(Entry e) {
		drive(e, null);
	}

	private void drive(Entry e, @Nullable String why) {
		if (e.busy) {
			return; // the running step calls drive() again when it completes
		}
		boolean want = wanted(e);
		ProtectionState s = e.state;
		if (s instanceof Unprotected && want && !this.workerHealthy) {
			return; // never divert into a dead worker; workerRestarted() drives again
		}
		if (s instanceof Unprotected && want) {
			startDivert(e, (why != null) ? why : intentReason(e));
		}
		else if (s instanceof Protected && !want) {
			startRestore(e, (why != null) ? why : "no longer wanted");
		}
		else if ((s instanceof Diverting || s instanceof Restoring) && !e.busy) {
			// left over from a crash (journal): finish in the direction of the intent
			if (want) {
				startDivert(e, "resuming after restart");
			}
			else {
				startRestore(e, "resuming after restart");
			}
		}
	}

	private boolean wanted(Entry e) {
		return e.configured && e.host.mode() != ProtectionMode.OFF && e.intent != null && !e.intent.expired(now());
	}

	private void startDivert(Entry e, String reason) {
		HostConfig host = e.host;
		Optional<SecretsUpdate> fresh = this.secrets.fresh(host.ip());
		if (fresh.isEmpty()) {
			String why = this.secrets.staleness(host.ip());
			alert("secrets-stale", host.ipText(), "not diverting: " + why);
			if (e.intent != null && e.intent.trigger() != Trigger.MANUAL) {
				e.intent = null;
			}
			if (e.state.mayBeDiverted()) {
				startRestore(e, "secrets stale: " + why);
			}
			else {
				transition(e, new Failed(now(), "secrets stale: " + why, null, false));
			}
			return;
		}
		String mid = (e.state.mitigationId() != null) ? e.state.mitigationId() : newMitigationId();
		transition(e, new Diverting(now(), reason, mid));
		e.busy = true;
		// the pickup window opens with this push, right before the router switch, and outlasts it: connections
		// established on the direct path keep passing while their first diverted segments create their flows
		Duration pickup = this.properties.pickupWindow();
		e.pickupUntil = now().plus(pickup);
		step("dataplane push", this.dataplane.setHost(host, fresh.get().secrets(), pickup))
			.then(Mono.defer(() -> step("router divert", this.router.divert(host, mid))))
			.publishOn(this.control)
			.subscribe(null, ex -> divertFailed(e, host, mid, reason, ex), () -> {
				e.busy = false;
				transition(e, new Protected(now(), reason, mid));
				drive(e);
			});
	}

	private void divertFailed(Entry e, HostConfig host, String mid, String reason, Throwable ex) {
		String why = describe(ex);
		alert("divert-failed", host.ipText(), why + "; rolling back");
		boolean routerTouched = !(ex instanceof StepException se && se.step.equals("dataplane push"));
		Mono<Void> rollbackRouter = routerTouched ? step("router restore", this.router.restore(host, mid)) : Mono.empty();
		rollbackRouter.then(Mono.defer(() -> step("dataplane remove", this.dataplane.removeHost(host.ip()))
			.onErrorResume(ex2 -> Mono.empty())))
			.publishOn(this.control)
			.subscribe(null, ex2 -> {
				e.busy = false;
				alert("restore-failed", host.ipText(), "rollback failed, the router may still divert: "
						+ describe(ex2) + " (host kept in the dataplane; reconciliation retries)");
				transition(e, new Failed(now(), why + "; rollback failed: " + describe(ex2), mid, true));
			}, () -> {
				e.busy = false;
				transition(e, new Failed(now(), why, mid, false));
			});
	}

	private void startRestore(Entry e, String reason) {
		HostConfig host = e.host;
		String mid = (e.state.mitigationId() != null) ? e.state.mitigationId() : newMitigationId();
		transition(e, new Restoring(now(), reason, mid));
		e.busy = true;
		step("router restore", this.router.restore(host, mid)).publishOn(this.control).subscribe(null, ex -> {
			e.busy = false;
			alert("restore-failed", host.ipText(), describe(ex)
					+ " (host kept in the dataplane so diverted traffic is still scrubbed; reconciliation retries)");
			transition(e, new Failed(now(), describe(ex), mid, true));
		}, () -> step("dataplane remove", this.dataplane.removeHost(host.ip())).publishOn(this.control)
			.subscribe(null, ex -> {
				e.busy = false;
				alert("dataplane-remove-failed", host.ipText(), describe(ex) + " (harmless: no traffic is diverted)");
				finishRestore(e, reason);
			}, () -> {
				e.busy = false;
				finishRestore(e, reason);
			}));
	}

	private void finishRestore(Entry e, String reason) {
		transition(e, new Unprotected(now(), reason));
		if (!e.configured) {
			this.entries.remove(e.host.ip());
			publishViews();
			return;
		}
		drive(e);
	}

	private void pushHost(Entry e) {
		Optional<SecretsUpdate> fresh = this.secrets.fresh(e.host.ip());
		if (fresh.isEmpty()) {
			alert("secrets-stale", e.host.ipText(), "cannot re-push host to the dataplane: "
					+ this.secrets.staleness(e.host.ip()));
			return;
		}
		step("dataplane push", this.dataplane.setHost(e.host, fresh.get().secrets(), pickupLeft(e))).subscribe(null,
				ex -> alert("dataplane-push-failed", e.host.ipText(), describe(ex)));
	}

	/** What is left of the entry's pickup window (a re-push must neither end it early nor extend it). */
	private Duration pickupLeft(Entry e) {
		Instant until = e.pickupUntil;
		if (until == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(now(), until);
		return left.isNegative() ? Duration.ZERO : left;
	}

	private void reconcileOnControl(String trigger, Map<String, Optional<Map<InetAddress, String>>> readBack) {
		Set<InetAddress> seen = new HashSet<>();
		for (Map.Entry<String, Optional<Map<InetAddress, String>>> t : readBack.entrySet()) {
			if (t.getValue().isEmpty()) {
				continue;
			}
			for (InetAddress ip : t.getValue().get().keySet()) {
				seen.add(ip);
				if (!this.entries.containsKey(ip)) {
					// our MAC on the router for an IP we do not manage: withdraw it (never leave it unmanaged)
					HostConfig orphan = orphan(ip, t.getKey());
					Entry e = new Entry(orphan, new Protected(now(), "found on router " + t.getKey(), newMitigationId()));
					e.configured = false;
					this.entries.put(ip, e);
					alert("unmanaged-diversion", ip.getHostAddress(), "router " + t.getKey()
							+ " diverts an IP that is not a configured host (" + trigger + "): withdrawing it");
					startRestore(e, "unmanaged diversion found at " + trigger);
				}
			}
		}
		for (Entry e : new ArrayList<>(this.entries.values())) {
			if (e.busy) {
				continue;
			}
			String target = targetOrNull(e.host);
			boolean known = target != null && readBack.getOrDefault(target, Optional.empty()).isPresent();
			boolean onRouter = seen.contains(e.host.ip());
			boolean want = wanted(e);
			ProtectionState s = e.state;
			if (s instanceof Unprotected && known && onRouter) {
				alert("unmanaged-diversion", e.host.ipText(), "router diverts a host we consider unprotected ("
						+ trigger + "): " + (want ? "adopting it" : "withdrawing it"));
				transition(e, new Protected(now(), "adopted from router at " + trigger, newMitigationId()));
				if (want) {
					pushHost(e);
				}
				else {
					startRestore(e, "unmanaged diversion found at " + trigger);
				}
			}
			else if (s instanceof Protected && known && !onRouter) {
				alert("diversion-lost", e.host.ipText(), "the router no longer diverts this protected host ("
						+ trigger + ")" + (want ? ": diverting again" : ""));
				if (want) {
					startDivert(e, "re-divert after diversion was lost");
				}
				else {
					startRestore(e, "diversion lost and no longer wanted");
				}
			}
			else if (s instanceof Failed f) {
				if (want) {
					startDivert(e, "retry after failure: " + f.reason());
				}
				else if (f.diverted() || onRouter) {
					startRestore(e, "retry restore after failure: " + f.reason());
				}
			}
			else if (s instanceof Protected && "startup".equals(trigger)) {
				if (want) {
					pushHost(e); // the worker may have been restarted while we were down
				}
				else {
					startRestore(e, "intent expired while the control plane was down");
				}
			}
			else {
				drive(e);
			}
		}
	}

	private void restoreFromJournal() {
		Map<String, JournalEntry> replayed;
		try {
			replayed = this.journal.replay();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the state journal " + this.journal.file(), ex);
		}
		applyHosts(this.registry.current().hosts());
		for (JournalEntry j : replayed.values()) {
			InetAddress ip;
			try {
				ip = InetAddress.getByName(j.ip());
			}
			catch (IOException ex) {
				continue;
			}
			Entry e = this.entries.get(ip);
			if (e == null) {
				if (!j.diverted()) {
					continue;
				}
				e = new Entry(orphan(ip, null), null);
				e.configured = false;
				this.entries.put(ip, e);
			}
			e.state = stateOf(j);
			e.intent = j.intent();
		}
		publishViews();
		log.info("State journal {}: {} host(s) restored, {} possibly diverted (reconciled with the router shortly)",
				this.journal.file(), replayed.size(),
				this.entries.values().stream().filter(x -> x.state.mayBeDiverted()).count());
	}

	private ProtectionState stateOf(JournalEntry j) {
		String mid = (j.mitigationId() != null) ? j.mitigationId() : newMitigationId();
		return switch (j.state()) {
			case "DIVERTING" -> new Diverting(j.at(), j.reason(), mid);
			case "PROTECTED" -> new Protected(j.at(), j.reason(), mid);
			case "RESTORING" -> new Restoring(j.at(), j.reason(), mid);
			case "FAILED" -> new Failed(j.at(), j.reason(), j.mitigationId(), j.diverted());
			default -> new Unprotected(j.at(), j.reason());
		};
	}

	private void applyHosts(List<HostConfig> hosts) {
		Map<InetAddress, HostConfig> next = new HashMap<>();
		hosts.forEach(h -> next.put(h.ip(), h));
		for (Entry e : new ArrayList<>(this.entries.values())) {
			HostConfig updated = next.get(e.host.ip());
			if (updated == null) {
				e.configured = false;
				e.intent = null;
				if (e.state.mayBeDiverted() && !e.busy) {
					startRestore(e, "host removed from the hosts file");
				}
				else if (!e.state.mayBeDiverted()) {
					this.entries.remove(e.host.ip());
				}
			}
			else {
				boolean changed = !updated.equals(e.host);
				e.host = updated;
				e.configured = true;
				if (updated.mode() == ProtectionMode.OFF && e.state.mayBeDiverted() && !e.busy) {
					e.intent = null;
					startRestore(e, "host mode set to off");
				}
				else if (changed && e.state instanceof Protected && !e.busy) {
					pushHost(e); // new filters or MAC reach the dataplane at once
				}
			}
		}
		for (HostConfig h : hosts) {
			this.entries.computeIfAbsent(h.ip(), ip -> new Entry(h, new Unprotected(now(), "configured")));
		}
		publishViews();
	}

	private void tick() {
		Instant now = now();
		for (Entry e : new ArrayList<>(this.entries.values())) {
			// Diverted with stale secrets: the firewall's clock estimate drifts and cookies may stop validating.
			// Keep scrubbing (restoring would expose the server to the flood) but tell the operator, once a minute.
			if (e.state instanceof Protected && e.configured && this.secrets.fresh(e.host.ip()).isEmpty()
					&& (e.lastStaleAlert == null || Duration.between(e.lastStaleAlert, now).toMinutes() >= 1)) {
				e.lastStaleAlert = now;
				alert("secrets-stale-diverted", e.host.ipText(),
						"diverted but " + this.secrets.staleness(e.host.ip()) + ": check the host's agent");
			}
			if (e.intent != null && e.intent.expired(now)) {
				ProtectionIntent expired = e.intent;
				e.intent = null;
				journal(e);
				drive(e, "TTL expired (" + expired.reason() + ")");
			}
		}
	}

	private Entry configured(InetAddress ip) {
		Entry e = this.entries.get(ip);
		if (e == null || !e.configured) {
			throw new HostNotConfiguredException(ip.getHostAddress());
		}
		return e;
	}

	private void checkProtectable(Entry e, Trigger trigger) {
		if (e.host.mode() == ProtectionMode.OFF) {
			throw new ProtectionRefusedException("mode-off",
					e.host.ipText() + " has mode: off in the hosts file (line " + e.host.line() + ")");
		}
		if (!e.state.mayBeDiverted() && this.secrets.fresh(e.host.ip()).isEmpty()) {
			String why = this.secrets.staleness(e.host.ip());
			alert("secrets-stale", e.host.ipText(), "refusing to divert (" + trigger + "): " + why);
			throw new ProtectionRefusedException("secrets-stale", "not diverting " + e.host.ipText() + ": " + why);
		}
	}

	private void transition(Entry e, ProtectionState next) {
		ProtectionState previous = e.state;
		e.state = next;
		journal(e);
		publishViews();
		this.events.publish(new ControlEvent.StateChanged(next.since(), e.host.ipText(),
				(previous != null) ? previous.name() : "NONE", next.name(), next.reason(), next.mitigationId()));
	}

	private void publishUnchanged(Entry e, String reason) {
		log.info("{}: {}", e.host.ipText(), reason);
	}

	private void journal(Entry e) {
		this.journal.append(JournalEntry.of(e.host.ipText(), e.state, e.intent));
	}

	private void publishViews() {
		Map<InetAddress, HostView> next = new LinkedHashMap<>();
		this.entries.values().stream().filter(e -> e.configured || e.state.mayBeDiverted()).forEach(e -> next.put(e.host.ip(), view(e)));
		this.views = java.util.Collections.unmodifiableMap(next);
	}

	private HostView view(Entry e) {
		ProtectionState s = e.state;
		ProtectionIntent i = e.intent;
		return new HostView(e.host.ipText(), e.configured ? e.host.mode().name().toLowerCase(java.util.Locale.ROOT) : "unconfigured",
				s.name(), s.since(), s.reason(), s.mitigationId(), s.mayBeDiverted(),
				(i != null) ? i.trigger().name().toLowerCase(java.util.Locale.ROOT) : null,
				(i != null) ? i.reason() : null, (i != null) ? i.expiresAt() : null);
	}

	private String intentReason(Entry e) {
		return (e.intent != null) ? e.intent.trigger().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.intent.reason()
				: "requested";
	}

	private @Nullable String targetOrNull(HostConfig host) {
		try {
			return this.router.targetOf(host);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private HostConfig orphan(InetAddress ip, @Nullable String target) {
		return HostConfig.unconfigured(ip, (target != null) ? new DiversionTarget(target, null) : null);
	}

	/**
	 * One dataplane or router step, with a time limit and a timer {@code syncookied.protection.step} (tags
	 * {@code step}: dataplane_push, router_divert, router_restore, dataplane_remove, ...; {@code outcome}: success,
	 * failure, timeout): the latency and failures of router pushes as the state machine sees them.
	 */
	private Mono<Void> step(String name, Mono<Void> call) {
		String tag = name.replace(' ', '_');
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return call.timeout(this.properties.stepTimeout(),
					Mono.error(() -> new TimeoutException("no answer within " + this.properties.stepTimeout())))
				.doOnSuccess(v -> record(tag, "success", start))
				.doOnError(ex -> record(tag, (ex instanceof TimeoutException) ? "timeout" : "failure", start));
		}).onErrorMap(ex -> !(ex instanceof StepException), ex -> new StepException(name, ex));
	}

	private void record(String step, String outcome, long startNanos) {
		Timer.builder("syncookied.protection.step")
			.description("Dataplane and router steps of protection changes")
			.tags("step", step, "outcome", outcome)
			.register(this.meters)
			.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
	}

	private void alert(String kind, @Nullable String ip, String message) {
		this.events.publish(new ControlEvent.Alert(now(), kind, ip, message));
	}

	private static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
	}

	private static String newMitigationId() {
		return "m-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Instant now() {
		return this.clock.instant();
	}

	private Mono<Void> runOnControl(Runnable action) {
		return Mono.fromRunnable(action).subscribeOn(this.control).then();
	}

	private <T> Mono<T> onControl(java.util.concurrent.Callable<@Nullable T> action) {
		return Mono.fromCallable(action).subscribeOn(this.control);
	}

	/** A failed step, named for operators ("router divert: ..."). */
	static final class StepException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final String step;

		StepException(String step, Throwable cause) {
			super(step + " failed: " + describe(cause), cause);
			this.step = step;
		}

	}

	@Override
	public void destroy() throws IOException {
		this.subscriptions.dispose();
		this.control.dispose();
		this.journal.close();
	}

}
