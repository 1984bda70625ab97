package io.syncookied.controlplane.hooks;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook receiver against a real HTTP and HTTPS listener. */
@Timeout(120)
class WebhookReceiverTest {

	private static final String SECRET = "s3cret-of-at-least-16";

	private static final String TOKEN = "token-of-at-least-16-chars";

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

	@TempDir
	Path dir;

	@Test
	void postsTheEventAsJsonSignedWithItsTimestampAndTheBearerToken() throws Exception {
		try (Listener listener = Listener.http();
				WebhookReceiver webhook = new WebhookReceiver(webhook(listener.uri("/hook?key=k1"), TOKEN, SECRET, null),
						CLOCK)) {
			Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
			assertThat(attempt.outcome()).as(attempt.detail()).isEqualTo(Attempt.Outcome.OK);
			assertThat(attempt.detail()).isEqualTo("HTTP 204");
			Listener.Request r = listener.requests.get(0);
			assertThat(r.method()).isEqualTo("POST");
			assertThat(r.path()).isEqualTo("/hook");
			assertThat(r.header("Content-Type")).isEqualTo("application/json");
			assertThat(r.header("X-Syncookied-Event")).isEqualTo("state");
			assertThat(r.header("X-Syncookied-Delivery")).isEqualTo(ScriptReceiverTest.EVENT.id());
			assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
			String timestamp = r.header("X-Syncookied-Timestamp");
			assertThat(timestamp).isEqualTo(Long.toString(CLOCK.instant().getEpochSecond()));
			// what a receiver computes, written out without the production code
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			assertThat(r.header("X-Syncookied-Signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body())));
			JsonNode json = JsonMapper.builder().build().readTree(r.body());
			assertThat(json.get("type").asString()).isEqualTo("state");
			assertThat(json.get("ip").asString()).isEqualTo("2001:db8::10");
			assertThat(json.get("sequence").asLong()).isEqualTo(42);
		}
	}

	@Test
	void withoutSecretsNoSignatureAndNoAuthorizationIsSent() throws Exception {
		try (Listener listener = Listener.http();
				WebhookReceiver webhook = new WebhookReceiver(webhook(listener.uri("/"), null, null, null), CLOCK)) {
			assertThat(webhook.attempt(ScriptReceiverTest.EVENT).outcome()).isEqualTo(Attempt.Outcome.OK);
			Listener.Request r = listener.requests.get(0);
			assertThat(r.header("Authorization")).isNull();
			assertThat(r.header("X-Syncookied-Signature")).isNull();
		}
	}

	@Test
	void serverErrorsThrottlingAndRequestTimeoutsAreRetriedOtherStatusesAreFinal() throws Exception {
		try (Listener listener = Listener.http();
				WebhookReceiver webhook = new WebhookReceiver(webhook(listener.uri("/"), null, null, null), CLOCK)) {
			for (int status : new int[] { 500, 502, 503, 429, 408 }) {
				listener.answer.set(new Listener.Answer(status, "busy\r\nforged", 0));
				Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
				assertThat(attempt.outcome()).as("HTTP " + status).isEqualTo(Attempt.Outcome.ERROR);
				assertThat(attempt.retryable()).isTrue();
				assertThat(attempt.detail()).isEqualTo("HTTP " + status + ": busy\\r\\nforged");
			}
			for (int status : new int[] { 400, 401, 403, 404, 410, 301, 302, 307 }) {
				listener.answer.set(new Listener.Answer(status, "", 0));
				Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
				assertThat(attempt.outcome()).as("HTTP " + status).isEqualTo(Attempt.Outcome.REJECTED);
				assertThat(attempt.retryable()).isFalse();
			}
			// a redirect is never followed
			assertThat(listener.requests).allSatisfy(r -> assertThat(r.path()).isEqualTo("/"));
		}
	}

	@Test
	void aLongResponseBodyIsCutForTheLog() throws Exception {
		try (Listener listener = Listener.http();
				WebhookReceiver webhook = new WebhookReceiver(webhook(listener.uri("/"), null, null, null), CLOCK)) {
			listener.answer.set(new Listener.Answer(500, "x".repeat(100_000), 0));
			Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
			assertThat(attempt.detail()).isEqualTo("HTTP 500: " + "x".repeat(WebhookReceiver.BODY_KEPT));
		}
	}

	@Test
	void aListenerSlowerThanTheTimeoutIsATimeout() throws Exception {
		try (Listener listener = Listener.http();
				WebhookReceiver webhook = new WebhookReceiver(
						new HooksProperties.Webhook(listener.uri("/"), Duration.ofMillis(800), 0, Duration.ofMillis(10),
								Duration.ofMillis(10), 10, Set.of(HookEventType.STATE), null, null, null),
						CLOCK)) {
			listener.answer.set(new Listener.Answer(204, "", 10_000));
			Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.TIMEOUT);
			assertThat(attempt.detail()).isEqualTo("no response within 800 ms");
		}
	}

	@Test
	void nobodyListeningIsAnErrorToRetry() throws Exception {
		int port;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		try (WebhookReceiver webhook = new WebhookReceiver(
				webhook(URI.create("http://127.0.0.1:" + port + "/"), null, null, null), CLOCK)) {
			Attempt attempt = webhook.attempt(ScriptReceiverTest.EVENT);
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(attempt.detail()).startsWith("cannot connect");
		}
	}

	@Test
	void httpsTrustsTheConfiguredCertificatesAndNotAnUnknownOne() throws Exception {
		Listener.makeCertificate(this.dir);
		try (Listener listener = Listener.https(this.dir.resolve("server.p12"))) {
			try (WebhookReceiver trusting = new WebhookReceiver(
					webhook(listener.uri("/tls"), TOKEN, SECRET, this.dir.resolve("ca.pem")), CLOCK)) {
				Attempt attempt = trusting.attempt(ScriptReceiverTest.EVENT);
				assertThat(attempt.outcome()).as(attempt.detail()).isEqualTo(Attempt.Outcome.OK);
				assertThat(listener.requests).singleElement()
					.satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN));
			}
			// the JVM's trust store does not know a self-signed certificate: nothing is sent
			try (WebhookReceiver defaults = new WebhookReceiver(webhook(listener.uri("/tls"), TOKEN, SECRET, null),
					CLOCK)) {
				Attempt attempt = defaults.attempt(ScriptReceiverTest.EVENT);
				assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.ERROR);
				assertThat(attempt.detail()).startsWith("TLS failed");
			}
			assertThat(listener.requests).hasSize(1);
		}
	}

	@Test
	void theNameInLogsHasNoQuery() {
		WebhookReceiver webhook = new WebhookReceiver(
				webhook(URI.create("https://hooks.example.net:8443/in/x?token=abc#f"), null, null, null), CLOCK);
		assertThat(webhook.name()).isEqualTo("https://hooks.example.net:8443/in/x");
	}

	static HooksProperties.Webhook webhook(URI url, String token, String secret, Path caFile) {
		return new HooksProperties.Webhook(url, Duration.ofSeconds(20), 3, Duration.ofMillis(10), Duration.ofMillis(10),
				10, Set.of(HookEventType.STATE), token, secret, caFile);
	}

}
