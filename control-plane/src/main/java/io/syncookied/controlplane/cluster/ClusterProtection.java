package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.HostState;
import io.syncookied.controlplane.protection.core.MemoryState;
import io.syncookied.controlplane.protection.core.ProtectionCommand;
import io.syncookied.controlplane.protection.core.ProtectionCore;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.Step;
import io.syncookied.controlplane.protection.core.Transition;
import io.syncookied.controlplane.protection.core.WorkerState;

/**
 * The cluster's protection state machine: the leader runs {@link ProtectionCore#apply} over the state kept in etcd
 * under {@code hosts/}, one event at a time, and commits each transition as one transaction fenced by its term
 * before it carries out the transition's commands ({@link LeaderSteps}). So etcd's history of {@code hosts/<ip>} is the
 * journal, and a deposed leader can neither commit a transition nor start a router change.
 * <p>
 * A new leader loads the state from etcd (with no step in flight: what the old leader had started is driven again,
 * as after a restart) and lets the core drive every host. The cluster's dataplane counts as one worker that is up:
 * each node's {@link HostHolder} keeps its own worker level with etcd, and a push is done only when the owner holds the
 * host. Followers send their detection verdicts through etcd ({@link Verdict}); the leader applies them.
 * <p>
 * Runs on the cluster executor; {@link #submit} may be called from any thread.
 */
