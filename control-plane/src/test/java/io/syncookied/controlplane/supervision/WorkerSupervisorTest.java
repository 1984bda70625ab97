package io.syncookied.controlplane.supervision;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.WorkerLauncher;
import io.syncookied.controlplane.events.AlertKind;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.WorkerEventKind;
import io.syncookied.controlplane.protection.HarnessAccess;
import io.syncookied.controlplane.protection.core.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor against a scripted launcher and the protection service: a worker that hangs is declared lost after
 * the heartbeat timeout, one whose exit is seen is lost at once; either way protection fails open, the worker is
 * restarted with exponential backoff for as long as it takes, and once it is back the wanted hosts are diverted again.
 */
class WorkerSupervisorTest {

	private static final String HOST = "10.0.2.11";

	/**
	 * Long enough for a heartbeat on a loaded 2-core machine (a shorter one declared a healthy worker lost and
	 * restarted it once more than the test counts), short enough for a test.
	 */
	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

	/** How long a condition may take to come true: what is asserted is that it does, not how fast. */
	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	HarnessAccess h;

	WorkerSupervisor supervisor;

	final ScriptedLauncher launcher = new ScriptedLauncher();

	@BeforeEach
	void setUp() throws Exception {
		this.h = new HarnessAccess(this.dir);
	}

	@AfterEach
	void tearDown() throws Exception {
		if (this.supervisor != null) {
			this.supervisor.destroy();
		}
		this.h.close();
	}

	/** A worker launcher whose starts fail while {@link #failures} is positive. */
	final class ScriptedLauncher implements WorkerLauncher {

		final AtomicInteger starts = new AtomicInteger();

		final AtomicInteger stops = new AtomicInteger();

		final AtomicInteger failures = new AtomicInteger();

		volatile @Nullable Consumer<String> exitListener;

		@Override
		public void start() {
			this.starts.incrementAndGet();
			if (this.failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				throw new IllegalStateException("dataplane worker failed to start: exit status 1; its log says: "
						+ "af_packet bind fw0: No such device");
			}
			WorkerSupervisorTest.this.h.dataplane().alive = true;
		}

		@Override
		public void stop() {
			this.stops.incrementAndGet();
		}

		@Override
		public boolean isAlive() {
			return WorkerSupervisorTest.this.h.dataplane().alive;
		}

		@Override
		public void onExit(Consumer<String> listener) {
			this.exitListener = listener;
		}

		@Override
		public String describe() {
			return "test worker";
		}

		void exits() {
			WorkerSupervisorTest.this.h.dataplane().alive = false;
			Consumer<String> l = this.exitListener;
			if (l != null) {
				l.accept("dataplane worker pid 42 killed by SIGKILL");
			}
		}

	}

	private void startSupervisor(Duration heartbeatTimeout, Duration backoff, Duration backoffMax) {
		DataplaneProperties properties = new DataplaneProperties(true, true, Path.of("syncookied-dp"),
				this.dir.resolve("w.sock"), "memory", "mem0", null, null, null, Duration.ofMillis(100),
				heartbeatTimeout, backoff, backoffMax, Duration.ofMillis(100), null,
				io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0, null);
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("launcher", this.launcher);
		this.supervisor = new WorkerSupervisor(properties, this.h.properties(), this.h.dataplane(),
				beans.getBeanProvider(WorkerLauncher.class), this.h.service(), this.h.events(),
				java.time.Clock.systemUTC());
		this.supervisor.start();
	}

	private List<ControlEvent.Worker> workerEvents(WorkerEventKind kind) {
		return this.h.seen()
			.stream()
			.filter(e -> e instanceof ControlEvent.Worker w && w.what() == kind)
			.map(e -> (ControlEvent.Worker) e)
			.toList();
	}

	@Test
	void anUnhealthyWorkerFailsOpenIsRestartedAndHostsComeBack() {
		startSupervisor(HEARTBEAT_TIMEOUT, Duration.ofMillis(100), Duration.ofSeconds(1));
		await().atMost(PATIENCE).until(() -> this.launcher.starts.get() == 1 && this.supervisor.healthy());

		this.h.protect(HOST);
		this.h.dataplane().alive = false; // the worker hangs
		await().atMost(PATIENCE).until(() -> this.h.state(HOST) == Phase.UNPROTECTED);
		assertThat(this.h.alerts()).contains("fail-open");
		assertThat(workerEvents(WorkerEventKind.UNHEALTHY)).isNotEmpty();

		await().atMost(PATIENCE).until(() -> this.launcher.starts.get() == 2);
		assertThat(this.launcher.stops.get()).isEqualTo(1);
		await().atMost(PATIENCE).until(() -> this.h.state(HOST) == Phase.PROTECTED);
		assertThat(this.supervisor.view().block().restarts()).isEqualTo(1);
		assertThat(ProtectionProperties.FailMode.OPEN).isEqualTo(this.h.properties().failMode());
	}

