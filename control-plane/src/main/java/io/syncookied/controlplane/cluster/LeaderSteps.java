package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;

/**
 * How the leader carries out the protection core's dataplane and router steps for the whole cluster:
 * <ul>
 * <li>a dataplane push is done by the IP's owner: the leader makes sure the IP is assigned to a live node whose
 * worker runs ({@code assign/<ip>}, rendezvous hash, fenced) and the step is done once that node's worker says it
 * holds the IP ({@code held/<node>/<ip>}, written by its {@link HostHolder});</li>
 * <li>a dataplane removal unassigns the IP and is done once no node says it holds it any more;</li>
 * <li>a divert points the router at the owner's MAC and a restore withdraws it, both through {@link FencedDiversion},
 * so a deposed leader's change fails in etcd.</li>
 * </ul>
 * Runs on the cluster executor.
 */
final class LeaderSteps implements AutoCloseable {

	private final ClusterNode node;

	private final FencedDiversion router;

	private final PrefixMirror<Assignment> assignments;

	private final HeldHosts held;

	private final PrefixMirror<RouterChange> changes;

	LeaderSteps(ClusterNode node, FencedDiversion router, HeldHosts held) {
		this.node = node;
		this.router = router;
		this.assignments = node.mirror(node.keys().assignments(), Assignment::decode);
		this.held = held;
		this.changes = node.mirror(node.keys().routerChanges(), RouterChange::decode);
	}

	void start() {
		this.assignments.start();
		this.changes.start();
	}

	boolean synced() {
		return this.assignments.synced() && this.changes.synced();
	}

	/** The IP's owner holds it in its worker: assigned first when no live node serves it. */
	CompletableFuture<Void> hold(InetAddress ip) {
		return assigned(ip).thenCompose((owner) -> this.held.heldBy(owner, ip));
	}

	/**
	 * No node's worker holds the IP any more: the IP is unassigned (fenced), so its owner lets go although the record
	 * still says RESTORING (the router no longer diverts it; the record changes only once this step is done). A later
	 * protection assigns it again.
	 */
	CompletableFuture<Void> release(InetAddress ip) {
		long term = this.node.election().term();
		return this.node.election()
			.fenced(term, Op.delete(ClusterKeys.bytes(this.node.keys().assignment(ip)), DeleteOption.DEFAULT))
			.thenCompose((response) -> this.held.released(ip));
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
		NodeRecord owner = (assignment != null) ? this.node.membership().owners().get(assignment.node()) : null;
		if (owner != null || action == RouterChange.Action.DIVERT) {
			return owner;
		}
		RouterChange last = this.changes.values().get(this.node.keys().routerChange(ip));
		NodeRecord self = this.node.membership().self();
		return (last != null) ? new NodeRecord(last.node(), self.api(), last.mac()) : self;
	}

	private CompletableFuture<NodeId> assigned(InetAddress ip) {
		Map<NodeId, NodeRecord> live = this.node.membership().owners();
		Assignment current = this.assignments.values().get(this.node.keys().assignment(ip));
		if (current != null && live.containsKey(current.node())) {
			return CompletableFuture.completedFuture(current.node());
		}
		Optional<NodeId> owner = Rendezvous.owner(ip, live.keySet());
		if (owner.isEmpty()) {
			return CompletableFuture.failedFuture(
					new IllegalStateException("no live node with a running worker to hold " + IpKeys.text(ip)));
		}
		long term = this.node.election().term();
		Assignment next = new Assignment(ip, owner.get(), term);
		return this.node.election()
			.fenced(term, Op.put(ClusterKeys.bytes(this.node.keys().assignment(ip)), ByteSequence.from(next.encode()),
					PutOption.DEFAULT))
			.thenApply((response) -> owner.get());
	}

	/** The IP's assignment as this node last saw it, or null. */
	@Nullable Assignment assignment(InetAddress ip) {
		return this.assignments.values().get(this.node.keys().assignment(ip));
	}

	/** The IP's last router change as this node last saw it, or null. */
	@Nullable RouterChange lastChange(InetAddress ip) {
		return this.changes.values().get(this.node.keys().routerChange(ip));
	}

	/** Every IP's last router change, by key. */
	Map<String, RouterChange> changes() {
		return this.changes.values();
	}

	/** Steps in flight end (the next leader drives the hosts again). */
	void abandon(String why) {
		this.held.abandon(why);
	}

	@Override
	public void close() {
		this.assignments.close();
		this.changes.close();
	}

}
