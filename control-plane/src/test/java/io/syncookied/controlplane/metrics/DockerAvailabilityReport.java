package io.syncookied.controlplane.metrics;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** Prints why the Testcontainers twin is skipped, so a skip is never silent. */
class DockerAvailabilityReport {

	@Test
	void reportDocker() {
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			System.err.println("*** SKIPPED InfluxExportContainerTest: no Docker engine on this machine; "
					+ "InfluxExportTest ran the same checks against a local influxd process");
		}
	}

}
