package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.router.DiversionPort;

/**
 * The leader's periodic read-back of the router, as a single node does it: the diversions the router holds are
 * compared with the protection state by the core ({@link ProtectionEvent.ReadBack}), which repairs the difference
 * through the leader's fenced steps. So a diversion someone removed behind the leader's back is made again, one the
 * cluster does not manage is withdrawn, and a failed host is retried.
 * <p>
 * A diversion counts as the cluster's when it names any node's MAC (the live ones, and any a router change named). It
 * counts as in place only when it names the MAC of the node the IP is assigned to: a diverted IP's that points
 * elsewhere (edited by hand, or left on a node that is gone) is reported as missing, so the core diverts the IP again,
 * to its owner, once the owner holds it. IPs a router change or a failover move is working on are left out of that read-back.
 * <p>
 * The router is read off the cluster thread; the result is turned into the event on it, and dropped if this node's
 * term changed meanwhile. The core's commit and every router change it asks for are fenced by the term.
 */
final class RouterReadBack implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RouterReadBack.class);

	private final ClusterNode node;

	private final ClusterProtection protection;

	private final DiversionPort router;

	private final Duration timeout;

	private final Clock clock;

	private @Nullable ScheduledFuture<?> periodic;

	private boolean running;

	RouterReadBack(ClusterNode node, ClusterProtection protection, DiversionPort router, Duration timeout,
			Clock clock) {
		this.node = node;
		this.protection = protection;
		this.router = router;
		this.timeout = timeout;
		this.clock = clock;
	}

	/**
	 * Reads the router back every {@code interval} while this node leads, and {@code delay} after it is elected (what
	 * the previous leader left is checked at once, not one interval later).
	 */
	void start(Duration delay, Duration interval) {
		this.periodic = this.node.executor().scheduleWithFixedDelay(this::runIfLeading, delay.toMillis(),
				interval.toMillis(), TimeUnit.MILLISECONDS);
		this.node.executor().execute(() -> this.node.election().listen(new LeaderElection.Listener() {
			@Override
			public void elected(long term) {
				RouterReadBack.this.node.executor().schedule(RouterReadBack.this::runIfLeading, delay.toMillis(),
						TimeUnit.MILLISECONDS);
			}

			@Override
			public void deposed(long term, String why) {
				// the next leader reads back on its own election
			}
		}));
	}

	private void runIfLeading() {
		if (this.protection.ready() && !this.running) {
			run();
		}
	}

	/**
	 * One read-back; completes true once the core applied it, false when this node does not lead or leadership changed
	 * while the router was read. Any thread.
	 */
	CompletableFuture<Boolean> run() {
		return CompletableFuture.supplyAsync(this::begin, this.node.executor()).thenCompose((f) -> f);
	}

	private CompletableFuture<Boolean> begin() {
		if (!this.protection.ready()) {
			return CompletableFuture.completedFuture(false);
		}
		this.running = true;
		long term = this.node.election().term();
		Set<String> macs = new HashSet<>();
		this.node.membership().live().values().forEach((n) -> macs.add(n.mac()));
		this.protection.steps().changes().values().forEach((c) -> macs.add(c.mac()));
		List<String> targets = List.copyOf(this.router.targets());
		return Flux.fromIterable(targets)
			.flatMap((t) -> this.router.overrides(t, macs)
				.timeout(this.timeout)
				.map((found) -> new TargetRead(t, found, null))
				.onErrorResume((error) -> Mono.just(new TargetRead(t, Map.of(), EtcdSession.describe(error)))))
			.collectList()
			.toFuture()
			.thenApplyAsync((reads) -> {
				this.running = false;
				if (this.node.election().term() != term || !this.protection.ready()) {
					log.info("cluster: router read-back of term {} dropped: leadership changed while it ran", term);
					return false;
				}
				this.protection.submit(event(reads));
				return true;
			}, this.node.executor())
			.whenComplete((ignored, error) -> this.running = false);
	}

	private record TargetRead(String target, Map<InetAddress, String> found, @Nullable String failure) {
	}

	/** Cluster thread: what the router holds, as the core compares it with the state. */
	private ProtectionEvent.ReadBack event(List<TargetRead> reads) {
		Map<String, Set<InetAddress>> overrides = new HashMap<>();
		Map<String, String> unreadable = new HashMap<>();
		for (TargetRead read : reads) {
			if (read.failure() != null) {
				unreadable.put(read.target(), read.failure());
				continue;
			}
			Set<InetAddress> inPlace = new HashSet<>();
			read.found().forEach((ip, via) -> {
				String expected = expectedMac(ip);
				ProtectionRecord record = this.protection.records().get(this.node.keys().host(ip));
				boolean diverted = record != null && record.state().mayBeDiverted();
				// a stray diversion of an IP the cluster does not divert is reported as it is, to be withdrawn
				if (expected == null || !isMac(via) || expected.equals(via) || !diverted) {
					inPlace.add(ip);
				}
				else {
					log.warn("cluster: router target {} diverts {} to {}, not to its node's MAC {}", read.target(),
							IpKeys.text(ip), via, expected);
				}
			});
			overrides.put(read.target(), inPlace);
		}
		Map<InetAddress, String> hostTargets = new HashMap<>();
		for (HostConfig host : this.protection.managed()) {
			if (moving(host.ip())) {
				continue; // unknown target: the read-back tells nothing about it this time
			}
			try {
				hostTargets.put(host.ip(), this.router.targetOf(host));
			}
			catch (RuntimeException ex) {
				// no target resolvable: the read-back tells nothing about this host
			}
		}
		return new ProtectionEvent.ReadBack(Reconcile.PERIODIC, overrides, unreadable, hostTargets,
				this.clock.instant());
	}

	/** The MAC the IP's diversion must name: its assigned node's, when that node is live; null when unknown. */
	private @Nullable String expectedMac(InetAddress ip) {
		Assignment assignment = this.protection.steps().assignment(ip);
		NodeRecord owner = (assignment != null) ? this.node.membership().live().get(assignment.node()) : null;
		return (owner != null) ? owner.mac() : null;
	}

	/** A router change in flight, or a move whose re-point has not happened yet: not this read-back's to judge. */
	private boolean moving(InetAddress ip) {
		RouterChange last = this.protection.steps().lastChange(ip);
		if (last == null) {
			return false;
		}
		if (last.phase() == RouterChange.Phase.STARTED) {
			return true;
		}
		Assignment assignment = this.protection.steps().assignment(ip);
		return last.action() == RouterChange.Action.DIVERT && assignment != null
				&& !assignment.node().equals(last.node());
	}

	private static boolean isMac(String via) {
		return via.length() == 17 && via.charAt(2) == ':';
	}

	@Override
	public void close() {
		ScheduledFuture<?> p = this.periodic;
		if (p != null) {
			p.cancel(false);
		}
	}

}