public final class ClusterProtection implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ClusterProtection.class);

	private static final Duration TICK = Duration.ofSeconds(1);

	/** How often events waiting for an uncertain lease look again (a renewal is answered within a request timeout). */
	private static final Duration LEASE_POLL = Duration.ofMillis(50);

	/** A change of a record's secrets age alone is written once it moved this much (see {@link #puts}). */
	static final Duration SECRETS_AT_STEP = Duration.ofSeconds(10);

	/** Thrown to whoever submits an event to a node that does not lead (REST redirects it to the leader). */
	public static final class NotLeaderException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		private final transient @Nullable URI leaderApi;

		NotLeaderException(String message, @Nullable URI leaderApi) {
			super(message);
			this.leaderApi = leaderApi;
		}

		/** Where the leader's REST API answers, when a leader is known. */
		public @Nullable URI leaderApi() {
			return this.leaderApi;
		}

	}

	private final ClusterNode node;

	private final ProtectionCore core;

	private final Supplier<List<HostConfig>> hostsFile;

	private final Function<InetAddress, @Nullable Instant> secretsAt;

	private final Duration stepTimeout;

	private final Clock clock;

	private final Consumer<ProtectionCommand> announcements;

	private final HeldHosts held;

	private final LeaderSteps steps;

	private final PrefixMirror<ProtectionRecord> records;

	private final PrefixMirror<Verdict> verdicts;

	private final VerdictEvidence evidence;

	private final Queue<Queued> queue = new ArrayDeque<>();

	/** The records as last seen, for readers on any thread (replaced whole on each change). */
	private volatile Map<String, ProtectionRecord> snapshot = Map.of();

	/** The state this leader decides on; null while it does not lead or has not loaded it yet. */
	private @Nullable MemoryState state;

	/** The records as committed in etcd by this leader (what a transition must change). */
	private final Map<InetAddress, ProtectionRecord> committed = new HashMap<>();

	private long term;

	/** Whether some live node's worker runs, as the core was last told (while this node leads). */
	private boolean workersUp = true;

	private boolean committing;

	private @Nullable ScheduledFuture<?> ticks;

	/** A look at the lease is scheduled for the events waiting for it. */
	private boolean awaitingLease;

	/** An event and its outcome; {@code queuedNanos} (System.nanoTime) bounds how long an operator waits. */
	private record Queued(ProtectionEvent event, CompletableFuture<Transition> result, long queuedNanos) {
	}

	/**
	 * @param hostsFile this node's configured hosts, in file order
	 * @param secretsAt when the newest fresh secrets of an IP's server reached this node, or null
	 * @param quietPeriod how long a node's detection must see an IP's traffic calm before it says the attack is over
	 * @param announcements state announcements and alerts, for the operators of this node
	 */
	public ClusterProtection(ClusterNode node, ProtectionCore core, FencedDiversion router,
			Supplier<List<HostConfig>> hostsFile, Function<InetAddress, @Nullable Instant> secretsAt,
			Duration stepTimeout, Duration quietPeriod, Clock clock, Consumer<ProtectionCommand> announcements) {
		this.node = node;
		this.core = core;
		this.hostsFile = hostsFile;
		this.secretsAt = secretsAt;
		this.stepTimeout = stepTimeout;
		this.clock = clock;
		this.announcements = announcements;
		this.held = new HeldHosts(node);
		this.steps = new LeaderSteps(node, router, this.held);
		this.records = node.mirror(node.keys().hosts(), ProtectionRecord::decode);
		this.verdicts = node.mirror(node.keys().verdicts(), Verdict::decode);
		this.evidence = new VerdictEvidence(this.steps, this.held, quietPeriod);
		this.records.listen((key, before, after, revision) -> this.snapshot = Map.copyOf(this.records.values()));
		this.verdicts.listen((key, before, after, revision) -> {
			this.evidence.stored(key, (after != null) ? revision : null);
			if (after != null && this.state != null) {
				apply(after, revision);
			}
		});
		node.membership().listen((key, before, after, revision) -> workersChanged());
		node.election().listen(new LeaderElection.Listener() {
			@Override
			public void elected(long term) {
				load(term);
			}

			@Override
			public void deposed(long term, String why) {
				unload("leadership of term " + term + " ended: " + why);
			}
		});
	}

	public void start() {
		this.held.start();
		this.steps.start();
		this.records.start();
		this.verdicts.start();
	}

	/** Which node's worker holds which IP: the one watch of {@code held/} on this node, which failover shares. */
	HeldHosts held() {
		return this.held;
	}

	/** Where the leader's steps stand: assignments and router changes, as this node sees them (cluster executor). */
	LeaderSteps steps() {
		return this.steps;
	}

	/** The hosts of the state this leader decides on (cluster executor); empty while it does not lead. */
	List<HostConfig> managed() {
		MemoryState current = this.state;
		return (current == null) ? List.of() : current.hosts().stream().map(HostState::host).toList();
	}

	/** True while this node leads and has the cluster's state loaded (cluster executor). */
	public boolean ready() {
		return this.state != null;
	}

	/** The protection records as this node last saw them in etcd, by key: what every node answers reads from. */
	public Map<String, ProtectionRecord> records() {
		return this.snapshot;
	}

	/** Applies one event (the leader only); completes once its transition is committed in etcd. Any thread. */
	public CompletableFuture<Transition> submit(ProtectionEvent event) {
		CompletableFuture<Transition> result = new CompletableFuture<>();
		this.node.executor().execute(() -> {
			this.queue.add(new Queued(event, result, System.nanoTime()));
			pump();
		});
		return result;
	}

	/**
	 * A detection verdict of this node: applied here when this node leads, otherwise written for the leader under
	 * {@code verdicts/<node>/<ip>} with this node's session lease. Any thread.
	 */
	public CompletableFuture<Void> verdict(InetAddress ip, boolean attack, String reason) {
		Verdict verdict = new Verdict(ip, this.node.id(), attack, reason, this.clock.instant());
		return CompletableFuture.supplyAsync(() -> {
			if (this.state != null) {
				return apply(verdict, VerdictEvidence.MADE_HERE_NOW);
			}
			long lease = this.node.session().leaseId();
			if (lease == 0) {
				return CompletableFuture.<Void>failedFuture(
						new IllegalStateException("this node is not in the cluster: verdict on " + IpKeys.text(ip)
								+ " not forwarded"));
			}
			return this.node.client().getKVClient()
				.put(ClusterKeys.bytes(this.node.keys().verdict(this.node.id(), ip)), ByteSequence.from(verdict.encode()),
						PutOption.builder().withLeaseId(lease).build())
				.applyToEither(Deadlines.after(this.node.executor(), this.node.requestTimeout()), Function.identity())
				.<Void>thenApply((response) -> null);
		}, this.node.executor()).thenCompose((f) -> f);
	}

	/**
	 * A verdict becomes the core's event, unless it is no evidence ({@link VerdictEvidence}).
	 *
	 * @param revision the etcd revision the verdict was written at; {@link VerdictEvidence#MADE_HERE_NOW} for this
	 * leader's own
	 */
	private CompletableFuture<Void> apply(Verdict v, long revision) {
		String ignored = this.evidence.whyIgnored(v, revision);
		if (ignored != null) {
			log.debug("cluster: {}'s attack-over verdict on {} ignored: {}", v.node(), IpKeys.text(v.ip()), ignored);
			return CompletableFuture.completedFuture(null);
		}
		Instant at = this.clock.instant();
		ProtectionEvent event = v.attack() ? new ProtectionEvent.AttackStarted(v.ip(), v.reason(), at)
				: new ProtectionEvent.AttackEnded(v.ip(), v.reason(), at);
		return submit(event).thenApply((t) -> null);
	}

	// ---------------------------------------------------------------- leadership

	private void load(long newTerm) {
		if (this.node.election().term() != newTerm) {
			return;
		}
		if (!this.records.synced() || !this.steps.synced() || !this.held.synced() || !this.verdicts.synced()
				|| !this.node.membership().synced()) {
			this.node.executor().schedule(() -> load(newTerm), 50, TimeUnit.MILLISECONDS);
			return;
		}
		Instant now = this.clock.instant();
		Map<InetAddress, ProtectionRecord> stored = new LinkedHashMap<>();
		this.records.values().values().forEach((r) -> stored.put(r.ip(), r));
		List<HostState> states = new ArrayList<>();
		for (HostConfig config : this.hostsFile.get()) {
			ProtectionRecord r = stored.remove(config.ip());
			states.add((r != null) ? stateOf(r, config, true) : HostState.configured(config, now)
				.withSecretsAt(this.secretsAt.apply(config.ip())));
		}
		for (ProtectionRecord r : stored.values()) {
			if (r.state().mayBeDiverted()) { // left the hosts file while diverted: kept until restored
				states.add(stateOf(r, HostConfig.unconfigured(r.ip(), null), false));
			}
		}
		// the cluster's workers are level with etcd (each node's HostHolder): the core may divert at once
		MemoryState loaded = new MemoryState(new WorkerState(WorkerState.Health.RESYNCING, "leader elected", now));
		loaded.reset(states);
		this.committed.clear();
		this.records.values().values().forEach((r) -> this.committed.put(r.ip(), r));
		this.term = newTerm;
		this.state = loaded;
		log.info("cluster: node {} leads protection (term {}): {} host(s) loaded from etcd, {} possibly diverted",
				this.node.id(), newTerm, states.size(), states.stream().filter((s) -> s.state().mayBeDiverted()).count());
		this.ticks = this.node.executor().scheduleWithFixedDelay(() -> {
			if (this.queue.isEmpty()) { // never let ticks pile up behind a slow commit
				submit(new ProtectionEvent.Tick(this.clock.instant()));
			}
		}, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
		// drives every host as after a restart: interrupted diverts and restores are finished in their intent's direction
		submit(new ProtectionEvent.WorkerSynced(null, now));
		this.workersUp = true;
		workersChanged();
		this.verdicts.values().forEach((key, v) -> apply(v, this.evidence.revision(key)));
	}

	/**
	 * The cluster's dataplane is up while some live node's worker runs. When every live node, this leader included,
	 * says its worker is lost, the core fails open as a single node does when its worker dies (every diverted host
	 * gets its direct path back); when a worker is back, the core re-diverts what is still wanted. A node whose lease
	 * just expired is no evidence either way: failover's grace covers it.
	 */
	private void workersChanged() {
		if (this.state == null) {
			return;
		}
		Map<NodeId, NodeRecord> live = this.node.membership().live();
		boolean up = !live.containsKey(this.node.id()) || !this.node.membership().owners().isEmpty();
		if (up == this.workersUp) {
			return;
		}
		this.workersUp = up;
		Instant at = this.clock.instant();
		if (up) {
			log.info("cluster: a node's dataplane worker runs again: protection re-diverts what is wanted");
			submit(new ProtectionEvent.WorkerBack(false, at));
		}
		else {
			log.error("cluster: no live node's dataplane worker runs: failing open");
			submit(new ProtectionEvent.WorkerLost("no live node's dataplane worker runs", at));
		}
	}

	private HostState stateOf(ProtectionRecord r, HostConfig config, boolean configured) {
		Instant local = this.secretsAt.apply(r.ip());
		Instant secrets = (local != null && (r.secretsAt() == null || local.isAfter(r.secretsAt()))) ? local
				: r.secretsAt();
		return new HostState(config, configured, r.state(), r.intent(), null, r.pickupUntil(), secrets,
				r.lastStaleAlert());
	}

	private void unload(String why) {
		if (this.state == null && this.term == 0) {
			return;
		}
		this.state = null;
		this.term = 0;
		this.committed.clear();
		ScheduledFuture<?> t = this.ticks;
		if (t != null) {
			t.cancel(false);
		}
		this.steps.abandon(why);
		Queued q;
		while ((q = this.queue.poll()) != null) {
			q.result().completeExceptionally(notLeader(why));
		}
	}

	// ---------------------------------------------------------------- the loop (cluster executor)

	private void pump() {
		while (!this.committing && !this.queue.isEmpty()) {
			MemoryState current = this.state;
			if (current != null && this.node.election().term() == this.term && !this.node.election().leading()) {
				Queued head = this.queue.peek();
				if (!operatorGaveUp(head)) {
					awaitLease();
					return;
				}
				this.queue.poll();
				head.result().completeExceptionally(notLeader("node " + this.node.id()
						+ " cannot confirm with etcd that it still leads (for " + this.node.session().ttl() + ")"));
				continue;
			}
			Queued q = this.queue.poll();
			if (current == null || !this.node.election().leading()) {
				q.result().completeExceptionally(notLeader("node " + this.node.id() + " does not lead the cluster"));
				continue;
			}
			Transition t;
			try {
				t = this.core.apply(current, q.event());
			}
			catch (RuntimeException ex) {
				q.result().completeExceptionally(ex);
				continue;
			}
			Map<InetAddress, ProtectionRecord> puts = puts(t);
			List<Op> ops = writes(puts, t);
			if (ops.isEmpty()) {
				done(current, t, q);
				continue;
			}
			this.committing = true;
			long fencedTerm = this.term;
			this.node.election().fenced(fencedTerm, ops.toArray(Op[]::new)).whenCompleteAsync((response, error) -> {
				this.committing = false;
				if (error == null && this.state == current && this.term == fencedTerm) {
					this.committed.putAll(puts);
					t.forgotten().forEach(this.committed::remove);
					done(current, t, q);
				}
				else {
					Throwable cause = (error != null) ? EtcdSession.unwrap(error)
							: notLeader("leadership changed while the transition was committed");
					q.result().completeExceptionally(cause);
					if (this.state == current) {
						// the outcome in etcd is unknown: start again from what etcd holds
						log.warn("cluster: transition for {} not committed ({}); reloading the state from etcd",
								q.event(), EtcdSession.describe(cause));
						long again = this.term;
						unload("commit failed");
						if (this.node.election().term() == again) {
							load(again); // the reload's own events wait while the lease is uncertain (awaitLease)
						}
					}
				}
				pump();
			}, this.node.executor());
		}
	}

	/**
	 * This leader's term goes on but its lease is uncertain for a moment (etcd slow to answer a renewal): the events
	 * wait for etcd's answer rather than being refused, for an event lost here (a step's outcome, the re-sync after an
	 * election) would leave a host stuck until the next leader. If the term ends, {@link #unload} refuses them.
	 */
	private void awaitLease() {
		if (!this.awaitingLease) {
			this.awaitingLease = true;
			this.node.executor().schedule(() -> {
				this.awaitingLease = false;
				pump();
			}, LEASE_POLL.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * An operator's request that has waited a whole session TTL for the lease: etcd is out of reach, not slow, and the
	 * request is refused as before rather than applied whenever etcd returns. The cluster's own events (step outcomes,
	 * re-syncs, verdicts, ticks) wait on: the term ends or the lease is confirmed.
	 */
	private boolean operatorGaveUp(Queued q) {
		boolean request = q.event() instanceof ProtectionEvent.ProtectRequested
				|| q.event() instanceof ProtectionEvent.UnprotectRequested;
		return request && System.nanoTime() - q.queuedNanos() > this.node.session().ttl().toNanos();
	}

	/** Refuses an event here, naming the leader and where its API answers when one is known. */
	private NotLeaderException notLeader(String why) {
		NodeId leader = this.node.election().leader();
		NodeRecord record = (leader != null && !leader.equals(this.node.id()))
				? this.node.membership().live().get(leader) : null;
		return new NotLeaderException(why + ((leader != null) ? " (the leader is " + leader + ")" : " (no leader yet)"),
				(record != null) ? record.api() : null);
	}

	/**
	 * The records a transition changes in etcd: every host whose record differs from the committed one, except when
	 * only its secrets' age moved by less than {@link #SECRETS_AT_STEP}. Agents report every second, so writing each
	 * report would rewrite every protected IP's record once a second; a new leader reading a secrets age up to that
	 * step older only judges the secrets stale that much sooner (its own copy, when it has one, is newer anyway).
	 */
	private Map<InetAddress, ProtectionRecord> puts(Transition t) {
		Map<InetAddress, ProtectionRecord> puts = new LinkedHashMap<>();
		for (HostState s : t.updated()) {
			ProtectionRecord next = ProtectionRecord.of(s);
			ProtectionRecord stored = this.committed.get(s.ip());
			if (!next.equals(stored) && !onlySecretsAged(stored, next)) {
				puts.put(s.ip(), next);
			}
		}
		return puts;
	}

	private static boolean onlySecretsAged(@Nullable ProtectionRecord stored, ProtectionRecord next) {
		if (stored == null || stored.secretsAt() == null || next.secretsAt() == null
				|| !next.withSecretsAt(stored.secretsAt()).equals(stored)) {
			return false;
		}
		return Duration.between(stored.secretsAt(), next.secretsAt()).compareTo(SECRETS_AT_STEP) < 0;
	}

	/** The transaction of a transition: its puts, and one delete per forgotten host. */
	private List<Op> writes(Map<InetAddress, ProtectionRecord> puts, Transition t) {
		List<Op> ops = new ArrayList<>();
		puts.forEach((ip, next) -> ops.add(Op.put(ClusterKeys.bytes(this.node.keys().host(ip)),
				ByteSequence.from(next.encode()), PutOption.DEFAULT)));
		for (InetAddress ip : t.forgotten()) {
			ops.add(Op.delete(ClusterKeys.bytes(this.node.keys().host(ip)), DeleteOption.DEFAULT));
		}
		return ops;
	}

	private void done(MemoryState current, Transition t, Queued q) {
		current.commit(t);
		q.result().complete(t);
		for (ProtectionCommand c : t.commands()) {
			try {
				execute(c);
			}
			catch (RuntimeException ex) { // one broken command must not keep the others from running
				log.error("cluster: cannot carry out {}", c, ex);
			}
		}
	}

	private void execute(ProtectionCommand c) {
		if (c instanceof ProtectionCommand.Journal) {
			return; // etcd's history of hosts/<ip> is the journal
		}
		if (c instanceof ProtectionCommand.AnnounceState || c instanceof ProtectionCommand.Alert) {
			this.announcements.accept(c);
		}
		else if (c instanceof ProtectionCommand.Resync) {
			submit(new ProtectionEvent.WorkerSynced(null, this.clock.instant()));
		}
		else if (c instanceof ProtectionCommand.PushHost p) {
			step(p.ip(), p.step(), this.steps.hold(p.ip()));
		}
		else if (c instanceof ProtectionCommand.RemoveHost r) {
			step(r.ip(), r.step(), this.steps.release(r.ip()));
		}
		else if (c instanceof ProtectionCommand.Divert d) {
			step(d.ip(), d.step(), this.steps.route(d.ip(), RouterChange.Action.DIVERT, d.mitigationId()));
		}
		else if (c instanceof ProtectionCommand.Restore r) {
			step(r.ip(), r.step(), this.steps.route(r.ip(), RouterChange.Action.RESTORE, r.mitigationId()));
		}
		else if (c instanceof ProtectionCommand.PushSecrets p) {
			// each node pushes fresh secrets to its own worker as they arrive
			step(p.ip(), p.step(), CompletableFuture.completedFuture(null));
		}
	}

	/** The step's outcome goes back into the loop, unless leadership ended meanwhile (the next leader drives it). */
	private void step(InetAddress ip, Step step, CompletableFuture<Void> work) {
		MemoryState stepState = this.state;
		this.node.within(this.stepTimeout, work).whenCompleteAsync((ignored, error) -> {
			if (this.state != stepState) {
				return; // leadership ended, or the state was reloaded and drives its hosts afresh
			}
			Instant at = this.clock.instant();
			if (error == null) {
				submit(new ProtectionEvent.StepDone(ip, step, at));
			}
			else {
				Throwable cause = EtcdSession.unwrap(error);
				String why = (cause instanceof java.util.concurrent.TimeoutException)
						? "no answer within " + this.stepTimeout : EtcdSession.describe(cause);
				submit(new ProtectionEvent.StepFailed(ip, step, why, at));
			}
		}, this.node.executor());
	}

	@Override
	public void close() {
		this.node.executor().execute(() -> unload("closed"));
		this.steps.close();
		this.held.close();
		this.records.close();
		this.verdicts.close();
	}

}
