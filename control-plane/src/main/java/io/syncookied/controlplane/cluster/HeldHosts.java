package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The leader's view of which node's worker holds which IP ({@code held/<node>/<ip>}, written by each node's
 * {@link HostHolder}), since when, and the steps waiting for it: a push is done when the owner holds the IP, a removal
 * when no node does. Runs on the cluster executor.
 */
final class HeldHosts implements AutoCloseable {

	private final ClusterKeys keys;

	private final PrefixMirror<HeldHost> held;

	private final Map<InetAddress, List<Waiter>> waiters = new HashMap<>();

	/** Since when each {@code held/} key exists, by key. */
	private final Map<String, Holding> holdings = new HashMap<>();

	/**
	 * Since when a node's worker holds an IP: the etcd revision its {@code held/} key appeared at, and when this node
	 * saw it appear ({@link System#nanoTime}: nodes' clocks are never compared, and a wall-clock step changes nothing).
	 * For the keys present when this node started, their revision and time then: later than the truth, never earlier.
	 */
	record Holding(long revision, long seenNanos) {
	}

	/** {@code node} null: waits until no node holds the IP. */
	private record Waiter(@Nullable NodeId node, CompletableFuture<Void> done) {
	}

	HeldHosts(ClusterNode node) {
		this.keys = node.keys();
		this.held = node.mirror(node.keys().held(), HeldHost::decode);
		this.held.listen((key, before, after, revision) -> {
			if (after == null) {
				this.holdings.remove(key);
			}
			else { // a new mitigation for a held IP: still held since the first
				this.holdings.putIfAbsent(key, new Holding(revision, System.nanoTime()));
			}
			HeldHost any = (after != null) ? after : before;
			if (any != null) {
				check(any.ip());
			}
		});
	}

	void start() {
		this.held.start();
	}

	boolean synced() {
		return this.held.synced();
	}

	/** Since when {@code node}'s worker holds the IP, or null while it does not. */
	@Nullable Holding holding(NodeId node, InetAddress ip) {
		return this.holdings.get(this.keys.held(node, ip));
	}

	/** Completes once {@code owner}'s worker holds the IP. */
	CompletableFuture<Void> heldBy(NodeId owner, InetAddress ip) {
		return await(new Waiter(owner, new CompletableFuture<>()), ip);
	}

	/** Completes once no node's worker holds the IP. */
	CompletableFuture<Void> released(InetAddress ip) {
		return await(new Waiter(null, new CompletableFuture<>()), ip);
	}

	private CompletableFuture<Void> await(Waiter waiter, InetAddress ip) {
		this.waiters.computeIfAbsent(ip, (k) -> new ArrayList<>()).add(waiter);
		check(ip);
		return waiter.done();
	}

	private void check(InetAddress ip) {
		List<Waiter> list = this.waiters.get(ip);
		if (list == null) {
			return;
		}
		list.removeIf((w) -> w.done().isDone()); // timed out
		for (Waiter w : List.copyOf(list)) {
			if ((w.node() != null) ? holds(w.node(), ip) : heldByNone(ip)) {
				list.remove(w);
				w.done().complete(null);
			}
		}
		if (list.isEmpty()) {
			this.waiters.remove(ip);
		}
	}

	private boolean holds(NodeId owner, InetAddress ip) {
		return this.held.values().containsKey(this.keys.held(owner, ip));
	}

	private boolean heldByNone(InetAddress ip) {
		return this.held.values().values().stream().noneMatch((h) -> h.ip().equals(ip));
	}

	/** Every waiting step ends (leadership ended: the next leader drives the hosts again). */
	void abandon(String why) {
		for (List<Waiter> list : this.waiters.values()) {
			list.forEach((w) -> w.done().completeExceptionally(new LeadershipLostException(why)));
		}
		this.waiters.clear();
	}

	@Override
	public void close() {
		this.held.close();
	}

}
