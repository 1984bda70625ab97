package io.syncookied.controlplane.config;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import io.syncookied.controlplane.startup.StartFailure;
import io.syncookied.dataplane.WorkerOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code syncookied.dataplane.*} bound and validated as the application binds it: the worker's tuning reaches
 * {@link WorkerOptions} (from which the worker's command line is made), and a value the worker would refuse stops the
 * start with the setting named.
 */
class DataplanePropertiesTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DataplaneProperties.class)
	static class Bound {

	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Bound.class);

	@Test
	void unsetTuningIsTheWorkersDefaults() {
		this.runner.run(ctx -> assertThat(ctx.getBean(DataplaneProperties.class).workerOptions())
			.isEqualTo(WorkerOptions.DEFAULTS));
	}

	@Test
	void theWorkersTuningIsBound() {
		this.runner
			.withPropertyValues("syncookied.dataplane.flow-slots=65536", "syncookied.dataplane.xdp-mode=skb",
					"syncookied.dataplane.rt-priority=10", "syncookied.dataplane.xsk-ring=16384")
			.run(ctx -> assertThat(ctx.getBean(DataplaneProperties.class).workerOptions())
				.isEqualTo(new WorkerOptions(65536, WorkerOptions.XdpMode.SKB, 10, 16384)));
		for (int ring : new int[] { WorkerOptions.XSK_RING_MIN, WorkerOptions.XSK_RING_MAX }) {
			this.runner.withPropertyValues("syncookied.dataplane.xsk-ring=" + ring)
				.run(ctx -> assertThat(ctx.getBean(DataplaneProperties.class).workerOptions().xskRing()).isEqualTo(ring));
		}
	}

	@Test
	void anXskRingTheWorkerWouldRefuseStopsTheStartNamingIt() {
		for (String ring : new String[] { "3000", "32", "65536", "0", "-64" }) {
			assertThat(refused("syncookied.dataplane.xsk-ring=" + ring))
				.isEqualTo("syncookied.dataplane.xsk-ring: " + ring + " is not a power of two from 64 to 32768");
		}
		assertThat(refused("syncookied.dataplane.xsk-ring=8k")).startsWith("syncookied.dataplane.xsk-ring: cannot be bound");
	}

	@Test
	void theOtherTuningTheWorkerWouldRefuseStopsTheStartNamingIt() {
		assertThat(refused("syncookied.dataplane.flow-slots=100")).startsWith("syncookied.dataplane.flow-slots: ");
		assertThat(refused("syncookied.dataplane.rt-priority=100")).startsWith("syncookied.dataplane.rt-priority: ");
		assertThat(refused("syncookied.dataplane.xdp-mode=native")).startsWith("syncookied.dataplane.xdp-mode: ");
	}

	/** The setting and problem of the start failure that {@code property} causes. */
	private String refused(String property) {
		String[] line = new String[1];
		this.runner.withPropertyValues(property).run(ctx -> {
			assertThat(ctx).as(property).hasFailed();
			StartFailure failure = StartFailure.of(ctx.getStartupFailure()).orElseThrow();
			line[0] = failure.setting() + ": " + failure.problem();
		});
		return line[0];
	}

}
