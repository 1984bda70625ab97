package io.syncookied.controlplane.hooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

import io.syncookied.controlplane.logging.LogText;

/**
 * POSTs each event as JSON to the operator's URL (HTTP/1.1, HTTPS with the JVM's trust store or the configured CAs,
 * hostname verified, no redirects followed). With a secret, each request is signed so the receiver can tell it came
 * from this control plane and is fresh: {@code X-Syncookied-Signature: sha256=<hex HMAC-SHA256 of timestamp "."
 * body>} with {@code X-Syncookied-Timestamp} (Unix seconds, new on every attempt). One deadline covers connecting,
 * the response and its body, of which only the start is kept.
 */
final class WebhookReceiver implements Receiver {

	/** How much of a response body is kept for the log. */
	static final int BODY_KEPT = 512;

	private final URI url;

	private final Duration timeout;

	private final @Nullable String bearerToken;

	private final @Nullable SecretKeySpec hmacKey;

	private final HttpClient client;

	private final Clock clock;

	WebhookReceiver(HooksProperties.Webhook config, Clock clock) {
		this.url = Objects.requireNonNull(config.url(), "url");
		this.timeout = config.timeout();
		this.bearerToken = config.bearerToken();
		this.hmacKey = (config.hmacSecret() != null)
				? new SecretKeySpec(config.hmacSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256") : null;
		this.clock = clock;
		HttpClient.Builder client = HttpClient.newBuilder()
			.connectTimeout(this.timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1);
		if (config.caFile() != null) {
			client.sslContext(trusting(config.caFile()));
		}
		this.client = client.build();
	}

	@Override
	public String kind() {
		return "webhook";
	}

	/** The URL without its query or fragment (they may hold a key). */
	@Override
	public String name() {
		return HooksProperties.Webhook.withoutQuery(this.url);
	}

	@Override
	public Attempt attempt(HookEvent event) throws InterruptedException {
		byte[] body = event.json();
		String timestamp = Long.toString(this.clock.instant().getEpochSecond());
		HttpRequest.Builder request = HttpRequest.newBuilder(this.url)
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "syncookied-controlplane")
			.header("X-Syncookied-Event", event.type().wireName())
			.header("X-Syncookied-Delivery", event.id())
			.header("X-Syncookied-Timestamp", timestamp)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (this.hmacKey != null) {
			request.header("X-Syncookied-Signature", "sha256=" + sign(this.hmacKey, timestamp, body));
		}
		if (this.bearerToken != null) {
			request.header("Authorization", "Bearer " + this.bearerToken);
		}
		CompletableFuture<HttpResponse<String>> response = this.client.sendAsync(request.build(), info -> new Head());
		try {
			HttpResponse<String> r = response.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			int status = r.statusCode();
			Attempt.Outcome outcome = (status / 100 == 2) ? Attempt.Outcome.OK
					: (status == 408 || status == 429 || status >= 500) ? Attempt.Outcome.ERROR
							: Attempt.Outcome.REJECTED;
			String answer = r.body().strip();
			return new Attempt(outcome, "HTTP " + status + (answer.isEmpty() ? "" : ": " + LogText.escape(answer)));
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			return new Attempt(Attempt.Outcome.TIMEOUT, "no response within " + this.timeout.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return (cause instanceof HttpTimeoutException)
					? new Attempt(Attempt.Outcome.TIMEOUT, "no response within " + this.timeout.toMillis() + " ms")
					: new Attempt(Attempt.Outcome.ERROR, describe(cause));
		}
		catch (InterruptedException ex) {
			response.cancel(true);
			throw ex;
		}
	}

	/** The hex HMAC-SHA256 of {@code timestamp + "." + body}: what a receiver computes to check a request. */
	static String sign(SecretKeySpec key, String timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
		}
	}

	private static String describe(Throwable t) {
		String what = (t instanceof ConnectException) ? "cannot connect"
				: (t instanceof SSLException) ? "TLS failed" : t.getClass().getSimpleName();
		return what + ((t.getMessage() != null) ? ": " + LogText.escape(t.getMessage()) : "");
	}

	/** A TLS context that trusts the certificates of a PEM file and nothing else. */
	private static SSLContext trusting(Path caFile) {
		String where = HooksProperties.Webhook.PREFIX + ".ca-file: " + caFile;
		try (InputStream in = Files.newInputStream(caFile)) {
			Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
				.generateCertificates(in);
			if (certificates.isEmpty()) {
				throw new IllegalArgumentException(where + " holds no PEM certificate");
			}
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			int i = 0;
			for (Certificate c : certificates) {
				trusted.setCertificateEntry("ca" + i++, c);
			}
			TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			tmf.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, tmf.getTrustManagers(), null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalArgumentException(where + " cannot be used: " + ex.getMessage(), ex);
		}
	}

	/** Keeps the first {@link #BODY_KEPT} bytes of a response body and discards the rest as it arrives. */
	private static final class Head implements HttpResponse.BodySubscriber<String> {

		private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

		private final CompletableFuture<String> done = new CompletableFuture<>();

		@Override
		public CompletionStage<String> getBody() {
			return this.done;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> items) {
			for (ByteBuffer b : items) {
				int n = Math.min(b.remaining(), BODY_KEPT - this.kept.size());
				if (n > 0) {
					byte[] bytes = new byte[n];
					b.get(bytes);
					this.kept.write(bytes, 0, n);
				}
			}
		}

		@Override
		public void onError(Throwable failure) {
			this.done.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			this.done.complete(this.kept.toString(StandardCharsets.UTF_8));
		}

	}

}
