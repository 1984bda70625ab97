package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
 * Node membership as leases: this node's {@link NodeRecord} lives under {@code nodes/<id>} with its session lease, and
 * the live nodes are the keys present. A node that dies or is cut off disappears when its lease expires. A second
 * process started with the same node id waits until the first one's key is gone instead of taking it over, so two
 * workers never answer for one node.
 * <p>
 * The record also says whether the node's dataplane worker runs ({@link #workerUp}): the leader gives IPs only to
 * {@link #owners()}, the live nodes whose worker does, so a node that lost its worker hands its IPs over while its
 * control plane stays in the cluster.
 * <p>
 * Runs on the cluster executor.
 */
public final class Membership implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Membership.class);

	private final EtcdConnection connection;

	private final ScheduledExecutorService executor;

	private final ClusterKeys keys;

	private NodeRecord self;

	/** The record as this node last wrote it under its current lease (what an update replaces). */
	private @Nullable NodeRecord written;

	private final EtcdSession session;

	private final Duration requestTimeout;

	private final PrefixMirror<NodeRecord> nodes;

	private boolean registered;

	private int attempts;

	public Membership(EtcdConnection connection, ScheduledExecutorService executor, ClusterKeys keys, NodeRecord self,
			EtcdSession session, Duration requestTimeout) {
		this.connection = connection;
		this.executor = executor;
		this.keys = keys;
		this.self = self;
		this.session = session;
		this.requestTimeout = requestTimeout;
		this.nodes = new PrefixMirror<>(connection, executor, keys.nodes(), NodeRecord::decode, requestTimeout);
		session.onStart(this::register);
		session.onEnd((lease) -> this.registered = false);
	}

	public void start() {
		this.nodes.start();
	}

	/** Called on every change of the live set, in revision order. */
	public void listen(PrefixMirror.Listener<NodeRecord> listener) {
		this.nodes.listen(listener);
	}

	/** The live nodes by id, as last seen from etcd. */
	public Map<NodeId, NodeRecord> live() {
		Map<NodeId, NodeRecord> live = new TreeMap<>();
		for (NodeRecord record : this.nodes.values().values()) {
			live.put(record.node(), record);
		}
		return live;
	}

	/** The live nodes whose dataplane worker runs: the nodes that may be given IPs. */
	public Map<NodeId, NodeRecord> owners() {
		Map<NodeId, NodeRecord> owners = live();
		owners.values().removeIf((record) -> !record.workerUp());
		return owners;
	}

	/**
	 * Says in this node's record whether its dataplane worker runs (cluster executor). Written at once when this node
	 * is registered, otherwise with its next registration.
	 */
	public void workerUp(boolean up) {
		if (this.self.workerUp() == up) {
			return;
		}
		this.self = this.self.withWorkerUp(up);
		long lease = this.session.leaseId();
		if (this.registered && lease != 0) {
			update(lease);
		}
	}

	/** Replaces this node's record, only if it is still the one this node wrote (never another process's). */
	private void update(long lease) {
		NodeRecord previous = this.written;
		NodeRecord next = this.self;
		if (previous == null || previous.equals(next)) {
			return;
		}
		var key = ClusterKeys.bytes(this.keys.node(next.node()));
		this.connection.client().getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(io.etcd.jetcd.ByteSequence.from(previous.encode()))))
			.Then(Op.put(key, io.etcd.jetcd.ByteSequence.from(next.encode()),
					PutOption.builder().withLeaseId(lease).build()))
			.commit()
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((response, error) -> {
				if (lease != this.session.leaseId() || !this.registered) {
					return; // the next registration writes the current record
				}
				if (error == null && response.isSucceeded()) {
					this.written = next;
					update(lease); // the worker may have changed again meanwhile
				}
				else {
					log.warn("etcd: cannot update node {}'s record ({}); retrying", next.node(),
							(error != null) ? EtcdSession.describe(error) : "it changed under this node");
					this.executor.schedule(() -> update(lease), 500, TimeUnit.MILLISECONDS);
				}
			}, this.executor);
	}

	public boolean synced() {
		return this.nodes.synced();
	}

	/** True once this node's key carries its current session lease. */
	public boolean registered() {
		return this.registered;
	}

	public NodeRecord self() {
		return this.self;
	}

	PrefixMirror<NodeRecord> mirror() {
		return this.nodes;
	}

	private void register(long lease) {
		if (lease != this.session.leaseId()) {
			return;
		}
		NodeRecord record = this.self;
		var key = ClusterKeys.bytes(this.keys.node(record.node()));
		this.connection.client().getKVClient()
			.txn()
			.If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
			.Then(Op.put(key, io.etcd.jetcd.ByteSequence.from(record.encode()),
					PutOption.builder().withLeaseId(lease).build()))
			.Else(Op.get(key, GetOption.DEFAULT))
			.commit()
			.applyToEither(Deadlines.after(this.executor, this.requestTimeout), Function.identity())
			.whenCompleteAsync((response, error) -> registered(lease, record, response, error), this.executor);
	}

	private void registered(long lease, NodeRecord record, @Nullable TxnResponse response,
			@Nullable Throwable error) {
		if (lease != this.session.leaseId()) {
			return;
		}
		if (error != null && EtcdSession.isLeaseGone(error)) {
			this.session.leaseGone(lease);
			return;
		}
		if (error != null || response == null) {
			if (this.attempts++ % 10 == 0) {
				log.warn("etcd: cannot register node {} ({}); retrying", this.self.node(),
						(error != null) ? EtcdSession.describe(error) : "no response");
			}
			retry(lease);
			return;
		}
		if (response.isSucceeded()) {
			this.registered = true;
			this.written = record;
			this.attempts = 0;
			log.info("etcd: node {} joined the cluster", record.node());
			update(lease); // the worker's state may have changed while the registration was under way
			return;
		}
		KeyValue held = response.getGetResponses().isEmpty() || response.getGetResponses().get(0).getKvs().isEmpty()
				? null : response.getGetResponses().get(0).getKvs().get(0);
		if (held != null && held.getLease() == lease) {
			this.registered = true;
			try {
				this.written = NodeRecord.decode(this.keys.node(record.node()), held.getValue().getBytes());
			}
			catch (CorruptValueException ex) {
				this.written = record;
			}
			update(lease);
			return;
		}
		if (this.attempts++ % 10 == 0) {
			log.error("etcd: node id {} is held by another live process (lease {}); waiting for it to go",
					this.self.node(), (held != null) ? Long.toHexString(held.getLease()) : "?");
		}
		retry(lease);
	}

	private void retry(long lease) {
		this.executor.schedule(() -> register(lease), 500, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.nodes.close();
	}

}
