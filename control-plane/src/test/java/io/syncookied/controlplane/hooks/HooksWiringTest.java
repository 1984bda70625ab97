package io.syncookied.controlplane.hooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.syncookied.controlplane.events.ControlEvent;
import io.syncookied.controlplane.events.EventBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The application with {@code syncookied.hooks.*} set: its events reach a real script and a real HTTP listener. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(180)
class HooksWiringTest {

	private static Listener listener;

	private static Path dir;

	@Autowired
	EventBus bus;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void hooks(DynamicPropertyRegistry registry) throws Exception {
		dir = Files.createTempDirectory("cp-hooks");
		listener = Listener.http();
		Path script = dir.resolve("hook.sh");
		Files.writeString(script, "#!/bin/sh\ncat > " + dir.resolve("event.json") + "\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
		registry.add("syncookied.protection.journal", () -> dir.resolve("state.journal").toString());
		registry.add("syncookied.hosts.file", () -> dir.resolve("hosts.yml").toString());
		registry.add("syncookied.hooks.script.path", script::toString);
		registry.add("syncookied.hooks.webhook.url", () -> listener.uri("/syncookied").toString());
		registry.add("syncookied.hooks.webhook.events", () -> "state,alert");
		registry.add("syncookied.hooks.webhook.hmac-secret", () -> "0123456789abcdef0123");
	}

	@AfterAll
	static void close() {
		listener.close();
	}

	@Test
	void aStateChangeOnTheBusReachesTheScriptAndTheWebhook() throws Exception {
		this.bus.publish(new ControlEvent.StateChanged(Instant.now(), "192.0.2.7", "UNPROTECTED", "DIVERTING",
				"wiring test", null));
		Path out = dir.resolve("event.json");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> Files.exists(out) && Files.size(out) > 0 && listener.requests.stream()
				.anyMatch(r -> new String(r.body()).contains("192.0.2.7")));
		assertThat(JsonMapper.builder().build().readTree(Files.readString(out)).get("ip").asString())
			.isEqualTo("192.0.2.7");
		Listener.Request r = listener.requests.stream()
			.filter(q -> new String(q.body()).contains("192.0.2.7"))
			.findFirst()
			.orElseThrow();
		assertThat(r.header("X-Syncookied-Signature")).startsWith("sha256=");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.get("syncookied.hooks.events")
				.tag("sink", "webhook")
				.tag("result", "delivered")
				.counter()
				.count()).isGreaterThanOrEqualTo(1));
	}

}
