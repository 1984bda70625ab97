package io.syncookied.controlplane.metrics;

import org.testcontainers.containers.InfluxDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same test against InfluxDB 1.8 in a container; the process twin ({@link InfluxExportTest}) runs where Docker
 * does not. {@link DockerAvailabilityReport} says loudly when this one is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class InfluxExportContainerTest extends InfluxExportTestBase {

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
