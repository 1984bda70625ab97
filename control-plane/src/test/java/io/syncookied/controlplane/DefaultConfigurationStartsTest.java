package io.syncookied.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.syncookied.controlplane.hosts.HostsFileParser;
import io.syncookied.controlplane.support.Validations;
import io.syncookied.router.DiversionVendors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded defaults start the application with no external service (no hosts file, no dataplane, no agents, no
 * InfluxDB); only the journal is moved out of the working directory. The shipped example configs parse.
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

	@Test
	void exampleHostsFileParses() throws Exception {
		assertThat(HostsFileParser.parse(Path.of("../deploy/config/controlplane.example.hosts.yml"),
				Validations.targets("border1"))).hasSize(2);
	}

	@Test
	@SuppressWarnings("unchecked")
	void exampleRouterTargetsParse() throws Exception {
		Map<String, Object> doc = new Yaml().load(Files.readString(Path.of("../deploy/config/controlplane.example.yml")));
		Map<String, Object> routers = (Map<String, Object>) ((Map<String, Object>) doc.get("syncookied")).get("routers");
		List<Map<String, Object>> targets = (List<Map<String, Object>>) routers.get("targets");
		assertThat(targets).isNotEmpty();
		for (int i = 0; i < targets.size(); i++) {
			assertThat(DiversionVendors.load().parse("targets[" + i + "]", targets.get(i)).name()).isEqualTo(routers.get("default-target"));
		}
	}

}
