package io.syncookied.controlplane.metrics;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Against a real InfluxDB 1.x process (Debian's influxd) started on a free port. */
class InfluxExportTest extends InfluxExportTestBase {

	private static InfluxdProcess influxd;

	@DynamicPropertySource
	static void influx(DynamicPropertyRegistry registry) throws Exception {
		Path binary = InfluxdProcess.binary().orElse(null);
		if (binary == null) {
			String why = "SKIPPED InfluxExportTest: no influxd binary (apt-get install influxdb; deploy/install-deps.sh does)";
			System.err.println("*** " + why);
			Assumptions.abort(why);
		}
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
