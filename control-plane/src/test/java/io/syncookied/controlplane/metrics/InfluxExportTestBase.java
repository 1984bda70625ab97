package io.syncookied.controlplane.metrics;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import io.syncookied.controlplane.telemetry.AgentTelemetrySource;
import io.syncookied.telemetry.AeadAlgorithm;
import io.syncookied.telemetry.AgentReport;
import io.syncookied.telemetry.DatagramSealer;
import io.syncookied.telemetry.MessageType;
import io.syncookied.telemetry.PresharedKey;
import io.syncookied.telemetry.ReportCodec;
import io.syncookied.telemetry.ReportTrigger;
import io.syncookied.telemetry.SequenceSource;
import io.syncookied.telemetry.Sysctls;
import io.syncookied.telemetry.TcpCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application exports to a real InfluxDB 1.x: the measurements, tags and fields arrive as documented, every
 * project measurement is prefixed, and every query of the Grafana dashboard (panels, the {@code $ip} variable, the
 * state-change annotations) returns non-zero data while the firewall, the agent and the protection produce some.
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
		// the host's agent reports under key 7; its server validates cookies of its own (SyncookiesRecv grows)
		Files.writeString(DIR.resolve("hosts.yml"), HOSTS.replace("  mac: 02:00:00:00:02:0b\n",
				"  mac: 02:00:00:00:02:0b\n  agent_key_id: \"7\"\n"));
		admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
		AtomicLong serverCookies = new AtomicLong();
		DatagramSealer sealer = new DatagramSealer(new SequenceSource(false), System::currentTimeMillis);
		PresharedKey key = new PresharedKey(7, "web1", AeadAlgorithm.CHACHA20_POLY1305, AGENT_KEY);
		DatagramChannel agent = DatagramChannel.open();
		// a flood as the firewall counts it: counters grow like a worker's would
		this.traffic.scheduleAtFixedRate(() -> {
			this.dataplane.counters.merge("rx_pps", 1_200L, Long::sum);
			this.dataplane.counters.merge("rx_syn", 1_000L, Long::sum);
			this.dataplane.counters.merge("flows_created", 100L, Long::sum);
			this.dataplane.counters.merge("rx_forwarded", 500L, Long::sum);
			this.dataplane.counters.merge("rx_drop", 55L, Long::sum);
			this.dataplane.counters.merge("rx_drop_bad_cookie", 50L, Long::sum);
			this.dataplane.counters.merge("rx_drop_filtered", 5L, Long::sum);
			this.dataplane.counters.merge("tx_pps", 1_500L, Long::sum);
			this.dataplane.counters.put("flows", 42L);
			Map<String, Long> host = this.dataplane.hostCounters.computeIfAbsent(IP, ip -> new ConcurrentHashMap<>());
			host.merge("rx_pps", 1_055L, Long::sum);
			host.merge("rx_syn", 1_000L, Long::sum);
			host.merge("flows_created", 100L, Long::sum);
			host.merge("rx_forwarded", 50L, Long::sum);
			host.merge("rx_drop", 5L, Long::sum);
			host.merge("rx_drop_bad_cookie", 5L, Long::sum);
			try {
				agent.send(ByteBuffer.wrap(report(sealer, key, serverCookies.addAndGet(3))), this.agents.bound());
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex); // ends the traffic: the awaits below then fail
			}
		}, 0, 100, TimeUnit.MILLISECONDS);
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"influx test\",\"ttl\":\"PT5M\"}").exchange().expectStatus().isAccepted();

		InfluxQuery influx = new InfluxQuery(influxUrl(), "syncookied");
		List<String> expected = List.of("syncookied_dataplane_packets", "syncookied_dataplane_drops",
				"syncookied_dataplane_handshakes", "syncookied_dataplane_firewall_packets",
				"syncookied_dataplane_firewall_drops", "syncookied_dataplane_firewall_handshakes",
				"syncookied_dataplane_worker_events", "syncookied_dataplane_flows", "syncookied_dataplane_up",
				"syncookied_host_state", "syncookied_host_transitions", "syncookied_host_syncookies_received",
				"syncookied_host_syn_rate", "syncookied_host_detection_score", "syncookied_agent_secrets_age",
				"syncookied_protection_step");
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(influx.firstColumn("SHOW MEASUREMENTS")).containsAll(expected));
		// one scheme: every project measurement is prefixed (the original's rx_syn, rx_syn_ip, ... are gone)
		assertThat(influx.firstColumn("SHOW MEASUREMENTS"))
			.allSatisfy(m -> assertThat(m).matches("(syncookied|jvm|process|system|http|disk|executor|logback|application|reactor|resilience4j|netty|spring_security)_.*"));

		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"syncookied_dataplane_packets\"")).contains("ip", "verdict");
		assertThat(influx.column("SHOW TAG VALUES FROM \"syncookied_dataplane_packets\" WITH KEY = \"verdict\"", 1))
			.containsExactlyInAnyOrder("answered", "forwarded", "dropped");
		assertThat(influx.column("SHOW TAG VALUES FROM \"syncookied_dataplane_firewall_drops\" WITH KEY = \"reason\"", 1))
			.containsExactlyInAnyOrder("bad_cookie", "filtered");
		assertThat(influx.firstColumn("SHOW FIELD KEYS FROM \"syncookied_protection_step\"")).contains("count", "sum",
				"mean", "upper");
		assertThat(influx.firstColumn("SHOW TAG KEYS FROM \"syncookied_protection_step\"")).contains("step",
				"outcome");
		// the firewall's 1000 SYNs per 100 ms arrive as 10000 per second, whatever the export step
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(influx.nonZeroPoints(
				"SELECT sum(\"value\") FROM \"syncookied_dataplane_packets\" WHERE time > now() - 1h AND \"verdict\" = 'answered'"
						+ " AND \"ip\" = '10.0.2.11'"))
			.isPositive());
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(influx.nonNullPoints(
				"SELECT last(\"value\") FROM \"syncookied_host_state\" WHERE \"ip\" = '10.0.2.11' AND \"value\" = 2"))
			.isPositive());

		Dashboard dashboard = dashboard();
		for (Panel panel : dashboard.panels()) {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(influx.nonZeroPoints(panel.query()))
					.as("panel '%s' query %s", panel.title(), panel.query())
					.isPositive());
		}
		assertThat(influx.column(dashboard.ipVariable(), 1)).contains("10.0.2.11");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(influx.series(dashboard.annotations()).toString())
			.as("annotation query %s", dashboard.annotations())
			.contains("\"protected\"", "\"10.0.2.11\""));
		agent.close();
	}

	@Autowired
	AgentTelemetrySource agents;

	private static byte[] report(DatagramSealer sealer, PresharedKey key, long syncookiesRecv) throws Exception {
		AgentReport report = new AgentReport("web1.example", ReportTrigger.INTERVAL, null, null, 0, false,
				new Sysctls(1, 1, 1, 1, 2, 4096, 4096, 2),
				new TcpCounters(syncookiesRecv, syncookiesRecv, 0, 0, 0, 0, 0, syncookiesRecv, syncookiesRecv, 0, 0),
				List.of(), 0);
		ByteBuffer plain = ByteBuffer.allocate(1400);
		ReportCodec.encode(report, plain);
		return sealer.seal(key, MessageType.REPORT, plain.array(), 0, plain.position());
	}

	record Dashboard(List<Panel> panels, String ipVariable, String annotations) {
	}

	record Panel(String title, String query) {
	}

	/**
	 * Every target of every panel, the {@code $ip} variable's query and the annotations' query, with Grafana's
	 * macros expanded as Grafana would for the tested IP and a 1 s bucket.
	 */
	static Dashboard dashboard() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(5);
		List<Panel> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("syncookied-influxdb");
			for (JsonNode target : panel.path("targets")) {
				panels.add(new Panel(panel.path("title").asString(), expand(target.path("query").asString())));
			}
		}
		String variable = "";
		for (JsonNode v : dashboard.path("templating").path("list")) {
			if (v.path("name").asString().equals("ip")) {
				variable = v.path("query").asString();
			}
		}
		assertThat(variable).as("the $ip variable").isNotEmpty();
		JsonNode annotations = dashboard.path("annotations").path("list");
		assertThat(annotations.size()).as("annotations").isEqualTo(1);
		return new Dashboard(panels, variable, expand(annotations.path(0).path("query").asString()));
	}

	private static String expand(String query) {
		return query.replace("$timeFilter", "time > now() - 1h")
			.replace("$__interval_ms", "1000")
			.replace("$__interval", "1s")
			.replace("$ip", "10\\.0\\.2\\.11");
	}

}
