package io.syncookied.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The embedded defaults start the application with no external service (no hosts file, no dataplane, no agents, no
 * InfluxDB); only the journal is moved out of the working directory. The shipped example configs: ShippedExamplesTest.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class DefaultConfigurationStartsTest {

	@Autowired
	WebTestClient web;

	@DynamicPropertySource
	static void journal(DynamicPropertyRegistry registry) throws Exception {
		Path dir = Files.createTempDirectory("cp-defaults");
		registry.add("syncookied.protection.journal", () -> dir.resolve("state.journal").toString());
		registry.add("syncookied.hosts.file", () -> dir.resolve("hosts.yml").toString());
	}

	@Test
	void startsHealthyAndTheApiIsClosedWithoutTokens() {
		this.web.get().uri("/actuator/health").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		this.web.get().uri("/api/v1/hosts").header("Authorization", "Bearer anything-at-all-0123456789").exchange()
			.expectStatus().isUnauthorized();
	}

}
