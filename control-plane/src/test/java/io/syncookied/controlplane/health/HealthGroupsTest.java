package io.syncookied.controlplane.health;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import io.syncookied.controlplane.api.ApiTestBase;
import io.syncookied.controlplane.support.Secrets;
import io.syncookied.controlplane.telemetry.SecretsUpdate;

import static org.awaitility.Awaitility.await;

/**
 * Liveness is the process; readiness is DOWN (503) while no router target can be read or a diverted host's secrets
 * are stale, and says why to a token holder. (The dataplane part: {@link DataplaneHealthIndicatorTest}.)
 */
class HealthGroupsTest extends ApiTestBase {

	@AfterEach
	void routerBack() {
		this.router.failOn.set("");
	}

	@Test
	void readyWhenEverythingIsAndAliveRegardless() {
		await().untilAsserted(() -> this.web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP"));
		this.router.failOn.set("list");
		await().untilAsserted(() -> this.web.get().uri("/actuator/health/readiness").exchange()
			.expectStatus().isEqualTo(503).expectBody().jsonPath("$.status").isEqualTo("DOWN"));
		this.web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		reader().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
			.expectBody()
			.jsonPath("$.components.routers.status").isEqualTo("DOWN")
			.jsonPath("$.components.routers.details.targets.rt").value(v -> org.assertj.core.api.Assertions
				.assertThat((String) v).startsWith("unreachable: injected router failure on list"))
			.jsonPath("$.components.dataplane.status").isEqualTo("UP")
			.jsonPath("$.components.secrets.status").isEqualTo("UP");
		this.web.get().uri("/actuator/health/readiness").exchange().expectBody()
			.jsonPath("$.components").doesNotExist(); // no details without a token
		this.router.failOn.set("");
		await().untilAsserted(() -> this.web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
	}

	@Test
	void notReadyWhileADivertedHostHasStaleSecrets() throws Exception {
		InetAddress ip = InetAddress.getByName("10.0.2.11");
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"readiness\",\"ttl\":\"PT5M\"}").exchange().expectStatus().isAccepted();
		try {
			await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange().expectBody()
				.jsonPath("$.state").isEqualTo("PROTECTED"));
			this.web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
			// the agent went quiet: its last secrets are now older than secrets-max-age (60 s)
			this.secrets.put(new SecretsUpdate(ip, this.clock.instant().minus(Duration.ofMinutes(2)), Secrets.SAMPLE));
			reader().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
				.expectBody()
				.jsonPath("$.components.secrets.status").isEqualTo("DOWN")
				.jsonPath("$.components.secrets.details.stale[0]").value(v -> org.assertj.core.api.Assertions
					.assertThat((String) v).startsWith("10.0.2.11: secrets are 120 s old"));
		}
		finally {
			admin().delete().uri("/api/v1/hosts/10.0.2.11/protection").exchange().expectStatus().isAccepted();
			await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange().expectBody()
				.jsonPath("$.diverted").isEqualTo(false));
		}
		this.web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
	}

}
