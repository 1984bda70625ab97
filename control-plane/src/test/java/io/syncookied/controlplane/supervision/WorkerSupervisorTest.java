package io.syncookied.controlplane.supervision;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.dataplane.WorkerLauncher;
import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.HarnessAccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker stops answering while a host is diverted: the supervisor declares it unhealthy after the heartbeat
 * timeout, fails open (restores the direct path), raises an event and restarts it; once healthy again the host is
 * pushed back and, still wanted, diverted again.
 */
class WorkerSupervisorTest {

	@TempDir
	Path dir;

	HarnessAccess h;

	WorkerSupervisor supervisor;

	final AtomicInteger starts = new AtomicInteger();

	final AtomicInteger stops = new AtomicInteger();

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

	@Test
	void anUnhealthyWorkerFailsOpenIsRestartedAndHostsComeBack() throws Exception {
		DataplaneProperties properties = new DataplaneProperties(true, true, Path.of("syncookied-dp"),
				this.dir.resolve("w.sock"), "memory", "mem0", null, null, null, Duration.ofMillis(100),
				Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(100), null,
				io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO, 0);
		WorkerLauncher launcher = new WorkerLauncher() {
			@Override
			public void start() {
				WorkerSupervisorTest.this.starts.incrementAndGet();
				WorkerSupervisorTest.this.h.dataplane().alive = true; // the restarted worker answers again
			}

			@Override
			public void stop() {
				WorkerSupervisorTest.this.stops.incrementAndGet();
			}

			@Override
			public boolean isAlive() {
				return WorkerSupervisorTest.this.h.dataplane().alive;
			}

			@Override
			public String describe() {
				return "test worker";
			}
		};
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("launcher", launcher);
		this.supervisor = new WorkerSupervisor(properties, this.h.properties(), this.h.dataplane(),
				beans.getBeanProvider(WorkerLauncher.class), this.h.service(), this.h.events(), java.time.Clock.systemUTC());
		this.supervisor.start();
		await().until(() -> this.starts.get() == 1 && this.supervisor.healthy());

		this.h.protect("10.0.2.11");
		this.h.dataplane().alive = false; // the worker hangs
		await().atMost(Duration.ofSeconds(10)).until(() -> this.h.state("10.0.2.11") == Phase.UNPROTECTED);
		assertThat(this.h.alerts()).contains("fail-open");
		assertThat(this.h.seen()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ControlEvent.Worker.class,
				w -> assertThat(w.what()).isEqualTo("unhealthy")));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.starts.get() == 2);
		assertThat(this.stops.get()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.h.state("10.0.2.11") == Phase.PROTECTED);
		assertThat(this.supervisor.view().block().restarts()).isEqualTo(1);
		assertThat(ProtectionProperties.FailMode.OPEN).isEqualTo(this.h.properties().failMode());
	}

}
