package io.syncookied.controlplane.supervision;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.WorkerEventKind;
import io.syncookied.controlplane.protection.HostView;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.WorkerState;
import io.syncookied.controlplane.support.Netns;
import io.syncookied.controlplane.support.RecordingRouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults injected into the real {@code syncookied-dp} worker (AF_PACKET on a veth, in a network namespace of its
 * own) while the supervisor and protection run against it: the interface missing and then appearing, every control
 * slot held, a client that pipelines requests and never reads, a killed worker, and a control-plane restart. In
 * every case the supervisor keeps trying until the worker is back, and protection waits, fails open and comes back
 * as documented.
 */
class WorkerFaultIT {

	@TempDir
	Path dir;

	Netns ns;

	final RecordingRouter router = new RecordingRouter(new CopyOnWriteArrayList<>());

	final List<WorkerRig> rigs = new ArrayList<>();

	final List<SocketChannel> clients = new ArrayList<>();

	@BeforeEach
	void setUp() throws Exception {
		if (!Files.isExecutable(WorkerRig.BINARY)) {
			String why = WorkerRig.BINARY + " not built (build dataplane-native first: -am)";
			System.err.println("\n*** SKIPPING WorkerFaultIT: " + why + " ***\n");
			Assumptions.abort(why);
		}
		this.ns = Netns.create();
	}

	@AfterEach
	void tearDown() throws Exception {
		for (SocketChannel c : this.clients) {
			c.close();
		}
		for (int i = this.rigs.size() - 1; i >= 0; i--) {
			this.rigs.get(i).close();
		}
		if (this.ns != null) {
			this.ns.close();
		}
	}

	private WorkerRig rig(Duration heartbeatTimeout) throws Exception {
		WorkerRig rig = new WorkerRig(this.dir, this.ns.wrapper(this.dir, WorkerRig.BINARY), "afpacket", "fw0",
				this.router, heartbeatTimeout);
		this.rigs.add(rig);
		return rig;
	}

