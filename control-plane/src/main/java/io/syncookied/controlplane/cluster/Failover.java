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
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's answer to a node that died: its IPs are assigned to live nodes ({@link AssignmentPlan}) and every one
 * that is diverted is re-pointed at its new node's MAC through the router, fenced ({@link FencedDiversion}). The new
 * node validates the moved IP's cookies with the same server secrets (the agents report to every node) and adopts its
 * established connections within the pickup window, so they survive the move.
 * <p>
 * A node counts as dead once it has been out of the membership for one session TTL ({@link #grace}).
 * The assignment is written before the router is re-pointed, so the new node's worker takes the host before traffic
 * arrives. A re-point that failed is tried again every second, and a router change an earlier leader left
 * unconfirmed is carried out again ({@link #needsRedrive}). A move is measured from the moment this leader saw the node's membership key go (its lease expired) to
 * the device's confirmation. Runs on the cluster executor; acts only while this node leads.
 */
public final class Failover implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Failover.class);

	private static final Duration RETRY = Duration.ofSeconds(1);

	/** One finished move of a diverted IP: who lost it, who has it, and how long it took. */
	public record Moved(InetAddress ip, @Nullable NodeId from, NodeId to, Duration took) {
	}

	private final ClusterNode node;

	private final FencedDiversion router;

	private final PrefixMirror<Assignment> assignments;

	private final PrefixMirror<RouterChange> changes;

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

	public Failover(ClusterNode node, FencedDiversion router, Consumer<Moved> onMoved) {
		this.node = node;
		this.router = router;
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
				|| !this.changes.synced()) {
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
		for (AssignmentPlan.Move move : AssignmentPlan.moves(ips, assigned, live.keySet())) {
			if (this.moving.add(move.ip())) {
				move(move, live.get(move.to()));
			}
		}
		long term = this.node.election().term();
		for (Map.Entry<InetAddress, NodeId> entry : assigned.entrySet()) {
			InetAddress ip = entry.getKey();
			RouterChange last = this.changes.values().get(this.node.keys().routerChange(ip));
			NodeRecord to = live.get(entry.getValue());
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
		this.router.change(last.ip(), last.action(), to, last.mitigationId())
			.whenCompleteAsync((ignored, error) -> {
				settled(last.ip(), error);
				Pending moved = (error == null && last.action() == RouterChange.Action.DIVERT)
						? this.pending.remove(last.ip()) : null;
				if (moved != null) {
					finished(last.ip(), moved, to.node());
				}
			}, this.node.executor());
	}

	private void finished(InetAddress ip, Pending move, NodeId to) {
		Duration took = Duration.ofNanos(System.nanoTime() - move.since());
		log.info("failover: {} moved from {} to {} (router re-pointed) in {} ms", IpKeys.text(ip), move.from(), to,
				took.toMillis());
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
		ByteSequence key = ClusterKeys.bytes(this.node.keys().assignment(move.ip()));
		Assignment next = new Assignment(move.ip(), move.to(), term);
		CompletableFuture<?> done = this.node.election()
			.fenced(term, Op.put(key, ByteSequence.from(next.encode()), PutOption.DEFAULT))
			.thenComposeAsync((ignored) -> diverted
					? this.router.change(move.ip(), RouterChange.Action.DIVERT, to, last.mitigationId())
					: CompletableFuture.completedFuture(null), this.node.executor());
		if (diverted) {
			this.pending.put(move.ip(), new Pending(move.from(), started));
		}
		done.whenCompleteAsync((ignored, error) -> {
			settled(move.ip(), error);
			if (error == null && diverted && this.pending.remove(move.ip()) != null) {
				finished(move.ip(), new Pending(move.from(), started), move.to());
			}
			else if (error == null) {
				log.info("failover: {} assigned to {} (was {})", IpKeys.text(move.ip()), move.to(), move.from());
			}
		}, this.node.executor());
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
