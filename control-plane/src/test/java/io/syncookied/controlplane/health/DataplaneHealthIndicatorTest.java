package io.syncookied.controlplane.health;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Status;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.dataplane.WorkerLauncher;
import io.syncookied.controlplane.protection.HarnessAccess;
import io.syncookied.controlplane.supervision.WorkerSupervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dataplane part of readiness, against the real supervisor watching a worker that stops answering. */
class DataplaneHealthIndicatorTest {

	@TempDir
	Path dir;

	HarnessAccess h;

	WorkerSupervisor supervisor;

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

	private DataplaneProperties properties(boolean enabled) {
		return new DataplaneProperties(enabled, false, Path.of("syncookied-dp"), this.dir.resolve("w.sock"), "memory",
				"mem0", null, null, null, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(100),
				Duration.ofSeconds(1), Duration.ofMillis(100), null, io.syncookied.dataplane.WorkerOptions.XdpMode.AUTO,
				0, null);
	}

	private DataplaneHealthIndicator indicator(boolean enabled) {
		DataplaneProperties properties = properties(enabled);
		this.supervisor = new WorkerSupervisor(properties, this.h.properties(), this.h.dataplane(),
				new StaticListableBeanFactory().getBeanProvider(WorkerLauncher.class), this.h.service(),
				this.h.events(), java.time.Clock.systemUTC());
		this.supervisor.start();
		return new DataplaneHealthIndicator(this.supervisor, properties);
	}

	@Test
	void downWhileTheConfiguredWorkerDoesNotAnswer() {
		DataplaneHealthIndicator health = indicator(true);
		await().until(() -> health.health().block().getStatus().equals(Status.UP));
		this.h.dataplane().alive = false;
		await().until(() -> health.health().block().getStatus().equals(Status.DOWN));
		assertThat(health.health().block().getDetails()).containsEntry("worker", "down").containsKey("cause");
		this.h.dataplane().alive = true;
		await().until(() -> health.health().block().getStatus().equals(Status.UP));
	}

	@Test
	void upWhenNoDataplaneIsConfigured() {
		assertThat(indicator(false).health().block().getStatus()).isEqualTo(Status.UP);
	}

}
