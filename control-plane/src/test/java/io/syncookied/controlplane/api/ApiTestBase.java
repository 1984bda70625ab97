package io.syncookied.controlplane.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.syncookied.controlplane.support.RecordingRouter;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.telemetry.SecretsStore;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

/**
 * The whole application on a random port, with the dataplane and the router replaced by recording test doubles
 * (which block on boundedElastic like the real ones), a temp hosts file and journal, two tokens, and the agents'
 * receiver on a free loopback port with one key ({@link #AGENT_KEY}, id 7).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "syncookied.api.admin-tokens[0]=" + ApiTestBase.ADMIN, "syncookied.api.read-tokens[0]=" + ApiTestBase.READ,
				"syncookied.hosts.watch=false", "logging.level.io.syncookied=WARN", "syncookied.telemetry.enabled=true",
				"syncookied.telemetry.bind=127.0.0.1", "syncookied.telemetry.port=0",
				"syncookied.health.router-check-interval=300ms" })
@AutoConfigureWebTestClient
@Import(TestDoubles.class)
public abstract class ApiTestBase {

	protected static final String ADMIN = "admin-token-0123456789abcdef";

	protected static final String READ = "read-token-0123456789abcdef";

	protected static final String HOSTS = """
			- ip: 10.0.2.10
			  mac: 02:00:00:00:02:0a
			  mode: auto
			- ip: 10.0.2.11
			  mac: 02:00:00:00:02:0b
			- ip: 10.0.2.12
			  mac: 02:00:00:00:02:0c
			  mode: off
			""";

	protected static final byte[] AGENT_KEY = java.util.HexFormat.of()
		.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

	protected static final Path DIR = tempDir();

	@Autowired
	protected WebTestClient web;

	@Autowired
	protected SecretsStore secrets;

	@Autowired
	protected ProtectionService protection;

	@Autowired
	protected Clock clock;

	@Autowired
	protected RecordingRouter router;

	@DynamicPropertySource
	static void paths(DynamicPropertyRegistry registry) {
		registry.add("syncookied.hosts.file", () -> DIR.resolve("hosts.yml").toString());
		// a list binds from one property source only: the whole key is here
		registry.add("syncookied.telemetry.keys[0].id", () -> "7");
		registry.add("syncookied.telemetry.keys[0].host", () -> "web1");
		registry.add("syncookied.telemetry.keys[0].file", () -> DIR.resolve("agent.key").toString());
		// one journal per application context: contexts are cached and live side by side
		String journal = DIR.resolve("state-" + java.util.UUID.randomUUID() + ".journal").toString();
		registry.add("syncookied.protection.journal", () -> journal);
	}

	private static Path tempDir() {
		try {
			Path dir = Files.createTempDirectory("cp-api");
			Files.writeString(dir.resolve("hosts.yml"), HOSTS);
			Files.write(dir.resolve("agent.key"), AGENT_KEY);
			Files.setPosixFilePermissions(dir.resolve("agent.key"),
					java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@BeforeEach
	void freshSecrets() throws IOException {
		// the API's correctness is asserted, never its speed: generous for a loaded machine (the requests that once
		// hung for good were kept-alive connections the server no longer read: see ApiKeepAliveTest)
		this.web = this.web.mutate().responseTimeout(java.time.Duration.ofSeconds(30)).build();
		Files.writeString(DIR.resolve("hosts.yml"), HOSTS);
		for (String ip : List.of("10.0.2.10", "10.0.2.11")) {
			this.protection.secretsArrived(new SecretsUpdate(InetAddress.getByName(ip), this.clock.instant(), Secrets.SAMPLE))
				.block();
		}
	}

	protected WebTestClient admin() {
		return this.web.mutate().defaultHeader("Authorization", "Bearer " + ADMIN).build();
	}

	protected WebTestClient reader() {
		return this.web.mutate().defaultHeader("Authorization", "Bearer " + READ).build();
	}

}
