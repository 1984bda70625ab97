package io.syncookied.controlplane.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import io.syncookied.controlplane.api.ApiTestBase;
import io.syncookied.controlplane.support.RecordingDataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application exports to a real InfluxDB 1.x: the measurements, tags and fields arrive as documented (the
 * original syncookied names for dataplane counters), and every query of the Grafana dashboard returns data.
 * Subclasses provide the InfluxDB (a local influxd process, or a container).
 */
// the context exports to this class's own InfluxDB: close it with the class, or its publisher keeps
// failing against the stopped influxd for the rest of the test JVM
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = { "management.influx.metrics.export.enabled=true",
		"management.influx.metrics.export.db=syncookied", "management.influx.metrics.export.step=1s",
		"management.influx.metrics.export.auto-create-db=true", "syncookied.dataplane.enabled=true",
		"syncookied.dataplane.manage-worker=false", "syncookied.dataplane.iface=fw0",
		"syncookied.dataplane.heartbeat-interval=200ms", "syncookied.dataplane.stats-interval=200ms",
		"syncookied.protection.reconcile-delay=1s" })
abstract class InfluxExportTestBase extends ApiTestBase {

	static final java.net.InetAddress IP = new java.net.InetSocketAddress("10.0.2.11", 0).getAddress();

	static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/syncookied-attack.json");

	@Autowired
	RecordingDataplane dataplane;

	private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();

	abstract String influxUrl();

	@AfterEach
	void stopTraffic() {
		this.traffic.shutdownNow();
	}

	@Test
	void metricsArriveWithTheDocumentedNamesAndEveryDashboardQueryHasData() throws Exception {
		// a flood as the firewall counts it: counters grow like a worker's would
		this.traffic.scheduleAtFixedRate(() -> {
			this.dataplane.counters.merge("rx_pps", 1_200L, Long::sum);
			this.dataplane.counters.merge("rx_syn", 1_000L, Long::sum);
			this.dataplane.counters.merge("flows_created", 100L, Long::sum);
			this.dataplane.counters.merge("rx_forwarded", 500L, Long::sum);
			this.dataplane.counters.merge("rx_drop", 55L, Long::sum);
			this.dataplane.counters.merge("rx_drop_bad_cookie", 50L, Long::sum);
			this.dataplane.counters.merge("rx_drop_filtered", 5L, Long::sum);
			this.dataplane.hostCounters.computeIfAbsent(IP, ip -> new java.util.concurrent.ConcurrentHashMap<>())
				.merge("rx_syn", 1_000L, Long::sum);
		}, 0, 100, TimeUnit.MILLISECONDS);
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"influx test\",\"ttl\":\"PT5M\"}").exchange().expectStatus().isAccepted();

		InfluxQuery influx = new InfluxQuery(influxUrl(), "syncookied");
		List<String> expected = List.of("rx_syn", "rx_forwarded", "rx_drop_bad_cookie", "rx_drop_filtered", "rx_pps",
				"flows_created", "rx_syn_ip", "syncookied_host_state", "syncookied_host_syn_rate",
				"syncookied_host_detection_score", "syncookied_agent_secrets_age", "syncookied_protection_step",
				"syncookied_dataplane_up");
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(influx.firstColumn("SHOW MEASUREMENTS")).containsAll(expected));

		// the original's points: integer-ish field "value" (per-second rate), tags host and iface
		assertThat(influx.firstColumn("SHOW FIELD KEYS FROM \"rx_syn\"")).contains("value");
		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"rx_syn\"")).contains("host", "iface");
		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"rx_syn_ip\"")).contains("dest_ip");
		assertThat(influx.firstColumn("SHOW TAG VALUES FROM \"rx_syn_ip\" WITH KEY = \"dest_ip\"")).isNotEmpty();
		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"syncookied_host_state\"")).contains("ip");
		assertThat(influx.firstColumn("SHOW FIELD KEYS FROM \"syncookied_protection_step\"")).contains("count", "sum",
				"mean", "upper");
		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"syncookied_protection_step\"")).contains("step",
				"outcome");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
				influx.nonNullPoints("SELECT max(\"value\") FROM \"rx_syn\" WHERE time > now() - 1h AND \"value\" > 0"))
			.isPositive());
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(influx.nonNullPoints(
				"SELECT last(\"value\") FROM \"syncookied_host_state\" WHERE \"ip\" = '10.0.2.11' AND \"value\" = 2"))
			.isPositive());

		for (Panel panel : panels()) {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(influx.nonNullPoints(panel.query()))
					.as("panel '%s' query %s", panel.title(), panel.query())
					.isPositive());
		}
	}

	record Panel(String title, String query) {
	}

	/** Every target of every panel, with Grafana's macros expanded as Grafana would. */
	static List<Panel> panels() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(5);
		List<Panel> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("syncookied-influxdb");
			for (JsonNode target : panel.path("targets")) {
				String q = target.path("query").asString()
					.replace("$timeFilter", "time > now() - 1h")
					.replace("$__interval", "1s");
				panels.add(new Panel(panel.path("title").asString(), q));
			}
		}
		return panels;
	}

}
