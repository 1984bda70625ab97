package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.syncookied.common.IpText;
import io.syncookied.common.KernelSecrets;
import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.DataplanePort;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.HostRegistry;
import io.syncookied.controlplane.protection.core.CoreSettings;
import io.syncookied.controlplane.protection.core.ProtectionCommand;
import io.syncookied.controlplane.protection.core.ProtectionCore;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.Transition;
import io.syncookied.controlplane.router.DiversionPort;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * This control plane as one node of a cluster ({@code syncookied.cluster.endpoints} set): it joins etcd, keeps its own
 * worker level with what etcd diverts to it ({@link HostHolder}), moves a dead node's IPs when it leads
 * ({@link Failover}), and runs the protection state machine when it leads ({@link ClusterProtection}), reading the
 * router back as a single node does ({@link RouterReadBack}). Every node
 * announces every state change it sees under {@code hosts/}, so an operator's event stream on any node shows them all.
 * With no endpoints (the default) nothing here runs and protection is the single-node one.
 */
@Component
public class ClusterMode implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ClusterMode.class);

	private final ClusterProperties properties;

	private final ProtectionProperties protection;

	private final DataplaneProperties dataplaneProperties;

	private final HostRegistry registry;

	private final SecretsStore secrets;

	private final DataplanePort dataplane;

	private final DiversionPort router;

	private final EventBus events;

	private final Clock clock;

	private volatile @Nullable Running running;

	private record Running(ClusterNode node, HostHolder holder, Failover failover, ClusterProtection protection,
			RouterReadBack readBack, PrefixMirror<ProtectionRecord> announced, Disposable reloads) {
	}

	public ClusterMode(ClusterProperties properties, ProtectionProperties protection,
			DataplaneProperties dataplaneProperties, HostRegistry registry, SecretsStore secrets, DataplanePort dataplane,
			DiversionPort router, EventBus events, Clock clock) {
		this.properties = properties;
		this.protection = protection;
		this.dataplaneProperties = dataplaneProperties;
		this.registry = registry;
		this.secrets = secrets;
		this.dataplane = dataplane;
		this.router = router;
		this.events = events;
		this.clock = clock;
	}

	/** True when this control plane is one node of a cluster. */
	public boolean enabled() {
		return this.properties.enabled();
	}

	@Override
	public void start() {
		if (!this.properties.enabled()) {
			return;
		}
		String mac = this.dataplaneProperties.mac();
		if (mac == null || mac.isBlank()) {
			throw new IllegalArgumentException("syncookied.dataplane.mac is required in cluster mode: the leader"
					+ " diverts this node's IPs to it");
		}
		URI api = this.properties.advertiseUrl();
		NodeRecord self = new NodeRecord(this.properties.node(), api, mac.toLowerCase(Locale.ROOT));
		ClusterNode node = ClusterNode.start(this.properties, self);
		FencedDiversion fenced = new FencedDiversion(node.election(), node.keys(), node.executor(), this::device);
		Running r = join(node, () -> {
			HostHolder holder = new HostHolder(node, this.dataplane, new HostHolder.Sources() {
				@Override
				public @Nullable HostConfig config(InetAddress ip) {
					return ClusterMode.this.registry.current().byIp().get(ip);
				}

				@Override
				public Optional<KernelSecrets> secrets(InetAddress ip) {
					return ClusterMode.this.secrets.fresh(ip).map(SecretsUpdate::secrets);
				}
			}, this.protection.pickupWindow());
			ClusterProtection core = new ClusterProtection(node, new ProtectionCore(CoreSettings.of(this.protection)),
					fenced, () -> this.registry.current().hosts(),
					(ip) -> this.secrets.fresh(ip).map(SecretsUpdate::receivedAt).orElse(null),
					this.protection.stepTimeout(), this.protection.quietPeriod(), this.clock, this::announce);
			RouterReadBack readBack = new RouterReadBack(node, core, this.router, this.protection.stepTimeout(),
					this.clock);
			Failover failover = new Failover(node, fenced, core.held(), (moved) -> {
				log.info("cluster: {} moved to {} in {} ms", IpText.of(moved.ip()),
						(moved.to() != null) ? moved.to() : "no node (diversion withdrawn)", moved.took().toMillis());
				if (moved.to() == null) {
					readBack.run(); // the core learns from the router that the IP is no longer diverted
				}
			});
			PrefixMirror<ProtectionRecord> announced = node.mirror(node.keys().hosts(), ProtectionRecord::decode);
			announced.listen(this::stateChanged);
			return new Running(node, holder, failover, core, readBack, announced, this.registry.changes()
				.subscribe((snapshot) -> {
					holder.hostsChanged();
					core.submit(new ProtectionEvent.HostsLoaded(snapshot.hosts(), this.clock.instant()))
						.exceptionally((notLeader) -> null);
				}));
		});
		r.holder().start();
		r.failover().start();
		r.protection().start();
		r.readBack().start(this.protection.reconcileDelay(), this.protection.reconcileInterval());
		r.announced().start();
		this.running = r;
		log.info("cluster: node {} joining etcd {} (prefix {})", self.node(), this.properties.endpoints(),
				this.properties.prefix());
	}

	private static Running join(ClusterNode node, java.util.function.Supplier<Running> parts) {
		// every part is built on the cluster thread, which owns their state
		return CompletableFuture.supplyAsync(parts, node.executor()).join();
	}

	/** The router write of a fenced change: divert to the change's node MAC, or restore. */
	private CompletableFuture<Void> device(RouterChange change) {
		HostConfig host = this.registry.current().byIp().get(change.ip());
		HostConfig h = (host != null) ? host : HostConfig.unconfigured(change.ip(), null);
		return ((change.action() == RouterChange.Action.DIVERT)
				? this.router.divert(h, change.mitigationId(), change.mac())
				: this.router.restore(h, change.mitigationId()))
			.toFuture()
			.thenApply((ignored) -> null);
	}

	/** Alerts of the leader's transitions; state changes are announced by every node from etcd instead. */
	private void announce(ProtectionCommand c) {
		if (c instanceof ProtectionCommand.Alert a) {
			this.events.publish(new ControlEvent.Alert(a.at(), a.kind(), (a.ip() != null) ? IpText.of(a.ip()) : null,
					a.message()));
		}
	}

	private void stateChanged(String key, @Nullable ProtectionRecord before, @Nullable ProtectionRecord after,
			long revision) {
		if (after == null || (before != null && before.state().equals(after.state()))) {
			return;
		}
		this.events.publish(new ControlEvent.StateChanged(after.state().since(), IpText.of(after.ip()),
				(before != null) ? before.state().phase().name() : "NONE", after.state().phase().name(),
				after.state().reason(), after.state().mitigationId()));
	}

	// ---------------------------------------------------------------- what protection asks of the cluster

	/** Applies an event on the leader; fails with {@link ClusterProtection.NotLeaderException} elsewhere. */
	public CompletableFuture<Transition> submit(ProtectionEvent event) {
		return running().protection().submit(event);
	}

	/** A detection verdict of this node, for the leader. */
	public CompletableFuture<Void> verdict(InetAddress ip, boolean attack, String reason) {
		return running().protection().verdict(ip, attack, reason);
	}

	/** Fresh secrets: this node's worker gets them if it holds the IP, and the leader's core learns they are fresh. */
	public void secretsArrived(SecretsUpdate update) {
		Running r = running();
		r.holder().secretsArrived(update.ip(), update.secrets());
		r.protection().submit(new ProtectionEvent.SecretsArrived(update.ip(), update.receivedAt()))
			.exceptionally((notLeader) -> null);
	}

	/**
	 * This node's worker is lost: the node stops being an owner of IPs, so the leader moves them to nodes whose worker
	 * runs, or fails open when none does.
	 */
	public void workerLost(String cause) {
		running().holder().workerLost(cause);
	}

	/** This node's worker came back: it gets exactly the hosts etcd diverts to this node, and takes IPs again. */
	public void workerBack(boolean adopted) {
		running().holder().workerBack(adopted);
	}

	/** The protection records every node reads from (its etcd copy), by key; any thread, never blocks. */
	public Map<String, ProtectionRecord> records() {
		return running().protection().records();
	}

	private Running running() {
		Running r = this.running;
		if (r == null) {
			throw new IllegalStateException("cluster mode is not running");
		}
		return r;
	}

	@Override
	public void stop() {
		Running r = this.running;
		this.running = null;
		if (r == null) {
			return;
		}
		r.reloads().dispose();
		r.readBack().close();
		r.protection().close();
		r.failover().close();
		r.holder().close();
		r.announced().close();
		r.node().close();
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	/** Before protection, which reads the cluster's state from the start. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 8192;
	}

}
