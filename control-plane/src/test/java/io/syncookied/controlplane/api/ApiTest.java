package io.syncookied.controlplane.api;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;

import static org.awaitility.Awaitility.await;

class ApiTest extends ApiTestBase {

	private static final String PROBLEM = "application/problem+json";

	@Test
	void noTokenIs401WithAProblem() {
		this.web.get().uri("/api/v1/hosts").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"syncookied\"")
			.expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.title").isEqualTo("missing bearer token").jsonPath("$.status").isEqualTo(401);
	}

	@Test
	void unknownTokenIs401() {
		this.web.get().uri("/api/v1/hosts").header("Authorization", "Bearer not-a-known-token-at-all").exchange()
			.expectStatus().isUnauthorized().expectBody().jsonPath("$.title").isEqualTo("invalid bearer token");
		this.web.get().uri("/api/v1/hosts").header("Authorization", "Basic " + ADMIN).exchange()
			.expectStatus().isUnauthorized();
		this.web.get().uri("/api/v1/hosts").header("Authorization", "Bearer ").exchange()
			.expectStatus().isUnauthorized();
	}

	@Test
	void readTokenReadsButCannotWrite() {
		reader().get().uri("/api/v1/hosts").exchange().expectStatus().isOk();
		reader().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"x\"}").exchange()
			.expectStatus().isForbidden().expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.title").isEqualTo("admin scope required");
		reader().delete().uri("/api/v1/hosts/10.0.2.11/protection").exchange().expectStatus().isForbidden();
		reader().post().uri("/api/v1/config/reload").exchange().expectStatus().isForbidden();
	}

	@Test
	void listsHostsWithStateModeAndAgentFreshness() {
		reader().get().uri("/api/v1/hosts").exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.length()").isEqualTo(3)
			.jsonPath("$[0].ip").isEqualTo("10.0.2.10")
			.jsonPath("$[0].mode").isEqualTo("auto")
			.jsonPath("$[0].since").exists()
			.jsonPath("$[0].reason").exists()
			.jsonPath("$[0].agent.secretsFresh").isEqualTo(true)
			.jsonPath("$[2].mode").isEqualTo("off")
			.jsonPath("$[2].agent.secretsFresh").isEqualTo(false);
	}

	@Test
	void oneHost() {
		reader().get().uri("/api/v1/hosts/10.0.2.12").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.state").isEqualTo("UNPROTECTED").jsonPath("$.diverted").isEqualTo(false);
	}

	@Test
	void notAnIpIs400NamingTheField() {
		reader().get().uri("/api/v1/hosts/not-an-ip").exchange()
			.expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.field").isEqualTo("ip")
			.jsonPath("$.detail").isEqualTo("ip: 'not-an-ip' is not an IPv4 or IPv6 address");
		reader().get().uri("/api/v1/hosts/10.0.0.256").exchange().expectStatus().isBadRequest();
	}

	@Test
	void aFourThousandCharacterIpIs400OnItsLengthAlone() {
		reader().get().uri("/api/v1/hosts/" + "1:".repeat(2000)).exchange()
			.expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("ip")
			.jsonPath("$.detail").value(d -> org.assertj.core.api.Assertions.assertThat((String) d)
				.endsWith("(4000 characters) is not an IPv4 or IPv6 address: those have at most 45"));
	}

	@Test
	void unknownHostIs404() {
		reader().get().uri("/api/v1/hosts/192.0.2.1").exchange()
			.expectStatus().isNotFound().expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.detail").isEqualTo("192.0.2.1 is not a configured host (see syncookied.hosts.file)");
		admin().post().uri("/api/v1/hosts/192.0.2.1/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"x\"}").exchange().expectStatus().isNotFound();
		admin().delete().uri("/api/v1/hosts/192.0.2.1/protection").exchange().expectStatus().isNotFound();
	}

	@Test
	void protectAndUnprotect() {
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"ticket 4711\",\"ttl\":\"PT30M\"}").exchange()
			.expectStatus().isAccepted()
			.expectBody()
			.jsonPath("$.state").isEqualTo("DIVERTING")
			.jsonPath("$.intent.trigger").isEqualTo("manual")
			.jsonPath("$.intent.reason").isEqualTo("ticket 4711")
			.jsonPath("$.intent.expiresAt").exists();
		await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange()
			.expectBody().jsonPath("$.state").isEqualTo("PROTECTED"));
		admin().delete().uri("/api/v1/hosts/10.0.2.11/protection?reason=over").exchange()
			.expectStatus().isAccepted().expectBody().jsonPath("$.state").isEqualTo("RESTORING");
		await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange()
			.expectBody().jsonPath("$.state").isEqualTo("UNPROTECTED").jsonPath("$.reason").isEqualTo("manual: over"));
	}

	@Test
	void badProtectBodiesAre400NamingTheField() {
		badBody(null, "body");
		badBody("{not json", "body");
		badBody("[1,2]", "body");
		badBody("{\"ttl\":\"PT5M\"}", "reason");
		badBody("{\"reason\":\"   \"}", "reason");
		badBody("{\"reason\":42}", "reason");
		badBody("{\"reason\":\"x\",\"ttl\":\"soon\"}", "ttl");
		badBody("{\"reason\":\"x\",\"ttl\":30}", "ttl");
		badBody("{\"reason\":\"x\",\"ttl\":\"-PT5M\"}", "ttl");
		badBody("{\"reason\":\"x\",\"tll\":\"PT5M\"}", "tll");
	}

	private void badBody(String body, String field) {
		var request = admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON);
		(body != null ? request.bodyValue(body) : request).exchange()
			.expectStatus().isBadRequest().expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.field").isEqualTo(field);
	}

	@Test
	void refusedProtectionIs409() {
		admin().post().uri("/api/v1/hosts/10.0.2.12/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"x\"}").exchange()
			.expectStatus().isEqualTo(409).expectHeader().contentType(PROBLEM)
			.expectBody().jsonPath("$.code").isEqualTo("mode-off");
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"x\",\"ttl\":\"P30D\"}").exchange()
			.expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("ttl-out-of-range");
	}

	@Test
	void wrongMethodIs405AsAProblem() {
		admin().put().uri("/api/v1/hosts/10.0.2.11/protection").exchange()
			.expectStatus().isEqualTo(405).expectHeader().contentType(PROBLEM);
	}

	@Test
	void reloadAcceptsAGoodFileAndRejectsABadOneKeepingTheOld() throws Exception {
		admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.accepted").isEqualTo(true).jsonPath("$.hosts").isEqualTo(3);
		Files.writeString(DIR.resolve("hosts.yml"), HOSTS + "- ip: 10.0.2.13\n  mac: 02:00:00:00:02:zz\n");
		admin().post().uri("/api/v1/config/reload").exchange()
			.expectStatus().isEqualTo(422).expectHeader().contentType(PROBLEM)
			.expectBody()
			.jsonPath("$.line").isEqualTo(10)
			.jsonPath("$.field").isEqualTo("hosts[3].mac")
			.jsonPath("$.file").isEqualTo(DIR.resolve("hosts.yml").toAbsolutePath().toString());
		reader().get().uri("/api/v1/hosts").exchange().expectBody().jsonPath("$.length()").isEqualTo(3);
	}

	@Test
	void dataplaneStatus() {
		reader().get().uri("/api/v1/dataplane").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.enabled").isEqualTo(false).jsonPath("$.failMode").isEqualTo("open")
			.jsonPath("$.status.cause").exists();
	}

	@Test
	void openApiDocumentIsPublic() {
		this.web.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).value(s -> org.assertj.core.api.Assertions.assertThat(s)
				.contains("openapi: 3.").contains("/api/v1/hosts/{ip}/protection"));
	}

	@Test
	void actuatorHealthIsPublicButMetricsNeedAToken() {
		this.web.get().uri("/actuator/health").exchange().expectStatus().isOk();
		this.web.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		reader().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.expectBody(String.class).value(s -> org.assertj.core.api.Assertions.assertThat(s)
				.contains("syncookied_host_state{").contains("ip=\"10.0.2.11\""));
	}

	@Test
	void eventsStreamStateChanges() {
		Flux<ServerSentEvent<String>> events = reader().get().uri("/api/v1/events")
			.accept(MediaType.TEXT_EVENT_STREAM).exchange()
			.expectStatus().isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();
		StepVerifier.create(events.filter(e -> "state".equals(e.event())).take(2))
			.then(() -> admin().post().uri("/api/v1/hosts/10.0.2.10/protection").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"reason\":\"sse\",\"ttl\":\"PT1M\"}").exchange().expectStatus().isAccepted())
			.assertNext(e -> org.assertj.core.api.Assertions.assertThat(e.data()).contains("\"to\":\"DIVERTING\""))
			.assertNext(e -> org.assertj.core.api.Assertions.assertThat(e.data()).contains("\"to\":\"PROTECTED\""))
			.thenCancel()
			.verify(Duration.ofSeconds(15));
		admin().delete().uri("/api/v1/hosts/10.0.2.10/protection").exchange().expectStatus().isAccepted();
	}

}
