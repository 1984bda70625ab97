package io.syncookied.controlplane.cluster;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import io.syncookied.controlplane.ControlPlaneApplication;
import io.syncookied.controlplane.api.TestDoubles;
import io.syncookied.controlplane.protection.ProtectionService;
import io.syncookied.controlplane.support.RecordingDataplane;
import io.syncookied.controlplane.support.RecordingRouter;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

import static io.syncookied.controlplane.cluster.TestNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two whole control planes in cluster mode on a real etcd: a follower redirects a change to the leader (307), answers
 * reads from its copy of etcd, and streams the leader's transitions to its own clients; the host is held by the
 * worker of the node that serves it, and the leader's router write names that node's MAC.
 */
@EnabledIf(value = "io.syncookied.controlplane.cluster.EtcdTestCluster#available",
		disabledReason = "Debian's etcd-server is not installed (/usr/bin/etcd); deploy/install-deps.sh installs it")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterApiEtcdTest {

	private static final String ADMIN = "admin-token-0123456789abcdef";

	private static final String IP = "10.0.2.10";

	private static EtcdTestCluster etcd;

	private static final List<Node> nodes = new ArrayList<>();

	private record Node(int n, URI api, ConfigurableApplicationContext context) {

		WebClient client() {
			return WebClient.builder().baseUrl(this.api.toString())
				.defaultHeader("Authorization", "Bearer " + ADMIN).build();
		}

		<T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		String mac() {
			return String.format("02:00:00:00:00:%02x", this.n);
		}

	}

	@BeforeAll
	static void startCluster() throws Exception {
		etcd = EtcdTestCluster.start(1);
		Path dir = Files.createTempDirectory("cp-cluster");
		Files.writeString(dir.resolve("hosts.yml"), "- ip: " + IP + "\n  mac: 02:00:00:00:02:0a\n");
		for (int n = 1; n <= 2; n++) {
			int port = freePort();
			URI api = URI.create("http://127.0.0.1:" + port);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ControlPlaneApplication.class,
					TestDoubles.class)
				.run("--server.port=" + port, "--server.address=127.0.0.1",
						"--syncookied.api.admin-tokens[0]=" + ADMIN, "--syncookied.hosts.watch=false",
						"--syncookied.hosts.file=" + dir.resolve("hosts.yml"),
						"--syncookied.protection.journal=" + dir.resolve("unused-" + n + ".journal"),
						"--syncookied.dataplane.mac=" + String.format("02:00:00:00:00:%02x", n),
						"--syncookied.cluster.endpoints=" + etcd.endpoints().get(0),
						"--syncookied.cluster.node-id=fw-" + n, "--syncookied.cluster.advertise-url=" + api,
						"--syncookied.cluster.prefix=/api-test", "--logging.level.io.syncookied=INFO");
			nodes.add(new Node(n, api, context));
		}
		// the agent reports to every node
		for (Node node : nodes) {
			node.bean(ProtectionService.class)
				.secretsArrived(new SecretsUpdate(InetAddress.getByName(IP), Instant.now(), Secrets.sampledAt(Instant.now())))
				.block();
		}
	}

	@AfterAll
	static void stopCluster() throws Exception {
		for (Node node : nodes) {
			node.context().close();
		}
		if (etcd != null) {
			etcd.close();
		}
	}

	@Test
	void aFollowerRedirectsChangesToTheLeaderAndShowsEveryTransition() throws Exception {
		// which node leads shows in the answer to a change: the follower redirects it
		List<ClientAnswer> answers = await().atMost(Duration.ofSeconds(30)).until(
				() -> nodes.stream().map(ClusterApiEtcdTest::unprotect).toList(),
				(list) -> list.stream().filter((a) -> a.status() == HttpStatus.ACCEPTED).count() == 1);
		Node leader = nodes.get(answers.indexOf(answers.stream()
			.filter((a) -> a.status() == HttpStatus.ACCEPTED).findFirst().orElseThrow()));
		Node follower = nodes.stream().filter((n) -> n != leader).findFirst().orElseThrow();
		ClientAnswer redirected = answers.get(nodes.indexOf(follower));
		assertThat(redirected.status()).isEqualTo(HttpStatus.TEMPORARY_REDIRECT);
		assertThat(redirected.location())
			.isEqualTo(leader.api().resolve("/api/v1/hosts/" + IP + "/protection?reason=test"));

		List<ServerSentEvent<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		var stream = follower.client().get().uri("/api/v1/events").accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve().bodyToFlux(new org.springframework.core.ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe(seen::add);
		try {
			leader.client().post().uri("/api/v1/hosts/{ip}/protection", IP).contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"reason\": \"ticket 9\"}").retrieve().toBodilessEntity().block(Duration.ofSeconds(30));

			await().atMost(Duration.ofSeconds(30)).until(() -> "PROTECTED".equals(follower.client().get()
				.uri("/api/v1/hosts/{ip}", IP).retrieve().bodyToMono(tools.jackson.databind.JsonNode.class)
				.block(Duration.ofSeconds(10)).path("state").asString()));
			await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
				.anyMatch((e) -> e.data() != null && e.data().contains("\"PROTECTED\"")));
		}
		finally {
			stream.dispose();
		}
		InetAddress ip = InetAddress.getByName(IP);
		Node owner = nodes.stream().filter((n) -> n.bean(RecordingDataplane.class).hosts.contains(ip)).findFirst()
			.orElseThrow();
		assertThat(nodes.stream().filter((n) -> n.bean(RecordingDataplane.class).hosts.contains(ip))).hasSize(1);
		assertThat(leader.bean(RecordingRouter.class).overrides.get(ip)).isEqualTo(owner.mac());
	}

	private record ClientAnswer(HttpStatus status, URI location) {
	}

	private static ClientAnswer unprotect(Node node) {
		return node.client().delete().uri("/api/v1/hosts/{ip}/protection?reason=test", IP)
			.exchangeToMono((response) -> response.releaseBody()
				.thenReturn(new ClientAnswer(HttpStatus.valueOf(response.statusCode().value()),
						response.headers().asHttpHeaders().getLocation())))
			.block(Duration.ofSeconds(30));
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
