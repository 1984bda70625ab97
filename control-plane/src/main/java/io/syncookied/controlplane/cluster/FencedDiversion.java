package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.op.Op;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router changes made only by the leader, fenced in etcd. A change is first recorded under {@code router/<ip>} as
 * STARTED in a transaction that holds only while this node leads its term; only then is the device asked. The outcome
 * (DONE or FAILED) is recorded the same fenced way. If leadership ends while the device works, this node stops
 * waiting at once and records nothing more: the change stays STARTED under the old term, which tells the next leader
 * to read the device back before it decides anything for that IP.
 * <p>
 * So no two leaders ever both start a change: a deposed leader's STARTED write fails in etcd, and it never asks the
 * device after that. A device call it started while it still led can still land after it lost the lease (a router
 * that answers late); the next leader's read-back is what covers that.
 */
public final class FencedDiversion {

	private static final Logger log = LoggerFactory.getLogger(FencedDiversion.class);

	private static final long WATCH_MS = 50;

	/** The router write itself: divert the IP to the change's MAC, or restore it; completes once read back. */
	@FunctionalInterface
	public interface Device {

		CompletableFuture<Void> apply(RouterChange change);

	}

	private final LeaderElection election;

	private final ClusterKeys keys;

	private final ScheduledExecutorService executor;

	private final Device device;

	public FencedDiversion(LeaderElection election, ClusterKeys keys, ScheduledExecutorService executor,
			Device device) {
		this.election = election;
		this.keys = keys;
		this.executor = executor;
		this.device = device;
	}

	/**
	 * Records, performs and confirms one router change under this node's current term. Fails with
	 * {@link LeadershipLostException} when this node does not lead (nothing was done) or stopped leading while the
	 * device worked (the outcome is unknown); with the device's error when the device refused (recorded FAILED).
	 * Call on the cluster executor.
	 */
	public CompletableFuture<RouterChange> change(InetAddress ip, RouterChange.Action action, NodeRecord node,
			String mitigationId) {
		long term = this.election.term();
		if (term == 0 || !this.election.leading()) {
			return CompletableFuture.failedFuture(
					new LeadershipLostException("not the leader: router change of " + IpKeys.text(ip) + " refused"));
		}
		RouterChange started = new RouterChange(ip, action, node.node(), node.mac(), mitigationId, term,
				RouterChange.Phase.STARTED);
		return record(started).thenCompose((ignored) -> whileLeading(term, this.device.apply(started)))
			.handleAsync((ignored, error) -> {
				if (error == null) {
					return record(started.with(RouterChange.Phase.DONE));
				}
				Throwable cause = EtcdSession.unwrap(error);
				if (cause instanceof LeadershipLostException) {
					log.warn("router change {} {} of term {}: leadership lost while the device worked; the next leader"
							+ " reads the device back", action, IpKeys.text(ip), term);
					return CompletableFuture.<RouterChange>failedFuture(cause);
				}
				return record(started.with(RouterChange.Phase.FAILED))
					.thenCompose((failed) -> CompletableFuture.<RouterChange>failedFuture(cause));
			}, this.executor)
			.thenCompose((next) -> next);
	}

	private CompletableFuture<RouterChange> record(RouterChange change) {
		ByteSequence key = ClusterKeys.bytes(this.keys.routerChange(change.ip()));
		return this.election
			.fenced(change.term(), Op.put(key, ByteSequence.from(change.encode()), PutOption.DEFAULT))
			.thenApply((response) -> change);
	}

	/** The device's outcome, or LeadershipLostException as soon as this node no longer surely leads {@code term}. */
	private <T> CompletableFuture<T> whileLeading(long term, CompletableFuture<T> work) {
		CompletableFuture<T> result = new CompletableFuture<>();
		ScheduledFuture<?> watch = this.executor.scheduleWithFixedDelay(() -> {
			if (this.election.term() != term || !this.election.leading()) {
				result.completeExceptionally(new LeadershipLostException("leadership of term " + term
						+ " ended while the device worked"));
			}
		}, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
		work.whenComplete((value, error) -> {
			if (error != null) {
				result.completeExceptionally(EtcdSession.unwrap(error));
			}
			else {
				result.complete(value);
			}
		});
		result.whenComplete((value, error) -> watch.cancel(false));
		return result;
	}

	/** True when a recorded change may or may not have reached the device: the leader must read it back. */
	public static boolean unconfirmed(RouterChange change, long currentTerm) {
		return change.phase() == RouterChange.Phase.STARTED && change.term() != currentTerm;
	}

}
