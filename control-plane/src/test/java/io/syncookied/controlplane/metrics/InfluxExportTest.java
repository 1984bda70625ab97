package io.syncookied.controlplane.metrics;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Against a real InfluxDB 1.x process (Debian's influxd) started on a free port. */
@EnabledIf(value = "influxdInstalled",
		disabledReason = "no influxd binary (apt-get install influxdb; deploy/install-deps.sh does)")
class InfluxExportTest extends InfluxExportTestBase {

	private static InfluxdProcess influxd;

	static boolean influxdInstalled() {
		return InfluxdProcess.binary().isPresent();
	}

	@DynamicPropertySource
	static void influx(DynamicPropertyRegistry registry) throws Exception {
		Path binary = InfluxdProcess.binary().orElseThrow();
		influxd = InfluxdProcess.start(binary);
		registry.add("management.influx.metrics.export.uri", influxd::url);
	}

	@Override
	String influxUrl() {
		return influxd.url();
	}

	@AfterAll
	static void stopInflux() throws Exception {
		if (influxd != null) {
			influxd.close();
		}
	}

}
