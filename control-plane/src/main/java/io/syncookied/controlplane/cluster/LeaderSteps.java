package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;

/**
 * How the leader carries out the protection core's dataplane and router steps for the whole cluster:
 * <ul>
 * <li>a dataplane push is done by the IP's owner: the leader makes sure the IP is assigned to a live node
 * ({@code assign/<ip>}, rendezvous hash, fenced) and the step is done once that node's worker says it holds the IP
 * ({@code held/<node>/<ip>}, written by its {@link HostHolder});</li>
 * <li>a dataplane removal is done once no node says it holds the IP any more;</li>
 * <li>a divert points the router at the owner's MAC and a restore withdraws it, both through {@link FencedDiversion},
 * so a deposed leader's change fails in etcd.</li>
 * </ul>
 * Runs on the cluster executor.
 */
final class LeaderSteps implements AutoCloseable {

	private final ClusterNode node;

	private final FencedDiversion router;

	private final PrefixMirror<Assignment> assignments;

	private final PrefixMirror<HeldHost> held;

	private final PrefixMirror<RouterChange> changes;

	/** Steps waiting for a held key to appear (true) or for every held key of the IP to go (false). */
	private final Map<InetAddress, List<Waiter>> waiters = new HashMap<>();

	private record Waiter(@Nullable NodeId node, CompletableFuture<Void> done) {
	}

	LeaderSteps(ClusterNode node, FencedDiversion router) {
		this.node = node;
		this.router = router;
		this.assignments = node.mirror(node.keys().assignments(), Assignment::decode);
		this.held = node.mirror(node.keys().held(), HeldHost::decode);
		this.changes = node.mirror(node.keys().routerChanges(), RouterChange::decode);
		this.held.listen((key, before, after, revision) -> {
			HeldHost any = (after != null) ? after : before;
			if (any != null) {
				check(any.ip());
			}
		});
	}

	void start() {
		this.assignments.start();
		this.held.start();
		this.changes.start();
	}

	boolean synced() {
		return this.assignments.synced() && this.held.synced() && this.changes.synced();
	}

	/** The IP's owner holds it in its worker: assigned first when no live node serves it. */
	CompletableFuture<Void> hold(InetAddress ip) {
		return assigned(ip).thenCompose((owner) -> {
			CompletableFuture<Void> done = new CompletableFuture<>();
			this.waiters.computeIfAbsent(ip, (k) -> new ArrayList<>()).add(new Waiter(owner, done));
			check(ip);
			return done;
		});
	}

	/** No node's worker holds the IP any more (each owner lets go once the IP may no longer be diverted). */
	CompletableFuture<Void> release(InetAddress ip) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.waiters.computeIfAbsent(ip, (k) -> new ArrayList<>()).add(new Waiter(null, done));
		check(ip);
		return done;
	}

	/** Points the router at the IP's owner (divert) or withdraws the diversion (restore), fenced. */
	CompletableFuture<Void> route(InetAddress ip, RouterChange.Action action, String mitigationId) {
		NodeRecord to = routedNode(ip, action);
		if (to == null) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"no live node is assigned " + IpKeys.text(ip) + ": nothing to divert it to"));
		}
		return this.router.change(ip, action, to, mitigationId).thenApply((change) -> null);
	}

	/** The node a change names: the live owner; for a restore, the node the last change pointed at will do. */
	private @Nullable NodeRecord routedNode(InetAddress ip, RouterChange.Action action) {
		Assignment assignment = this.assignments.values().get(this.node.keys().assignment(ip));
		NodeRecord owner = (assignment != null) ? this.node.membership().live().get(assignment.node()) : null;
		if (owner != null || action == RouterChange.Action.DIVERT) {
			return owner;
		}
		RouterChange last = this.changes.values().get(this.node.keys().routerChange(ip));
		NodeRecord self = this.node.membership().self();
		return (last != null) ? new NodeRecord(last.node(), self.api(), last.mac()) : self;
	}

	private CompletableFuture<NodeId> assigned(InetAddress ip) {
		Map<NodeId, NodeRecord> live = this.node.membership().live();
		Assignment current = this.assignments.values().get(this.node.keys().assignment(ip));
		if (current != null && live.containsKey(current.node())) {
			return CompletableFuture.completedFuture(current.node());
		}
		Optional<NodeId> owner = Rendezvous.owner(ip, live.keySet());
		if (owner.isEmpty()) {
			return CompletableFuture.failedFuture(new IllegalStateException("no live node to hold " + IpKeys.text(ip)));
		}
		long term = this.node.election().term();
		Assignment next = new Assignment(ip, owner.get(), term);
		return this.node.election()
			.fenced(term, Op.put(ClusterKeys.bytes(this.node.keys().assignment(ip)), ByteSequence.from(next.encode()),
					PutOption.DEFAULT))
			.thenApply((response) -> owner.get());
	}

	/** Completes the waiters of an IP whose condition holds in the held copy. */
	private void check(InetAddress ip) {
		List<Waiter> list = this.waiters.get(ip);
		if (list == null) {
			return;
		}
		list.removeIf((w) -> w.done().isDone());
		for (Waiter w : List.copyOf(list)) {
			boolean met = (w.node() != null) ? heldBy(w.node(), ip) : heldByNone(ip);
			if (met) {
				list.remove(w);
				w.done().complete(null);
			}
		}
		if (list.isEmpty()) {
			this.waiters.remove(ip);
		}
	}

	private boolean heldBy(NodeId owner, InetAddress ip) {
		return this.held.values().containsKey(this.node.keys().held(owner, ip));
	}

	private boolean heldByNone(InetAddress ip) {
		for (HeldHost h : this.held.values().values()) {
			if (h.ip().equals(ip)) {
				return false;
			}
		}
		return true;
	}

	/** Steps in flight end (the next leader drives the hosts again). */
	void abandon(String why) {
		for (List<Waiter> list : this.waiters.values()) {
			list.forEach((w) -> w.done().completeExceptionally(new LeadershipLostException(why)));
		}
		this.waiters.clear();
	}

	@Override
	public void close() {
		this.assignments.close();
		this.held.close();
		this.changes.close();
	}

}
