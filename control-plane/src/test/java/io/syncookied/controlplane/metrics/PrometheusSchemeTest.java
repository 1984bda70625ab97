package io.syncookied.controlplane.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import io.syncookied.controlplane.api.ApiTestBase;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.support.RecordingDataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Prometheus scrape has one scheme: every project metric is {@code syncookied_}-prefixed, no meter failed to
 * register (from the start on), the dataplane's counters are tagged {@code ip} and {@code verdict}, a protected
 * IP's dataplane series leave the scrape once it is unprotected, and all of a host's once it leaves the hosts file.
 */
@ExtendWith(OutputCaptureExtension.class)
@Import(PrometheusSchemeTest.RegistrationFailures.class)
@TestPropertySource(properties = { "syncookied.dataplane.enabled=true", "syncookied.dataplane.manage-worker=false",
		"syncookied.dataplane.heartbeat-interval=200ms", "syncookied.dataplane.stats-interval=200ms" })
class PrometheusSchemeTest extends ApiTestBase {

	/** The libraries' own meters; anything else is the project's and must be prefixed. */
	private static final Pattern LIBRARY = Pattern.compile(
			"(jvm|process|system|http|disk|executor|logback|application|reactor|resilience4j|netty|spring_security)_.*");

	private static final Pattern FAMILY = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE);

	private static final InetAddress IP = new java.net.InetSocketAddress("10.0.2.11", 0).getAddress();

	static final List<String> failures = new CopyOnWriteArrayList<>();

	@TestConfiguration(proxyBeanMethods = false)
	static class RegistrationFailures {

		@Bean
		MeterRegistryCustomizer<MeterRegistry> recordRegistrationFailures() {
			return registry -> registry.config()
				.onMeterRegistrationFailed((id, reason) -> failures.add(id.getName() + ": " + reason));
		}

	}

	@Autowired
	RecordingDataplane dataplane;

	@Test
	void oneSchemeAndAnUnprotectedIpsSeriesLeaveTheScrape(CapturedOutput log) throws IOException {
		Map<String, Long> host = this.dataplane.hostCounters.computeIfAbsent(IP, ip -> new ConcurrentHashMap<>());
		host.put("rx_syn", 1_000L);
		host.put("rx_forwarded", 10L);
		host.put("rx_drop", 3L);
		host.put("rx_drop_bad_cookie", 3L);
		host.put("flows_created", 10L);
		for (String name : List.of("rx_pps", "rx_syn", "rx_forwarded", "rx_drop", "rx_drop_bad_cookie", "flows_created",
				"flows_expired", "rx_frames", "tx_pps", "tx_failed")) {
			this.dataplane.counters.put(name, 5L);
		}
		this.dataplane.counters.put("flows", 42L);
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"scheme test\"}").exchange().expectStatus().isAccepted();

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
			.containsPattern(series("syncookied_dataplane_packets_total", "ip=\"10.0.2.11\",verdict=\"answered\"", "1000.0"))
			.containsPattern(series("syncookied_dataplane_drops_total", "ip=\"10.0.2.11\",reason=\"bad_cookie\"", "3.0"))
			.containsPattern(series("syncookied_dataplane_handshakes_total", "ip=\"10.0.2.11\"", "10.0"))
			.containsPattern(series("syncookied_dataplane_flows", "", "42.0"))
			.containsPattern(series("syncookied_dataplane_worker_events_total", "counter=\"tx_pps\"", "0.0")));
		String scrape = scrape();
		Set<String> families = new TreeSet<>();
		Matcher m = FAMILY.matcher(scrape);
		while (m.find()) {
			families.add(m.group(1));
		}
		assertThat(families).isNotEmpty()
			.allSatisfy(f -> assertThat(f.startsWith("syncookied_") || LIBRARY.matcher(f).matches())
				.as("metric family %s is prefixed", f).isTrue());

		admin().delete().uri("/api/v1/hosts/10.0.2.11/protection").exchange().expectStatus().is2xxSuccessful();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(
				() -> assertThat(scrape()).doesNotContainPattern("syncookied_dataplane_[a-z_]+\\{[^}]*ip=\"10\\.0\\.2\\.11\""));
		assertThat(scrape()).containsPattern(series("syncookied_host_transitions_total", "ip=\"10.0.2.11\",to=\"protected\"", "1.0"));

		// a host that leaves the hosts file takes every series of its own along (its transitions included)
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.protection.host(IP).map(v -> v.state() == Phase.UNPROTECTED).orElse(false));
		try {
			Files.writeString(DIR.resolve("hosts.yml"), HOSTS.replace("""
					- ip: 10.0.2.11
					  mac: 02:00:00:00:02:0b
					""", ""));
			admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
			assertThat(scrape()).doesNotContain("ip=\"10.0.2.11\"").contains("ip=\"10.0.2.10\"");
		}
		finally {
			Files.writeString(DIR.resolve("hosts.yml"), HOSTS);
			admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
		}
		assertThat(failures).isEmpty();
		// the log from this context's start on: Micrometer reports a failed registration there when nobody listens
		assertThat(log.getAll()).contains("Netty started").doesNotContain("registration has failed");
	}

	/** One series line: the name, the given tags after the common ones, the value. */
	private static String series(String name, String tags, String value) {
		return "(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(tags) + "\\} " + Pattern.quote(value) + "$";
	}

	private String scrape() {
		return reader().get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody();
	}

}
