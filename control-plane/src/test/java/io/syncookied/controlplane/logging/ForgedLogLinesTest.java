package io.syncookied.controlplane.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

import io.syncookied.controlplane.api.ApiTestBase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A reason holding a newline and terminal escapes reaches the real log as one escaped line. */
@ExtendWith(OutputCaptureExtension.class)
class ForgedLogLinesTest extends ApiTestBase {

	@Test
	void aReasonCannotForgeALogLineOrSendTerminalEscapes(CapturedOutput output) {
		Logger events = (Logger) LoggerFactory.getLogger("io.syncookied.events");
		Level before = events.getLevel();
		events.setLevel(Level.INFO);
		try {
			admin().post().uri("/api/v1/hosts/10.0.2.11/protection").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"reason\":\"x\\n2026-01-01T00:00:00Z ERROR FORGED admin logged in\\u001b[2J\",\"ttl\":\"PT1M\"}")
				.exchange().expectStatus().isAccepted();
			await().until(() -> output.getOut().contains("FORGED"));
			assertThat(output.getOut()).contains("x\\n2026-01-01T00:00:00Z ERROR FORGED admin logged in\\u001b[2J")
				.doesNotContain("\u001b[2J")
				.doesNotContainPattern("(?m)^2026-01-01T00:00:00Z ERROR FORGED");
		}
		finally {
			events.setLevel(before);
			admin().delete().uri("/api/v1/hosts/10.0.2.11/protection").exchange().expectStatus().isAccepted();
		}
	}

}
