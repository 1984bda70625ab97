package io.syncookied.controlplane.telemetry;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import io.syncookied.controlplane.config.ProtectionProperties;

/**
 * Latest secrets and telemetry time per host. Secrets older than {@code syncookied.protection.secrets-max-age} are
 * stale: a host is never diverted with them, because the clock estimate behind the cookies may be wrong.
 */
@Component
public final class SecretsStore {

	private final Map<InetAddress, SecretsUpdate> secrets = new ConcurrentHashMap<>();

	private final Map<InetAddress, java.time.Instant> lastTelemetry = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Duration maxAge;

	public SecretsStore(Clock clock, ProtectionProperties properties) {
		this.clock = clock;
		this.maxAge = properties.secretsMaxAge();
	}

	public void put(SecretsUpdate update) {
		this.secrets.put(update.ip(), update);
	}

	public void sawTelemetry(InetAddress ip, java.time.Instant at) {
		this.lastTelemetry.put(ip, at);
	}

	/** Fresh secrets, or empty when none arrived or they are stale. */
	public Optional<SecretsUpdate> fresh(InetAddress ip) {
		SecretsUpdate update = this.secrets.get(ip);
		if (update == null || age(update).compareTo(this.maxAge) > 0) {
			return Optional.empty();
		}
		return Optional.of(update);
	}

	/** Why {@link #fresh} is empty, for messages. */
	public String staleness(InetAddress ip) {
		SecretsUpdate update = this.secrets.get(ip);
		if (update == null) {
			return "no secrets received from the host's agent yet";
		}
		return "secrets are " + age(update).toSeconds() + " s old (syncookied.protection.secrets-max-age="
				+ this.maxAge.toSeconds() + "s)";
	}

	public @Nullable Duration secretsAge(InetAddress ip) {
		SecretsUpdate update = this.secrets.get(ip);
		return (update != null) ? age(update) : null;
	}

	public @Nullable Duration telemetryAge(InetAddress ip) {
		java.time.Instant at = this.lastTelemetry.get(ip);
		return (at != null) ? Duration.between(at, this.clock.instant()) : null;
	}

	private Duration age(SecretsUpdate update) {
		return Duration.between(update.receivedAt(), this.clock.instant());
	}

}
