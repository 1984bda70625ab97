package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

import io.syncookied.controlplane.config.ProtectionProperties.FailMode;
import io.syncookied.controlplane.hosts.DetectionOverrides;
import io.syncookied.controlplane.hosts.HostConfig;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.CoreSettings;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionCommand;
import io.syncookied.controlplane.protection.core.ProtectionCore;
import io.syncookied.controlplane.protection.core.ProtectionEvent;
import io.syncookied.controlplane.protection.core.ProtectionIntent;
import io.syncookied.controlplane.protection.core.Reply;
import io.syncookied.controlplane.protection.core.Transition;
import io.syncookied.controlplane.support.RecordingDataplane;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.dataplane.DpHost;

import static io.syncookied.controlplane.cluster.LeadershipEtcdTest.awaitLeader;
import static io.syncookied.controlplane.cluster.TestNodes.await;
import static io.syncookied.controlplane.cluster.TestNodes.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The protection state machine of a three-node cluster on a real etcd: the leader decides, etcd keeps the state, the
 * owner's worker holds a host before the router points at the owner's MAC, and a new leader carries on from etcd.
 */
@EnabledIf(value = "io.syncookied.controlplane.cluster.EtcdTestCluster#available",
		disabledReason = "Debian's etcd-server is not installed (/usr/bin/etcd); deploy/install-deps.sh installs it")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterProtectionEtcdTest {

	private static final CoreSettings SETTINGS = new CoreSettings(Duration.ofMinutes(30), Duration.ofDays(1),
			Duration.ofSeconds(60), Duration.ofSeconds(60), FailMode.OPEN, Duration.ofSeconds(30));

	private static EtcdTestCluster etcd;

	private final TestNodes nodes = new TestNodes();

	private final List<Member> members = new ArrayList<>();

	/** Every router write of the cluster, and whether the change's node held the IP in its worker at that moment. */
	private final List<DeviceWrite> deviceWrites = new CopyOnWriteArrayList<>();

	private record DeviceWrite(RouterChange change, boolean heldByItsNode, long atNanos) {
	}

	private final List<HostConfig> hostsFile = new CopyOnWriteArrayList<>();

	/** What the leaders told operators. */
	private final List<ProtectionCommand> announcements = new CopyOnWriteArrayList<>();

	private record Member(ClusterNode node, RecordingDataplane dataplane, HostHolder holder,
			ClusterProtection protection, Failover failover) {
	}

	@BeforeAll
	static void startEtcd() throws Exception {
		etcd = EtcdTestCluster.start(3);
	}

	@AfterAll
	static void stopEtcd() throws Exception {
		etcd.close();
	}

	@AfterEach
	void stopNodes() {
		for (Member m : this.members) {
			if (m.node().executor().isShutdown()) {
				continue; // crashed
			}
			m.protection().close();
			m.failover().close();
			m.holder().close();
		}
		this.nodes.close();
	}

	@Test
	void aProtectedIpIsHeldByItsOwnerBeforeTheRouterPointsAtItAndTheNextLeaderRestoresIt() throws Exception {
		startThree();
		Member leader = leader(this.members);
		InetAddress ip = ipOwnedBy(notThe(leader).node().id());
		configure(leader, ip, ProtectionMode.MANUAL);

		Transition t = leader.protection()
			.submit(new ProtectionEvent.ProtectRequested(ip, "ticket 7", null, Instant.now()))
			.get(5, TimeUnit.SECONDS);
		assertThat(t.reply()).isInstanceOf(Reply.Accepted.class);

		Member owner = member(Rendezvous.owner(ip, ids(this.members)).orElseThrow());
		awaitPhase(owner, ip, Phase.PROTECTED);
		assertThat(this.deviceWrites).hasSize(1);
		DeviceWrite divert = this.deviceWrites.get(0);
		assertThat(divert.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(divert.change().node()).isEqualTo(owner.node().id());
		assertThat(divert.change().mac()).isEqualTo(owner.node().membership().self().mac());
		assertThat(divert.heldByItsNode()).as("the owner's worker held the host before the router was told").isTrue();
		assertThat(owner.dataplane().pickups.get(ip)).isEqualTo(SETTINGS.pickupWindow());
		for (Member m : this.members) {
			if (m != owner) {
				assertThat(m.dataplane().hosts).as("only the owner holds the host").doesNotContain(ip);
			}
		}

		Member follower = notThe(leader);
		assertThatThrownBy(() -> follower.protection()
			.submit(new ProtectionEvent.UnprotectRequested(ip, "from a follower", Instant.now()))
			.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(ClusterProtection.NotLeaderException.class);

		leader.node().crash();
		List<Member> survivors = this.members.stream().filter((m) -> m != leader).toList();
		Member next = leader(survivors);
		await().atMost(Duration.ofSeconds(10)).until(() -> on(next.node(), () -> next.protection().ready()));
		assertThat(record(next, ip).state().phase()).isEqualTo(Phase.PROTECTED);
		assertThat(this.deviceWrites).as("the new leader leaves a protected host alone").hasSize(1);

		next.protection().submit(new ProtectionEvent.UnprotectRequested(ip, "ticket 7 closed", Instant.now()))
			.get(5, TimeUnit.SECONDS);
		awaitPhase(next, ip, Phase.UNPROTECTED);
		assertThat(this.deviceWrites).hasSize(2);
		assertThat(this.deviceWrites.get(1).change().action()).isEqualTo(RouterChange.Action.RESTORE);
		await().atMost(Duration.ofSeconds(5)).until(() -> !owner.dataplane().hosts.contains(ip));
		await().atMost(Duration.ofSeconds(5)).until(() -> on(owner.node(), () -> owner.holder().holding().isEmpty()));
		assertThat(this.announcements).as("the owner let go of the host: no step failed")
			.noneMatch((a) -> a instanceof ProtectionCommand.Alert);
	}

	@Test
	void aFollowersAttackVerdictReachesTheLeaderThroughEtcd() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member follower = notThe(leader);
		InetAddress ip = InetAddress.getByName("198.51.100.77");
		configure(leader, ip, ProtectionMode.AUTO);

		follower.protection().verdict(ip, true, "SYN flood 50000/s").get(5, TimeUnit.SECONDS);

		awaitPhase(leader, ip, Phase.PROTECTED);
		ProtectionIntent intent = record(leader, ip).intent();
		assertThat(intent).isNotNull();
		assertThat(intent.trigger()).isEqualTo(ProtectionIntent.Trigger.AUTO);
		assertThat(this.deviceWrites).hasSize(1);
		assertThat(this.deviceWrites.get(0).heldByItsNode()).isTrue();
	}

	@Test
	void aProtectedIpMovesWithItsPickupWindowWhenItsNodeDies() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = ipOwnedBy(owner.node().id());
		configure(leader, ip, ProtectionMode.MANUAL);
		leader.protection().submit(new ProtectionEvent.ProtectRequested(ip, "ticket 8", null, Instant.now()))
			.get(5, TimeUnit.SECONDS);
		awaitPhase(leader, ip, Phase.PROTECTED);

		long crashed = System.nanoTime();
		owner.node().crash();
		Member heir = member(Rendezvous.owner(ip, ids(this.members.stream().filter((m) -> m != owner).toList()))
			.orElseThrow());
		await().atMost(Duration.ofSeconds(20)).until(() -> this.deviceWrites.size() == 2);
		long heldAt = await().atMost(Duration.ofSeconds(5)).until(() -> heir.dataplane().hosts.contains(ip)
				? System.nanoTime() : 0L, (t) -> t != 0L);
		DeviceWrite repoint = this.deviceWrites.get(1);
		assertThat(repoint.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(repoint.change().mac()).isEqualTo(heir.node().membership().self().mac());
		assertThat(heir.dataplane().pickups.get(ip)).as("the heir adopts the moved connections").isEqualTo(
				SETTINGS.pickupWindow());
		assertThat(record(leader, ip).state().phase()).isEqualTo(Phase.PROTECTED);
		System.out.println("cluster: a protected IP moved off a dead node: router re-pointed "
				+ TimeUnit.NANOSECONDS.toMillis(repoint.atNanos() - crashed) + " ms after the crash (held by the heir "
				+ (repoint.heldByItsNode() ? "before" : "after") + " it; heir's worker took it by "
				+ TimeUnit.NANOSECONDS.toMillis(heldAt - crashed) + " ms)");
	}

	// ---------------------------------------------------------------- fixtures

	private void startThree() {
		Stream.of(1, 2, 3).map((i) -> this.nodes.start(i, etcd.endpoints())).forEach(this::join);
	}

	private void join(ClusterNode node) {
		RecordingDataplane dataplane = new RecordingDataplane(new CopyOnWriteArrayList<>(), Clock.systemUTC());
		dataplane.delay = Duration.ofMillis(20);
		HostHolder.Sources sources = new HostHolder.Sources() {
			@Override
			public HostConfig config(InetAddress ip) {
				return ClusterProtectionEtcdTest.this.hostsFile.stream().filter((h) -> h.ip().equals(ip)).findFirst()
					.orElse(null);
			}

			@Override
			public Optional<io.syncookied.common.KernelSecrets> secrets(InetAddress ip) {
				return Optional.of(Secrets.sampledAt(Instant.now()));
			}
		};
		FencedDiversion router = new FencedDiversion(node.election(), node.keys(), node.executor(), (change) -> {
			boolean held = this.members.stream()
				.anyMatch((m) -> m.node().id().equals(change.node()) && m.dataplane().hosts.contains(change.ip()));
			this.deviceWrites.add(new DeviceWrite(change, held, System.nanoTime()));
			return CompletableFuture.completedFuture(null);
		});
		Member member = on(node, () -> new Member(node, dataplane,
				new HostHolder(node, dataplane, sources, SETTINGS.pickupWindow()),
				new ClusterProtection(node, new ProtectionCore(SETTINGS), router, () -> List.copyOf(this.hostsFile),
						(ip) -> Instant.now(), Duration.ofSeconds(5), Clock.systemUTC(), this.announcements::add),
				new Failover(node, router, (moved) -> {
				})));
		member.holder().start();
		member.protection().start();
		member.failover().start();
		this.members.add(member);
	}

	/** Adds a host to every node's hosts file, and the leader loads it, as on a reload; its agent reports. */
	private void configure(Member leader, InetAddress ip, ProtectionMode mode) throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> on(leader.node(), () -> leader.protection().ready()));
		this.hostsFile.add(new HostConfig(DpHost.of(ip, "02:00:00:00:02:0a"), null, null, mode,
				DetectionOverrides.NONE, null, 3));
		leader.protection()
			.submit(new ProtectionEvent.HostsLoaded(List.copyOf(this.hostsFile), Instant.now()))
			.get(5, TimeUnit.SECONDS);
		// the host's agent reports to every node; the leader's copy tells the core the secrets are fresh
		leader.protection().submit(new ProtectionEvent.SecretsArrived(ip, Instant.now())).get(5, TimeUnit.SECONDS);
	}

	private Member leader(List<Member> among) {
		ClusterNode node = awaitLeader(among.stream().map(Member::node).toList());
		return member(node.id());
	}

	private Member member(NodeId id) {
		return this.members.stream().filter((m) -> m.node().id().equals(id)).findFirst().orElseThrow();
	}

	private Member notThe(Member leader) {
		return this.members.stream().filter((m) -> m != leader).findFirst().orElseThrow();
	}

	private static Set<NodeId> ids(List<Member> members) {
		return members.stream().map((m) -> m.node().id()).collect(Collectors.toSet());
	}

	private InetAddress ipOwnedBy(NodeId node) throws Exception {
		Set<NodeId> all = ids(this.members);
		for (int i = 1;; i++) {
			InetAddress ip = InetAddress.getByAddress(new byte[] { (byte) 198, 51, 100, (byte) i });
			if (Rendezvous.owner(ip, all).orElseThrow().equals(node)) {
				return ip;
			}
		}
	}

	private static ProtectionRecord record(Member m, InetAddress ip) {
		return on(m.node(), () -> {
			Map<String, ProtectionRecord> records = m.protection().records();
			return records.get(m.node().keys().host(ip));
		});
	}

	private static void awaitPhase(Member m, InetAddress ip, Phase phase) {
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			ProtectionRecord r = record(m, ip);
			return r != null && r.state().phase() == phase;
		});
	}

}