	private SocketChannel client() throws Exception {
		SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(this.dir.resolve("w.sock")));
		this.clients.add(c);
		return c;
	}

	private static void protect(WorkerRig rig) {
		rig.freshSecrets();
		rig.protection.protect(WorkerRig.HOST, "ticket 4711", null).block();
		await().atMost(Duration.ofSeconds(20)).until(() -> rig.state() == Phase.PROTECTED);
	}

	private long workers() {
		String socket = this.dir.resolve("w.sock").toString();
		return ProcessHandle.allProcesses()
			.filter(p -> p.info().commandLine().orElse("").contains(socket))
			.filter(p -> p.info().command().orElse("").endsWith("syncookied-dp"))
			.count();
	}

	@Test
	void aMissingInterfaceIsRetriedUntilItAppearsAndProtectionWaitsMeanwhile() throws Exception {
		WorkerRig cp = rig(Duration.ofSeconds(1));
		cp.freshSecrets();
		cp.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> cp.supervisor.view().block().restartAttempts() >= 2);
		DataplaneView down = cp.supervisor.view().block();
		assertThat(down.health()).isEqualTo(WorkerSupervisor.Health.DOWN);
		assertThat(down.lastFailure()).contains("fw0");
		assertThat(down.nextRestartAt()).isNotNull();

		HostView waiting = cp.protection.protect(WorkerRig.HOST, "ticket 4711", null).block();
		assertThat(waiting.state()).isEqualTo(Phase.UNPROTECTED);
		assertThat(waiting.pending()).startsWith("dataplane worker down");
		assertThat(this.router.overrides).isEmpty();

		this.ns.veth("fw0", "fw1"); // the interface appears
		await().atMost(Duration.ofSeconds(30)).until(() -> cp.state() == Phase.PROTECTED);
		assertThat(cp.supervisor.healthy()).isTrue();
		assertThat(this.router.overrides).containsKey(WorkerRig.HOST);
		assertThat(cp.dataplane.status().block().hosts()).isEqualTo(1);
		assertThat(cp.workerEvents(WorkerEventKind.RESTART_SCHEDULED)).hasSizeGreaterThanOrEqualTo(2);
		assertThat(cp.alerts()).contains(AlertKind.WORKER_START_FAILED, AlertKind.WORKER_RESTART_FAILED);
	}

	@Test
	void everyControlSlotHeldIsWaitedOutAndTheRunningWorkerIsAdopted() throws Exception {
		this.ns.veth("fw0", "fw1");
		WorkerRig first = rig(Duration.ofSeconds(3));
		first.start();
		protect(first);
		long pid = first.workerPid();
		first.leave(); // the control plane restarts; its connection still holds one of the worker's 8 slots
		for (int i = 0; i < 7; i++) {
			client();
		}

		WorkerRig second = rig(Duration.ofSeconds(1));
		second.freshSecrets();
		second.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> second.supervisor.view().block().restartAttempts() >= 2);
		assertThat(second.supervisor.view().block().lastFailure()).contains("cannot be adopted now");
		assertThat(workers()).as("the running worker is never replaced").isEqualTo(1);

		for (SocketChannel c : this.clients) {
			c.close();
		}
		this.clients.clear();
		await().atMost(Duration.ofSeconds(30)).until(() -> second.supervisor.healthy() && second.state() == Phase.PROTECTED);
		assertThat(second.workerPid()).isEqualTo(pid);
		assertThat(second.workerEvents(WorkerEventKind.ADOPTED)).hasSize(1);
	}

	@Test
	void aClientThatPipelinesRequestsAndNeverReadsDoesNotCostProtection() throws Exception {
		this.ns.veth("fw0", "fw1");
		WorkerRig cp = rig(Duration.ofSeconds(1));
		cp.start();
		protect(cp);
		SocketChannel rogue = client();
		rogue.configureBlocking(false);
		ByteBuffer requests = ByteBuffer.wrap("STATS\n".repeat(3000).getBytes(StandardCharsets.US_ASCII));
		long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (System.nanoTime() < until) { // keep its replies piling up, never read one
			rogue.write(requests);
			if (!requests.hasRemaining()) {
				requests.rewind();
			}
			Thread.sleep(10);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> cp.supervisor.healthy() && cp.state() == Phase.PROTECTED);
		System.out.println("WorkerFaultIT: stalled client: " + cp.supervisor.view().block().restarts()
				+ " worker restart(s) while it was connected");
	}

	@Test
	void aKilledWorkerIsSeenAtOnceAndFailsOpenWithoutWaitingForTheHeartbeat() throws Exception {
		this.ns.veth("fw0", "fw1");
		WorkerRig cp = rig(Duration.ofSeconds(10)); // the heartbeat alone would take 10 s
		cp.start();
		protect(cp);
		long pid = cp.workerPid();
		long killed = System.nanoTime();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
		long down = 0;
		long restoring = 0;
		while ((down == 0 || restoring == 0) && System.nanoTime() - killed < Duration.ofSeconds(10).toNanos()) {
			if (down == 0 && cp.protection.worker().health() == WorkerState.Health.DOWN) {
				down = System.nanoTime();
			}
			if (restoring == 0 && cp.state() != Phase.PROTECTED) {
				restoring = System.nanoTime();
			}
			Thread.onSpinWait();
		}
		assertThat(restoring).as("fail-open within the heartbeat timeout").isPositive();
		System.out.printf("WorkerFaultIT: SIGKILL -> protection knows the worker is down: %.1f ms, -> host RESTORING:"
				+ " %.1f ms%n", (down - killed) / 1e6, (restoring - killed) / 1e6);
		assertThat(cp.workerEvents(WorkerEventKind.EXITED)).singleElement()
			.satisfies(e -> assertThat(e.message()).contains("SIGKILL"));
		await().atMost(Duration.ofSeconds(30)).until(() -> cp.state() == Phase.PROTECTED && cp.supervisor.healthy());
		assertThat(cp.workerPid()).isNotEqualTo(pid);
	}

	@Test
	void aControlPlaneRestartAdoptsTheWorkerWithoutFalseAlerts() throws Exception {
		this.ns.veth("fw0", "fw1");
		WorkerRig first = rig(Duration.ofSeconds(3));
		first.start();
		protect(first);
		long pid = first.workerPid();
		first.leave();
		this.router.failOn.set("restore"); // nothing may restore the diversion meanwhile

		WorkerRig second = rig(Duration.ofSeconds(3));
		ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor();
		try {
			// the agent reports before, while and after the new control plane adopts the worker
			agent.scheduleAtFixedRate(second::freshSecrets, 0, 100, TimeUnit.MILLISECONDS);
			second.start();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> second.protection.worker().up() && second.state() == Phase.PROTECTED);
			Thread.sleep(1500); // a few more secrets pushes to the adopted worker
		}
		finally {
			agent.shutdownNow();
			this.router.failOn.set("");
		}
		assertThat(second.workerPid()).isEqualTo(pid);
		assertThat(second.workerEvents(WorkerEventKind.ADOPTED)).hasSize(1);
		assertThat(second.alerts()).as("no alert at all across the restart").isEmpty();
		assertThat(second.dataplane.status().block().hosts()).isEqualTo(1);
	}

}
