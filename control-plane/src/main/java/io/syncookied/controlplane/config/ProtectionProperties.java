package io.syncookied.controlplane.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Protection state machine settings.
 *
 * @param defaultTtl TTL of a manual protection without one
 * @param maxTtl longest TTL accepted from the API
 * @param holdDown minimum time an automatic protection stays on
 * @param quietPeriod time the SYN rate must stay below the end threshold before an automatic restore
 * @param stepTimeout limit for one step (dataplane push, router divert or restore)
 * @param journal the state journal (one JSON line per state change), replayed and reconciled on start
 * @param secretsMaxAge secrets older than this are stale: the host is never diverted with them
 * @param reconcileInterval how often the router's overrides are read back and compared with the state
 * @param reconcileDelay wait after start before the first reconciliation, so agents can deliver fresh secrets
 * @param failMode what to do with diverted hosts when the dataplane worker dies
 * @param pickupWindow how long after a divert the dataplane adopts connections it has no flow for (established on
 *        the direct path before the switch): covers the router switch so that diverting never breaks them; during
 *        it, cookieless ACKs to the host pass as they did before the diversion. 0 disables it; at most 1h
 */
@Validated
@ConfigurationProperties("syncookied.protection")
public record ProtectionProperties(@DefaultValue("30m") @NotNull Duration defaultTtl,
		@DefaultValue("7d") @NotNull Duration maxTtl, @DefaultValue("60s") @NotNull Duration holdDown,
		@DefaultValue("30s") @NotNull Duration quietPeriod, @DefaultValue("10s") @NotNull Duration stepTimeout,
		@DefaultValue("syncookied-state.journal") @NotNull Path journal,
		@DefaultValue("60s") @NotNull Duration secretsMaxAge, @DefaultValue("30s") @NotNull Duration reconcileInterval,
		@DefaultValue("3s") @NotNull Duration reconcileDelay, @DefaultValue("OPEN") @NotNull FailMode failMode,
		@DefaultValue("30s") @NotNull Duration pickupWindow) {

	/** The longest pickup window the dataplane worker accepts. */
	public static final Duration MAX_PICKUP_WINDOW = Duration.ofHours(1);

	public ProtectionProperties {
		if (pickupWindow != null && (pickupWindow.isNegative() || pickupWindow.compareTo(MAX_PICKUP_WINDOW) > 0)) {
			throw new IllegalArgumentException("syncookied.protection.pickup-window must be between 0 (off) and "
					+ MAX_PICKUP_WINDOW + ", got " + pickupWindow);
		}
	}

	/** Worker failure policy while hosts are diverted. */
	public enum FailMode {

		/** Restore the direct path: the server takes the flood, but legitimate traffic is not black-holed. */
		OPEN,
		/** Keep the diversion and restart the worker: nothing reaches the server until the worker is back. */
		CLOSED

	}

}
