package io.syncookied.controlplane.protection;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.syncookied.common.IpText;
import io.syncookied.common.KernelSecrets;

import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.ProtectionCommand;
import io.syncookied.controlplane.protection.core.ProtectionCommand.AnnounceState;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Divert;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Journal;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.PushSecrets;
import io.syncookied.controlplane.protection.core.ProtectionCommand.RemoveHost;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Restore;
import io.syncookied.controlplane.protection.core.ProtectionCommand.Resync;
import io.syncookied.controlplane.protection.core.ProtectionCommand.StepCommand;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.ProtectionState;
import io.syncookied.controlplane.protection.core.Step;
import io.syncookied.controlplane.router.DiversionPort;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * Carries out the core's commands, in order, on the control thread: journal lines (forced to disk) and operator
 * events at once; dataplane and router steps asynchronously (they block on {@code boundedElastic} in their ports),
 * each with the step timeout and the {@code syncookied.protection.step} timer. A step's outcome is fed back as an
 * event; nothing else is decided here.
 */
final class CommandExecutor {

	private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

	private final DataplanePort dataplane;

	private final DiversionPort router;

	private final SecretsStore secrets;

	private final StateJournal journal;

	private final EventBus events;

	private final Duration stepTimeout;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Consumer<ProtectionEvent> feedback;

	CommandExecutor(DataplanePort dataplane, DiversionPort router, SecretsStore secrets, StateJournal journal,
			EventBus events, Duration stepTimeout, MeterRegistry meters, Clock clock,
			Consumer<ProtectionEvent> feedback) {
		this.dataplane = dataplane;
		this.router = router;
		this.secrets = secrets;
		this.journal = journal;
		this.events = events;
		this.stepTimeout = stepTimeout;
		this.meters = meters;
		this.clock = clock;
		this.feedback = feedback;
	}

	/**
	 * Dataplane pushes start first and run while the journal line is forced to disk: a worker holding a host that
	 * the journal does not show yet is harmless (after a crash the re-sync leaves it out), so a divert waits only for
	 * the push and then for the router write. Everything else runs in the core's order, the journal before any
	 * router step and before the state change is reported.
	 */
	void execute(List<ProtectionCommand> commands) {
		for (ProtectionCommand c : commands) {
			if (startsEarly(c)) {
				run(c);
			}
		}
		for (ProtectionCommand c : commands) {
			if (!startsEarly(c)) {
				run(c);
			}
		}
	}

	private static boolean startsEarly(ProtectionCommand c) {
		return c instanceof PushHost || c instanceof PushSecrets;
	}

	private void run(ProtectionCommand c) {
		try {
			execute(c);
		}
		catch (RuntimeException ex) { // one broken command must not keep the others from running
			log.error("Cannot carry out {}", c, ex);
		}
	}

	private void execute(ProtectionCommand c) {
		if (c instanceof Journal j) {
			this.journal.append(j.entry());
		}
		else if (c instanceof AnnounceState a) {
			ProtectionState to = a.to();
			this.events.publish(new ControlEvent.StateChanged(to.since(), text(a.ip()),
					(a.from() != null) ? a.from().name() : "NONE", to.phase().name(), to.reason(), to.mitigationId()));
		}
		else if (c instanceof ProtectionCommand.Alert a) {
			this.events.publish(
					new ControlEvent.Alert(a.at(), a.kind(), (a.ip() != null) ? text(a.ip()) : null, a.message()));
		}
		else if (c instanceof Resync r) {
			resync(r);
		}
		else {
			step((StepCommand) c);
		}
	}

	private void step(StepCommand c) {
		timed(c.step(), Mono.defer(() -> call(c))).subscribe(null,
				ex -> this.feedback.accept(new ProtectionEvent.StepFailed(c.ip(), c.step(), describe(ex), now())),
				() -> this.feedback.accept(new ProtectionEvent.StepDone(c.ip(), c.step(), now())));
	}

	private Mono<Void> call(StepCommand c) {
		if (c instanceof PushHost p) {
			return this.dataplane.setHost(p.host(), secretsOf(p.ip()), p.pickupWindow());
		}
		if (c instanceof Divert d) {
			return this.router.divert(d.host(), d.mitigationId());
		}
		if (c instanceof Restore r) {
			return this.router.restore(r.host(), r.mitigationId());
		}
		if (c instanceof RemoveHost r) {
			return this.dataplane.removeHost(r.ip());
		}
		return this.dataplane.setSecrets(c.ip(), secretsOf(((PushSecrets) c).ip()));
	}

	private void resync(Resync r) {
		List<HostConfig> hosts = new ArrayList<>();
		Map<InetAddress, KernelSecrets> newest = new HashMap<>();
		for (HostConfig h : r.hosts()) {
			Optional<SecretsUpdate> fresh = this.secrets.fresh(h.ip());
			if (fresh.isPresent()) { // the core saw them fresh a moment ago; one that just went stale is left out
				hosts.add(h);
				newest.put(h.ip(), fresh.get().secrets());
			}
		}
		timed(Step.DATAPLANE_RESYNC, Mono.defer(() -> this.dataplane.resync(hosts, newest, r.pickupWindow())))
			.subscribe(null, ex -> this.feedback.accept(new ProtectionEvent.WorkerSynced(describe(ex), now())),
					() -> this.feedback.accept(new ProtectionEvent.WorkerSynced(null, now())));
	}

	private KernelSecrets secretsOf(InetAddress ip) {
		return this.secrets.fresh(ip)
			.orElseThrow(() -> new IllegalStateException(this.secrets.staleness(ip)))
			.secrets();
	}

	/** A step with the time limit, recorded in {@code syncookied.protection.step{step, outcome}}. */
	private Mono<Void> timed(Step step, Mono<Void> call) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return call.timeout(this.stepTimeout,
					Mono.error(() -> new TimeoutException("no answer within " + this.stepTimeout)))
				.doOnSuccess(v -> record(step, "success", start))
				.doOnError(ex -> record(step, (ex instanceof TimeoutException) ? "timeout" : "failure", start));
		});
	}

	private void record(Step step, String outcome, long startNanos) {
		Timer.builder("syncookied.protection.step")
			.description("Dataplane and router steps of protection changes")
			.tags("step", step.tag(), "outcome", outcome)
			.register(this.meters)
			.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
	}

	private java.time.Instant now() {
		return this.clock.instant();
	}

	private static String text(InetAddress ip) {
		return IpText.of(ip);
	}

	static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.toString();
	}

}