	@Test
	void anExitSeenFailsOpenAtOnceNotAfterTheHeartbeatTimeout() {
		startSupervisor(Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(1));
		await().atMost(PATIENCE).until(() -> this.supervisor.healthy());
		this.h.protect(HOST);
		long before = System.nanoTime();
		this.launcher.exits();
		await().atMost(PATIENCE).until(() -> this.h.state(HOST) != Phase.PROTECTED);
		assertThat(Duration.ofNanos(System.nanoTime() - before)).as("far below the 30 s heartbeat timeout")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(workerEvents(WorkerEventKind.EXITED)).singleElement()
			.satisfies(w -> assertThat(w.message()).contains("SIGKILL"));
		assertThat(this.h.alerts()).contains("fail-open");
		await().atMost(PATIENCE).until(() -> this.h.state(HOST) == Phase.PROTECTED);
	}

	@Test
	void restartsNeverStopAndBackOffExponentiallyUpToTheCap() throws Exception {
		startSupervisor(HEARTBEAT_TIMEOUT, Duration.ofMillis(100), Duration.ofMillis(400));
		await().atMost(PATIENCE).until(() -> this.supervisor.healthy());
		this.h.protect(HOST);
		this.launcher.failures.set(5); // e.g. the interface is gone for a while
		this.launcher.exits();
		await().atMost(PATIENCE).until(() -> this.launcher.starts.get() >= 4);
		DataplaneView during = this.supervisor.view().block();
		assertThat(during.health()).isEqualTo(WorkerSupervisor.Health.DOWN);
		assertThat(during.restartAttempts()).isGreaterThanOrEqualTo(3);
		assertThat(during.lastFailure()).contains("No such device");
		assertThat(this.h.service().host(java.net.InetAddress.getByName(HOST)).orElseThrow().pending())
			.as("still wanted, waiting for the worker").contains("dataplane worker");

		await().atMost(PATIENCE).until(() -> this.h.state(HOST) == Phase.PROTECTED);
		assertThat(this.launcher.starts.get()).as("first start, five failed attempts, the one that worked")
			.isEqualTo(7);
		assertThat(workerEvents(WorkerEventKind.RESTART_SCHEDULED)).extracting(ControlEvent.Worker::message)
			.containsExactly("restart attempt 1 in 100 ms", "restart attempt 2 in 200 ms", "restart attempt 3 in 400 ms",
					"restart attempt 4 in 400 ms", "restart attempt 5 in 400 ms", "restart attempt 6 in 400 ms");
		assertThat(this.h.seen()).filteredOn(e -> e instanceof ControlEvent.Alert a
				&& a.kind() == AlertKind.WORKER_RESTART_FAILED).hasSize(5);
		assertThat(workerEvents(WorkerEventKind.RECOVERED)).hasSize(1);
		DataplaneView after = this.supervisor.view().block();
		assertThat(after.restartAttempts()).isZero();
		assertThat(after.nextRestartAt()).isNull();
		assertThat(after.restarts()).isEqualTo(6);
	}

	@Test
	void aWorkerThatCannotStartAtAllIsRetriedAndProtectionWaitsMeanwhile() {
		this.launcher.failures.set(2);
		this.h.dataplane().alive = false; // nothing answers on the socket until a start works
		startSupervisor(HEARTBEAT_TIMEOUT, Duration.ofMillis(100), Duration.ofMillis(200));
		await().atMost(PATIENCE).until(() -> this.supervisor.healthy());
		assertThat(this.launcher.starts.get()).isEqualTo(3);
		assertThat(this.h.seen()).filteredOn(e -> e instanceof ControlEvent.Alert a
				&& a.kind() == AlertKind.WORKER_START_FAILED).hasSize(1);
	}

	@Test
	void theBackoffDoublesUpToItsCap() {
		Duration initial = Duration.ofSeconds(2);
		Duration max = Duration.ofMinutes(1);
		assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 1000).stream().map(n -> RestartBackoff.delay(n, initial, max)).toList())
			.containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16),
					Duration.ofSeconds(32), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1));
	}

}
