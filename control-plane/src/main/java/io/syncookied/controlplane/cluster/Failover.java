package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's answer to a node that died or lost its dataplane worker: its IPs are assigned to live nodes whose
 * worker runs ({@link Membership#owners()}, {@link AssignmentPlan}) and every one
 * that is diverted is re-pointed at its new node's MAC through the router, fenced ({@link FencedDiversion}). The new
 * node validates the moved IP's cookies with the same server secrets (the agents report to every node) and adopts its
 * established connections within the pickup window, so they survive the move.
 * <p>
 * A node counts as dead once it has been out of the membership for one session TTL ({@link #grace}).
 * The router is re-pointed only once the heir's worker holds the IP ({@code held/<heir>/<ip>}, written by its
 * {@link HostHolder} when it sees the new assignment), so traffic never reaches a worker without the host. An heir
 * that does not hold it within {@link #HOLD_WAIT} is passed over for the next owner in the IP's rendezvous order;
 * when no owner holds it, the diversion is withdrawn (fail open: the server takes the flood directly rather than
 * nobody answering for it) and {@link Moved#to()} says so. A re-point that failed is tried again every second, and a
 * router change an earlier leader left unconfirmed is carried out again ({@link #needsRedrive}). A move is measured
 * from the moment this leader saw the node's membership key go (its lease expired) to the device's confirmation.
 * Runs on the cluster executor and never blocks it (the waits are futures); acts only while this node leads.
 */
public final class Failover implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Failover.class);

	private static final Duration RETRY = Duration.ofSeconds(1);

	/**
	 * How long a move waits for the heir's worker to hold the IP before it tries the next node. A healthy worker
	 * takes a host in milliseconds; one that has not after this long (no fresh secrets of the server, a worker that
	 * refuses) would leave the IP's traffic unanswered.
	 */
	static final Duration HOLD_WAIT = Duration.ofSeconds(2);

	/**
	 * One finished move of a diverted IP: who lost it, who has it now ({@code to} null: no live node held it, so its
	 * diversion was withdrawn), and how long it took.
	 */
	public record Moved(InetAddress ip, @Nullable NodeId from, @Nullable NodeId to, Duration took) {
	}

	private final ClusterNode node;

	private final FencedDiversion router;

	private final PrefixMirror<Assignment> assignments;

	private final PrefixMirror<RouterChange> changes;

	private final HeldHosts held;

	private final Consumer<Moved> onMoved;

	private final Set<InetAddress> moving = new HashSet<>();

	private final Map<NodeId, Long> goneAt = new HashMap<>();

	/**
	 * When this node last became leader (System.nanoTime). The grace of a node counts from no earlier than this: what
	 * a follower saw leave may have gone in the same etcd outage that made this node leader (etcd drops every lease it
	 * could not renew on its return, and the nodes re-register at different moments), so a new leader gives every
	 * absent node one full grace of its own.
	 */
	private long electedAt = Long.MIN_VALUE;

	/** Moved IPs whose router re-point has not held yet: where from, and since when (System.nanoTime). */
	private final Map<InetAddress, Pending> pending = new HashMap<>();

	private record Pending(@Nullable NodeId from, long since) {
	}

	/** @param held the leader's view of which worker holds which IP, shared with {@link ClusterProtection} */
	Failover(ClusterNode node, FencedDiversion router, HeldHosts held, Consumer<Moved> onMoved) {
		this.node = node;
		this.router = router;
		this.held = held;
		this.onMoved = onMoved;
		this.assignments = node.mirror(node.keys().assignments(), Assignment::decode);
		this.changes = node.mirror(node.keys().routerChanges(), RouterChange::decode);
		node.membership().listen((key, before, after, revision) -> {
			if (after == null && before != null) {
				this.goneAt.put(before.node(), System.nanoTime());
				node.executor().schedule(this::reconcile, grace().toMillis() + 10, TimeUnit.MILLISECONDS);
			}
			else if (after != null) {
				this.goneAt.remove(after.node());
			}
			reconcile();
		});
		this.assignments.listen((key, before, after, revision) -> reconcile());
		this.changes.listen((key, before, after, revision) -> reconcile());
		node.election().listen(new LeaderElection.Listener() {
			@Override
			public void elected(long term) {
				Failover.this.electedAt = System.nanoTime();
				node.executor().schedule(Failover.this::reconcile, grace().toMillis() + 10, TimeUnit.MILLISECONDS);
				reconcile();
			}

			@Override
			public void deposed(long term, String why) {
				// moves in flight fail on their own (fenced); the next leader plans again from etcd
				Failover.this.pending.clear();
			}
		});
	}

	public void start() {
		this.assignments.start();
		this.changes.start();
	}

	/** Plans and starts the moves this leader owes; a no-op on followers or before the copies are read. */
	private void reconcile() {
		if (!this.node.election().leading() || !this.node.membership().synced() || !this.assignments.synced()
				|| !this.changes.synced() || !this.held.synced()) {
			return;
		}
		Map<InetAddress, NodeId> assigned = new HashMap<>();
		for (Assignment a : this.assignments.values().values()) {
			assigned.put(a.ip(), a.node());
		}
		Set<InetAddress> ips = new LinkedHashSet<>(assigned.keySet());
		Map<NodeId, NodeRecord> live = this.node.membership().live();
		Set<NodeId> stillCounted = new HashSet<>(live.keySet());
		long now = System.nanoTime();
		for (NodeId owner : new HashSet<>(assigned.values())) {
			if (live.containsKey(owner)) {
				continue;
			}
			Long gone = this.goneAt.get(owner);
			if (gone == null) {
				// never seen leave (this leader started after): the grace counts from now
				this.goneAt.put(owner, now);
				this.node.executor().schedule(this::reconcile, grace().toMillis() + 10, TimeUnit.MILLISECONDS);
				stillCounted.add(owner);
			}
			else if (now - Math.max(gone, this.electedAt) < grace().toNanos()) {
				stillCounted.add(owner); // maybe a live node re-opening an expired session
			}
		}
		ips.removeIf((ip) -> !live.containsKey(assigned.get(ip)) && stillCounted.contains(assigned.get(ip)));
		// a live node whose worker is lost gets no grace: it said so itself, and its IPs go at once
		Map<NodeId, NodeRecord> owners = this.node.membership().owners();
		for (AssignmentPlan.Move move : AssignmentPlan.moves(ips, assigned, owners.keySet())) {
			if (this.moving.add(move.ip())) {
				move(move, owners.get(move.to()));
			}
		}
		long term = this.node.election().term();
		for (Map.Entry<InetAddress, NodeId> entry : assigned.entrySet()) {
			InetAddress ip = entry.getKey();
			RouterChange last = this.changes.values().get(this.node.keys().routerChange(ip));
			NodeRecord to = owners.get(entry.getValue());
			if (last != null && to != null && needsRedrive(last, entry.getValue(), term) && this.moving.add(ip)) {
				redrive(last, to);
			}
		}
	}

	/**
	 * A router change to carry out again on the device: one an earlier leader started and never confirmed (it may or
	 * may not have reached the device; adapters make a repeated divert or restore a no-op), and a divert that does not
	 * point at the IP's assigned node yet or failed there (a diverted IP must never stay on a dead node's MAC).
	 */
	static boolean needsRedrive(RouterChange last, NodeId assigned, long term) {
		if (FencedDiversion.unconfirmed(last, term)) {
			return true;
		}
		return last.action() == RouterChange.Action.DIVERT
				&& (!last.node().equals(assigned) || last.phase() == RouterChange.Phase.FAILED);
	}

	private void redrive(RouterChange last, NodeRecord to) {
		log.info("failover: {} of {} by term {} is {}; carrying it out again for {}", last.action(),
				IpKeys.text(last.ip()), last.term(), last.phase(), to.node());
		CompletableFuture<@Nullable NodeId> done = (last.action() == RouterChange.Action.DIVERT)
				? handOver(last.ip(), to, last, this.node.election().term(), new HashSet<>())
				: this.router.change(last.ip(), last.action(), to, last.mitigationId()).thenApply((c) -> to.node());
		done.whenCompleteAsync((heir, error) -> {
			settled(last.ip(), error);
			Pending moved = (error == null && last.action() == RouterChange.Action.DIVERT)
					? this.pending.remove(last.ip()) : null;
			if (moved != null) {
				finished(last.ip(), moved, heir);
			}
		}, this.node.executor());
	}

	private void finished(InetAddress ip, Pending move, @Nullable NodeId to) {
		Duration took = Duration.ofNanos(System.nanoTime() - move.since());
		if (to != null) {
			log.info("failover: {} moved from {} to {} (router re-pointed) in {} ms", IpKeys.text(ip), move.from(), to,
					took.toMillis());
		}
		else {
			log.error("failover: no live node took {} (was on {}): its diversion is withdrawn (fail open) after {} ms",
					IpKeys.text(ip), move.from(), took.toMillis());
		}
		this.onMoved.accept(new Moved(ip, move.from(), to, took));
	}

	private void settled(InetAddress ip, @Nullable Throwable error) {
		this.moving.remove(ip);
		if (error != null) {
			log.warn("failover: router change of {} failed: {}; planning again in {} ms", IpKeys.text(ip),
					EtcdSession.describe(error), RETRY.toMillis());
			this.node.executor().schedule(this::reconcile, RETRY.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void move(AssignmentPlan.Move move, NodeRecord to) {
		long term = this.node.election().term();
		long started = (move.from() != null) ? this.goneAt.getOrDefault(move.from(), System.nanoTime())
				: System.nanoTime();
		RouterChange last = this.changes.values().get(this.node.keys().routerChange(move.ip()));
		boolean diverted = last != null && last.action() == RouterChange.Action.DIVERT;
		CompletableFuture<@Nullable NodeId> done = diverted ? handOver(move.ip(), to, last, term, new HashSet<>())
				: assign(move.ip(), move.to(), term).thenApply((ignored) -> move.to());
		if (diverted) {
			this.pending.put(move.ip(), new Pending(move.from(), started));
		}
		done.whenCompleteAsync((heir, error) -> {
			settled(move.ip(), error);
			if (error == null && diverted && this.pending.remove(move.ip()) != null) {
				finished(move.ip(), new Pending(move.from(), started), heir);
			}
			else if (error == null) {
				log.info("failover: {} assigned to {} (was {})", IpKeys.text(move.ip()), move.to(), move.from());
			}
		}, this.node.executor());
	}

	/**
	 * Hands a diverted IP to {@code to}: assigns it there (fenced), waits until that node's worker holds it, then
	 * points the router at it. An heir that does not hold it within {@link #HOLD_WAIT} is passed over for the next
	 * owner in rendezvous order ({@code tried} are the ones passed over); when none is left the diversion is
	 * withdrawn. Completes with the node the router points at, or null when it was withdrawn.
	 */
	private CompletableFuture<@Nullable NodeId> handOver(InetAddress ip, NodeRecord to, RouterChange last, long term,
			Set<NodeId> tried) {
		tried.add(to.node());
		Assignment current = this.assignments.values().get(this.node.keys().assignment(ip));
		CompletableFuture<?> assigned = (current != null && current.node().equals(to.node()))
				? CompletableFuture.completedFuture(null) : assign(ip, to.node(), term);
		return assigned
			.thenComposeAsync((ignored) -> this.node.within(HOLD_WAIT, this.held.heldBy(to.node(), ip)),
					this.node.executor())
			.handleAsync((ignored, error) -> {
				if (error == null) {
					return this.router.change(ip, RouterChange.Action.DIVERT, to, last.mitigationId())
						.<@Nullable NodeId>thenApply((change) -> to.node());
				}
				if (!(EtcdSession.unwrap(error) instanceof TimeoutException)) {
					return CompletableFuture.<@Nullable NodeId>failedFuture(EtcdSession.unwrap(error));
				}
				Map<NodeId, NodeRecord> owners = this.node.membership().owners();
				Set<NodeId> others = new HashSet<>(owners.keySet());
				others.removeAll(tried);
				NodeRecord next = Rendezvous.owner(ip, others).map(owners::get).orElse(null);
				if (next != null) {
					log.warn("failover: {} did not hold {} within {} ms; trying {}", to.node(), IpKeys.text(ip),
							HOLD_WAIT.toMillis(), next.node());
					return handOver(ip, next, last, term, tried);
				}
				log.error("failover: no live node holds {} within {} ms (tried {}); withdrawing its diversion",
						IpKeys.text(ip), HOLD_WAIT.toMillis(), tried);
				return this.router.change(ip, RouterChange.Action.RESTORE, to, last.mitigationId())
					.<@Nullable NodeId>thenApply((change) -> null);
			}, this.node.executor())
			.thenCompose((next) -> next);
	}

	private CompletableFuture<?> assign(InetAddress ip, NodeId to, long term) {
		ByteSequence key = ClusterKeys.bytes(this.node.keys().assignment(ip));
		Assignment next = new Assignment(ip, to, term);
		return this.node.election().fenced(term, Op.put(key, ByteSequence.from(next.encode()), PutOption.DEFAULT));
	}

	/**
	 * How long a node must stay out of the membership before its IPs move: one session TTL, the time a live node takes
	 * to notice its lease ran out (an etcd outage, a pause) and register again. Without it, every etcd outage that
	 * outlasts a lease would move diverted IPs between live nodes.
	 */
	private Duration grace() {
		return this.node.session().ttl();
	}

	/** The assignments as this node last saw them (for reads and tests). */
	public Map<String, Assignment> assignments() {
		return this.assignments.values();
	}

	List<InetAddress> moving() {
		return new ArrayList<>(this.moving);
	}

	@Override
	public void close() {
		this.assignments.close();
		this.changes.close();
	}

}
