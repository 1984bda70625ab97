package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.Client;

/**
 * One node's connection to the cluster: an etcd client, the session lease, membership and the leader election, all
 * driven by one cluster thread, so their state needs no locks and changes are seen in etcd revision order.
 * Start-up never waits for etcd: an unreachable etcd leaves the node out of the cluster (not registered, not
 * leading) and every part keeps retrying until it answers.
 */
public final class ClusterNode implements AutoCloseable {

	private final EtcdConnection connection;

	private final ScheduledExecutorService executor;

	private final ClusterKeys keys;

	private final EtcdSession session;

	private final Membership membership;

	private final LeaderElection election;

	private final Duration requestTimeout;

	private ClusterNode(ClusterProperties properties, NodeRecord self) {
		this.requestTimeout = properties.requestTimeout();
		this.keys = new ClusterKeys(properties.prefix());
		this.connection = new EtcdConnection(properties.endpoints(), properties.requestTimeout());
		ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread t = new Thread(task, "cluster-" + self.node());
			t.setDaemon(true);
			return t;
		});
		// every etcd request leaves a timer (Deadlines) of one request timeout: a cancelled one leaves the queue at
		// once, and a closing node does not wait for the pending ones
		thread.setRemoveOnCancelPolicy(true);
		thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.executor = thread;
		this.session = new EtcdSession(this.connection, this.executor, properties.sessionTtl(),
				this.requestTimeout);
		this.membership = new Membership(this.connection, this.executor, this.keys, self, this.session,
				this.requestTimeout);
		this.election = new LeaderElection(this.connection, this.executor, this.keys, self.node(), this.session,
				this.requestTimeout);
	}

	/** Connects (without waiting for etcd) and starts the session, membership and election. */
	public static ClusterNode start(ClusterProperties properties, NodeRecord self) {
		if (!properties.enabled()) {
			throw new IllegalArgumentException("syncookied.cluster.endpoints is empty: no cluster to join");
		}
		ClusterNode node = new ClusterNode(properties, self);
		node.membership.start();
		node.election.start();
		node.session.start();
		return node;
	}

	/** The current etcd client (replaced after a long outage: take it for each request). */
	public Client client() {
		return this.connection.client();
	}

	/** The one thread every cluster part runs on; callers hop onto it before touching their state. */
	public ScheduledExecutorService executor() {
		return this.executor;
	}

	public ClusterKeys keys() {
		return this.keys;
	}

	public EtcdSession session() {
		return this.session;
	}

	public Membership membership() {
		return this.membership;
	}

	public LeaderElection election() {
		return this.election;
	}

	public NodeId id() {
		return this.membership.self().node();
	}

	public Duration requestTimeout() {
		return this.requestTimeout;
	}

	/**
	 * {@code wait}, failed with a TimeoutException after {@code limit} unless done by then. Timed on the cluster
	 * executor rather than with {@link CompletableFuture#orTimeout}, whose one JVM-wide timer thread also runs
	 * whatever completes synchronously after other timeouts (the etcd client's among them), so a bound the cluster
	 * relies on does not depend on it.
	 */
	public <T> CompletableFuture<T> within(Duration limit, CompletableFuture<T> wait) {
		ScheduledFuture<?> timer = this.executor.schedule(() -> wait.completeExceptionally(
				new TimeoutException("not within " + limit.toMillis() + " ms")), limit.toMillis(), TimeUnit.MILLISECONDS);
		wait.whenComplete((value, error) -> timer.cancel(false));
		return wait;
	}

	/** A watched copy of another prefix, on this node's client and thread. */
	public <T> PrefixMirror<T> mirror(String prefix, PrefixMirror.Decoder<T> decoder) {
		return new PrefixMirror<>(this.connection, this.executor, prefix, decoder, this.requestTimeout);
	}

	/** Leaves the cluster: the session lease is revoked, so membership and leadership move on at once. */
	@Override
	public void close() {
		this.membership.close();
		this.election.close();
		this.session.close();
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(this.requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.connection.close();
	}

	/** Stops at once without a word to etcd, as a killed process or a dead machine does: its lease runs out. */
	void crash() {
		this.executor.shutdownNow();
		this.connection.close();
	}

}
