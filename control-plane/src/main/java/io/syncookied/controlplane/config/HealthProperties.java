package io.syncookied.controlplane.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Readiness checks.
 *
 * @param routerCheckInterval how often every router target's diversion table is read to tell whether it is
 * reachable (each check is one read per target, like a reconciliation's)
 */
@Validated
@ConfigurationProperties("syncookied.health")
public record HealthProperties(@DefaultValue("30s") @NotNull Duration routerCheckInterval) {

	public HealthProperties {
		if (routerCheckInterval != null && (routerCheckInterval.isNegative() || routerCheckInterval.isZero())) {
			throw new IllegalArgumentException(
					"syncookied.health.router-check-interval must be positive, got " + routerCheckInterval);
		}
	}

}
