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
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import reactor.core.publisher.Mono;

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
import io.syncookied.controlplane.router.DiversionPort;
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

	/** A hold-down of 2 s, so a test sees an automatic protection end. */
	private static final CoreSettings SETTINGS = new CoreSettings(Duration.ofMinutes(30), Duration.ofDays(1),
			Duration.ofSeconds(2), Duration.ofSeconds(60), FailMode.OPEN, Duration.ofSeconds(30));

	/** How long a node's detection must see an IP calm before it says the attack is over. */
	private static final Duration QUIET = Duration.ofSeconds(3);

	private static EtcdTestCluster etcd;

	private final TestNodes nodes = new TestNodes();

	private final List<Member> members = new ArrayList<>();

	/** Every router write of the cluster, and whether the change's node held the IP in its worker at that moment. */
	private final List<DeviceWrite> deviceWrites = new CopyOnWriteArrayList<>();

	private record DeviceWrite(RouterChange change, boolean heldByItsNode, long atNanos) {
	}

	private final List<HostConfig> hostsFile = new CopyOnWriteArrayList<>();

	private final List<Failover.Moved> moved = new CopyOnWriteArrayList<>();

	/** What the leaders told operators. */
	private final List<ProtectionCommand> announcements = new CopyOnWriteArrayList<>();

	private record Member(ClusterNode node, RecordingDataplane dataplane, HostHolder holder,
			ClusterProtection protection, Failover failover, RouterReadBack readBack) {
	}

	/** The router's neighbour table: IP to the MAC it diverts to, as the device writes left it. */
	private final Map<InetAddress, String> routerTable = new java.util.concurrent.ConcurrentHashMap<>();

	/** The router as the read-back sees it: one target, listing the entries that name one of the MACs asked for. */
	private final DiversionPort routerPort = new DiversionPort() {
		@Override
		public Set<String> targets() {
			return Set.of("r1");
		}

		@Override
		public String targetOf(HostConfig host) {
			return "r1";
		}

		@Override
		public Mono<Void> divert(HostConfig host, String mitigationId) {
			throw new UnsupportedOperationException("the cluster diverts to a node's MAC");
		}

		@Override
		public Mono<Void> divert(HostConfig host, String mitigationId, String firewallMac) {
			throw new UnsupportedOperationException("the test's device is the fenced router's");
		}

		@Override
		public Mono<Void> restore(HostConfig host, String mitigationId) {
			throw new UnsupportedOperationException("the test's device is the fenced router's");
		}

		@Override
		public Mono<Map<InetAddress, String>> overrides(String target) {
			throw new UnsupportedOperationException("a cluster reads back every node's MAC");
		}

		@Override
		public Mono<Map<InetAddress, String>> overrides(String target, Set<String> firewallMacs) {
			Map<InetAddress, String> found = new java.util.HashMap<>(ClusterProtectionEtcdTest.this.routerTable);
			found.values().removeIf((mac) -> !firewallMacs.contains(mac));
			return Mono.just(found);
		}
	};

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
			m.readBack().close();
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

		Transition t = commit(leader, new ProtectionEvent.ProtectRequested(ip, "ticket 7", null, Instant.now()));
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

		commit(next, new ProtectionEvent.UnprotectRequested(ip, "ticket 7 closed", Instant.now()));
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
	void aNewLeaderReadsTheRouterBackOnItsElection() throws Exception {
		startThree();
		this.members.forEach((m) -> m.readBack().start(Duration.ofMillis(200), Duration.ofMinutes(10)));
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);
		this.routerTable.remove(ip); // removed by hand, and the leader dies before its next read-back

		leader.node().crash();

		await().atMost(Duration.ofSeconds(15)).until(() -> this.deviceWrites.size() == 2);
		assertThat(this.deviceWrites.get(1).change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(this.deviceWrites.get(1).change().node()).isEqualTo(owner.node().id());
		assertThat(this.routerTable).containsEntry(ip, owner.node().membership().self().mac());
	}

	@Test
	void onlyTheNodeThatServesAnIpCanSayItsAttackEnded() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		Member other = this.members.stream().filter((m) -> m != leader && m != owner).findFirst().orElseThrow();
		InetAddress ip = ipOwnedBy(owner.node().id());
		floodDiverts(leader, other, ip);
		EtcdTestCluster.sleep(2500); // the hold-down is over

		// the nodes that do not serve the IP see none of its traffic now: their detection says quiet
		leader.protection().verdict(ip, false, "unanswered SYN/s 0").get(5, TimeUnit.SECONDS);
		other.protection().verdict(ip, false, "unanswered SYN/s 0").get(5, TimeUnit.SECONDS);
		EtcdTestCluster.sleep(1500);
		assertThat(record(leader, ip).state().phase()).as("still under attack for all the owner knows")
			.isEqualTo(Phase.PROTECTED);
		assertThat(this.deviceWrites).hasSize(1);

		owner.protection().verdict(ip, false, "quiet for 10 s").get(5, TimeUnit.SECONDS);
		awaitPhase(leader, ip, Phase.UNPROTECTED);
		assertThat(this.deviceWrites.get(this.deviceWrites.size() - 1).change().action())
			.isEqualTo(RouterChange.Action.RESTORE);
	}

	@Test
	void anIpsNewOwnerCannotEndItsAttackBeforeItHasWatchedItsTrafficForTheQuietPeriod() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = ipOwnedBy(owner.node().id());
		floodDiverts(leader, leader, ip);
		Member heir = member(Rendezvous.owner(ip, ids(this.members.stream().filter((m) -> m != owner).toList()))
			.orElseThrow());

		owner.node().crash(); // the flood goes on: the IP moves to its heir, whose hold-down is long over
		await().atMost(Duration.ofSeconds(20)).until(() -> this.deviceWrites.size() == 2);
		long moved = System.nanoTime();

		// until the move the heir's worker saw none of the IP's traffic: its detection says quiet
		heir.protection().verdict(ip, false, "unanswered SYN/s 0").get(5, TimeUnit.SECONDS);
		EtcdTestCluster.sleep(1000);
		assertThat(record(leader, ip).state().phase()).as("the heir has watched the flood for 1 s only")
			.isEqualTo(Phase.PROTECTED);
		assertThat(this.deviceWrites).hasSize(2);

		EtcdTestCluster.sleep(QUIET.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moved) + 200);
		heir.protection().verdict(ip, false, "quiet for the quiet period").get(5, TimeUnit.SECONDS);
		awaitPhase(leader, ip, Phase.UNPROTECTED);
		assertThat(this.deviceWrites.get(this.deviceWrites.size() - 1).change().action())
			.isEqualTo(RouterChange.Action.RESTORE);
	}

	@Test
	void aVerdictWrittenBeforeItsNodeTookTheIpIsNoEvidenceForTheNextLeader() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		Member heir = this.members.stream().filter((m) -> m != leader && m != owner).findFirst().orElseThrow();
		InetAddress ip = ipMovingTo(owner, heir);
		floodDiverts(leader, leader, ip);
		// the heir sees none of the IP's traffic yet: its detection says quiet, and the verdict stays in etcd
		heir.protection().verdict(ip, false, "unanswered SYN/s 0").get(5, TimeUnit.SECONDS);

		owner.node().crash(); // the IP moves to the heir, whose detection then sees the flood and says no more
		await().atMost(Duration.ofSeconds(20)).until(() -> this.deviceWrites.size() == 2);
		EtcdTestCluster.sleep(QUIET.toMillis() + 500);
		leader.node().crash(); // the heir leads next, and reads the verdicts it finds in etcd

		await().atMost(Duration.ofSeconds(20)).until(() -> on(heir.node(), () -> heir.protection().ready()));
		EtcdTestCluster.sleep(1500);
		assertThat(record(heir, ip).state().phase()).as("the heir's verdict is from before it took the IP")
			.isEqualTo(Phase.PROTECTED);
		assertThat(this.deviceWrites).noneMatch((w) -> w.change().action() == RouterChange.Action.RESTORE);
	}

	@Test
	void anEventWaitsOutAMomentOfDoubtAboutTheLeadersLease() throws Exception {
		startThree();
		Member leader = leader(this.members);
		InetAddress ip = ipOwnedBy(notThe(leader).node().id());
		configure(leader, ip, ProtectionMode.MANUAL);

		// etcd is slow to answer a renewal: until it does, the leader cannot be sure its lease lives
		CompletableFuture<Transition> protect = on(leader.node(), () -> {
			leader.node().session().doubt();
			return leader.protection()
				.submit(new ProtectionEvent.ProtectRequested(ip, "ticket 9", null, Instant.now()));
		});

		assertThat(protect.get(10, TimeUnit.SECONDS).reply()).as("applied once etcd renewed the lease, not refused")
			.isInstanceOf(Reply.Accepted.class);
		awaitPhase(leader, ip, Phase.PROTECTED);
	}

	@Test
	void aProtectedIpsRecordIsNotRewrittenForEverySecretsReport() throws Exception {
		startThree();
		Member leader = leader(this.members);
		InetAddress ip = protectedOn(leader, notThe(leader));
		io.etcd.jetcd.Client admin = this.nodes.admin(etcd.endpoints());
		long written = modRevision(admin, ip);
		Instant base = Instant.now();

		for (int i = 1; i <= 5; i++) { // the agent reports every second
			commit(leader, new ProtectionEvent.SecretsArrived(ip, base.plusSeconds(i)));
		}
		assertThat(modRevision(admin, ip)).as("hosts/<ip> not rewritten for a secrets age alone").isEqualTo(written);

		Instant later = base.plus(ClusterProtection.SECRETS_AT_STEP).plusSeconds(5);
		commit(leader, new ProtectionEvent.SecretsArrived(ip, later));
		assertThat(modRevision(admin, ip)).isGreaterThan(written);
		await().atMost(Duration.ofSeconds(5)).until(() -> later.equals(record(leader, ip).secretsAt()));
	}

	private long modRevision(io.etcd.jetcd.Client admin, InetAddress ip) throws Exception {
		return admin.getKVClient().get(TestNodes.bytes(this.nodes.keys.host(ip))).get(5, TimeUnit.SECONDS).getKvs()
			.get(0).getModRevision();
	}

	@Test
	void aProtectedIpMovesWithItsPickupWindowWhenItsNodeDies() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = ipOwnedBy(owner.node().id());
		configure(leader, ip, ProtectionMode.MANUAL);
		commit(leader, new ProtectionEvent.ProtectRequested(ip, "ticket 8", null, Instant.now()));
		awaitPhase(leader, ip, Phase.PROTECTED);

		long crashed = System.nanoTime();
		owner.node().crash();
		Member heir = member(Rendezvous.owner(ip, ids(this.members.stream().filter((m) -> m != owner).toList()))
			.orElseThrow());
		await().atMost(Duration.ofSeconds(20)).until(() -> this.deviceWrites.size() == 2);
		DeviceWrite repoint = this.deviceWrites.get(1);
		assertThat(repoint.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(repoint.heldByItsNode()).as("the heir's worker held the host before the router was told").isTrue();
		assertThat(repoint.change().mac()).isEqualTo(heir.node().membership().self().mac());
		assertThat(heir.dataplane().pickups.get(ip)).as("the heir adopts the moved connections").isEqualTo(
				SETTINGS.pickupWindow());
		assertThat(record(leader, ip).state().phase()).isEqualTo(Phase.PROTECTED);
		System.out.println("cluster: a protected IP moved off a dead node: router re-pointed "
				+ TimeUnit.NANOSECONDS.toMillis(repoint.atNanos() - crashed) + " ms after the crash, once its heir held it");
	}

	@Test
	void anHeirWhoseWorkerDoesNotTakeTheIpIsPassedOverForTheNextNode() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);
		List<Member> survivors = this.members.stream().filter((m) -> m != owner).toList();
		Member heir = member(Rendezvous.owner(ip, ids(survivors)).orElseThrow());
		Member next = survivors.stream().filter((m) -> m != heir).findFirst().orElseThrow();
		heir.dataplane().failOn.set("setHost"); // a worker that cannot take the host

		owner.node().crash();

		await().atMost(Duration.ofSeconds(20)).until(() -> this.moved.size() == 1);
		assertThat(this.moved.get(0).to()).isEqualTo(next.node().id());
		assertThat(this.deviceWrites).hasSize(2);
		DeviceWrite repoint = this.deviceWrites.get(1);
		assertThat(repoint.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(repoint.change().node()).as("never the heir that could not answer").isEqualTo(next.node().id());
		assertThat(repoint.heldByItsNode()).isTrue();
		assertThat(next.dataplane().pickups.get(ip)).isEqualTo(SETTINGS.pickupWindow());
	}

	@Test
	void aDivertedIpThatNoLiveNodeTakesHasItsDiversionWithdrawn() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);
		this.members.stream().filter((m) -> m != owner).forEach((m) -> m.dataplane().failOn.set("setHost"));

		owner.node().crash();

		await().atMost(Duration.ofSeconds(20)).until(() -> this.moved.size() == 1);
		assertThat(this.moved.get(0).to()).as("withdrawn: no node took it").isNull();
		assertThat(this.deviceWrites).hasSize(2);
		assertThat(this.deviceWrites.get(1).change().action()).isEqualTo(RouterChange.Action.RESTORE);
	}

	@Test
	void aNodeWhoseWorkerIsLostHandsItsIpsToAHealthyNodeAndTakesIpsAgainOnceItsWorkerIsBack() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);
		Member heir = member(Rendezvous.owner(ip, ids(this.members.stream().filter((m) -> m != owner).toList()))
			.orElseThrow());

		long lost = System.nanoTime();
		owner.dataplane().failOn.set("setHost"); // the worker exited: it holds nothing and takes nothing
		owner.dataplane().hosts.clear();
		owner.holder().workerLost("worker exited (test)");

		await().atMost(Duration.ofSeconds(15)).until(() -> this.deviceWrites.size() == 2);
		DeviceWrite repoint = this.deviceWrites.get(1);
		assertThat(repoint.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(repoint.change().node()).isEqualTo(heir.node().id());
		assertThat(repoint.heldByItsNode()).isTrue();
		assertThat(heir.dataplane().pickups.get(ip)).isEqualTo(SETTINGS.pickupWindow());
		assertThat(record(leader, ip).state().phase()).isEqualTo(Phase.PROTECTED);
		System.out.println("cluster: a protected IP moved off a node whose worker was lost: router re-pointed "
				+ TimeUnit.NANOSECONDS.toMillis(repoint.atNanos() - lost) + " ms after the loss was reported");

		owner.dataplane().failOn.set("");
		owner.holder().workerBack(false);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> on(leader.node(), () -> leader.node().membership().owners().containsKey(owner.node().id())));
		InetAddress second = ipOwnedBy(owner.node().id(), ip);
		configure(leader, second, ProtectionMode.MANUAL);
		commit(leader, new ProtectionEvent.ProtectRequested(second, "ticket 10", null, Instant.now()));
		awaitPhase(leader, second, Phase.PROTECTED);
		DeviceWrite divert = this.deviceWrites.get(this.deviceWrites.size() - 1);
		assertThat(divert.change().ip()).isEqualTo(second);
		assertThat(divert.change().node()).as("an owner again").isEqualTo(owner.node().id());
		assertThat(divert.heldByItsNode()).isTrue();
		assertThat(this.deviceWrites.stream().filter((w) -> w.change().ip().equals(ip)))
			.as("the first IP stays with its heir: nothing moves back").hasSize(2);
	}

	@Test
	void whenNoNodesWorkerRunsProtectionFailsOpenAndDivertsAgainOnceOneIsBack() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);

		for (Member m : this.members) {
			m.dataplane().failOn.set("setHost");
			m.dataplane().hosts.clear();
			m.holder().workerLost("worker exited (test)");
		}

		awaitPhase(leader, ip, Phase.UNPROTECTED);
		DeviceWrite last = this.deviceWrites.get(this.deviceWrites.size() - 1);
		assertThat(last.change().action()).as("the direct path is back").isEqualTo(RouterChange.Action.RESTORE);
		assertThat(this.deviceWrites.stream().skip(1).map(DeviceWrite::change))
			.as("never diverted to a node without a worker")
			.noneMatch((c) -> c.action() == RouterChange.Action.DIVERT);
		assertThat(this.announcements).anyMatch((a) -> a instanceof ProtectionCommand.Alert alert
				&& alert.kind() == io.syncookied.controlplane.events.AlertKind.FAIL_OPEN);

		Member back = this.members.stream().filter((m) -> m != leader && m != owner).findFirst().orElseThrow();
		back.dataplane().failOn.set("");
		back.holder().workerBack(false);

		awaitPhase(leader, ip, Phase.PROTECTED);
		DeviceWrite again = this.deviceWrites.get(this.deviceWrites.size() - 1);
		assertThat(again.change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(again.change().node()).isEqualTo(back.node().id());
		assertThat(again.heldByItsNode()).isTrue();
	}

	@Test
	void theLeadersReadBackPutsRightADiversionChangedBehindItsBack() throws Exception {
		startThree();
		Member leader = leader(this.members);
		Member owner = notThe(leader);
		InetAddress ip = protectedOn(leader, owner);
		Member other = this.members.stream().filter((m) -> m != leader && m != owner).findFirst().orElseThrow();
		assertThat(notThe(leader).readBack().run().get(5, TimeUnit.SECONDS)).as("a follower reads nothing back")
			.isFalse();
		assertThat(leader.readBack().run().get(5, TimeUnit.SECONDS)).isTrue();
		EtcdTestCluster.sleep(500);
		assertThat(this.deviceWrites).as("a diversion in place is left alone").hasSize(1);

		this.routerTable.remove(ip); // an operator deleted the ARP entry
		assertThat(leader.readBack().run().get(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.deviceWrites.size() == 2);
		assertThat(this.deviceWrites.get(1).change().action()).isEqualTo(RouterChange.Action.DIVERT);
		assertThat(this.deviceWrites.get(1).change().node()).isEqualTo(owner.node().id());
		assertThat(this.announcements).anyMatch((a) -> a instanceof ProtectionCommand.Alert alert
				&& alert.kind() == io.syncookied.controlplane.events.AlertKind.DIVERSION_LOST);
		awaitPhase(leader, ip, Phase.PROTECTED);

		this.routerTable.put(ip, other.node().membership().self().mac()); // pointed at a node that does not hold it
		assertThat(leader.readBack().run().get(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.deviceWrites.size() == 3);
		assertThat(this.deviceWrites.get(2).change().node()).isEqualTo(owner.node().id());
		assertThat(this.deviceWrites.get(2).heldByItsNode()).isTrue();
		assertThat(this.routerTable).containsEntry(ip, owner.node().membership().self().mac());

		InetAddress stray = InetAddress.getByName("198.51.100.250"); // no host at all, diverted to a node
		this.routerTable.put(stray, owner.node().membership().self().mac());
		assertThat(leader.readBack().run().get(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.routerTable.containsKey(stray));
		assertThat(this.deviceWrites.get(this.deviceWrites.size() - 1).change().action())
			.isEqualTo(RouterChange.Action.RESTORE);
	}

	// ---------------------------------------------------------------- fixtures

	/** An IP owned by {@code owner}, protected through the leader until the router diverts it to the owner. */
	private InetAddress protectedOn(Member leader, Member owner) throws Exception {
		InetAddress ip = ipOwnedBy(owner.node().id());
		configure(leader, ip, ProtectionMode.MANUAL);
		commit(leader, new ProtectionEvent.ProtectRequested(ip, "ticket 9", null, Instant.now()));
		awaitPhase(leader, ip, Phase.PROTECTED);
		assertThat(this.deviceWrites).hasSize(1);
		assertThat(this.deviceWrites.get(0).change().node()).isEqualTo(owner.node().id());
		return ip;
	}

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
			if (change.action() == RouterChange.Action.DIVERT) {
				this.routerTable.put(change.ip(), change.mac());
			}
			else {
				this.routerTable.remove(change.ip());
			}
			return CompletableFuture.completedFuture(null);
		});
		Member member = on(node, () -> {
			ClusterProtection protection = new ClusterProtection(node, new ProtectionCore(SETTINGS), router,
					() -> List.copyOf(this.hostsFile), (ip) -> Instant.now(), Duration.ofSeconds(5), QUIET, Clock.systemUTC(),
					this.announcements::add);
			return new Member(node, dataplane, new HostHolder(node, dataplane, sources, SETTINGS.pickupWindow()),
					protection, new Failover(node, router, protection.held(), this.moved::add),
					new RouterReadBack(node, protection, this.routerPort, Duration.ofSeconds(5), Clock.systemUTC()));
		});
		member.holder().start();
		member.protection().start();
		member.failover().start();
		this.members.add(member);
	}

	/**
	 * Applies an event on the leader. A commit etcd did not confirm within its request timeout (a loaded machine) is
	 * tried again, as an operator would; the leader reloads its state from etcd meanwhile.
	 */
	private static Transition commit(Member leader, ProtectionEvent event) throws Exception {
		for (int attempt = 1;; attempt++) {
			try {
				return leader.protection().submit(event).get(10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				boolean again = ex.getCause() instanceof java.util.concurrent.TimeoutException
						|| ex.getCause() instanceof ClusterProtection.NotLeaderException;
				if (attempt == 3 || !again) {
					throw ex;
				}
				EtcdTestCluster.sleep(200);
			}
		}
	}

	/** Adds a host to every node's hosts file, and the leader loads it, as on a reload; its agent reports. */
	private void configure(Member leader, InetAddress ip, ProtectionMode mode) throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> on(leader.node(), () -> leader.protection().ready()));
		this.hostsFile.add(new HostConfig(DpHost.of(ip, "02:00:00:00:02:0a"), null, null, mode,
				DetectionOverrides.NONE, null, 3));
		commit(leader, new ProtectionEvent.HostsLoaded(List.copyOf(this.hostsFile), Instant.now()));
		// the host's agent reports to every node; the leader's copy tells the core the secrets are fresh
		commit(leader, new ProtectionEvent.SecretsArrived(ip, Instant.now()));
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

	private InetAddress ipOwnedBy(NodeId node, InetAddress... besides) throws Exception {
		Set<NodeId> all = ids(this.members);
		return firstIp((ip) -> Rendezvous.owner(ip, all).orElseThrow().equals(node) && !List.of(besides).contains(ip));
	}

	/** An IP {@code owner} serves, and that moves to {@code heir} when the owner is gone. */
	private InetAddress ipMovingTo(Member owner, Member heir) throws Exception {
		Set<NodeId> all = ids(this.members);
		Set<NodeId> survivors = ids(this.members.stream().filter((m) -> m != owner).toList());
		return firstIp((ip) -> Rendezvous.owner(ip, all).orElseThrow().equals(owner.node().id())
				&& Rendezvous.owner(ip, survivors).orElseThrow().equals(heir.node().id()));
	}

	/** The first of 198.51.100.1, .2, ... that {@code wanted} accepts. */
	private static InetAddress firstIp(Predicate<InetAddress> wanted) throws Exception {
		for (int i = 1;; i++) {
			InetAddress ip = InetAddress.getByAddress(new byte[] { (byte) 198, 51, 100, (byte) i });
			if (wanted.test(ip)) {
				return ip;
			}
		}
	}

	/** {@code ip} in mode auto, whose flood {@code reporter}'s detection sees: the leader diverts it. */
	private void floodDiverts(Member leader, Member reporter, InetAddress ip) throws Exception {
		configure(leader, ip, ProtectionMode.AUTO);
		reporter.protection().verdict(ip, true, "SYN flood 50000/s").get(5, TimeUnit.SECONDS);
		awaitPhase(leader, ip, Phase.PROTECTED);
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
