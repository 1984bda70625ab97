package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.hosts.HostConfig;

/**
 * Makes this node's dataplane worker hold exactly the IPs the cluster diverts to it: those assigned to this node
 * ({@code assign/<ip>}) whose protection state may be diverted ({@code hosts/<ip>}), both from etcd watches. Once the
 * worker holds an IP this node says so under {@code held/<node>/<ip>} with its session lease; the leader diverts an IP
 * only after that, so the dataplane always holds a host before the router sends its traffic (as in single-node mode).
 * <p>
 * A host is pushed with the pickup window: it arrives here either before its first diversion or because it moved from
 * a dead node, and in both cases its established connections reach this worker without a flow it knows. Their ACKs
 * pass the timestamp check with the server's own secrets (the agents report to every node), so they survive the move.
 * <p>
 * Runs on the cluster executor; a push or removal that failed is tried again every second.
 */
public final class HostHolder implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(HostHolder.class);

	private static final Duration RETRY = Duration.ofSeconds(1);

	/** Where the worker's hosts and their newest secrets come from on this node. */
	public interface Sources {

		/** This node's configuration of the IP (its hosts file), or null when it has none. */
		@Nullable HostConfig config(InetAddress ip);

		/** The newest fresh secrets of the IP's server, if any. */
		Optional<KernelSecrets> secrets(InetAddress ip);

	}

	private final ClusterNode node;

	private final DataplanePort dataplane;

	private final Sources sources;

	private final Duration pickupWindow;

	private final PrefixMirror<Assignment> assignments;

	private final PrefixMirror<ProtectionRecord> records;

	/** What the worker holds, as last pushed: the configuration and the mitigation it was pushed for. */
	private final Map<InetAddress, Holding> holding = new LinkedHashMap<>();

	/** IPs with a push or removal in flight (one at a time per IP). */
	private final Set<InetAddress> busy = new HashSet<>();

	private boolean retryScheduled;

	/** The worker is lost: nothing is pushed, and this node holds nothing, until it is back. */
	private boolean workerDown;

	private boolean closed;

	private record Holding(HostConfig config, String mitigationId) {
	}

	public HostHolder(ClusterNode node, DataplanePort dataplane, Sources sources, Duration pickupWindow) {
		this.node = node;
		this.dataplane = dataplane;
		this.sources = sources;
		this.pickupWindow = pickupWindow;
		this.assignments = node.mirror(node.keys().assignments(), Assignment::decode);
		this.records = node.mirror(node.keys().hosts(), ProtectionRecord::decode);
		this.assignments.listen((key, before, after, revision) -> reconcile());
		this.records.listen((key, before, after, revision) -> reconcile());
		// a new session means a new lease: the old held keys went with the old one
		node.session().onStart((lease) -> this.holding.keySet().forEach((ip) -> announce(ip)));
	}

	public void start() {
		this.assignments.start();
		this.records.start();
	}

	/** The IPs the worker holds now (cluster executor). */
	public Set<InetAddress> holding() {
		return Set.copyOf(this.holding.keySet());
	}

	/**
	 * The worker is gone (exit seen, or no healthy heartbeat): this node withdraws its word that it holds anything
	 * ({@code held/<self>/}) and says in its membership record that its worker is lost, so the leader hands its IPs to
	 * nodes whose worker runs, or fails open when none does. Nothing is pushed until {@link #workerBack}. Call from any
	 * thread.
	 */
	public void workerLost(String cause) {
		this.node.executor().execute(() -> {
			if (this.workerDown) {
				return;
			}
			this.workerDown = true;
			log.warn("cluster: this node's dataplane worker is lost ({}); handing its {} IP(s) back to the cluster",
					cause, this.holding.size());
			this.holding.clear();
			this.node.membership().workerUp(false);
			withdrawHeld();
		});
	}

	private void withdrawHeld() {
		if (!this.workerDown || this.closed) {
			return;
		}
		this.node.client().getKVClient()
			.delete(ClusterKeys.bytes(this.node.keys().held() + this.node.id().value() + "/"),
					DeleteOption.builder().isPrefix(true).build())
			.applyToEither(Deadlines.after(this.node.executor(), this.node.requestTimeout()), Function.identity())
			.whenCompleteAsync((ignored, error) -> {
				if (error != null) {
					log.warn("cluster: cannot withdraw what this node held: {}; retrying", EtcdSession.describe(error));
					this.node.executor().schedule(this::withdrawHeld, RETRY.toMillis(), TimeUnit.MILLISECONDS);
				}
			}, this.node.executor());
	}

	/**
	 * The worker came back (restarted or adopted): it gets exactly the hosts it must hold, with the pickup window when
	 * it lost its flows, and this node takes IPs again once that re-sync is done. Call from any thread.
	 */
	public void workerBack(boolean adopted) {
		this.node.executor().execute(() -> {
			this.workerDown = false;
			Map<InetAddress, Holding> wanted = wanted();
			List<HostConfig> hosts = new ArrayList<>();
			Map<InetAddress, KernelSecrets> secrets = new HashMap<>();
			for (Map.Entry<InetAddress, Holding> entry : wanted.entrySet()) {
				Optional<KernelSecrets> fresh = this.sources.secrets(entry.getKey());
				if (fresh.isPresent()) {
					hosts.add(entry.getValue().config());
					secrets.put(entry.getKey(), fresh.get());
				}
			}
			this.holding.clear();
			this.dataplane.resync(hosts, secrets, adopted ? Duration.ZERO : this.pickupWindow)
				.subscribe(null, (error) -> this.node.executor().execute(() -> {
					log.warn("cluster: re-sync of this node's worker failed: {}; trying again in {} ms",
							EtcdSession.describe(error), RETRY.toMillis());
					this.node.executor().schedule(() -> {
						if (!this.workerDown && !this.closed) {
							workerBack(adopted);
						}
					}, RETRY.toMillis(), TimeUnit.MILLISECONDS);
				}), () -> this.node.executor().execute(() -> {
					if (this.workerDown) {
						return; // lost again meanwhile
					}
					for (HostConfig host : hosts) {
						this.holding.put(host.ip(), wanted.get(host.ip()));
						announce(host.ip());
					}
					this.node.membership().workerUp(true);
					reconcile();
				}));
		});
	}

	/** Fresh secrets for an IP: the worker gets them if it holds the IP. Call from any thread. */
	public void secretsArrived(InetAddress ip, KernelSecrets secrets) {
		this.node.executor().execute(() -> {
			if (this.holding.containsKey(ip) && !this.busy.contains(ip)) {
				this.dataplane.setSecrets(ip, secrets)
					.subscribe(null, (error) -> log.warn("cluster: secrets of {} not pushed: {}", IpKeys.text(ip),
							EtcdSession.describe(error)));
			}
		});
	}

	/** The hosts this node's worker must hold now: assigned here and possibly diverted, with a configuration. */
	private Map<InetAddress, Holding> wanted() {
		Map<InetAddress, Holding> wanted = new LinkedHashMap<>();
		NodeId self = this.node.id();
		for (ProtectionRecord record : this.records.values().values()) {
			Assignment assignment = this.assignments.values().get(this.node.keys().assignment(record.ip()));
			String mitigation = record.state().mitigationId();
			if (assignment == null || !assignment.node().equals(self) || !record.state().mayBeDiverted()
					|| mitigation == null) {
				continue;
			}
			HostConfig config = this.sources.config(record.ip());
			if (config == null) {
				config = HostConfig.unconfigured(record.ip(), null); // left this node's hosts file: held until restored
			}
			wanted.put(record.ip(), new Holding(config, mitigation));
		}
		return wanted;
	}

	private void reconcile() {
		if (this.closed || this.workerDown || !this.assignments.synced() || !this.records.synced()) {
			return;
		}
		Map<InetAddress, Holding> wanted = wanted();
		for (Map.Entry<InetAddress, Holding> entry : wanted.entrySet()) {
			InetAddress ip = entry.getKey();
			if (!this.busy.contains(ip) && !entry.getValue().equals(this.holding.get(ip))) {
				push(ip, entry.getValue());
			}
		}
		for (InetAddress ip : new ArrayList<>(this.holding.keySet())) {
			if (!wanted.containsKey(ip) && !this.busy.contains(ip)) {
				remove(ip);
			}
		}
	}

	/** Reconciles again after the configuration changed (a hosts file reload). Call from any thread. */
	public void hostsChanged() {
		this.node.executor().execute(this::reconcile);
	}

	private void push(InetAddress ip, Holding next) {
		Optional<KernelSecrets> secrets = this.sources.secrets(ip);
		if (secrets.isEmpty()) {
			log.warn("cluster: {} is diverted to this node but no fresh secrets of its server arrived; waiting",
					IpKeys.text(ip));
			retryLater();
			return;
		}
		this.busy.add(ip);
		// a host new to this worker adopts the connections it finds; a configuration change keeps what is left
		Duration pickup = this.holding.containsKey(ip) ? Duration.ZERO : this.pickupWindow;
		this.dataplane.setHost(next.config(), secrets.get(), pickup)
			.subscribe(null, (error) -> this.node.executor().execute(() -> {
				this.busy.remove(ip);
				log.warn("cluster: worker did not take {}: {}", IpKeys.text(ip), EtcdSession.describe(error));
				retryLater();
			}), () -> this.node.executor().execute(() -> {
				this.busy.remove(ip);
				if (this.workerDown) {
					return; // the worker that took it is gone
				}
				this.holding.put(ip, next);
				announce(ip);
				reconcile();
			}));
	}

	private void remove(InetAddress ip) {
		this.busy.add(ip);
		this.dataplane.removeHost(ip)
			.then(Mono.fromFuture(() -> this.node.client().getKVClient()
				.delete(ClusterKeys.bytes(this.node.keys().held(this.node.id(), ip)), DeleteOption.DEFAULT)
				.applyToEither(Deadlines.after(this.node.executor(), this.node.requestTimeout()), Function.identity())))
			.subscribe(null, (error) -> this.node.executor().execute(() -> {
				this.busy.remove(ip);
				log.warn("cluster: worker did not let go of {}: {}", IpKeys.text(ip), EtcdSession.describe(error));
				retryLater();
			}), () -> this.node.executor().execute(() -> {
				this.busy.remove(ip);
				this.holding.remove(ip);
				reconcile();
			}));
	}

	/** Writes {@code held/<self>/<ip>} with the session lease; without a session the next one writes it. */
	private void announce(InetAddress ip) {
		Holding held = this.holding.get(ip);
		long lease = this.node.session().leaseId();
		if (held == null || lease == 0) {
			return;
		}
		HeldHost value = new HeldHost(ip, this.node.id(), held.mitigationId());
		this.node.client().getKVClient()
			.put(ClusterKeys.bytes(this.node.keys().held(this.node.id(), ip)), ByteSequence.from(value.encode()),
					PutOption.builder().withLeaseId(lease).build())
			.applyToEither(Deadlines.after(this.node.executor(), this.node.requestTimeout()), Function.identity())
			.whenCompleteAsync((ignored, error) -> {
				if (error != null && this.holding.containsKey(ip)) {
					log.warn("cluster: cannot announce that this node holds {}: {}", IpKeys.text(ip),
							EtcdSession.describe(error));
					this.node.executor().schedule(() -> announce(ip), RETRY.toMillis(), TimeUnit.MILLISECONDS);
				}
			}, this.node.executor());
	}

	private void retryLater() {
		if (this.retryScheduled || this.closed) {
			return;
		}
		this.retryScheduled = true;
		this.node.executor().schedule(() -> {
			this.retryScheduled = false;
			reconcile();
		}, RETRY.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.node.executor().execute(() -> this.closed = true);
		this.assignments.close();
		this.records.close();
	}

}
