package io.syncookied.controlplane.protection.core;

import java.time.Duration;

import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.config.ProtectionProperties.FailMode;

/**
 * The settings the transition function decides with.
 *
 * @param defaultTtl TTL of a manual protection requested without one
 * @param maxTtl longest TTL accepted
 * @param holdDown minimum time an automatic protection stays on
 * @param secretsMaxAge secrets older than this are stale: never diverted with
 * @param failMode what happens to diverted hosts while the worker is down
 * @param pickupWindow how long a newly pushed host adopts connections the firewall has no flow for
 */
public record CoreSettings(Duration defaultTtl, Duration maxTtl, Duration holdDown, Duration secretsMaxAge,
		FailMode failMode, Duration pickupWindow) {

	public static CoreSettings of(ProtectionProperties p) {
		return new CoreSettings(p.defaultTtl(), p.maxTtl(), p.holdDown(), p.secretsMaxAge(), p.failMode(),
				p.pickupWindow());
	}

}
