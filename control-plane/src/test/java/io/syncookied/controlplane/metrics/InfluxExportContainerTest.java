package io.syncookied.controlplane.metrics;

import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.InfluxDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same test against InfluxDB 1.8 in a container; the process twin ({@link InfluxExportTest}) runs where Docker
 * does not. Without Docker this class is skipped through JUnit with its reason (printed by {@code SkipReasons}).
 */
@EnabledIf(value = "dockerAvailable",
		disabledReason = "no Docker engine on this machine; InfluxExportTest ran the same checks against a local influxd process")
@Testcontainers
class InfluxExportContainerTest extends InfluxExportTestBase {

	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	@Container
	static final InfluxDBContainer<?> INFLUX = new InfluxDBContainer<>(DockerImageName.parse("influxdb:1.8"))
		.withAuthEnabled(false);

	@DynamicPropertySource
	static void influx(DynamicPropertyRegistry registry) {
		registry.add("management.influx.metrics.export.uri", INFLUX::getUrl);
	}

	@Override
	String influxUrl() {
		return INFLUX.getUrl();
	}

}
