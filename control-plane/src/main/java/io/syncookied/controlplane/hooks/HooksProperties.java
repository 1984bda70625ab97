package io.syncookied.controlplane.hooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Operator hooks: on every event of the chosen types the control plane runs a script and POSTs a webhook, each from
 * its own thread and queue, so a slow or dead receiver never holds up protection. Off until a path or URL is set.
 * Every check names its setting; secrets never appear in a message or in {@link #toString()}.
 */
@ConfigurationProperties("syncookied.hooks")
public record HooksProperties(@DefaultValue Script script, @DefaultValue Webhook webhook) {

	/** The longest a single attempt may take. */
	static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

	/** How deliveries to one receiver are paced, shared by both kinds. */
	record Policy(Duration timeout, int retries, Duration backoff, Duration backoffMax, int queueCapacity,
			Set<HookEventType> events) {

		Policy {
			events = Set.copyOf(events);
		}

		static void check(String prefix, Duration timeout, int retries, Duration backoff, Duration backoffMax,
				int queueCapacity, Set<HookEventType> events) {
			if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
				throw new IllegalArgumentException(prefix + ".timeout: must be above 0 and at most 10m, got " + timeout);
			}
			if (retries < 0 || retries > 100) {
				throw new IllegalArgumentException(prefix + ".retries: must be 0..100, got " + retries);
			}
			if (backoff.isNegative() || backoff.isZero()) {
				throw new IllegalArgumentException(prefix + ".backoff: must be above 0, got " + backoff);
			}
			if (backoffMax.compareTo(backoff) < 0) {
				throw new IllegalArgumentException(
						prefix + ".backoff-max: must not be below backoff (" + backoff + "), got " + backoffMax);
			}
			if (queueCapacity < 1 || queueCapacity > 1_000_000) {
				throw new IllegalArgumentException(prefix + ".queue-capacity: must be 1..1000000, got " + queueCapacity);
			}
			if (events.isEmpty()) {
				throw new IllegalArgumentException(prefix + ".events: name at least one of "
						+ String.join(", ", Arrays.stream(HookEventType.values()).map(HookEventType::wireName).toList()));
			}
		}

	}

	/**
	 * An executable run once per event with the event as JSON on stdin.
	 *
	 * @param path the executable (absolute; owned and writable by its owner only); none = no script
	 * @param timeout an attempt that has not exited by then is killed (with its children) and counts as failed
	 * @param retries further attempts after a failed one (non-zero exit, timeout, cannot start)
	 * @param backoff wait before the first retry; each further retry doubles it
	 * @param backoffMax the longest wait between two attempts
	 * @param queueCapacity events waiting for the script; when full the oldest is dropped (counted, alerted)
	 * @param events the event types it gets
	 */
	public record Script(@Nullable Path path, @DefaultValue("10s") Duration timeout, @DefaultValue("3") int retries,
			@DefaultValue("1s") Duration backoff, @DefaultValue("30s") Duration backoffMax,
			@DefaultValue("1000") int queueCapacity, @DefaultValue("state") Set<HookEventType> events) {

		static final String PREFIX = "syncookied.hooks.script";

		public Script {
			Policy.check(PREFIX, timeout, retries, backoff, backoffMax, queueCapacity, events);
			if (path != null) {
				checkExecutable(path);
			}
		}

		Policy policy() {
			return new Policy(this.timeout, this.retries, this.backoff, this.backoffMax, this.queueCapacity,
					this.events);
		}

		private static void checkExecutable(Path path) {
			String where = PREFIX + ".path: " + path;
			if (!path.isAbsolute()) {
				throw new IllegalArgumentException(where + " must be an absolute path");
			}
			if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
				throw new IllegalArgumentException(where + " is not an executable file");
			}
			try {
				Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
				if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
					throw new IllegalArgumentException(where + " is writable by its group or by others, who could make "
							+ "the control plane run anything: chmod go-w " + path);
				}
			}
			catch (UnsupportedOperationException | java.io.IOException ex) {
				throw new IllegalArgumentException(where + ": cannot read its permissions: " + ex.getMessage());
			}
		}

	}

	/**
	 * An HTTP(S) endpoint that gets each event as a JSON POST.
	 *
	 * @param url {@code http://} or {@code https://}; none = no webhook
	 * @param timeout for connecting and for the response headers of one attempt
	 * @param retries further attempts after a failed one (timeout, connection error, 408, 429, 5xx; any other status is
	 *        final)
	 * @param backoff wait before the first retry; each further retry doubles it
	 * @param backoffMax the longest wait between two attempts
	 * @param queueCapacity events waiting for the webhook; when full the oldest is dropped (counted, alerted)
	 * @param events the event types it gets
	 * @param bearerToken sent as {@code Authorization: Bearer}; only over HTTPS (or to a loopback address)
	 * @param hmacSecret signs each request: {@code X-Syncookied-Signature: sha256=HMAC(secret, timestamp "." body)}
	 * @param caFile PEM certificates that alone are trusted for an HTTPS URL (default: the JVM's trust store)
	 */
	public record Webhook(@Nullable URI url, @DefaultValue("5s") Duration timeout, @DefaultValue("3") int retries,
			@DefaultValue("1s") Duration backoff, @DefaultValue("30s") Duration backoffMax,
			@DefaultValue("1000") int queueCapacity, @DefaultValue("state") Set<HookEventType> events,
			@Nullable String bearerToken, @Nullable String hmacSecret, @Nullable Path caFile) {

		static final String PREFIX = "syncookied.hooks.webhook";

		private static final int MIN_SECRET = 16;

		public Webhook {
			Policy.check(PREFIX, timeout, retries, backoff, backoffMax, queueCapacity, events);
			if (url != null) {
				checkUrl(url, bearerToken != null);
			}
			if (bearerToken != null && !bearerToken.matches("[\\x21-\\x7e]{" + MIN_SECRET + ",}")) {
				throw new IllegalArgumentException(PREFIX + ".bearer-token: must be at least " + MIN_SECRET
						+ " visible ASCII characters (the value is not shown)");
			}
			if (hmacSecret != null && hmacSecret.length() < MIN_SECRET) {
				throw new IllegalArgumentException(PREFIX + ".hmac-secret: must be at least " + MIN_SECRET
						+ " characters (the value is not shown)");
			}
			if (caFile != null && (url == null || !"https".equals(url.getScheme()))) {
				throw new IllegalArgumentException(PREFIX + ".ca-file: only for an https:// url");
			}
		}

		Policy policy() {
			return new Policy(this.timeout, this.retries, this.backoff, this.backoffMax, this.queueCapacity,
					this.events);
		}

		private static void checkUrl(URI url, boolean bearer) {
			String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
				throw new IllegalArgumentException(PREFIX + ".url: must be an http:// or https:// URL with a host, got "
						+ url.getScheme() + "://...");
			}
			if (url.getRawUserInfo() != null) {
				throw new IllegalArgumentException(
						PREFIX + ".url: must not carry credentials (they would be logged): use bearer-token");
			}
			if (bearer && scheme.equals("http") && !isLoopback(url.getHost())) {
				throw new IllegalArgumentException(PREFIX + ".bearer-token: would cross the network in clear text to "
						+ url.getHost() + ": use an https:// url");
			}
		}

		/** The URL without its query or fragment, which may hold a key: how logs name it. */
		static String withoutQuery(URI url) {
			return url.getScheme() + "://" + url.getRawAuthority() + ((url.getRawPath() != null) ? url.getRawPath() : "");
		}

		private static boolean isLoopback(String host) {
			if (host.equalsIgnoreCase("localhost")) {
				return true;
			}
			String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
			if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
				return false; // a name: never resolved here
			}
			try {
				return InetAddress.getByName(literal).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
		}

		@Override
		public String toString() {
			return "Webhook[url=" + ((this.url != null) ? withoutQuery(this.url) : "none") + ", timeout=" + this.timeout + ", retries=" + this.retries
					+ ", bearerToken=" + ((this.bearerToken != null) ? "<hidden>" : "none") + ", hmacSecret="
					+ ((this.hmacSecret != null) ? "<hidden>" : "none") + ", caFile=" + this.caFile + "]";
		}

	}

}
