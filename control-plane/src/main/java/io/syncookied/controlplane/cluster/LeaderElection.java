package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader for the cluster, chosen with an etcd lease: the first node to create the leader key (with its session
 * lease) leads until that lease ends. The key's create revision is the leadership <em>term</em>; every write the
 * leader makes on the cluster's behalf is a transaction conditioned on the leader key still having that create
 * revision ({@link #fenced}), so a deposed leader's writes fail in etcd however late they arrive.
 * <p>
 * A leader also stops acting on its own as soon as it cannot be sure its lease lives ({@link #leading()}); see
 * {@link EtcdSession} for why that moment always comes before etcd lets another node take the key. The others watch
 * the key and campaign when it is deleted, so a takeover takes at most the session TTL plus one round trip.
 * <p>
 * Runs on the cluster executor.
 */
public final class LeaderElection implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

	/** Told when this node becomes leader for a term, and when it stops. */
	public interface Listener {

		void elected(long term);

		void deposed(long term, String why);

	}

	private final EtcdConnection connection;

	private final ScheduledExecutorService executor;

	private final ClusterKeys keys;

	private final NodeId self;

	private final EtcdSession session;

	private final Duration requestTimeout;

	private final PrefixMirror<LeaderRecord> leaderKey;

	private final List<Listener> listeners = new ArrayList<>();

	/** The term this node leads, or 0. */
	private long term;

	private @Nullable LeaderRecord current;

	private long currentTerm;

	private boolean campaigning;

	private int sessions;

	public LeaderElection(EtcdConnection connection, ScheduledExecutorService executor, ClusterKeys keys, NodeId self,
			EtcdSession session, Duration requestTimeout) {
		this.connection = connection;
		this.executor = executor;
		this.keys = keys;
		this.self = self;
		this.session = session;
		this.requestTimeout = requestTimeout;
		this.leaderKey = new PrefixMirror<>(connection, executor, keys.leader(), LeaderRecord::decode, requestTimeout);
		this.leaderKey.listen(this::leaderChanged);
		session.onStart((lease) -> {
			if (this.sessions++ == 0) {
				campaign();
			}
			else {
				// a node whose lease just ran out is the likeliest to be unwell (paused, cut off): the others,
				// which saw the leader key go, get one TTL to take over before it campaigns again
				this.executor.schedule(this::campaign, session.ttl().toMillis(), TimeUnit.MILLISECONDS);
			}
		});
		session.onEnd((lease) -> depose("session ended"));
	}

	public void listen(Listener listener) {
		this.listeners.add(listener);
	}

	public void start() {
		this.leaderKey.start();
	}

	/** True while this node leads and its lease surely lives: the only time it may act as leader. */
	public boolean leading() {
		return this.term != 0 && this.session.surelyAliveFor(Duration.ZERO);
	}

	/** The term this node leads (0 when it does not). */
	public long term() {
		return this.term;
	}

	/** The leader as last seen in etcd, or null when there is none. */
	public @Nullable NodeId leader() {
		LeaderRecord record = this.current;
		return (record != null) ? record.node() : null;
	}

	/** The term of the leader last seen in etcd, or 0. */
	public long currentTerm() {
		return this.currentTerm;
	}

	/**
	 * Commits {@code ops} only if this node still leads the term {@code term}; fails with
	 * {@link LeadershipLostException} otherwise (and this node steps down if it thought it led that term).
	 */
	public CompletableFuture<TxnResponse> fenced(long term, Op... ops) {
		if (term == 0 || term != this.term || !leading()) {
			return CompletableFuture.failedFuture(new LeadershipLostException(
					"node " + this.self + " does not surely lead term " + term + " (it leads " + this.term + ")"));
		}
		ByteSequence key = ClusterKeys.bytes(this.keys.leader());
		return this.connection.client().getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(term)))
			.Then(ops)
			.commit()
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.thenApplyAsync((response) -> {
				if (!response.isSucceeded()) {
					depose("a fenced write found another leader key");
					throw new LeadershipLostException("term " + term + " of node " + this.self + " is over");
				}
				return response;
			}, this.executor);
	}

	private void campaign() {
		long lease = this.session.leaseId();
		if (lease == 0 || this.term != 0 || this.campaigning || (this.current != null && this.leaderKey.synced())) {
			return;
		}
		this.campaigning = true;
		ByteSequence key = ClusterKeys.bytes(this.keys.leader());
		this.connection.client().getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
			.Then(Op.put(key, ByteSequence.from(new LeaderRecord(this.self, lease).encode()),
					PutOption.builder().withLeaseId(lease).build()))
			.Else(Op.get(key, GetOption.DEFAULT))
			.commit()
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((response, error) -> campaigned(lease, response, error), this.executor);
	}

	private void campaigned(long lease, @Nullable TxnResponse response, @Nullable Throwable error) {
		this.campaigning = false;
		if (lease != this.session.leaseId()) {
			return;
		}
		if (error != null && EtcdSession.isLeaseGone(error)) {
			this.session.leaseGone(lease);
			return;
		}
		if (error != null || response == null) {
			log.debug("etcd: campaign failed ({}); retrying", (error != null) ? EtcdSession.describe(error) : "");
			this.executor.schedule(this::campaign, 250, TimeUnit.MILLISECONDS);
			return;
		}
		if (response.isSucceeded()) {
			elect(response.getHeader().getRevision());
			return;
		}
		List<KeyValue> held = response.getGetResponses().isEmpty() ? List.of()
				: response.getGetResponses().get(0).getKvs();
		if (!held.isEmpty() && held.get(0).getLease() == lease) {
			// this session wrote the key before (an answer lost to a broken connection)
			elect(held.get(0).getCreateRevision());
		}
		else if (held.isEmpty()) {
			this.executor.schedule(this::campaign, 50, TimeUnit.MILLISECONDS);
		}
	}

	private void leaderChanged(String key, @Nullable LeaderRecord before, @Nullable LeaderRecord after, long revision) {
		this.current = after;
		this.currentTerm = (after != null) ? revision : 0;
		if (this.term != 0 && (after == null || revision != this.term)) {
			depose((after == null) ? "leader key deleted (lease expired or revoked)" : "another node leads");
		}
		if (after == null) {
			campaign();
		}
		else if (this.term == 0 && after.node().equals(this.self) && after.lease() == this.session.leaseId()) {
			elect(revision);
		}
	}

	private void elect(long newTerm) {
		if (this.term == newTerm) {
			return;
		}
		this.term = newTerm;
		log.info("etcd: node {} leads the cluster (term {})", this.self, newTerm);
		for (Listener listener : this.listeners) {
			listener.elected(newTerm);
		}
	}

	private void depose(String why) {
		long was = this.term;
		if (was == 0) {
			return;
		}
		this.term = 0;
		log.warn("etcd: node {} no longer leads (term {}): {}", this.self, was, why);
		for (Listener listener : this.listeners) {
			listener.deposed(was, why);
		}
	}

	/** Gives up leadership at once (the leader key is deleted if this node holds it), so another takes over. */
	public CompletableFuture<Void> resign() {
		long was = this.term;
		if (was == 0) {
			return CompletableFuture.completedFuture(null);
		}
		ByteSequence key = ClusterKeys.bytes(this.keys.leader());
		return this.connection.client().getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(was)))
			.Then(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT))
			.commit()
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.thenAcceptAsync((response) -> depose("resigned"), this.executor);
	}

	@Override
	public void close() {
		this.leaderKey.close();
	}

}
