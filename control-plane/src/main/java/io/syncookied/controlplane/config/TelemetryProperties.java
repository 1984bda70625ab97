package io.syncookied.controlplane.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The agents' telemetry receiver (authenticated UDP, docs/protocol.md).
 *
 * @param enabled off by default: no receiver, no secrets, so protection is refused until it is configured
 * @param bind listen address
 * @param port listen port (the original used 1488)
 * @param keys one entry per agent key; a host in the hosts file names its key with {@code agent_key_id} (the key's
 * host label or its numeric id); without it the datagram's source address is matched against the host's IP and
 * {@code secrets_addr}
 * @param maxClockSkew agent clock skew accepted
 * @param secretsPushInterval fresh clock samples are pushed to the dataplane at most this often per diverted host
 */
@Validated
@ConfigurationProperties("syncookied.telemetry")
public record TelemetryProperties(@DefaultValue("false") boolean enabled, @DefaultValue("0.0.0.0") @NotBlank String bind,
		@DefaultValue("1488") @Min(0) @Max(65535) int port, @DefaultValue List<@Valid Key> keys,
		@DefaultValue("30s") @NotNull Duration maxClockSkew, @DefaultValue("1s") @NotNull Duration secretsPushInterval) {

	/**
	 * One pre-shared agent key.
	 *
	 * @param id key id carried in every datagram header
	 * @param host the key's host label (what {@code agent_key_id} refers to)
	 * @param algorithm {@code chacha20-poly1305} or {@code aes-256-gcm}
	 * @param file key file: 32 raw bytes or 64 hex digits, mode 0400/0600, owned by root or us
	 */
	public record Key(@Min(0) long id, @NotBlank String host, @DefaultValue("chacha20-poly1305") @NotBlank String algorithm,
			@NotNull Path file) {
	}

	public TelemetryProperties {
		if (enabled && keys.isEmpty()) {
			throw new IllegalArgumentException(
					"syncookied.telemetry.keys must list at least one agent key when syncookied.telemetry.enabled=true");
		}
	}

}
