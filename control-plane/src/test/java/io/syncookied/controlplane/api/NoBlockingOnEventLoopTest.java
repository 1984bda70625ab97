package io.syncookied.controlplane.api;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * BlockHound instruments the JVM: any blocking call (sleep, socket or file I/O, wait) on a Netty event loop or a
 * Reactor non-blocking thread fails. Every endpoint is driven end to end, including protect/unprotect whose
 * dataplane and router doubles block on boundedElastic the way the JNA, socket, SNMP and NETCONF clients do, and
 * the reload whose file I/O must be offloaded. BlockHound is active in every test of this module (see
 * {@code AllowedBlocking}); this class proves it and drives every endpoint on purpose.
 */
class NoBlockingOnEventLoopTest extends ApiTestBase {

	@BeforeAll
	static void installBlockHound() {
		BlockHound.install(); // normally done already by blockhound-junit-platform for the whole test JVM
	}

	@Test
	void blockHoundIsActive() {
		assertThatThrownBy(() -> Mono.fromRunnable(() -> {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5)))
			.hasCauseInstanceOf(BlockingOperationError.class);
	}

	@Test
	void noEndpointBlocksAnEventLoop() {
		reader().get().uri("/api/v1/hosts").exchange().expectStatus().isOk();
		reader().get().uri("/api/v1/hosts/10.0.2.11").exchange().expectStatus().isOk();
		reader().get().uri("/api/v1/hosts/nope").exchange().expectStatus().isBadRequest();
		reader().get().uri("/api/v1/dataplane").exchange().expectStatus().isOk();
		reader().get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
		this.web.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk();
		admin().post().uri("/api/v1/config/reload").exchange().expectStatus().isOk();
		admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"reason\":\"blockhound\",\"ttl\":\"PT1M\"}").exchange().expectStatus().isAccepted();
		await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange()
			.expectBody().jsonPath("$.state").isEqualTo("PROTECTED"));
		admin().delete().uri("/api/v1/hosts/10.0.2.11/protection").exchange().expectStatus().isAccepted();
		await().untilAsserted(() -> reader().get().uri("/api/v1/hosts/10.0.2.11").exchange()
			.expectBody().jsonPath("$.state").isEqualTo("UNPROTECTED"));
		assertThat(this.router.overrides).isEmpty();
	}

}
