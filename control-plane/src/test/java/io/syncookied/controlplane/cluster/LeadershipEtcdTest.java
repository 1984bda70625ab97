package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static io.syncookied.controlplane.cluster.TestNodes.await;
import static io.syncookied.controlplane.cluster.TestNodes.bytes;
import static io.syncookied.controlplane.cluster.TestNodes.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Membership, election and fenced router changes against a real three-member etcd on loopback. */
@EnabledIf(value = "io.syncookied.controlplane.cluster.EtcdTestCluster#available",
		disabledReason = "Debian's etcd-server is not installed (/usr/bin/etcd); deploy/install-deps.sh installs it")
class LeadershipEtcdTest {

	private static EtcdTestCluster etcd;

	private TestNodes nodes = new TestNodes();

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
		this.nodes.close();
	}

	@Test
	void exactlyOneOfThreeNodesLeadsAndEveryNodeSeesTheSameMembers() {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		assertThat(three.stream().filter((n) -> on(n, () -> n.election().leading()))).containsExactly(leader);
		for (ClusterNode node : three) {
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(on(node, () -> node.membership().live().keySet())).extracting(NodeId::value)
					.containsExactly("fw-1", "fw-2", "fw-3");
				assertThat(on(node, () -> node.election().leader())).isEqualTo(leader.id());
			});
		}
	}

	@Test
	void aCrashedLeaderIsReplacedWithinTheSessionTtlPlusOneSecond() {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		long crashed = System.nanoTime();
		leader.crash();
		List<ClusterNode> rest = three.stream().filter((n) -> n != leader).toList();
		ClusterNode next = awaitLeader(rest);
		long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
		System.out.println("cluster: takeover after a leader crash took " + takeoverMs + " ms");
		assertThat(takeoverMs).as("takeover bound: session-ttl 2 s + 1 s").isLessThanOrEqualTo(3000);
		assertThat(on(next, () -> next.election().term())).isGreaterThan(0);
		await().atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(on(next, () -> next.membership().live().keySet()))
				.doesNotContain(leader.id()));
	}

	@Test
	void aRevokedSessionDeposesTheLeaderAndItsFencedWritesFailInEtcd() throws Exception {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		long term = on(leader, () -> leader.election().term());
		long lease = on(leader, () -> leader.session().leaseId());
		Client admin = this.nodes.admin(etcd.endpoints());

		admin.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);

		ClusterNode next = awaitLeader(three.stream().filter((n) -> n != leader).toList());
		assertThat(on(next, () -> next.election().term())).isGreaterThan(term);
		String key = this.nodes.prefix + "/probe";
		CompletableFuture<?> stale = on(leader,
				() -> leader.election().fenced(term, Op.put(bytes(key), bytes("stale"), PutOption.DEFAULT)));
		assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LeadershipLostException.class);
		assertThat(admin.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS).getKvs()).isEmpty();
		// the revoked node opens a new session and comes back as a member, not as a second leader
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(on(leader, () -> leader.membership().registered())).isTrue());
		assertThat(on(leader, () -> leader.election().leading())).isFalse();
	}

	@Test
	void aLeaderLosingItsLeaseInTheMiddleOfARouterChangeNeverFinishesItAndTheNextLeaderSeesItUnconfirmed()
			throws Exception {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		long term = on(leader, () -> leader.election().term());
		InetAddress ip = InetAddress.getByName("192.0.2.10");
		AtomicInteger deviceCalls = new AtomicInteger();
		CountDownLatch inDevice = new CountDownLatch(1);
		CompletableFuture<Void> device = new CompletableFuture<>();
		FencedDiversion router = new FencedDiversion(leader.election(), leader.keys(), leader.executor(), (change) -> {
			deviceCalls.incrementAndGet();
			inDevice.countDown();
			return device;
		});
		NodeRecord target = leader.membership().self();

		CompletableFuture<RouterChange> change = on(leader,
				() -> router.change(ip, RouterChange.Action.DIVERT, target, "m-1"));
		assertThat(inDevice.await(5, TimeUnit.SECONDS)).isTrue();
		Client admin = this.nodes.admin(etcd.endpoints());
		admin.getLeaseClient().revoke(on(leader, () -> leader.session().leaseId())).get(5, TimeUnit.SECONDS);

		assertThatThrownBy(() -> change.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LeadershipLostException.class);
		device.complete(null); // the device answers late: nothing more may be recorded for the old term
		ClusterNode next = awaitLeader(three.stream().filter((n) -> n != leader).toList());
		long nextTerm = on(next, () -> next.election().term());
		RouterChange recorded = RouterChange.decode(leader.keys().routerChange(ip),
				admin.getKVClient().get(bytes(leader.keys().routerChange(ip))).get(5, TimeUnit.SECONDS)
					.getKvs().get(0).getValue().getBytes());
		assertThat(recorded.phase()).isEqualTo(RouterChange.Phase.STARTED);
		assertThat(recorded.term()).isEqualTo(term);
		assertThat(FencedDiversion.unconfirmed(recorded, nextTerm)).isTrue();

		CompletableFuture<RouterChange> again = on(leader,
				() -> router.change(ip, RouterChange.Action.RESTORE, target, "m-1"));
		assertThatThrownBy(() -> again.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LeadershipLostException.class);
		assertThat(deviceCalls).hasValue(1);

		FencedDiversion nextRouter = new FencedDiversion(next.election(), next.keys(), next.executor(),
				(c) -> CompletableFuture.completedFuture(null));
		RouterChange done = on(next, () -> nextRouter.change(ip, RouterChange.Action.DIVERT,
				next.membership().self(), "m-1")).get(5, TimeUnit.SECONDS);
		assertThat(done.phase()).isEqualTo(RouterChange.Phase.DONE);
		assertThat(done.term()).isEqualTo(nextTerm).isGreaterThan(term);
	}

	@Test
	void aRouterChangeTheDeviceRefusesIsRecordedFailed() throws Exception {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		InetAddress ip = InetAddress.getByName("2001:db8::10");
		FencedDiversion router = new FencedDiversion(leader.election(), leader.keys(), leader.executor(),
				(change) -> CompletableFuture.failedFuture(new IllegalStateException("read-back mismatch")));
		CompletableFuture<RouterChange> change = on(leader,
				() -> router.change(ip, RouterChange.Action.DIVERT, leader.membership().self(), "m-2"));
		assertThatThrownBy(() -> change.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("read-back mismatch");
		Client admin = this.nodes.admin(etcd.endpoints());
		RouterChange recorded = RouterChange.decode(leader.keys().routerChange(ip),
				admin.getKVClient().get(bytes(leader.keys().routerChange(ip))).get(5, TimeUnit.SECONDS)
					.getKvs().get(0).getValue().getBytes());
		assertThat(recorded.phase()).isEqualTo(RouterChange.Phase.FAILED);
	}

	@Test
	void corruptValuesAreLoggedWithTheirKeySkippedAndTheLastGoodValueKept() throws Exception {
		List<ClusterNode> three = startThree();
		ClusterNode leader = awaitLeader(three);
		ClusterNode follower = three.stream().filter((n) -> n != leader).findFirst().orElseThrow();
		PrefixMirror<RouterChange> mirror = follower.mirror(follower.keys().routerChanges(), RouterChange::decode);
		mirror.start();
		InetAddress ip = InetAddress.getByName("192.0.2.20");
		String key = follower.keys().routerChange(ip);
		RouterChange good = new RouterChange(ip, RouterChange.Action.DIVERT, leader.id(), "02:00:00:00:00:01", "m-3",
				on(leader, () -> leader.election().term()), RouterChange.Phase.DONE);
		Client admin = this.nodes.admin(etcd.endpoints());
		admin.getKVClient().put(bytes(key), io.etcd.jetcd.ByteSequence.from(good.encode())).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(on(follower, () -> mirror.values().get(key))).isEqualTo(good));

		admin.getKVClient().put(bytes(key), bytes("{\"v\":1,\"ip\":\"192.0.2.20\"")).get(5, TimeUnit.SECONDS);
		admin.getKVClient().put(bytes(key + "9"), bytes("{\"v\":7}")).get(5, TimeUnit.SECONDS);
		admin.getKVClient().put(bytes(follower.keys().node(new NodeId("fw-9"))), bytes("garbage"))
			.get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(on(follower, () -> mirror.corruptValues())).isEqualTo(2));
		assertThat(on(follower, () -> mirror.values())).containsOnlyKeys(key).containsEntry(key, good);
		assertThat(on(follower, () -> follower.membership().live().keySet())).hasSize(3);
		assertThat(three.stream().filter((n) -> on(n, () -> n.election().leading()))).containsExactly(leader);

		admin.getKVClient().delete(bytes(key)).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(on(follower, () -> mirror.values())).isEmpty());
		mirror.close();
	}

	@Test
	void aSecondProcessWithTheSameNodeIdWaitsUntilTheFirstIsGone() throws Exception {
		ClusterNode first = this.nodes.start(1, etcd.endpoints());
		await().atMost(Duration.ofSeconds(5)).until(() -> on(first, () -> first.membership().registered()));
		ClusterNode twin = this.nodes.start(1, etcd.endpoints());
		EtcdTestCluster.sleep(1500);
		assertThat(on(twin, () -> twin.membership().registered())).isFalse();
		first.close();
		// closing revoked the session lease before it returned: the key is gone now, not one TTL later
		Client admin = this.nodes.admin(etcd.endpoints());
		assertThat(admin.getKVClient().get(bytes(this.nodes.keys.node(new NodeId("fw-1")))).get(5, TimeUnit.SECONDS)
			.getKvs()).allSatisfy((kv) -> assertThat(kv.getLease()).isEqualTo(on(twin, () -> twin.session().leaseId())));
		await().atMost(Duration.ofSeconds(5)).until(() -> on(twin, () -> twin.membership().registered()));
	}

	private List<ClusterNode> startThree() {
		return Stream.of(1, 2, 3).map((n) -> this.nodes.start(n, etcd.endpoints())).toList();
	}

	static ClusterNode awaitLeader(List<ClusterNode> candidates) {
		return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
			List<ClusterNode> leading = candidates.stream().filter((n) -> on(n, () -> n.election().leading())).toList();
			return (leading.size() == 1) ? leading.get(0) : null;
		}, (n) -> n != null);
	}

	static Set<NodeId> ids(List<ClusterNode> nodes) {
		return Set.copyOf(nodes.stream().map(ClusterNode::id).toList());
	}

}
