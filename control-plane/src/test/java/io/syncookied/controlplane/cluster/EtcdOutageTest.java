package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static io.syncookied.controlplane.cluster.LeadershipEtcdTest.awaitLeader;
import static io.syncookied.controlplane.cluster.TestNodes.await;
import static io.syncookied.controlplane.cluster.TestNodes.bytes;
import static io.syncookied.controlplane.cluster.TestNodes.on;
import static org.assertj.core.api.Assertions.assertThat;

/** A partitioned member, etcd absent at start, and etcd gone for 30 s: each test has its own three-member etcd. */
@EnabledIf(value = "io.syncookied.controlplane.cluster.EtcdTestCluster#available",
		disabledReason = "Debian's etcd-server is not installed (/usr/bin/etcd); deploy/install-deps.sh installs it")
class EtcdOutageTest {

	private EtcdTestCluster etcd;

	private final TestNodes nodes = new TestNodes();

	@BeforeEach
	void startEtcd() throws Exception {
		this.etcd = EtcdTestCluster.start(3);
	}

	@AfterEach
	void stop() throws Exception {
		this.nodes.close();
		this.etcd.close();
	}

	@Test
	void aLeaderCutOffFromEtcdStepsDownBeforeAnotherNodeTakesOver() {
		// each node talks to its own member only, as co-located nodes do: killing a member cuts its node off
		List<ClusterNode> three = List.of(this.nodes.start(1, List.of(this.etcd.endpoint(0))),
				this.nodes.start(2, List.of(this.etcd.endpoint(1))), this.nodes.start(3, List.of(this.etcd.endpoint(2))));
		ClusterNode leader = awaitLeader(three);
		int member = three.indexOf(leader);
		AtomicLong steppedDown = new AtomicLong();
		AtomicLong tookOver = new AtomicLong();
		Thread watcher = new Thread(() -> {
			while (steppedDown.get() == 0 || tookOver.get() == 0) {
				long now = System.nanoTime();
				if (steppedDown.get() == 0 && !on(leader, () -> leader.election().leading())) {
					steppedDown.set(now);
				}
				for (ClusterNode other : three) {
					if (other != leader && tookOver.get() == 0 && on(other, () -> other.election().leading())) {
						tookOver.set(now);
					}
				}
				EtcdTestCluster.sleep(5);
			}
		});
		long cut = System.nanoTime();
		this.etcd.kill(member);
		watcher.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> steppedDown.get() != 0 && tookOver.get() != 0);
		System.out.printf("cluster: cut-off leader stepped down after %d ms, another took over after %d ms%n",
				TimeUnit.NANOSECONDS.toMillis(steppedDown.get() - cut), TimeUnit.NANOSECONDS.toMillis(tookOver.get() - cut));
		assertThat(steppedDown.get()).as("the old leader stops before the new one starts").isLessThan(tookOver.get());
		// session TTL + 1 s; when the killed member was etcd's raft leader, etcd first elects another (up to two
		// election timeouts) and extends every lease by one election timeout
		assertThat(TimeUnit.NANOSECONDS.toMillis(tookOver.get() - cut))
			.isLessThanOrEqualTo(3000 + 3 * EtcdTestCluster.ELECTION_TIMEOUT_MS);
	}

	@Test
	void aNodeStartedWhileEtcdIsDownWaitsOutsideTheClusterAndJoinsWhenItComesBack() throws Exception {
		this.etcd.killAll();
		ClusterNode node = this.nodes.start(1, this.etcd.endpoints());
		EtcdTestCluster.sleep(2500);
		assertThat(on(node, () -> node.membership().registered())).isFalse();
		assertThat(on(node, () -> node.election().leading())).isFalse();
		assertThat(on(node, () -> node.session().leaseId())).isZero();

		this.etcd.restartAll();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> on(node, () -> node.election().leading() && node.membership().registered()));
	}

	@Test
	void thirtySecondsWithoutEtcdChangeNothingOnceItIsBack() throws Exception {
		ClusterNode one = this.nodes.start(1, this.etcd.endpoints());
		ClusterNode two = this.nodes.start(2, this.etcd.endpoints());
		ClusterNode leader = awaitLeader(List.of(one, two));
		List<ClusterNode> both = List.of(one, two);
		for (ClusterNode node : both) {
			await().atMost(Duration.ofSeconds(5)).until(() -> on(node, () -> node.membership().live().size() == 2));
		}
		long term = on(leader, () -> leader.election().term());
		Map<ClusterNode, Long> leases = Map.of(one, on(one, () -> one.session().leaseId()), two,
				on(two, () -> two.session().leaseId()));
		InetAddress ip = InetAddress.getByName("192.0.2.30");
		RouterChange diverted = new RouterChange(ip, RouterChange.Action.DIVERT, leader.id(), "02:00:00:00:00:01",
				"m-30", term, RouterChange.Phase.DONE);
		Client admin = this.nodes.admin(this.etcd.endpoints());
		admin.getKVClient().put(bytes(leader.keys().routerChange(ip)), ByteSequence.from(diverted.encode()))
			.get(5, TimeUnit.SECONDS);
		List<String> changes = new CopyOnWriteArrayList<>();
		for (ClusterNode node : both) {
			PrefixMirror<RouterChange> router = node.mirror(node.keys().routerChanges(), RouterChange::decode);
			router.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> on(node, () -> router.values().size() == 1));
			on(node, () -> {
				router.listen((key, before, after, rev) -> changes.add(node.id() + " router " + key));
				node.membership().listen((key, before, after, rev) -> changes.add(node.id() + " member " + key));
				node.election().listen(new LeaderElection.Listener() {
					@Override
					public void elected(long t) {
						changes.add(node.id() + " elected " + t);
					}

					@Override
					public void deposed(long t, String why) {
						changes.add(node.id() + " deposed " + t + ": " + why);
					}
				});
				return null;
			});
		}

		this.etcd.killAll();
		EtcdTestCluster.sleep(30_000);
		assertThat(on(leader, () -> leader.election().leading())).as("no certain leader without etcd").isFalse();
		this.etcd.restartAll();

		await().atMost(Duration.ofSeconds(15)).until(() -> on(leader, () -> leader.election().leading()));
		EtcdTestCluster.sleep(3000); // a flap would show within a session TTL of etcd's return
		assertThat(changes).as("membership, leadership and router state after the outage").isEmpty();
		assertThat(on(leader, () -> leader.election().term())).isEqualTo(term);
		for (ClusterNode node : both) {
			assertThat(on(node, () -> node.session().leaseId())).isEqualTo(leases.get(node));
			assertThat(on(node, () -> node.membership().live().size())).isEqualTo(2);
		}
	}

}
